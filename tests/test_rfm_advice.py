"""Issue 19 findings 1, 3, 4 and B: recency in days in every segments table, segment names that hold
their meaning (crmlib.rfm.limits), the playbook from value and P(alive) (crmlib.rfm.advice) and the
win-back list that follows it (crmlib.retention.winback_list); on CDNOW and on a simulated export."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from crmlib import datasets, retention, rfm
from crmlib.customers import customer_table, spend_summary
from crmlib.exceptions import DataError
from crmlib.words import segments as segment_words

RECENT_NAMES = ["Champions", "Loyal", "Potential Loyalist", "New", "Promising"]


def weekly_summary(n=300, seed=42):
    """A summary in weeks (``attrs['freq'] = 'W'``) and its days since the last purchase."""
    rng = np.random.default_rng(seed)
    T = rng.integers(10, 80, n).astype(float)
    gap = np.floor(T * rng.random(n))
    freq = np.where(rng.random(n) < 0.5, 0, rng.geometric(0.3, n)).astype(float)
    df = pd.DataFrame({"frequency": freq, "recency": T - gap, "T": T,
                       "monetary_value": np.where(freq > 0, rng.gamma(2.0, 20.0, n), 0.0)},
                      index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"))
    df.attrs["freq"] = "W"
    return df, pd.Series(gap * 7, index=df.index)


# ---------------------------------------------------------------- finding 1: days, not weeks


def test_clusters_table_gives_days_since_last_purchase_on_a_weekly_summary():
    summary, days = weekly_summary()
    clusters = rfm.cluster(summary, k_range=range(2, 5))
    expected = days.groupby(clusters.labels).mean()
    # the column the page labels "Days since last purchase" holds days (7 x the weekly gap)
    assert clusters.centers["days_since_last_purchase"].to_numpy() == pytest.approx(expected.to_numpy())
    assert "time_since_last" not in clusters.centers.columns


def test_profile_gives_days_since_last_purchase_on_a_weekly_summary():
    summary, days = weekly_summary()
    seg = pd.Series("all", index=summary.index)
    prof = rfm.profile(summary, seg)
    assert prof.at["all", "mean_days_since_last_purchase"] == pytest.approx(days.mean())


@pytest.mark.slow
def test_clusters_of_the_customer_table_are_in_days_whatever_its_unit():
    tx = datasets.load_cdnow("sample")
    table = customer_table(tx, freq="W", model=None)
    centers = rfm.cluster(table, k_range=range(2, 4)).centers
    labels = rfm.cluster(table, k_range=range(2, 4)).labels
    per_cluster = table["days_since_last_purchase"].groupby(labels).mean()
    assert centers["days_since_last_purchase"].to_numpy() == pytest.approx(per_cluster.to_numpy())
    assert centers["days_since_last_purchase"].max() > 300  # CDNOW: most customers silent over 300 days


# ---------------------------------------------------------------- finding 4: names hold their meaning


@pytest.fixture(scope="module")
def cdnow_tx():
    return datasets.load_cdnow("sample")


@pytest.fixture(scope="module")
def export_tx():
    return datasets.make_crm_dataset(n_customers=600, seed=3).transactions


@pytest.fixture(scope="module")
def cdnow_table(cdnow_tx):
    return customer_table(cdnow_tx)


@pytest.fixture(scope="module")
def export_table(export_tx):
    return customer_table(export_tx)


def _silent_over_a_year(table):
    recent = table["segment"].astype(str).isin(RECENT_NAMES)
    return float((table.loc[recent, "days_since_last_purchase"] > 365).mean())


def test_on_cdnow_recent_names_hold_almost_nobody_silent_for_over_a_year(cdnow_tx, cdnow_table):
    """Issue 19 'done when': at most 5 % of Champions, Loyal, Potential Loyalist, New and Promising have
    bought nothing for over a year. The pure quantile scheme (still available) breaks it: 12.9 %."""
    assert _silent_over_a_year(cdnow_table) <= 0.05
    quantile = customer_table(cdnow_tx, scheme=rfm.default_scheme(limits=None), model=None)
    assert _silent_over_a_year(quantile) > 0.05


@pytest.mark.parametrize("which", ["cdnow_table", "export_table"])
@pytest.mark.slow
def test_no_segment_median_contradicts_its_name(which, request):
    """Each name's promise about days since the last purchase (Champions and New: bought in the last
    quarter; Potential Loyalist, Promising: the last half-year; Loyal, Need Attention, About to Sleep:
    the last year; At Risk, Can't Lose Them, Hibernating: not this month; Lost: not this quarter)
    holds for the segment's median customer, and for every customer."""
    promise = {"Champions": (0, 90), "New": (0, 90), "Potential Loyalist": (0, 180), "Promising": (0, 180),
               "Loyal": (0, 365), "Need Attention": (0, 365), "About to Sleep": (0, 365),
               "At Risk": (31, np.inf), "Can't Lose Them": (31, np.inf), "Hibernating": (31, np.inf),
               "Lost": (91, np.inf)}
    table = request.getfixturevalue(which)
    days = table["days_since_last_purchase"].groupby(table["segment"].astype(str))
    for name, (lo, hi) in promise.items():
        if name in days.groups:
            assert lo <= days.get_group(name).median() <= hi, name
            assert days.get_group(name).between(lo, hi).all(), name


def test_rule_words_follow_the_limits_on_cdnow(cdnow_table):
    """Segments in words say what the limits make of the quantile bands (Loyal: at most 365 days)."""
    words = segment_words.rule_words(rfm.default_scheme(), rfm.thresholds_of(cdnow_table))
    assert re.search(r"last purchase \d+ to 365 days ago", words["Loyal"])
    assert words["Champions"].startswith("last purchase at most ")
    top = int(re.match(r"last purchase at most (\d+) days", words["Champions"]).group(1))
    assert top <= 90
    champions = cdnow_table.loc[cdnow_table["segment"] == "Champions", "days_since_last_purchase"]
    assert champions.max() <= top


def test_limits_move_a_name_to_the_nearest_row_that_fits():
    cells = pd.DataFrame({"R": [4, 4, 5, 1, 1], "F": [5, 2, 1, 1, 4],
                          "days_since_last_purchase": [400, 100, 120, 10, 60]},
                         index=pd.Index(list("abcde"), name="customer_id"))
    seg = rfm.segment(cells).astype(str).tolist()
    # a: R4 but silent 400 days -> row 2 (Can't Lose Them); b: R4 within 180 days stays; c: R5 over 90 -> row 4;
    # d: R1 but bought 10 days ago -> row 3; e: R1 at 60 days -> row 2
    assert seg == ["Can't Lose Them", "Potential Loyalist", "Promising", "About to Sleep", "At Risk"]
    assert rfm.segment(cells, scheme=rfm.default_scheme(limits=None)).astype(str).tolist() == [
        "Loyal", "Potential Loyalist", "New", "Lost", "At Risk"]


def test_scheme_for_names_the_schemes_and_refuses_others():
    assert rfm.limits_of(rfm.scheme_for(None)) == rfm.DEFAULT_LIMITS
    assert rfm.limits_of(rfm.scheme_for("quantile")) is None
    assert rfm.limits_of(rfm.scheme_for([["all", 1, 5, 1, 5]])) is None
    assert "absolute recency limits" in segment_words.scheme_note(rfm.scheme_for(None))
    assert "quantile cut-offs only" in segment_words.scheme_note(rfm.scheme_for("quantile"))
    with pytest.raises(DataError, match="'quantiles' is not a scheme"):
        rfm.scheme_for("quantiles")


def test_limits_without_days_are_refused_with_the_way_out():
    with pytest.raises(DataError, match=r"default_scheme\(limits=None\)"):
        rfm.segment(pd.DataFrame({"R": [1], "F": [1]}))


# ---------------------------------------------------------------- finding 3: advice that fits the value


def test_a_low_value_stopped_segment_gets_no_win_back_at_any_cost():
    """The export of issue 19: Can't Lose Them with the lowest mean CLV and median P(alive) 0 %."""
    table = pd.DataFrame({
        "segment": pd.Categorical(["Champions"] * 3 + ["Can't Lose Them"] * 3 + ["Lost"] * 2 + ["At Risk"] * 2,
                                  categories=list(rfm.playbook()["segment"])),
        "clv": [900.0, 800, 700, 5, 3, 1, 400, 500, 300, 350],
        "p_alive": [0.9, 0.95, 0.8, 0.0, 0.01, 0.0, 0.7, 0.8, 0.2, 0.1]})
    book = rfm.value_playbook(table)
    page = segment_words.value_playbook(book)
    assert book.at["Can't Lose Them", "action"] == "remind"
    assert "at any cost" not in " ".join(page["recommendation"])
    assert "at any cost" not in " ".join(segment_words.playbook()["recommendation"])
    assert page.at["Can't Lose Them", "basis"] == "low value, likely stopped"
    # Lost with value and P(alive) the models still believe in is not let go
    assert book.at["Lost", "action"] == "win back"
    # At Risk: valuable but mostly stopped -> a personal win-back bounded by value
    assert book.at["At Risk", "action"] == "win back"
    assert book.at["Champions", "action"] == "reward"


@pytest.mark.parametrize("which", ["cdnow_table", "export_table"])
@pytest.mark.slow
def test_playbook_advice_agrees_with_segment_value(which, request):
    table = request.getfixturevalue(which)
    book = rfm.value_playbook(table)
    mean = table["clv"].mean()
    low = book["mean_predicted_clv"] < 0.5 * mean
    stopped = book["median_p_alive"] < 0.5
    # no costly win-back for a low-value segment, no letting go of a valuable live one
    assert not (low & (book["action"] == "win back")).any()
    assert not (~low & ~stopped & (book["action"] == "let go")).any()
    assert not segment_words.value_playbook(book)["recommendation"].str.contains("at any cost").any()
    assert (book["customers"].sum() == len(table)) and book["median_p_alive"].between(0, 1).all()


@pytest.mark.parametrize("tx_name,table_name", [("cdnow_tx", "cdnow_table"), ("export_tx", "export_table")])
def test_winback_list_follows_the_playbook_and_says_why(tx_name, table_name, request):
    tx, table = request.getfixturevalue(tx_name), request.getfixturevalue(table_name)
    risk = retention.churn_risk(table, inactive_days=retention.inactivity_days(tx))
    book = rfm.value_playbook(table)
    wb = retention.winback_list(risk, table, n=None, key="test-key")
    assert len(wb) > 0
    assert "Champions" not in set(wb["segment"])
    let_go = set(book.index[book["action"].isin(["let go", "reward"])])
    assert not set(wb["segment"]) & let_go
    assert (wb["days_since_last_purchase"] > risk.attrs["inactive_days"]).all()  # nobody the rule calls recent
    assert (wb["action"] == wb["segment"].map(book["action"])).all()
    from crmlib.words.retention import winback_reasons  # the page's words for why each is listed

    wb["reason"] = winback_reasons(wb, risk.attrs["inactive_days"], 0.5)
    for row in wb.itertuples():
        m = re.match(r"no purchase for ([\d,]+) days \(lapsed after ([\d,]+)\); P\(alive\) (\d+)%", row.reason)
        assert m, row.reason
        assert int(m.group(1).replace(",", "")) == row.days_since_last_purchase
        assert int(m.group(2).replace(",", "")) == risk.attrs["inactive_days"]
        assert int(m.group(3)) == round(100 * row.p_alive)
        assert row.reason.endswith(f"playbook for {row.segment}: {row.action}")


def test_spend_summary_scored_in_weeks_names_like_days(cdnow_tx):
    """The limits read days from a weekly summary (T - recency times 7), so names do not depend on the unit."""
    days = spend_summary(cdnow_tx)
    weeks = days.copy()
    weeks["T"], weeks["recency"] = days["T"] / 7, days["recency"] / 7
    weeks.attrs["freq"] = "W"
    scored = rfm.score(days)
    by_weeks = weeks.assign(R=scored["R"], F=scored["F"])
    assert (rfm.segment(scored).astype(str) == rfm.segment(by_weeks, bins=5).astype(str)).all()


def test_without_a_spend_model_the_playbook_uses_p_alive_and_says_the_value_is_missing():
    """A stranger's export where MBG/NBD fitted and Gamma-Gamma did not: the playbook said "no model could be
    fitted" and left P(alive) blank, on the page that said MBG/NBD is used."""
    from crmlib.words import Words, segment_tables
    from crmlib.words import clv as clv_words

    table = pd.DataFrame({"segment": pd.Categorical(["At Risk", "At Risk", "Champions"]),
                          "p_alive": [0.1, 0.3, 0.9]})
    table.attrs.update(model="ModifiedBetaGeo")
    book = rfm.value_playbook(table)
    assert book["median_p_alive"].tolist() == [0.2, 0.9] and book["mean_predicted_clv"].isna().all()
    assert book["likely_stopped"].tolist() == [True, False] and book["action"].tolist() == ["win back", "reward"]
    shown = segment_words.value_playbook(book, Words("en"))
    assert shown.iloc[:, -1].tolist() == ["no lifetime value (no spend model could be fitted), likely stopped",
                                          "no lifetime value (no spend model could be fitted), likely still buying"]
    assert Words("en")(segment_tables.STOPPED) in shown.iloc[0, -2]
    assert clv_words.value_sentence(table) == Words("en")(clv_words.NO_SPEND_MODEL, model="MBG/NBD")
    assert clv_words.model_and_value_sentence(table).endswith(clv_words.value_sentence(table))
