"""Executed notebook -> one self-contained HTML page: no code, figures embedded, nothing fetched.

The page uses the template in ``crmlib/templates/crmlib_report`` (the lab template's structure
with crmlib's own few-kB stylesheet instead of JupyterLab's CSS; no require.js, MathJax, mermaid.js
or widgets from a CDN) and adds a header (title, parameters, data period, the error when the run
failed, shown once and without source lines, and a notice when pseudonyms used the public default
key, the input files) and a footer: the files the report wrote beside its page, linked, and
provenance. Figures are palette PNGs of at most 256 colours (:mod:`crmlib.reports.png`: the same pixels
to the eye, about 60% fewer bytes), drawn so by the report kernels; any other PNG is re-encoded for the
page (:func:`lighter_png`). Table columns of
numbers are marked for right alignment (:func:`mark_numeric_columns`). Error messages, tracebacks and
printed output of a failed run pass through :func:`~crmlib.reports.redact.redact_error` first.

Every file is written under a unique temporary name in its folder and moved into place with
:func:`os.replace` (:func:`write`, from :mod:`crmlib.reports.atomic`), so a reader or a killed run never
sees half a page; numbers are marked by :mod:`crmlib.reports.number_columns`.

Error messages reach the page through :mod:`crmlib.reports.redact`; the index of a folder is
:mod:`crmlib.reports.index`. Part of :mod:`crmlib.reports.html`.
"""

from __future__ import annotations

import copy
import html
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from crmlib import config
from crmlib.formats import Formats
from crmlib.reports import exporters, safety
from crmlib.reports.atomic import temporary_name, write  # noqa: F401 (the index writes through page.write)
from crmlib.reports.number_columns import mark_numeric_columns
from crmlib.reports.png import PALETTE_TOLERANCE, lighter_png  # noqa: F401 (PALETTE_TOLERANCE: html's name)
from crmlib.reports.record import RECORD_MIME
from crmlib.words import Words
from crmlib.words import page as _page
from crmlib.words import quality as _quality
from crmlib.words.notebooks import translate_cells

TEMPLATE_DIR = config.TEMPLATES_DIR
TEMPLATE_NAME = "crmlib_report"

#: Cells that are plumbing, not report: papermill's parameter cells and its error markers.
HIDDEN_TAGS = {"parameters", "injected-parameters", "papermill-error-cell-tag"}

#: Shown on every page and on the index when the kernels had no CRMLIB_SECRET.
DEFAULT_KEY_NOTICE = (f"Pseudonyms use crmlib's public default key: set {config.SECRET_ENV} for pseudonyms "
                      "that cannot be recomputed. Anyone who can guess the customer ids can reverse the "
                      "pseudonyms on this page and in the files written beside it.")

#: A markdown heading; group 1 the hashes, group 2 the text.
HEADING = re.compile(r"^\s*(#{1,6})\s+(.+?)\s*#*\s*$", re.M)

def human_size(n_bytes: int | None, fmt: Formats | None = None, words: Words | None = None) -> str:
    """``1234567`` -> ``'1.2 MB'``, its number written by ``fmt`` (a page's digits) and "size unknown" in the
    language of ``words``.

    >>> human_size(532), human_size(12_345), human_size(4_100_000)
    ('532 B', '12.3 kB', '4.1 MB')
    >>> human_size(12_345, Formats("bn", digits="native"))
    '১২.৩ kB'
    """
    if n_bytes is None:
        return words(_page.SIZE_UNKNOWN) if words is not None else "size unknown"
    fmt = fmt or Formats("en")
    size = float(n_bytes)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{fmt.count(int(size))} B" if unit == "B" else f"{fmt.number(size, 1)} {unit}"
        size /= 1000
    return f"{fmt.number(size, 1)} TB"


def file_summary(info: dict[str, Any], fmt: Formats | None = None, words: Words | None = None) -> str:
    """One input file as pages and the index name it: ``orders.csv (12.3 kB, sha256 1a2b3c4d5e6f)``."""
    name = info.get("name") or Path(str(info.get("path", ""))).name
    return f"{name} ({human_size(info.get('size'), fmt, words)}, sha256 {str(info.get('sha256', ''))[:12]})"


def input_summary(role: str, info: dict[str, Any], fmt: Formats | None = None, words: Words | None = None) -> str:
    """An input file with its role, in the page's words: ``transactions: orders.csv (12.3 kB, sha256 1a2b3c4d5e6f)``,
    ``লেনদেন: orders.csv (...)`` (before, a Hindi or Bengali page named the roles in English)."""
    name = words(_quality.TABLES[role]) if words is not None and role in _quality.TABLES else role
    return f"{name}: {file_summary(info, fmt, words)}"


def failure_place(cell: int | None, line: int | None, no_cell: str = "no cell", step: str | None = None,
                  words: Words | None = None, fmt: Formats | None = None) -> str:
    """Where a report failed: the step (section heading) when known, e.g. ``'step "Data quality"
    (notebook cell 6, line 2)'``, else ``"cell 3, line 2"``; ``no_cell`` when no cell ran. With
    ``words`` (a page in Hindi or Bengali) the place is written from :mod:`crmlib.words.page`."""
    if words is not None and words.lang != "en":
        n = (fmt or Formats(words.lang)).count
        if cell and line:
            return words(_page.CELL_LINE, cell=n(cell), line=n(line))
        if cell:
            return words(_page.CELL, cell=n(cell))
        return words(_page.LINE, line=n(line)) if line else words(_page.BEFORE_ANY_CELL if no_cell != "no cell"
                                                                   else _page.NO_CELL)
    where = f"cell {cell}" if cell else no_cell
    where = f"{where}, line {line}" if line else where
    return f'step "{step}" (notebook {where})' if step and cell else where


def prepare(nb, title: str | None = None, words: Words | None = None):
    """A copy of ``nb`` ready for the page.

    Drops parameter cells, papermill's error markers, recorded values, stderr streams (warnings
    are for the analyst, kept in the executed notebook), the first heading when it is the page
    title, and every cell after a failed one (they did not run) and the failed cell's error output (the
    header shows the error once, :func:`header_html`); gives every image the nearest heading above it as alternative
    text
    and makes PNG figures lighter (:func:`lighter_png`).
    """
    nb = copy.deepcopy(nb)
    cells, heading, title_done, failed = [], None, title is None, False
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            continue
        if cell.cell_type == "markdown":
            found = HEADING.findall(cell.source)
            if not title_done and found and found[0][1] == title:
                cell.source = HEADING.sub("", cell.source, count=1).strip()
                title_done = True
            if found:
                heading = found[-1][1]
            if not cell.source:
                continue
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    continue
                data = out.get("data", {})
                if RECORD_MIME in data:
                    continue
                if out.get("output_type") == "error":  # shown once, in the header's error box
                    failed = True
                    continue
                if {"image/png", "image/jpeg", "image/svg+xml"} & set(data):
                    out.setdefault("metadata", {})["crmlib_alt"] = _alt(heading, data, words)
                if "image/png" in data:
                    data["image/png"] = lighter_png(data["image/png"])
                outputs.append(out)
            cell.outputs = outputs
        cells.append(cell)
        if failed:
            break
    nb.cells = cells
    return nb


def page_language(parameters: dict[str, Any] | None) -> tuple[Words, Formats]:
    """The words and formatter of a page, from the report's ``lang`` and ``digits`` parameters
    (English and Latin digits when the notebook ran without them)."""
    parameters = parameters or {}
    lang = parameters.get("lang") or "en"
    digits = parameters.get("digits") or "latin"
    return Words(lang, digits=digits), Formats(lang, digits=digits)


def _alt(heading: str | None, data: dict, words: Words | None = None) -> str:
    """A figure's alternative text in the page's words: "Figure: " and the heading above it (before, a Hindi or
    Bengali page's images all began with the English "Figure:")."""
    w = words or Words("en")
    plain = str(data.get("text/plain", ""))
    if heading:
        return w(_page.FIGURE_UNDER, heading=re.sub(r"[*_`]", "", heading))
    return plain if plain and not plain.startswith("<Figure") else w(_page.FIGURE)


class Markup(str):
    """A value :func:`_table` puts on the page as it is: HTML made here from escaped parts."""


def time_html(stamp: str, fmt: Formats) -> str:
    """A run's time as readers read it (:meth:`Formats.moment`), the exact ISO time in the ``datetime`` attribute
    of HTML's ``<time>`` element for programs (index.json records the same)."""
    return f'<time datetime="{html.escape(str(stamp))}">{html.escape(fmt.moment(stamp))}</time>'


def _table(rows: list[tuple[str, Any]]) -> str:
    body = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{v if isinstance(v, Markup) else html.escape(_show(v))}</td></tr>"
        for k, v in rows
    )
    return f"<table>{body}</table>"


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) and value == "" else str(value)


#: A data period as a notebook records it (crmlib.reports.record): "2024-01-01 to 2025-12-31".
_PERIOD = re.compile(r"^(\S+(?: 00:00:00)?) to (\S+(?: 00:00:00)?)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def period_text(data_period: str, w: Words, fmt: Formats) -> str:
    """A recorded data period in the page's language and digits, days as the pages' sentences write them
    (:meth:`crmlib.formats.Formats.date_range`; the header said "2024-01-11 to 2025-12-31" above an opening line
    of "11 Jan 2024 – 31 Dec 2025"); a period of other values as recorded.

    >>> from crmlib.words import Words
    >>> period_text("2024-01-11 00:00:00 to 2025-12-31", Words("en"), Formats("en")).replace("\u2009", " ")
    '11 Jan 2024 – 31 Dec 2025'
    >>> period_text("2024-01 to 2024-06", Words("hi"), Formats("hi", digits="native"))
    '२०२४-०१ से २०२४-०६ तक'
    >>> period_text("2024-02-30 to 2024-06-31", Words("en"), Formats("en"))
    '2024-02-30 to 2024-06-31'
    """
    m = _PERIOD.match(str(data_period))
    if not m:
        return fmt.in_digits(str(data_period))
    start, end = (d.removesuffix(" 00:00:00") for d in m.groups())
    if _DAY.match(start) and _DAY.match(end):
        try:
            return fmt.date_range(start, end)
        except ValueError:  # not a day of the calendar (an index.json edited by hand): as recorded
            pass
    return w(_page.PERIOD_FROM_TO, start=fmt.in_digits(start), end=fmt.in_digits(end))


def header_html(title: str, parameters: dict[str, Any], data_period: str | None, error: dict | None,
                default_key: bool = False, inputs: dict[str, dict] | None = None) -> str:
    """The page header: title, the default-key notice, data period, input files, parameters, and the
    error box of a failed run (the error as given: the runner redacts it, see
    :func:`crmlib.reports.redact.redact_error`).
    Its words are in the language of the ``lang`` parameter (:mod:`crmlib.words.page`)."""
    w, fmt = page_language(parameters)
    esc = html.escape
    parts = [f'<header class="crmlib-header"><h1>{esc(title)}</h1>']
    if default_key:
        parts.append('<p class="crmlib-key-notice" role="note" style="background: #fff3cd; '
                     f'border: 1px solid #e0a800; padding: 0.5em 1em;"><strong>{esc(w(_page.NOTE))}</strong> '
                     f"{esc(w(_page.DEFAULT_KEY_NOTICE, secret_env=config.SECRET_ENV))}</p>")
    period = period_text(data_period, w, fmt) if data_period else w(_page.NOT_RECORDED)
    parts.append(f'<p class="crmlib-period">{esc(w(_page.DATA_PERIOD, period=period))}</p>')
    files = "; ".join(input_summary(name, info, fmt, w) for name, info in sorted((inputs or {}).items()))
    parts.append(f'<p class="crmlib-inputs">{esc(w(_page.INPUT_FILES, files=files or w(_page.NONE_RECORDED)))}</p>')
    if parameters:
        parts.append(f"<details open><summary>{esc(w(_page.PARAMETERS))}</summary>")
        parts.append(_table(sorted(parameters.items())) + "</details>")
    if error:
        where = failure_place(error.get("cell"), error.get("line"), no_cell="before any cell ran",
                              step=error.get("step"), words=w, fmt=fmt)
        sentence = esc(w(_page.FAILED_AT, place=where, error=error.get("error", "")))
        if w.lang == "en":  # today's English look: the verb in bold
            sentence = sentence.replace("This report failed", "<strong>This report failed</strong>", 1)
        parts.append(
            f'<section class="crmlib-error" role="alert">{sentence}'
            f"{_traceback_block(error.get('traceback', ''))}"
            f"<p>{esc(w(_page.FAILED_BELOW))}</p></section>"
        )
    parts.append("</header>")
    return "\n".join(parts)


#: A source line quoted in an IPython traceback (``     10 if x:``, ``---> 11     raise ...``) and
#: the rule above it: the page shows where and what failed, not the code.
_SOURCE_LINE = re.compile(r"^\s*(?:-*>\s*)?\d+(?:\s.*)?$|^-{20,}\s*$")


def traceback_without_source(traceback: str) -> str:
    r"""A traceback as a page shows it: frames and the error, without the quoted source lines.

    >>> print(traceback_without_source("-" * 30 + "\nValueError  Traceback\nCell In[3], line 2\n"
    ...                                "      1 x = 1\n----> 2 raise ValueError('no')\n\nValueError: no"))
    ValueError  Traceback
    Cell In[3], line 2
    ValueError: no
    """
    kept = [ln for ln in str(traceback or "").splitlines() if ln.strip() and not _SOURCE_LINE.match(ln)]
    return "\n".join(kept)


def _traceback_block(traceback: str) -> str:
    shown = traceback_without_source(traceback)
    return f"<pre>{html.escape(shown)}</pre>" if shown else ""


def _relative_href(path: str) -> str:
    """A relative link to a file written beside the page: path segments percent-encoded, ``/`` kept."""
    return html.escape(quote(path.replace(os.sep, "/"), safe="/=,+@~"), quote=True)


def file_link(f: dict[str, Any], words: Words | None = None, fmt: Formats | None = None) -> str:
    """``<a href="stem/audience.csv">stem/audience.csv</a> (1.2 kB, 40 rows)``: one written file, linked."""
    if words is not None and words.lang != "en" and isinstance(f.get("rows"), int):
        count = (fmt or Formats(words.lang)).count(f["rows"])
        rows = ", " + html.escape(words.plural(_page.ROWS, f["rows"], rows=count))
    else:
        rows = f", {f['rows']:,} rows" if isinstance(f.get("rows"), int) else ""
    return (f'<a href="{_relative_href(f["path"])}">{html.escape(f["path"])}</a> '
            f'({human_size(f.get("size"), fmt, words)}{rows})')


def files_html(files: list[dict[str, Any]] | None, words: Words | None = None, fmt: Formats | None = None) -> str:
    """The files a report wrote beside its page, each linked (relative) with its size and row count."""
    if not files:
        return ""
    words = words or Words("en")
    items = "".join(f"<li>{file_link(f, words, fmt)}</li>" for f in files)
    return (f'<section class="crmlib-files"><strong>{html.escape(words(_page.FILES_WRITTEN_BY))}</strong>'
            f"<ul>{items}</ul>{reidentify_note(files, words)}</section>")


def reidentify_note(files: list[dict[str, Any]] | None, words: Words | None = None) -> str:
    """How a key holder maps the pseudonyms of these files back to customer ids (``crmlib reidentify``),
    when any of them names customers by pseudonym (``"pseudonyms"`` set by
    :func:`crmlib.reports.files.written_files`); empty otherwise. The private file it writes is never linked."""
    if not any(f.get("pseudonyms") for f in files or ()):
        return ""
    words = words or Words("en")
    command = html.escape(_page.REIDENTIFY_COMMAND)
    text = html.escape(words(_page.REIDENTIFY_NOTE, secret_env=config.SECRET_ENV, command=_page.REIDENTIFY_COMMAND))
    return f'<p class="crmlib-reidentify">{text.replace(command, f"<code>{command}</code>", 1)}</p>'


STATUS_WORDS = {"ok": _page.STATUS_OK, "failed": _page.STATUS_FAILED, "interrupted": _page.STATUS_INTERRUPTED}


def footer_html(provenance: dict[str, Any]) -> str:
    """The footer: the files the report wrote, linked (``provenance["files"]``, :func:`files_html`),
    then provenance: notebook, parameters, inputs and their hashes, crmlib version, run date; in the
    language of the report's ``lang`` parameter."""
    w, fmt = page_language(provenance.get("parameters"))
    rows = [
        (w(_page.NOTEBOOK), provenance.get("notebook")),
        (w(_page.PARAMETERS), ", ".join(f"{k}={v!r}" for k, v in sorted(provenance.get("parameters", {}).items()))
         or w(_page.DEFAULTS)),
    ]
    for name, info in sorted(provenance.get("inputs", {}).items()):
        size = (w.plural(_page.BYTES, info["size"], size=fmt.count(info["size"])) if isinstance(info.get("size"), int)
                else w(_page.SIZE_UNKNOWN))
        label = f"Input {name}" if w.lang == "en" else w(_page.INPUT_NAMED, name=name)
        rows.append((label, f"{info.get('path')} ({size}, sha256 {info.get('sha256')})"))
    if provenance.get("pseudonym_key"):
        key = provenance["pseudonym_key"]
        rows.append((w(_page.PSEUDONYM_KEY), key if key == config.SECRET_ENV else w(_page.PUBLIC_DEFAULT_KEY)))
    status = provenance.get("status")
    rows += [
        (w(_page.INPUT_FINGERPRINT), provenance.get("fingerprint") or w(_page.NO_INPUT_FILES)),
        (w(_page.CRMLIB_VERSION), provenance.get("crmlib_version")),
        (w(_page.RUN_AT), Markup(time_html(provenance["run_at"], fmt)) if provenance.get("run_at") else None),
        (w(_page.RUN_TIME), w(_page.SECONDS, seconds=fmt.number(provenance.get("duration", 0), 1))),
        (w(_page.STATUS), w(STATUS_WORDS[status]) if status in STATUS_WORDS else status),
    ]
    return (f'<footer class="crmlib-footer">{files_html(provenance.get("files"), w, fmt)}'
            f'<strong>{html.escape(w(_page.PROVENANCE))}</strong>{_table(rows)}</footer>')


def render(nb, *, title: str, parameters: dict, data_period: str | None, provenance: dict, error: dict | None = None,
           default_key: bool = False) -> str:
    """The HTML page of an executed notebook; ``default_key`` adds :data:`DEFAULT_KEY_NOTICE` to the header.

    The page is safe whatever the notebook displayed (:mod:`crmlib.reports.safety`): HTML and Markdown
    outputs pass bleach's allow-list, the page keeps no script element, ``on*`` attribute or script
    URL, and its Content-Security-Policy lets no script run and nothing load."""
    words = page_language(parameters)[0]
    nb = copy.deepcopy(nb)
    translate_cells(nb, words)  # the notebook's Markdown prose in the page's language
    title = words.text(title)
    resources = {
        "metadata": {"name": title},
        "crmlib_header": header_html(title, parameters, data_period, error, default_key, provenance.get("inputs")),
        "crmlib_footer": footer_html(provenance),
    }
    page_nb = prepare(nb, title, words)
    page_nb.metadata["title"] = title
    clean = safety.sanitizer()
    for cell in page_nb.cells:
        if cell.cell_type == "code":
            cell.outputs = clean.sanitize_code_outputs(cell.outputs)
    resources["crmlib_csp"] = safety.CONTENT_SECURITY_POLICY
    with exporters.exporter(words.lang, template_name=TEMPLATE_NAME, template_dir=TEMPLATE_DIR) as exporter:
        body, _ = exporter.from_notebook_node(page_nb, resources=resources)
    return safety.strip_active(mark_numeric_columns(body))
