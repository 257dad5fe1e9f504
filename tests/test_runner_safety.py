"""The report runner under stress: personal data in a failing input, batches writing into one
folder at once, a batch killed while a kernel runs, and bad paths on the command line (issue 10).

Uses the small notebooks in tests/notebooks/: ``read_feedback.ipynb`` reads a feedback file with
crmlib.io.read_feedback (as the feedback report does), ``sleep.ipynb`` sleeps for
``$CRMLIB_TEST_SLEEP`` seconds after writing its kernel's process id to ``$CRMLIB_TEST_MARKER``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crmlib.cli import main
from crmlib.exceptions import DataError
from crmlib.reports import run_reports, update_index
from crmlib.reports.runner import ReportResult

NOTEBOOKS = Path(__file__).parent / "notebooks"
SLEEP = NOTEBOOKS / "sleep.ipynb"
TINY = NOTEBOOKS / "tiny.ipynb"

#: Personal data in the date column of a feedback file: a name, an email, a phone, an Aadhaar-like number.
PERSONAL = ["Priya Sharma", "priya@example.com", "+91 98765 43210", "1234 5678 9012"]
#: Parts of them that must not survive either (a redaction that keeps a fragment is no redaction).
FRAGMENTS = ["Priya", "priya", "Sharma", "example.com", "98765", "43210", "1234 5678", "5678 9012"]


def _written(folder: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_failed_report_writes_no_personal_data_in_any_file(tmp_path, monkeypatch, capsys):
    """Issue 10.4: notebook, page, index.html and index.json of a failed feedback report."""
    monkeypatch.setenv("CRMLIB_SECRET", "runner-safety-secret")
    feedback = tmp_path / "feedback.csv"
    rows = "".join(f"C{i},{value},{5 + i}\n" for i, value in enumerate(PERSONAL, start=1))
    feedback.write_text("customer_id,date,nps\n" + rows + "C9,2024-01-05,9\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(DataError) as refused:  # the check before any kernel quotes kinds, not values
        run_reports([NOTEBOOKS / "read_feedback.ipynb"], out, inputs={"feedback": feedback}, progress=False)
    assert "row 2: [text], row 3: [email], row 4: [phone], row 5: [number]" in str(refused.value)
    assert not [v for v in PERSONAL + FRAGMENTS if v in str(refused.value)]
    from crmlib.reports import runner

    monkeypatch.setattr(runner, "check_inputs", lambda files, **kw: None)  # the same failure in a kernel
    batch = run_reports([NOTEBOOKS / "read_feedback.ipynb"], out, inputs={"feedback": feedback}, progress=False)
    (result,) = batch.reports
    assert result.status == "failed"
    written = _written(out)
    assert {p.name for p in written} >= {"read_feedback.ipynb", "read_feedback.html", "index.json", "index.html"}
    said = batch.summary() + capsys.readouterr().err
    for path, text in [*written.items(), (Path("summary and stderr"), said)]:
        for value in PERSONAL + FRAGMENTS:
            assert value not in text, f"{value!r} in {path.name}"
    # the failure is still explained: which column, which rows, what kind of value each held
    assert result.error.startswith("DataError: feedback.csv: column 'date': 4 value(s) are not dates")
    assert "row 2: [text], row 3: [email], row 4: [phone], row 5: [number]" in result.error
    entry = json.loads(written[out / "index.json"])["reports"]["read_feedback"]
    assert entry["error"] == result.error
    assert "row 2: [text]" in written[out / "read_feedback.html"]
    assert "[email]" in written[out / "read_feedback.ipynb"]  # the printed rows, redacted


def _update_many(args) -> int:
    """One of several processes: write a page and merge it into the index, many times over."""
    out, worker, n = args
    for j in range(n):
        stem = f"r{worker}_{j}"
        page = Path(out) / f"{stem}.html"
        from crmlib.reports import html

        html.write(page, "<html></html>")
        update_index(Path(out), [ReportResult(name="x", stem=stem, parameters={}, status="ok", html_path=page,
                                              notebook_path=Path(out) / f"{stem}.ipynb")])
    return n


@pytest.mark.slow
def test_index_updates_from_many_processes_at_once_keep_every_entry(tmp_path):
    """Before the lock, 8 processes x 15 updates kept 24 of 120 entries and 23 updates died on
    FileNotFoundError (index.json.tmp renamed by another process)."""
    with multiprocessing.get_context("fork").Pool(6) as pool:
        written = sum(pool.map(_update_many, [(str(tmp_path), w, 10) for w in range(6)]))
    entries = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))["reports"]
    assert written == len(entries) == 60
    assert (tmp_path / "index.html").read_text(encoding="utf-8").count('class="report"') == 60
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary file left


def as_from_a_terminal() -> None:
    """In the child, before it runs: Ctrl-C as a terminal delivers it. A test run started in the
    background of a non-interactive shell (``make test &``) ignores SIGINT, and the child would
    inherit that and never see the signal these tests send."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _crmlib(*args, env=None, **kw):
    return subprocess.Popen([sys.executable, "-m", "crmlib", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
                            preexec_fn=as_from_a_terminal, **kw)


@pytest.mark.slow
def test_batches_running_into_one_folder_at_once_list_every_page(tmp_path):
    out = tmp_path / "out"
    procs = [_crmlib("report", SLEEP, "-p", f"tag=p{i}a", "-p", f"tag=p{i}b", "-j", "2", "--out", out, "-q",
                     env={"CRMLIB_SECRET": "s"}) for i in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    pages = sorted(p.stem for p in out.glob("*.html") if p.name != "index.html")
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"]
    assert len(pages) == 4 and sorted(entries) == pages
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".index.lock"]


def _page_run_at(page: Path) -> str:
    return re.search(r'Run at \(UTC\)</th><td><time datetime="([^"]+)"', page.read_text(encoding="utf-8")).group(1)


def _kill_while_sleeping(out: Path, tmp_path: Path, signum: int, *extra) -> tuple[int, str, float, int]:
    """Start a batch whose kernel sleeps and send ``signum`` once the kernel runs.

    Returns the exit status, stderr, seconds from the signal to the exit, and the kernel's process id."""
    marker = tmp_path / f"kernel-{signum}.pid"
    proc = _crmlib("report", SLEEP, *extra, "--out", out,
                   env={"CRMLIB_TEST_SLEEP": "120", "CRMLIB_TEST_MARKER": str(marker), "CRMLIB_SECRET": "s"})
    deadline = time.monotonic() + 60
    while not (marker.is_file() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.is_file(), proc.communicate(timeout=5)
    start = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err, time.monotonic() - start, int(marker.read_text())


def _assert_index_agrees_with_disk(out: Path) -> dict:
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"]
    page = (out / "index.html").read_text(encoding="utf-8")
    for stem, e in entries.items():
        if e["html_path"]:  # the entry describes the page on disk: same run
            assert _page_run_at(out / e["html_path"]) == e["run_at"], stem
        assert f'data-status="{e["status"]}"' in page
    for href in re.findall(r'href="([^"]+)"', page):
        assert (out / href).is_file(), href  # no dead link
    assert not [p.name for p in out.iterdir() if p.name.endswith((".tmp", ".tmp.ipynb"))]
    return entries


@pytest.mark.slow
def test_sigterm_and_ctrl_c_stop_promptly_and_leave_a_true_index(tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setenv("CRMLIB_SECRET", "s")
    first = run_reports([SLEEP], out, progress=False)  # the previous run: page "sleep.html", ok
    old_run_at = first.reports[0].run_at

    status, err, seconds, kernel = _kill_while_sleeping(out, tmp_path, signal.SIGTERM)
    assert status == 143 and seconds < 10, (status, seconds, err)
    assert err.strip().splitlines() == [
        f"crmlib report: stopped by SIGTERM: 0 report(s) finished, 1 interrupted "
        f"(previous pages, if any, kept), 0 not started; index: {out.resolve() / 'index.html'}"]
    with pytest.raises(ProcessLookupError):
        os.kill(kernel, 0)  # the kernel was killed, not left running
    entry = _assert_index_agrees_with_disk(out)["sleep"]
    assert (entry["status"], entry["previous_status"], entry["run_at"]) == ("interrupted", "ok", old_run_at)
    assert _page_run_at(out / "sleep.html") == old_run_at  # the old page, not deleted

    # Ctrl-C with two reports running, one with a previous page and one without
    status, err, seconds, kernel = _kill_while_sleeping(out, tmp_path, signal.SIGINT, "-p", "tag=a", "-p", "tag=b",
                                                        "-j", "2")
    assert status == 130 and seconds < 10, (status, seconds, err)
    assert err.strip().splitlines() == [
        f"crmlib report: stopped by Ctrl-C: 0 report(s) finished, 2 interrupted "
        f"(previous pages, if any, kept), 0 not started; index: {out.resolve() / 'index.html'}"]
    with pytest.raises(ProcessLookupError):
        os.kill(kernel, 0)
    entries = _assert_index_agrees_with_disk(out)
    assert entries["sleep"]["run_at"] == old_run_at  # untouched by a batch that did not run it
    for stem in ("sleep__tag=a", "sleep__tag=b"):  # no previous page: interrupted, no link
        assert entries[stem]["status"] == "interrupted" and entries[stem]["html_path"] is None
        assert not (out / f"{stem}.html").exists()


@pytest.fixture
def paths(tmp_path):
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\nA,2024-01-02,10\n", encoding="utf-8")
    (tmp_path / "empty.ipynb").write_text("", encoding="utf-8")
    (tmp_path / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "folder.ipynb").mkdir()
    locked = tmp_path / "locked"
    locked.mkdir()
    unreadable = tmp_path / "secret.csv"
    unreadable.write_text("customer_id,date,amount\n", encoding="utf-8")
    if os.geteuid() == 0:  # root reads and writes anything: use files the kernel itself refuses
        unreadable, locked = Path("/proc/self/mem"), Path("/proc/sys")
    else:
        unreadable.chmod(0)
        locked.chmod(0o500)
    return {"tmp": tmp_path, "tx": tx, "unreadable": unreadable, "locked": locked}


BAD_PATHS = {
    "--out names a file": (["{TINY}", "--out", "{tmp}/a-file"], "is a file; give --out a folder"),
    "--out cannot be written": (["{TINY}", "--out", "{locked}"], "not writable"),
    "--out cannot be created": (["{TINY}", "--out", "{locked}/sub"], "cannot be created"),
    "--transactions names a folder": (["{TINY}", "--out", "{tmp}/o", "--transactions", "{tmp}"], "is a folder"),
    "unreadable input": (["{TINY}", "--out", "{tmp}/o", "--transactions", "{unreadable}"], "cannot be read"),
    "empty notebook": (["{tmp}/empty.ipynb", "--out", "{tmp}/o"], "notebook file is empty"),
    "invalid notebook": (["{tmp}/broken.ipynb", "--out", "{tmp}/o"], "not a valid Jupyter notebook"),
    "notebook is a folder": (["{tmp}/folder.ipynb", "--out", "{tmp}/o"], "is a folder, not a notebook"),
}


@pytest.mark.parametrize("case", BAD_PATHS)
def test_a_bad_path_is_one_line_and_a_non_zero_status(case, paths, capsys, monkeypatch):
    args, expected = BAD_PATHS[case]
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: pytest.fail("a kernel was started"))
    fill = {"TINY": TINY, **paths}
    status = main(["report", *(a.format(**fill) for a in args)])
    err = capsys.readouterr().err
    assert status != 0 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and expected in err, err
