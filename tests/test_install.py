"""crmlib installed the ordinary way (a wheel, not this checkout) works from an empty folder.

The wheel is built from this checkout and installed, without its dependencies, into a new virtual
environment that borrows the test environment's third-party packages through a ``.pth`` line (so
the test needs no network and no second 1 GB install). The checkout is not on that environment's
path, so anything crmlib needs at run time must be inside the wheel.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(cmd, cwd, env=None, timeout=900):
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{cmd}\nstdout:\n{out.stdout[-3000:]}\nstderr:\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("install")
    dist, source = base / "dist", base / "source"
    # build from a copy: setuptools writes build/ and *.egg-info into the tree it builds
    top = {".git", ".venv", "build", "crmlib.egg-info", "reports", "data", "benchmarks", ".pytest_cache", ".hypothesis"}
    shutil.copytree(ROOT, source, ignore=lambda folder, names: [
        n for n in names if n == "__pycache__" or (Path(folder) == ROOT and n in top)])
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, source], cwd=base)
    wheel = next(dist.glob("crmlib-*.whl"))
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base)
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=base).stdout.strip())
    (site / "_borrowed_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel], cwd=base)
    env = {k: v for k, v in os.environ.items() if k not in {"CRMLIB_HOME", "PYTHONPATH"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["MPLCONFIGDIR"] = str(base / "mplconfig")  # a fresh matplotlib cache, as on a new machine
    # the borrowed packages' data files (nbconvert's page templates) live under the test
    # environment's share/jupyter, where a real install into this venv would have put its own
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return venv, site, env


def _files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if "__pycache__" not in p.parts}


@pytest.mark.slow
def test_installed_wheel_runs_a_report_on_own_files_from_an_empty_folder(installed, tmp_path):
    """The wheel holds what a run needs (notebooks, template, fonts, catalogues, CDNOW) and writes under the
    working folder only. One report, not the whole demo (issue 22.5): the suite itself is tested in-process
    (conftest.demo_suite); what only a wheel can break is package data, and one report reads all of it."""
    venv, site, env = installed
    python, cli = venv / "bin" / "python", venv / "bin" / "crmlib"
    work = tmp_path / "empty folder"
    work.mkdir()

    where = _run([python, "-c", "import crmlib, crmlib.datasets as d; print(crmlib.__file__); "
                  "print(len(d.load_cdnow('sample')))"], cwd=work, env=env).stdout.split()
    assert Path(where[0]).is_relative_to(site) and where[1] == "6919"  # the wheel's crmlib, with its data

    before = _files_under(site / "crmlib")
    _run([python, "-c", "import crmlib.datasets as d; d.write_demo(n_customers=300)"], cwd=work, env=env)
    assert sorted(p.name for p in (work / "data" / "demo").iterdir()) == [
        "customers.csv", "feedback.csv", "transactions.csv"]

    # the user's own file, after the demo has been run in the same folder: nothing of the demo joins in
    mine = work / "my_orders.csv"
    _run([python, "-c", "import crmlib.datasets as d; t = d.load_cdnow('sample'); "
          f"t[['customer_id', 'date', 'amount']].to_csv({str(mine)!r}, index=False)"], cwd=work, env=env)
    _run([cli, "report", "segments", "--transactions", mine, "--out", "mine"], cwd=work, env=env)
    assert _files_under(site / "crmlib") == before  # nothing written into the installation
    out = work / "mine"
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"]
    assert {e["name"] for e in entries.values()} == {"segments"}
    assert all(e["status"] == "ok" for e in entries.values()), [e.get("error") for e in entries.values()]
    for entry in entries.values():
        assert [f["path"] for f in entry["inputs"].values()] == [str(mine)], entry["inputs"]
    for page in [out / "index.html", *out.glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert "my_orders.csv" in text, page.name
        assert not re.search(r"customers\.csv|feedback\.csv|data/demo", text), page.name
    segments = (out / "segments.html").read_text(encoding="utf-8")
    assert "No feedback file was given" in segments and "NPS answers" not in segments  # no NPS column
