"""Every notebook in notebooks/ is executed by the suite: report notebooks by test_demo_reports.py,
teaching notebooks here. Notebooks are committed without outputs."""

import json

import papermill as pm
import pytest

from crmlib import config

from test_demo_reports import REPORTS

TEACHING = sorted(config.TEACHING_NOTEBOOKS_DIR.glob("*.ipynb"))


def test_every_report_notebook_is_run_by_the_suite():
    assert sorted(p.stem for p in config.REPORT_NOTEBOOKS_DIR.glob("*.ipynb")) == sorted(REPORTS)


@pytest.mark.parametrize("path", sorted(config.NOTEBOOKS_DIR.rglob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_committed_clean_with_one_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in code) == 1


@pytest.mark.slow
@pytest.mark.parametrize("path", TEACHING, ids=lambda p: p.name)
def test_teaching_notebook_runs(path, tmp_path):
    pm.execute_notebook(str(path), str(tmp_path / path.name), kernel_name="python3", progress_bar=False,
                        cwd=str(tmp_path))
