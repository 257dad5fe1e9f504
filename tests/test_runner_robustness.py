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

from crmlib.reports import html as pages
from crmlib.reports import run_reports
from crmlib.reports.params import plan_reports, report_stem

NOTEBOOKS = Path(__file__).parent / "notebooks"
TINY = NOTEBOOKS / "tiny.ipynb"


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


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9])
def test_ctrl_c_in_the_first_second_exits_130_with_one_line(tmp_path, delay):
    """Before: a KeyboardInterrupt traceback (exit -2) while crmlib, pandas and the parser were imported."""
    proc = subprocess.Popen([sys.executable, "-m", "crmlib", "report", str(TINY), "--out", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "CRMLIB_SECRET": "s"})
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("crmlib report: stopped by Ctrl-C"), err


def test_importing_crmlib_is_light_so_the_command_catches_ctrl_c_at_once():
    code = "import sys, crmlib.cli; print(sorted({'pandas', 'numpy', 'scipy'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
