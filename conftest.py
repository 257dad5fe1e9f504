"""Project-wide pytest set-up.

Keeps pytest's doctest collection away from the module that runs the command line on import, and
holds fixtures shared by several test modules (here, not in tests/conftest.py, whose module name
would clash with tests/clv/conftest.py when doctests collect conftest files).
"""

import os

import pytest

collect_ignore = ["crmlib/__main__.py"]

#: One thread per test process for OpenMP (scikit-learn's gradient boosting) and OpenBLAS. pytest-xdist
#: already runs one worker per core; a thread pool per worker on top spins for the other worker's core:
#: the 6,000-row calibrated fits of ``tests/test_churn_scores.py`` took 69 s instead of 0.8 s under
#: ``make check`` on two cores. Set before any test module imports numpy or scikit-learn (their thread
#: pools read it once, when loaded); report kernels started by tests inherit it. A value the caller set wins.
THREAD_LIMITS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
for _name, _value in THREAD_LIMITS.items():
    os.environ.setdefault(_name, _value)

#: Session fixtures that cost seconds to minutes: under pytest-xdist (``make test`` runs ``-n 2 --dist
#: loadgroup``) every test using one runs on the same worker, so each is built once per run.
SHARED_RUNS = ("demo_suite", "spark")


def pytest_configure(config):
    """Under ``--dist loadgroup``, xdist hands out groups in the order :func:`pytest_collection_modifyitems`
    gives them (longest first), not by its default of "most tests first", which sent a group of one test
    of a minute or more (a coverage simulation, a batch of reports) to the end of the run, where one
    worker ran it while the other idled."""
    if getattr(config.option, "dist", None) == "loadgroup":
        config.option.loadscopereorder = False


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under xdist's loadgroup, keep tests that share an expensive fixture on one worker, longest first.

    A test using a fixture of :data:`SHARED_RUNS` joins that fixture's group; a test using a
    module-scoped fixture of its own file joins its file's group (a module fixture built on two
    workers would run twice). Groups are then sent longest first, so both workers stay busy until
    the end: the demo suite's group, then groups holding tests marked ``slow`` (full fits, report
    runs; the more, the sooner), then the rest, larger groups first (xdist's own default order)."""
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers under --dist loadgroup
        return
    for item in items:
        group = _shared_group(item)
        if group and "@" not in item.nodeid.rpartition("]")[2]:
            _set_nodeid(item, f"{item.nodeid}@{group}")
    slow: dict[str, int] = {}
    size: dict[str, int] = {}
    for item in items:
        scope = _scope(item)
        slow[scope] = slow.get(scope, 0) + (item.get_closest_marker("slow") is not None)
        size[scope] = size.get(scope, 0) + 1
    items.sort(key=lambda item: (not _scope(item).endswith("@demo_suite"), -slow[_scope(item)], -size[_scope(item)]))


def _scope(item) -> str:
    """The unit xdist's loadgroup sends to one worker (its ``_split_scope``): the ``@group`` when the
    test has one, else the test itself."""
    nodeid = item.nodeid
    return "@" + nodeid.rsplit("@", 1)[-1] if nodeid.rfind("@") > nodeid.rfind("]") else nodeid


def _set_nodeid(item, nodeid: str) -> None:
    """What an ``xdist_group`` mark does: loadgroup sends tests whose node id ends in the same
    ``@group`` to one worker. xdist 3.8 writes ``item._nodeid``, which pytest 9 no longer reads (the
    id lives in ``item._id``), so its marks group nothing there; this sets whichever exists."""
    if hasattr(item, "_id"):
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(nodeid)
    else:
        item._nodeid = nodeid


def _shared_group(item) -> str | None:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    names = set(info.name2fixturedefs)
    for name in SHARED_RUNS:
        if name in names:
            return name
    for defs in info.name2fixturedefs.values():
        if defs and defs[-1].scope == "module" and str(getattr(defs[-1], "baseid", "")).startswith("tests"):
            return item.nodeid.split("::")[0]
    return None


#: The test session's JVM compiles with the quick C1 compiler only and collects garbage on one thread: the
#: Spark tests run small jobs once each, where the optimising C2 compiler's work (on spare threads, so it
#: shows as CPU, not as wall time, on two idle cores) never pays back. Measured on CDNOW master's customer
#: table: the JVM's CPU 27.5 -> 14.1 s for the first table, 9.9 -> 5.1 s for the second. Neither flag changes
#: what Java computes.
SPARK_TEST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


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
               .config("spark.driver.extraJavaOptions", SPARK_TEST_JVM)
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "4")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def demo_data():
    """The demo suite's data set (800 customers, seed 7), generated in well under a second: a test that
    runs its own reports on the demo's data takes it from here rather than from :func:`demo_suite`,
    which would bind it to the demo suite's worker."""
    from crmlib import datasets

    return datasets.make_crm_dataset(n_customers=800, seed=7)


@pytest.fixture(scope="session")
def demo_suite(tmp_path_factory, demo_data):
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

    from crmlib import reports
    from crmlib.cli import DEMO_REPORTS

    root = tmp_path_factory.mktemp("demo")
    data = demo_data
    paths = data.write(root / "data")
    out = root / "reports"
    batch, cdnow = reports.run_suites([  # as crmlib demo runs them: one pool of two kernels for both batches
        {"names": [name for name, _ in DEMO_REPORTS], "out_dir": out, "inputs": {k: str(v) for k, v in paths.items()}},
        {"names": ["segments"], "out_dir": out / "cdnow", "params": {"dataset": ["cdnow_master"]}},
    ], jobs=2)
    pages = ([out / "index.html"] + [r.html_path for r in batch.reports]
             + [out / "cdnow" / "index.html"] + [r.html_path for r in cdnow.reports])
    return SimpleNamespace(data=data, batch=batch, cdnow=cdnow, out=out, pages=pages)
