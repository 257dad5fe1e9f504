"""The runner when the machine or the user gets in the way (issue 18): a full disk, parameter
values that differ only in what a file name cannot hold, and Ctrl-C while the command starts."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crmlib.formats import Formats
from crmlib.reports import html as pages
from crmlib.reports import page, run_reports
from crmlib.reports.params import plan_reports, report_stem

NOTEBOOKS = Path(__file__).parent / "notebooks"
TINY = NOTEBOOKS / "tiny.ipynb"


# ----------------------------------------------------------------------------- a full disk


class FullDisk:
    """Stands in for a write function on a disk that fills up: writes of files whose name matches
    ``full_for`` raise ``OSError(ENOSPC)``, as do all writes once ``budget`` bytes were written."""

    def __init__(self, write, full_for=lambda name: False, budget: float = float("inf"), times: int = 10**9):
        self.write, self.full_for, self.budget, self.times, self.refused = write, full_for, budget, times, []

    def __call__(self, path, data, *args, **kwargs):
        size = len(str(data).encode())
        if (self.full_for(Path(str(path)).name) or size > self.budget) and self.times > 0:
            self.times -= 1
            self.refused.append(Path(str(path)).name)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        self.budget -= size
        return self.write(path, data, *args, **kwargs)


def _index(out: Path) -> tuple[dict, str]:
    return (json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"],
            (out / "index.html").read_text(encoding="utf-8"))


def _no_orphans(out: Path, entries: dict) -> None:
    """Every page and notebook on disk is linked from its entry; no temporary file is left."""
    linked = {e[k] for e in entries.values() for k in ("html_path", "notebook_path") if e.get(k)}
    on_disk = {p.name for p in out.iterdir() if p.suffix in (".html", ".ipynb") and p.name != "index.html"}
    assert on_disk == linked
    assert not [p.name for p in out.iterdir() if ".tmp" in p.name]


@pytest.mark.slow
def test_a_page_the_full_disk_refuses_is_listed_as_not_saved_and_leaves_no_orphan(tmp_path, monkeypatch):
    """Before: the index lost the report, and its executed notebook was moved into place without a page."""
    monkeypatch.setenv("CRMLIB_SECRET", "s")
    out = tmp_path / "out"
    earlier = run_reports([TINY], out, params={"region": "East"}, progress=False).reports[0]
    disk = FullDisk(pages.write, full_for=lambda name: name in ("tiny__region=South.html", "tiny__region=East.html"))
    monkeypatch.setattr(pages, "write", disk)
    batch = run_reports([TINY], out, params={"region": ["North", "South", "East"]}, progress=False)
    assert len(disk.refused) == 2
    entries, index = _index(out)
    assert sorted(entries) == ["tiny__region=East", "tiny__region=North", "tiny__region=South"]
    assert entries["tiny__region=North"]["status"] == "ok"
    for stem in ("tiny__region=South", "tiny__region=East"):
        e = entries[stem]
        assert e["status"] == "failed" and e["cell"] is None
        assert e["error"].startswith("the page could not be saved: no space left on device")
    assert entries["tiny__region=South"]["html_path"] is None and not (out / "tiny__region=South.ipynb").exists()
    # East had a page from an earlier run: still linked, and named as that run's
    east = entries["tiny__region=East"]
    assert east["html_path"] == "tiny__region=East.html" and east["previous_run_at"] == earlier.run_at
    assert f"the page linked is from the run at {Formats('en').moment(earlier.run_at)} (ok)" in index
    assert "before any cell ran" not in index and "no cell" not in index
    assert 'id="counts">3 reports: 1 ok, 2 failed' in index
    _no_orphans(out, entries)
    assert "FAILED tiny__region=South: the page could not be saved: no space left on device" in batch.summary()


@pytest.mark.slow
def test_a_notebook_papermill_cannot_save_is_not_called_a_failure_before_any_cell(tmp_path, monkeypatch):
    """Before: the page said the report failed "before any cell ran" when only saving had failed."""
    import papermill.execute

    monkeypatch.setenv("CRMLIB_SECRET", "s")
    out = tmp_path / "out"
    disk = FullDisk(papermill.execute.write_ipynb, full_for=lambda name: "region=North." in name)
    monkeypatch.setattr(papermill.execute, "write_ipynb", disk)
    index_writes = FullDisk(pages.write, full_for=lambda name: name == "index.json", times=1)
    monkeypatch.setattr(pages, "write", index_writes)  # and the first index update finds the disk full
    monkeypatch.setattr(page, "write", index_writes)  # (the index writes through crmlib.reports.page)
    batch = run_reports([TINY], out, params={"region": ["North", "South"]}, progress=False)
    assert disk.refused and index_writes.refused == ["index.json"]
    entries, index = _index(out)
    assert sorted(entries) == ["tiny__region=North", "tiny__region=South"]  # the refused update was made again
    north = entries["tiny__region=North"]
    assert north["status"] == "failed" and north["html_path"] is None
    assert north["error"].startswith("the executed notebook could not be saved: no space left on device")
    assert "before any cell ran" not in index and "OSError" not in index
    assert entries["tiny__region=South"]["status"] == "ok" and batch.unlisted == 0
    _no_orphans(out, entries)


# ----------------------------------------------------------------------------- stems


def test_values_that_differ_only_in_symbols_or_folders_get_distinct_readable_stems(tmp_path):
    """``North East`` and ``North-East`` shared ``tiny__region=North-East``; two files named tx.csv in
    different folders shared ``x__p=tx.csv``."""
    spaced, dashed = report_stem("tiny", {"region": "North East"}), report_stem("tiny", {"region": "North-East"})
    assert spaced != dashed and dashed == "tiny__region=North-East"  # nothing lost: no hash
    assert spaced.startswith("tiny__region=North-East~") and len(spaced) == len(dashed) + 9
    a, b = report_stem("x", {"p": "/data/a/tx.csv"}), report_stem("x", {"p": "/data/b/tx.csv"})
    assert a != b and a.startswith("x__p=tx.csv~") and b.startswith("x__p=tx.csv~")
    assert report_stem("x", {"p": "a__b=c"}) != report_stem("x", {"p": "a", "b": "c"})
    assert report_stem("x", {"p": "y" * 400}) != report_stem("x", {"p": "y" * 401})
    # the same values always give the same stem (a rerun replaces its own page)
    assert report_stem("tiny", {"region": "North East"}) == spaced


@pytest.mark.slow
def test_batches_with_values_sharing_a_readable_stem_keep_both_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLIB_SECRET", "s")
    out = tmp_path / "out"
    first = run_reports([TINY], out, params={"region": "North East"}, progress=False)
    second = run_reports([TINY], out, params={"region": "North-East"}, progress=False)
    assert first.ok and second.ok
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"]
    assert len(entries) == 2
    assert sorted(e["parameters"]["region"] for e in entries.values()) == ["North East", "North-East"]
    for e in entries.values():
        page = (out / e["html_path"]).read_text(encoding="utf-8")
        assert f"<th>region</th><td>{e['parameters']['region']}</td>" in page  # each page its own run


# ----------------------------------------------------------------------------- Ctrl-C


def as_from_a_terminal() -> None:
    """In the child: Ctrl-C as a terminal delivers it (a test run started as ``make test &`` from a
    non-interactive shell ignores SIGINT, and the child would inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9])
@pytest.mark.slow
def test_ctrl_c_in_the_first_second_exits_130_with_one_line(tmp_path, delay):
    """Before: a KeyboardInterrupt traceback (exit -2) while crmlib, pandas and the parser were imported."""
    proc = subprocess.Popen([sys.executable, "-m", "crmlib", "report", str(TINY), "--out", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "CRMLIB_SECRET": "s", "TMPDIR": str(tmp_path)},
                            preexec_fn=as_from_a_terminal)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("crmlib report: stopped by Ctrl-C"), err
    assert not left_folders(tmp_path), left_folders(tmp_path)


def left_folders(tmp: Path) -> list[str]:
    """The fork server's and the work folders a stopped command left in its temporary folder ``tmp``."""
    return sorted(p.name for p in tmp.glob("crmlib-*") if p.is_dir() and not p.name.startswith("crmlib-kernel-"))


def test_importing_crmlib_is_light_so_the_command_catches_ctrl_c_at_once():
    """Building the parser too: ``crmlib --help`` and argument errors answer without pandas (0.3 s)."""
    code = ("import sys, crmlib.cli; crmlib.cli.build_parser(); "
            "print(sorted({'pandas', 'numpy', 'scipy'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("first", ["import crmlib.reports.record", "from crmlib.reports.record import record",
                                   "import crmlib.reports.html", "pass"])
def test_reports_record_is_the_function_whatever_was_imported_first(first):
    """Before: once the module crmlib.reports.record had been imported, ``from crmlib.reports import
    record`` gave the module, and a page's record call failed with 'module is not callable'."""
    code = (f"{first}\nfrom crmlib.reports import record\nimport sys\n"
            "print(callable(record), 'papermill' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"], out


@pytest.mark.slow
@pytest.mark.parametrize("deaths", [1, 3])
def test_a_kernel_that_dies_while_starting_is_started_again(tmp_path, monkeypatch, deaths):
    """Before: one kernel that died before replying to kernel_info (two kernels taking the same free
    port under load) failed the report. Now it is started again; one that never starts still fails."""
    from crmlib.reports import execute

    real, calls = execute._execute_once, []

    def dies_first(*args, **kwargs):
        calls.append(1)
        if len(calls) <= deaths:
            return RuntimeError("Kernel died before replying to kernel_info"), "port in use\n"
        return real(*args, **kwargs)

    monkeypatch.setattr(execute, "_execute_once", dies_first)
    monkeypatch.setattr(execute.time, "sleep", lambda s: None)
    batch = run_reports([TINY], tmp_path / "out", progress=False)
    (result,) = batch.reports
    assert len(calls) == min(deaths + 1, execute.START_ATTEMPTS)
    if deaths < execute.START_ATTEMPTS:
        assert batch.ok and result.status == "ok", batch.summary()
    else:
        assert result.status == "failed" and "Kernel died" in (result.error or ""), result.error


def test_ctrl_c_while_the_command_line_is_imported_exits_130_with_one_line(tmp_path):
    """Ctrl-C in the first tenth of a second of ``python -m crmlib report``, while crmlib.cli itself was imported,
    came before main() could catch it: a KeyboardInterrupt traceback (the parametrised test above, at 0.3 s on a
    loaded machine, once). The import is interrupted here on purpose, the same way every run."""
    code = ("import runpy, sys\n"
            "class Stop:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'crmlib.cli':\n"
            "            raise KeyboardInterrupt\n"
            "sys.meta_path.insert(0, Stop())\n"
            f"sys.argv = ['crmlib', 'report', {str(TINY)!r}]\n"
            "runpy.run_module('crmlib', run_name='__main__', alter_sys=True)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 130 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr == "crmlib report: stopped by Ctrl-C before any report ran\n", proc.stderr


#: ``python -m crmlib ARGS`` with SIGINT arriving inside the import of pandas, in a frame that swallows the
#: KeyboardInterrupt: the initialisation of numpy.random did so (under abc.register) when Ctrl-C came 1.06 s
#: into ``crmlib report`` on a loaded machine, and the report then ran to the end with status 0; pandas' Cython
#: modules turned it into a SystemError instead, and an import interrupted in the import lock's code left the
#: lock held, so that the report thread waited for it forever (each about once in fifty Ctrl-Cs in the first
#: two seconds).
SWALLOWED_IN_AN_IMPORT = """
import os, runpy, signal, sys

class Swallowing:
    fired = False

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" and not Swallowing.fired:
            Swallowing.fired = True
            try:
                os.kill(os.getpid(), signal.SIGINT)
                for _ in range(100_000):
                    pass
            except BaseException:
                pass

sys.meta_path.insert(0, Swallowing())
sys.argv = ["crmlib", *sys.argv[1:]]
runpy.run_module("crmlib", run_name="__main__", alter_sys=True)
"""


@pytest.mark.slow
def test_ctrl_c_inside_an_import_that_swallows_it_still_stops_the_command_at_once(tmp_path):
    """Before: the interrupt was lost and the report ran (status 0). Now a Ctrl-C landing inside an import ends the
    command there, with the one line, and removes the kernels' fork server folder and the work folder it had made."""
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", SWALLOWED_IN_AN_IMPORT, "report", str(TINY), "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, preexec_fn=as_from_a_terminal,
                          env={**os.environ, "CRMLIB_SECRET": "s", "TMPDIR": str(tmp_path)})
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert proc.stderr == "crmlib report: stopped by Ctrl-C before any report ran\n", proc.stderr
    assert not out.exists() and not left_folders(tmp_path), left_folders(tmp_path)
