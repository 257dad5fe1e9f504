"""The RFM summary's rules, written once as SQL that DuckDB and Spark SQL both run.

:func:`customers_sql` turns a relation of transactions, ``tx(customer_id, day, amount)`` with
``day`` a whole number of days since 1970-01-01 (the local calendar day of the transaction), into
one row per customer holding every count the summary and its ledger need:

* purchase days: a day holding at least one transaction with amount >= 0 whose net amount (returns
  of that day included) is >= 0, on or before the observation end;
* ``cal_days``, ``first_day``, ``last_day``, ``cal_total``, ``first_amount``: the purchase days up to
  the calibration end, their first and last day, the sum of their net amounts and the first day's;
* ``frequency``, ``recency``, ``T``, ``monetary_value`` and the holdout columns, computed from them
  in SQL, in the time unit given (days divided by the unit's length in days, as doubles);
* ``late_days`` (customer-days after the observation end), ``buy_days`` (purchase days in the
  whole period) and ``bought`` (1 when some day up to the end holds a transaction with amount >= 0,
  so a customer without purchase days lost them to returns), from which :func:`summary_frame`
  writes the ledger.

Every customer of ``tx`` is returned, ordered by ``customer_id`` (binary order, which is Python's
order for strings), so the ledger's counts come from the same pass; only this per-customer table
leaves the engine. The two dialects differ only in how a date becomes a day number
(:data:`DAY_NUMBER`). On DuckDB (:func:`run`) it leaves in Arrow batches (:func:`fetch_summary`):
the ledger's counts are added up per batch and only the kept customers' output columns are kept, so
the summary of 41M customers takes about its own size (2 GB) in pandas, not several copies of the
whole table.

The purchase-day rule itself is :func:`purchase_days_sql`, from which :func:`first_purchase_sql`
and the summary are built; :mod:`crmlib.purchases` runs them on a frame or a log. This module only
writes SQL: the DuckDB connection, file reading and checks are :mod:`crmlib.duck`.
"""

from __future__ import annotations

import pandas as pd

from crmlib.exceptions import DataError
from crmlib.ledger import Ledger, attach

#: How each engine turns a timestamp or date expression into days since 1970-01-01.
DAY_NUMBER = {
    "duckdb": "date_diff('day', DATE '1970-01-01', CAST({} AS DATE))",
    "spark": "unix_date(CAST({} AS DATE))",
}
EPOCH = pd.Timestamp("1970-01-01")

_OUTPUT = {"frequency": "int64", "recency": "float64", "T": "float64", "monetary_value": "float64"}
_HOLDOUT = {"frequency_holdout": "int64", "monetary_value_holdout": "float64", "duration_holdout": "float64"}


def day_number(expression: str, dialect: str) -> str:
    """SQL for the day number (days since 1970-01-01) of a timestamp or date ``expression``."""
    return DAY_NUMBER[dialect].format(expression)


def to_day(stamp) -> int:
    """A date argument as a day number."""
    return int((pd.Timestamp(stamp).normalize() - EPOCH).days)


def to_timestamp(day: int) -> pd.Timestamp:
    return EPOCH + pd.Timedelta(days=int(day))


def double(value: float) -> str:
    """A Python float as a SQL double literal."""
    # a bare 30.436875 is a DECIMAL in DuckDB; the string cast gives the very double Python has
    return f"CAST('{value!r}' AS DOUBLE)"


#: The sum of amounts: DuckDB's FSUM (Kahan-Babuska), the correctly rounded sum whatever order the
#: threads add the rows in. A plain SUM of doubles depends on that order, so the same file gave
#: monetary values differing in the last bits from run to run (and churn scores built on them by up
#: to 12% for a customer of the CDNOW log). Spark SQL has no FSUM: its callers pass ``exact=False``.
EXACT_SUM = "FSUM"


def _sum(exact: bool) -> str:
    return EXACT_SUM if exact else "SUM"


def purchase_days_sql(tx: str, end_day: int | None = None, *, exact: bool = True) -> str:
    """The customer-days of the relation ``tx(customer_id, day, amount)`` up to ``end_day`` (all
    when None): ``customer_id, day, amount`` (the day's net amount, returns included),
    ``has_purchase`` (1 when a transaction of the day has amount >= 0) and ``is_purchase`` (1 for
    a *purchase day*: such a day whose net amount is >= 0). The one rule of a purchase day."""
    where = f" WHERE day <= {int(end_day)}" if end_day is not None else ""
    total = f"{_sum(exact)}(amount)"
    return f"""(SELECT customer_id, day, {total} AS amount,
         MAX(CASE WHEN amount >= 0 THEN 1 ELSE 0 END) AS has_purchase,
         CASE WHEN MAX(CASE WHEN amount >= 0 THEN 1 ELSE 0 END) = 1 AND {total} >= 0 THEN 1 ELSE 0 END
           AS is_purchase
  FROM {tx}{where}
  GROUP BY customer_id, day)"""


def first_purchase_sql(tx: str, end_day: int | None = None) -> str:
    """``customer_id, first_day``: each customer's first purchase day (:func:`purchase_days_sql`)
    up to ``end_day``; customers without one are absent."""
    return (f"SELECT customer_id, MIN(day) AS first_day FROM {purchase_days_sql(tx, end_day)} "
            "WHERE is_purchase = 1 GROUP BY customer_id")


def revenue_sql(tx: str, end_day: int | None = None, *, exact: bool = True) -> str:
    """``customer_id, revenue``: each customer's net amount (returns included) up to ``end_day``."""
    where = f" WHERE day <= {int(end_day)}" if end_day is not None else ""
    return f"SELECT customer_id, {_sum(exact)}(amount) AS revenue FROM {tx}{where} GROUP BY customer_id"


def _per_customer_ctes(daily: str, end_day: int, cal_day: int, exact: bool, carry: tuple = (),
                       whole: bool = False) -> str:
    """The common table expressions ``daily, marked, per_customer`` of :func:`customers_sql`; with
    ``whole`` (every day of ``daily`` on or before ``end_day`` = ``cal_day``), no late days and no
    holdout columns are computed."""
    cal = f"buy = 1 AND day <= {cal_day}"
    hold = f"buy = 1 AND day > {cal_day}"
    carried = "".join(f", {c}" for c in carry)
    sums = "".join(f",\n         SUM({c}) AS {c}" for c in carry)
    late = "0" if whole else "SUM(late)"
    holdout = "" if whole else f""",
         SUM(CASE WHEN {hold} THEN 1 ELSE 0 END) AS hold_days,
         {_sum(exact)}(CASE WHEN {hold} THEN amount END) AS hold_total"""
    return f"""daily AS {daily}, marked AS (
  SELECT customer_id, day, amount{carried},
         CASE WHEN is_purchase = 1 AND day <= {end_day} THEN 1 ELSE 0 END AS buy,
         CASE WHEN day > {end_day} THEN 1 ELSE 0 END AS late,
         CASE WHEN has_purchase = 1 AND day <= {end_day} THEN 1 ELSE 0 END AS bought
  FROM daily
), per_customer AS (
  SELECT customer_id,
         {late} AS late_days,
         SUM(buy) AS buy_days,
         MAX(bought) AS bought,
         SUM(CASE WHEN {cal} THEN 1 ELSE 0 END) AS cal_days,
         MIN(CASE WHEN {cal} THEN day END) AS first_day,
         MAX(CASE WHEN {cal} THEN day END) AS last_day,
         {_sum(exact)}(CASE WHEN {cal} THEN amount END) AS cal_total,
         MIN_BY(amount, CASE WHEN {cal} THEN day END) AS first_amount{holdout}{sums}
  FROM marked
  GROUP BY customer_id
)"""


def per_customer_sql(daily: str, *, end_day: int, exact: bool = True, carry: tuple = ()) -> str:
    """The per-customer aggregates :func:`customers_sql` computes for the whole period of ``daily`` (a
    relation of :func:`purchase_days_sql`'s columns whose days all fall on or before ``end_day``, the
    calibration end too: ``late_days`` 0, ``buy_days``, ``bought``, ``cal_days``, ``first_day``,
    ``last_day``, ``cal_total``, ``first_amount``), to be kept as a table and given to
    :func:`customers_sql` as ``per_customer``; each name in ``carry`` is a column of ``daily`` summed
    per customer as well."""
    ctes = _per_customer_ctes(daily, end_day, end_day, exact, carry, whole=True)
    return f"WITH {ctes}\nSELECT * FROM per_customer"


def customers_sql(tx: str, *, end_day: int, cal_day: int, unit_days: float, holdout: bool,
                  daily: str | None = None, exact: bool = True, per_customer: str | None = None,
                  order: bool = True) -> str:
    """One row per customer of the relation ``tx`` (see the module docstring); plain SQL that
    DuckDB and Spark SQL both run. ``daily``, when given, is the relation ``purchase_days_sql(tx)``
    already computed (one row per customer-day with its columns), used in place of grouping ``tx``;
    ``per_customer``, when given, is a table of :func:`per_customer_sql` of these days for the same
    ``end_day``, which is also ``cal_day`` (no holdout), used in place of grouping the days. With
    ``order`` False the rows come in any order."""
    unit = double(unit_days)
    holdout_columns = f""",
    hold_days AS frequency_holdout,
    CASE WHEN hold_days > 0 THEN hold_total / hold_days ELSE CAST(0 AS DOUBLE) END AS monetary_value_holdout,
    CAST({end_day - cal_day} AS DOUBLE) / {unit} AS duration_holdout""" if holdout else ""
    if per_customer is None:
        ctes = _per_customer_ctes(daily or purchase_days_sql(tx, exact=exact), end_day, cal_day, exact)
        head, source = f"WITH {ctes}\n", "per_customer"
    else:
        head, source = "", f"{per_customer} AS per_customer"
    ordered = "\nORDER BY customer_id" if order else ""
    return f"""
{head}SELECT customer_id, late_days, buy_days, bought, cal_days,
    cal_days - 1 AS frequency,
    CAST(last_day - first_day AS DOUBLE) / {unit} AS recency,
    CAST({cal_day} - first_day AS DOUBLE) / {unit} AS T,
    CASE WHEN cal_days > 1 THEN (cal_total - first_amount) / (cal_days - 1)
         ELSE CAST(0 AS DOUBLE) END AS monetary_value{holdout_columns}
FROM {source}{ordered}
"""


#: SQL of the counts :func:`summary_ledger` needs, over the relation of :func:`customers_sql`.
LEDGER_COUNTS_SQL = """SELECT COUNT(*) AS customers, COALESCE(SUM(late_days), 0) AS late,
    SUM(CASE WHEN buy_days > 0 THEN 1 ELSE 0 END) AS buyers,
    SUM(CASE WHEN buy_days = 0 AND bought > 0 THEN 1 ELSE 0 END) AS net,
    SUM(CASE WHEN cal_days > 0 THEN 1 ELSE 0 END) AS kept FROM {customers}"""


#: The summary's note of customer-days after the observation end: {late} a count, {end} a day.
LATE_NOTE = "{late} customer-days after observation end {end} left out"


def summary_ledger(counts: dict, *, source: str, end_day: int, cal_day: int) -> Ledger:
    """The summary's ledger from the counts of customers (``customers, late, buyers, net, kept``:
    see :data:`LEDGER_COUNTS_SQL`), so an engine that keeps the customers can send only these."""
    end, cal_end = to_timestamp(end_day), to_timestamp(cal_day)
    ledger = Ledger(source=source, table="rfm summary", rows_read=int(counts["customers"]))
    late = int(counts["late"])
    if late:
        ledger.note(LATE_NOTE, late=late, end=end.date())
    from crmlib.io import NO_PURCHASE_DAY

    buyers, net = int(counts["buyers"]), int(counts["net"])
    reason, detail = NO_PURCHASE_DAY["net"]
    ledger.add(reason, net, action="dropped", detail=detail, fields={"customers": net})
    ledger.add("no purchase day", int(counts["customers"]) - buyers - net, action="dropped",
               detail="only returns, or only transactions after observation end")
    ledger.add("first purchase after calibration end", buyers - int(counts["kept"]), action="dropped",
               detail="not yet a customer on {date}", fields={"date": cal_end.date()})
    return ledger


def _counts(customers: pd.DataFrame) -> dict:
    """:data:`LEDGER_COUNTS_SQL`'s counts of a per-customer frame of :func:`customers_sql`."""
    return {"customers": len(customers), "late": int(customers["late_days"].sum()),
            "buyers": int((customers["buy_days"] > 0).sum()),
            "net": int(((customers["buy_days"] == 0) & (customers["bought"] > 0)).sum()),
            "kept": int((customers["cal_days"] > 0).sum())}


def output_columns(calibration_end) -> dict:
    """The summary's columns and their dtypes (the holdout's with a ``calibration_end``)."""
    columns = dict(_OUTPUT)
    if calibration_end is not None:
        columns.update(_HOLDOUT)
    return columns


def _finish(out: pd.DataFrame, counts: dict, *, source: str, freq: str, end_day: int, cal_day: int,
            calibration_end) -> pd.DataFrame:
    ledger = summary_ledger(counts, source=source, end_day=end_day, cal_day=cal_day)
    out.attrs.update(freq=freq, observation_end=to_timestamp(end_day),
                     calibration_end=to_timestamp(cal_day) if calibration_end is not None else None)
    return attach(out, ledger)


def summary_frame(customers: pd.DataFrame, *, source: str, freq: str, end_day: int, cal_day: int,
                  calibration_end) -> pd.DataFrame:
    """The canonical summary and its ledger from the per-customer table of :func:`customers_sql`."""
    kept = customers[customers["cal_days"] > 0]
    columns = output_columns(calibration_end)
    out = kept.astype({"customer_id": "string", **columns}).set_index("customer_id")[list(columns)]
    return _finish(out, _counts(customers), source=source, freq=freq, end_day=end_day, cal_day=cal_day,
                   calibration_end=calibration_end)


#: Rows of the per-customer table brought from DuckDB at a time by :func:`fetch_summary`.
BATCH = 1 << 20


def _string_ids(ids: list) -> pd.Index:
    """The ids of Arrow chunks (:func:`_id_chunk`) as the ``customer_id`` index, with the ``"string"``
    dtype :func:`summary_frame` gives."""
    import pyarrow as pa

    if all(pa.types.is_large_string(c.type) for c in ids):
        return pd.Index(pd.array(pa.chunked_array(ids, type=pa.large_string()), dtype="string"), name="customer_id")
    values = pd.concat([pd.Series(c.to_pandas()) for c in ids], ignore_index=True) if ids else pd.Series([], dtype=object)
    return pd.Index(values.astype("string"), name="customer_id")


def _id_chunk(ids):
    """Ids of one batch as :func:`_string_ids` joins them: text as Arrow's large strings (pandas' own)."""
    import pyarrow as pa

    return ids.cast(pa.large_string()) if pa.types.is_string(ids.type) else ids


def fetch_summary(con, sql: str, *, source: str, freq: str, end_day: int, cal_day: int, calibration_end,
                  rows: int | None = None, batch: int = BATCH) -> pd.DataFrame:
    """:func:`summary_frame` of the per-customer relation ``sql`` (:func:`customers_sql`, any order) on a
    DuckDB connection, without the whole table in pandas: it is read sorted in Arrow batches (of ``batch``
    rows at most), the ledger's counts added up batch by batch and only the kept customers' output
    columns kept (ids as Arrow strings, not Python objects). ``rows``, when given, is at least the
    number of rows of ``sql``: each column is then written into one array as the batches come, else
    joined from its pieces at the end, one column at a time."""
    import numpy as np
    import pyarrow as pa

    columns = output_columns(calibration_end)
    counted = ("late_days", "buy_days", "bought", "cal_days")
    select = ", ".join(["customer_id"] + [f"CAST({c} AS BIGINT) AS {c}" for c in counted]
                       + [f"CAST({c} AS {'BIGINT' if kind == 'int64' else 'DOUBLE'}) AS {c}" for c, kind in columns.items()])
    con.complete()  # a result left unread by an earlier fetchone() would hold the connection
    reader = con.sql(f"SELECT {select} FROM ({sql}) ORDER BY customer_id").to_arrow_reader(batch)
    counts = dict.fromkeys(("customers", "late", "buyers", "net", "kept"), 0)
    ids, parts = [], {c: [] if rows is None else np.empty(rows, dtype=kind) for c, kind in columns.items()}
    for part in reader:
        got = {c: part.column(c).to_numpy(zero_copy_only=False) for c in counted}
        keep = got["cal_days"] > 0
        at, n = counts["kept"], int(keep.sum())
        counts["customers"] += part.num_rows
        counts["late"] += int(got["late_days"].sum())
        counts["buyers"] += int((got["buy_days"] > 0).sum())
        counts["net"] += int(((got["buy_days"] == 0) & (got["bought"] > 0)).sum())
        counts["kept"] += n
        ids.append(_id_chunk(part.column("customer_id").filter(pa.array(keep))))
        for c, kind in columns.items():
            values = np.asarray(part.column(c).to_numpy(zero_copy_only=False), dtype=kind)[keep]
            if rows is None:
                parts[c].append(values)
            else:
                parts[c][at:at + n] = values
    index = _string_ids(ids)
    ids.clear()
    data = {}
    for c, kind in columns.items():  # one column joined at a time: the pieces of the others wait
        piece = parts.pop(c)
        if rows is not None:
            data[c] = piece[:counts["kept"]]
        else:
            data[c] = np.concatenate(piece) if piece else np.empty(0, dtype=kind)
    out = pd.DataFrame(data, index=index, copy=False)
    return _finish(out, counts, source=source, freq=freq, end_day=end_day, cal_day=cal_day,
                   calibration_end=calibration_end)


def periods(observation_end, calibration_end, last_day: int | None) -> tuple[int, int]:
    """End and calibration-end day numbers; the end defaults to ``last_day`` (the last transaction)."""
    if observation_end is None and last_day is None:
        raise DataError("rfm_summary: the transactions are empty; there is nothing to summarise.")
    end_day = to_day(observation_end) if observation_end is not None else int(last_day)
    cal_day = to_day(calibration_end) if calibration_end is not None else end_day
    if cal_day > end_day:
        raise DataError(f"calibration_end {to_timestamp(cal_day).date()} is after observation_end "
                        f"{to_timestamp(end_day).date()}; the holdout period must come after the calibration period.")
    return end_day, cal_day


def run(con, tx: str, source: str, observation_end, freq: str, unit_days: float, calibration_end,
        last_day: int | None, daily: str | None = None, per_customer=None) -> pd.DataFrame:
    """The summary of the relation ``tx`` on a DuckDB connection (:func:`fetch_summary`); ``daily`` as
    for :func:`customers_sql`; ``per_customer``: ``(table, end_day, end_day)``, a table of
    :func:`per_customer_sql`, used when the summary has that end and no holdout."""
    end_day, cal_day = periods(observation_end, calibration_end, last_day)
    whole = per_customer and calibration_end is None and per_customer[1:] == (end_day, cal_day)
    grouped = per_customer[0] if whole else None
    sql = customers_sql(tx, end_day=end_day, cal_day=cal_day, unit_days=unit_days,
                        holdout=calibration_end is not None, daily=daily, per_customer=grouped, order=False)
    rows = con.execute(f"SELECT COUNT(*) FROM {grouped}").fetchall()[0][0] if grouped else None
    return fetch_summary(con, sql, source=source, freq=freq, end_day=end_day, cal_day=cal_day,
                         calibration_end=calibration_end, rows=rows)
