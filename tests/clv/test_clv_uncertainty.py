"""Customer-level intervals from parameter uncertainty (crmlib.clv.uncertainty, issue 23 point 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.clv import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD
from crmlib.clv.uncertainty import value_intervals
from crmlib.clv.value import discounted_purchases
from crmlib.exceptions import DataError

TRUTH = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)  # CDNOW, Fader, Hardie & Lee 2005
SPEND = dict(p=6.25, q=3.74, v=15.44)  # CDNOW, Fader & Hardie 2013
RATE = 1.10 ** (7 / 365.2425) - 1  # 10% a year, per week


def _cohort(n: int, seed: int, model=BetaGeo) -> pd.DataFrame:
    """A simulated base in weeks with spend, shaped as crmlib.customer_table returns it."""
    rng = np.random.default_rng(seed)
    T = rng.integers(27 * 7, 39 * 7 + 1, n) / 7.0
    data = model.from_params(**TRUTH).sample(n, seed=seed, T=T)
    spend = GammaGamma.from_params(**SPEND).sample(n, seed=seed + 1, frequency=data["frequency"])
    data["monetary_value"] = spend["monetary_value"]
    data.attrs.update(freq="W", horizon=52.0, rate=RATE)
    return data


def _fit(data, model=BetaGeo):
    fitted = model().fit(data[["frequency", "recency", "T"]])
    spend = GammaGamma().fit(data.loc[data["frequency"] > 0, ["frequency", "monetary_value"]])
    return fitted, spend


@pytest.fixture(scope="module")
def base():
    data = _cohort(5000, seed=3)
    return data, *_fit(data)


def test_parameter_draws_follow_the_fitted_log_scale_covariance(base):
    _, model, _ = base
    draws = model.parameter_draws(4096, seed=1)
    logs = np.log(draws.to_numpy())
    assert list(draws.columns) == ["r", "alpha", "a", "b"] and (draws.to_numpy() > 0).all()
    # Sobol' points: the mean and spread of 4096 draws match the normal's to about 1%
    np.testing.assert_allclose(logs.mean(axis=0), np.log(model.params_.to_numpy()), atol=0.01 * model._se_log.max())
    np.testing.assert_allclose(logs.std(axis=0), model._se_log, rtol=0.02)
    np.testing.assert_allclose(np.cov(logs.T), model._cov_log, atol=0.03 * model._se_log.max() ** 2)


def test_parameter_draws_refuse_models_without_standard_errors():
    with pytest.raises(DataError, match="set by hand"):
        BetaGeo.from_params(**TRUTH).parameter_draws(64)


@pytest.mark.parametrize("cls", [BetaGeo, ModifiedBetaGeo, ParetoNBD])
def test_estimates_of_the_draw_path_are_the_model_predictions(cls):
    """The first evaluation (at the estimates) of the draw path gives exactly what the page shows:
    P(alive), expected purchases over the horizon and the discounted value of crmlib.clv.value. The
    BG/NBD expectation at each draw uses 32 quadrature nodes instead of 96: agreement to 1e-9."""
    data = _cohort(3000, seed=5, model=cls if cls is not ParetoNBD else BetaGeo)
    model, spend = _fit(data, cls)
    out = value_intervals(data, model, spend, draws=32).customers  # no estimate columns: recomputed
    np.testing.assert_allclose(out["p_alive"], model.probability_alive(data), rtol=1e-9)
    np.testing.assert_allclose(out["expected_purchases"], model.expected_purchases(52, data), rtol=1e-9)
    clv = discounted_purchases(model, data, horizon_days=364, annual_discount=0.10) * spend.expected_spend(data)
    np.testing.assert_allclose(out["clv"], clv, rtol=1e-9)
    for name in ("p_alive", "expected_purchases", "clv"):
        assert (out[f"{name}_lower"] <= out[name] + 1e-12).all() and (out[name] <= out[f"{name}_upper"] + 1e-12).all()
    assert (out["clv_upper"] > out["clv_lower"]).all()


def test_value_intervals_use_the_tables_own_columns_models_and_totals(base):
    data, model, spend = base
    table = data.assign(p_alive=model.probability_alive(data), expected_purchases=model.expected_purchases(52, data),
                        clv=discounted_purchases(model, data, 364, 0.10) * spend.expected_spend(data))
    table.attrs.update(data.attrs, fitted_model=model, spend_model=spend)
    result = value_intervals(table, level=0.9, draws=64)
    assert result.customers.index.equals(table.index)
    pd.testing.assert_series_equal(result.customers["clv"], table["clv"], check_names=False)
    totals = result.totals
    assert list(totals.index) == ["p_alive", "expected_purchases", "clv"]
    assert totals.loc["clv", "estimate"] == pytest.approx(table["clv"].sum())
    assert (totals["lower"] < totals["estimate"]).all() and (totals["estimate"] < totals["upper"]).all()
    # a wider level gives wider intervals
    wide = value_intervals(table, level=0.99, draws=64).totals
    assert (wide["lower"] < totals["lower"]).all() and (wide["upper"] > totals["upper"]).all()


def test_value_intervals_refuse_a_table_without_a_model():
    table = _cohort(100, seed=1)
    table.attrs.update(fitted_model=None, model_reason="No transaction model was asked for")
    with pytest.raises(DataError, match="No transaction model"):
        value_intervals(table)


@pytest.mark.slow
def test_nominal_90_percent_intervals_hold_the_truth_90_percent_of_the_time():
    """Coverage on simulated BG/NBD cohorts with known parameters (CDNOW's, spend at Fader & Hardie's).

    What the interval claims: given a base's histories, it brackets the quantity the *true*
    parameters give for those histories, the uncertainty coming only from the parameters having
    been estimated from that base (not the customers' own Poisson noise). So in each repetition a
    new cohort of 2,000 customers is simulated from the true models, both models are fitted, and
    the 90% intervals of three cohort-level quantities are checked against the same quantities
    computed on the same histories at the true parameters: the expected number of customers alive,
    the total expected purchases over the next 52 weeks and the total discounted value. Each
    customer's own interval is checked the same way (the share of customers whose interval holds
    their true expectation, averaged over repetitions). Over 160 repetitions a true 90% coverage
    falls in 85-95% with probability about 98% (binomial standard error 2.4 points).
    """
    truth, true_spend = BetaGeo.from_params(**TRUTH), GammaGamma.from_params(**SPEND)
    hits = {"p_alive": [], "expected_purchases": [], "clv": [], "customers": []}
    for rep in range(160):
        data = _cohort(2000, seed=100 + rep)
        model, spend = _fit(data)
        result = value_intervals(data, model, spend, level=0.9, draws=64, seed=rep)
        true = {"p_alive": truth.probability_alive(data), "expected_purchases": truth.expected_purchases(52, data),
                "clv": discounted_purchases(truth, data, 364, 0.10) * true_spend.expected_spend(data)}
        for name, values in true.items():
            lower, upper = result.totals.loc[name, ["lower", "upper"]]
            hits[name].append(lower <= values.sum() <= upper)
        c = result.customers
        inside = (c["expected_purchases_lower"] <= true["expected_purchases"]) & (
            true["expected_purchases"] <= c["expected_purchases_upper"])
        hits["customers"].append(inside.mean())
    coverage = {k: float(np.mean(v)) for k, v in hits.items()}
    assert all(0.85 <= v <= 0.95 for v in coverage.values()), coverage
