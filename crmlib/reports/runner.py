"""Run a batch of report notebooks with papermill, write their pages, and keep the index.

For each planned report the runner writes ``OUT/STEM.ipynb`` (executed notebook) and
``OUT/STEM.html`` (the page), even when the notebook fails, and records the run in
``OUT/index.json`` and ``OUT/index.html``. A failing report never stops the others.

One report is run by :func:`crmlib.reports.execute.run_one`; kernels are started by
:mod:`crmlib.reports.kernels`; the input and written files are described by
:mod:`crmlib.reports.files`; what runs end as is :mod:`crmlib.reports.results`.

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
import logging
import queue
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from crmlib import config, interrupts
from crmlib.reports import html as pages
from crmlib.reports import kernel_server
from crmlib.reports.checks import check_inputs
from crmlib.reports.execute import Batch, now, run_one
from crmlib.reports.files import fingerprint, input_files
from crmlib.reports.html import INDEX, LOCK, MANIFEST, index_html, index_lock, update_index
from crmlib.reports.kernels import KERNEL_ENV, default_key_warning, kernels_use_default_key, work_folder
from crmlib.reports.params import INPUT_PARAMETERS, ReportPlan, check_out_dir, plan_reports
from crmlib.reports.results import BatchResult, Interrupted, ReportResult

#: Seconds a stopped batch waits for its report threads to clean up after their kernels were killed.
STOP_GRACE = 3.0

#: Report threads are named so; their papermill log lines (e.g. "Kernel died while waiting for execute
#: reply" after a stop) are dropped: the runner tells what happened on pages, the index and stderr.
THREAD_PREFIX = "crmlib-report-"


def _from_report_thread(record: logging.LogRecord) -> bool:
    return not record.threadName.startswith(THREAD_PREFIX)


_PRINTED: set[str] = set()


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
        plans, batch = _prepare(names, out_dir, params, grid, inputs, options, blank_amounts)
        return _run_batch(plans, batch, jobs, progress, timeout)


def run_suites(requests: list[dict[str, Any]], jobs: int = 1, progress: bool | None = None,
               timeout: float | None = None) -> list[BatchResult]:
    """Several batches, each into its own folder with its own index, run by one pool of ``jobs`` kernels.

    ``requests``: one mapping per batch of :func:`run_reports`' arguments (``names``, ``out_dir``,
    ``params``, ``grid``, ``inputs``, ``options``, ``blank_amounts``). Every request is checked before
    any kernel starts; the reports of all batches then share the ``jobs`` kernels in the order given, so
    a core freed by one batch takes the next report of another instead of idling until the first batch
    ends (``crmlib demo``: the five demo reports and the CDNOW page). Returns one
    :class:`BatchResult` per request. Ctrl-C or SIGTERM stop every batch (:class:`Interrupted`, whose
    ``batch`` holds the reports of all of them).
    """
    with _sigterm_interrupts():
        prepared = [_prepare(r["names"], r.get("out_dir"), r.get("params"), r.get("grid"), r.get("inputs"),
                             r.get("options"), r.get("blank_amounts", "drop")) for r in requests]
        return _run_batches(prepared, jobs, progress, timeout)


def _prepare(names, out_dir, params, grid, inputs, options, blank_amounts) -> tuple[list[ReportPlan], Batch]:
    """Plan and check a request (no kernel started); say once per process when pseudonyms use the public key."""
    plans = plan_reports(names, params=params, grid=grid, inputs=inputs, options=options)
    check_inputs(_input_files(plans), blank_amounts=blank_amounts)
    out = check_out_dir(out_dir if out_dir is not None else config.reports_dir())
    warning = default_key_warning()
    if warning and warning not in _PRINTED:  # once per process, however many batches it runs
        _PRINTED.add(warning)
        print(warning, file=sys.stderr)
    return plans, Batch(out)


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


def _run_batch(plans: list[ReportPlan], batch: Batch, jobs: int, progress: bool | None, timeout) -> BatchResult:
    return _run_batches([(plans, batch)], jobs, progress, timeout)[0]


def _run_batches(batches: list[tuple[list[ReportPlan], Batch]], jobs: int, progress: bool | None,
                 timeout) -> list[BatchResult]:
    """Run the plans of every batch with ``jobs`` report threads taking them from one queue in order."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    done: queue.SimpleQueue = queue.SimpleQueue()
    total = 0
    for number, (plans, batch) in enumerate(batches):
        for plan in plans:
            todo.put((number, plan, batch))
            total += 1
    stop = threading.Event()  # set by the first batch stopped: no thread takes another report
    kernel_server.expect(total)
    with _shared_work(total > 1):  # several reports: one customer table per log and options (crmlib.shared_table)
        return _run_queue(batches, todo, done, total, stop, jobs, progress, timeout)


_WORK_LOCK = threading.Lock()
_WORK_USERS = [0]  # runs of this process using the work folder now


@contextlib.contextmanager
def _shared_work(share: bool):
    """While the block runs, the kernels' work folder exists when ``share`` (removed by the last run
    of the process that uses it, with every table in it)."""
    if not share:
        yield
        return
    folder = work_folder()
    with _WORK_LOCK:
        _WORK_USERS[0] += 1
        folder.mkdir(mode=0o700, exist_ok=True)
    try:
        yield
    finally:
        with _WORK_LOCK:
            _WORK_USERS[0] -= 1
            if not _WORK_USERS[0]:
                shutil.rmtree(folder, ignore_errors=True)


def _run_queue(batches, todo, done, total, stop, jobs, progress, timeout) -> list[BatchResult]:
    """Run the queued reports of ``batches`` on ``jobs`` threads (see :func:`_run_batches`)."""
    from tqdm.auto import tqdm

    results: dict[tuple[int, str], ReportResult] = {}

    def work():  # daemon threads: a stopped batch never waits for a report to finish
        while not stop.is_set():
            try:
                number, plan, batch = todo.get_nowait()
            except queue.Empty:
                return
            done.put((number, _run_safely(plan, batch.out, timeout, batch)))

    bar = tqdm(total=total, desc="reports", unit="report", disable=None if progress is None else not progress,
               file=sys.stderr, dynamic_ncols=True, leave=True)
    papermill_log = logging.getLogger("papermill")
    if _from_report_thread not in papermill_log.filters:
        papermill_log.addFilter(_from_report_thread)
    threads = [threading.Thread(target=work, name=f"{THREAD_PREFIX}{i}", daemon=True)
               for i in range(max(1, min(int(jobs), total)))]
    interrupts.restore()  # from here Ctrl-C raises KeyboardInterrupt, caught below (the main thread imports no more)
    try:
        for t in threads:
            t.start()
        while len(results) < total:
            with contextlib.suppress(queue.Empty):
                number, result = done.get(timeout=0.2)
                results[number, result.stem] = result
                bar.set_postfix_str(f"{result.stem} {result.status}", refresh=False)
                bar.update(1)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM through _sigterm_interrupts
        bar.close()
        stop.set()
        raise _stop(batches, threads, results, done, getattr(exc, "signum", signal.SIGINT)) from None
    except BaseException:
        stop.set()
        for _, batch in batches:
            batch.halt()
        raise
    finally:
        bar.close()
    finished = []
    for number, (plans, batch) in enumerate(batches):
        out, unlisted = batch.out, list(batch.unlisted)
        if unlisted:  # the disk was full when they finished: one more try, now that temporary files are gone
            with contextlib.suppress(OSError):
                update_index(out, unlisted)
                unlisted = []
        finished.append(BatchResult([results[number, p.stem] for p in plans], out / INDEX, unlisted=len(unlisted)))
    return finished


def _stop(batches, threads, results, done, signum) -> Interrupted:
    """Kill the kernels, mark the reports caught running as interrupted, and say what was left (the
    reports of every batch, the index of the first)."""
    caught = {}
    for number, (_, batch) in enumerate(batches):
        caught[number] = batch.halt()
        for r in caught[number]:
            r.status = "interrupted"
        with contextlib.suppress(OSError):
            update_index(batch.out, caught[number])
    deadline = time.monotonic() + STOP_GRACE  # let report threads remove their temporary files
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    with contextlib.suppress(queue.Empty):
        while True:  # reports that finished while the batch was stopping
            number, result = done.get_nowait()
            results.setdefault((number, result.stem), result)
    ordered, planned = [], 0
    for number, (plans, _) in enumerate(batches):
        finished = {**{r.stem: r for r in caught[number]},
                    **{s: r for (n, s), r in results.items() if n == number and r.status != "interrupted"}}
        ordered += [finished[p.stem] for p in plans if p.stem in finished]
        planned += len(plans)
    first = batches[0][1].out / INDEX
    return Interrupted(signum, BatchResult(ordered, first, not_started=planned - len(ordered)))


def _run_safely(plan, out, timeout, batch) -> ReportResult:
    """:func:`run_one`, with an unexpected error turned into a failed report rather than a lost thread."""
    try:
        return run_one(plan, out, timeout=timeout, batch=batch)
    except Exception as exc:
        error = pages.redact_error(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return ReportResult(name=plan.name, stem=plan.stem, parameters=dict(plan.parameters), status="failed",
                            html_path=out / f"{plan.stem}.html", notebook_path=out / f"{plan.stem}.ipynb",
                            error=error, run_at=now())


__all__ = [
    "INDEX", "KERNEL_ENV", "LOCK", "MANIFEST", "BatchResult", "Interrupted", "ReportResult", "default_key_warning",
    "fingerprint", "index_html", "index_lock", "input_files", "kernels_use_default_key", "run_one",
    "run_reports", "run_suites", "update_index",
]
