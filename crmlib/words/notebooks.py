"""The prose of the report notebooks' Markdown cells, translated when the page is written.

A report notebook's Markdown cells stay in English, so the notebook reads as it always did in
JupyterLab; each cell is a run of blocks separated by blank lines (a heading, a paragraph, a list),
and each block is one gettext message: a heading's text without its ``#`` marks, any other block as
written. ``make messages`` extracts them with :func:`extract_markdown` (``babel.cfg``), and the page
writer swaps each block for its translation (:func:`translate_markdown`) when the page's language is
not English. A block with no translation stays as written, and ``tests/test_words.py`` fails on it.

>>> from crmlib.words import Words
>>> translate_markdown("## Data quality\\n\\nSome text.", Words("en"))
'## Data quality\\n\\nSome text.'
>>> list(blocks("# Title\\n\\nFirst paragraph\\nstill first.\\n\\n\\n* a list"))
[('# ', 'Title'), ('', 'First paragraph\\nstill first.'), ('', '* a list')]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from crmlib.words import Words

_BLANK = re.compile(r"\n\s*\n")
_HEADING = re.compile(r"^(#{1,6}\s+)(.+?)\s*#*\s*$", re.S)


def blocks(source: str) -> Iterator[tuple[str, str]]:
    """(heading marks, message) of every block of a Markdown cell: ``("## ", "Top customers")``."""
    for block in _BLANK.split(source.strip()):
        block = block.strip()
        if not block:
            continue
        m = _HEADING.match(block) if "\n" not in block else None
        yield (m.group(1), m.group(2)) if m else ("", block)


def translate_markdown(source: str, words: Words) -> str:
    """``source`` with every block in ``words``' language (English: unchanged)."""
    if words.lang == "en":
        return source
    return "\n\n".join(marks + words.text(message) for marks, message in blocks(source))


def translate_cells(nb, words: Words) -> None:
    """Translate, in place, every Markdown cell of an executed notebook ``nb``."""
    if words.lang == "en":
        return
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, words)


def extract_markdown(fileobj, keywords, comment_tags, options):
    """Babel extractor for ``.ipynb`` files: one message per block of every Markdown cell, its line
    number the cell's number (``#: crmlib/notebooks/clv.ipynb:12`` is cell 12)."""
    nb = json.load(fileobj)
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell.get("source", []))
        for _, message in blocks(source):
            yield number, None, message, [f"Markdown cell {number} of the report notebook"]
