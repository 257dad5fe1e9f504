"""Tests for crmlib.rfm: scores, segment schemes, clusters, profiles and migration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlib import rfm
from crmlib.exceptions import DataError
from crmlib.feedback import nps_by

SEGMENTS = ["Champions", "Loyal", "Potential Loyalist", "New", "Promising", "Need Attention",
            "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost"]


def make_summary(freq, recency, T, monetary, ids=None, unit="D") -> pd.DataFrame:
    n = len(freq)
    ids = ids if ids is not None else [f"c{i:04d}" for i in range(n)]
    df = pd.DataFrame({"frequency": np.asarray(freq, float), "recency": np.asarray(recency, float),
                       "T": np.asarray(T, float), "monetary_value": np.asarray(monetary, float)},
                      index=pd.Index(ids, name="customer_id", dtype="string"))
    df.attrs["freq"] = unit
    return df


def random_summary(n=2000, seed=42, one_time_share=0.6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    repeat = rng.random(n) > one_time_share
    freq = np.where(repeat, rng.geometric(0.3, n), 0)
    T = rng.integers(30, 365, n).astype(float)
    rec = np.where(repeat, np.floor(T * rng.random(n)), 0.0)
    mon = np.where(repeat, np.round(rng.gamma(2.0, 25.0, n), 2), 0.0)
    return make_summary(freq, rec, T, mon)


# Summaries with many ties: few distinct values for every column.
@st.composite
def summaries(draw):
    n = draw(st.integers(1, 40))
    freq = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    T = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    gaps = [draw(st.integers(0, t)) for t in T]
    mon = draw(st.lists(st.sampled_from([0.0, 9.99, 10.0, 25.5, 100.0]), min_size=n, max_size=n))
    return make_summary(freq, [t - g for t, g in zip(T, gaps)], T, mon)


# ---------------------------------------------------------------- score properties (hypothesis)


@pytest.mark.slow
@given(summaries(), st.integers(2, 7))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_scores_are_in_1_to_bins_and_equal_values_get_equal_scores(summary, bins):
    scored = rfm.score(summary, bins=bins)
    gap = summary["T"] - summary["recency"]
    for col, basis in (("R", gap), ("F", summary["frequency"]), ("M", summary["monetary_value"])):
        assert scored[col].between(1, bins).all()
        assert (scored.groupby(basis.to_numpy())[col].nunique() == 1).all(), col
    # scores are monotone: more recent -> R not lower, more purchases -> F not lower
    order = np.argsort(gap.to_numpy(), kind="stable")
    assert (np.diff(scored["R"].to_numpy()[order]) <= 0).all()
    order = np.argsort(summary["frequency"].to_numpy(), kind="stable")
    assert (np.diff(scored["F"].to_numpy()[order]) >= 0).all()


@pytest.mark.slow
@given(summaries(), st.integers(2, 7), st.randoms(use_true_random=False))
@settings(max_examples=150, deadline=None)
def test_scores_unchanged_under_row_shuffle(summary, bins, rnd):
    perm = list(range(len(summary)))
    rnd.shuffle(perm)
    a = rfm.score(summary, bins=bins)[["R", "F", "M"]]
    b = rfm.score(summary.iloc[perm], bins=bins)[["R", "F", "M"]]
    pd.testing.assert_frame_equal(a, b.loc[a.index])


@pytest.mark.slow
@given(summaries(), st.sampled_from([2, 3, 4, 5, 6, 8]))
@settings(max_examples=150, deadline=None)
def test_every_customer_in_exactly_one_segment(summary, bins):
    seg = rfm.segment(rfm.score(summary, bins=bins))
    assert len(seg) == len(summary)
    assert seg.index.equals(summary.index)
    assert seg.notna().all()
    assert set(seg.astype(str)) <= set(SEGMENTS)


# ---------------------------------------------------------------- scores on realistic data


def test_one_time_buyers_take_f1_and_repeaters_spread_over_the_rest():
    summary = random_summary()
    scored = rfm.score(summary)
    one_time = summary["frequency"] == 0
    assert (scored.loc[one_time, "F"] == 1).all()
    assert (scored.loc[~one_time, "F"] >= 2).all()
    # the repeat buyers fill the four remaining scores (geometric frequencies have enough distinct values)
    assert set(scored.loc[~one_time, "F"]) == {2, 3, 4, 5}
    # R has few ties, so its five scores hold about a fifth of customers each (+/- one tie block)
    shares = scored["R"].value_counts(normalize=True)
    assert shares.between(0.17, 0.23).all()


def test_thresholds_score_a_later_period_on_the_same_scale():
    summary = random_summary()
    scored = rfm.score(summary)
    scale = rfm.thresholds_of(scored)
    assert scale.bins == 5 and len(scale.f) == 4 and scale.freq == "D"
    again = rfm.score(summary, thresholds=scale)
    pd.testing.assert_frame_equal(again[["R", "F", "M"]], scored[["R", "F", "M"]])
    # a later snapshot: everyone 60 days older, nobody bought; R can only fall, F and M are unchanged
    later = summary.assign(T=summary["T"] + 60)
    later.attrs["freq"] = "D"
    moved = rfm.score(later, thresholds=scale)
    assert (moved["R"] <= scored["R"]).all() and (moved["R"] < scored["R"]).any()
    pd.testing.assert_series_equal(moved["F"], scored["F"])
    # values beyond the learnt range get the end scores
    extreme = make_summary([1000, 0], [5000, 0], [5000, 10_000], [1e6, 0], ids=["x", "y"])
    ext = rfm.score(extreme, thresholds=scale)
    assert ext.loc["x", ["R", "F", "M"]].tolist() == [5, 5, 5]
    assert ext.loc["y", ["R", "F", "M"]].tolist() == [1, 1, 1]
    table = scale.table()
    assert list(table.index) == [1, 2, 3, 4, 5] and table.shape[1] == 3


def test_thresholds_from_another_time_unit_are_refused():
    scale = rfm.thresholds_of(rfm.score(random_summary()))
    weekly = random_summary()
    weekly.attrs["freq"] = "W"
    with pytest.raises(DataError, match="unit 'D'.*freq='D'"):
        rfm.score(weekly, thresholds=scale)


def test_score_prefers_mean_spend_over_repeat_monetary_value():
    summary = make_summary([0, 0, 2, 3], [0, 0, 5, 8], [10, 10, 10, 10], [0, 0, 20.0, 30.0])
    summary["mean_spend"] = [500.0, 5.0, 20.0, 30.0]
    scored = rfm.score(summary, bins=4)
    assert rfm.thresholds_of(scored).monetary == "mean_spend"
    assert scored["M"].tolist() == [4, 1, 2, 3]
    assert rfm.score(summary, bins=4, monetary="monetary_value")["M"].tolist()[:2] == [1, 1]


def test_add_spend_counts_all_purchases_and_returns():
    tx = pd.DataFrame({
        "customer_id": pd.array(["a", "a", "a", "b", "c"], dtype="string"),
        "date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-12", "2024-01-05", "2024-03-01"]),
        "amount": [100.0, 50.0, -30.0, 40.0, 999.0],
    })
    summary = make_summary([1, 0], [9, 0], [30, 26], [50.0, 0.0], ids=["a", "b"])
    out = rfm.add_spend(summary, tx, observation_end="2024-01-31")
    assert out["revenue"].tolist() == [120.0, 40.0]  # c's purchase is after the observation end
    assert out["mean_spend"].tolist() == [60.0, 40.0]  # a: 120 over 2 purchase days
    assert "revenue" not in summary.columns  # the input is not modified


def test_add_spend_keeps_holdout_purchases_out_of_a_calibration_summary():
    """Purchases of 100 and 10 before calibration_end and 500 after: calibration spend is 110
    over 2 purchases (55), not 610 over 2 (305)."""
    from crmlib.summary import rfm_summary

    tx = pd.DataFrame({
        "customer_id": pd.array(["a", "a", "a"], dtype="string"),
        "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"]),
        "amount": [100.0, 10.0, 500.0],
    })
    tx["is_return"] = tx["amount"] < 0
    summary = rfm_summary(tx, observation_end="2024-06-30", calibration_end="2024-03-01")
    assert summary.at["a", "frequency"] == 1
    out = rfm.add_spend(summary, tx)
    assert out.at["a", "revenue"] == 110.0 and out.at["a", "mean_spend"] == 55.0
    with pytest.raises(DataError, match="calibration_end 2024-03-01"):
        rfm.add_spend(summary, tx, observation_end="2024-06-30")


def test_add_spend_counts_the_whole_end_day_and_defaults_to_the_summary_end():
    tx = pd.DataFrame({
        "customer_id": pd.array(["a", "a", "a"], dtype="string"),
        "date": pd.to_datetime(["2024-01-01 00:00", "2024-01-31 18:30", "2024-02-01 00:00"]),
        "amount": [100.0, 20.0, 999.0],
    })
    summary = make_summary([1], [30], [30], [20.0], ids=["a"])
    # a purchase at 18:30 on the end day is inside the period
    assert rfm.add_spend(summary, tx, observation_end="2024-01-31").at["a", "revenue"] == 120.0
    summary.attrs["observation_end"] = pd.Timestamp("2024-01-31")
    assert rfm.add_spend(summary, tx).at["a", "revenue"] == 120.0


@pytest.mark.parametrize("bad, needle", [
    (lambda s: s.drop(columns="T"), r"score\(\) \(RFM summary\): column 'T' missing \(found: 'frequency', 'recency', "),
    (lambda s: s.assign(recency=s["T"] + 1), "T >= recency"),
    (lambda s: s.assign(frequency=np.nan), "column 'frequency': 5 missing"),
])
def test_bad_summary_raises_data_error_naming_the_problem(bad, needle):
    summary = make_summary([0, 1, 2, 0, 3], [0, 2, 3, 0, 4], [5, 5, 5, 5, 5], [0, 1, 2, 0, 3])
    with pytest.raises(DataError, match=needle):
        rfm.score(bad(summary))


# ---------------------------------------------------------------- schemes


def test_default_scheme_names_the_classic_cells():
    cells = pd.DataFrame({"R": [5, 1, 1, 5, 4, 3, 2, 3, 5, 1], "F": [5, 5, 3, 1, 1, 3, 1, 1, 2, 1]},
                         index=pd.Index(list("abcdefghij"), name="customer_id"))
    seg = rfm.segment(cells, scheme=rfm.default_scheme(limits=None))
    assert seg.astype(str).tolist() == ["Champions", "Can't Lose Them", "At Risk", "New", "Promising",
                                        "Need Attention", "Hibernating", "About to Sleep",
                                        "Potential Loyalist", "Lost"]
    assert list(seg.cat.categories) == SEGMENTS


@pytest.mark.parametrize("bins", range(2, 11))
def test_scaled_default_scheme_tiles_the_grid(bins):
    scheme = rfm.check_scheme(rfm.default_scheme(bins), bins)
    area = ((scheme["r_max"] - scheme["r_min"] + 1) * (scheme["f_max"] - scheme["f_min"] + 1)).sum()
    assert area == bins * bins


def test_scheme_with_a_gap_is_refused_naming_the_cell():
    scheme = rfm.default_scheme()
    scheme = scheme[scheme["segment"] != "New"]  # New is the single cell R=5, F=1
    cells = pd.DataFrame({"R": [5], "F": [1]})
    with pytest.raises(DataError, match=r"covered by no rule: \(R=5, F=1\)"):
        rfm.segment(cells, scheme=scheme)


def test_scheme_with_an_overlap_is_refused_naming_cell_and_segments():
    scheme = rfm.default_scheme().copy()
    scheme.loc[scheme["segment"] == "Champions", "r_min"] = 4  # now overlaps Loyal at R=4, F=4..5
    with pytest.raises(DataError) as err:
        rfm.segment(pd.DataFrame({"R": [1], "F": [1]}), scheme=scheme)
    msg = str(err.value)
    assert "(R=4, F=4) by ['Champions', 'Loyal']" in msg and "(R=4, F=5)" in msg


def test_scheme_with_bounds_outside_the_grid_is_refused():
    scheme = rfm.default_scheme().copy()
    scheme.loc[0, "f_max"] = 6
    with pytest.raises(DataError, match=r"'f_max' must hold whole numbers 1..5.*'Champions' \(6\)"):
        rfm.check_scheme(scheme)


def test_a_custom_three_segment_scheme_works():
    scheme = pd.DataFrame({"segment": ["active", "lapsing", "gone"], "r_min": [3, 2, 1], "r_max": [3, 2, 1],
                           "f_min": [1, 1, 1], "f_max": [3, 3, 3]})
    scored = rfm.score(random_summary(300), bins=3)
    seg = rfm.segment(scored, scheme=scheme)
    assert (seg.astype(str) == scored["R"].map({3: "active", 2: "lapsing", 1: "gone"})).all()


def test_playbook_covers_every_default_segment_with_an_action():
    book = rfm.playbook()
    assert book["segment"].tolist() == SEGMENTS
    assert {"reward", "retain", "win back", "cross-sell"} <= set(book["action"])
    assert rfm.playbook(["Lost", "Champions"])["segment"].tolist() == ["Champions", "Lost"]


# ---------------------------------------------------------------- clustering


def test_cluster_picks_k_by_silhouette_on_separated_groups_and_describes_them():
    rng = np.random.default_rng(42)
    n = 150
    # three groups, well apart on the log scale: best (recent, frequent, big spenders),
    # middling, and lapsed one-off small spenders
    gap = np.concatenate([rng.uniform(1, 3, n), rng.uniform(25, 35, n), rng.uniform(300, 400, n)])
    freq = np.concatenate([rng.integers(18, 25, n), rng.integers(3, 5, n), np.zeros(n)])
    spend = np.concatenate([rng.uniform(900, 1100, n), rng.uniform(80, 120, n), rng.uniform(4, 6, n)])
    T = gap + 400
    summary = make_summary(freq, T - gap, T, spend)
    res = rfm.cluster(summary, k_range=range(2, 7))
    assert res.k == 3
    assert res.silhouette.idxmax() == 3 and res.silhouette[3] > 0.7
    # clusters are numbered from the most valuable, so group i is cluster i + 1
    truth = np.repeat([1, 2, 3], n)
    assert (res.labels.to_numpy() == truth).all()
    assert res.descriptions[1] == "recent, frequent, high spend"
    assert res.descriptions[3] == "lapsed, one-off, low spend"
    assert res.centers.loc[1, "customers"] == n
    assert res.named().iloc[0] == "1: recent, frequent, high spend"


def test_cluster_words_follow_the_plain_means_shown_beside_them():
    """Before: words came from log-scale centres, so a page called clusters with 3.64 and 4.19 mean repeat
    purchases "one-off" and a cluster 201.92 days silent "lapsed" beside one of 205.44 days "mid recency"."""
    from crmlib.rfm.clusters import LEVELS

    rng = np.random.default_rng(42)
    n = 150  # loyal regulars, and lapsed customers who bought 3 to 7 times: a mean of 4 repeat purchases
    gap = np.concatenate([rng.uniform(1, 20, n), rng.uniform(150, 300, n)])
    freq = np.concatenate([rng.integers(18, 35, n), rng.integers(2, 7, n)])
    spend = np.concatenate([rng.uniform(800, 1000, n), rng.uniform(500, 1300, n)])
    T = gap + 500
    res = rfm.cluster(make_summary(freq, T - gap, T, spend))
    means = res.centers.rename(columns={"days_since_last_purchase": "recency"})
    for feature in LEVELS:
        rank = res.levels[feature].map(LEVELS[feature].index)
        by_mean = rank[means[feature].sort_values(kind="stable").index]
        assert by_mean.is_monotonic_increasing, (feature, res.centers)  # more days: never a more recent word
    assert (means["frequency"] > 3).all()  # every cluster buys again 3 times or more on average ...
    assert not (res.levels["frequency"] == "one-off").any(), res.centers  # ... so none is "one-off"


def test_cluster_refuses_too_few_distinct_customers():
    summary = make_summary([0, 0, 0], [0, 0, 0], [5, 5, 5], [1, 1, 1])
    with pytest.raises(DataError, match="too few to cluster"):
        rfm.cluster(summary)


# ---------------------------------------------------------------- profile


def test_profile_adds_up_and_uses_clv_and_nps():
    summary = make_summary([0, 2, 4, 0], [0, 10, 20, 0], [30, 30, 30, 100], [0, 10, 20, 0],
                           ids=["a", "b", "c", "d"])
    summary["revenue"] = [5.0, 30.0, 100.0, 15.0]
    summary["mean_spend"] = summary["revenue"] / (summary["frequency"] + 1)
    seg = pd.Series(pd.Categorical(["x", "y", "y", "x"], categories=["y", "x"]), index=summary.index)
    clv = pd.Series({"a": 1.0, "b": 10.0, "c": 30.0, "d": 3.0})
    fb = pd.DataFrame({"customer_id": ["a", "b", "b", "c", "zz"], "nps": [10, 0, 9, 10, 10]})
    fb["segment"] = fb["customer_id"].map(seg)
    prof = rfm.profile(summary, seg, clv=clv, nps=nps_by(fb, by="segment"))
    assert prof.index.tolist() == ["y", "x"]
    assert prof["customers"].tolist() == [2, 2]
    assert prof["revenue"].tolist() == [130.0, 20.0]
    assert prof["revenue_share"].sum() == pytest.approx(1.0)
    assert prof.at["y", "revenue_share"] == pytest.approx(130 / 150)
    assert prof.at["x", "mean_days_since_last_purchase"] == pytest.approx(65.0)
    assert prof.at["y", "mean_predicted_clv"] == pytest.approx(20.0)
    # y: answers 0, 9, 10 -> 2 promoters, 1 detractor of 3 = +33.3; x: one promoter = +100; 'zz' unknown
    assert prof.at["y", "nps"] == pytest.approx(100 / 3)
    assert prof.at["x", "nps"] == pytest.approx(100.0)
    assert prof["nps_responses"].tolist() == [3, 1]


def test_profile_without_revenue_names_it_repeat_revenue():
    summary = make_summary([0, 2], [0, 10], [30, 30], [0, 10.0], ids=["a", "b"])
    prof = rfm.profile(summary, pd.Series(["x", "y"], index=summary.index))
    assert prof.loc["y", "repeat_revenue"] == 20.0 and "revenue" not in prof.columns


# ---------------------------------------------------------------- migration


def test_migration_counts_add_up_and_keep_new_and_gone_customers():
    before = pd.Series({"a": "Champions", "b": "Champions", "c": "At Risk", "d": "Lost", "e": "Champions"})
    after = pd.Series({"a": "Champions", "b": "At Risk", "c": "Lost", "e": "At Risk", "f": "New"})
    counts, shares = rfm.migration(before, after)
    assert counts.to_numpy().sum() == 6  # union of customers: a..f
    assert counts.loc["Champions", "At Risk"] == 2 and counts.loc["Champions", "Champions"] == 1
    assert counts.loc["Lost", "(gone)"] == 1 and counts.loc["(new)", "New"] == 1
    assert counts.sum(axis=1).loc[["Champions", "At Risk", "Lost"]].tolist() == [3, 1, 1]
    assert shares.loc["Champions", "At Risk"] == pytest.approx(2 / 3)
    assert shares.dropna(how="all").sum(axis=1).to_numpy() == pytest.approx(1.0)


def test_migration_on_scored_snapshots_on_one_scale():
    summary = random_summary(500)
    scored = rfm.score(summary)
    later = summary.assign(T=summary["T"] + 90)
    later.attrs["freq"] = "D"
    later_scored = rfm.score(later, thresholds=rfm.thresholds_of(scored))
    counts, shares = rfm.migration(rfm.segment(scored), rfm.segment(later_scored))
    assert counts.to_numpy().sum() == 500
    assert counts.loc["(new)"].sum() == 0 and counts["(gone)"].sum() == 0
    # without purchases nobody becomes more recent: nobody moves into Champions from elsewhere
    assert counts["Champions"].drop("Champions").sum() == 0


# ---------------------------------------------------------------- figures


@pytest.mark.slow
def test_segment_figures_state_their_finding():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmlib.plots import rfm as plots_rfm

    summary = random_summary(1000)
    summary["mean_spend"] = summary["monetary_value"] + 10
    scored = rfm.score(summary)
    scored["segment"] = rfm.segment(scored)
    grid = rfm.rf_grid(scored)
    assert grid.index.tolist() == [5, 4, 3, 2, 1] and grid.to_numpy().sum() == 1000
    ax = plots_rfm.rf_heatmap(scored)
    r, f = np.unravel_index(np.argmax(grid.to_numpy()), grid.shape)
    assert f"R={grid.index[r]} F={grid.columns[f]}" in ax.get_title()
    ax = plots_rfm.rf_heatmap(scored, value="mean_spend")
    assert ax.get_title().startswith("Mean spend per purchase is highest")
    prof = rfm.profile(scored)
    ax = plots_rfm.segment_size_revenue(prof)
    top = (prof["repeat_revenue_share"] - prof["customer_share"]).idxmax()
    assert ax.get_title().startswith(f"{top}:") and ax.get_xlabel() == "share (%)"
    before = rfm.segment(scored)
    after = before.copy()
    champs = before.index[before == "Champions"]
    after[champs[: len(champs) // 4]] = "At Risk"
    counts, shares = rfm.migration(before, after)
    ax = plots_rfm.migration_heatmap(shares, counts=counts)
    moved = len(champs) // 4
    stay = 100 * (len(champs) - moved) / len(champs)
    assert ax.get_title() == f"{stay:.0f}% of Champions stayed Champions; {100 - stay:.0f}% moved to At Risk"
    assert "(new)" not in [t.get_text() for t in ax.get_yticklabels()]  # empty rows are left out
    plt.close("all")


# ---------------------------------------------------------------- the segment report


def _run_report(tmp_path, monkeypatch, **params):
    import nbformat
    import papermill

    from crmlib.config import report_notebook

    monkeypatch.setenv("CRMLIB_SECRET", "report-test-secret")
    files = tmp_path / "files"
    out = tmp_path / "segments.ipynb"
    papermill.execute_notebook(str(report_notebook("segments")), str(out), parameters={**params, "output_dir": str(files)},
                               cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    return nbformat.read(out, as_version=4), files


@pytest.mark.slow
def test_segment_report_renders_on_simulated_crm_data_and_writes_files_without_pii(tmp_path, monkeypatch):
    from crmlib.datasets import make_crm_dataset

    data = make_crm_dataset(n_customers=400, seed=3)
    paths = data.write(tmp_path / "data")
    nb, files = _run_report(tmp_path, monkeypatch, **{k: str(v) for k, v in paths.items()})
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 4
    written = {p.name for p in files.iterdir()}
    assert "user_data_import.csv" in written and "user_data_import.manifest.json" in written
    assert any(n.endswith("_hashed_email.csv") for n in written)
    raw = [str(v).strip().lower() for v in pd.concat([data.customers["email"], data.customers["phone"],
                                                       data.customers["name"]]).dropna() if str(v).strip()]
    ids = set(data.customers["customer_id"].astype(str))
    for p in files.iterdir():
        text = p.read_text(encoding="utf-8").lower()
        assert not any(v in text for v in raw), p.name
        assert not any(i.lower() in text for i in ids), p.name
    # the notebook itself shows no raw PII either
    import nbformat

    shown = nbformat.writes(nb).lower()
    assert not any(v in shown for v in raw if "@" in v)
    assert "nps answers" in shown  # NPS by segment, computed by crmlib.feedback


def test_segment_report_writes_files_outside_the_source_tree_by_default():
    """Run interactively (no output_dir from papermill), the files go to reports/segments under the working folder,
    not into the package folder beside the notebook."""
    import nbformat

    from crmlib import config
    from crmlib.config import report_notebook
    from crmlib.reports import inspect_notebook, segments_page

    assert inspect_notebook(report_notebook("segments")).parameters["output_dir"].default is None
    code = "\n".join(c.source for c in nbformat.read(report_notebook("segments"), as_version=4).cells)
    assert "output_dir" in code  # the notebook passes its parameter on; the page decides the folder
    assert segments_page.output_folder(None) == config.reports_dir() / "segments"
    assert segments_page.output_folder("x") == Path("x")


@pytest.mark.slow
def test_segment_report_renders_on_cdnow_master(demo_suite):
    """Reads the session's CDNOW-master segments run (conftest.demo_suite, as ``crmlib demo`` makes it)
    rather than running the same notebook on the same data a second time (about 10 s)."""
    import nbformat

    report = demo_suite.cdnow.reports[0]
    assert report.ok and report.parameters == {"dataset": "cdnow_master"}, report.describe_failure()
    nb, files = nbformat.read(report.notebook_path, as_version=4), report.html_path.parent / report.stem
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    written = {p.name for p in files.iterdir()}
    # CDNOW has no customers file: id audiences only, no hashed emails or phones
    assert written and all("hashed" not in n for n in written)
    user_data = pd.read_csv(files / "user_data_import.csv")
    assert len(user_data) == 23570  # customers in CDNOW master (Fader & Hardie's CDNOW data notes)
    # one acquisition cohort (the first quarter of 1997): the page says what "New" and "Promising" mean here
    shown = nbformat.writes(nb)
    assert "single acquisition cohort" in shown and "segments.csv" in written


def test_scored_frames_can_be_combined_by_pandas():
    """Two frames carrying the same score thresholds in attrs: pandas compares the attrs when it
    concatenates, and the thresholds' arrays made that comparison raise ('truth value of an array is
    ambiguous'), which stopped the CLV report's top-customers table."""
    scored = rfm.score(random_summary(200), bins=5)
    both = pd.concat([scored.head(5), scored.tail(5)])
    assert len(both) == 10 and both.index.equals(scored.index[[0, 1, 2, 3, 4, -5, -4, -3, -2, -1]])


def test_customer_count_heatmap_bar_shows_whole_customers():
    """With a handful of customers per cell matplotlib's default bar ticks fall on 0.5, 1.5, ...;
    a count of customers is whole, so every tick on the bar is an integer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmlib.plots import rfm as plots_rfm

    scored = rfm.score(random_summary(12))
    scored["segment"] = rfm.segment(scored)
    ax = plots_rfm.rf_heatmap(scored)
    bar = ax.collections[0].colorbar
    ax.figure.canvas.draw()
    ticks = [t for t in bar.get_ticks() if bar.vmin <= t <= bar.vmax]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert all("." not in label.get_text() for label in bar.ax.get_yticklabels() if label.get_text())
    plt.close("all")


def test_heatmap_numbers_are_dark_on_pale_cells():
    """The colour scale of a mean-spend grid runs from its least to its most value (say 1,800 to
    2,500), so a cell of 1,900 is pale: its number is written in black, not white."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmlib.plots import rfm as plots_rfm

    grid = pd.DataFrame([[1800.0, 1900.0], [2400.0, 2500.0]], index=[2, 1], columns=[1, 2])
    fig, ax = plt.subplots()
    plots_rfm._annotate(ax, grid, lambda v: f"{v:.0f}")
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours == {"1800": "black", "1900": "black", "2400": "white", "2500": "white"}
    plt.close(fig)


def test_segment_builds_and_checks_the_default_scheme_once_per_scale(monkeypatch):
    """The default rules are built and checked once per number of bins (3 of the 4.5 ms a segment call
    took on a small table); the names are those of the scheme passed explicitly, and a bad scale is
    still refused every time."""
    from crmlib.rfm import segments

    summary = random_summary()
    scored = {bins: rfm.score(summary, bins=bins) for bins in (3, 5)}
    for table in scored.values():
        rfm.segment(table)
    built = []
    default = segments.default_scheme
    monkeypatch.setattr(segments, "default_scheme", lambda *a, **k: built.append(a) or default(*a, **k))
    for bins, table in scored.items():
        pd.testing.assert_series_equal(rfm.segment(table), rfm.segment(table, scheme=default(bins)))
    assert built == []
    with pytest.raises(DataError, match="Columns 'R'/'F' must hold scores 1..2"):
        rfm.segment(scored[3], bins=2)
