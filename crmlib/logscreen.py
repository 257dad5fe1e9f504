"""The loader's screening (:mod:`crmlib.screening`) of a transaction log on disk, in DuckDB.

:func:`crmlib.read_transactions` screens a loaded table for email addresses and phone numbers in
its text columns (``category``, ``channel``), customer ids that differ only in upper/lower case
and dates far after the rest of the column. :class:`crmlib.TransactionLog` runs the same checks
without reading the rows into pandas (:func:`screen_log`), one DuckDB query per check:

* **text columns**: the distinct values of each column are read with their rows (a few thousand at
  most for a category or channel, whatever the number of rows), prepared as the loader prepares them
  (trimmed, blanks missing, a channel in the spelling most rows use:
  :func:`crmlib.io.values.spellings`, on the same counts and the same tie rule) and passed through
  :func:`crmlib.privacy.redact`; only the values it changes are looked up again to count and number
  their rows. The values shown are kept (:func:`text_replacements`) so every table built from the
  log shows the channel's spelling and the redacted value;
* **ids**: the distinct ids, compared lower-cased (DuckDB's ``lower``; the loader uses Python's
  ``casefold``, which differs only for a few letters such as the German sharp s);
* **late dates**: :func:`crmlib.screening.late_dates`'s rule on the distinct calendar days weighted
  by their rows (the loader compares timestamps: the two differ only for a gap within a day of a
  year). Two-digit years do not arise here: the out-of-core path reads ISO dates only and refuses
  others, naming their rows.

Rows are counted as in the loaded table: rows without a customer id, after the observation end
or dropped as duplicate copies are not counted. Example rows are line numbers of the file, as the
loader gives them for a CSV.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.duck import sql_text
from crmlib.ledger import Ledger

#: The free-text columns of a transaction file that are screened, as the loader screens them.
TEXT_COLUMNS = ("category", "channel")
_EXAMPLES = 5


def _prepare(column: str, values: pd.DataFrame, files=()) -> pd.Series:
    """The distinct values of ``column`` as the file holds them (``values``: ``v``, and the ``rows`` holding it
    in each file ``f`` and the first of them, ``r``) as the loader keeps them: trimmed text, blanks missing,
    a channel or category in the spelling most rows use (ties: the first row, files in the order of ``files``)."""
    from crmlib.io.values import ONE_SPELLING, _as_text, spellings

    out = _as_text(values["v"])
    if column not in ONE_SPELLING or out.isna().all():
        return out
    order = {name: i for i, name in enumerate(files)}
    seen = values.assign(value=out, file=values["f"].map(lambda f: order.get(f, len(order)))).dropna(subset="value")
    seen = seen.sort_values(["file", "r"], kind="stable").assign(first=np.arange(len(seen)))
    counts = seen.groupby("value", sort=False).agg(rows=("rows", "sum"), first=("first", "min")).reset_index()
    return out.map(spellings(counts)).astype(out.dtype)


def _examples(con, condition: str) -> list[int]:
    rows = con.execute(f"SELECT file_row_number + 2 FROM crmlib_raw WHERE {condition} "
                       f"ORDER BY filename, file_row_number LIMIT {_EXAMPLES}").fetchall()
    return [int(r[0]) for r in rows]


def _kept_rows(log, condition: str) -> int:
    """Rows of the loaded table (id present, not late, duplicate copies dropped) meeting ``condition``."""
    n = log.con.execute(f"SELECT SUM(kept) FROM {log.row_groups(where=condition)} WHERE {log.kept()}").fetchone()[0]
    return int(n or 0)


def _kept_raw(log) -> str:
    """SQL condition on ``crmlib_raw`` of rows with an id on or before the observation end."""
    end = f" AND {log._day_sql} <= {log._end_day}" if log._end_day is not None else ""
    return f"({log._x['id']}) IS NOT NULL{end}"


#: Words a text cell may hold for "no value" (:func:`crmlib.io.values._as_text`).
_NULL_WORDS = ("", "nan", "NaN", "None", "NULL", "null", "NA", "N/A", "<NA>")


def kept_sql(raw: str) -> str:
    """SQL of the text ``raw`` trimmed, a blank word missing: the loader's rule for most values; those it keeps
    otherwise (other white space, a channel's spelling, a redacted email) are in :func:`text_replacements`."""
    text = f"trim({raw})"
    return f"CASE WHEN {text} IN ({', '.join(map(sql_text, _NULL_WORDS))}) THEN NULL ELSE {text} END"


def _text_values(log) -> dict[str, pd.DataFrame]:
    """column -> its distinct values: ``raw`` (as the file holds it), ``sql`` (:func:`kept_sql` of it),
    ``kept`` (as the loader keeps it: :func:`_prepare`) and ``shown`` (``kept`` redacted)."""
    from crmlib.privacy import redact

    out = {}
    for column in TEXT_COLUMNS:
        if column not in log._raw_columns:
            continue
        values = log.con.execute(f"""SELECT v, {kept_sql("v")} AS d, f, "rows", r FROM (
            SELECT CAST("{column}" AS VARCHAR) AS v, filename AS f, COUNT(*) AS "rows", MIN(file_row_number) AS r
            FROM crmlib_raw WHERE "{column}" IS NOT NULL GROUP BY 1, 2)""").df()
        kept = _prepare(column, values, log.files)
        table = pd.DataFrame({"raw": values["v"].astype(str), "sql": values["d"], "kept": kept, "shown": redact(kept)})
        out[column] = table.drop_duplicates("raw")
    return out


def _differ(a: pd.Series, b: pd.Series) -> np.ndarray:
    """True where ``a`` and ``b`` differ (a missing value equals only a missing one)."""
    return ((a.isna() != b.isna()) | (a.notna() & b.notna() & (a.astype(str) != b.astype(str)))).to_numpy(dtype=bool)


def text_replacements(log, values: dict[str, pd.DataFrame] | None = None) -> dict[str, dict[str, str | None]]:
    """column -> {value as the file holds it: value shown (None: missing)} for the values that
    :func:`kept_sql` does not give as shown: a channel in another spelling, a redacted email or phone."""
    values = _text_values(log) if values is None else values
    out = {}
    for column, table in values.items():
        other = table[_differ(table["sql"], table["shown"])]
        out[column] = {raw: None if pd.isna(shown) else str(shown) for raw, shown in zip(other["raw"], other["shown"])}
    return out


def _in(column: str, values) -> str:
    return f'CAST("{column}" AS VARCHAR) IN ({", ".join(map(sql_text, values))})'


def _case_clashes(log, ledger: Ledger) -> None:
    from crmlib.txlog import _DAYS

    if getattr(log, "_one_case", False):  # all ids ASCII in one case (crmlib.logread.build_days): none can clash
        return
    con, kept = log.con, log.kept()
    folded = (f"SELECT lower(cid) AS f FROM (SELECT DISTINCT cid FROM {_DAYS} WHERE {kept}) "
              "GROUP BY 1 HAVING COUNT(*) > 1")
    n = con.execute(f"SELECT SUM(rows) FROM {_DAYS} WHERE {kept} AND lower(cid) IN ({folded})").fetchone()[0]
    if n:
        where = f"lower({log._x['id']}) IN ({folded}) AND {_kept_raw(log)}"
        ledger.add("customer ids that differ only in upper/lower case", int(n), action="flagged",
                   detail="kept as different customers (ids are compared exactly); if they are one customer, "
                          "write the id one way in the file", rows=_examples(con, where))


def late_after(days: np.ndarray, counts: np.ndarray) -> int | None:
    """The day after which :func:`crmlib.screening.late_dates` flags dates, from the distinct sorted
    ``days`` and their row ``counts`` (None: no date is late). Same positions and gaps as the rule
    on the rows: a gap between equal values is 0, so only the last row of each day can start one.

    >>> late_after(np.array([0, 1, 2, 3000]), np.array([10, 10, 10, 1]))
    2
    >>> late_after(np.array([0, 400]), np.array([10, 10])) is None
    True
    """
    n = int(counts.sum())
    if n < 2 or len(days) < 2:
        return None
    tail = max(1, n // 20)
    start = n - tail - 1
    last_row = np.cumsum(counts)[:-1] - 1  # row position of each day's last row, before a gap
    gaps = np.diff(days)
    candidates = np.flatnonzero(last_row >= start)
    if not len(candidates):
        return None
    k = candidates[int(np.argmax(gaps[candidates]))]
    if gaps[k] > 365 and gaps[k] > days[k] - days[0]:
        return int(days[k])
    return None


def _late_dates(log, ledger: Ledger) -> None:
    from crmlib.screening import LATE
    from crmlib.txlog import _DAYS

    by_day = log.con.execute(f"SELECT day, SUM(rows) AS n FROM {_DAYS} WHERE {log.kept()} "
                             "GROUP BY 1 ORDER BY 1").df()
    after = late_after(by_day["day"].to_numpy(dtype="int64"), by_day["n"].to_numpy(dtype="int64"))
    if after is None:
        return
    late = by_day.loc[by_day["day"] > after, "n"].sum()
    where = f"{log._day_sql} > {after} AND {_kept_raw(log)}"
    ledger.add("'{column}' in the future or far after the rest of the column", int(late), action="flagged",
               detail=LATE, rows=_examples(log.con, where), fields={"column": "date"})


def screen_log(log, ledger: Ledger) -> dict[str, dict[str, str | None]]:
    """Add the screening's lines to ``ledger`` in the loader's order; return the values shown otherwise
    (:func:`text_replacements`)."""
    _case_clashes(log, ledger)
    values = _text_values(log)
    for column, table in values.items():
        redacted = table.loc[_differ(table["kept"], table["shown"]), "raw"]
        if not len(redacted):
            continue
        where = f"{_in(column, redacted)} AND {_kept_raw(log)}"
        ledger.add("email or phone in {column}", _kept_rows(log, where), action="changed",
                   detail="replaced by [email] / [phone] / [id]; the values are not shown",
                   rows=_examples(log.con, where), fields={"column": column})
    _late_dates(log, ledger)
    return text_replacements(log, values)


__all__ = ["TEXT_COLUMNS", "kept_sql", "late_after", "screen_log", "text_replacements"]
