"""DuckDB for crmlib: the connection, transactions as a relation, and the loader's checks in SQL.

* :class:`Connection`: an embedded DuckDB connection (spill files in a temporary folder, bounded
  memory, a progress bar only where someone watches: :func:`interactive`);
* :func:`frame_relation`: a frame of canonical transactions registered on a connection as the
  relation ``(customer_id, day, amount)`` the summary's SQL (:mod:`crmlib.summary_sql`) reads;
* :func:`resolve_files` (the one glob expansion for transaction files), :func:`open_files`,
  :func:`expressions`, :func:`rules`, :func:`refuse`: Parquet or CSV files as the view
  ``crmlib_raw``, their values as SQL, the rules of :mod:`crmlib.io` as SQL conditions, and one
  :class:`crmlib.DataError` naming file, column, rows and values of every rule broken.

:class:`crmlib.TransactionLog` (:mod:`crmlib.txlog`) puts these together; this module knows
nothing of the summary.
"""

from __future__ import annotations

import contextlib
import re
import threading

import numpy as np
import pandas as pd

from crmlib.errors import MAX_EXAMPLES, describe_rows, require_columns, show_value
from crmlib.exceptions import DataError
from crmlib.ids import FLOAT_WHOLE, NULL_WORDS
from crmlib.ledger import Ledger
from crmlib.suffixes import CSV_SUFFIXES, PARQUET_SUFFIXES  # the files read out of core, by kind
from crmlib.summary_sql import day_number

#: DuckDB's spill folders are named ``crmlib-duckdb-<pid>-<random>`` in the temporary folder.
SPILL_PREFIX = "crmlib-duckdb-"
#: The canonical transaction columns (crmlib.io's names), the first three required.
CANONICAL = ("customer_id", "date", "amount", "order_id", "quantity", "category", "channel")
REQUIRED = CANONICAL[:3]
_NUMERIC = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
            "FLOAT", "DOUBLE"}


# ----------------------------------------------------------------------------- connection

def interactive() -> bool:
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


class Connection:
    """A DuckDB connection whose spill files go to a temporary folder, not the working directory, with
    memory bounded and the progress bar on for a terminal or notebook and off otherwise.

    Each one is a cursor of one in-memory database per process (:func:`database`): a connection of its
    own (its temporary tables and registered frames are its alone and go when it closes) for 0.4 ms
    instead of the 10 ms of CPU a new database costs, which the summary of every frame paid, often
    several times per table (issue 22.5)."""

    def __enter__(self):
        import duckdb

        self.con = database().cursor()
        if interactive():  # off by default; in a kernel without ipywidgets even setting it fails
            try:
                self.con.execute("SET enable_progress_bar = true")
            except duckdb.Error:
                pass
        return self.con

    def __exit__(self, *exc):
        self.con.close()


_DATABASE: dict = {}
_DATABASE_LOCK = threading.Lock()


def database():
    """The process's in-memory DuckDB database, made on first use: spill files in a temporary folder
    (made when needed, removed at exit), memory bounded by ``CRMLIB_DUCKDB_MEMORY`` (default 3GB, read
    then), rows in any order, freed memory returned in the background. A forked child makes its own: the
    parent's DuckDB threads do not follow it."""
    import os

    with _DATABASE_LOCK:
        if _DATABASE.get("pid") != os.getpid():
            import atexit
            import pathlib
            import secrets
            import shutil
            import tempfile

            import duckdb

            from crmlib.workfiles import sweep_left_folders

            # made by DuckDB when it first spills and removed when it closes, so a process that ends by a
            # signal (a report kernel) leaves no empty folder behind; one left by a killed process (SIGKILL:
            # DuckDB could not remove it) is removed here, by the next process that opens the database
            sweep_left_folders(pathlib.Path(tempfile.gettempdir()), SPILL_PREFIX)
            folder = os.path.join(tempfile.gettempdir(), f"{SPILL_PREFIX}{os.getpid()}-{secrets.token_hex(6)}")
            con = duckdb.connect()
            con.execute(f"SET temp_directory = {sql_text(folder)}")
            # bounded memory: beyond this DuckDB spills to the temporary folder (CRMLIB_DUCKDB_MEMORY to change)
            limit = os.environ.get("CRMLIB_DUCKDB_MEMORY", "3GB")
            con.execute(f"SET memory_limit = {sql_text(limit)}")
            con.execute("SET preserve_insertion_order = false")
            # memory DuckDB frees goes back to the system in the background, not at its next allocation:
            # a report kernel of a 10M-row log peaked at 4.08 GB instead of 4.46 GB, in the same time
            con.execute("SET allocator_background_threads = true")
            owner = os.getpid()
            shown = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
            _DATABASE.update(pid=owner, con=con, folder=folder, limit=limit, shown=shown)

            def close(con=con, folder=folder):
                if os.getpid() == owner:  # not in a forked child, which inherits this handler
                    con.close()
                    shutil.rmtree(folder, ignore_errors=True)

            atexit.register(close)
            os.register_at_fork(after_in_child=lambda con=con: _orphan(con))
        return _DATABASE["con"]


_UNITS = {"bytes": 1, "KiB": 2 ** 10, "MiB": 2 ** 20, "GiB": 2 ** 30, "TiB": 2 ** 40,
          "KB": 10 ** 3, "MB": 10 ** 6, "GB": 10 ** 9, "TB": 10 ** 12}


@contextlib.contextmanager
def memory_lowered(con, nbytes: int):
    """DuckDB's memory bound lowered by ``nbytes``, memory that Python is about to take (a large result
    brought into pandas), for the block, so that the process stays within the bound; never below a
    quarter of it. DuckDB moves what no longer fits to its spill folder. The bound is the database's
    (:func:`database`): other connections of the process see it lowered too, until the block ends."""
    text = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    number, _, unit = str(text).partition(" ")
    try:
        limit = int(float(number) * _UNITS[unit])
    except (KeyError, ValueError):  # no bound ('-1') or a form not known here: leave it
        limit = 0
    target = max(limit - int(nbytes), limit // 4)
    if not limit or nbytes <= 0 or target >= limit:
        yield
        return
    try:
        con.execute(f"SET memory_limit = '{target // 2 ** 20}MiB'")
        lowered = True
    except Exception:  # DuckDB could not free that much (nowhere to spill): keep the bound as it is
        lowered = False
    try:
        yield
    finally:
        if lowered:
            con.complete()  # a result left unread would hold the connection
            # the bound as configured (DuckDB shows it rounded: '3GB' reads back as '2.7 GiB')
            kept = _DATABASE["limit"] if text == _DATABASE.get("shown") else text
            con.execute(f"SET memory_limit = {sql_text(kept)}")


def held_outside(con) -> int:
    """Bytes this process holds outside DuckDB: its resident memory (Linux's ``/proc/self/statm``; 0
    where there is none) less DuckDB's own. Passed to :func:`memory_lowered` around a large DuckDB
    statement run while pandas holds tables (a report's customer table), it keeps the two together
    near the bound instead of DuckDB alone."""
    import os

    try:
        with open("/proc/self/statm") as fh:
            resident = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
    own = con.execute("SELECT COALESCE(SUM(memory_usage_bytes), 0) FROM duckdb_memory()").fetchone()[0]
    return max(resident - int(own), 0)


def _orphan(con) -> None:
    """In a forked child: never free the parent's database. Its threads did not follow the fork, and
    DuckDB's destructor, run when the child's interpreter ends, waits for them (the child crashed with
    SIGSEGV on a plain ``sys.exit``). One reference more than anyone holds keeps it from being freed."""
    import ctypes

    ctypes.pythonapi.Py_IncRef(ctypes.py_object(con))


def sql_text(value: str) -> str:
    """A Python string as a SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


# ----------------------------------------------------------------------------- frames

def canonical_frame(transactions: pd.DataFrame, source: str, table: str = "transactions") -> pd.DataFrame:
    """``customer_id`` (text), ``date`` (local, no zone) and ``amount`` (float) of a frame of
    canonical transactions, refused with a DataError naming rows and values when one is empty or
    the amounts of a customer overflow."""
    from crmlib.io import OVERFLOW_RULE, overflowing

    require_columns(transactions, REQUIRED, source, table)
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
        shown = describe_rows(transactions.index[where], tx["amount"].to_numpy()[where], row_word="index")
        rule = OVERFLOW_RULE.format(customers=customers)
        raise DataError(f"{source}: column 'amount': {len(where):,} value(s) {rule}"
                        f" ({shown}). Fix these values and summarise again.")
    return tx


def frame_relation(con, transactions: pd.DataFrame, source: str, name: str = "crmlib_tx") -> str:
    """Register a frame of canonical transactions on ``con`` (no copy) and return the relation
    ``(customer_id, day, amount)`` on it, ``day`` the local calendar day as days since 1970-01-01."""
    con.register(name, canonical_frame(transactions, source))
    return f"(SELECT customer_id, {day_number('date', 'duckdb')} AS day, amount FROM {name})"


# ----------------------------------------------------------------------------- files

def is_parquet(name: str) -> bool:
    return str(name).lower().endswith(PARQUET_SUFFIXES)


def is_csv(name: str) -> bool:
    return str(name).lower().endswith(CSV_SUFFIXES)


def expand(pattern) -> list[str]:
    """The files a path or glob names, sorted (a path without magic is returned as it is)."""
    import glob
    import os

    text = os.path.expanduser(os.fspath(pattern))
    return sorted(glob.glob(text)) if glob.has_magic(text) else [text]


def resolve_files(source) -> list[str]:
    """The files a path, a glob or a list of them names, sorted; a DataError when there are none."""
    import os

    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    files = []
    for item in items:
        text = os.fspath(item)
        found = expand(text)
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
    kinds = {"parquet" if is_parquet(f) else "csv" if is_csv(f) else f for f in files}
    if len(kinds) > 1:
        odd = sorted(kinds - {"parquet", "csv"})
        raise DataError("rfm_summary reads Parquet (.parquet, .pq) or CSV (.csv, .csv.gz) files, all of one kind; "
                        + (f"not {odd[0]}. Load other files with crmlib.read_transactions." if odd
                           else "these are a mix of both. Pass one kind at a time."))
    return files


def _reader(files: list[str]) -> str:
    listed = "[" + ", ".join(map(sql_text, files)) + "]"
    if is_parquet(files[0]):
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


def expressions(types: dict[str, str], files: list[str]) -> dict[str, str]:
    """SQL for the canonical values and the rule breaks of each row, from the file's column types."""
    text = "trim(CAST(customer_id AS VARCHAR))"
    id_type = types["customer_id"]
    if id_type in ("FLOAT", "DOUBLE") or id_type.startswith("DECIMAL"):
        raise DataError(f"{', '.join(files)}: column 'customer_id' holds {id_type} numbers; ids must be text or "
                        "whole numbers. Load the file with crmlib.read_transactions, which reads 1.0 as the id '1'.")
    # crmlib.ids.ID_RULE: a whole number written as a float (81.0) is the id 81
    textual = not (id_type in _NUMERIC or id_type.startswith("DECIMAL"))
    floaty = f"regexp_matches({text}, {sql_text(FLOAT_WHOLE)})" if textual else "FALSE"
    ids = (f"CASE WHEN {text} IN ({', '.join(map(sql_text, NULL_WORDS))}) THEN NULL "
           f"ELSE regexp_replace({text}, {sql_text(FLOAT_WHOLE)}, '\\1') END")
    date_type = types["date"]
    if date_type.startswith("TIMESTAMP WITH TIME ZONE"):
        zone = _time_zone(files)
        offset = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", zone)
        if offset:  # a fixed offset such as +05:30 (pandas writes these), which DuckDB has no zone name for
            sign, hours, minutes = offset.groups()
            shift = (1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes))
            stamp = f"(timezone('UTC', date) + INTERVAL ({shift}) MINUTE)"
        else:
            stamp = f"timezone({sql_text(zone)}, date)"
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


def rules(x: dict[str, str]) -> dict[tuple[str, str], str]:
    """(column, rule) -> SQL condition of a row breaking it, worded as crmlib.io words its messages."""
    out = {
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
        out[("quantity", "are not numbers")] = f"NOT {x['quantity_blank']} AND {x['quantity']} IS NULL"
        out[("quantity", "are infinite, or too large for a number (beyond 1.8e308)")] = f"isinf({x['quantity']})"
    return out


def refuse(con, broken: dict, counts: dict) -> None:
    """One DataError naming file, column, rows and values of every rule broken, or nothing.

    ``broken``: (column, rule) -> SQL condition on ``crmlib_raw``; ``counts["rule{i}"]``: how many
    rows break the i-th."""
    problems = []
    for i, ((column, rule), condition) in enumerate(broken.items()):
        if not counts[f"rule{i}"]:
            continue
        rows = con.execute(f"SELECT filename, file_row_number + 2, CAST({column} AS VARCHAR) FROM crmlib_raw "
                           f"WHERE {condition} ORDER BY filename, file_row_number LIMIT {MAX_EXAMPLES}").fetchall()
        per_file = con.execute(f"SELECT filename, COUNT(*) FROM crmlib_raw WHERE {condition} "
                               "GROUP BY filename ORDER BY filename").fetchall()
        for name, n in per_file:
            mine = [(r, v) for f, r, v in rows if f == name]
            shown = describe_rows([r for r, _ in mine], [v for _, v in mine], total=n)
            problems.append(f"{name}: column {column!r}: {n} value(s) {rule} ({shown})")
    if problems:
        raise DataError("; ".join(problems) + ". Fix these values in the file and load it again.")


def open_files(con, files: list[str]) -> dict[str, str]:
    """The files as the view ``crmlib_raw``; their columns and DuckDB types."""
    import duckdb

    try:
        con.execute(f"CREATE TEMP VIEW crmlib_raw AS SELECT * FROM {_reader(files)}")
        types = {name: kind for name, kind, *_ in con.execute("DESCRIBE crmlib_raw").fetchall()}
    except duckdb.Error as exc:
        message = " ".join(str(exc).split())[:300]
        raise DataError(f"{', '.join(files)}: could not be read ({type(exc).__name__}: {message}). Check that the "
                        "files are what their names say, or load them with crmlib.read_transactions.") from None
    found = [c for c in types if c not in ("filename", "file_row_number")]
    require_columns(found, REQUIRED, ", ".join(files), "transactions",
                    hint="Files are read straight from disk only when their columns already have crmlib's names "
                         "(customer_id, date, amount; optional order_id, quantity, category, channel). Load the "
                         "file with crmlib.read_transactions(path, columns={...}), which also reads aliases, and "
                         "pass the frame instead.")
    return types


def record_duplicates(ledger: Ledger, dups: dict, rule: str, has_order_id: bool) -> list[bool]:
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


__all__ = ["CANONICAL", "CSV_SUFFIXES", "Connection", "PARQUET_SUFFIXES", "REQUIRED", "canonical_frame", "expand",
           "expressions", "frame_relation", "held_outside", "interactive", "memory_lowered", "open_files",
           "record_duplicates", "refuse", "resolve_files", "rules", "show_value", "sql_text"]
