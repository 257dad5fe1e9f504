"""crmlib.period_summary: calendar-period counting (lifetimes' rule) beside purchase days, chosen
by ``counting`` (issue 23 point 1), hourly units and include_first_transaction."""

import numpy as np
import pandas as pd
import pytest

from crmlib.config import CDNOW_DIR
from crmlib.exceptions import DataError
from crmlib.period_summary import period_summary
from crmlib.summary import rfm_summary


@pytest.fixture(scope="module")
def cdnow_sample():
    raw = pd.read_csv(CDNOW_DIR / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "cds", "amount"], dtype={"customer_id": str})
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return raw[["customer_id", "date", "amount"]]


def test_day_counting_equals_rfm_summary_on_cdnow(cdnow_sample):
    """The pandas route with counting='day' gives rfm_summary's SQL numbers on the CDNOW sample
    (2,357 customers, weeks, calibration to 1997-09-30): same customers, frequency exactly,
    times and values to 1e-9."""
    sql = rfm_summary(cdnow_sample, "1998-06-30", freq="W", calibration_end="1997-09-30")
    ours = period_summary(cdnow_sample, "1998-06-30", freq="W", counting="day", calibration_end="1997-09-30")
    assert len(ours) == len(sql) == 2357
    ours.index = ours.index.astype("string")
    ours = ours.reindex(sql.index)
    for col in ("frequency", "frequency_holdout"):
        assert (ours[col].to_numpy() == sql[col].to_numpy()).all(), col
    for col in ("recency", "T", "monetary_value", "monetary_value_holdout", "duration_holdout"):
        np.testing.assert_allclose(ours[col].to_numpy(float), sql[col].to_numpy(float), rtol=1e-9, err_msg=col)


def test_week_counting_counts_distinct_calendar_weeks():
    """Two purchases in one calendar week count once with counting='period' (lifetimes) and
    twice with purchase days (crmlib); weeks end on Sunday, times are whole weeks."""
    tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
                       "date": pd.to_datetime(["2015-01-05", "2015-01-11", "2015-01-12", "2015-01-11"]),
                       "amount": [1.0, 2.0, 4.0, 3.0]})
    weeks = rfm_summary(tx, "2015-01-31", freq="W", counting="period")
    days = rfm_summary(tx, "2015-01-31", freq="W")
    assert weeks.loc["a", "frequency"] == 1 and days.loc["a", "frequency"] == 2
    # 01-05..01-11 is one week (Mon-Sun), 01-12 the next; the end 01-31 is 3 weeks after the first
    assert weeks.loc["a", ["recency", "T"]].tolist() == [1.0, 3.0]
    assert weeks.loc["a", "monetary_value"] == 4.0  # the first week (1 + 2) is the first purchase
    assert weeks.loc["b", ["frequency", "recency", "T"]].tolist() == [0, 0.0, 3.0]
    assert weeks.attrs["counting"] == "period"


def test_hourly_period_counting_counts_clock_hours():
    """freq='H' with calendar counting: purchases in two clock hours of one day are two periods,
    and times are in hours; purchase-day counting sees one day."""
    tx = pd.DataFrame({"customer_id": ["a", "a", "a"],
                       "date": pd.to_datetime(["2024-03-01 09:10", "2024-03-01 09:50", "2024-03-01 13:05"]),
                       "amount": [5.0, 5.0, 7.0]})
    hours = period_summary(tx, "2024-03-01 20:00", freq="H", counting="period")
    assert hours.loc["a", ["frequency", "recency", "T", "monetary_value"]].tolist() == [1, 4.0, 11.0, 7.0]
    assert period_summary(tx, "2024-03-02", freq="H", counting="day").loc["a", "frequency"] == 0


def test_include_first_transaction_adds_columns_and_keeps_frequency():
    tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-02"]),
                       "amount": [10.0, 20.0, 6.0]})
    plain = rfm_summary(tx, freq="D")
    out = rfm_summary(tx, freq="D", include_first_transaction=True)
    pd.testing.assert_frame_equal(out[plain.columns], plain, check_dtype=False, check_index_type=False)
    assert out["purchases"].tolist() == [2, 1] and out["monetary_value_all"].tolist() == [15.0, 6.0]


def test_returns_follow_the_purchase_day_rule_inside_a_period():
    """A week whose returns outweigh its purchases is not a purchase week (as for days)."""
    tx = pd.DataFrame({"customer_id": ["a"] * 3, "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-09"]),
                       "amount": [10.0, 5.0, -20.0]})
    out = period_summary(tx, "2024-01-20", freq="W", counting="period")
    assert out.loc["a", "frequency"] == 0


def test_bad_counting_and_files_are_refused_with_what_to_do(tmp_path):
    tx = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"]), "amount": [1.0]})
    with pytest.raises(DataError, match=r"counting='weeks': use 'day'.*or 'period'"):
        rfm_summary(tx, counting="weeks")
    with pytest.raises(DataError, match="reads a DataFrame of transactions"):
        rfm_summary(str(tmp_path / "x.parquet"), counting="period")
