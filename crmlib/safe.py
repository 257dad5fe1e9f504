"""Output safety for values that come from data: Markdown text and CSV cells.

Values from input files (cities, tiers, categories, channels, comments, segment names, file names,
``--currency``) reach two kinds of output a person opens without reading code:

- **Markdown** a notebook displays (a page's summary): :func:`markdown_text` escapes HTML and the
  characters Markdown acts on, so a value shows as the text it is, never as markup or a link.
- **CSV files** a spreadsheet or an analytics platform opens: :func:`write_csv`, the one CSV writer
  of every report and audience file, neutralises formula injection as OWASP recommends
  (https://owasp.org/www-community/attacks/CSV_Injection): a text cell that begins with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote, so spreadsheets show
  it as text. Numbers stay numbers: only text cells (and text column names and index values) are
  touched, so a genuine ``-12.5`` amount is written as ``-12.5``.

The HTML of a page is escaped by the page writer (:mod:`crmlib.reports.tables`,
:mod:`crmlib.reports.html`); this module sits on the lowest floor so that ``crmlib.audiences`` and
the reports share it.

>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("@SUM(1)"), neutralise(-3.5), neutralise("Gold")
('\\'=HYPERLINK("http://x")', "'@SUM(1)", -3.5, 'Gold')
>>> print(markdown_text("<img src=x onerror=alert(1)> **bold** [link](javascript:x)"))
&lt;img src=x onerror=alert(1)&gt; \\*\\*bold\\*\\* \\[link\\](javascript\\:x)
"""

from __future__ import annotations

import csv
import html
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["FORMULA_START", "markdown_text", "neutralise", "neutralise_formulas", "write_csv"]

#: A CSV cell beginning with one of these is read as a formula by spreadsheets (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Characters Markdown (CommonMark and nbconvert's mistune, with its $-math and bare-URL links) acts on
#: anywhere in a line; each is written with a backslash, which CommonMark defines as the character itself.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]#|~$:])")
#: What Markdown acts on only at the start of a line: a list item, a numbered item.
_MARKDOWN_START = re.compile(r"^(\s*)([-+]|\d+(?=[.)]))")


def markdown_text(value: object) -> str:
    """``value`` as Markdown that renders as exactly its text: HTML escaped (``&``, ``<``, ``>``),
    Markdown's active characters backslash-escaped, line breaks made spaces (a value cannot start a
    heading, a list or a block of its own). Use it for every value from data put into Markdown a
    notebook displays."""
    text = " ".join(str(value).splitlines())
    text = _MARKDOWN_ACTIVE.sub(r"\\\1", html.escape(text, quote=False))
    start = _MARKDOWN_START.match(text)
    if start and start.group(2)[0].isdigit():
        return text[:start.end()] + "\\" + text[start.end():]  # "1. " would start a numbered list
    return _MARKDOWN_START.sub(r"\1\\\2", text, count=1)


def neutralise(value: object) -> object:
    """A text value that a spreadsheet would run as a formula, prefixed with ``'``; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _is_text(column: pd.Series) -> bool:
    dtype = column.dtype
    return (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype))


def _neutralise_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_neutralise_index(level) for level in index.levels]
        return index.set_levels(levels).set_names([neutralise(n) for n in index.names])
    if _is_text(index.to_series()):
        index = index.map(neutralise)
    return index.set_names(neutralise(index.name))


def neutralise_formulas(frame: pd.DataFrame, index: bool = True) -> pd.DataFrame:
    """``frame`` with every text cell, column name and (with ``index``) index value that begins a formula
    neutralised (:func:`neutralise`); number columns untouched. Columns with nothing to neutralise are
    shared with ``frame``, not copied (``frame`` itself is never changed)."""
    out = frame.copy(deep=False)
    for i, name in enumerate(out.columns):
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            out.isetitem(i, column.cat.rename_categories(lambda c: neutralise(c)))
        elif isinstance(column.dtype, pd.StringDtype):  # vectorised; copied only when a cell changes
            formula = column.str.startswith(FORMULA_START).fillna(False).to_numpy(dtype=bool)
            if formula.any():
                out.isetitem(i, column.mask(formula, "'" + column))
        elif _is_text(column):  # object: as map() did, numbers and their inferred dtype kept
            out.isetitem(i, column.map(neutralise, na_action="ignore"))
    out.columns = _neutralise_index(out.columns)
    if index:
        out.index = _neutralise_index(out.index)
    return out


def _has_carriage_return(column: pd.Series) -> bool:
    """Whether a text cell of ``column`` holds a bare ``\r`` (as its text, ``str(value)``)."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # the categories in use, as the cells show them
        codes = column.cat.codes.to_numpy()
        used = column.cat.categories[np.unique(codes[codes >= 0])]
        return bool(pd.Series(used.astype(str)).str.contains("\r", regex=False).any())
    if isinstance(column.dtype, pd.StringDtype):
        return bool(column.str.contains("\r", regex=False).any())
    return bool(column.astype(str).str.contains("\r", regex=False).any())


def write_csv(frame: pd.DataFrame | pd.Series, path, *, index: bool = False, **options):
    """Write ``frame`` to the CSV file ``path`` (or an open text file) with formula injection
    neutralised (:func:`neutralise_formulas`); ``options`` go to :meth:`pandas.DataFrame.to_csv`. The
    one CSV writer of crmlib's reports, audience files and re-identification files.

    Only the text columns that hold a formula are copied; pandas writes the rows in chunks, so a
    file of millions of customers costs little memory beyond ``frame``."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    path = path if hasattr(path, "write") else Path(path)
    safe = neutralise_formulas(frame, index=index)
    columns = (safe.iloc[:, i] for i in range(safe.shape[1]))
    if any(_is_text(c) and _has_carriage_return(c) for c in columns):
        # Python's csv module quotes a field holding "\n" but not one holding a bare "\r", which then
        # splits the row for every reader: quote every text field of such a file
        options.setdefault("quoting", csv.QUOTE_NONNUMERIC)
    if options or index or not _write_plain(safe, path):
        safe.to_csv(path, index=index, **options)
    return path


#: Rows per chunk of :func:`_write_plain` (bounded memory: the chunk's text).
CHUNK_ROWS = 100_000
#: What makes Python's csv module quote a field (delimiter, quote, line breaks): such files go to pandas.
_NEEDS_QUOTES = r'[,"\r\n]'


def _plain_kind(column: pd.Series) -> str | None:
    """How :func:`_write_plain` writes ``column``: ``"float"`` (float64, as ``repr``: numpy's shortest form,
    the digits pandas writes), ``"int"``, ``"text"`` (strings that need no quotes), or None (pandas writes)."""
    dtype = column.dtype
    if dtype == np.float64:
        return "float"
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return "int"
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and getattr(dtype, "kind", "") in "iu" \
            and not isinstance(dtype, (pd.CategoricalDtype, pd.StringDtype)) and hasattr(column.array, "_mask"):
        return "nullable int"  # Int64 and its kin: pandas writes a missing value empty
    if isinstance(dtype, pd.StringDtype) or (
            isinstance(dtype, np.dtype) and dtype.kind == "O"
            and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")):
        if not column.astype("string").str.contains(_NEEDS_QUOTES, regex=True).fillna(False).any():
            return "text"
    return None


def _plain_cells(column: pd.Series, kind: str) -> list[str]:
    """The cells of a part of ``column`` as ``DataFrame.to_csv`` writes them; missing values empty."""
    if kind == "int":
        return list(map(str, column.to_numpy().tolist()))
    if kind == "nullable int":
        missing = column.isna().to_numpy()
        cells = list(map(str, column.to_numpy(dtype=object, na_value=0).tolist()))
        for i in np.flatnonzero(missing).tolist():
            cells[i] = ""
        return cells
    if kind == "float":
        values = column.to_numpy()
        cells = list(map(float.__repr__, values.tolist()))
        missing = np.flatnonzero(np.isnan(values))
    else:
        text = column.astype("string")
        missing = np.flatnonzero(text.isna().to_numpy())
        cells = text.to_numpy(dtype=object, na_value="").tolist()
    for i in missing.tolist():
        cells[i] = ""
    return cells


def _has_empty_cell(column: pd.Series, kind: str) -> bool:
    if kind == "int":
        return False
    return bool(column.isna().any()) or (kind == "text" and bool(column.astype("string").eq("").any()))


def _write_plain(frame: pd.DataFrame, path) -> bool:
    """Write ``frame`` (no index) byte for byte as pandas' ``DataFrame.to_csv`` with ``index=False``, a chunk of
    :data:`CHUNK_ROWS` rows at a time, when every column is plain (:func:`_plain_kind`); return False,
    writing nothing, when one is not. About twice as fast as pandas' writer on millions of rows."""
    if isinstance(frame.columns, pd.MultiIndex) or frame.shape[1] < 1 \
            or not all(isinstance(c, str) for c in frame.columns):
        return False
    # the header as the csv module quotes it: a name holding a comma, quote or line break in quotes,
    # its quotes doubled ("Lifetime value, lower" -> "\"Lifetime value, lower\"")
    names = ['"' + c.replace('"', '""') + '"' if re.search(_NEEDS_QUOTES, c) else c for c in frame.columns]
    kinds = [_plain_kind(frame.iloc[:, i]) for i in range(frame.shape[1])]
    if None in kinds:
        return False
    if frame.shape[1] == 1 and _has_empty_cell(frame.iloc[:, 0], kinds[0]):
        return False  # the csv module writes a row of one empty field as "", not as nothing
    lines = os.linesep
    handle = path if hasattr(path, "write") else open(path, "w", encoding="utf-8", newline="")
    try:
        handle.write(",".join(names) + lines)
        for start in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[start:start + CHUNK_ROWS]
            cells = [_plain_cells(part.iloc[:, i], kind) for i, kind in enumerate(kinds)]
            handle.write(lines.join(map(",".join, zip(*cells))) + lines)
    finally:
        if handle is not path:
            handle.close()
    return True
