"""Page exporters (nbconvert's ``HTMLExporter``) kept for reuse: building one compiles the page templates,
which costs more than exporting a small report. Used by :func:`crmlib.reports.page.render`."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

#: Idle page exporters by language, shared by the report threads of the process (:func:`exporter`).
_EXPORTERS: dict[str, list] = {}
_EXPORTERS_LOCK = threading.Lock()


@contextlib.contextmanager
def exporter(lang: str, *, template_name: str, template_dir: Path):
    """A page exporter of ``lang`` (``<html lang="hi">``) for one page: an idle one of an earlier page,
    else a new one, given back when the page is done. A new exporter compiles the page templates again;
    one exports one notebook at a time (it keeps the notebook's metadata while it runs), so report
    threads exporting at once each take their own."""
    with _EXPORTERS_LOCK:  # one page template in a process: exporters differ by language only
        idle = _EXPORTERS.setdefault(lang, [])
        found = idle.pop() if idle else None
    if found is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        found = HTMLExporter(  # pygments' stylesheet is for code cells, which a report page does not show
            config=Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}), language_code=lang,
            template_name=template_name, extra_template_basedirs=[str(template_dir)], exclude_input=True,
            exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True)
    try:
        yield found
    finally:
        with _EXPORTERS_LOCK:
            _EXPORTERS[lang].append(found)


__all__ = ["exporter"]
