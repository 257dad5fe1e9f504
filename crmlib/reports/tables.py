"""Tables for people: the one way a report notebook shows a table.

:func:`show` turns a frame into a pandas Styler a reader can use: no pandas row numbers (a meaningful
index such as ``segment`` or ``model`` becomes an ordinary first column), human column names with
units (:data:`LABELS`), numbers formatted by kind (counts with thousands separators, money with the
currency, shares as %), text left-aligned, a dash for a missing value, and long tables cut to their
top rows with a note saying so.

>>> import pandas as pd
>>> frame = pd.DataFrame({"segment": ["Champions", "Lost"], "customers": [1200, 35],
...                       "customer_share": [0.25, None], "revenue": [10500.0, 80.0]})
>>> styled = show(frame, currency="INR")
>>> html = styled.to_html()
>>> [label in html for label in ("Customers", "Share of customers", "Revenue (INR)")]
[True, True, True]
>>> "1,200" in html, "25.0%" in html, "INR\\xa010,500" in html, "–" in html, ">0</th>" in html
(True, True, True, True, False)
>>> kind_of("clv_share", frame["customers"]), kind_of("revenue", frame["revenue"])
('share', 'money')
>>> label_of("p_alive")
'P(alive)'
"""

from __future__ import annotations

import hashlib
import html as _html
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from crmlib.formats import Formats
from crmlib.safe import write_csv
from crmlib.words import Words
from crmlib.words import tables as _words

__all__ = ["DASH", "KINDS", "LABELS", "kind_of", "label_of", "money_decimals_of", "show", "show_latest"]

#: What a missing value shows as.
DASH = "–"

#: The kinds of column :func:`show` knows how to format.
KINDS = ("count", "money", "share", "number", "text")

#: crmlib's common column names -> English labels (message ids, translated by :func:`show`).
LABELS = _words.LABELS

_COUNT_NAMES = {"customers", "rows", "n", "baskets", "comments", "purchases", "skipped", "answers",
                "transactions", "nps_responses", "promoters_n", "count", "params"}
_MONEY = re.compile(r"(revenue|clv|spend|amount|monetary|value)(?!_share|_decile)")
_SHARE = re.compile(r"(share|^p_alive$|_p_alive$|^confidence$|^support$|^promoters$|^passives$|^detractors$)")


def label_of(name: object, *, currency: str | None = None, kind: str | None = None,
             label: str | None = None, words: Words | None = None) -> str:
    """The human label of a column: ``label`` (shown as given), else :data:`LABELS` in the language of
    ``words`` (default English), else the name in words; money gets the currency code."""
    text = str(name)
    if not label and text in LABELS:
        label = (words or Words("en"))(LABELS[text])
    label = label or (text.replace("_", " ")[:1].upper() + text.replace("_", " ")[1:])
    if kind == "money" and currency:
        label += f" ({currency})"
    return label


def kind_of(name: object, column: pd.Series) -> str:
    """'count', 'money', 'share', 'number' or 'text', from the column's name, else its dtype."""
    dtype = column.dtype
    if not (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
        return "text"
    text = str(name)
    if _SHARE.search(text):
        return "share"
    if _MONEY.search(text):
        return "money"
    if text in _COUNT_NAMES or pd.api.types.is_integer_dtype(dtype):
        return "count"
    return "number"


def _escaped(format_: str | Callable) -> Callable[[object], str]:
    """``format_`` (a format string or a function) whose result is HTML-escaped: every cell of a
    table is text on the page, never markup, whatever the data or the currency hold."""
    if callable(format_):
        return lambda v: _html.escape(str(format_(v)), quote=True)
    return lambda v: _html.escape(format_.format(v), quote=True)


def _formatter(kind: str | Callable | None, column: pd.Series, fmt: Formats, words: Words,
               money_decimals: int):
    """The function writing one cell of ``column``: numbers by ``fmt`` (counts grouped, shares with
    one decimal, other numbers with two, money with the table's ``money_decimals``), dates as ISO
    days, true/false in words."""
    if callable(kind):
        return kind
    if isinstance(kind, str) and "{" in kind:
        return _format_string(kind, fmt)
    if kind == "money":
        return lambda v: fmt.money(v, money_decimals)
    if kind == "count":
        return fmt.count
    if kind == "share":
        return lambda v: fmt.share(v, 1)
    if kind == "text":
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            return lambda v: fmt.in_digits(f"{v:%Y-%m-%d}")
        if pd.api.types.is_bool_dtype(column.dtype):
            yes, no = words(_words.YES), words(_words.NO)
            return lambda v: yes if v else no
        return lambda v: str(v)
    return lambda v: fmt.number(v, 2)


#: A Python format string of a number as notebooks pass it to :func:`show`: ``"{:.0%}"``, ``"{:,.1f}"``, ``"{:+.2f}"``.
_FORMAT_STRING = re.compile(r"\{:(?P<plus>\+)?(?P<group>,)?\.(?P<decimals>\d+)(?P<type>[f%])\}")


def _format_string(kind: str, fmt: Formats) -> Callable:
    """A format string's cell writer, through ``fmt`` so the number follows the page's language and
    digits like every other (``"{:.0%}"`` -> :meth:`Formats.share`, ``"{:,.1f}"`` ->
    :meth:`Formats.number`); any other format is applied as given, in the page's digits.

    >>> from crmlib.formats import Formats
    >>> _format_string("{:.0%}", Formats("hi", digits="native"))(0.25), _format_string("{:+.1f}", Formats("en"))(3)
    ('२५%', '+3.0')
    """
    m = _FORMAT_STRING.fullmatch(kind)
    if m is None:
        return lambda v: fmt.in_digits(kind.format(v))
    decimals, plus = int(m["decimals"]), bool(m["plus"])
    write = (lambda v: fmt.share(v, decimals)) if m["type"] == "%" else (lambda v: fmt.number(v, decimals))
    return (lambda v: ("+" if v > 0 else "") + write(v)) if plus else write


def money_decimals_of(frame: pd.DataFrame, kinds: Mapping[str, object]) -> int:
    """One choice of decimals for every money column of a table together
    (:meth:`Formats.money_decimals` over all their values), so no row reads "Lowest 4.11 | Highest 4".

    >>> frame = pd.DataFrame({"min": [0.5, 4.11], "max": [4.1, 900.0]})
    >>> money_decimals_of(frame, {"min": "money", "max": "money"}), money_decimals_of(frame.head(1), {"min": "money"})
    (0, 2)
    """
    money = [c for c in frame.columns if kinds.get(c) == "money"]
    values = pd.concat([pd.to_numeric(frame[c], errors="coerce") for c in money]) if money else []
    return Formats.money_decimals(values)


def show(frame: pd.DataFrame | pd.Series, *, names: Mapping[str, str] | None = None,
         kinds: Mapping[str, str | Callable] | None = None, currency: str | None = None,
         max_rows: int | None = 25, note: str | None = None, csv: str | os.PathLike | None = None,
         csv_name: str | None = None, fmt: Formats | None = None) -> Styler:
    """``frame`` as a table for people (a pandas Styler a notebook displays).

    - A pandas row number (an unnamed RangeIndex) is dropped; any other index (``segment``, ``model``,
      a customer pseudonym) becomes the first columns.
    - Columns are renamed by ``names`` (column -> label), else by :data:`LABELS`, else put in words;
      a money column gets the currency code in its label and its cells.
    - ``fmt`` (a :class:`crmlib.formats.Formats`, a notebook's ``fmt``) sets the page's language, digits
      and currency: labels and notes come from :mod:`crmlib.words.tables` in ``fmt.lang``, every number
      is written by ``fmt``. Without it the table is English with ``currency`` (``Formats("en", currency)``).
    - Cells are formatted by kind: ``kinds`` maps a column to one of :data:`KINDS`, a format string
      such as ``"{:+.0f}"`` or a function; other columns take their kind from :func:`kind_of`.
      Text is left-aligned, numbers right-aligned; a missing value shows as a dash, with a footnote.
    - A table longer than ``max_rows`` (None: never) shows its top ``max_rows`` rows and says so;
      ``note`` (plain text, shown as written: it is escaped) is added under the table.
    - Every cell, label and note is HTML-escaped: a value from the data shows as its text.
    - ``csv`` writes every row to a CSV file and links it under the table ("20 of 1,234 rows shown;
      all rows: segments.csv"): a file path, or a folder (an existing one whatever its name, or any
      path when ``csv_name`` is given; created if needed) where the file is called ``csv_name``.
      Cells that a spreadsheet would run as formulas are written as text (:func:`crmlib.safe.write_csv`). Give a report's ``output_dir`` so the runner lists the file with
      the page. The CSV has the same column labels as the page, raw (unformatted) values and no row
      numbers; the link is relative to the working directory, which is the page's folder when the
      report runner executes the notebook.
    """
    if fmt is None:
        fmt = Formats("en", currency=currency)
    currency = fmt.currency
    words = Words.of(fmt)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    frame = frame.copy(deep=False)  # copy-on-write (pandas 3): the caller's frame is never changed, nor copied
    unnamed = all(n is None for n in frame.index.names)
    if unnamed and pd.api.types.is_integer_dtype(frame.index.dtype):  # pandas row numbers, even reordered
        frame = frame.reset_index(drop=True)
    else:
        names_in = [n if n is not None else "" for n in frame.index.names]
        frame.index = frame.index.set_names(names_in)
        frame = frame.reset_index()
    heading = frame.columns.name  # e.g. "cluster" of a crosstab: its columns read "Cluster 0", ...
    if heading is not None and not all(isinstance(c, str) for c in frame.columns[frame.index.nlevels:]):
        frame.columns = [c if i < frame.index.nlevels else
                         f"{label_of(heading, words=words)} {c}"
                         for i, c in enumerate(frame.columns)]
    frame.columns = [str(c) for c in frame.columns]
    kinds = dict(kinds or {})
    names = dict(names or {})
    kind = {c: (kinds[c] if c in kinds else kind_of(c, frame[c])) for c in frame.columns}
    labels = {c: label_of(c, currency=currency, kind=kind[c] if isinstance(kind[c], str) else None,
                          label=names.get(c), words=words) for c in frame.columns}
    money_decimals = money_decimals_of(frame, kind)
    csv_path = None
    if csv is not None:
        csv_path = _csv_path(csv, csv_name)
        write_csv(frame.rename(columns=labels), csv_path)
    total = len(frame)
    if max_rows is not None and total > max_rows:
        frame = frame.head(max_rows)
    frame = frame.reset_index(drop=True)
    styler = frame.style.hide(axis="index")
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            continue
        styler = styler.format(_escaped(_formatter(kind[c], frame[c], fmt, words, money_decimals)), subset=[c],
                               na_rep=DASH)
    styler = styler.format(_escaped(str), subset=[c for c in frame.columns
                                                     if isinstance(frame[c].dtype, pd.CategoricalDtype)],
                           na_rep=DASH)

    styler = styler.format_index(lambda c: _html.escape(labels[c]), axis=1, escape=None)
    text = [c for c in frame.columns if kind[c] == "text"]
    if text:
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    styles = [{"selector": "th", "props": [("text-align", "right")]},
              {"selector": "caption", "props": [("caption-side", "bottom"), ("text-align", "left"),
                                                ("font-size", "0.9em")]}]
    styles += [{"selector": f"th.col_heading.col{i}", "props": [("text-align", "left")]}
               for i, c in enumerate(frame.columns) if kind[c] == "text"]
    styler = styler.set_table_styles(styles)
    notes = []
    link = None
    if csv_path is not None:
        href = _html.escape(Path(os.path.relpath(csv_path)).as_posix(), quote=True)
        link = f'<a href="{href}">{_html.escape(csv_path.name)}</a>'
    shown = {"shown": fmt.count(len(frame)), "total": fmt.count(total)}
    if total > len(frame):  # the words are escaped; the link is markup made above from an escaped path
        notes.append(words.plural(_words.ROWS_SHOWN_ALL_IN, total, link=link, **_escaped_all(shown)) if link
                     else _html.escape(words.plural(_words.FIRST_ROWS, total, **shown)))
    elif link:
        notes.append(words(_words.AS_CSV, link=link))
    if frame.isna().to_numpy().any():
        notes.append(_html.escape(words(_words.NO_VALUE, dash=DASH)))
    if note:
        notes.append(_html.escape(note))
    if notes:
        styler = styler.set_caption(" ".join(notes))
    return styler.set_uuid(_table_id(frame, labels, notes))


def _escaped_all(values: Mapping[str, str]) -> dict[str, str]:
    return {k: _html.escape(v) for k, v in values.items()}


def _table_id(frame: pd.DataFrame, labels: Mapping[str, str], notes: list[str]) -> str:
    """The table's id on the page, from its content: the same table gets the same id on every run
    (pandas' Styler draws a random one), so reruns on the same data give the same page."""
    digest = hashlib.sha256()
    digest.update(repr(list(labels.items())).encode())
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    digest.update(" ".join(notes).encode())
    return digest.hexdigest()[:10]


def _csv_path(csv, csv_name: str | None) -> Path:
    """The CSV file to write: ``csv / csv_name`` when ``csv`` is a folder (an existing one, whatever
    its suffix: a report's output folder may be named ``overview__transactions=tx.csv``), when
    ``csv_name`` is given and ``csv`` is no file, or when ``csv`` does not end in .csv; else ``csv``."""
    path = Path(csv)
    if path.is_dir() or (csv_name and not path.is_file()) or path.suffix.lower() != ".csv":
        if not csv_name:
            raise ValueError(f"show(csv={str(csv)!r}) is a folder: also pass csv_name='table.csv'.")
        path = path / (csv_name if csv_name.lower().endswith(".csv") else csv_name + ".csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def show_latest(show: Callable, table: pd.DataFrame, *, max_rows: int, said: str, w: Words, fmt: Formats,
                **kwargs) -> Styler:
    """A period table (oldest first) through ``show`` (a page's :func:`show`, with its ``kwargs``) with only its latest
    ``max_rows`` rows on the page, and ``said`` (a message with ``{shown}`` and ``{total}``) under it when rows are
    left out; the CSV holds every row. ``show`` itself would keep the first rows, the oldest.

    >>> t = pd.DataFrame({"month": ["Jan", "Feb", "Mar"], "n": [1, 2, 3]})
    >>> html = show_latest(show, t, max_rows=2, said="the latest {shown} of {total}", w=Words("en"),
    ...                    fmt=Formats("en")).to_html()
    >>> "Jan" in html, "Mar" in html, "the latest 2 of 3" in html
    (False, True, True)
    """
    hidden = max(0, len(table) - max_rows)
    note = w(said, shown=fmt.count(max_rows), total=fmt.count(len(table))) if hidden else None
    styler = show(table, max_rows=None, note=note, **kwargs)
    return styler.hide(styler.index[:hidden], axis="index") if hidden else styler
