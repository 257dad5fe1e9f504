"""Every notebook is executed by the suite: the report notebooks shipped in crmlib/notebooks by
test_demo_reports.py, the teaching notebooks in notebooks/teaching by nbval (``make test`` runs
``pytest --nbval-lax notebooks/teaching``). Notebooks are committed without outputs."""

import json
from pathlib import Path

import pytest
from test_demo_reports import REPORTS

from crmlib import config

ROOT = Path(__file__).resolve().parents[1]
TEACHING = sorted((ROOT / "notebooks" / "teaching").glob("*.ipynb"))
ALL_NOTEBOOKS = sorted(config.REPORT_NOTEBOOKS_DIR.glob("*.ipynb")) + TEACHING


def test_every_report_notebook_is_run_by_the_suite():
    assert sorted(p.stem for p in config.REPORT_NOTEBOOKS_DIR.glob("*.ipynb")) == sorted(REPORTS)
    assert list(config.REPORTS) == REPORTS  # the reading order the index uses


def test_make_test_runs_the_teaching_notebooks_under_nbval():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--nbval-lax notebooks/teaching" in makefile
    assert TEACHING


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_clean_with_one_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in code) == 1
