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
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("crmlib-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "4")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
