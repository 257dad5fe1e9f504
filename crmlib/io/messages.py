"""How the loaders' messages show values: redacted, cut, at most five rows per problem, all problems
of a file in one :class:`~crmlib.exceptions.DataError`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crmlib.exceptions import DataError

if TYPE_CHECKING:
    from crmlib.io.files import _Source

_MAX_EXAMPLES = 5
_MAX_SHOWN_CHARS = 40


def _names(names) -> str:
    """Column names for a message (a header-less file's first row is data: redacted, cut)."""
    return ", ".join(_show(n) for n in names)


def _show(value) -> str:
    """A value of an id, date or number column, or a column name, as a message shows it: quoted,
    with emails and phone numbers redacted, cut to 40 characters. Never used for free text."""
    from crmlib.privacy import redact_text

    text = redact_text(str(value))
    if len(text) > _MAX_SHOWN_CHARS:
        text = text[:_MAX_SHOWN_CHARS - 3] + "..."
    return repr(text)


def _problem(src: _Source, column: str, mask: np.ndarray, values, rule: str) -> str | None:
    """One message for the rows in ``mask`` breaking ``rule``, or None when there are none; it names the column by
    the file's own header ("Registered On"), not crmlib's name for it ("signup_date")."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return None
    shown = ", ".join(f"{src.row_word} {src.rows[i]}: {_show(values[i])}" for i in idx[:_MAX_EXAMPLES])
    more = f" and {len(idx) - _MAX_EXAMPLES} more" if len(idx) > _MAX_EXAMPLES else ""
    return f"column {_show(src.header_of(column))}: {len(idx)} value(s) {rule} ({shown}{more})"


def _raise(src: _Source, problems: list[str | None], what_to_do: str) -> None:
    problems = [p for p in problems if p]
    if problems:
        raise DataError(f"{src.name}: " + "; ".join(problems) + f". {what_to_do}")
