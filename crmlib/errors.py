"""The words of crmlib's data errors, written once: missing columns, values and rows.

* :func:`require_columns`: one :class:`crmlib.DataError` wording for "a column is missing",
  naming the source (a file or ``<transactions>``), the table, what is missing, what was found and
  what to do;
* :func:`show_value`: a value as an error shows it, quoted, with emails and phone numbers redacted
  (:func:`crmlib.privacy.redact_text`) and cut to 40 characters;
* :func:`describe_rows`: "row 4: 'abc', row 9: 'x' and 3 more", the first few offending rows.

>>> import pandas as pd
>>> require_columns(pd.DataFrame({"customer_id": [1], "when": [2]}), ("customer_id", "date", "amount"),
...                 "tx.csv", "transactions")
Traceback (most recent call last):
...
crmlib.exceptions.DataError: tx.csv (transactions): columns 'date', 'amount' missing (found: 'customer_id', 'when'). Load the file with crmlib.read_transactions, which reads other names with columns={...}.
"""

from __future__ import annotations

from crmlib.exceptions import DataError

#: Values an error shows at most, per rule and file.
MAX_EXAMPLES = 5
#: Characters of one value an error shows at most.
MAX_SHOWN_CHARS = 40
#: What to do about missing transaction columns, unless a caller says otherwise.
LOAD_HINT = "Load the file with crmlib.read_transactions, which reads other names with columns={...}."


def show_value(value) -> str:
    """A value of an id, date or number column, or a column name, as a message shows it: quoted,
    with emails and phone numbers redacted, cut to 40 characters. Never used for free text.

    >>> show_value("ann@example.com")
    "'[email]'"
    """
    from crmlib.privacy import redact_text

    text = redact_text(str(value))
    if len(text) > MAX_SHOWN_CHARS:
        text = text[:MAX_SHOWN_CHARS - 3] + "..."
    return repr(text)


def show_names(names) -> str:
    """Column names for a message, each as :func:`show_value` shows it."""
    return ", ".join(show_value(n) for n in names)


def describe_rows(rows, values, row_word: str = "row", total: int | None = None) -> str:
    """The first :data:`MAX_EXAMPLES` offending rows and their values, and how many more.

    >>> describe_rows([4, 9], ["abc", "x"], total=5)
    "row 4: 'abc', row 9: 'x' and 3 more"
    """
    pairs = list(zip(rows, values))
    total = len(pairs) if total is None else int(total)
    shown = ", ".join(f"{row_word} {r}: {show_value(v)}" for r, v in pairs[:MAX_EXAMPLES])
    shown_n = min(len(pairs), MAX_EXAMPLES)
    return shown + (f" and {total - shown_n} more" if total > shown_n else "")


def require_columns(frame, columns, source: str, table: str, hint: str = LOAD_HINT) -> None:
    """A :class:`crmlib.DataError` when ``frame`` (anything with ``columns``, or a list of names)
    lacks one of ``columns``: ``"{source} ({table}): column(s) ... missing (found: ...). {hint}"``."""
    found = list(getattr(frame, "columns", frame))
    missing = [c for c in columns if c not in found]
    if not missing:
        return
    word = "column" if len(missing) == 1 else "columns"
    raise DataError(f"{source} ({table}): {word} {show_names(missing)} missing "
                    f"(found: {show_names(found) if found else 'none'}). {hint}".rstrip())


__all__ = ["MAX_EXAMPLES", "describe_rows", "require_columns", "show_names", "show_value"]
