"""The project's two dependency lists agree, and the package imports cleanly."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from the PyPI name
CONDA_NAMES = {"pyyaml": "pyyaml"}


def _req(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = dict(_req(s) for s in project["dependencies"] + extras["lab"] + extras["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = dict(_req(s) for s in env["dependencies"] if isinstance(s, str))
    listed.pop("python"), listed.pop("pip")
    assert listed == {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}


@pytest.mark.slow
def test_import_changes_no_global_state():
    # scipy, scikit-learn and matplotlib add warning filters of their own when imported; crmlib must add none
    code = ("import warnings, pandas as pd, scipy.special, scipy.optimize, sklearn.cluster, seaborn;"
            "before = (list(warnings.filters), pd.get_option('display.max_rows'));"
            "import crmlib, crmlib.io, crmlib.summary, crmlib.privacy, crmlib.clv, crmlib.feedback, crmlib.rfm;"
            "assert (list(warnings.filters), pd.get_option('display.max_rows')) == before")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
