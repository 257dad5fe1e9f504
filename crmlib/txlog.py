"""A transaction log on disk that crmlib functions take in place of a DataFrame: :class:`TransactionLog`.

``TransactionLog("logs/*.parquet")`` names Parquet or CSV files (a path, a glob or a list) whose
columns have crmlib's names. Nothing is read until a number is asked for; each question is then one
out-of-core read of the files by an embedded DuckDB, and only per-customer tables enter pandas:

* :func:`crmlib.rfm_summary`, :func:`crmlib.customer_table`, :func:`crmlib.summary.last_purchase`,
  :func:`crmlib.retention.cohort_table` and :func:`crmlib.summary.revenue` take a log as they take
  a frame, and give the same numbers as on ``read_transactions(path, observation_end=...)``;
* :func:`crmlib.summary.date_range` and :func:`crmlib.summary.transaction_count` give the period
  and the number of transactions kept; ``log.attrs["ledger"]`` (so :func:`crmlib.ledger_of` and
  :func:`crmlib.ledger_table`) holds what ``read_transactions`` would have recorded. These come
  from the first summary (or one read) and are kept.

One read gives the summary and the loader's checks (:mod:`crmlib.logread`): the rows are grouped once
by customer and day into a table of customer-days (net amount, copies dropped by the rule for exact
duplicates, kept rows, whether a transaction of amount >= 0 is in the day) that every question reads,
the loader's counts (unparseable, empty or impossible values, missing ids, late rows, copies, returns,
zero amounts) come from it and from a few aggregates of the files, and the per-customer checks and the
summary's SQL (:func:`crmlib.summary_sql.customers_sql`, given these days as ``daily``) read that table
without grouping the rows again. Only when a check fails are the files read again, to name rows and
values. Without an ``observation_end`` the summary ends on the last day of any row (a quick look at
the date column), checked against the last kept day (and summarised again in the rare case that the
last rows had no customer id).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from crmlib import duck, logread
from crmlib.errors import show_names
from crmlib.exceptions import DataError
from crmlib.ledger import Ledger
from crmlib.summary_sql import EPOCH, day_number, output_columns, periods, run, to_day, to_timestamp

_DAYS = logread.DAYS


class TransactionLog:
    """Parquet or CSV transaction files, read out-of-core by DuckDB (see the module docstring).

    ``observation_end`` drops (and counts) later transactions, as ``read_transactions`` does;
    ``duplicates`` is its rule for exact duplicate rows ("auto", "drop" or "keep").

    >>> import tempfile, pandas as pd
    >>> from crmlib import rfm_summary
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 20.0, 5.0],
    ...                   "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-03"])}
    ...                  ).to_parquet(f"{d}/tx.parquet")
    ...     log = TransactionLog(f"{d}/*.parquet")
    ...     print(len(log), rfm_summary(log).loc["a", "frequency"])
    3 1
    """

    def __init__(self, source, observation_end=None, duplicates: str = "auto"):
        from crmlib.io import DUPLICATE_RULES, as_date

        if duplicates not in DUPLICATE_RULES:
            raise DataError(f"duplicates={duplicates!r}: expected one of {', '.join(map(repr, DUPLICATE_RULES))}.")
        self.files = duck.resolve_files(source)
        self.source = source
        self.observation_end = as_date(observation_end) if observation_end is not None else None
        self.duplicates = duplicates
        from pathlib import Path

        self.label = (Path(self.files[0]).name if len(self.files) == 1
                      else (str(source) if isinstance(source, (str, os.PathLike)) else f"{len(self.files)} files"))
        self._con = None
        self._conn = None
        self._attrs: dict = {}
        self._facts = None
        self._replacements: dict = {}
        self._customers = None
        self._kept_customers = (0, 0)
        self._single = False  # True: one summary is asked and the log closed (crmlib.rfm_summary of files)

    def __repr__(self) -> str:
        return f"TransactionLog({self.label!r}, {len(self.files)} file(s))"

    # ------------------------------------------------------------------ reading
    @property
    def con(self):
        """The DuckDB connection with the files as the view ``crmlib_raw`` (nothing read yet)."""
        if self._con is None:
            self._open()
        return self._con

    @property
    def attrs(self) -> dict:
        """As a loaded frame's attrs: ``"ledger"`` is what ``read_transactions`` would record."""
        self._read()
        return self._attrs

    def close(self) -> None:
        if self._conn is not None:
            self._conn.__exit__(None, None, None)
        self._con = self._conn = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def _open(self) -> None:
        conn = duck.Connection()
        con = conn.__enter__()
        try:
            types = duck.open_files(con, self.files)
            # pandas' index saved in Parquet (``__index_level_0__``) is no column of the data: the loader reads
            # it back as the index, so it is neither hashed (copies would differ by it) nor noted as unused
            self._raw_columns = [c for c in types if c not in ("filename", "file_row_number")
                                 and not re.fullmatch(r"__index_level_\d+__", c)]
            self._has_order_id = "order_id" in types
            x = duck.expressions(types, self.files)
            self._types, self._x = types, x
            self._rules = duck.rules(x)
            self._day_sql = day_number(x["stamp"], "duckdb")
            quoted = ", ".join(f'"{c}"' for c in self._raw_columns)
            # a hash of the whole row, the file's name too when there are several (copies are counted within a file)
            self._hash = f"hash({'filename, ' if len(self.files) > 1 else ''}{quoted})"
            # copies of a group of identical rows that are dropped, by the rule for exact duplicates
            self._dropped = {"drop": "(n - 1)", "keep": "0",
                             "auto": "(CASE WHEN with_id THEN n - 1 ELSE 0 END)"}[self.duplicates]
        except BaseException:
            conn.__exit__(None, None, None)
            raise
        self._end_day = to_day(self.observation_end) if self.observation_end is not None else None
        self._conn, self._con = conn, con

    def kept(self, end_day: int | None = None) -> str:
        """SQL condition of the groups kept (an id, on or before the log's observation end)."""
        self.con
        end = self._end_day if end_day is None else end_day
        return "cid IS NOT NULL" + (f" AND day <= {end}" if end is not None else "")

    def row_groups(self, key: str | None = None, where: str | None = None, extra: str = "",
                   rows: str = "crmlib_raw") -> str:
        """SQL of the groups of identical rows of the files, as the loader's rule for exact duplicates
        sees them (a 64-bit hash of the whole row; the file too when there are several): one row per
        group with ``cid`` (``key``, by default the id as the loader reads it), ``day``, ``n`` (its
        rows), ``with_id`` (they have an ``order_id``), ``amt`` (their amount), ``kept`` (rows the
        rule keeps: ``n`` minus the copies it drops) and the aggregates in ``extra`` (``", expr AS
        name"``); ``where``: a condition on the rows of ``crmlib_raw`` (or of ``rows``, a relation of
        some of its rows)."""
        self.con
        with_id = '"order_id" IS NOT NULL' if self._has_order_id else "FALSE"
        return f"""(SELECT *, n - {self._dropped} AS kept FROM (
            SELECT {key or self._x['id']} AS cid, {self._day_sql} AS day, COUNT(*) AS n, bool_or({with_id}) AS with_id,
                   MIN({self._x['amount']}) AS amt{extra}
            FROM {rows}{f' WHERE {where}' if where else ''} GROUP BY 1, 2, {self._hash}))"""

    def fingerprint(self) -> str:
        """A name for this log as it is read: its files (path, size, modification time), its
        observation end and its rule for duplicates."""
        from crmlib import workfiles

        return workfiles.fingerprint({"files": workfiles.file_facts(self.files), "duplicates": self.duplicates,
                                      "end": None if self.observation_end is None else str(self.observation_end)})

    def _read(self) -> None:
        """Read the files once (or, in a batch of reports, take the read another report of the batch
        made: :meth:`_shared_read`)."""
        from crmlib import config

        if self._facts is not None:
            return
        folder = config.work_dir()
        if folder is None:
            return self._read_files()
        self._shared_read(folder / f"log-{self.fingerprint()}")

    def _shared_read(self, stem: Path) -> None:
        """The read of the first report of a batch, shared in the batch's work folder
        (:mod:`crmlib.workfiles`): its customer-days (Parquet, read back with their types, every
        value as it was) and its ledger, replacements and facts."""
        from crmlib import workfiles
        from crmlib.duck import sql_text

        days, meta = stem.with_suffix(".parquet"), stem.with_suffix(".pickle")
        with workfiles.locked(stem.with_suffix(".lock")):
            shared = workfiles.read_pickle(meta) if days.exists() else None
            if shared is not None:
                columns = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in shared["types"])
                try:
                    self.con.execute(f"CREATE TEMP TABLE {_DAYS} AS SELECT {columns} FROM read_parquet({sql_text(str(days))})")
                except Exception:  # a file that cannot be read: read the log itself
                    self.con.execute(f"DROP TABLE IF EXISTS {_DAYS}")
                else:
                    self._attrs.update(shared["attrs"])
                    self._replacements, self._facts = shared["replacements"], shared["facts"]
                    return
            self._read_files()
            tmp = workfiles.temporary(days)
            try:
                types = self.con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {_DAYS})").fetchall()
                self.con.execute(f"COPY {_DAYS} TO {sql_text(str(tmp))} (FORMAT parquet)")
                os.replace(tmp, days)
            except Exception:  # a full disk: this report has its read, the others make theirs
                tmp.unlink(missing_ok=True)
                return
            workfiles.write_pickle({"types": types, "attrs": dict(self._attrs), "replacements": self._replacements,
                                    "facts": self._facts}, meta)

    def _read_files(self) -> None:
        """Read the files once (:mod:`crmlib.logread`): the loader's value checks, the customer-days
        into DuckDB, then the ledger from them (bad files are refused, naming rows and values)."""
        from crmlib.ids import ID_RULE
        from crmlib.io import NO_PURCHASE_DAY, NOT_USED, OVERFLOW_RULE, TZ_NOTE

        con = self.con
        largest = logread.screen_values(self)
        counts = logread.build_days(self)
        over, owners = logread.overflowing(self, largest, counts["rows"])
        if over:
            duck.refuse(con, {("amount", OVERFLOW_RULE.format(customers=over)): owners}, {"rule0": over})
        con.execute(f"DELETE FROM {_DAYS} WHERE cid IS NULL")
        ledger = Ledger(source=self.label, table="transactions", rows_read=counts["read"])
        ledger.add("customer id written as a whole-number float (81.0)", counts["floaty"], action="changed",
                   detail=f"read as the whole number (81): {ID_RULE}")
        ledger.add("no customer_id", counts["no_id"], action="dropped", detail="cannot be attributed to a customer")
        if self.observation_end is not None:
            ledger.add("date after observation end", counts["late"], action="dropped",
                       detail="after {date}", fields={"date": self.observation_end.date()})
        duck.record_duplicates(ledger, {True: (counts["dup_id"], 0, 0), False: (counts["dup_no_id"], 0, 0)}, self.duplicates,
                               self._has_order_id)
        ledger.add("return or refund (negative amount)", counts["returns"], action="flagged",
                   detail="kept; netted against the same customer's purchases of that day")
        ledger.add("zero amount", counts["zeros"], action="flagged",
                   detail="kept; counts as a purchase (e.g. a free item), as in the CDNOW data")
        for key, (reason, detail) in NO_PURCHASE_DAY.items():
            n_rows, n_customers = counts["no_purchase_day"][key]
            ledger.add(reason, n_rows, action="flagged", detail=detail, fields={"customers": n_customers})
        from crmlib.logscreen import screen_log  # the loader's screening, per distinct value

        self._replacements = screen_log(self, ledger)
        if self._x["zoned"]:
            ledger.note(TZ_NOTE, column="date")
        unused = [c for c in self._raw_columns if c not in duck.CANONICAL + ("is_return",)]
        if unused:
            ledger.note(NOT_USED, names=show_names(unused))
        self._attrs["ledger"] = ledger
        self._facts = {"rows": counts["rows"], "first": counts["first"], "last": counts["last"],
                       "kept_customers": self._kept_customers}

    @property
    def replacements(self) -> dict[str, dict[str, str]]:
        """column -> {value in the file: value shown} for text values that held an email or phone, and for
        channels written in another spelling than the one most rows use (:func:`crmlib.logscreen.screen_log`);
        tables built from the log show the right side."""
        self._read()
        return self._replacements

    @property
    def rows(self) -> int:
        self._read()
        return self._facts["rows"]

    @property
    def first_day(self) -> int | None:
        self._read()
        return self._facts["first"]

    @property
    def last_day(self) -> int | None:
        self._read()
        return self._facts["last"]

    @property
    def first_date(self):
        return None if self.first_day is None else to_timestamp(self.first_day)

    @property
    def last_date(self):
        return None if self.last_day is None else to_timestamp(self.last_day)

    # ------------------------------------------------------------------ what reports ask
    def __len__(self) -> int:
        """Transactions kept, as ``len(read_transactions(...))``."""
        return self.rows

    def relation(self, end_day: int | None = None, daily: bool = True) -> str:
        """The kept transactions as the relation ``(customer_id, day, amount)``: one row per
        customer-day (copies dropped by the rule), or (``daily=False``) that and, for a day whose
        returns outweigh its purchases, a second row of amount 0, so that the summary's SQL finds
        the day's purchase as on the rows (the day's sum is unchanged)."""
        days = self._days(end_day)
        if daily:
            return f"(SELECT customer_id, day, amount FROM {days})"
        return (f"(SELECT customer_id, day, amount FROM {days} UNION ALL "
                f"SELECT customer_id, day, CAST(0 AS DOUBLE) FROM {days} WHERE has_purchase = 1 AND amount < 0)")

    def _days(self, end_day: int | None = None) -> str:
        """The kept customer-days with :func:`crmlib.summary_sql.purchase_days_sql`'s columns."""
        self._read()
        return logread.days_relation(self, end_day)

    def summary(self, observation_end, freq: str, unit_days: float, calibration_end) -> pd.DataFrame:
        """:func:`crmlib.rfm_summary` of the log (after the one read, from DuckDB's memory). The summary
        of the log's whole period reads the per-customer table of the read, once (then dropped). While
        the summary enters pandas, DuckDB's memory bound is lowered by its size
        (:func:`crmlib.duck.memory_lowered`), so the two together stay within the bound; a log read for
        this one summary (``rfm_summary`` of files) drops its customer-days first."""
        from crmlib.io import as_date

        end = observation_end if observation_end is not None else self.observation_end
        end = as_date(end) if end is not None else None
        self._read()
        grouped = self._customers
        whole = bool(grouped) and calibration_end is None and periods(end, None, self.last_day) == grouped[1:]
        relation, days = self.relation(daily=False), self._days()
        if whole and self._single:  # the log's last question: its customer-days are not read again
            self.con.execute(f"DROP TABLE {_DAYS}")
        kept, id_bytes = self._facts.get("kept_customers", (0, 0))
        # what the summary takes in pandas: its columns, the ids (text and offsets) and a column being joined
        taken = kept * 8 * (len(output_columns(calibration_end)) + 2) + id_bytes
        with duck.memory_lowered(self.con, taken):
            out = run(self.con, relation, self.label, end, freq, unit_days, calibration_end, self.last_day,
                      daily=days, per_customer=grouped)
        if whole:
            self.con.execute(f"DROP TABLE {grouped[0]}")  # read once: DuckDB's memory goes back
            self._customers = None
        out.attrs["transactions_ledger"] = self.attrs["ledger"]
        return out

    def per_customer(self, sql: str, end_day: int | None = None) -> pd.DataFrame:
        """Run ``sql`` (its FROM clause is ``{days}``) on the kept customer-days."""
        return self.con.execute(sql.format(days=self.relation(end_day))).df()

    def revenue(self, observation_end=None) -> pd.Series:
        """Net amount per customer up to and including ``observation_end`` (returns included)."""
        end = to_day(observation_end) if observation_end is not None else None
        out = self.per_customer("SELECT customer_id, FSUM(amount) AS revenue FROM {days} GROUP BY 1", end)
        return out.set_index(out["customer_id"].astype("string"))["revenue"]

    def buyers_revenue(self, end_day: int | None = None) -> pd.DataFrame:
        """``customer_id, revenue`` (sorted by id) of the customers with a purchase day up to the day
        number ``end_day``: :meth:`revenue`'s sums (the same customer-day amounts; the summary's extra
        rows of 0 add nothing), in one pass over the customer-days."""
        return self.con.execute(f"SELECT customer_id, FSUM(amount) AS revenue FROM {self._days(end_day)} "
                                "GROUP BY 1 HAVING MAX(is_purchase) = 1 ORDER BY 1").df()

    def last_purchase(self) -> pd.Series:
        """Date of each customer's last purchase day, as :func:`crmlib.summary.last_purchase`."""
        out = self.per_customer("SELECT customer_id, MAX(day) AS day FROM {days} WHERE amount >= 0 "
                                "GROUP BY 1 ORDER BY 1")
        dates = EPOCH + pd.to_timedelta(out["day"].astype("int64"), unit="D")
        return pd.Series(dates.to_numpy(), index=pd.Index(out["customer_id"].astype("string"), name="customer_id"),
                         name="last_purchase")


__all__ = ["TransactionLog"]
