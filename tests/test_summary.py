"""rfm_summary: the lifetimes conventions, and the published CDNOW summary reproduced exactly."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib import DataError, ledger_of
from crmlib.config import CDNOW_DIR
from crmlib.summary import last_purchase, rfm_summary


def test_cdnow_sample_matches_fader_hardie_lee_2005_published_summary():
    """CDNOW sample, 39-week calibration ending 1997-09-30, in weeks, against the published
    per-customer summary (Fader, Hardie & Lee 2005; cdnow_customers_summary.csv).
    The published file rounds recency and T to 2 decimals and zbar to 2 decimals (half-up), so we
    compare after rounding: exact for frequency, within 0.005 weeks and 0.01 dollars."""
    from crmlib.datasets import load_cdnow

    tx = load_cdnow("sample")
    summary = rfm_summary(tx, observation_end="1998-06-30", freq="W", calibration_end="1997-09-30")
    # the published file numbers customers by their sample id, the second column of CDNOW_sample.txt
    raw = pd.read_csv(CDNOW_DIR / "CDNOW_sample.txt", sep=r"\s+", header=None, dtype=str,
                      usecols=[0, 1], names=["customer_id", "sample_id"]).drop_duplicates()
    sample_id = raw.set_index("customer_id")["sample_id"].astype(int)
    summary = summary.set_axis(sample_id.loc[summary.index].to_numpy()).sort_index()
    published = pd.read_csv(CDNOW_DIR / "cdnow_customers_summary.csv")
    with_value = pd.read_csv(CDNOW_DIR / "cdnow_customers_summary_with_transactions.csv")
    assert len(summary) == len(published) == 2357
    assert (summary["frequency"].to_numpy() == published["frequency"].to_numpy()).all()
    np.testing.assert_allclose(summary["recency"], published["recency"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(summary["T"], published["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(summary["monetary_value"], with_value["zbar"], atol=0.01 + 1e-9)
    assert summary.attrs["freq"] == "W"
    np.testing.assert_allclose(summary["duration_holdout"], 273 / 7)  # 1997-09-30 to 1998-06-30


def tx_frame(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"]).assign(
        date=lambda d: pd.to_datetime(d["date"]))


def test_same_day_purchases_count_once_and_returns_do_not_count():
    tx = tx_frame([("a", "2024-01-01", 10), ("a", "2024-01-01", 5), ("a", "2024-01-08", 20),
                   ("a", "2024-01-09", -20), ("a", "2024-01-15", 30), ("a", "2024-01-15", -10)])
    s = rfm_summary(tx, observation_end="2024-01-29", freq="D")
    row = s.loc["a"]
    assert row["frequency"] == 2          # 01, 08, 15: the return-only day 09 is no purchase
    assert row["recency"] == 14 and row["T"] == 28
    assert row["monetary_value"] == pytest.approx((20 + 20) / 2)  # day 15 nets 30 - 10


def test_units_are_explicit():
    tx = tx_frame([("a", "2024-01-01", 1), ("a", "2024-03-01", 1)])
    days = rfm_summary(tx, observation_end="2024-12-31", freq="D").loc["a"]
    weeks = rfm_summary(tx, observation_end="2024-12-31", freq="W").loc["a"]
    months = rfm_summary(tx, observation_end="2024-12-31", freq="M").loc["a"]
    assert weeks["T"] == pytest.approx(days["T"] / 7)
    assert months["T"] == pytest.approx(days["T"] / (365.2425 / 12))
    with pytest.raises(DataError, match="'Q'"):
        rfm_summary(tx, freq="Q")


def test_customers_left_out_are_counted():
    tx = tx_frame([("a", "2024-01-01", 1), ("b", "2024-06-01", 1), ("c", "2024-01-05", -3)])
    s = rfm_summary(tx, observation_end="2024-12-31", calibration_end="2024-03-01")
    assert list(s.index) == ["a"]
    reasons = {e.reason: e.rows for e in ledger_of(s).entries}
    assert reasons == {"no purchase day": 1, "first purchase after calibration end": 1}


def test_holdout_columns():
    tx = tx_frame([("a", "2024-01-01", 10), ("a", "2024-02-01", 20), ("a", "2024-04-01", 30),
                   ("a", "2024-05-01", 50)])
    s = rfm_summary(tx, observation_end="2024-06-30", calibration_end="2024-03-01", freq="D").loc["a"]
    assert s["frequency"] == 1 and s["frequency_holdout"] == 2
    assert s["monetary_value_holdout"] == 40 and s["duration_holdout"] == 121


def test_last_purchase_ignores_return_only_days():
    tx = tx_frame([("a", "2024-01-01", 10), ("a", "2024-02-01", -10)])
    assert last_purchase(tx).loc["a"] == pd.Timestamp("2024-01-01")


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(0, 300), st.integers(1, 500)),
                min_size=1, max_size=40))
def test_summary_invariants(rows):
    """Property: 0 <= recency <= T, frequency below the number of rows, and row order does not matter."""
    tx = pd.DataFrame({"customer_id": [r[0] for r in rows],
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
                       "amount": [float(r[2]) for r in rows]})
    s = rfm_summary(tx, observation_end="2025-01-01")
    assert ((s["recency"] >= 0) & (s["recency"] <= s["T"])).all()
    assert s["frequency"].sum() <= len(tx) - len(s)
    shuffled = rfm_summary(tx.sample(frac=1, random_state=1), observation_end="2025-01-01")
    pd.testing.assert_frame_equal(s, shuffled)


def test_a_day_whose_returns_outweigh_its_purchases_is_no_purchase():
    tx = tx_frame([("a", "2024-01-01", 50), ("a", "2024-01-10", 10), ("a", "2024-01-10", -100),
                   ("a", "2024-01-20", 30)])
    row = rfm_summary(tx, observation_end="2024-01-31").loc["a"]
    assert row["frequency"] == 1 and row["monetary_value"] == 30
