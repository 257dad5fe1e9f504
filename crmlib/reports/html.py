"""Executed notebook -> one self-contained HTML page: no code, figures embedded, nothing fetched.

The page uses the template in ``crmlib/templates/crmlib_report`` (the JupyterLab look without
require.js, MathJax, mermaid.js or widgets from a CDN) and adds a header (title, parameters,
data period, the error when the run failed, and a notice when pseudonyms used the public
default key) and a footer with provenance. Error messages and tracebacks pass through
:func:`crmlib.privacy.redact_text` before they reach a page: a DataError quotes the offending
values, which may be emails or phone numbers.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path
from typing import Any

from crmlib import config, privacy
from crmlib.reports.record import RECORD_MIME

TEMPLATE_DIR = config.TEMPLATES_DIR
TEMPLATE_NAME = "crmlib_report"

#: Cells that are plumbing, not report: papermill's parameter cells and its error markers.
HIDDEN_TAGS = {"parameters", "injected-parameters", "papermill-error-cell-tag"}

#: Shown on every page and on the index when the kernels had no CRMLIB_SECRET.
DEFAULT_KEY_NOTICE = (f"Pseudonyms use crmlib's public default key: set {config.SECRET_ENV} for pseudonyms "
                      "that cannot be recomputed. Anyone who can guess the customer ids can reverse the "
                      "pseudonyms on this page and in the files written beside it.")

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: A markdown heading; group 1 the hashes, group 2 the text.
HEADING = re.compile(r"^\s*(#{1,6})\s+(.+?)\s*#*\s*$", re.M)


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def redact_error(text: str | None) -> str | None:
    """An error message or traceback fit for a page: ANSI colours removed, emails, phones and
    ids replaced by ``[email]``, ``[phone]``, ``[id]`` (see :func:`crmlib.privacy.redact_text`)."""
    return privacy.redact_text(strip_ansi(text)) if isinstance(text, str) else text


def failure_place(cell: int | None, line: int | None, no_cell: str = "no cell") -> str:
    """Where a report failed, e.g. ``"cell 3, line 2"``; ``no_cell`` when no cell ran."""
    where = f"cell {cell}" if cell else no_cell
    return f"{where}, line {line}" if line else where


def prepare(nb, title: str | None = None):
    """A copy of ``nb`` ready for the page.

    Drops parameter cells, papermill's error markers, recorded values, stderr streams (warnings
    are for the analyst, kept in the executed notebook), the first heading when it is the page
    title, and every cell after a failed one (they did not run); redacts the failed cell's error
    (:func:`redact_error`); gives every image the nearest heading above it as alternative text.
    """
    nb = copy.deepcopy(nb)
    cells, heading, title_done = [], None, title is None
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
                if out.get("output_type") == "error":  # the failing cell's traceback, shown on the page
                    out["evalue"] = redact_error(out.get("evalue", ""))
                    out["traceback"] = [redact_error(line) for line in out.get("traceback", [])]
                if "image/png" in data or "image/jpeg" in data:
                    out.setdefault("metadata", {})["crmlib_alt"] = _alt(heading, data)
                outputs.append(out)
            cell.outputs = outputs
        cells.append(cell)
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            break
    nb.cells = cells
    return nb


def _alt(heading: str | None, data: dict) -> str:
    plain = str(data.get("text/plain", ""))
    if heading:
        return f"Figure: {re.sub(r'[*_`]', '', heading)}"
    return plain if plain and not plain.startswith("<Figure") else "Figure"


def _table(rows: list[tuple[str, Any]]) -> str:
    body = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_show(v))}</td></tr>" for k, v in rows
    )
    return f"<table>{body}</table>"


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) and value == "" else str(value)


def header_html(title: str, parameters: dict[str, Any], data_period: str | None, error: dict | None,
                default_key: bool = False) -> str:
    """The page header: title, the default-key notice, parameters, data period, and the error box
    of a failed run (the error as given: the runner redacts it, see :func:`redact_error`)."""
    parts = [f'<header class="crmlib-header"><h1>{html.escape(title)}</h1>']
    if default_key:
        parts.append('<p class="crmlib-key-notice" role="note" style="background: #fff3cd; '
                     'border: 1px solid #e0a800; padding: 0.5em 1em;"><strong>Note:</strong> '
                     f"{html.escape(DEFAULT_KEY_NOTICE)}</p>")
    parts.append(f'<p class="crmlib-period">Data period: {html.escape(data_period or "not recorded")}</p>')
    if parameters:
        parts.append("<details open><summary>Parameters</summary>")
        parts.append(_table(sorted(parameters.items())) + "</details>")
    if error:
        where = failure_place(error.get("cell"), error.get("line"), no_cell="before any cell ran")
        parts.append(
            '<section class="crmlib-error" role="alert"><strong>This report failed</strong> at '
            f"{html.escape(where)}: {html.escape(error.get('error', ''))}"
            f"<pre>{html.escape(error.get('traceback', ''))}</pre>"
            "<p>Below: what the report showed up to the failure; later cells did not run.</p></section>"
        )
    parts.append("</header>")
    return "\n".join(parts)


def footer_html(provenance: dict[str, Any]) -> str:
    """The provenance footer: notebook, parameters, inputs and their hashes, crmlib version, run date."""
    rows = [
        ("Notebook", provenance.get("notebook")),
        ("Parameters", ", ".join(f"{k}={v!r}" for k, v in sorted(provenance.get("parameters", {}).items())) or "defaults"),
    ]
    for name, info in sorted(provenance.get("inputs", {}).items()):
        rows.append((f"Input {name}", f"{info['path']} (sha256 {info['sha256'][:16]})"))
    if provenance.get("pseudonym_key"):
        rows.append(("Pseudonym key", provenance["pseudonym_key"]))
    rows += [
        ("Input fingerprint", provenance.get("fingerprint") or "no input files"),
        ("crmlib version", provenance.get("crmlib_version")),
        ("Run at (UTC)", provenance.get("run_at")),
        ("Run time", f"{provenance.get('duration', 0):.1f} s"),
        ("Status", provenance.get("status")),
    ]
    return f'<footer class="crmlib-footer"><strong>Provenance</strong>{_table(rows)}</footer>'


def render(nb, *, title: str, parameters: dict, data_period: str | None, provenance: dict, error: dict | None = None,
           default_key: bool = False) -> str:
    """The HTML page of an executed notebook; ``default_key`` adds :data:`DEFAULT_KEY_NOTICE` to the header."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    exporter = HTMLExporter(
        # pygments' stylesheet is for code cells, which a report page does not show
        config=Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}),
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    resources = {
        "metadata": {"name": title},
        "crmlib_header": header_html(title, parameters, data_period, error, default_key),
        "crmlib_footer": footer_html(provenance),
    }
    page_nb = prepare(nb, title)
    page_nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(page_nb, resources=resources)
    return body


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
