"""Run a batch of report notebooks with papermill, write their pages, and keep the index.

For each planned report the runner writes ``OUT/STEM.ipynb`` (executed notebook) and
``OUT/STEM.html`` (the page), even when the notebook fails, and records the run in
``OUT/index.json`` and ``OUT/index.html``. A failing report never stops the others.

Kernels are started by :mod:`crmlib.reports.kernels`; the input and written files are described by
:mod:`crmlib.reports.files`.

Safe to kill and to run side by side:

* a report's notebook and page are written under temporary names and moved into place with
  :func:`os.replace` only when the run is complete, together with its index entry; a killed run
  leaves the previous page and its entry as they were;
* the index is read, merged and written under an exclusive lock on ``OUT/.index.lock``, so
  batches writing into one folder at once lose no entry;
* SIGTERM and Ctrl-C stop a batch at once: the kernels are killed, reports not started are
  dropped, and a report that was running is marked ``interrupted`` in the index (its previous
  page, if any, stays and is named as such). :func:`run_reports` then raises
  :class:`Interrupted`, whose ``exit_status`` is 130 (Ctrl-C) or 143 (SIGTERM).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import logging
import os
import queue
import re
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

import crmlib
from crmlib import config
from crmlib.config import SECRET_ENV
from crmlib.reports import html as pages
from crmlib.reports.html import INDEX, LOCK, MANIFEST, index_html, index_lock, merge_index, update_index
from crmlib.reports.checks import check_inputs
from crmlib.reports.params import (
    INPUT_PARAMETERS,
    OUTPUT_DIR_PARAMETER,
    ReportPlan,
    check_out_dir,
    plan_reports,
    read_notebook,
)
from crmlib.reports.files import fingerprint, input_files, written_files
from crmlib.reports.kernels import (
    KERNEL_ENV,
    KERNEL_NAME,
    _base_kernel_manager_class,
    _kernel_manager_class,
    _kill,
    default_key_warning,
    kernels_use_default_key,
)
from crmlib.reports.record import read_records

#: Seconds a stopped batch waits for its report threads to clean up after their kernels were killed.
STOP_GRACE = 3.0


class Interrupted(KeyboardInterrupt):
    """A batch stopped by Ctrl-C (SIGINT) or SIGTERM; ``batch`` holds what was done, ``exit_status``
    is what a command exits with (128 + the signal number)."""

    def __init__(self, signum: int = signal.SIGINT, batch: BatchResult | None = None):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)
        self.batch = batch

    @property
    def exit_status(self) -> int:
        return 128 + self.signum

    def describe(self) -> str:
        """One line: what stopped the batch and what it left, e.g. for ``crmlib report``."""
        what = "Ctrl-C" if self.signum == signal.SIGINT else signal.Signals(self.signum).name
        if self.batch is None:
            return f"stopped by {what} before any report ran"
        counts = self.batch.counts()
        return (f"stopped by {what}: {counts['ok'] + counts['failed']} report(s) finished, "
                f"{counts['interrupted']} interrupted (previous pages, if any, kept), "
                f"{self.batch.not_started} not started; index: {self.batch.index_path}")


@dataclass
class ReportResult:
    """What happened to one report."""

    name: str  # notebook name
    stem: str  # file stem of the outputs
    parameters: dict[str, Any]
    status: str  # "ok", "failed" or "interrupted"
    html_path: Path
    notebook_path: Path
    title: str = ""
    error: str | None = None  # first line, redacted, e.g. "ValueError: no customers in region 'Nowhere'"
    step: str | None = None  # the section of the page the report failed in (its heading)
    cell: int | None = None  # 1-based position of the failing cell in the report notebook
    line: int | None = None  # line of the failing cell
    duration: float = 0.0  # seconds
    data_period: str | None = None
    fingerprint: str | None = None
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> name, path, size, sha256
    run_at: str = ""
    recorded: dict[str, Any] = field(default_factory=dict)
    default_key: bool = False  # the kernel had no CRMLIB_SECRET: pseudonyms used the public key
    lang: str = "en"  # the language of the page (--lang or -p lang), and of the index it is listed on
    files: list[dict[str, Any]] = field(default_factory=list)  # written beside the page: path (relative), size, rows
    unsaved: str | None = None  # why this run's page and notebook are not on disk, e.g. "no space left on device"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def describe_failure(self) -> str:
        if self.status == "interrupted":
            return f"{self.stem}: interrupted"
        if self.unsaved:
            return f"{self.stem}: {self.error}"
        return f"{self.stem}: {pages.failure_place(self.cell, self.line, step=self.step)}: {self.error}"


@dataclass
class BatchResult:
    """The reports of one :func:`run_reports` call and where the index page is."""

    reports: list[ReportResult]
    index_path: Path
    not_started: int = 0  # reports dropped because the batch was stopped
    unlisted: int = 0  # reports the index could not take: the disk was full

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports) and not self.not_started and not self.unlisted

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.reports if not r.ok]

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.reports) for s in ("ok", "failed", "interrupted")}

    def summary(self) -> str:
        c = self.counts()
        stopped = f", {c['interrupted']} interrupted" if c["interrupted"] else ""
        lines = [f"{len(self.reports)} report(s): {c['ok']} ok, {c['failed']} failed{stopped}; "
                 f"index: {self.index_path}"]
        lines += [f"FAILED {r.describe_failure()}" for r in self.failed]
        if self.unlisted:
            lines.append(f"{self.unlisted} report(s) are missing from the index: it could not be saved "
                         "(no space left on device?); free space and run them again")
        return "\n".join(lines)


class _Batch:
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


#: Report threads are named so; their papermill log lines (e.g. "Kernel died while waiting for execute
#: reply" after a stop) are dropped: the runner tells what happened on pages, the index and stderr.
THREAD_PREFIX = "crmlib-report-"


def _from_report_thread(record: logging.LogRecord) -> bool:
    return not record.threadName.startswith(THREAD_PREFIX)


class _Stopped(Exception):
    """The batch was stopped while this report ran."""


_PRINTED: set[str] = set()


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


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def run_one(plan: ReportPlan, out_dir: Path, *, timeout: float | None = None,
            batch: _Batch | None = None) -> ReportResult:
    """Execute one planned report, move its notebook and page into place and add it to the index;
    never raises for a failing notebook. Returns status "interrupted" when ``batch`` was stopped."""
    out_dir = Path(out_dir)
    batch = batch or _Batch(out_dir)
    result = ReportResult(
        name=plan.name, stem=plan.stem, parameters=dict(plan.parameters), status="interrupted",
        html_path=out_dir / f"{plan.stem}.html", notebook_path=out_dir / f"{plan.stem}.ipynb",
        title=plan.spec.title, run_at=_now(), default_key=kernels_use_default_key(),
        lang={**plan.parameters, **plan.options}.get("lang") or "en",
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


def _commit_unsaved(result: ReportResult, batch: _Batch, out_dir: Path, what: str, exc: OSError) -> ReportResult:
    _mark_unsaved(result, what, exc)
    with batch.commit:
        if batch.stop.is_set():
            result.status = "interrupted"
            return result
        with index_lock(out_dir):
            _merge_or_note(out_dir, result, batch)
        batch.running.pop(result.stem, None)
    return result


def _merge_or_note(out_dir: Path, result: ReportResult, batch: _Batch) -> None:
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
    """Run the notebook with papermill into ``tmp_nb``: the exception it ended with, and the kernel's log."""
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


def run_reports(
    names,
    out_dir=None,
    params: dict[str, Any] | None = None,
    grid=None,
    inputs: dict[str, Any] | None = None,
    jobs: int = 1,
    progress: bool | None = None,
    timeout: float | None = None,
    options: dict[str, Any] | None = None,
    blank_amounts: str = "drop",
) -> BatchResult:
    """Run report notebooks into ``out_dir`` (default ``crmlib.config.reports_dir()``).

    ``names``: report names (crmlib/notebooks/NAME.ipynb) or paths to .ipynb files.
    ``params``: name -> value, or name -> list of values (one report per value).
    ``grid``: name -> list of values (their product), a list of mappings, or a YAML file path.
    ``inputs``: ``transactions``/``customers``/``feedback`` -> file, passed to notebooks that declare
    them; a report reads only the files given here or as parameters.
    ``jobs``: kernels run at once. ``progress``: tqdm bar; None shows it only on a terminal.
    ``timeout``: seconds a single cell may run (None: no limit).
    ``options``: e.g. ``{"currency": "INR"}``, passed to the notebooks that declare them.
    ``blank_amounts``: ``"drop"`` (transactions without an amount are dropped and counted on the
    pages) or ``"refuse"`` (a transactions file holding one stops the batch before any kernel starts).

    The whole request is checked first (:func:`crmlib.reports.params.plan_reports`, every input
    file read as its reports will read it by :func:`crmlib.reports.checks.check_inputs`, the output
    folder); a bad request raises :class:`crmlib.exceptions.DataError` before any kernel starts.
    A failing notebook does not raise: its result has ``status == "failed"`` and ``BatchResult.ok``
    is False. Ctrl-C or SIGTERM raise :class:`Interrupted` once the kernels are killed and the
    index is updated (see the module docstring).
    """
    with _sigterm_interrupts():
        plans = plan_reports(names, params=params, grid=grid, inputs=inputs, options=options)
        check_inputs(_input_files(plans), blank_amounts=blank_amounts)
        out = check_out_dir(out_dir if out_dir is not None else config.reports_dir())
        warning = default_key_warning()
        if warning and warning not in _PRINTED:  # once per process, however many batches it runs
            _PRINTED.add(warning)
            print(warning, file=sys.stderr)
        return _run_batch(plans, _Batch(out), jobs, progress, timeout)


def _input_files(plans: list[ReportPlan]) -> dict[str, set[Path]]:
    """Input name -> the files the planned reports read for it (given as inputs or as parameters)."""
    files: dict[str, set[Path]] = {}
    for plan in plans:
        given = {**plan.inputs, **{k: plan.parameters[k] for k in INPUT_PARAMETERS
                                   if plan.parameters.get(k) is not None}}
        for name, path in given.items():
            files.setdefault(name, set()).add(Path(str(path)))
    return files


@contextlib.contextmanager
def _sigterm_interrupts():
    """While a batch runs in the main thread, SIGTERM raises :class:`Interrupted` like Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return

    def interrupt(signum, frame):
        raise Interrupted(signum)

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_batch(plans: list[ReportPlan], batch: _Batch, jobs: int, progress: bool | None, timeout) -> BatchResult:
    from tqdm.auto import tqdm

    out, results = batch.out, {}
    todo: queue.SimpleQueue = queue.SimpleQueue()
    done: queue.SimpleQueue = queue.SimpleQueue()
    for plan in plans:
        todo.put(plan)

    def work():  # daemon threads: a stopped batch never waits for a report to finish
        while not batch.stop.is_set():
            try:
                plan = todo.get_nowait()
            except queue.Empty:
                return
            done.put(_run_safely(plan, out, timeout, batch))

    bar = tqdm(total=len(plans), desc="reports", unit="report", disable=None if progress is None else not progress,
               file=sys.stderr, dynamic_ncols=True, leave=True)
    papermill_log = logging.getLogger("papermill")
    if _from_report_thread not in papermill_log.filters:
        papermill_log.addFilter(_from_report_thread)
    threads = [threading.Thread(target=work, name=f"{THREAD_PREFIX}{i}", daemon=True)
               for i in range(max(1, min(int(jobs), len(plans))))]
    try:
        for t in threads:
            t.start()
        while len(results) < len(plans):
            with contextlib.suppress(queue.Empty):
                result = done.get(timeout=0.2)
                results[result.stem] = result
                bar.set_postfix_str(f"{result.stem} {result.status}", refresh=False)
                bar.update(1)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM through _sigterm_interrupts
        bar.close()
        raise _stop(batch, threads, plans, results, done, getattr(exc, "signum", signal.SIGINT)) from None
    except BaseException:
        batch.halt()
        raise
    finally:
        bar.close()
    unlisted = list(batch.unlisted)
    if unlisted:  # the disk was full when they finished: one more try, now that temporary files are gone
        with contextlib.suppress(OSError):
            update_index(out, unlisted)
            unlisted = []
    return BatchResult([results[p.stem] for p in plans], out / INDEX, unlisted=len(unlisted))


def _stop(batch: _Batch, threads, plans, results, done, signum) -> Interrupted:
    """Kill the kernels, mark the reports caught running as interrupted, and say what was left."""
    caught = batch.halt()
    for r in caught:
        r.status = "interrupted"
    with contextlib.suppress(OSError):
        update_index(batch.out, caught)
    deadline = time.monotonic() + STOP_GRACE  # let report threads remove their temporary files
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    with contextlib.suppress(queue.Empty):
        while True:  # reports that finished while the batch was stopping
            result = done.get_nowait()
            results.setdefault(result.stem, result)
    finished = {**{r.stem: r for r in caught}, **{s: r for s, r in results.items() if r.status != "interrupted"}}
    ordered = [finished[p.stem] for p in plans if p.stem in finished]
    return Interrupted(signum, BatchResult(ordered, batch.out / INDEX, not_started=len(plans) - len(ordered)))


def _run_safely(plan, out, timeout, batch) -> ReportResult:
    """:func:`run_one`, with an unexpected error turned into a failed report rather than a lost thread."""
    try:
        return run_one(plan, out, timeout=timeout, batch=batch)
    except Exception as exc:
        error = pages.redact_error(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return ReportResult(name=plan.name, stem=plan.stem, parameters=dict(plan.parameters), status="failed",
                            html_path=out / f"{plan.stem}.html", notebook_path=out / f"{plan.stem}.ipynb",
                            error=error, run_at=_now())


__all__ = [
    "INDEX", "KERNEL_ENV", "LOCK", "MANIFEST", "BatchResult", "Interrupted", "ReportResult", "default_key_warning",
    "fingerprint", "index_html", "index_lock", "input_files", "kernels_use_default_key", "run_one",
    "run_reports", "update_index",
]
