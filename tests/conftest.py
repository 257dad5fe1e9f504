"""Fixtures shared by several test modules."""

import pytest


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
