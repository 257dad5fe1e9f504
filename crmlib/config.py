"""Every path crmlib uses, in one place.

The repository layout is::

    data/       bundled input data (CDNOW) and the generated demo data (data/demo/)
    notebooks/  reports/ (parameterised report notebooks) and teaching/
    reports/    generated HTML and executed notebooks (not committed)

Paths resolve relative to the repository when crmlib runs from a checkout, and
can be moved with the ``CRMLIB_HOME`` environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("CRMLIB_HOME", PACKAGE_DIR.parent)).resolve()

DATA_DIR = ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"
CDNOW_DIR = DATA_DIR / "cdnow"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORT_NOTEBOOKS_DIR = NOTEBOOKS_DIR / "reports"
TEACHING_NOTEBOOKS_DIR = NOTEBOOKS_DIR / "teaching"
REPORTS_DIR = ROOT / "reports"

#: Name of the environment variable holding the key for pseudonymising identifiers.
SECRET_ENV = "CRMLIB_SECRET"


def report_notebook(name: str) -> Path:
    """Path of the report notebook ``notebooks/reports/NAME.ipynb``."""
    return REPORT_NOTEBOOKS_DIR / f"{name}.ipynb"
