"""crmlib.clv.paths and crmlib.clv.simulate (issue 23 point 1): BG/BB's first n periods, P(alive)
paths, cohort cumulative purchases, conditional P(n purchases) and simulated logs, checked
against published values where they exist and otherwise against simulation from the model."""

import numpy as np
import pandas as pd
import pytest

from crmlib.clv import BetaGeo, BetaGeoBetaBinom, ModifiedBetaGeo, ParetoNBD
from crmlib.clv.paths import (
    alive_path, bgbb_expected_transactions, bgbb_first_n_periods, conditional_probability_of_n_purchases,
    cumulative_transactions,
)
from crmlib.clv.simulate import log_summary, simulate_log
from crmlib.exceptions import DataError

from conftest import PUBLISHED_PARAMS

CONTINUOUS = [BetaGeo, ModifiedBetaGeo, ParetoNBD]


def _published(cls):
    return cls.from_params(**PUBLISHED_PARAMS[cls])


def test_bgbb_first_n_periods_matches_hardie_in_sample_fit_sheet(donations):
    """Fader & Hardie's BG/BB spreadsheet (note 010, "In-Sample Fit" sheet, cells C18 and C24;
    the values lifetimes tests against): of 11,104 donors, 3,454.9 are expected to make no
    repeat donation in 1996-2001 and 1,253.1 to give in all six years. Tolerance 0.2 donors:
    the sheet prints one decimal and its optimiser stops at slightly different parameters."""
    model = BetaGeoBetaBinom().fit(donations)
    table = bgbb_first_n_periods(model, 6, customers=11104)
    assert table["expected_customers"].loc[0] == pytest.approx(3454.9, abs=0.2)
    assert table["expected_customers"].loc[6] == pytest.approx(1253.1, abs=0.2)
    assert table["expected_customers"].sum() == pytest.approx(11104, rel=1e-12)
    assert model.first_n_periods(6).equals(bgbb_first_n_periods(model, 6))


def test_bgbb_mean_in_first_n_periods_is_fhs_2010_eq_9():
    """The mean of the exact distribution equals the closed form (FHS 2010 eq. 9) and the
    model's expected purchases of a new customer, to 1e-10 relative, for n = 1..20."""
    model = _published(BetaGeoBetaBinom)
    for n in range(1, 21):
        table = bgbb_first_n_periods(model, n)
        assert table.attrs["mean"] == pytest.approx(bgbb_expected_transactions(model, n), rel=1e-10)
        assert table.attrs["mean"] == pytest.approx(model.expected_purchases_new_customer(n), rel=1e-10)


def test_bgbb_variance_in_first_n_periods_matches_a_simulated_cohort():
    """200,000 donors simulated from the published BG/BB over 6 opportunities: the sample
    variance of their transaction counts lies within 4 standard errors of the model's variance
    (the standard error of a sample variance, sqrt((m4 - var^2) / N), from the exact distribution)."""
    model = _published(BetaGeoBetaBinom)
    table = bgbb_first_n_periods(model, 6)
    x, p = table.index.to_numpy(), table["probability"].to_numpy()
    var, mean = table.attrs["variance"], table.attrs["mean"]
    m4 = ((x - mean) ** 4) @ p
    counts = model.sample(200_000, seed=3, T=6)["frequency"].to_numpy()
    se = np.sqrt((m4 - var**2) / counts.size)
    assert abs(counts.var() - var) < 4 * se, (counts.var(), var, se)
    assert var > 0 and mean == pytest.approx(counts.mean(), abs=4 * np.sqrt(var / counts.size))


@pytest.mark.parametrize("cls", CONTINUOUS, ids=lambda c: c.__name__)
def test_simulated_log_counts_match_the_probability_of_n_purchases(cls):
    """A simulated cohort's purchase counts (200,000 customers, 39 weeks, the published CDNOW
    parameters) lie within 5 binomial standard errors of P(X(39) = n) for every n."""
    model = _published(cls)
    log = simulate_log(model, 200_000, T=39.0, seed=11)
    summary = log_summary(log)
    counts = summary["frequency"].to_numpy().astype(int)
    n = np.arange(counts.max() + 1)
    share = np.bincount(counts, minlength=n.size) / counts.size
    p = model.probability_of_n_purchases(39.0, n)
    se = np.sqrt(p * (1 - p) / counts.size)
    assert np.all(np.abs(share - p) <= 5 * se + 1e-5), np.max(np.abs(share - p) / (se + 1e-12))
    assert (summary["recency"] <= summary["T"]).all() and (log["t"] <= log["T"]).all()


@pytest.mark.parametrize("cls", CONTINUOUS, ids=lambda c: c.__name__)
def test_simulated_alive_flag_matches_probability_alive(cls):
    """The true alive flag of simulated customers agrees with P(alive) computed from their
    histories: for customers with 0, 1, 2 and 3+ repeat purchases, the share alive lies within
    5 standard errors of the mean P(alive) of that group."""
    model = _published(cls)
    summary = log_summary(simulate_log(model, 100_000, T=39.0, seed=5))
    p_alive = model.probability_alive(summary).to_numpy()
    group = np.minimum(summary["frequency"].to_numpy(), 3)
    for g in range(4):
        rows = group == g
        expected = p_alive[rows].mean()
        se = np.sqrt(np.sum(p_alive[rows] * (1 - p_alive[rows]))) / rows.sum()
        assert abs(summary["alive"].to_numpy()[rows].mean() - expected) <= 5 * se + 1e-9, (g, expected)


def test_alive_path_follows_the_history_and_ends_at_probability_alive():
    """BG/NBD: P(alive) is 1 until the first repeat purchase, falls between purchases, rises at
    a purchase and at age T equals probability_alive of the whole history."""
    model = _published(BetaGeo)
    path = alive_path(model, [0.0, 10.0, 20.5], T=38.0)
    assert list(path.index[:3]) == [0.0, 1.0, 2.0] and len(path) == 39
    assert (path.loc[:9] == 1.0).all()
    assert np.all(np.diff(path.loc[10:20].to_numpy()) < 0) and np.all(np.diff(path.loc[21:].to_numpy()) < 0)
    assert path.loc[21] > path.loc[20]
    whole = pd.DataFrame({"frequency": [2.0], "recency": [20.5], "T": [38.0]})
    assert path.iloc[-1] == pytest.approx(model.probability_alive(whole).iloc[0], rel=1e-12)
    with pytest.raises(DataError, match="start at 0"):
        alive_path(model, [1.0, 3.0], T=10)


@pytest.mark.slow
def test_cumulative_transactions_match_a_simulated_cohort():
    """30,000 customers enter over 12 weeks (first purchases on a uniform grid) and are followed
    to week 52: the expected cumulative repeat purchases (the sum over customers of
    E[X(age)]) match the simulated actual counts within 3% at weeks 13, 26, 39 and 51."""
    model = _published(BetaGeo)
    n = 30_000
    births = np.repeat(np.arange(12.0), n // 12)
    log = simulate_log(model, births.size, T=52.0 - births, seed=2)
    repeats = (births[log["customer_id"]] + log["t"])[log["t"] > 0]
    table = cumulative_transactions(model, births, repeats.to_numpy(), t=52)
    for week in (13, 26, 39, 51):
        assert table.loc[week, "actual"] == pytest.approx(table.loc[week, "predicted"], rel=0.03), week
    assert table.loc[0, "predicted"] == 0 and table["actual"].is_monotonic_increasing


@pytest.mark.parametrize("cls", CONTINUOUS, ids=lambda c: c.__name__)
def test_conditional_probability_of_n_purchases_sums_to_one_and_gives_the_conditional_mean(cls):
    """For histories (x, t_x, T) of CDNOW's range, P(n in (T, T + t] | history) summed over n
    is 1 (1e-8) and its mean equals expected_purchases, computed by another formula (1e-6)."""
    model = _published(cls)
    n = np.arange(0, 400)
    for x, tx, T, t in [(0, 0, 38.0, 39.0), (2, 30.43, 38.86, 39.0), (7, 35.0, 36.0, 52.0), (1, 2.0, 30.0, 10.0)]:
        p = conditional_probability_of_n_purchases(model, t, n, x, tx, T)
        assert np.all(p >= 0) and p.sum() == pytest.approx(1.0, abs=1e-8)
        mean = model.expected_purchases(t, pd.DataFrame({"frequency": [x], "recency": [tx], "T": [T]})).iloc[0]
        assert n @ p == pytest.approx(mean, rel=1e-6)


@pytest.mark.parametrize("cls", CONTINUOUS, ids=lambda c: c.__name__)
def test_conditional_probability_of_n_purchases_builds_one_model_per_history(cls, monkeypatch):
    """Each distinct history (x, T) is updated once and scores all its (t, n) at once (the per-element
    loop built 1,600 models for this call), with the per-element numbers (1e-12)."""
    from crmlib.clv import paths

    model = _published(cls)
    x, tx, T = np.array([[0.0], [2.0], [2.0]]), np.array([[0.0], [30.43], [20.0]]), np.array([[38.0], [38.86], [38.86]])
    t, n = np.array([[39.0], [39.0], [10.0]]), np.arange(0, 400)[None, :]
    built = []
    updated = paths._updated
    monkeypatch.setattr(paths, "_updated", lambda *a: built.append(a[1:]) or updated(*a))
    p = conditional_probability_of_n_purchases(model, t, n, x, tx, T)
    assert p.shape == (3, 400) and sorted(built) == [(0.0, 38.0), (2.0, 38.86)]
    for i in range(3):
        alive = model.probability_alive(pd.DataFrame({"frequency": x[i], "recency": tx[i], "T": T[i]})).iloc[0]
        for j in (0, 1, 5, 399):
            one = updated(model, x[i, 0], T[i, 0]).probability_of_n_purchases(t[i, 0], n[0, j])
            assert p[i, j] == pytest.approx(alive * one + (1 - alive) * (j == 0), rel=1e-12, abs=1e-300)
