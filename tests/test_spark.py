"""crmlib.spark.rfm_summary gives the same summary as crmlib.summary.rfm_summary, computed in Spark.

Both compute the same integers (day counts) and divide by the same unit, so recency, T and the
holdout duration agree exactly; the amounts are float sums taken in a different order in Spark, so
money is compared within 1e-9 (the rounding of sums of a few dozen amounts below 10^5 is ~1e-11).
"""

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, ledger_of
from crmlib.datasets import load_cdnow, make_crm_dataset
from crmlib.summary import rfm_summary

from crmlib import spark as crmspark  # pyspark is a test dependency: these tests never skip

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:Could not serialize pd.DataFrame.attrs:UserWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]  # inside pyspark


def to_spark(spark, tx):
    return spark.createDataFrame(tx[["customer_id", "date", "amount"]])


def assert_same_summary(got, want):
    assert list(got.columns) == list(want.columns)
    assert got.index.name == "customer_id"
    assert got.index.dtype == want.index.dtype
    assert list(got.index) == list(want.index)   # same customers, same (sorted) order
    for column in want.columns:
        if column.startswith("frequency"):
            assert got[column].dtype == "int64"
            np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy(), err_msg=column)
        else:
            np.testing.assert_allclose(got[column].to_numpy(), want[column].to_numpy(), rtol=0, atol=1e-9,
                                       err_msg=column)
    assert got.attrs["freq"] == want.attrs["freq"]
    assert got.attrs["observation_end"] == want.attrs["observation_end"]
    assert got.attrs["calibration_end"] == want.attrs["calibration_end"]
    got_led, want_led = ledger_of(got), ledger_of(want)
    assert got_led.rows_read == want_led.rows_read
    assert [(e.reason, e.rows, e.action) for e in got_led.entries] == \
           [(e.reason, e.rows, e.action) for e in want_led.entries]
    assert got_led.notes == want_led.notes


def test_cdnow_sample_weeks_with_holdout_equals_pandas(spark):
    """CDNOW sample (Fader, Hardie & Lee 2005 setup): 39-week calibration to 1997-09-30, holdout to
    1998-06-30, in weeks."""
    tx = load_cdnow("sample")
    args = dict(observation_end="1998-06-30", freq="W", calibration_end="1997-09-30")
    got = crmspark.rfm_summary(to_spark(spark, tx), **args)
    want = rfm_summary(tx, **args)
    assert len(got) == 2357
    assert got["frequency_holdout"].sum() > 0
    assert_same_summary(got, want)


@pytest.fixture(scope="module")
def demo_with_returns():
    """Simulated demo transactions plus hand-made edge cases (dates inside the demo period)."""
    tx = make_crm_dataset(500, seed=1).transactions[["customer_id", "date", "amount"]]
    extra = pd.DataFrame([
        # x1: a day whose returns outweigh its purchases is no purchase day; a same-day return that
        # does not outweigh lowers the day's value; a later return does not touch earlier purchases
        ("x1", "2024-02-01", 50.0), ("x1", "2024-03-01", 20.0), ("x1", "2024-03-01", -30.0),
        ("x1", "2024-04-01", 40.0), ("x1", "2024-04-01", -10.0), ("x1", "2024-05-01", -50.0),
        ("x1", "2025-03-01", 25.0),
        # x2: returns only -> left out, counted as "no purchase day"
        ("x2", "2024-06-01", -15.0), ("x2", "2024-07-01", -5.0),
        # x3: first purchase after calibration end -> left out; a zero-amount purchase counts
        ("x3", "2025-02-01", 0.0), ("x3", "2025-02-10", 12.0),
        # x4: a purchase and a return of the same value on one day nets 0 and is a purchase day
        ("x4", "2024-03-05", 10.0), ("x4", "2024-03-05", -10.0), ("x4", "2024-03-09", 8.0),
    ], columns=["customer_id", "date", "amount"]).assign(date=lambda d: pd.to_datetime(d["date"]))
    out = pd.concat([tx, extra], ignore_index=True)
    out["customer_id"] = out["customer_id"].astype("string")
    return out


def test_demo_data_with_returns_equals_pandas_including_ledger(spark, demo_with_returns):
    tx = demo_with_returns
    assert (tx["amount"] < 0).sum() > 5   # the simulated data and the extra rows carry returns
    args = dict(observation_end="2025-12-31", freq="W", calibration_end="2025-01-15")
    got = crmspark.rfm_summary(to_spark(spark, tx), **args)
    want = rfm_summary(tx, **args)
    assert_same_summary(got, want)
    reasons = {e.reason: e.rows for e in ledger_of(got).entries}
    assert reasons["no purchase day"] >= 1 and reasons["first purchase after calibration end"] >= 1
    assert "x2" not in got.index and "x3" not in got.index
    x1 = got.loc["x1"]   # purchase days 02-01 (50), 04-01 (30), 2025-03-01 (25, holdout)
    assert x1["frequency"] == 1 and x1["monetary_value"] == pytest.approx(30.0)
    assert x1["frequency_holdout"] == 1 and x1["monetary_value_holdout"] == pytest.approx(25.0)
    x4 = got.loc["x4"]
    assert x4["frequency"] == 1 and x4["recency"] == pytest.approx(4 / 7)


@pytest.mark.parametrize("freq", ["D", "M"])
def test_days_and_months_without_holdout_equal_pandas(spark, demo_with_returns, freq):
    tx = demo_with_returns
    sdf = to_spark(spark, tx)
    # default observation end (the last transaction day), and an earlier one that leaves days out
    for observation_end in (None, "2025-06-30"):
        got = crmspark.rfm_summary(sdf, observation_end=observation_end, freq=freq)
        want = rfm_summary(tx, observation_end=observation_end, freq=freq)
        assert "frequency_holdout" not in got.columns
        assert_same_summary(got, want)
    assert ledger_of(got).notes   # the customer-days after 2025-06-30 are noted


def test_bad_input_raises_data_error(spark):
    good = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"]), "amount": [1.0]})
    with pytest.raises(DataError, match="freq"):
        crmspark.rfm_summary(spark.createDataFrame(good), freq="Q")
    with pytest.raises(DataError, match="pyspark DataFrame"):
        crmspark.rfm_summary(good)
    with pytest.raises(DataError, match=r"missing \['amount'\]"):
        crmspark.rfm_summary(spark.createDataFrame(good[["customer_id", "date"]]))
    with_null = pd.DataFrame({"customer_id": ["a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                              "amount": [1.0, None]})
    with pytest.raises(DataError, match=r"column 'amount': 1 rows .*\['b'\]"):
        crmspark.rfm_summary(spark.createDataFrame(with_null))
    with pytest.raises(DataError, match="calibration_end"):
        crmspark.rfm_summary(spark.createDataFrame(good), observation_end="2024-01-01",
                             calibration_end="2024-02-01")


def test_missing_pyspark_says_how_to_install(monkeypatch):
    """crmlib.spark imports without pyspark; calling it then names the extra to install."""
    import sys

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ImportError, match=r"pip install 'crmlib\[spark\]'"):
        crmspark.rfm_summary(None)


def test_the_test_session_jvm_runs_with_the_quick_compiler_and_serial_collector(spark):
    """conftest.SPARK_TEST_JVM reached the driver JVM (the Spark tests' CPU: C1 only, one GC thread)."""
    args = list(spark.sparkContext._jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
    assert {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"} <= set(args), args
