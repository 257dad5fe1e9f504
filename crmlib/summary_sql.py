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
(:data:`DAY_NUMBER`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.ids import _FLOAT_WHOLE  # crmlib.ids.ID_RULE: '81.0' is the id '81'
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


def _double(value: float) -> str:
    # a bare 30.436875 is a DECIMAL in DuckDB; the string cast gives the very double Python has
    return f"CAST('{value!r}' AS DOUBLE)"


def customers_sql(tx: str, *, end_day: int, cal_day: int, unit_days: float, holdout: bool) -> str:
    """One row per customer of the relation ``tx`` (see the module docstring); plain SQL that
    DuckDB and Spark SQL both run."""
    unit = _double(unit_days)
    cal = f"buy = 1 AND day <= {cal_day}"
    hold = f"buy = 1 AND day > {cal_day}"
    holdout_columns = f""",
    hold_days AS frequency_holdout,
    CASE WHEN hold_days > 0 THEN hold_total / hold_days ELSE CAST(0 AS DOUBLE) END AS monetary_value_holdout,
    CAST({end_day - cal_day} AS DOUBLE) / {unit} AS duration_holdout""" if holdout else ""
    return f"""
WITH daily AS (
  SELECT customer_id, day, SUM(amount) AS amount,
         MAX(CASE WHEN amount >= 0 THEN 1 ELSE 0 END) AS has_purchase
  FROM {tx}
  GROUP BY customer_id, day
), marked AS (
  SELECT customer_id, day, amount,
         CASE WHEN has_purchase = 1 AND amount >= 0 AND day <= {end_day} THEN 1 ELSE 0 END AS buy,
         CASE WHEN day > {end_day} THEN 1 ELSE 0 END AS late,
         CASE WHEN has_purchase = 1 AND day <= {end_day} THEN 1 ELSE 0 END AS bought
  FROM daily
), per_customer AS (
  SELECT customer_id,
         SUM(late) AS late_days,
         SUM(buy) AS buy_days,
         MAX(bought) AS bought,
         SUM(CASE WHEN {cal} THEN 1 ELSE 0 END) AS cal_days,
         MIN(CASE WHEN {cal} THEN day END) AS first_day,
         MAX(CASE WHEN {cal} THEN day END) AS last_day,
         SUM(CASE WHEN {cal} THEN amount END) AS cal_total,
         MIN_BY(amount, CASE WHEN {cal} THEN day END) AS first_amount,
         SUM(CASE WHEN {hold} THEN 1 ELSE 0 END) AS hold_days,
         SUM(CASE WHEN {hold} THEN amount END) AS hold_total
  FROM marked
  GROUP BY customer_id
)
SELECT customer_id, late_days, buy_days, bought, cal_days,
    cal_days - 1 AS frequency,
    CAST(last_day - first_day AS DOUBLE) / {unit} AS recency,
    CAST({cal_day} - first_day AS DOUBLE) / {unit} AS T,
    CASE WHEN cal_days > 1 THEN (cal_total - first_amount) / (cal_days - 1)
         ELSE CAST(0 AS DOUBLE) END AS monetary_value{holdout_columns}
FROM per_customer
ORDER BY customer_id
"""


def summary_frame(customers: pd.DataFrame, *, source: str, freq: str, end_day: int, cal_day: int,
                  calibration_end) -> pd.DataFrame:
    """The canonical summary and its ledger from the per-customer table of :func:`customers_sql`."""
    end, cal_end = to_timestamp(end_day), to_timestamp(cal_day)
    ledger = Ledger(source=source, table="rfm summary", rows_read=len(customers))
    late = int(customers["late_days"].sum())
    if late:
        ledger.notes.append(f"{late} customer-days after observation end {end.date()} left out")
    from crmlib.io import NO_PURCHASE_DAY

    buyers = int((customers["buy_days"] > 0).sum())
    net = int(((customers["buy_days"] == 0) & (customers["bought"] > 0)).sum())
    reason, detail = NO_PURCHASE_DAY["net"]
    ledger.add(reason, net, action="dropped", detail=detail, fields={"customers": net})
    ledger.add("no purchase day", len(customers) - buyers - net, action="dropped",
               detail="only returns, or only transactions after observation end")
    kept = customers[customers["cal_days"] > 0]
    ledger.add("first purchase after calibration end", buyers - len(kept), action="dropped",
               detail="not yet a customer on {date}", fields={"date": cal_end.date()})
    columns = dict(_OUTPUT)
    if calibration_end is not None:
        columns.update(_HOLDOUT)
    out = kept.astype({"customer_id": "string", **columns}).set_index("customer_id")[list(columns)]
    out.attrs.update(freq=freq, observation_end=end, calibration_end=cal_end if calibration_end is not None else None)
    return attach(out, ledger)


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


# ----------------------------------------------------------------------------- DuckDB

def _interactive() -> bool:
    """True in a terminal, or in a notebook kernel that can draw DuckDB's widget progress bar (the
    ``lab`` extra installs ipywidgets); never when ``CRMLIB_PROGRESS=0``, which report kernels have,
    so no progress bar lands on a page."""
    import importlib.util
    import os
    import sys

    if os.environ.get("CRMLIB_PROGRESS", "").strip() == "0":
        return False
    if getattr(sys.stderr, "isatty", lambda: False)():
        return True
    return "ipykernel" in sys.modules and importlib.util.find_spec("ipywidgets") is not None


class _Connection:
    """An embedded DuckDB connection whose spill files go to a temporary folder, not the working
    directory, with the progress bar on for a terminal or notebook and off otherwise."""

    def __enter__(self):
        import os
        import tempfile

        import duckdb

        self._tmp = tempfile.TemporaryDirectory(prefix="crmlib-duckdb-")
        self.con = duckdb.connect()
        self.con.execute(f"SET temp_directory = '{self._tmp.name}'")
        # bounded memory: beyond this DuckDB spills to the temporary folder (CRMLIB_DUCKDB_MEMORY to change)
        self.con.execute(f"SET memory_limit = {_sql_text(os.environ.get('CRMLIB_DUCKDB_MEMORY', '3GB'))}")
        self.con.execute("SET preserve_insertion_order = false")
        if _interactive():  # off by default; in a kernel without ipywidgets even setting it fails
            try:
                self.con.execute("SET enable_progress_bar = true")
            except duckdb.Error:
                pass
        return self.con

    def __exit__(self, *exc):
        self.con.close()
        self._tmp.cleanup()


def run(con, tx: str, source: str, observation_end, freq: str, unit_days: float, calibration_end,
        last_day: int | None) -> pd.DataFrame:
    """The summary of the relation ``tx`` on a DuckDB connection."""
    end_day, cal_day = periods(observation_end, calibration_end, last_day)
    sql = customers_sql(tx, end_day=end_day, cal_day=cal_day, unit_days=unit_days,
                        holdout=calibration_end is not None)
    customers = con.execute(sql).df()
    return summary_frame(customers, source=source, freq=freq, end_day=end_day, cal_day=cal_day,
                         calibration_end=calibration_end)


def frame_summary(transactions: pd.DataFrame, source: str, observation_end, freq: str, unit_days: float,
                  calibration_end) -> pd.DataFrame:
    """The summary of an in-memory frame of canonical transactions, run by DuckDB without a copy."""
    missing = [c for c in ("customer_id", "date", "amount") if c not in transactions.columns]
    if missing:
        raise DataError(f"rfm_summary needs columns customer_id, date and amount; missing {missing}. "
                        "Load the file with crmlib.read_transactions first.")
    from crmlib.io import OVERFLOW_RULE, _show, overflowing

    dates = pd.to_datetime(transactions["date"])
    if getattr(dates.dt, "tz", None) is not None:  # the local calendar day, as crmlib.io reads offsets
        dates = dates.dt.tz_localize(None)
    tx = pd.DataFrame({"customer_id": transactions["customer_id"].astype("string").to_numpy(),
                       "date": dates.to_numpy(), "amount": transactions["amount"].astype("float64").to_numpy()})
    empty = {c: int(n) for c, n in tx.isna().sum().items() if n}
    if empty:
        raise DataError(f"{source}: rfm_summary needs a customer_id, a date and an amount on every row; "
                        + ", ".join(f"column {c!r} is missing on {n} row(s)" for c, n in empty.items())
                        + ". Load the data with crmlib.read_transactions, which drops or refuses such rows "
                          "and says so.")
    over, customers = overflowing(tx["customer_id"], tx["amount"])
    if over.any():
        where = np.flatnonzero(over)
        labels, values = transactions.index[where], tx["amount"].to_numpy()[where]
        shown = ", ".join(f"index {i}: {_show(v)}" for i, v in list(zip(labels, values))[:_MAX_EXAMPLES])
        more = f" and {len(where) - _MAX_EXAMPLES} more" if len(where) > _MAX_EXAMPLES else ""
        raise DataError(f"{source}: column 'amount': {len(where):,} value(s) {OVERFLOW_RULE.format(customers=customers)}"
                        f" ({shown}{more}). Fix these values and summarise again.")
    with _Connection() as con:
        con.register("crmlib_tx", tx)
        relation = f"(SELECT customer_id, {day_number('date', 'duckdb')} AS day, amount FROM crmlib_tx)"
        last = con.execute(f"SELECT MAX(day) FROM {relation}").fetchall()[0][0]
        return run(con, relation, source, observation_end, freq, unit_days, calibration_end, last)


# ----------------------------------------------------------------------------- files

CANONICAL = ("customer_id", "date", "amount", "order_id", "quantity", "category", "channel")
_NULL_WORDS = ("", "nan", "NaN", "None", "NULL", "null", "NA", "N/A", "<NA>")  # as crmlib.io reads ids
_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".csv.gz", ".tsv", ".txt")
_MAX_EXAMPLES = 5
_NUMERIC = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
            "FLOAT", "DOUBLE"}


def resolve_files(source) -> list[str]:
    """The files a path, a glob or a list of them names, sorted; a DataError when there are none."""
    import glob
    import os

    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    files = []
    for item in items:
        text = os.fspath(item)
        found = sorted(glob.glob(os.path.expanduser(text))) if glob.has_magic(text) else [os.path.expanduser(text)]
        if not found:
            raise DataError(f"{text}: no file matches this pattern. Check the path (working directory: {os.getcwd()}).")
        for name in found:
            if not os.path.isfile(name):
                from crmlib.io import not_a_file

                if os.path.isdir(name):
                    raise DataError(f"{name}: is a folder, not a file. Pass the files inside it, e.g. with a glob "
                                    f"such as '{os.path.join(name, '*.parquet')}'.")
                if os.path.exists(name):
                    raise DataError(not_a_file(name))
                raise DataError(f"{name}: file not found. Check the path (working directory: {os.getcwd()}); pass "
                                "Parquet or CSV files, a glob such as 'logs/*.parquet', or a list of files.")
            if not os.access(name, os.R_OK):
                from crmlib.io import cannot_open

                raise DataError(cannot_open(name, PermissionError(13, "permission denied", name)))
        files += found
    if not files:
        raise DataError("rfm_summary: the list of files is empty; there is nothing to summarise.")
    kinds = {"parquet" if f.lower().endswith(_PARQUET) else "csv" if f.lower().endswith(_CSV) else f for f in files}
    if len(kinds) > 1:
        odd = sorted(kinds - {"parquet", "csv"})
        raise DataError(f"rfm_summary reads Parquet (.parquet, .pq) or CSV (.csv, .csv.gz) files, all of one kind; "
                        + (f"not {odd[0]}. Load other files with crmlib.read_transactions." if odd
                           else "these are a mix of both. Pass one kind at a time."))
    return files


def _sql_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _reader(files: list[str]) -> str:
    listed = "[" + ", ".join(map(_sql_text, files)) + "]"
    if files[0].lower().endswith(_PARQUET):
        return f"read_parquet({listed}, filename = true, file_row_number = true, union_by_name = true)"
    return (f"(SELECT *, row_number() OVER (PARTITION BY filename) - 1 AS file_row_number FROM "
            f"read_csv({listed}, filename = true, all_varchar = true, header = true, union_by_name = true))")


def _time_zone(files: list[str]) -> str:
    """The time zone pandas would give a zoned timestamp column of these Parquet files (UTC if none)."""
    import pyarrow.parquet as pq

    zones = {str(getattr(pq.read_schema(f).field("date").type, "tz", None) or "UTC") for f in files}
    if len(zones) > 1:
        raise DataError(f"column 'date': the files record times in different time zones ({', '.join(sorted(zones))}); "
                        "crmlib takes the calendar day in the zone a time was recorded in, so pass files of one zone "
                        "at a time.")
    return zones.pop()


def _expressions(types: dict[str, str], files: list[str]) -> dict[str, str]:
    """SQL for the canonical values and the rule breaks of each row, from the file's column types."""
    text = "trim(CAST(customer_id AS VARCHAR))"
    id_type = types["customer_id"]
    if id_type in ("FLOAT", "DOUBLE") or id_type.startswith("DECIMAL"):
        raise DataError(f"{', '.join(files)}: column 'customer_id' holds {id_type} numbers; ids must be text or "
                        "whole numbers. Load the file with crmlib.read_transactions, which reads 1.0 as the id '1'.")
    # crmlib.ids.ID_RULE: a whole number written as a float (81.0) is the id 81
    textual = not (id_type in _NUMERIC or id_type.startswith("DECIMAL"))
    floaty = f"regexp_matches({text}, {_sql_text(_FLOAT_WHOLE)})" if textual else "FALSE"
    ids = (f"CASE WHEN {text} IN ({', '.join(map(_sql_text, _NULL_WORDS))}) THEN NULL "
           f"ELSE regexp_replace({text}, {_sql_text(_FLOAT_WHOLE)}, '\\1') END")
    date_type = types["date"]
    if date_type.startswith("TIMESTAMP WITH TIME ZONE"):
        zone = _time_zone(files)
        offset = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", zone)
        if offset:  # a fixed offset such as +05:30 (pandas writes these), which DuckDB has no zone name for
            sign, hours, minutes = offset.groups()
            shift = (1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes))
            stamp = f"(timezone('UTC', date) + INTERVAL ({shift}) MINUTE)"
        else:
            stamp = f"timezone({_sql_text(zone)}, date)"
    elif date_type.startswith(("TIMESTAMP", "DATE")):
        stamp = "CAST(date AS TIMESTAMP)"
    else:  # text: ISO dates; an offset after a time is dropped and the local time kept, as crmlib.io does
        raw = "trim(CAST(date AS VARCHAR))"
        local = (f"CASE WHEN regexp_matches({raw}, '\\d:\\d\\d') THEN regexp_replace({raw}, "
                 f"'(\\d)\\s*(Z|UTC|GMT|[+-]\\d{{2}}:?\\d{{2}})$', '\\1', 'i') ELSE {raw} END")
        stamp = f"TRY_CAST({local} AS TIMESTAMP)"
    temporal = date_type.startswith(("TIMESTAMP", "DATE"))
    out = {"id": ids, "id_float_style": floaty, "stamp": stamp,
           "zoned": date_type.startswith("TIMESTAMP WITH TIME ZONE"),
           "date_blank": "date IS NULL" if temporal else "(date IS NULL OR trim(CAST(date AS VARCHAR)) = '')"}
    for column in ("amount", "quantity"):
        if column in types:
            kind = types[column]
            numeric = kind in _NUMERIC or kind.startswith("DECIMAL")
            out[column] = (f"CAST({column} AS DOUBLE)" if numeric
                           else f"TRY_CAST(trim(CAST({column} AS VARCHAR)) AS DOUBLE)")
            out[f"{column}_blank"] = (f"{column} IS NULL" if numeric
                                      else f"({column} IS NULL OR trim(CAST({column} AS VARCHAR)) = '')")
    return out


def _rules(x: dict[str, str]) -> dict[tuple[str, str], str]:
    """(column, rule) -> SQL condition of a row breaking it, worded as crmlib.io words its messages."""
    rules = {
        ("date", "are not dates; the SQL path reads ISO dates such as 2024-01-31 or 2024-01-31 10:00:00 "
                 "(load other formats with crmlib.read_transactions)"):
            f"NOT {x['date_blank']} AND {x['stamp']} IS NULL",
        ("date", "are empty; expected a date"): x["date_blank"],
        ("date", "are outside 1900-01-01 to 2100-12-31, the dates crmlib accepts; such a date is usually a typo "
                 "(2300 for 2030) or a placeholder (9999-12-31)"):
            f"(year({x['stamp']}) < 1900 OR year({x['stamp']}) > 2100)",
        ("amount", "are not numbers (the SQL path reads plain numbers such as 1234.5; load amounts with currency "
                   "symbols or separators with crmlib.read_transactions)"):
            f"NOT {x['amount_blank']} AND {x['amount']} IS NULL",
        ("amount", "are empty or NaN; every transaction needs an amount"):
            f"({x['amount_blank']} OR isnan({x['amount']}))",
        ("amount", "are infinite, or too large for a number (beyond 1.8e308)"): f"isinf({x['amount']})",
    }
    if "quantity" in x:
        rules[("quantity", "are not numbers")] = f"NOT {x['quantity_blank']} AND {x['quantity']} IS NULL"
        rules[("quantity", "are infinite, or too large for a number (beyond 1.8e308)")] = f"isinf({x['quantity']})"
    return rules


def _refuse(con, rules: dict, counts: dict) -> None:
    """One DataError naming file, column, rows and values of every rule broken, or nothing."""
    from crmlib.io import _show

    problems = []
    for i, ((column, rule), condition) in enumerate(rules.items()):
        if not counts[f"rule{i}"]:
            continue
        rows = con.execute(f"SELECT filename, file_row_number + 2, CAST({column} AS VARCHAR) FROM crmlib_raw "
                           f"WHERE {condition} ORDER BY filename, file_row_number LIMIT {_MAX_EXAMPLES}").fetchall()
        per_file = con.execute(f"SELECT filename, COUNT(*) FROM crmlib_raw WHERE {condition} "
                               "GROUP BY filename ORDER BY filename").fetchall()
        for name, n in per_file:
            shown = ", ".join(f"row {r}: {_show(v)}" for f, r, v in rows if f == name)
            more = f" and {n - sum(f == name for f, _, _ in rows)} more" if n > sum(f == name for f, _, _ in rows) else ""
            problems.append(f"{name}: column {column!r}: {n} value(s) {rule} ({shown}{more})")
    if problems:
        raise DataError("; ".join(problems) + ". Fix these values in the file and load it again.")


def _open(con, files: list[str]) -> dict[str, str]:
    """The files as the view ``crmlib_raw``; their columns and DuckDB types."""
    import duckdb

    try:
        con.execute(f"CREATE TEMP VIEW crmlib_raw AS SELECT * FROM {_reader(files)}")
        types = {name: kind for name, kind, *_ in con.execute("DESCRIBE crmlib_raw").fetchall()}
    except duckdb.Error as exc:
        message = " ".join(str(exc).split())[:300]
        raise DataError(f"{', '.join(files)}: could not be read ({type(exc).__name__}: {message}). Check that the "
                        "files are what their names say, or load them with crmlib.read_transactions.") from None
    missing = [c for c in ("customer_id", "date", "amount") if c not in types]
    if missing:
        found = [c for c in types if c not in ("filename", "file_row_number")]
        raise DataError(f"{', '.join(files)}: rfm_summary reads files straight from disk only when their columns "
                        f"already have crmlib's names (customer_id, date, amount; optional order_id, quantity, "
                        f"category, channel); {', '.join(map(repr, missing))} missing (found: "
                        f"{', '.join(map(repr, found))}). Load the file with crmlib.read_transactions(path, "
                        "columns={...}), which also reads aliases, and pass the frame to rfm_summary.")
    return types


def files_summary(source, observation_end, freq: str, unit_days: float, calibration_end,
                  duplicates: str) -> pd.DataFrame:
    """The summary of Parquet or CSV files, out-of-core in DuckDB, with the loader's checks in SQL.

    The result equals ``rfm_summary(read_transactions(file, observation_end=...), ...)``, and
    ``attrs["transactions_ledger"]`` holds what ``read_transactions`` would have recorded (counts and
    actions; example rows only in errors). One read of the files: see :mod:`crmlib.txlog`."""
    from crmlib.txlog import TransactionLog

    log = TransactionLog(source, observation_end=observation_end, duplicates=duplicates)
    try:
        return log.summary(observation_end, freq, unit_days, calibration_end)
    finally:
        log.close()


def _duplicates(ledger: Ledger, dups: dict, rule: str, has_order_id: bool) -> list[bool]:
    """Record the exact duplicate rows as crmlib.io.read_transactions does; return which groups
    (with an order_id: True, without: False) are dropped."""
    same = "the same values in every column of the file as an earlier row"
    count = {k: dups.get(k, (0, 0, 0))[0] for k in (True, False)}
    if rule == "drop":
        ledger.add("exact duplicate row", count[True] + count[False], action="dropped", detail=same)
        return [True, False]
    if rule == "keep":
        ledger.add("exact duplicate row", count[True] + count[False], action="kept",
                   detail=f"{same}; kept, as asked")
        return []
    ledger.add("exact duplicate row", count[True], action="dropped",
               detail=f"{same}, with the same order number: the same transaction exported twice")
    why = "and no order number" if has_order_id else "and the file has no transaction id"
    ledger.add("exact duplicate row", count[False], action="kept",
               detail=f"{same} {why}: usually two real purchases, so kept "
                      "(they can be dropped with the duplicates option)")
    return [True]
