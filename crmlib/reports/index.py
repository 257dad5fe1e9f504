"""The index of a report folder: ``index.json`` and ``index.html``, one entry per report.

:func:`update_index` lists one entry per report in reading order (:data:`READING_ORDER`); the index
is read, merged and written under an exclusive lock on ``OUT/.index.lock`` (:func:`index_lock`), so
batches writing into one folder at once lose no entry. Part of :mod:`crmlib.reports.html`.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import crmlib
from crmlib import config
from crmlib.formats import Formats
from crmlib.reports import page as pages
from crmlib.reports.page import STATUS_WORDS, failure_place, file_link, input_summary, period_text, time_html
from crmlib.words import Words
from crmlib.words import page as _page

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; batches into one folder must not overlap there
    fcntl = None

MANIFEST = "index.json"
INDEX = "index.html"
#: Held (flock, exclusive) while the index is read, merged and written, and while pages move into place.
LOCK = ".index.lock"


@contextlib.contextmanager
def index_lock(out: Path):
    """Hold the exclusive lock on ``OUT/.index.lock`` (blocking): one writer of the index at a time,
    across threads and processes."""
    with open(Path(out) / LOCK, "a") as fh:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _entry(result, out: Path) -> dict[str, Any]:
    entry = asdict(result)
    entry["html_path"] = os.path.relpath(result.html_path, out)
    entry["notebook_path"] = os.path.relpath(result.notebook_path, out)
    entry["crmlib_version"] = crmlib.__version__
    return json.loads(json.dumps(entry, default=str))


def _interrupted_entry(result, old: dict | None, out: Path) -> dict[str, Any]:
    """The entry of a report whose run was stopped: the previous entry when its page is still there
    (the page on disk is that run's), marked interrupted; else an entry without a page."""
    if old and old.get("html_path") and (out / old["html_path"]).is_file():
        previous = old.get("previous_status") if old["status"] == "interrupted" else old["status"]
        return {**old, "status": "interrupted", "previous_status": previous, "interrupted_at": result.run_at}
    entry = _entry(result, out)
    entry.update(status="interrupted", previous_status=None, interrupted_at=result.run_at,
                 html_path=None, notebook_path=None, run_at=None, fingerprint=None, inputs={})
    return entry


def _unsaved_entry(result, old: dict | None, out: Path) -> dict[str, Any]:
    """The entry of a report whose page or notebook could not be saved (a full disk): failed, saying
    why, with no page of this run; the previous run's page is linked as such when it is still there."""
    entry = _entry(result, out)
    entry.update(html_path=None, notebook_path=None)
    if old and old.get("html_path") and (out / old["html_path"]).is_file():
        notebook = old.get("notebook_path")
        entry.update(html_path=old["html_path"],
                     notebook_path=notebook if notebook and (out / notebook).is_file() else None,
                     previous_status=old.get("previous_status") or old.get("status"),
                     previous_run_at=old.get("previous_run_at") or old.get("run_at"))
    return entry


def _still_true(entry: dict[str, Any], out: Path) -> bool:
    """An entry stays while its page is on disk; an interrupted report without a page, or one whose
    page could not be saved, has none to lose."""
    if entry.get("html_path"):
        return (out / entry["html_path"]).is_file()
    return entry.get("status") == "interrupted" or bool(entry.get("unsaved"))


def merge_index(out: Path, results: list) -> Path:
    """Merge ``results`` into index.json and rewrite index.html; the caller holds :func:`index_lock`."""
    manifest_path = out / MANIFEST
    entries: dict[str, Any] = {}
    if manifest_path.is_file():
        try:
            entries = json.loads(manifest_path.read_text(encoding="utf-8")).get("reports", {})
        except (json.JSONDecodeError, AttributeError, UnicodeDecodeError):
            entries = {}  # a damaged manifest is rebuilt from this run rather than stopping it
    for r in results:
        if r.status == "interrupted":
            entries[r.stem] = _interrupted_entry(r, entries.get(r.stem), out)
        elif getattr(r, "unsaved", None):
            entries[r.stem] = _unsaved_entry(r, entries.get(r.stem), out)
        else:
            entries[r.stem] = _entry(r, out)
    entries = {k: v for k, v in entries.items() if _still_true(v, out)}
    ordered = {e["stem"]: e for e in sorted(entries.values(), key=reading_order)}
    pages.write(manifest_path, json.dumps({"reports": ordered}, indent=2, ensure_ascii=False))
    return pages.write(out / INDEX, index_html(list(ordered.values()), lang=run_language(results),
                                               digits=run_digits(results)))


def run_language(results: list) -> str:
    """The language of the index: that of this run's reports (their ``lang`` parameter), English
    when they have none."""
    return _run_setting(results, "lang", "en")


def run_digits(results: list) -> str:
    """The digits of the index: those of this run's reports (their ``digits`` parameter), Latin when they
    have none or one that is not a choice of :data:`crmlib.formats.DIGITS`."""
    from crmlib.formats import DIGITS

    digits = _run_setting(results, "digits", "latin")
    return digits if isinstance(digits, str) and digits in DIGITS else "latin"


def _run_setting(results: list, name: str, default: str):
    """The first report's ``name`` (its result's attribute, else its parameter), or ``default``."""
    values = [getattr(r, name, None) or (getattr(r, "parameters", None) or {}).get(name) for r in results]
    return next((v for v in values if v), default)


def update_index(out: Path, results: list) -> Path:
    """Merge ``results`` into ``OUT/index.json`` (one entry per report file, in reading order) and
    rewrite ``OUT/index.html``, under the exclusive lock on ``OUT/.index.lock``."""
    out = Path(out)
    with index_lock(out):
        return merge_index(out, results)


#: The order of the index: the shipped reports as a reader takes them, then any other by name.
READING_ORDER = config.REPORTS


def reading_order(entry: dict[str, Any]) -> tuple:
    """Sort key of an index entry: :data:`READING_ORDER`, then report name, then file stem."""
    name = entry.get("name", "")
    rank = READING_ORDER.index(name) if name in READING_ORDER else len(READING_ORDER)
    return rank, name, entry.get("stem", "")


def _index_status(e: dict[str, Any], w: Words | None = None, fmt: Formats | None = None) -> str:
    esc, w = html.escape, w or Words("en")
    fmt = fmt or Formats(w.lang)
    if e["status"] == "ok":
        return f'<span class="ok">{esc(w(_page.STATUS_OK))}</span>'
    if e["status"] == "interrupted":
        if e.get("html_path"):
            previous = e.get("previous_status")
            previous = w(STATUS_WORDS[previous]) if previous in STATUS_WORDS else previous
            note = w(_page.STOPPED_PAGE_KEPT, started=fmt.moment(e.get("interrupted_at")),
                     run_at=fmt.moment(e.get("run_at")), previous_status=previous)
        else:
            note = w(_page.STOPPED_NO_PAGE, started=fmt.moment(e.get("interrupted_at")))
        return f'<span class="interrupted">{esc(w(_page.STATUS_INTERRUPTED))}</span><div class="note">{esc(note)}</div>'
    if e.get("unsaved"):  # nothing of the notebook failed: its page could not be written
        previous = e.get("previous_status")
        previous = w(STATUS_WORDS[previous]) if previous in STATUS_WORDS else previous
        kept = w(_page.UNSAVED_PAGE_KEPT, run_at=fmt.moment(e.get("previous_run_at")), previous_status=previous)
        note = f'<div class="note">{esc(kept)}</div>' if e.get("html_path") else ""
        return (f'<span class="failed">{esc(w(_page.STATUS_FAILED))}</span>'
                f'<div class="error">{esc(e.get("error") or "")}</div>{note}')
    where = failure_place(e.get("cell"), e.get("line"), step=e.get("step"), words=w)
    return (f'<span class="failed">{esc(w(_page.STATUS_FAILED))}</span>'
            f'<div class="error">{esc(where)}: {esc(e.get("error") or "")}</div>')


def _folded(items: list[str], what: str, css: str, none: str = "none") -> str:
    """A list folded under a one-line summary (``what``, e.g. ``3 files``), one item per line when opened."""
    if not items:
        return none
    lines = "".join(f"<li>{item}</li>" for item in items)
    return f'<details><summary>{what}</summary><ul class="{css}">{lines}</ul></details>'


def _parameter_text(value: Any) -> str:
    """A parameter value as the index shows it: a path by its last two parts, other values as written."""
    text = str(value)
    if isinstance(value, str) and ("/" in text or "\\" in text):
        parts = Path(text).parts
        return "…/" + "/".join(parts[-2:]) if len(parts) > 2 else text
    return repr(value)


def _index_row(e: dict[str, Any], w: Words | None = None, fmt: Formats | None = None) -> str:
    """One report of the index: its title and status, parameters on one line, and its input and
    written files folded (one line per file when opened); numbers written by ``fmt``."""
    esc, w = html.escape, w or Words("en")
    fmt = fmt or Formats(w.lang)
    n = fmt.count
    params = ", ".join(f"<code>{esc(k)}={esc(_parameter_text(v))}</code>" for k, v in sorted(e["parameters"].items()))
    title = esc(w.text(e.get("title") or e["name"]))
    if e.get("html_path"):
        title = f'<a href="{esc(e["html_path"])}">{title}</a>'
    notebook = (f' · <a href="{esc(e["notebook_path"])}">{esc(w(_page.NOTEBOOK_LINK))}</a>'
                if e.get("notebook_path") else "")
    inputs = [esc(input_summary(k, v, fmt, w)) for k, v in sorted((e.get("inputs") or {}).items())]
    duration = (w(_page.SECONDS, seconds=fmt.number(float(e.get("duration") or 0), 1)) if e.get("run_at") else "")
    written = [file_link(f, w, fmt) for f in e.get("files") or []]
    when = time_html(e["run_at"], fmt) if e.get("run_at") else ""
    run = (f"{when}<br>{duration} · crmlib {esc(str(e.get('crmlib_version')))}"
           f"<br>{esc(w(_page.FINGERPRINT))} <code>{esc(str(e.get('fingerprint') or w(_page.NONE)))}</code>")
    inputs_count = esc(w.plural(_page.INPUT_FILE_COUNT, len(inputs), count=n(len(inputs))))
    written_count = esc(w.plural(_page.FILE_COUNT, len(written), count=n(len(written))))
    period = period_text(e["data_period"], w, fmt) if e.get("data_period") else ""
    return (
        f'<tr class="report" data-status="{esc(e["status"])}">'
        f'<td class="title">{title}<div class="stem">{esc(e["stem"])}{notebook}</div>'
        f'<div class="params">{params or esc(w(_page.DEFAULT_PARAMETERS))}</div></td>'
        f"<td>{_index_status(e, w, fmt)}</td><td>{esc(period)}</td>"
        f'<td class="inputs">{_folded(inputs, inputs_count, "files", esc(w(_page.NONE)))}</td>'
        f'<td class="written">{_folded(written, written_count, "files", esc(w(_page.NONE)))}</td>'
        f'<td class="run">{run}</td></tr>'
    )


def index_html(entries: list[dict[str, Any]], lang: str = "en", digits: str = "latin") -> str:
    """The index page: one row per report, in reading order (:func:`reading_order`), with its
    parameters (on one line), status, data period, input files (name, size, short hash) and the files it
    wrote (linked), each list folded under its count and one line per file when opened, then run time,
    version and fingerprint. The table scrolls sideways inside its box on a narrow window. Its words
    are in ``lang`` (:mod:`crmlib.words.page`), its numbers in ``digits`` (``native``: Devanagari or Bengali)."""
    fmt = Formats(lang, digits=digits)
    esc, w = html.escape, Words.of(fmt)
    n = fmt.count
    entries = sorted(entries, key=reading_order)
    counts = {s: sum(e["status"] == s for e in entries) for s in ("ok", "failed", "interrupted")}
    numbers = {"total": n(len(entries)), "ok": n(counts["ok"]), "failed": n(counts["failed"]),
               "interrupted": n(counts["interrupted"])}
    summary = w.plural(_page.COUNTS_INTERRUPTED if counts["interrupted"] else _page.COUNTS, len(entries), **numbers)
    on_default_key = sum(bool(e.get("default_key")) for e in entries)
    on_key = w(_page.KEY_NOTICE_COUNT, secret_env=config.SECRET_ENV, count=n(on_default_key), total=n(len(entries)))
    notice = (f'<p class="key-notice" role="note"><strong>{esc(w(_page.NOTE))}</strong> '
              f"{esc(on_key)} "
              f"{esc(w(_page.DEFAULT_KEY_NOTICE, secret_env=config.SECRET_ENV))}</p>\n"
              if on_default_key else "")
    rows = "\n".join(_index_row(e, w, fmt) for e in entries)
    note = " ".join(esc(w(m, digits=n(12))) for m in (_page.NOTE_INPUT_FILES, _page.NOTE_FINGERPRINT))
    interrupted = f"<em>{esc(w(_page.STATUS_INTERRUPTED))}</em>"
    note += " " + esc(w(_page.NOTE_INTERRUPTED, status="\0")).replace("\0", interrupted)
    return f"""<!DOCTYPE html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(w(_page.INDEX_TITLE))}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
  table {{ border-collapse: collapse; width: 100%; font-size: 0.92em; }}
  th, td {{ border-bottom: 1px solid #ddd; padding: 6px 10px; text-align: left; vertical-align: top; }}
  th {{ background: #f3f3f3; }}
  .ok {{ color: #1b5e20; font-weight: bold; }}
  .failed {{ color: #b00020; font-weight: bold; }}
  .interrupted {{ color: #8a5a00; font-weight: bold; }}
  .error, .note {{ font-size: 0.9em; max-width: 40em; }}
  .error {{ color: #b00020; }}
  .stem {{ color: #666; font-size: 0.85em; }}
  .key-notice {{ background: #fff3cd; border: 1px solid #e0a800; padding: 0.5em 1em; }}
  .params {{ font-size: 0.85em; color: #444; margin-top: 0.2em; overflow-wrap: anywhere; }}
  .title {{ max-width: 22em; }}
  .run {{ font-size: 0.85em; color: #444; white-space: nowrap; }}
  ul.files {{ margin: 0.3em 0 0; padding-left: 1.1em; font-size: 0.9em; }}
  ul.files li {{ white-space: nowrap; }}  /* one line per file: a name never breaks */
  summary {{ cursor: pointer; white-space: nowrap; }}
  .table-box {{ overflow-x: auto; }}  /* on a narrow window the table scrolls, not the page */
</style>
</head>
<body>
<h1>{esc(w(_page.INDEX_TITLE))}</h1>
{notice}<p id="counts">{esc(summary)}</p>
<div class="table-box">
<table>
<thead><tr><th>{esc(w(_page.COLUMN_REPORT_AND_PARAMETERS))}</th><th>{esc(w(_page.STATUS))}</th>
<th>{esc(w(_page.COLUMN_DATA_PERIOD))}</th><th>{esc(w(_page.COLUMN_INPUT_FILES))}</th>
<th>{esc(w(_page.COLUMN_FILES_WRITTEN))}</th><th>{esc(w(_page.COLUMN_RUN))}</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</div>
<p>{note}</p>
</body>
</html>
"""
