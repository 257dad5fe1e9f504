"""Error messages fit for a page, the index or a kept notebook: nothing personal passes.

A DataError quotes the offending values, which may be emails, phone numbers, ids or names; each is
shown only as its kind and row (:func:`redact_error`). A failed cell's value and traceback
(:func:`scrub_error`) and every error and printed output of an executed notebook
(:func:`scrub_notebook`) pass through it before they are kept. Part of :mod:`crmlib.reports.html`.
"""

from __future__ import annotations

import re

from crmlib import privacy
from crmlib.redaction import value_kind

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


#: A value quoted after its row in a message, e.g. ``row 4: 'Priya Sharma'`` (crmlib.io's format).
_ROW_VALUE = re.compile(r"""(\b(?:row|index|line)\s+[^\s:,;()]+:\s*)('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""")
def _kind_of_quoted(m: re.Match) -> str:
    quoted = m.group(2)
    body = quoted[1:-1].replace("\\" + quoted[0], quoted[0]).replace("\\\\", "\\")
    return m.group(1) + value_kind(body)


def redact_error(text: str | None) -> str | None:
    """An error message, traceback or printed output fit for a page, the index or a kept notebook:
    ANSI colours removed, each value quoted after its row (``row 4: 'Priya Sharma'``) replaced by its
    kind (``row 4: [text]``, see :func:`value_kind`), and emails, phones and ids anywhere else replaced
    by ``[email]``, ``[phone]``, ``[id]`` (see :func:`crmlib.privacy.redact_text`).

    >>> redact_error("DataError: f.csv: column 'date': 2 value(s) are not dates (row 2: 'Priya Sharma', row 3: '7')")
    "DataError: f.csv: column 'date': 2 value(s) are not dates (row 2: [text], row 3: '7')"
    """
    if not isinstance(text, str):
        return text
    return privacy.redact_text(_ROW_VALUE.sub(_kind_of_quoted, strip_ansi(text)))


def scrub_error(ename: str, evalue: str, traceback: list[str]) -> tuple[str, list[str]]:
    """The value and traceback of a failed cell fit to keep: a DataError keeps only its first line,
    redacted (names in free text cannot be found by patterns, so nothing else of it is copied);
    any other error is redacted whole (:func:`redact_error`)."""
    raw = strip_ansi(evalue or "")
    lines = raw.splitlines()
    shown = redact_error(lines[0] if lines else "") if ename == "DataError" else redact_error(raw)
    kept = []
    for item in traceback or []:
        item = strip_ansi(item)
        if ename == "DataError" and raw:
            item = item.replace(raw, shown)
            for extra in (ln for ln in lines[1:] if ln.strip()):
                item = item.replace(extra, "")
        kept.append(redact_error(item))
    return shown, kept


def scrub_notebook(nb) -> None:
    """Redact, in place, every error output (value and traceback) and printed output of ``nb``:
    what a failed report keeps in its executed notebook (:func:`scrub_error`, :func:`redact_error`)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "error":
                out["evalue"], out["traceback"] = scrub_error(out.get("ename", ""), out.get("evalue", ""),
                                                              out.get("traceback", []))
            elif kind == "stream":
                out["text"] = redact_error(out.get("text", ""))
            elif "text/plain" in out.get("data", {}) and "Traceback" in str(out["data"]["text/plain"]):
                out["data"]["text/plain"] = redact_error(str(out["data"]["text/plain"]))

