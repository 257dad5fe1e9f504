"""Table columns of numbers, marked for right alignment on a page (class ``num``); text columns stay left."""

from __future__ import annotations

import re

#: A cell holding a number as tables show it: ``1,234``, ``-0.5``, ``12.3%``, ``₹1,200``, ``3.1e-05``.
_NUMBER = re.compile(r"[-+−]?[$€£₹¥]?\s?[-+−]?(?:\d[\d,\u00a0\u202f]*)?\.?\d+(?:[eE][-+]?\d+)?\s?(?:%|pp|[kKMB]|[A-Z]{3})?")  # noqa: E501
#: Cells that hold no value; they neither make a column numeric nor keep it from being numeric.
_MISSING = {"", "-", "–", "—", "nan", "NaN", "<NA>", "None", "NaT", "n/a"}
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def mark_numeric_columns(page: str) -> str:
    """Add class ``num`` (right-aligned by the page's stylesheet) to the cells of every table column
    whose body cells are all numbers or blanks; text columns stay left-aligned.

    >>> mark_numeric_columns("<table><tr><th>name</th><th>spend</th></tr>"
    ...                      "<tr><td>Asha</td><td>1,200.50</td></tr></table>")
    '<table><tr><th>name</th><th class="num">spend</th></tr><tr><td>Asha</td><td class="num">1,200.50</td></tr></table>'
    """
    return _TABLE.sub(_mark_table, page)


def _mark_table(m: re.Match) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(m.group(0), "html.parser")
    table = soup.table
    if table is None or table.find("table") is not None:  # nested tables: left as they are
        return m.group(0)
    rows = table.find_all("tr")
    numeric: dict[int, bool] = {}
    for row in rows:
        for col, cell in _columns(row):
            text = cell.get_text(" ", strip=True)
            if cell.name == "td" and text not in _MISSING:
                numeric[col] = numeric.get(col, True) and bool(_NUMBER.fullmatch(text))
    cols = {c for c, ok in numeric.items() if ok}
    if not cols:
        return m.group(0)
    for row in rows:
        for col, cell in _columns(row):
            if col in cols and int(cell.get("colspan", 1) or 1) == 1:
                cell["class"] = [*cell.get("class", []), "num"]
    return str(table)


def _columns(row):
    """(column position, cell) of each cell of a table row, counting colspans."""
    col = 0
    for cell in row.find_all(["th", "td"], recursive=False):
        yield col, cell
        span = str(cell.get("colspan", 1))
        col += int(span) if span.isdigit() else 1
