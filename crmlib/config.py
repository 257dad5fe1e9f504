"""Every path crmlib uses, in one place: what ships inside the package, and where output goes.

Shipped with the package (read with :mod:`importlib.resources`, so an installed wheel has them)::

    crmlib/notebooks/    the report notebooks (overview, segments, clv, feedback, retention)
    crmlib/data/cdnow/   the CDNOW data of Fader, Hardie & Lee (2005)
    crmlib/data/*.yaml   what the demo data are generated from
    crmlib/fonts/        the Lohit Devanagari and Bengali fonts
    crmlib/templates/    the HTML page template

Generated files go under the *working folder*: the ``CRMLIB_HOME`` environment variable when it
is set, else the current directory at the time of use (never the installation)::

    data/demo/   the demo data written by ``crmlib demo``
    reports/     pages, executed notebooks and index.html

``DEMO_DIR`` and ``REPORTS_DIR`` are read at the moment they are used, so a program that changes
directory (or sets ``CRMLIB_HOME``) after importing crmlib writes where it now is.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: Environment variable that moves generated data and reports away from the current directory.
HOME_ENV = "CRMLIB_HOME"
#: Name of the environment variable holding the key for pseudonymising identifiers.
SECRET_ENV = "CRMLIB_SECRET"
#: Environment variable naming the work folder the kernels of a batch of reports share
#: (:mod:`crmlib.shared_table`); set by the report runner, used only while that folder exists.
WORK_ENV = "CRMLIB_WORK_DIR"

PACKAGE_DIR = Path(str(resources.files("crmlib"))).resolve()
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"
CDNOW_DIR = PACKAGE_DATA_DIR / "cdnow"
REPORT_NOTEBOOKS_DIR = PACKAGE_DIR / "notebooks"
FONTS_DIR = PACKAGE_DIR / "fonts"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

#: The reports crmlib ships, in reading order (the index lists them in this order), each with whether
#: ``crmlib demo`` runs it on the demo data. The one list: the command line's help, the demo and the
#: index's reading order are derived from it.
SHIPPED_REPORTS = (
    ("overview", {"demo": True}),
    ("segments", {"demo": True}),
    ("clv", {"demo": True}),
    ("feedback", {"demo": True}),
    ("retention", {"demo": True}),
)
#: The names of :data:`SHIPPED_REPORTS`, in reading order.
REPORTS = tuple(name for name, _ in SHIPPED_REPORTS)
#: The reports ``crmlib demo`` runs on the demo data, in reading order.
DEMO_REPORTS = tuple(name for name, about in SHIPPED_REPORTS if about["demo"])
#: The buy-till-you-die models a report can use, by the name a user passes as ``model`` (crmlib.customers
#: fits them; kept here so that checking a request's ``-p model=`` does not import the models and scipy.stats).
TRANSACTION_MODELS = ("BetaGeo", "ModifiedBetaGeo", "ParetoNBD")


def home() -> Path:
    """The working folder for generated files: ``$CRMLIB_HOME``, else the current directory."""
    return Path(os.environ.get(HOME_ENV) or os.getcwd()).resolve()


def demo_dir() -> Path:
    """Where ``crmlib demo`` writes the demo data: ``HOME/data/demo``."""
    return home() / "data" / "demo"


def reports_dir() -> Path:
    """Where reports go unless ``--out`` says otherwise: ``HOME/reports``."""
    return home() / "reports"


def work_dir() -> Path | None:
    """The work folder of the batch of reports this process runs in (``$CRMLIB_WORK_DIR``), or None
    outside a batch (the variable unset, or its folder gone)."""
    folder = os.environ.get(WORK_ENV)
    return Path(folder) if folder and os.path.isdir(folder) else None


def report_notebook(name: str) -> Path:
    """Path of the shipped report notebook ``crmlib/notebooks/NAME.ipynb``."""
    return REPORT_NOTEBOOKS_DIR / f"{name}.ipynb"


def __getattr__(name: str) -> Path:
    # DEMO_DIR and REPORTS_DIR follow the working folder at the moment they are read.
    if name == "DEMO_DIR":
        return demo_dir()
    if name == "REPORTS_DIR":
        return reports_dir()
    raise AttributeError(f"module 'crmlib.config' has no attribute {name!r}")
