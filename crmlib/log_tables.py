"""Tables of transaction lines of a :class:`crmlib.TransactionLog`, computed in DuckDB.

The overview's tables (revenue, lines, customers and orders per period, the category and channel
mix, the headline numbers) count transaction lines and their text columns, which the log's
per-customer-day table does not keep. :func:`lines` reads the files once more into one row per group
of identical rows (:meth:`crmlib.TransactionLog.row_groups`, the groups of its duplicate rule), with the
copies the rule keeps (``n``), the amount, and ``order_id``, ``category`` and ``channel`` prepared
as the loader prepares them (trimmed, blanks missing, a channel in the spelling most of its rows use,
emails and phones replaced: :func:`crmlib.logscreen.kept_sql` and
:attr:`crmlib.TransactionLog.replacements`). Every function below reads that table
and returns numbers only; :mod:`crmlib.overview` shapes them as it shapes a frame's.

Purchase days and first purchases are not counted here: they come from :mod:`crmlib.purchases`.
"""

from __future__ import annotations

import pandas as pd

from crmlib.duck import held_outside, memory_lowered, sql_text
from crmlib.logscreen import kept_sql
from crmlib.summary_sql import EPOCH

_LINES = "crmlib_lines"
#: Text columns of a transaction line kept by :func:`lines`, when the files have them.
TEXT = ("order_id", "category", "channel")
#: pandas period codes -> DuckDB's date_trunc parts.
PARTS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def _prepared(log, column: str) -> str:
    """SQL of a text column as the loader keeps it (see the module docstring)."""
    raw = f'CAST("{column}" AS VARCHAR)'
    value = kept_sql(raw)
    mapping = log.replacements.get(column) or {}
    if not mapping:
        return value
    cases = " ".join(f"WHEN {sql_text(k)} THEN {'NULL' if v is None else sql_text(v)}" for k, v in mapping.items())
    return f"CASE {raw} {cases} ELSE {value} END"


def lines(log) -> str:
    """The name of the table of kept line groups (created on first use; see the module docstring)."""
    if getattr(log, "_lines_ready", False):
        return _LINES
    log._read()
    present = [c for c in TEXT if c in log._raw_columns]
    texts = "".join(f", any_value({_prepared(log, c)}) AS {c}" for c in present)
    absent = "".join(f", CAST(NULL AS VARCHAR) AS {c}" for c in TEXT if c not in present)
    # grouping every row holds about twice the table in DuckDB's memory: within the bound less what the
    # process already holds (a report's customer table), DuckDB spills instead of the two adding up
    with memory_lowered(log.con, held_outside(log.con)):
        log.con.execute(f"""CREATE TEMP TABLE {_LINES} AS
            SELECT cid, day, amt, CAST(kept AS BIGINT) AS n{''.join(f', {c}' for c in present)}{absent}
            FROM {log.row_groups(extra=texts)} WHERE {log.kept()} AND kept > 0""")
    log._lines_ready = True
    return _LINES


def _days_to_dates(days) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(EPOCH + pd.to_timedelta(pd.Series(days, dtype="int64"), unit="D"))


def _period(code: str) -> str:
    return (f"CAST(CAST(date_trunc('{PARTS[code]}', DATE '1970-01-01' + CAST(day AS INTEGER)) AS DATE) "
            "- DATE '1970-01-01' AS BIGINT)")


def has_values(log, column: str) -> bool:
    """True when the log has ``column`` with a value on a kept line."""
    if column not in TEXT:
        return column in ("customer_id", "date", "amount")
    return bool(log.con.execute(f"SELECT COUNT({column}) FROM {lines(log)}").fetchone()[0])


def headline(log) -> dict:
    """Lines, orders, gross, returns (sum and lines) and net of the kept lines."""
    rows, orders, gross, returns, return_lines, net = log.con.execute(f"""SELECT
        SUM(n), COUNT(DISTINCT order_id), FSUM(CASE WHEN amt >= 0 THEN amt * n ELSE 0 END),
        FSUM(CASE WHEN amt < 0 THEN amt * n ELSE 0 END), SUM(CASE WHEN amt < 0 THEN n ELSE 0 END), FSUM(amt * n)
        FROM {lines(log)}""").fetchone()
    return {"transactions": int(rows or 0), "orders": int(orders or 0), "gross": float(gross or 0),
            "returns": float(returns or 0), "return_lines": int(return_lines or 0), "net": float(net or 0)}


def by_period(log, code: str) -> pd.DataFrame:
    """Per period start (a date): ``revenue``, ``transactions`` (lines), ``customers``, ``orders``
    (each order id in the period of its first line, as :func:`crmlib.overview.revenue_by_period`)."""
    rel = lines(log)
    out = log.con.execute(f"""SELECT p, revenue, transactions, customers, COALESCE(orders, 0) AS orders
        FROM (SELECT {_period(code)} AS p, FSUM(amt * n) AS revenue, CAST(SUM(n) AS BIGINT) AS transactions,
                     COUNT(DISTINCT cid) AS customers FROM {rel} GROUP BY 1)
        LEFT JOIN (SELECT {_period(code)} AS p, COUNT(*) AS orders
                   FROM (SELECT order_id, MIN(day) AS day FROM {rel} WHERE order_id IS NOT NULL GROUP BY 1)
                   GROUP BY 1) USING (p)
        ORDER BY p""").df()
    out.index = _days_to_dates(out.pop("p"))
    return out


def active_by_period(log, code: str) -> pd.Series:
    """Distinct customers with a line of amount >= 0 per period start."""
    out = log.con.execute(f"SELECT {_period(code)} AS p, COUNT(DISTINCT cid) AS n FROM {lines(log)} "
                          "WHERE amt >= 0 GROUP BY 1 ORDER BY 1").df()
    return pd.Series(out["n"].to_numpy(dtype="int64"), index=_days_to_dates(out["p"]), name="customer_id")


def by_text(log, column: str, blank: str, where: str = "TRUE") -> pd.DataFrame:
    """Per value of ``column`` (missing: ``blank``): ``revenue``, ``lines``, ``customers``,
    ``orders``, sorted by value; ``attrs["customers"]`` is the number of customers of every line."""
    rel = lines(log)
    out = log.con.execute(f"""SELECT COALESCE({column}, {sql_text(blank)}) AS v, FSUM(amt * n) AS revenue,
            CAST(SUM(n) AS BIGINT) AS lines, COUNT(DISTINCT cid) AS customers, COUNT(DISTINCT order_id) AS orders
        FROM {rel} WHERE {where} GROUP BY 1 ORDER BY 1""").df()
    out = out.set_index(pd.Index(out.pop("v").astype("string"), name=column))
    out.attrs["customers"] = int(log.con.execute(f"SELECT COUNT(DISTINCT cid) FROM {rel}").fetchone()[0])
    return out


def purchase_amount_bins(log, bins: int = 40) -> tuple[pd.DataFrame, float]:
    """Purchase-day amounts above 0 (:func:`crmlib.summary_sql.purchase_days_sql`, the one rule) in
    ``bins`` bins of equal width on a log scale: a frame of ``left``, ``right``, ``count``, and
    their median."""
    import numpy as np

    from crmlib.purchases import transactions_relation
    from crmlib.summary_sql import purchase_days_sql

    with transactions_relation(log) as (con, relation, last):
        days = f"(SELECT amount FROM {purchase_days_sql(relation, last)} WHERE is_purchase = 1 AND amount > 0)"
        low, high, median = con.execute(f"SELECT log10(MIN(amount)), log10(MAX(amount)), median(amount) "
                                        f"FROM {days}").fetchone()
        if low is None:
            return pd.DataFrame({"left": [], "right": [], "count": []}), float("nan")
        width = (high - low) / bins or 1.0
        counts = con.execute(f"SELECT LEAST(CAST(floor((log10(amount) - {low}) / {width}) AS BIGINT), {bins - 1}) "
                             f"AS b, COUNT(*) AS n FROM {days} GROUP BY 1 ORDER BY 1").df()
    full = pd.Series(0, index=range(bins), dtype="int64")
    full[counts["b"].to_numpy()] = counts["n"].to_numpy()
    edges = 10 ** (low + width * np.arange(bins + 1))
    return pd.DataFrame({"left": edges[:-1], "right": edges[1:], "count": full.to_numpy()}), float(median)




def _baskets(log, level: str, order_col: str | None) -> str:
    """SQL of the distinct (basket, item) pairs of the purchase lines (returns left out), as
    :func:`crmlib.basket.basket_matrix` forms baskets: a customer's day, or a value of ``order_col``."""
    from crmlib.exceptions import DataError

    allowed = {None: "cid || '|' || CAST(day AS VARCHAR)", "customer_id": "cid", "order_id": "order_id"}
    if order_col not in allowed or level not in TEXT:
        raise DataError(f"rules on a transaction log read out of core: baskets are customer-days, customers or "
                        f"orders (order_col None, 'customer_id' or 'order_id') and items a text column "
                        f"({', '.join(TEXT)}); got order_col={order_col!r}, level={level!r}.")
    return (f"(SELECT DISTINCT {allowed[order_col]} AS basket, {level} AS item FROM {lines(log)} "
            f"WHERE amt >= 0 AND {level} IS NOT NULL AND {allowed[order_col]} IS NOT NULL)")


def basket_counts(log, level: str = "category", order_col: str | None = None):
    """``(both, n, items, multi)`` for :func:`crmlib.basket.rules`: the item-by-item count matrix of
    baskets holding both (the diagonal: holding the item), the number of baskets, the item names
    (sorted) and the number of baskets holding two or more items. Only item pairs enter pandas."""
    import numpy as np

    from crmlib.exceptions import DataError

    con, pairs = log.con, _baskets(log, level, order_col)
    con.execute(f"CREATE OR REPLACE TEMP TABLE crmlib_baskets AS SELECT * FROM {pairs}")
    n, multi = con.execute("SELECT COUNT(*), COUNT(*) FILTER (WHERE k >= 2) FROM "
                           "(SELECT basket, COUNT(*) AS k FROM crmlib_baskets GROUP BY 1)").fetchone()
    if not n:
        raise DataError(f"rules: no purchases with a {level} to analyse (returns are left out).")
    counts = con.execute("SELECT a.item AS a, b.item AS b, COUNT(*) AS n FROM crmlib_baskets a "
                         "JOIN crmlib_baskets b USING (basket) GROUP BY 1, 2").df()
    con.execute("DROP TABLE crmlib_baskets")
    items = np.array(sorted(set(counts["a"])), dtype=object)
    pos = {item: i for i, item in enumerate(items)}
    both = np.zeros((len(items), len(items)), dtype=np.int64)
    both[counts["a"].map(pos).to_numpy(int), counts["b"].map(pos).to_numpy(int)] = counts["n"].to_numpy()
    return both, int(n), items, int(multi)


def owned(log, level: str = "category") -> pd.DataFrame:
    """Customer-by-item booleans (True: bought the item; returns left out), customers and items
    sorted, as :func:`crmlib.basket.owned`; pivoted in DuckDB, one row per customer."""
    pairs = _baskets(log, level, "customer_id")
    items = sorted(r[0] for r in log.con.execute(f"SELECT DISTINCT item FROM {pairs}").fetchall())
    columns = ", ".join(f"bool_or(item = {sql_text(v)}) AS c{i}" for i, v in enumerate(items))
    wide = log.con.execute(f"SELECT basket, {columns} FROM {pairs} GROUP BY 1 ORDER BY 1").df()
    out = pd.DataFrame(wide.drop(columns="basket").to_numpy(dtype=bool), columns=pd.Index(items, name=level),
                       index=pd.Index(wide["basket"].astype(str), name="customer_id"))
    return out


__all__ = ["PARTS", "TEXT", "active_by_period", "basket_counts", "by_period", "by_text", "has_values", "headline",
           "lines", "owned", "purchase_amount_bins"]
