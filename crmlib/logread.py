"""The one read of a :class:`crmlib.TransactionLog`'s files: its customer-days and the loader's counts.

The rows are grouped once, by customer and day, into the table ``crmlib_days`` that every question
of the log reads (the summary's SQL, the per-customer checks, the screening, the cohort tables). The
loader's checks are evaluated per group or per distinct value rather than per row:

* **values** (:func:`screen_values`): in typed Parquet columns most of the loader's rules cannot
  fire ("not a number" on a DOUBLE, "not a date" on a TIMESTAMP); the others are read off a few
  aggregates of the whole file (``COUNT``, ``MIN``, ``MAX``: an empty value, a NaN, an infinite
  amount, a year outside 1900-2100). Only when one of them may fire, and always for text columns
  (CSV) and zoned times, are the rules counted row by row, and a broken rule refused naming rows
  and values (:func:`crmlib.duck.refuse`), as before;
* **ids**: the rows are grouped by the id as the file holds it. Only when some id would change under
  :data:`crmlib.ids.ID_RULE` (spaces around it, a null word such as ``NULL``, a dot as in ``81.0``:
  checked once per customer, and on the customer-days after the observation end) are the rows grouped
  again by the normalised id, as before. Ids that are all ASCII and hold no lower-case (or no
  upper-case) letter cannot differ only in case, so the screening's search for such ids
  (:mod:`crmlib.logscreen`) is skipped for them;
* **exact duplicate rows**: only a customer-day of two rows or more can hold copies. The grouping
  keeps what the summary needs (rows, net amount, whether a transaction of amount >= 0 is in it), as
  the bare summary would; the few customer-days of several rows (about 1.4% of them in the benchmark's
  log) are then read again from the files, only their rows (their customers' rows, then those of
  the days), grouped by a 64-bit hash of the row (:meth:`crmlib.TransactionLog.row_groups`; file
  name included when there are several files) as the loader's rule needs, and their amounts and
  rows replaced; their copies, returns and zero amounts go to the ledger from there;
* **per customer**: one table of the kept customer-days grouped by customer up to the log's end
  (:func:`crmlib.summary_sql.per_customer_sql`, ``crmlib_customers``) gives the customers without a
  purchase day and the ids' checks, and is what the summary of that period reads instead of grouping
  the days again; amounts add up beyond 1.8e308 only if the largest amount times the number of rows
  does, so the per-customer sums of :func:`overflowing` are taken only then.

Two different rows of one customer on one day are taken for copies only if their 64-bit hashes
collide (odds about 1 in 10^19 for a customer-day of a few rows), as before.
"""

from __future__ import annotations

from crmlib import duck
from crmlib.ids import NULL_WORDS

DAYS, MULTI, CUSTOMERS = "crmlib_days", "crmlib_multi", "crmlib_customers"
#: Largest sum of amounts that is still a finite number, with a margin for rounding.
FINITE = 1e307


def _typed(log) -> bool:
    """True when every rule column is typed (numbers, dates without a zone): aggregates suffice."""
    types = log._types
    numeric = all(types[c] in duck._NUMERIC or types[c].startswith("DECIMAL")
                  for c in ("amount", "quantity") if c in types)
    return numeric and types["date"].startswith(("TIMESTAMP", "DATE")) and not log._x["zoned"]


def screen_values(log) -> float:
    """Refuse values that break the loader's rules (one DataError naming file, column, rows and values);
    return the largest absolute amount (0 when there is none)."""
    con, x = log.con, log._x
    if _typed(log):
        numbers = [c for c in ("amount", "quantity") if c in log._types]
        checks = ["COUNT(date) < COUNT(*)",
                  "year(CAST(MIN(date) AS TIMESTAMP)) < 1900 OR year(CAST(MAX(date) AS TIMESTAMP)) > 2100"]
        checks += [f"COUNT({c}) < COUNT(*) OR isnan(MAX(CAST({c} AS DOUBLE))) OR isinf(MIN(CAST({c} AS DOUBLE))) "
                   f"OR isinf(MAX(CAST({c} AS DOUBLE)))" for c in numbers]
        maybe, largest = con.execute(f"SELECT COALESCE(({') OR ('.join(checks)}), FALSE), "
                                     f"MAX(abs(CAST(amount AS DOUBLE))) FROM crmlib_raw").fetchone()
        if not maybe:
            return float(largest or 0.0)
    counts = con.execute("SELECT " + ", ".join(
        f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS rule{i}" for i, c in enumerate(log._rules.values()))
        + f", MAX(abs({x['amount']})) AS largest FROM crmlib_raw").df().iloc[0].fillna(0).to_dict()
    duck.refuse(con, log._rules, counts)
    return float(counts["largest"])


def _needs_rule(key: str) -> str:
    """SQL: True for a text id that :data:`crmlib.ids.ID_RULE` would change or read as missing."""
    words = ", ".join(map(duck.sql_text, NULL_WORDS))
    return f"({key} <> trim({key}) OR {key} IN ({words}) OR contains({key}, '.'))"


def days_relation(log, end_day: int | None = None, carry: str = "") -> str:
    """The kept customer-days with :func:`crmlib.summary_sql.purchase_days_sql`'s columns."""
    return (f"(SELECT cid AS customer_id, day, amount, has_purchase, CASE WHEN has_purchase = 1 AND amount >= 0 "
            f"THEN 1 ELSE 0 END AS is_purchase{carry} FROM {DAYS} WHERE {log.kept(end_day)})")


def build_days(log) -> dict:
    """Create ``crmlib_days``: one row per customer-day (customer NULL for rows without an id) with
    ``amount`` (net, copies dropped by the rule), ``has_purchase``, ``rows`` (kept; rows read until
    :func:`_settle_multi` drops copies) and, when ids are normalised, ``floaty``, and
    ``crmlib_customers`` (:func:`_customers`); return the loader's counts (:func:`_counts`;
    ``no_purchase_day``: rows and customers by :data:`crmlib.io.NO_PURCHASE_DAY`'s keys).
    Sets ``log._one_case``: True when no two ids can differ only in upper/lower case."""
    con, x = log.con, log._x
    textual = log._types["customer_id"] not in duck._NUMERIC
    key, floaty = ('"customer_id"' if textual else 'CAST("customer_id" AS VARCHAR)'), ""
    check_ids = textual
    while True:
        con.execute(f"""CREATE TEMP TABLE {DAYS} AS
            SELECT {key} AS cid, {log._day_sql} AS day, COUNT(*) AS rows, FSUM(a) AS amount,
                   MAX(CASE WHEN a >= 0 THEN 1 ELSE 0 END) AS has_purchase{floaty}
            FROM (SELECT *, {x['amount']} AS a FROM crmlib_raw) GROUP BY 1, 2""")
        counts = _counts(log, "SUM(floaty)" if floaty else "0")
        if counts.pop("multi"):
            for name, value in _settle_multi(log, key).items():
                counts[name] += value
        facts = _customers(log, counts["last"], check_ids)
        if not facts.pop("messy"):
            break
        # some ids change under crmlib.ids.ID_RULE: group the rows again by the id as read
        con.execute(f"DROP TABLE {DAYS}")
        con.execute(f"DROP TABLE IF EXISTS {CUSTOMERS}")
        key, floaty, check_ids = x["id"], f", SUM(CASE WHEN {x['id_float_style']} THEN 1 ELSE 0 END) AS floaty", False
    log._one_case = facts.pop("one_case")
    return {**counts, **facts}


def _customers(log, last: int | None, check_ids: bool) -> dict:
    """Create ``crmlib_customers``, :func:`crmlib.summary_sql.per_customer_sql` of the kept days up to
    the log's end (its observation end, or the last kept day) with their kept ``rows``, which the
    summary of that period reads instead of grouping the days again. Return the customers without a
    purchase day, (rows, customers) by :data:`crmlib.io.NO_PURCHASE_DAY`'s keys, ``one_case`` and
    ``messy`` (with ``check_ids``: some id, those of late days included, changes under the id rule).
    Sets ``log._kept_customers``: the customers of the summary of that period and their ids' bytes."""
    from crmlib.summary_sql import per_customer_sql

    con = log.con
    end = log._end_day if log._end_day is not None else last
    log._customers = None
    if end is None:
        return {"no_purchase_day": {"net": (0, 0), "returns": (0, 0)}, "one_case": True, "messy": False}
    con.execute(f"CREATE TEMP TABLE {CUSTOMERS} AS "
                + per_customer_sql(days_relation(log, carry=", rows"), end_day=end, carry=("rows",)))
    log._customers = (CUSTOMERS, end, end)
    ascii_ = "strlen(customer_id) = length(customer_id)"
    row = con.execute(f"""SELECT COUNT(*) FILTER (WHERE buy_days = 0 AND bought = 1),
               SUM(CASE WHEN buy_days = 0 AND bought = 1 THEN rows END), COUNT(*) FILTER (WHERE bought = 0),
               SUM(CASE WHEN bought = 0 THEN rows END),
               COALESCE(bool_and({ascii_} AND upper(customer_id) = customer_id)
                        OR bool_and({ascii_} AND lower(customer_id) = customer_id), TRUE),
               COALESCE(bool_or({_needs_rule('customer_id') if check_ids else 'FALSE'}), FALSE),
               COUNT(*) FILTER (WHERE cal_days > 0), SUM(CASE WHEN cal_days > 0 THEN strlen(customer_id) END)
        FROM {CUSTOMERS}""").fetchone()
    log._kept_customers = (int(row[6]), int(row[7] or 0))
    messy = bool(row[5])
    if not messy and check_ids and log._end_day is not None:  # the ids of late days
        late = f"SELECT bool_or({_needs_rule('cid')}) FROM {DAYS} WHERE cid IS NOT NULL AND day > {end}"
        messy = bool(con.execute(late).fetchone()[0])
    return {"no_purchase_day": {"net": (int(row[1] or 0), int(row[0])), "returns": (int(row[3] or 0), int(row[2]))},
            "one_case": bool(row[4]), "messy": messy}


def _counts(log, floaty: str) -> dict:
    """One scan of ``crmlib_days`` for the loader's counts (a customer-day of one row is a return when
    its amount is below 0; days of several rows are counted by :func:`_settle_multi`) and ``multi``
    (some day has several rows)."""
    kept = log.kept()
    late = f"cid IS NOT NULL AND day > {log._end_day}" if log._end_day is not None else "FALSE"
    row = log.con.execute(f"""SELECT SUM(rows), SUM(CASE WHEN cid IS NULL THEN rows ELSE 0 END),
               SUM(CASE WHEN {late} THEN rows ELSE 0 END), SUM(CASE WHEN {kept} THEN rows ELSE 0 END), {floaty},
               SUM(CASE WHEN {kept} AND rows = 1 AND amount < 0 THEN 1 ELSE 0 END),
               SUM(CASE WHEN {kept} AND rows = 1 AND amount = 0 THEN 1 ELSE 0 END),
               MIN(CASE WHEN {kept} THEN day END), MAX(CASE WHEN {kept} THEN day END),
               bool_or(rows > 1 AND cid IS NOT NULL)
        FROM {DAYS}""").fetchone()
    names = ("read", "no_id", "late", "rows", "floaty", "returns", "zeros")
    out = {k: 0 if v is None else int(v) for k, v in zip(names, row)}
    first, last, multi = row[7:]
    out.update(first=None if first is None else int(first), last=None if last is None else int(last),
               dup_id=0, dup_no_id=0, multi=bool(multi))
    return out


def _settle_multi(log, key: str) -> dict:
    """Customer-days of several rows: their rows read again and grouped by hash, as the loader's rule
    for exact duplicates needs; the amounts and kept rows of days that lost copies replaced in
    ``crmlib_days``. Returns their counts for the ledger (``rows``: minus the copies dropped)."""
    con = log.con
    several = f"FROM {DAYS} WHERE rows > 1 AND cid IS NOT NULL"
    days = f"SELECT cid, day {several}"
    # only the rows of these days are hashed: their customers' rows first (a cheap test of the id), then the
    # days; each row carries its day's row number in crmlib_days, through which a day that lost copies is
    # rewritten (joining on the row number, not on customer and day, spares a probe of every customer-day)
    marked = f"(SELECT cid AS crmlib_cid, day AS crmlib_day, rowid AS crmlib_rid {several})"
    multi = (f"(SELECT crmlib_raw.*, m.crmlib_rid FROM crmlib_raw JOIN {marked} m ON {key} = m.crmlib_cid "
             f"AND {log._day_sql} = m.crmlib_day WHERE {key} IN (SELECT cid FROM ({days})))")
    con.execute(f"""CREATE TEMP TABLE {MULTI} AS
        SELECT cid, day, any_value(rid) AS rid, FSUM(amt * kept) AS amount, SUM(kept) AS rows, SUM(n) AS n,
               SUM(CASE WHEN with_id THEN n - 1 ELSE 0 END) AS copies_id,
               SUM(CASE WHEN with_id THEN 0 ELSE n - 1 END) AS copies_no_id,
               SUM(CASE WHEN amt < 0 THEN kept ELSE 0 END) AS returns,
               SUM(CASE WHEN amt = 0 THEN kept ELSE 0 END) AS zeros
        FROM {log.row_groups(key, rows=multi, extra=", any_value(crmlib_rid) AS rid")}
        GROUP BY cid, day""")
    kept = log.kept()
    row = con.execute(f"""SELECT SUM(CASE WHEN {kept} THEN copies_id END), SUM(CASE WHEN {kept} THEN copies_no_id END),
               SUM(CASE WHEN {kept} THEN returns END), SUM(CASE WHEN {kept} THEN zeros END),
               SUM(CASE WHEN {kept} THEN rows - n END), COUNT(*) FILTER (WHERE rows <> n) FROM {MULTI}""").fetchone()
    if row[5]:  # without copies dropped, a day's sum and rows are those of the grouping
        con.execute(f"""UPDATE {DAYS} SET amount = m.amount, rows = m.rows
                        FROM (SELECT * FROM {MULTI} WHERE rows <> n) m WHERE {DAYS}.rowid = m.rid""")
    con.execute(f"DROP TABLE {MULTI}")
    return {name: int(v or 0) for name, v in zip(("dup_id", "dup_no_id", "returns", "zeros", "rows"), row[:5])}


def overflowing(log, largest: float, rows: int) -> tuple[int, str]:
    """(customers whose kept amounts add up beyond 1.8e308, SQL condition on ``crmlib_raw`` of their
    rows). None can when the largest amount times the rows kept is finite; only then are the
    per-customer sums (of absolute amounts, copies dropped) taken, from the files."""
    if largest * max(rows, 1) < FINITE:
        return 0, "FALSE"
    owners = (f"SELECT cid FROM {log.row_groups()} WHERE {log.kept()} "
              "GROUP BY cid HAVING NOT isfinite(FSUM(abs(amt) * kept))")
    over = log.con.execute(f"SELECT COUNT(*) FROM ({owners})").fetchone()[0]
    return int(over), f"{log._x['id']} IN ({owners})"


__all__ = ["CUSTOMERS", "DAYS", "build_days", "days_relation", "overflowing", "screen_values"]
