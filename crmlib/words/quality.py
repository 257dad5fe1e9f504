"""The words of the data-quality table shown on every page: its reasons, actions, details and the
one-sentence summary of the biggest issue, in English, Hindi and Bengali.

The loaders (:mod:`crmlib.io`, :mod:`crmlib.screening`, :mod:`crmlib.summary_sql`, :mod:`crmlib.txlog`)
record each entry with a stable key (its English template) and the names and numbers as fields
(:meth:`crmlib.ledger.Ledger.add`); this module says the entry in the page's language, writing the
numbers and dates with :class:`crmlib.formats.Formats`. In English the table is the ledger's own
(:func:`crmlib.ledger.ledger_table`). Every key the loaders use is declared below (:data:`KEYS`).

>>> import pandas as pd
>>> from crmlib.ledger import Ledger, attach
>>> led = Ledger(source="t.csv", table="transactions", rows_read=9)
>>> led.add("rare values in '{column}'", 2, action="changed", detail="values shared by fewer than {min_group} customers are shown as '{rare}': such a value can point at one person (a name typed into the column)", fields={"column": "city", "min_group": 3, "rare": "other (fewer than 3 customers)"})
>>> frame = ledger_frame(attach(pd.DataFrame(), led))
>>> from crmlib.words import Words
>>> ledger_table(frame, w=Words("hi"))["reason"].tolist()
["'city' में दुर्लभ मान"]
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from crmlib.formats import Formats
from crmlib.words import N_, NP_, Words

# ----------------------------------------------------------------------------- tables and actions
#: The loaded tables' names in the ledger.
TABLES = {"transactions": N_("transactions"), "customers": N_("customers"), "feedback": N_("feedback"),
          "rfm summary": N_("rfm summary")}
#: What happened to an entry's rows.
ACTIONS = {"dropped": N_("dropped"), "flagged": N_("flagged"), "kept": N_("kept"), "changed": N_("changed")}

# ----------------------------------------------------------------------------- reasons
REASONS = [
    N_("exact duplicate row"),
    N_("zero amount"),
    N_("return or refund (negative amount)"),
    N_("no customer_id"),
    N_("date after observation end"),
    N_("no amount"),
    N_("customer id written as a whole-number float (81.0)"),
    N_("customer without a purchase day: returns exceed purchases"),
    N_("customer with only returns"),
    N_("no purchase day"),
    N_("first purchase after calibration end"),
    N_("customer ids that differ only in upper/lower case"),
    #: {column} is a column of the file, as it is.
    N_("column '{column}' looks like names or identifiers"),
    N_("email or phone in {column}"),
    N_("rare values in '{column}'"),
    N_("'{column}' in the future or far after the rest of the column"),
    N_("values in '{column}' that are not dates"),
]

# ----------------------------------------------------------------------------- details
DETAILS = [
    N_("the same values in every column of the file as an earlier row"),
    N_("the same values in every column of the file as an earlier row; kept, as asked"),
    N_("the same values in every column of the file as an earlier row, with the same order number: the same "
       "transaction exported twice"),
    N_("the same values in every column of the file as an earlier row and no order number: usually two real "
       "purchases, so kept (they can be dropped with the duplicates option)"),
    N_("the same values in every column of the file as an earlier row and the file has no transaction id: usually "
       "two real purchases, so kept (they can be dropped with the duplicates option)"),
    N_("kept; netted against the same customer's purchases of that day"),
    N_("kept; counts as a purchase (e.g. a free item), as in the CDNOW data"),
    N_("cannot be attributed to a customer"),
    N_("cannot be linked to transactions"),
    N_("cannot be linked to a customer"),
    #: {date} is a date.
    N_("after {date}"),
    N_("empty or NaN amount: the purchase cannot be valued (refuse such a file instead with crmlib report "
       "--refuse-blank-amounts)"),
    N_("read as the whole number (81): customer ids are read as text: a whole number written as a float (81.0) is "
       "the id 81 in every file format; leading zeros and upper/lower case are kept"),
    #: {customers} is a count.
    N_("{customers} customer(s): on every day they bought, returns outweighed purchases (net amount below 0), so "
       "no day counts as a purchase; left out of the RFM summary, the segments and every customer count"),
    N_("{customers} customer(s) with returns or refunds and no purchase; left out of the RFM summary, the "
       "segments and every customer count"),
    N_("only returns, or only transactions after observation end"),
    N_("not yet a customer on {date}"),
    N_("kept as different customers (ids are compared exactly); if they are one customer, write the id one way "
       "in the file"),
    N_("{distinct} different values among {customers} customers: an attribute that differs from customer to "
       "customer identifies people and groups no one, so the column was removed"),
    N_("replaced by [email] / [phone] / [id]; the values are not shown"),
    #: {min_group} is a count; {rare} is RARE_VALUE below.
    N_("values shared by fewer than {min_group} customers are shown as '{rare}': such a value can point at one "
       "person (a name typed into the column)"),
    N_("kept; check these dates, they lie more than a year after the others"),
    N_("kept; check these dates, they lie more than a year after the others (written with two-digit years: 00-68 "
       "are read as 2000-2068, 69-99 as 1969-1999; write four-digit years if these belong to another century)"),
    #: {values} are the file's values ('n/a', 'soon'), quoted, as they are.
    N_("kept as customers without a signup date; the file holds: {values}"),
]
#: The value rare attribute values are shown as (crmlib.screening.RARE).
RARE_VALUE = N_("other (fewer than 3 customers)")
#: Every reason and detail key the loaders may record.
KEYS = frozenset(REASONS) | frozenset(DETAILS)

# ----------------------------------------------------------------------------- notes
#: How the loaders read a file (:class:`crmlib.ledger.Note`): the header used for a column, the columns not
#: used, the encoding, the sheet, dates that read both ways. {column}, {target}, {header} and {sheet} are
#: names as the file or crmlib writes them; {names} and {others} lists of them; {example} a value of the file.
NOTES = [
    N_("column '{column}' used as '{target}'"),
    N_("column(s) not used: {names}"),
    N_("the header {header} appears {times} times (columns {columns}); read as {names}"),
    N_("time-zone offsets in '{column}' were dropped; the local times are kept"),
    N_("dates in '{column}' such as {example} fit both day-first and month-first; read day first (31/01/2024)"),
    N_("dates in '{column}' such as {example} fit both day-first and month-first; read month first (01/31/2024)"),
    N_("{lines} blank line(s) skipped"),
    N_("read sheet '{sheet}' of {sheets}; not read: {others}"),
    #: {empty} the sheets of {others} that hold nothing
    N_("read sheet '{sheet}' of {sheets}; not read: {others}; of these, empty: {empty}"),
    N_("read as UTF-16 (Excel's Unicode Text export)"),
    N_("read as {encoding} without a byte-order mark"),
    N_("{count} line(s) are not UTF-8 and were read as cp1252 (lines {lines}); save the file as UTF-8 to be sure "
       "of their characters"),
    N_("example rows are line numbers of the file"),
    #: {late} a count, {end} a day
    N_("{late} customer-days after observation end {end} left out"),
]


def say_note(note, source: str, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """A loader's note in the page's language, after the file it is about; a note without a key (or with one
    not declared in :data:`NOTES`) is shown as the loader wrote it.

    >>> from crmlib.ledger import Note
    >>> say_note(Note("{lines} blank line(s) skipped", lines=1200), "s.csv", fmt=Formats("hi"))
    's.csv: 1,200 खाली पंक्ति(याँ) छोड़ी गईं'
    """
    fmt = fmt or Formats("en")
    w = w or Words.of(fmt)
    key = getattr(note, "key", None)
    text = _say(key, note.fields, w, fmt) if key in _NOTE_KEYS else str(note)
    return f"{source}: {text}"  # the file's name, then the note, in every language


_NOTE_KEYS = frozenset(NOTES)

# ----------------------------------------------------------------------------- the summary sentence
NOTHING = N_("Nothing was dropped, changed or flagged while the files were read.")
#: {rows} a count, {table} one of TABLES, {reason} a reason above (in quotes).
BIGGEST = {
    "dropped": NP_("Biggest data-quality issue: {rows} {table} row was dropped for \u201c{reason}\u201d (the "
                   "data-quality table gives the details).",
                   "Biggest data-quality issue: {rows} {table} rows were dropped for \u201c{reason}\u201d (the "
                   "data-quality table gives the details)."),
    "changed": NP_("Biggest data-quality issue: {rows} {table} row was changed for \u201c{reason}\u201d (the "
                   "data-quality table gives the details).",
                   "Biggest data-quality issue: {rows} {table} rows were changed for \u201c{reason}\u201d (the "
                   "data-quality table gives the details)."),
    "flagged": NP_("Biggest data-quality issue: {rows} {table} row was flagged (kept) for \u201c{reason}\u201d (the "
                   "data-quality table gives the details).",
                   "Biggest data-quality issue: {rows} {table} rows were flagged (kept) for \u201c{reason}\u201d "
                   "(the data-quality table gives the details)."),
    "kept": NP_("Biggest data-quality issue: {rows} {table} row was kept as it is for \u201c{reason}\u201d (the "
                "data-quality table gives the details).",
                "Biggest data-quality issue: {rows} {table} rows were kept as they are for \u201c{reason}\u201d (the "
                "data-quality table gives the details)."),
}
#: After BIGGEST when other rows were dropped: {dropped} is a count.
DROPPED_IN_ALL = NP_("In all, {dropped} row was dropped.", "In all, {dropped} rows were dropped.")

COLUMNS = ["table", "source", "reason", "rows", "action", "detail", "example rows"]


def ledger_frame(*frames: pd.DataFrame) -> pd.DataFrame:
    """The ledgers of the loaded ``frames`` as one table: the columns of
    :func:`crmlib.ledger.ledger_table` (English) and each entry's ``key``, ``detail_key`` and ``fields``."""
    from crmlib.ledger import ledgers

    rows = [[led.table, led.source, e.reason, e.rows, e.action, e.detail, ", ".join(map(str, e.examples)),
             e.key or e.reason, e.detail_key or e.detail, _as_in_file(e.fields, headers)]
            for led in ledgers(*frames) for headers in [_file_headers(led.notes)] for e in led.entries]
    return pd.DataFrame(rows, columns=COLUMNS + ["key", "detail_key", "fields"])


def _file_headers(notes) -> dict[str, str]:
    """crmlib's column -> the file's header, from a ledger's notes "column 'Comments' used as 'comment'"."""
    from crmlib.io.columns import USED_AS

    return {n.fields["target"]: n.fields["column"] for n in notes
            if getattr(n, "key", None) == USED_AS and "target" in n.fields}


def _as_in_file(fields: dict, headers: dict[str, str]) -> dict:
    """An entry's fields with a column crmlib renamed ("comment") named as the file's header ("Comments"): the
    analyst knows their own file's names (before, the page said "email or phone in comment", in English words on
    a Bengali page too)."""
    column = fields.get("column")
    return dict(fields) if column is None else {**fields, "column": headers.get(column, column)}


def _value(v, w: Words, fmt: Formats) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return fmt.count(v)
    if isinstance(v, (_dt.date, pd.Timestamp)):  # English keeps the ledger's ISO day
        return str(v) if fmt.lang == "en" else fmt.date(v)
    if v == RARE_VALUE:
        return w(RARE_VALUE)
    return str(v)


def _say(key: str, fields: dict, w: Words, fmt: Formats) -> str:
    return w(key, **{k: _value(v, w, fmt) for k, v in fields.items()}) if fields else w.text(key)


def ledger_table(frame: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> pd.DataFrame:
    """The data-quality table of :func:`ledger_frame` in the language of ``w`` (default: that of
    ``fmt``, else English): table names, reasons, actions and details translated, numbers and dates
    written by ``fmt``; sources (file names), column names and example rows as they are."""
    fmt = fmt or Formats("en")
    w = w or Words.of(fmt)
    if frame is None or not len(frame):
        return pd.DataFrame(columns=COLUMNS)
    out = pd.DataFrame({
        "table": [w(TABLES[t]) if t in TABLES else t for t in frame["table"]],
        "source": frame["source"].to_list(),
        "reason": [_say(k, f, w, fmt) for k, f in zip(frame["key"], frame["fields"])],
        "rows": frame["rows"].to_list(),
        "action": [w(ACTIONS[a]) for a in frame["action"]],
        "detail": [_say(k, f, w, fmt) if k else "" for k, f in zip(frame["detail_key"], frame["fields"])],
        "example rows": [fmt.in_digits(str(x)) for x in frame["example rows"]],
    })
    return out


def biggest_issue(frame: pd.DataFrame | None, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """The biggest data-quality issue of a ledger table (:func:`ledger_frame`, or the English
    :func:`crmlib.ledger.ledger_table`) in one or two sentences: the entry touching the most rows
    among those dropped, changed or flagged, and how many rows were dropped in all."""
    fmt = fmt or Formats("en")
    w = w or Words.of(fmt)
    if frame is None or not len(frame):
        return w(NOTHING)
    work = frame[frame["action"].isin(["dropped", "changed", "flagged"])]
    if not len(work):
        work = frame
    top = work.sort_values("rows", ascending=False, kind="stable").iloc[0]
    dropped = int(frame.loc[frame["action"] == "dropped", "rows"].sum())
    rows = int(top["rows"])
    table = str(top["table"])
    reason = (_say(top["key"], top["fields"], w, fmt) if "key" in frame.columns else w.text(str(top["reason"])))
    text = w.plural(BIGGEST[top["action"]], rows, rows=fmt.count(rows), reason=reason,
                    table=w(TABLES[table]) if table in TABLES else table)
    if top["action"] != "dropped" and dropped:
        text += " " + w.plural(DROPPED_IN_ALL, dropped, dropped=fmt.count(dropped))
    return text
