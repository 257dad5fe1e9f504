"""crmlib.segment_words: segment rules in words, medians per segment, and the single-cohort note (issue 11.6)."""

import numpy as np
import pandas as pd
import pytest

from crmlib import datasets, rfm
from crmlib.customers import customer_table
from crmlib.rfm import RFMScale, default_scheme
from crmlib.segment_words import cohort_note, rule_words, segment_table


@pytest.fixture
def scale():
    """R cut at 200, 100, 40, 12 days since the last purchase; F at 0, 1, 3, 6 repeat purchases."""
    return RFMScale(bins=5, r=np.array([-200.0, -100.0, -40.0, -12.0]), f=np.array([0.0, 1.0, 3.0, 6.0]),
                    m=np.array([1.0, 2.0, 3.0, 4.0]), freq="D")


def test_default_scheme_rules_in_words(scale):
    words = rule_words(default_scheme(), scale)
    assert words["Champions"] == "last purchase at most 11 days ago and at least 4 repeat purchases"
    assert words["Loyal"] == "last purchase 12 to 99 days ago and at least 4 repeat purchases"
    assert words["Potential Loyalist"] == "last purchase at most 39 days ago and 1 to 3 repeat purchases"
    assert words["New"] == "last purchase at most 11 days ago and no repeat purchase"
    assert words["Promising"] == "last purchase 12 to 39 days ago and no repeat purchase"
    assert words["Need Attention"] == "last purchase 40 to 99 days ago and 2 to 3 repeat purchases"
    assert words["At Risk"] == "last purchase at least 100 days ago and 2 to 6 repeat purchases"
    assert words["Can't Lose Them"] == "last purchase at least 100 days ago and at least 7 repeat purchases"
    assert words["Hibernating"] == "last purchase 100 to 199 days ago and at most 1 repeat purchase"
    assert words["Lost"] == "last purchase at least 200 days ago and at most 1 repeat purchase"


def test_rule_words_agree_with_the_scores(scale):
    """Every customer's days and repeat purchases satisfy the words of the segment rfm.segment gives them."""
    rng = np.random.default_rng(42)
    gap = rng.integers(0, 400, 500).astype(float)
    freq = rng.integers(0, 12, 500).astype(float)
    summary = pd.DataFrame({"frequency": freq, "recency": 400 - gap, "T": 400.0, "monetary_value": 1.0})
    scored = rfm.score(summary, thresholds=scale)
    seg = rfm.segment(scored).astype(str)
    words = rule_words(default_scheme(), scale)
    for name, text in words.items():
        members = seg == name
        if not members.any():
            continue
        g, f = gap[members.to_numpy()], freq[members.to_numpy()]
        if "at most 11 days" in text:
            assert g.max() <= 11
        if "at least 200 days" in text:
            assert g.min() >= 200
        if "no repeat purchase" in text:
            assert f.max() == 0
        if "at least 7 repeat" in text:
            assert f.min() >= 7


@pytest.fixture(scope="module")
def cdnow():
    return datasets.load_cdnow("sample")


def test_single_cohort_note_on_cdnow_and_not_on_demo_data(cdnow):
    """CDNOW's customers were all acquired in the first quarter of 1997; the demo customers over
    three quarters of two years."""
    note = cohort_note(cdnow)
    assert note is not None and "single acquisition cohort" in note
    assert "1997" in note and "recency" in note
    demo = datasets.make_crm_dataset(400, seed=3).transactions
    assert cohort_note(demo) is None


def test_segment_table_medians_and_shares(cdnow):
    scored = customer_table(cdnow, model=None)
    prof = rfm.profile(scored)
    table = segment_table(scored, prof)
    assert list(table.columns) == ["rule", "customers", "customer_share", "revenue_share",
                                   "median_days_since_last_purchase", "median_repeat_purchases", "median_spend"]
    champions = scored[scored["segment"] == "Champions"]
    assert table.loc["Champions", "median_repeat_purchases"] == champions["frequency"].median()
    assert table.loc["Champions", "median_days_since_last_purchase"] == champions["days_since_last_purchase"].median()
    assert table.loc["Champions", "median_spend"] == pytest.approx(champions["mean_spend"].median())
    assert table["customers"].sum() == len(scored) == 2357
    assert table["rule"].str.startswith("last purchase").all()
