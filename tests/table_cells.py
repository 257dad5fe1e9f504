"""The cells of a page's table as the reader sees them, shared by the page tests of several reports."""

from __future__ import annotations

import html
import re

import pandas as pd


def shown(styler) -> pd.DataFrame:
    """The cells of a table as the page shows them (text), under the page's headings."""
    page = styler.to_html()
    text = lambda s: html.unescape(re.sub(r"<[^>]+>", "", s)).strip()  # noqa: E731
    head = page[page.index("<thead>"):page.index("</thead>")]
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    headers = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)]
    rows = [[text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]
    return pd.DataFrame(rows, columns=headers)
