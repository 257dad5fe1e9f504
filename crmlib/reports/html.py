"""Executed notebook -> one self-contained HTML page, and the index of a folder of pages.

The names of four modules, re-exported so that ``from crmlib.reports.html import ...`` keeps working:

* :mod:`crmlib.reports.page`: the page (:func:`render`, :func:`prepare`, :func:`header_html`,
  :func:`footer_html`, number columns marked by :func:`mark_numeric_columns`) and atomic writes
  (:func:`write`, :func:`temporary_name`);
* :mod:`crmlib.reports.png`: figures as palette PNGs (:func:`lighter_png`, :data:`PALETTE_TOLERANCE`);
* :mod:`crmlib.reports.index`: ``index.json`` and ``index.html`` of a folder (:func:`index_html`,
  :func:`merge_index`, :func:`update_index` under :func:`index_lock`), in :data:`READING_ORDER`;
* :mod:`crmlib.reports.redact`: error messages, tracebacks and printed output fit for a page, the
  index or a kept notebook (:func:`redact_error`, :func:`scrub_error`, :func:`scrub_notebook`).

Patch a function where it is looked up: the index writes through ``crmlib.reports.page.write``.
"""

from crmlib.reports.index import (
    INDEX,
    LOCK,
    MANIFEST,
    READING_ORDER,
    index_html,
    index_lock,
    merge_index,
    reading_order,
    run_language,
    update_index,
)
from crmlib.reports.page import (
    DEFAULT_KEY_NOTICE,
    HEADING,
    HIDDEN_TAGS,
    STATUS_WORDS,
    TEMPLATE_DIR,
    TEMPLATE_NAME,
    failure_place,
    file_link,
    file_summary,
    files_html,
    footer_html,
    header_html,
    human_size,
    mark_numeric_columns,
    page_language,
    prepare,
    reidentify_note,
    render,
    temporary_name,
    traceback_without_source,
    write,
)
from crmlib.reports.png import PALETTE_TOLERANCE, lighter_png
from crmlib.reports.redact import redact_error, scrub_error, scrub_notebook, strip_ansi, value_kind

__all__ = [
    "DEFAULT_KEY_NOTICE", "HEADING", "HIDDEN_TAGS", "INDEX", "LOCK", "MANIFEST", "PALETTE_TOLERANCE", "READING_ORDER",
    "STATUS_WORDS", "TEMPLATE_DIR", "TEMPLATE_NAME", "failure_place", "file_link", "file_summary", "files_html",
    "footer_html", "header_html", "human_size", "index_html", "index_lock", "lighter_png", "mark_numeric_columns",
    "merge_index", "page_language", "prepare", "reading_order", "redact_error", "reidentify_note", "render",
    "run_language",
    "scrub_error", "scrub_notebook", "strip_ansi", "temporary_name", "traceback_without_source", "update_index",
    "value_kind", "write",
]
