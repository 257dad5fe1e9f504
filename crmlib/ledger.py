"""The data-quality ledger: every row that a loader drops, flags, keeps with a note or changes.

A ledger travels with the loaded DataFrame in ``df.attrs["ledger"]``; :func:`ledger_of`
reads it back. Notebooks show it so that nothing is lost silently.

An entry's ``action`` is one of :data:`ACTIONS`:

* ``dropped``: the rows are not in the table; only these count in :attr:`Ledger.rows_dropped`;
* ``flagged``: kept and marked for analysis (a return, a zero amount);
* ``kept``: kept as they are, though a reader could expect otherwise (exact duplicate rows
  that are probably real repeat purchases);
* ``changed``: kept with a value changed (a phone number redacted from a comment).

So every row read is either in the table or counted as dropped:
``rows_read == len(table) + rows_dropped``.

>>> led = Ledger(source="orders.csv", table="transactions", rows_read=10)
>>> led.add("exact duplicate row", 2, action="dropped", rows=[4, 7])
>>> led.add("zero amount", 1, action="flagged", rows=[9])
>>> led.rows_kept, led.rows_dropped
(8, 2)
>>> print(led.to_frame()[["reason", "rows", "action"]].to_string(index=False))
             reason  rows  action
exact duplicate row     2 dropped
        zero amount     1 flagged

A reason or detail that names a column or a number is a template with named fields, so the page can
say it in its own language (:mod:`crmlib.words.quality`); the ledger keeps the template as the
entry's ``key`` / ``detail_key`` and writes the English text itself (counts with thousands
separators):

>>> led.add("rare values in '{column}'", 4, action="changed", detail="{values} values", fields={"column": "city", "values": 1200})
>>> e = led.entries[-1]
>>> e.reason, e.detail, e.key, e.fields
("rare values in 'city'", '1,200 values', "rare values in '{column}'", {'column': 'city', 'values': 1200})
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

ATTR = "ledger"

#: What a ledger entry can say happened to its rows.
ACTIONS = ("dropped", "flagged", "kept", "changed")


@dataclass
class LedgerEntry:
    reason: str  # in English, its fields filled in
    rows: int
    action: str  # one of ACTIONS
    detail: str = ""
    examples: list = field(default_factory=list)  # spreadsheet row numbers (header = row 1) or index labels
    key: str = ""  # the reason's template (a message of crmlib.words.quality); the reason itself without fields
    detail_key: str = ""  # the detail's template
    fields: dict = field(default_factory=dict)  # the values of the templates' {placeholders}: numbers, names, dates


def english(fields: dict) -> dict:
    """Fields as the English text writes them: whole numbers with thousands separators, the rest as text."""
    return {k: (f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)) for k, v in fields.items()}


class Note(str):
    """A note on how a file was read, in English, that keeps its template (``key``) and ``fields`` so a page
    can say it in its own language (:func:`crmlib.words.quality.say_note`). Anything that takes the note
    as text (a message, ``in``, ``==``) sees the English.

    >>> n = Note("{lines} blank line(s) skipped", lines=1200)
    >>> n, n.key, n.fields
    ('1,200 blank line(s) skipped', '{lines} blank line(s) skipped', {'lines': 1200})
    """

    key: str
    fields: dict

    def __new__(cls, key: str, **fields):
        note = super().__new__(cls, key.format(**english(fields)))
        note.key, note.fields = key, fields
        return note

    def __reduce__(self):  # pickled with the ledger (the batch's shared table)
        return (_note, (self.key, self.fields))


def _note(key: str, fields: dict) -> Note:
    return Note(key, **fields)


@dataclass
class Ledger:
    """What happened to the rows of one loaded table."""

    source: str
    table: str
    rows_read: int = 0
    entries: list[LedgerEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the file was read (encoding, column names)
    unused_columns: list[str] = field(default_factory=list)  # the file's headers the table does not keep

    def add(self, reason: str, count: int, *, action: str, detail: str = "", rows=(), fields=None) -> None:
        """Record ``count`` rows dropped, flagged, kept or changed for ``reason`` (no-op when 0);
        ``rows`` are their row numbers, of which the first five are kept as examples. With ``fields``,
        ``reason`` and ``detail`` are templates whose ``{placeholders}`` the fields fill (column
        names, counts, dates): no number or name is glued into a reason."""
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
        if count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        if count:
            fields = dict(fields or {})
            text = english(fields)
            self.entries.append(
                LedgerEntry(reason.format(**text) if fields else reason, int(count), action,
                            detail.format(**text) if fields else detail,
                            [r.item() if hasattr(r, "item") else r for r in list(rows)[:5]],
                            key=reason, detail_key=detail, fields=fields)
            )

    @property
    def rows_dropped(self) -> int:
        """Rows read but not in the table."""
        return sum(e.rows for e in self.entries if e.action == "dropped")

    @property
    def rows_kept(self) -> int:
        """Rows in the table: those read minus those dropped (flagged, kept and changed rows stay)."""
        return self.rows_read - self.rows_dropped

    def to_frame(self) -> pd.DataFrame:
        """One row per entry: table, source, reason, rows, action, detail, example rows."""
        cols = ["table", "source", "reason", "rows", "action", "detail", "example rows"]
        data = [
            [self.table, self.source, e.reason, e.rows, e.action, e.detail,
             ", ".join(map(str, e.examples))]
            for e in self.entries
        ]
        return pd.DataFrame(data, columns=cols)

    def __str__(self) -> str:
        head = (f"{self.table} from {self.source}: {self.rows_read:,} rows read, "
                f"{self.rows_kept:,} kept, {self.rows_dropped:,} dropped")
        lines = [head] + [f"  note: {n}" for n in self.notes]
        if not self.entries:
            return "\n".join(lines + ["  nothing dropped, flagged or changed."])
        for e in self.entries:
            ex = f" (rows {', '.join(map(str, e.examples))}{', ...' if e.rows > len(e.examples) else ''})" if e.examples else ""
            det = f" - {e.detail}" if e.detail else ""
            lines.append(f"  {e.action:>7} {e.rows:>8,}  {e.reason}{ex}{det}")
        return "\n".join(lines)

    def note(self, key: str, **fields) -> None:
        """Add a :class:`Note` (``key`` a template of :mod:`crmlib.words.quality`, ``fields`` its values)."""
        self.notes.append(Note(key, **fields))

    def _repr_html_(self) -> str:
        summary = (f"<p><b>{self.table}</b> from <code>{html.escape(self.source)}</code>: {self.rows_read:,} rows read, "
                   f"{self.rows_kept:,} kept, {self.rows_dropped:,} dropped.</p>")
        if self.notes:
            summary += "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>"
        if not self.entries:
            return summary + "<p>Nothing dropped, flagged or changed.</p>"
        return summary + self.to_frame().to_html(index=False)


def ledger_of(df: pd.DataFrame) -> Ledger | None:
    """The ledger a crmlib loader attached to ``df``, or None."""
    return df.attrs.get(ATTR)


def attach(df: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    df.attrs[ATTR] = ledger
    return df


def ledgers(*frames: pd.DataFrame) -> list[Ledger]:
    """The ledgers of the given loaded frames (those that have one)."""
    return [led for led in map(ledger_of, frames) if led is not None]


def ledger_table(*frames: pd.DataFrame) -> pd.DataFrame:
    """All ledgers of the given loaded frames as one table (for notebooks; in English:
    :func:`crmlib.words.quality.ledger_table` writes it in a page's language)."""
    parts = [led.to_frame() for led in map(ledger_of, frames) if led is not None]
    if not parts:
        return Ledger("", "").to_frame()
    return pd.concat(parts, ignore_index=True)
