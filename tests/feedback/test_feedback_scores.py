"""Tests for crmlib.feedback.scores: NPS, CSAT, CES, their intervals and grouped tables."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from crmlib.exceptions import DataError
from crmlib.feedback import (ces, csat, join_value, nps, nps_by, nps_category, score_by,
                             value_at_risk, wilson_interval)


def test_nps_interval_matches_hand_computation_rocks_2016_adjusted_wald():
    """Rocks (2016), The American Statistician 70(4): adjusted Wald with T = z^2 pseudo-answers.

    10 answers: 5 promoters, 2 passives, 3 detractors. Recomputed step by step with z to 6
    decimals; the tolerance 1e-4 points only covers that rounding of z.
    """
    r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 0])
    assert (r.n, r.promoters, r.passives, r.detractors) == (10, 0.5, 0.2, 0.3)
    assert r.score == pytest.approx(20.0)
    z = 1.959964
    t = z**2                        # 3.841459
    n_adj = 10 + t                  # 13.841459
    p_pro = (5 + t / 4) / n_adj     # 0.430620
    p_det = (3 + t / 4) / n_adj     # 0.286125
    centre = p_pro - p_det          # 0.144495
    var = (p_pro + p_det - centre**2) / n_adj
    half = z * math.sqrt(var)
    assert r.lower == pytest.approx(100 * (centre - half), abs=1e-4)
    assert r.upper == pytest.approx(100 * (centre + half), abs=1e-4)
    assert r.lower == pytest.approx(-29.50, abs=0.01)
    assert r.upper == pytest.approx(58.40, abs=0.01)


def test_nps_plus_three_variant_and_confidence_level():
    """pseudo=3 adds 3/4 to promoters and detractors and 3 to n (Lewis & Sauro's '+3' form)."""
    r = nps([10] * 40 + [8] * 30 + [2] * 30, pseudo=3)
    n_adj, p, d = 103, (40 + 0.75) / 103, (30 + 0.75) / 103
    half = stats.norm.ppf(0.975) * math.sqrt((p + d - (p - d) ** 2) / n_adj)
    assert r.lower == pytest.approx(100 * (p - d - half))
    wider = nps([10] * 40 + [8] * 30 + [2] * 30, confidence=0.99)
    assert wider.upper - wider.lower > r.upper - r.lower


def test_nps_ignores_blanks_and_rejects_off_scale_values():
    r = nps(pd.Series([10, pd.NA, 0, None], dtype="Int64"))
    assert r.n == 2 and r.score == 0.0
    with pytest.raises(DataError, match=r"'nps'.*whole numbers from 0 to 10, at index \[1\]: 11"):
        nps(pd.Series([3, 11, 5], name="nps"))
    with pytest.raises(DataError, match="not numbers"):
        nps(["9", "ten"])
    empty = nps([])
    assert empty.n == 0 and math.isnan(empty.score)


def test_csat_top2box_wilson_interval_by_hand():
    """Wilson (1927): centre (p + z^2/2n)/(1 + z^2/n); 7 of 10 in the top two boxes."""
    r = csat([5, 5, 4, 4, 4, 4, 5, 3, 2, 1])
    assert r.score == pytest.approx(70.0)
    z, n, p = stats.norm.ppf(0.975), 10, 0.7
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n * n)) / (1 + z**2 / n)
    assert r.lower == pytest.approx(100 * (centre - half))
    assert r.upper == pytest.approx(100 * (centre + half))
    assert r.lower == pytest.approx(39.68, abs=0.01)  # the textbook value for 7/10


def test_ces_mean_with_t_interval():
    x = [1, 2, 3, 4, 5, 6, 7, 7, 6, 5]
    r = ces(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    assert (r.score, r.lower, r.upper) == pytest.approx((4.6, lo, hi))
    with pytest.raises(DataError, match="1 to 7"):
        ces([0, 3])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=300), st.sampled_from([0.8, 0.9, 0.95]))
def test_nps_properties(answers, confidence):
    r = nps(answers, confidence=confidence)
    assert -100 <= r.lower <= r.upper <= 100
    assert r.promoters + r.passives + r.detractors == pytest.approx(1.0)
    assert r.score == pytest.approx(100 * (r.promoters - r.detractors))
    # the adjusted centre is pulled toward 0, but the interval always holds the sample NPS
    assert r.lower - 1e-9 <= r.score <= r.upper + 1e-9


@pytest.mark.parametrize("answers, lower, upper", [
    ([10], -46.0, 100.0),        # adjusted Wald alone: [-46.0, 87.3], missing the NPS of 100
    ([10, 10, 10], -10.5, 100.0),  # alone: upper 98.2
    ([0], -100.0, 46.0),
    ([3, 0, 6], -100.0, 10.5),
])
def test_nps_interval_holds_the_estimate_for_one_sided_small_groups(answers, lower, upper):
    """Rocks (2016) adjusted Wald, with the bound on the side of the sample NPS moved to it.

    The kept bounds are the adjusted-Wald ones (T = z**2 pseudo-answers), to 0.1 point.
    """
    r = nps(answers)
    assert (round(r.lower, 1), round(r.upper, 1)) == (lower, upper)
    assert r.lower <= r.score <= r.upper


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 200), st.integers(1, 200))
def test_wilson_interval_contains_share(k, n):
    k = min(k, n)
    lo, hi = wilson_interval(k, n)
    assert 0 <= lo <= k / n <= hi <= 1


def test_nps_category():
    cats = nps_category([0, 6, 7, 8, 9, 10, None])
    assert cats.iloc[:6].tolist() == ["detractor", "detractor", "passive", "passive",
                                      "promoter", "promoter"]
    assert pd.isna(cats.iloc[6])


def test_score_by_period_and_group_flags_small_cells(corpus):
    t = nps_by(corpus, by="channel", period="M", min_n=10)
    assert list(t.columns[:4]) == ["channel", "period", "metric", "n"]
    assert t["n"].sum() == corpus["nps"].notna().sum()
    assert (t["too_few"] == (t["n"] < 10)).all()
    assert t["too_few"].any() and (~t["too_few"]).any()
    # each cell equals nps() on that cell's rows
    row = t.iloc[0]
    mask = (corpus["channel"] == row["channel"]) & (
        corpus["date"].dt.to_period("M").dt.start_time == row["period"])
    assert row["score"] == pytest.approx(nps(corpus.loc[mask, "nps"]).score)
    weekly = score_by(corpus, "csat", period="W")
    assert weekly["period"].dt.day_of_week.eq(0).all()  # weeks start on Monday
    assert len(score_by(corpus, "ces")) == 1


def test_score_by_names_missing_columns(corpus):
    with pytest.raises(DataError, match="city"):
        nps_by(corpus, by="city")
    with pytest.raises(ValueError, match="period"):
        nps_by(corpus, period="D")


def test_join_value_and_value_at_risk(corpus):
    ids = sorted(corpus["customer_id"].unique())
    customers = pd.DataFrame({"segment": ["Champions", "At risk"] * (len(ids) // 2),
                              "clv": np.arange(len(ids), dtype=float) + 1.0},
                             index=pd.Index(ids, name="customer_id"))
    joined = join_value(corpus, customers)
    assert joined["clv_decile"].between(1, 10).all() and str(joined["clv_decile"].dtype) == "Int64"
    # decile 1 is the most valuable tenth, as in the CLV report and crmlib.customer_table
    top = joined.loc[joined["clv_decile"] == 1, "clv"].min()
    assert top > joined.loc[joined["clv_decile"] == 2, "clv"].max()
    assert joined.loc[joined["clv_decile"] == 1, "clv"].max() == customers["clv"].max()
    seg = nps_by(joined, by="segment", min_n=5)
    assert set(seg["segment"]) == {"Champions", "At risk"}
    v = value_at_risk(joined)
    assert list(v.index) == ["detractor", "passive", "promoter"]
    assert v["customers"].sum() == len(ids)
    assert v["clv"].sum() == pytest.approx(customers["clv"].sum())
    assert v["clv_share"].sum() == pytest.approx(1.0)
    # by hand: the latest answer of each customer decides the group
    last = corpus.sort_values("date", kind="stable").groupby("customer_id").tail(1)
    n_det = int((last["nps"] <= 6).sum())
    assert v.loc["detractor", "customers"] == n_det
    with pytest.raises(DataError, match="segment"):
        join_value(corpus, customers[[]])


def test_join_value_uses_the_deciles_of_the_whole_customer_table(corpus):
    """Deciles number all customers of the table (decile 1 here is decile 1 in the CLV report),
    not only those who answered; a table's own clv_decile is taken as it is."""
    from crmlib.customers import value_deciles

    ids = sorted(corpus["customer_id"].unique())
    silent = [f"Z{i:04d}" for i in range(len(ids))]  # customers who never answered, all worth more
    clv = pd.Series(np.r_[np.arange(len(ids)) + 1.0, np.arange(len(ids)) + 1000.0],
                    index=pd.Index(ids + silent, name="customer_id"), name="clv")
    joined = join_value(corpus, clv.to_frame())
    assert joined["clv_decile"].min() == 6  # the answering half is the less valuable half
    expected = value_deciles(clv)
    assert (joined["clv_decile"] == joined["customer_id"].map(expected)).all()
    own = clv.to_frame().assign(clv_decile=pd.array([3] * len(clv), dtype="Int64"))
    assert (join_value(corpus, own)["clv_decile"] == 3).all()


def test_nps_by_clv_decile_plots_in_decile_order(corpus):
    """crmlib.plots.feedback.by_group draws clv_decile 1 (most valuable) at the top and 10 at the bottom, whatever
    their scores; other groups stay sorted by score, or follow order=."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmlib.plots.feedback import by_group

    ids = sorted(corpus["customer_id"].unique())
    customers = pd.DataFrame({"clv": np.arange(len(ids), dtype=float)}, index=pd.Index(ids, name="customer_id"))
    table = nps_by(join_value(corpus, customers), by="clv_decile", min_n=5)
    ax = by_group(table, group="clv_decile")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [str(d) for d in range(10, 0, -1)]  # y grows upwards: decile 1 on top
    plt.close(ax.figure)
    by_channel = nps_by(corpus, by="channel", min_n=5)
    ax = by_group(by_channel, group="channel")
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert shown == list(by_channel.sort_values("score")["channel"])
    plt.close(ax.figure)
    ax = by_group(by_channel, group="channel", order=["web", "app"])
    assert [t.get_text() for t in ax.get_yticklabels()][-2:] == ["app", "web"]
    plt.close(ax.figure)


@pytest.mark.slow
def test_customer_value_is_deprecated_for_customer_table():
    from crmlib import customer_table, datasets
    from crmlib.feedback import customer_value

    tx = datasets.make_crm_dataset(300, seed=5).transactions
    with pytest.warns(DeprecationWarning, match="customer_table"):
        old = customer_value(tx, horizon_weeks=26)
    new = customer_table(tx, freq="W", horizon_days=182)
    pd.testing.assert_frame_equal(old, new)
    assert old.attrs["horizon"] == 26
