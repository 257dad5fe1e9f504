"""Project-wide pytest set-up.

Keeps pytest's doctest collection away from the module that runs the command line on import, and
holds fixtures shared by several test modules (here, not in tests/conftest.py, whose module name
would clash with tests/clv/conftest.py when doctests collect conftest files).
"""

import pytest

collect_ignore = ["crmlib/__main__.py"]


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (2 cores, UTC) for every Spark test: starting one costs seconds."""
    import os
    import sys

    from pyspark.sql import SparkSession

    # Python workers (pandas UDFs of crmlib.spark.customer_table) run this interpreter, with crmlib
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    session = (SparkSession.builder.master("local[2]").appName("crmlib-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "4")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def demo_suite(tmp_path_factory):
    """The pages ``crmlib demo`` writes, built once per test session: the demo data (800 customers,
    seed 7) and every report on exactly those files into one folder with its index.html, then, as
    ``crmlib demo`` does, the segment report on CDNOW into its own folder ``cdnow/`` with its own
    index (another data set is not mixed into the demo's index). Several modules read it
    (test_demo_reports, test_browser, test_pages); a run of the five reports costs about a minute
    on two cores, so it is not repeated.

    Returns a namespace: ``data`` (the generated dataset), ``batch`` (the five demo reports),
    ``cdnow`` (the CDNOW segment report), ``out`` (the reports folder), ``pages`` (every page's path,
    index.html first, the CDNOW index and page last).
    """
    from types import SimpleNamespace

    from crmlib import datasets, reports
    from crmlib.cli import DEMO_REPORTS

    root = tmp_path_factory.mktemp("demo")
    data = datasets.make_crm_dataset(n_customers=800, seed=7)
    paths = data.write(root / "data")
    out = root / "reports"
    batch = reports.run_reports([name for name, _ in DEMO_REPORTS], out_dir=out,
                                inputs={k: str(v) for k, v in paths.items()}, jobs=2)
    cdnow = reports.run_reports(["segments"], out_dir=out / "cdnow", params={"dataset": ["cdnow_master"]}, jobs=1)
    pages = ([out / "index.html"] + [r.html_path for r in batch.reports]
             + [out / "cdnow" / "index.html"] + [r.html_path for r in cdnow.reports])
    return SimpleNamespace(data=data, batch=batch, cdnow=cdnow, out=out, pages=pages)
