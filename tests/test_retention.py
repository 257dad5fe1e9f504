"""Cohorts, the sBG projection, churn risk with and without labels, and the retention report."""

import re
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from crmlib import churn, churn_scores, datasets, retention
from crmlib.customers import customer_table
from crmlib.exceptions import DataError
from crmlib.reports import run_reports
from crmlib.words.retention import churn_finding, summary_sentences

# --------------------------------------------------------------------------- cohorts


@pytest.fixture
def small():
    """Four customers over March-May 2024, with a same-day repeat, a return and a return-only customer."""
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b", "c", "c", "d"],
        "date": pd.to_datetime(["2024-03-03", "2024-03-03", "2024-04-20", "2024-05-02",
                                "2024-03-30", "2024-05-31", "2024-04-01", "2024-04-15", "2024-03-10"]),
        "amount": [10.0, 5.0, 20.0, -4.0, 7.0, 8.0, 3.0, 6.0, -9.0],
    })


@pytest.mark.slow
def test_cohort_counts_match_a_hand_count(small):
    """By hand: March cohort = a, b (d only returned, so never a customer); April cohort = c.
    March + 1 (April): a bought; March + 2 (May): b bought (a only returned). April + 1 (May): nobody.
    Revenue is net: a's May return counts in March + 2."""
    counts = retention.cohort_table(small, period="M")
    assert [str(p) for p in counts.index] == ["2024-03", "2024-04"]
    np.testing.assert_array_equal(counts.to_numpy(dtype=float, na_value=np.nan), [[2, 1, 1], [1, 0, np.nan]])
    assert retention.cohort_sizes(counts).tolist() == [2, 1]
    assert counts.attrs["last_period_complete"]  # the data end on 31 May
    share = retention.cohort_table(small, period="M", value="share")
    assert share.iloc[0].tolist() == [1.0, 0.5, 0.5]
    revenue = retention.cohort_table(small, period="M", value="revenue")
    assert revenue.iloc[0].tolist() == [22.0, 20.0, 8.0 - 4.0]
    assert revenue.iloc[1, :2].tolist() == [9.0, 0.0]


def test_cohort_weeks_and_quarters_and_a_partial_period(small):
    weeks = retention.cohort_table(small, period="W", observation_end="2024-04-20")
    assert not weeks.attrs["last_period_complete"]  # 20 April 2024 is a Saturday
    assert str(weeks.index[0]) == "2024-02-26/2024-03-03"
    assert weeks.iloc[0, 0] == 1 and weeks.loc[weeks.index[0]].notna().sum() == 8
    quarters = retention.cohort_table(small, period="Q")  # Q1: a, b; both buy again in Q2. Q2: c
    np.testing.assert_array_equal(quarters.to_numpy(dtype=float, na_value=np.nan), [[2, 2], [1, np.nan]])
    with pytest.raises(DataError, match="period='Y'"):
        retention.cohort_table(small, period="Y")
    with pytest.raises(DataError, match="value="):
        retention.cohort_table(small, value="margin")


@pytest.fixture(scope="module")
def cdnow_master():
    return datasets.load_cdnow("master")


@pytest.mark.slow
def test_cohort_counts_match_a_hand_count_on_cdnow(cdnow_master):
    """CDNOW (Fader, Hardie & Lee 2005): all 23,570 customers made their first purchase in the first
    quarter of 1997, so there are three monthly cohorts. Every cell is recounted here row by row with
    plain sets, independently of the pandas code (months as whole numbers, year * 12 + month)."""
    first, buyers = {}, defaultdict(set)
    months = (cdnow_master["date"].dt.year * 12 + cdnow_master["date"].dt.month).tolist()
    ids = cdnow_master["customer_id"].tolist()
    for cid, month in zip(ids, months):  # every CDNOW amount is >= 0
        first[cid] = min(first.get(cid, month), month)
    for cid, month in zip(ids, months):
        buyers[(first[cid], month - first[cid])].add(cid)
    counts = retention.cohort_table(cdnow_master, period="M")
    assert [str(p) for p in counts.index] == ["1997-01", "1997-02", "1997-03"]
    assert retention.cohort_sizes(counts).sum() == 23_570
    for cohort, row in counts.iterrows():
        c = cohort.year * 12 + cohort.month
        for k, value in row.dropna().items():
            assert value == len(buyers[(c, k)]), (str(cohort), k)
    assert counts.iloc[0].notna().sum() == 18 and counts.iloc[2].notna().sum() == 16  # to June 1998
    quarters = retention.cohort_table(cdnow_master, period="Q")
    assert quarters.iloc[0, 0] == 23_570 and quarters.shape == (1, 6)


# --------------------------------------------------------------------------- sBG projection

# Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing 21(1):
# the "regular" cohort, customers surviving of 1000 at years 0..12.
SURVIVAL_REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]


def _contract_transactions(survivors):
    """Each customer buys once a period while still a customer: survivors[t] buy in period t."""
    rows = []
    for i in range(survivors[0]):
        last = max(t for t, s in enumerate(survivors) if i < s)
        rows += [(f"r{i:04d}", pd.Timestamp("2020-01-15") + pd.DateOffset(months=t), 30.0) for t in range(last + 1)]
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


@pytest.mark.slow
def test_projection_from_transactions_matches_fader_hardie_2007():
    """The regular cohort, written as monthly purchases and read back through cohort_table: fitted to
    periods 0-7 it gives the published alpha=0.704, beta=1.182 (tolerance 5e-4, the printed decimals),
    and periods 8-12 are projected within 5% of what was observed, as in the paper's figure."""
    tx = _contract_transactions(SURVIVAL_REGULAR)
    cohorts = retention.cohort_table(tx, period="M", observation_end="2021-01-31")  # period 12 complete
    projection = retention.project_retention(cohorts, fit_periods=7)
    params = projection.attrs["model"].params_
    assert params["alpha"] == pytest.approx(0.704, abs=5e-4)
    assert params["beta"] == pytest.approx(1.182, abs=5e-4)
    later = projection[~projection["fitted"]]
    assert np.allclose(later["projected"], np.array(SURVIVAL_REGULAR[8:]) / 1000, rtol=0.05)
    assert projection.attrs["mae"] < 0.01 and projection["fitted"].sum() == 8


@pytest.mark.slow
def test_projection_on_cdnow_and_its_refusals(cdnow_master):
    counts = retention.cohort_table(cdnow_master, period="M")
    projection = retention.project_retention(counts, cohort="1997-02", fit_periods=6)
    assert projection.attrs["cohort_size"] == retention.cohort_sizes(counts)["1997-02"]
    assert len(projection) == 17 and projection["projected"].is_monotonic_decreasing
    assert projection.attrs["mae"] < 0.03  # CDNOW's active share fades slowly, like the sBG survival curve
    with pytest.raises(DataError, match="complete periods"):
        retention.project_retention(counts, cohort="1997-03", fit_periods=15)
    with pytest.raises(DataError, match="not in the table"):
        retention.project_retention(counts, cohort="1999-01")
    with pytest.raises(DataError, match="customer counts"):
        retention.project_retention(retention.cohort_table(cdnow_master, value="share"))


def test_projection_of_one_day_of_data_is_refused_with_a_reason():
    """Before: IndexError (the only period is partial, so the cohort has no complete period left)."""
    tx = pd.DataFrame({"customer_id": ["a", "b", "c"], "date": pd.to_datetime(["2024-03-05"] * 3),
                       "amount": [5.0, 6.0, 7.0]})
    counts = retention.cohort_table(tx, period="M")
    with pytest.raises(DataError, match="has 0 complete periods"):
        retention.project_retention(counts, fit_periods=2)


def test_churn_comparison_before_any_purchase_says_the_history_is_too_short():
    """Before: "At the cut-off 2023-12-04 the 0 customers all churned in the next 90 days"."""
    tx = pd.DataFrame({"customer_id": [f"c{i}" for i in range(30)], "date": pd.to_datetime(["2024-06-01"] * 30),
                       "amount": 10.0})
    with pytest.raises(DataError, match=r"no customer had bought yet: .* needs more than 180 days"):
        churn.compare_churn_models(tx, window_days=90, inactive_days=30, model=None)


def test_first_period_trend_is_judged_on_every_cohort():
    sizes = [100] * 6
    rising = pd.DataFrame({0: sizes, 1: [10, 12, 14, 16, 18, 20]},
                          index=pd.period_range("2024-01", periods=6, freq="M")).astype("Int64")
    rising.attrs.update(value="customers", period="M", last_period_complete=True,
                        cohort_size=dict(zip(rising.index, sizes)))
    trend = retention.first_period_trend(rising)
    assert trend["direction"] == "rising" and trend["slope"] == pytest.approx(0.02)
    assert trend["mean"] == pytest.approx(0.15) and trend["cohorts"] == 6
    zigzag = rising.copy()
    zigzag[1] = pd.array([10, 30, 10, 30, 10, 30], dtype="Int64")
    assert retention.first_period_trend(zigzag)["direction"] == "flat"  # not judged on two end points


# --------------------------------------------------------------------------- churn risk and the comparison


@pytest.fixture(scope="module")
def demo():
    return datasets.make_crm_dataset(n_customers=800, seed=7)


@pytest.fixture(scope="module")
def comparison(demo):
    return churn.compare_churn_models(demo.transactions, feedback=demo.feedback, window_days=90, n_boot=100)


@pytest.mark.slow
def test_churn_risk_side_by_side(demo):
    table = customer_table(demo.transactions)
    risk = retention.churn_risk(table, inactive_days=120, alive_below=0.5)
    assert (risk["inactive"] == (table["days_since_last_purchase"] > 120)).all()
    assert set(risk["flagged_by"]) <= {"both", "P(alive) only", "inactivity only", "neither"}
    both = risk["likely_lost"] & risk["inactive"]
    assert ((risk["flagged_by"] == "both") == both).all()
    by = retention.churn_by_segment(risk)
    assert by["customers"].sum() == len(table) and by["median_p_alive"].is_monotonic_increasing
    assert not risk.attrs.get("fitted_model")  # customer_table's models do not travel with the risk table
    with pytest.raises(DataError, match="p_alive"):
        retention.churn_risk(customer_table(demo.transactions, model=None), 120)


def test_labels_and_features_use_nothing_after_the_cutoff(demo):
    """A time split is only fair when the features at a cut-off do not change if later data are removed."""
    tx, cutoff = demo.transactions, pd.Timestamp("2025-06-30")
    full = churn.churn_features(tx, cutoff, feedback=demo.feedback)
    early = churn.churn_features(tx[tx["date"] <= cutoff], cutoff,
                                     feedback=demo.feedback[demo.feedback["date"] <= cutoff])
    pd.testing.assert_frame_equal(full, early.reindex(columns=full.columns, fill_value=0.0))
    labels = churn.churn_labels(tx, cutoff, 90)
    came_back = set(tx.loc[(tx["date"] > cutoff) & (tx["date"] <= cutoff + pd.Timedelta(days=90))
                           & (tx["amount"] >= 0), "customer_id"])
    assert set(labels.index) == set(full.index)
    assert set(labels.index[~labels]) == came_back & set(labels.index)


@pytest.mark.slow
def test_churn_comparison_on_the_demo_time_split(comparison):
    """The demo data run 2024-01-01 to 2025-12-31: the test window is the last 90 days, the training
    window the 90 before it. Every score ranks churners better than chance; the winner and the sentence
    agree with the numbers."""
    c = comparison
    assert c.test_cutoff == pd.Timestamp("2025-10-02") and c.train_cutoff == pd.Timestamp("2025-07-04")
    assert list(c.metrics.index) == [*churn.SUPERVISED, churn.P_ALIVE, churn.INACTIVITY]
    m = c.metrics
    assert (m["roc_auc"] > 0.6).all() and (m["roc_auc"] <= 1).all()
    assert ((m["roc_auc_low"] <= m["roc_auc"]) & (m["roc_auc"] <= m["roc_auc_high"])).all()
    assert ((m["ap_low"] <= m["average_precision"]) & (m["average_precision"] <= m["ap_high"])).all()
    assert m.loc[list(churn.SUPERVISED), "brier"].lt(0.25).all()  # calibrated: better than a coin
    assert c.winner == m["roc_auc"].idxmax()
    assert c.winner in churn_finding(c) and f"{m.loc[c.winner, 'roc_auc']:.3f}" in churn_finding(c)
    d = c.difference
    assert d["against"] == churn.P_ALIVE and d["low"] <= d["value"] <= d["high"]
    assert ("beats P(alive)" in churn_finding(c)) == (d["low"] > 0) == c.supervised_wins
    assert c.importance.index[0] == "days_since_last_purchase"
    assert 0 < c.rule["precision"] <= 1 and 0 < c.rule["recall"] <= 1


@pytest.mark.slow
def test_ranking_metrics_equal_sklearn():
    from sklearn.metrics import average_precision_score, roc_auc_score

    rng = np.random.default_rng(42)
    for _ in range(50):
        n = int(rng.integers(5, 200))
        y = rng.random(n) < 0.4
        if y.all() or not y.any():
            continue
        s = np.round(rng.random(n), int(rng.integers(0, 3)))  # ties included
        assert churn_scores.auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        assert churn_scores.average_precision(y, s) == pytest.approx(average_precision_score(y, s), abs=1e-12)


def test_comparison_refuses_a_window_past_the_data(demo):
    with pytest.raises(DataError, match="runs past the data"):
        churn.compare_churn_models(demo.transactions, test_cutoff="2025-12-01", window_days=90)


@pytest.mark.slow
def test_winback_list_holds_only_pseudonyms_of_lapsing_repeat_buyers(demo):
    from crmlib import basket

    table = customer_table(demo.transactions)
    risk = retention.churn_risk(table, inactive_days=120)
    offers = basket.next_best_category(demo.transactions)
    wb = retention.winback_list(risk, table, n=50, offers=offers, key="test-key")
    assert len(wb) == 50 and wb["revenue"].is_monotonic_decreasing
    assert (wb["purchases"] >= 2).all() and (wb["flagged_by"] != "neither").all()
    assert all(re.fullmatch(r"c_[0-9a-f]{16}", c) for c in wb.index)
    assert not set(wb.index) & set(table.index)
    text = wb.to_csv()
    assert not any(v in text for v in demo.pii_values()) and "C000" not in text


@pytest.mark.slow
def test_summary_sentences_say_what_the_tables_say(comparison):
    rules = pd.DataFrame(columns=["antecedent", "consequent", "support", "confidence", "lift", "baskets"])
    rules.attrs.update(baskets=10, multi_item_baskets=0, basket="one order")
    out = summary_sentences(comparison=comparison, rule_table=rules)
    assert out[0] == churn_finding(comparison)
    assert out[1].startswith("No two categories") and "0 of 10 baskets" in out[1]


# --------------------------------------------------------------------------- the report


def _page(batch):
    assert batch.ok, batch.summary()
    (result,) = batch.reports
    return result, result.html_path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_retention_report_renders_on_demo_data(demo_suite):
    """The retention page of the session's demo suite (conftest.demo_suite: 800 customers, seed 7, every
    demo input given), not a run of its own on 400 customers of the same generator (about 18 s)."""
    data, out = demo_suite.data, demo_suite.out
    result = next(r for r in demo_suite.batch.reports if r.name == "retention")
    assert result.ok, result.describe_failure()
    page = result.html_path.read_text(encoding="utf-8")
    assert sorted(result.inputs) == ["feedback", "transactions"]  # the report reads no customers file
    assert page.count("<img") == 5  # cohorts, share still active, risk by segment, ROC + PR, importance
    assert "still active 12 months after the first purchase" in page and "the sBG model projects" not in page
    assert re.search(r"beats P\(alive\)|does not clearly beat P\(alive\)|do not beat P\(alive\)", page)
    assert 'href="retention/winback.csv"' in page and 'href="retention/cohorts.csv"' in page
    winback = pd.read_csv(out / "retention" / "winback.csv")
    assert winback["customer"].str.fullmatch(r"c_[0-9a-f]{16}").all()
    for text in (page, winback.to_csv()):
        assert not any(v in text for v in data.pii_values())
    assert set(result.recorded) >= {"segment_counts", "model"}
    assert sum(result.recorded["segment_counts"].values()) == 800  # every customer of the demo data
    # one inactivity threshold per run (issue 19.8: 130 days in the text, 121 in the churn comparison)
    said = set(re.findall(r"(?:more than|inactive &gt;|inactive >|lapsed after) ([\d,]+)", page))
    if "because" in winback:
        said |= set(winback["because"].astype(str).str.extract(r"lapsed after ([\d,]+)")[0].dropna())
    assert len(said) == 1, said


@pytest.mark.slow
def test_retention_report_renders_on_cdnow(tmp_path):
    batch = run_reports(["retention"], out_dir=tmp_path, params={"dataset": ["cdnow_sample"]})
    result, page = _page(batch)
    assert result.data_period == "1997-01-01 to 1998-06-30"
    assert "no category column" in page and "still active 12 months after the first purchase" in page
