"""One report: execute its notebook with papermill, render its page, and move both into place with
its index entry (:func:`run_one`). Kernels come from :mod:`crmlib.reports.kernels`; what the threads
of one batch share (the stop flag, the kernels to kill) is :class:`Batch`.

A report's notebook and page are written under temporary names and moved into place with
:func:`os.replace` only when the run is complete, together with its index entry, under the batch's
commit lock: a stopped batch moves nothing into place after it stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import os
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import nbformat

import crmlib
from crmlib.config import SECRET_ENV
from crmlib.reports import html as pages
from crmlib.reports.files import fingerprint, input_files, written_files
from crmlib.reports.html import index_lock, merge_index
from crmlib.reports.kernels import KERNEL_NAME, _kernel_manager_class, _kill, kernels_use_default_key
from crmlib.reports.params import OUTPUT_DIR_PARAMETER, ReportPlan, read_notebook
from crmlib.reports.record import read_records
from crmlib.reports.results import ReportResult


class Batch:
    """What the threads of one batch share: the stop flag, the kernels to kill, the reports running."""

    def __init__(self, out: Path):
        self.out = out
        self.stop = threading.Event()
        self.commit = threading.Lock()  # held while a report moves its files into place
        self._lock = threading.Lock()
        self._kernels: set = set()
        self.running: dict[str, ReportResult] = {}  # started, not yet in place
        self.unlisted: list[ReportResult] = []  # finished, but the index could not be written (a full disk)

    def begin(self, result: ReportResult) -> bool:
        """Register a report as running; False when the batch is already stopping."""
        with self.commit:
            if self.stop.is_set():
                return False
            self.running[result.stem] = result
            return True

    def kernel_started(self, km) -> None:
        with self._lock:
            self._kernels.add(km)
            stopping = self.stop.is_set()
        if stopping:
            _kill(km)

    def kernel_done(self, km) -> None:
        with self._lock:
            self._kernels.discard(km)

    def halt(self) -> list[ReportResult]:
        """Stop: no report moves into place after this; kill every kernel; the reports caught running."""
        with self.commit:
            self.stop.set()
            caught = list(self.running.values())
        with self._lock:
            kernels = list(self._kernels)
        for km in kernels:
            _kill(km)
        return caught


class _Stopped(Exception):
    """The batch was stopped while this report ran."""


#: The step a report fails in when the failing cell comes before the notebook's first section heading.
FIRST_STEP = "loading the data (before the first section)"


def _failure(nb, exc) -> dict[str, Any]:
    """Step (the nearest section heading above the failing cell, as the page shows it), cell
    (1-based, as in the report notebook), line, error line and traceback of a failed run,
    redacted (:func:`crmlib.reports.html.scrub_error`): the error is the first line only."""
    from papermill.exceptions import PapermillExecutionError

    if not isinstance(exc, PapermillExecutionError):
        ename = type(exc).__name__
        shown, lines = pages.scrub_error(ename, str(exc).strip(), [str(exc).strip()])
        first = (shown.splitlines() or [""])[0]
        return {"error": f"{ename}: {first}", "traceback": "\n".join(lines)}
    shown, lines = pages.scrub_error(exc.ename, exc.evalue, exc.traceback)
    traceback = "\n".join(lines)
    position, cell_no, heading, step = 0, None, None, None
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"injected-parameters", "papermill-error-cell-tag"}:
            continue
        position += 1
        if cell.cell_type == "markdown":
            sections = [m for m in pages.HEADING.finditer(cell.source) if len(m.group(1)) >= 2]
            heading = sections[-1].group(2) if sections else heading
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            cell_no, step = position, heading or FIRST_STEP
            break
    m = re.search(r"Cell In\[\d+\], line (\d+)", traceback)
    first = (shown.splitlines() or [""])[0]
    return {
        "error": f"{exc.ename}: {first}".strip(),
        "step": step,
        "cell": cell_no,
        "line": int(m.group(1)) if m else None,
        "traceback": traceback,
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def run_one(plan: ReportPlan, out_dir: Path, *, timeout: float | None = None,
            batch: Batch | None = None) -> ReportResult:
    """Execute one planned report, move its notebook and page into place and add it to the index;
    never raises for a failing notebook. Returns status "interrupted" when ``batch`` was stopped."""
    out_dir = Path(out_dir)
    batch = batch or Batch(out_dir)
    result = ReportResult(
        name=plan.name, stem=plan.stem, parameters=dict(plan.parameters), status="interrupted",
        html_path=out_dir / f"{plan.stem}.html", notebook_path=out_dir / f"{plan.stem}.ipynb",
        title=plan.spec.title, run_at=now(), default_key=kernels_use_default_key(),
        lang={**plan.parameters, **plan.options}.get("lang") or "en",
        digits={**plan.parameters, **plan.options}.get("digits") or "latin",
    )
    if not batch.begin(result):
        return result
    tmp_nb = pages.temporary_name(result.notebook_path, ".tmp.ipynb")
    try:
        try:
            nb, page = _run_and_render(plan, out_dir, result, tmp_nb, timeout, batch)
            nbformat.write(nb, tmp_nb)
        except _Stopped:
            result.status = "interrupted"
            return result
        except _NotSaved as exc:
            return _commit_unsaved(result, batch, out_dir, "the executed notebook", exc.error)
        except OSError as exc:
            return _commit_unsaved(result, batch, out_dir, "the executed notebook", exc)
        with batch.commit:
            if batch.stop.is_set():
                result.status = "interrupted"
                return result
            with index_lock(out_dir):
                try:  # the page first: a page that cannot be written leaves no new notebook behind
                    pages.write(result.html_path, page)
                except OSError as exc:
                    _mark_unsaved(result, "the page", exc)
                else:
                    os.replace(tmp_nb, result.notebook_path)
                _merge_or_note(out_dir, result, batch)
            batch.running.pop(plan.stem, None)
        return result
    finally:
        tmp_nb.unlink(missing_ok=True)


#: Errors of a full or over-quota disk: papermill failing to save a notebook with one of these is not a
#: failure of the notebook's cells.
DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class _NotSaved(Exception):
    """Papermill ran the notebook but could not save it (a full disk)."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


def _mark_unsaved(result: ReportResult, what: str, exc: OSError) -> None:
    """Say that this run's page and notebook are not on disk and why, e.g. ``the page could not be
    saved: no space left on device``; no cell is blamed and no page of this run is linked."""
    reason = (exc.strerror or os.strerror(exc.errno or 0) or type(exc).__name__).lower()
    result.status, result.unsaved = "failed", reason
    result.error = f"{what} could not be saved: {reason}; free space in the output folder and run it again"
    result.cell = result.line = result.step = None


def _commit_unsaved(result: ReportResult, batch: Batch, out_dir: Path, what: str, exc: OSError) -> ReportResult:
    _mark_unsaved(result, what, exc)
    with batch.commit:
        if batch.stop.is_set():
            result.status = "interrupted"
            return result
        with index_lock(out_dir):
            _merge_or_note(out_dir, result, batch)
        batch.running.pop(result.stem, None)
    return result


def _merge_or_note(out_dir: Path, result: ReportResult, batch: Batch) -> None:
    """Add ``result`` to the index; when the disk is too full even for that, keep it for the batch's
    last try (:func:`_run_batch`) rather than losing the report."""
    try:
        merge_index(out_dir, [result])
    except OSError:
        batch.unlisted.append(result)


def _run_and_render(plan, out_dir, result, tmp_nb, timeout, batch):
    """Execute the notebook into ``tmp_nb``; fill ``result``; return the (redacted) notebook and page."""
    params = dict(plan.parameters)
    params.update(plan.options)
    params.update({k: str(v) for k, v in plan.inputs.items()})
    error = None
    try:
        result.fingerprint, result.inputs = fingerprint(input_files(plan))
        if OUTPUT_DIR_PARAMETER in plan.spec.parameters and OUTPUT_DIR_PARAMETER not in params:
            extra = out_dir / plan.stem
            extra.mkdir(parents=True, exist_ok=True)
            params[OUTPUT_DIR_PARAMETER] = str(extra)
    except OSError as exc:
        error = {"error": pages.redact_error(f"Input or output file: {exc.strerror or exc}: {exc.filename}"),
                 "traceback": ""}
    start = time.perf_counter()
    failure, kernel_log = (None, "") if error else _execute(plan, params, tmp_nb, out_dir, timeout, batch)
    result.duration = round(time.perf_counter() - start, 2)
    if batch.stop.is_set():  # stopped while it ran: nothing of this run will be kept
        raise _Stopped
    if isinstance(failure, OSError) and failure.errno in DISK_FULL:  # papermill's save, not a cell, failed
        raise _NotSaved(failure)
    try:
        nb = nbformat.read(tmp_nb, as_version=4)
    except (OSError, ValueError):  # not written: the kernel never started
        nb = read_notebook(plan.spec.path)
    if failure is not None:
        pages.scrub_notebook(nb)  # the executed notebook keeps no personal data of a failed run
        error = _failure(nb, failure)
        if not error.get("cell") and kernel_log.strip():  # the kernel itself failed: show why
            tail = "\n".join(kernel_log.splitlines()[-20:])
            error["traceback"] += "\n\nKernel log (last lines):\n" + pages.redact_error(tail)
    recorded = read_records(nb)
    if isinstance(recorded.get("inputs"), dict):  # what the notebook says it read beats the files given
        read = {k: Path(str(v)) for k, v in recorded["inputs"].items()
                if Path(str(v)).is_file() or glob.has_magic(str(v))}
        with contextlib.suppress(OSError):
            result.fingerprint, result.inputs = fingerprint(read)
    if params.get(OUTPUT_DIR_PARAMETER) and OUTPUT_DIR_PARAMETER in plan.spec.parameters:
        # a relative folder is relative to the kernel's working directory, out_dir
        result.files = written_files(out_dir / Path(str(params[OUTPUT_DIR_PARAMETER])), out_dir)
    result.title = str(recorded.get("title") or plan.spec.title)
    result.data_period = recorded.get("data_period")
    result.recorded = {k: v for k, v in recorded.items() if k not in {"title", "data_period", "inputs"}}
    result.status = "failed" if error else "ok"
    if error:
        result.error, result.cell, result.line = error["error"], error.get("cell"), error.get("line")
        result.step = error.get("step")
    return nb, _page(nb, result, params, error, plan)


def _execute(plan, params, tmp_nb, out_dir, timeout, batch) -> tuple[Exception | None, str]:
    """Run the notebook with papermill into ``tmp_nb``: the exception it ended with, and the kernel's log.
    A kernel that dies while starting is started again (:data:`START_ATTEMPTS`)."""
    for attempt in range(START_ATTEMPTS):
        failure, kernel_log = _execute_once(plan, params, tmp_nb, out_dir, timeout, batch)
        if not _kernel_did_not_start(failure) or batch.stop.is_set() or attempt == START_ATTEMPTS - 1:
            return failure, kernel_log
        time.sleep(0.5 * (attempt + 1))
    return failure, kernel_log


#: How often a kernel that died while starting (before any cell ran) is started again. Kernels pick
#: free ports by binding and releasing them, so two starting at once can take the same port and one
#: dies; seen once in a CI run of the test suite on a loaded machine. Such a kernel ran nothing, so
#: starting it again is safe; a kernel that can never start still fails the report, three times over.
START_ATTEMPTS = 3
_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def _kernel_did_not_start(failure: Exception | None) -> bool:
    """Whether papermill failed because the kernel died or hung while starting, before any cell ran."""
    return isinstance(failure, (RuntimeError, TimeoutError)) and str(failure).startswith(_START_FAILURES)


def _execute_once(plan, params, tmp_nb, out_dir, timeout, batch) -> tuple[Exception | None, str]:
    import papermill

    log_fd, log_name = tempfile.mkstemp(prefix=f"crmlib-kernel-{plan.stem[:40]}-", suffix=".log")
    os.close(log_fd)
    failure = None
    try:
        papermill.execute_notebook(
            str(plan.spec.path),
            str(tmp_nb),
            parameters=params,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            kernel_manager_class=_kernel_manager_class(Path(log_name), batch),
            # the kernel's working directory, set without papermill's process-wide chdir
            resources={"metadata": {"path": str(out_dir)}},
        )
    except Exception as exc:  # a failing cell, a dead kernel, a timeout: the report fails, the batch goes on
        failure = exc
    finally:
        kernel_log = Path(log_name).read_text(encoding="utf-8", errors="replace")
        Path(log_name).unlink(missing_ok=True)
    return failure, kernel_log


def _page(nb, result: ReportResult, params: dict, error: dict | None, plan: ReportPlan) -> str:
    provenance = {
        "notebook": str(plan.spec.path.name),
        "parameters": params,
        "inputs": result.inputs,
        "fingerprint": result.fingerprint,
        "crmlib_version": crmlib.__version__,
        "run_at": result.run_at,
        "duration": result.duration,
        "status": result.status,
        "pseudonym_key": "crmlib's public default key" if result.default_key else SECRET_ENV,
        "files": result.files,
    }
    try:
        return pages.render(nb, title=result.title, parameters=params, data_period=result.data_period,
                            provenance=provenance, error=error, default_key=result.default_key)
    except Exception as exc:  # a page that cannot be rendered is a failed report, not a crashed batch
        result.status = "failed"
        result.error = pages.redact_error(f"HTML export: {type(exc).__name__}: {exc}".splitlines()[0])
        provenance["status"] = "failed"
        return pages.header_html(result.title, params, result.data_period, {"error": result.error},
                                 result.default_key, result.inputs) + pages.footer_html(provenance)
