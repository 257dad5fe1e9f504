"""BG/NBD and Pareto/NBD with time-invariant covariates (crmlib/clv/_covariates.py and its leaves).

Estimates are checked by recovering known coefficients from cohorts simulated from the models
themselves (no published covariate fit on open data exists; pymc-marketing's MAP fit is compared in
benchmarks/compare_pymc.py).
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from crmlib.clv import BetaGeo, BetaGeoCovariates, GammaGamma, ParetoNBD, ParetoNBDCovariates
from crmlib.exceptions import DataError

BG_TRUTH = {"r": 0.4, "alpha": 5.0, "a": 0.8, "b": 3.0, "purchase:web": 0.5, "purchase:age": -0.3,
            "dropout_a:web": 0.4, "dropout_a:age": 0.0, "dropout_b:web": -0.3, "dropout_b:age": 0.2}
PNBD_TRUTH = {"r": 0.6, "alpha": 6.0, "s": 0.7, "beta": 10.0, "purchase:web": 0.5, "purchase:age": -0.3,
              "dropout:web": -0.5, "dropout:age": 0.3}
BOTH = {"purchase_covariates": ("web", "age"), "dropout_covariates": ("web", "age")}


def _covariates(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"web": rng.integers(0, 2, n).astype(float), "age": rng.normal(0.0, 1.0, n)})


def _cohort(cls, truth, n, seed=42):
    z = _covariates(n, seed)
    T = np.random.default_rng(seed + 1).uniform(20, 60, n).round()
    return cls.from_params(truth, **BOTH).sample(covariates=z, T=T, seed=seed + 2)


@pytest.mark.slow
@pytest.mark.parametrize("cls, truth, n, bounds", [
    # absolute bounds about 2.5 standard errors of these sample sizes: the BG/NBD dropout
    # coefficients act on a and b of a beta distribution and are the least precise
    (BetaGeoCovariates, BG_TRUTH, 20000, {"purchase": 0.1, "dropout_a": 0.3, "dropout_b": 0.4}),
    (ParetoNBDCovariates, PNBD_TRUTH, 10000, {"purchase": 0.1, "dropout": 0.2}),
])
def test_covariate_fit_recovers_simulated_coefficients(cls, truth, n, bounds):
    model = cls(**BOTH).fit(_cohort(cls, truth, n))
    est, se = model.params_, model.standard_errors_
    for name, value in truth.items():
        assert abs(est[name] - value) < 3 * se[name], (name, est[name], se[name])
        if ":" in name:
            assert abs(est[name] - value) < bounds[name.split(":")[0]], (name, est[name])
        else:  # base parameters within 30% (b of BG/NBD has a wide interval)
            assert abs(np.log(est[name] / value)) < 0.3, (name, est[name])
    effects = model.covariate_effects()
    assert list(effects["covariate"]) == [k.split(":")[1] for k in truth if ":" in k]
    assert np.allclose(effects["ratio"], np.exp(effects["coef"]))


@pytest.mark.parametrize("cls, plain, truth", [(BetaGeoCovariates, BetaGeo, BG_TRUTH),
                                               (ParetoNBDCovariates, ParetoNBD, PNBD_TRUTH)])
def test_zero_coefficients_reduce_exactly_to_the_plain_model(cls, plain, truth):
    data = _cohort(cls, truth, 1500)
    base = {k: v for k, v in truth.items() if ":" not in k}
    zero = cls.from_params({k: (v if ":" not in k else 0.0) for k, v in truth.items()}, **BOTH)
    reference = plain.from_params(base)
    rows = data[["frequency", "recency", "T"]]
    assert zero.log_likelihood(data) == pytest.approx(reference.log_likelihood(rows), rel=1e-12)
    np.testing.assert_allclose(zero.probability_alive(data), reference.probability_alive(rows), rtol=1e-10)
    np.testing.assert_allclose(zero.expected_purchases(10.0, data), reference.expected_purchases(10.0, rows),
                               rtol=1e-10)


@pytest.mark.parametrize("cls, plain, truth", [(BetaGeoCovariates, BetaGeo, BG_TRUTH),
                                               (ParetoNBDCovariates, ParetoNBD, PNBD_TRUTH)])
def test_covariate_gradient_matches_differences(cls, plain, truth):
    data = _cohort(cls, truth, 400)
    model = cls(**BOTH)
    _, arrays, mats, w = model._table(data)
    theta = np.array([np.log(v) if ":" not in k else v for k, v in truth.items()]) + 0.05
    _, grad = model._theta_total(theta, arrays, mats, w)
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = 1e-6
        numeric[i] = (model._theta_total(theta + step, arrays, mats, w)[0]
                      - model._theta_total(theta - step, arrays, mats, w)[0]) / 2e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cls, plain, truth", [(BetaGeoCovariates, BetaGeo, BG_TRUTH),
                                               (ParetoNBDCovariates, ParetoNBD, PNBD_TRUTH)])
@pytest.mark.slow
def test_binary_covariate_predictions_are_the_plain_model_of_each_group(cls, plain, truth):
    """A 0/1 covariate on purchase and dropout: each group is predicted exactly as the plain model
    with that group's parameters; the fit sits between one plain fit and a plain fit per group."""
    keep = {k: v for k, v in truth.items() if ":age" not in k}
    one = {"purchase_covariates": ("web",), "dropout_covariates": ("web",)}
    z = _covariates(4000, 7)[["web"]]
    data = cls.from_params(keep, **one).sample(covariates=z, T=40.0, seed=3)
    model = cls(**one).fit(data)
    p = model.params_
    for g in (0.0, 1.0):
        rows = data[data["web"] == g]
        if cls is BetaGeoCovariates:
            own = {"r": p["r"], "alpha": p["alpha"] * np.exp(-g * p["purchase:web"]),
                   "a": p["a"] * np.exp(g * p["dropout_a:web"]), "b": p["b"] * np.exp(g * p["dropout_b:web"])}
        else:
            own = {"r": p["r"], "alpha": p["alpha"] * np.exp(-g * p["purchase:web"]), "s": p["s"],
                   "beta": p["beta"] * np.exp(-g * p["dropout:web"])}
        reference = plain.from_params(own)
        plain_rows = rows[["frequency", "recency", "T"]]
        np.testing.assert_allclose(model.probability_alive(rows), reference.probability_alive(plain_rows),
                                   rtol=1e-10)
        np.testing.assert_allclose(model.expected_purchases(26, rows), reference.expected_purchases(26, plain_rows),
                                   rtol=1e-10)
    pooled = plain().fit(data[["frequency", "recency", "T"]]).log_likelihood_
    grouped = sum(plain().fit(data.loc[data["web"] == g, ["frequency", "recency", "T"]]).log_likelihood_
                  for g in (0.0, 1.0))
    assert pooled < model.log_likelihood_ <= grouped + 1e-6
    if cls is BetaGeoCovariates:  # BG/NBD with a and b both free per group is the per-group fit
        assert model.log_likelihood_ > grouped - 2.0  # differs by r only: a small gap


def test_clv_uses_each_customers_parameters():
    data = _cohort(ParetoNBDCovariates, PNBD_TRUTH, 300).assign(monetary_value=20.0)
    data["frequency"] = data["frequency"].clip(lower=0)
    model = ParetoNBDCovariates.from_params(PNBD_TRUTH, **BOTH)
    spend = GammaGamma.from_params(p=6.0, q=4.0, v=15.0)
    clv = model.customer_lifetime_value(data, spend, horizon=12, discount_rate=0.01)
    # a twin with web flipped buys at another rate: its value differs
    flipped = model.customer_lifetime_value(data.assign(web=1 - data["web"]), spend, horizon=12, discount_rate=0.01)
    assert clv.notna().all() and (clv >= 0).all()
    assert not np.allclose(clv, flipped)


def test_hyper_parameters_clone_and_pickle():
    model = ParetoNBDCovariates(purchase_covariates=("web",), dropout_covariates=("age",), penalizer=0.0)
    assert clone(model).get_params() == model.get_params()
    assert model.param_names == ("r", "alpha", "s", "beta", "purchase:web", "dropout:age")
    fitted = ParetoNBDCovariates.from_params({**{k: v for k, v in PNBD_TRUTH.items() if ":" not in k},
                                              "purchase:web": 0.5, "dropout:age": 0.3},
                                             purchase_covariates=("web",), dropout_covariates=("age",))
    again = pickle.loads(pickle.dumps(fitted))
    assert again.params_.equals(fitted.params_)


def _fit_error(data, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        BetaGeoCovariates(**kwargs).fit(data)
    return str(info.value)


def test_bad_covariates_get_one_clear_message():
    data = _cohort(BetaGeoCovariates, BG_TRUTH, 200).set_index(pd.Index([f"cust-{i}" for i in range(200)]))
    text = data.assign(region=["north"] * 199 + ["south-east-secret"])
    text.loc[text.index[5], "age"] = np.nan
    text.loc[text.index[[8, 9]], "age"] = np.inf
    message = _fit_error(text, purchase_covariates=("region", "age"))
    assert "'region': 200 row(s)" in message and "not numbers" in message and "get_dummies" in message
    assert "'age': 1 row(s), first at position(s) 5" in message and "missing" in message
    assert "'age': 2 row(s), first at position(s) 8, 9" in message and "infinite" in message
    assert "cust-" not in message and "secret" not in message  # no customer ids, no raw values

    message = _fit_error(data, dropout_covariates=("income",))
    assert "'income'" in message and "dropout_covariates" in message and "not in the data" in message
    message = _fit_error(data.assign(web=1.0), purchase_covariates=("web",))
    assert "['web']" in message and "one value for every customer" in message
    assert "tuple of column names" in _fit_error(data, purchase_covariates="web")
    assert "purchase history" in _fit_error(data, purchase_covariates=("T",))


def test_population_quantities_point_to_per_customer_predictions():
    model = BetaGeoCovariates.from_params(BG_TRUTH, **BOTH)
    with pytest.raises(DataError, match="frequency = recency = T = 0"):
        model.expected_purchases_new_customer(10)
    new = pd.DataFrame({"frequency": [0.0], "recency": [0.0], "T": [0.0], "web": [0.0], "age": [0.0]})
    zero = BetaGeo.from_params({k: v for k, v in BG_TRUTH.items() if ":" not in k})
    assert model.expected_purchases(10, new).iloc[0] == pytest.approx(zero.expected_purchases_new_customer(10),
                                                                       rel=1e-8)


@pytest.mark.slow
def test_bgnbd_closed_form_for_continuous_dropout_covariates_matches_the_quadrature():
    """Above 256 distinct (a_i, b_i) expected purchases use FHL (2005) eq. 10 with 2F1, vectorised;
    it must agree with the beta quadrature (BetaGeo's own route) for a_i below and above 1."""
    z = pd.DataFrame({"u": np.random.default_rng(3).normal(0.0, 1.2, 400)})
    truth = {"r": 0.4, "alpha": 5.0, "a": 0.5, "b": 3.0, "purchase:u": 0.3, "dropout_a:u": 0.8, "dropout_b:u": -0.3}
    model = BetaGeoCovariates.from_params(truth, purchase_covariates=("u",), dropout_covariates=("u",))
    data = model.sample(covariates=z, T=np.random.default_rng(4).uniform(1, 80, 400).round(), seed=2)
    a_i = 0.5 * np.exp(0.8 * z["u"].to_numpy())
    assert a_i.min() < 0.2 and a_i.max() > 5  # both sides of a = 1, where the closed form has (a - 1)
    fast = model.expected_purchases(52.0, data)
    model._quadrature_groups = 10**9  # force the per-customer quadrature
    slow = model.expected_purchases(52.0, data)
    np.testing.assert_allclose(fast, slow, rtol=1e-9)
