"""Invariants shared by every CLV model, input checks and errors."""

import pickle
import re

import numpy as np
import pandas as pd
import pytest

from crmlib.clv import (BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNBD,
                        ShiftedBetaGeo)
from crmlib.exceptions import ConvergenceError, DataError, NotFittedError

from clv_published import SURVIVAL_REGULAR, survival_to_cohort

TRANSACTION_MODELS = [BetaGeo, ParetoNBD, ModifiedBetaGeo, BetaGeoBetaBinom]
ALL_MODELS = TRANSACTION_MODELS + [GammaGamma, ShiftedBetaGeo]


@pytest.fixture(scope="module")
def datasets(cdnow_summary, cdnow_spend, donations):
    return {
        BetaGeo: cdnow_summary, ParetoNBD: cdnow_summary, ModifiedBetaGeo: cdnow_summary,
        BetaGeoBetaBinom: donations, GammaGamma: cdnow_spend,
        ShiftedBetaGeo: survival_to_cohort(SURVIVAL_REGULAR, 7),
    }


@pytest.fixture(scope="module", params=ALL_MODELS, ids=lambda m: m.__name__)
def fitted(request, datasets):
    data = datasets[request.param]
    return request.param().fit(data), data


def test_aic_bic_from_log_likelihood(fitted):
    model, data = fitted
    k = len(model.param_names)
    assert model.aic_ == pytest.approx(2 * k - 2 * model.log_likelihood_)
    assert model.bic_ == pytest.approx(k * np.log(model.n_customers_) - 2 * model.log_likelihood_)


def test_summary_and_intervals(fitted):
    model, _ = fitted
    summary = model.summary
    assert list(summary.columns) == ["coef", "se", "lower", "upper"]
    assert list(summary.index) == list(model.param_names)
    assert (summary["se"] > 0).all()
    assert (summary["lower"] < summary["coef"]).all() and (summary["coef"] < summary["upper"]).all()
    wide, narrow = model.confidence_intervals(0.99), model.confidence_intervals(0.5)
    assert (wide["lower"] < narrow["lower"]).all() and (wide["upper"] > narrow["upper"]).all()
    assert "<table" in model._repr_html_()


def test_pickle_round_trip(fitted):
    model, data = fitted
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_series_equal(again.params_, model.params_)
    assert again.log_likelihood(data) == pytest.approx(model.log_likelihood(data))


def test_weights_give_same_likelihood_as_repeated_rows(fitted):
    model, data = fitted
    cols = list(model.columns)
    if "weight" in data.columns:
        expanded = data.loc[data.index.repeat(data["weight"].astype(int)), cols]
    else:
        expanded = data[cols]
    compressed = expanded.groupby(cols).size().rename("weight").reset_index()
    assert model.log_likelihood(expanded) == pytest.approx(model.log_likelihood(compressed), rel=1e-12)
    refit = type(model)().fit(compressed)
    assert np.allclose(refit.params_, model.params_, rtol=1e-4)


def test_not_fitted_error():
    for cls in ALL_MODELS:
        with pytest.raises(NotFittedError, match="fit"):
            cls().summary


@pytest.fixture(scope="module", params=TRANSACTION_MODELS, ids=lambda m: m.__name__)
def transaction_model(request, datasets):
    data = datasets[request.param]
    return request.param().fit(data), data


def test_probability_alive_in_unit_interval_and_aligned(transaction_model):
    model, data = transaction_model
    shuffled = data.sample(frac=1.0, random_state=3)
    p = model.probability_alive(shuffled)
    assert p.index.equals(shuffled.index)
    assert p.between(0, 1).all()
    assert np.allclose(p.sort_index(), model.probability_alive(data).sort_index())


def test_expected_purchases_increase_in_t(transaction_model):
    model, data = transaction_model
    values = np.column_stack([model.expected_purchases(t, data) for t in (0, 1, 2, 5, 10, 40)])
    assert np.allclose(values[:, 0], 0)
    assert np.all(np.diff(values, axis=1) >= -1e-12)
    new = model.expected_purchases_new_customer(np.array([1.0, 2.0, 5.0, 10.0, 40.0]))
    assert np.all(np.diff(new) > 0)


def test_sample_mean_matches_expected_purchases_of_new_customers(transaction_model):
    """Monte Carlo: the mean repeat purchases of 200k simulated customers equals
    E[X(T)]; tolerance 5 standard errors of the simulated mean."""
    model, _ = transaction_model
    T = 6 if model.discrete else 39.0
    sim = model.sample(200_000, seed=11, T=T)
    se = sim["frequency"].std() / np.sqrt(len(sim))
    assert abs(sim["frequency"].mean() - model.expected_purchases_new_customer(T)) < 5 * se
    assert (sim["recency"] <= sim["T"]).all() and ((sim["frequency"] == 0) == (sim["recency"] == 0)).all()


@pytest.mark.slow
def test_clv_discounts_and_checks_units(cdnow_summary, cdnow_spend):
    bg = BetaGeo().fit(cdnow_summary)
    gg = GammaGamma().fit(cdnow_spend)
    data = cdnow_spend.head(20).copy()
    data.attrs["freq"] = "W"
    clv0 = bg.customer_lifetime_value(data, gg, horizon=52, discount_rate=0.0)
    clv1 = bg.customer_lifetime_value(data, gg, horizon=52, discount_rate=0.01)
    undiscounted = bg.expected_purchases(52, data) * gg.expected_spend(data)
    assert np.allclose(clv0, undiscounted)
    assert (clv1 <= clv0 + 1e-12).all() and (clv1 < clv0).any()
    assert clv0.index.equals(data.index)
    with pytest.raises(DataError, match="conflicts"):
        bg.customer_lifetime_value(data, gg, horizon=12, discount_rate=0.01, freq="M")


def _base_frame():
    return pd.DataFrame({"frequency": [1, 0, 3], "recency": [5.0, 0.0, 10.0], "T": [20.0, 20.0, 20.0]})


@pytest.mark.parametrize("change, match", [
    (lambda d: d.iloc[:0], "empty"),
    (lambda d: d.iloc[:1], "one customer"),
    (lambda d: d.assign(frequency=0, recency=0.0), "nobody made a repeat purchase"),
    (lambda d: d.assign(recency=[25.0, 0.0, 10.0]), "recency <= T"),
    (lambda d: d.assign(frequency=[1, -2, 3]), "negative"),
    (lambda d: d.drop(columns="T"), r"\['T'\] missing"),
    (lambda d: d.assign(frequency=[1.5, 0, 3]), "whole number"),
    (lambda d: d.assign(T=[20.0, np.nan, 20.0]), "not finite"),
])
@pytest.mark.parametrize("cls", [BetaGeo, ParetoNBD, ModifiedBetaGeo])
def test_bad_data_raises_data_error(cls, change, match):
    with pytest.raises(DataError, match=match):
        cls().fit(change(_base_frame()))


def test_error_names_rows():
    data = _base_frame().assign(recency=[25.0, 0.0, 10.0])
    data.index = ["c1", "c2", "c3"]
    with pytest.raises(DataError, match="'c1'"):
        BetaGeo().fit(data)


def test_non_convergence_raises_convergence_error():
    """Everyone bought every week and is still buying: no dropout at all, so b runs to infinity."""
    data = pd.DataFrame({"frequency": [10, 20], "recency": [10.0, 20.0], "T": [10.0, 20.0],
                         "weight": [500, 500]})
    with pytest.raises(ConvergenceError, match="What to try"):
        BetaGeo().fit(data)


# ---------------------------------------------------------------- speed-ups (issue 4) keep the maths

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crmlib.clv._data import Columns, compress, group_rows, unique_apply  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([0.0, 0.5, 1.0, 2.5, -0.0]),
                          st.sampled_from([1.0, 7.0, 39.0]), st.sampled_from([0.0, 1.0, 2.0, 3.5])),
                min_size=1, max_size=40))
@pytest.mark.slow
def test_compress_equals_sorted_groupby_sum(rows):
    """compress (hash factorisation) gives the rows and weights of pandas' sorted groupby-sum,
    groups with total weight 0 dropped; group_rows labels equal rows alike and others apart."""
    data = pd.DataFrame(rows, columns=["frequency", "recency", "T", "weight"]).astype(float)
    cols = ("frequency", "recency", "T")
    expected = data.groupby(list(cols), sort=True, as_index=False)["weight"].sum()
    expected = expected[expected["weight"] > 0].reset_index(drop=True)
    got = compress(data, cols)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    codes, first = group_rows([data[c].to_numpy() for c in cols])
    keys = list(map(tuple, data[list(cols)].to_numpy()))
    assert len(set(codes)) == len(set(keys)) == first.size
    assert all((codes[i] == codes[j]) == (keys[i] == keys[j]) for i in range(len(keys)) for j in range(len(keys)))
    assert all(keys[first[codes[i]]] == keys[i] for i in range(len(keys)))


def test_unique_apply_spreads_values_back_to_rows():
    data = pd.DataFrame({"a": [3.0, 1.0, 3.0, 2.0], "b": [0.0, 5.0, 0.0, 5.0]})
    calls = []

    def func(a, b):
        calls.append(a.size)
        return a * 10 + b

    assert unique_apply(data, ("a", "b"), func).tolist() == [30.0, 15.0, 30.0, 25.0]
    assert calls == [3]


@pytest.mark.parametrize("cls", [BetaGeo, ModifiedBetaGeo, GammaGamma])
def test_exact_gradient_matches_finite_differences(cls, datasets):
    """The one-pass likelihood and gradient (per distinct value, or from cached data sums for
    gamma-gamma) equal the weighted per-row log-likelihood and a central difference of it.
    Tolerance 1e-6 relative: the central difference with step 1e-6 is good to about 1e-8."""
    data = datasets[cls]
    model = cls()
    table = model._prepare(data, fitting=True)
    arrays = Columns(table[c].to_numpy() for c in model.columns)
    w = table["weight"].to_numpy()
    params = cls().fit(data).params_.to_numpy() * 1.07  # away from the optimum: gradient not 0
    total, grad = model._total(params, arrays, w)
    assert total == pytest.approx(float(w @ model._loglik(params, list(arrays))), rel=1e-12)
    h = 1e-6
    numeric = [(w @ model._loglik(params * np.exp(h * e), list(arrays))
                - w @ model._loglik(params * np.exp(-h * e), list(arrays))) / (2 * h) / params[i]
               for i, e in enumerate(np.eye(params.size))]
    assert np.allclose(grad, numeric, rtol=1e-6, atol=1e-6 * np.abs(grad).max())


@pytest.mark.parametrize("cls", TRANSACTION_MODELS)
def test_customers_observed_for_zero_time_contribute_nothing(cls, datasets):
    """Customers whose first purchase fell on the last day (T == 0, so frequency == recency == 0)
    are accepted: nothing could be observed of them, so their likelihood is 1 (log 0), the fit is
    unchanged, and they are certainly alive (BG/NBD, Pareto/NBD) or alive with the probability
    of not dropping out at once (MBG/NBD: b / (a + b); BG/BB, alive at the next opportunity:
    delta / (gamma + delta))."""
    data = datasets[cls]
    cols = list(cls.columns) + (["weight"] if "weight" in data.columns else [])
    new = pd.DataFrame({"frequency": [0.0, 0.0], "recency": [0.0, 0.0], "T": [0.0, 0.0]},
                       index=["new1", "new2"])
    if "weight" in cols:
        new["weight"] = [3.0, 4.0]
    base = cls().fit(data[cols])
    extended = cls().fit(pd.concat([data[cols], new]))
    assert base.log_likelihood(new) == pytest.approx(0.0, abs=1e-9)
    assert extended.log_likelihood_ == pytest.approx(base.log_likelihood_, abs=1e-6)
    assert np.allclose(extended.params_, base.params_, rtol=1e-4)
    alive = base.probability_alive(new).to_numpy()
    if cls is ModifiedBetaGeo:
        a, b = base.params_[["a", "b"]]
        assert np.allclose(alive, b / (a + b))
    elif cls is BetaGeoBetaBinom:
        gamma, delta = base.params_[["gamma", "delta"]]
        assert np.allclose(alive, delta / (gamma + delta))
    else:
        assert np.allclose(alive, 1.0)
    ahead = base.expected_purchases(6 if cls.discrete else 10.0, new)
    assert np.all(np.isfinite(ahead)) and np.all(ahead > 0)


# ---------------------------------------------------------------- review findings (time units, t, runaway fits)

from crmlib.clv._base import LOG_PARAM_LIMIT  # noqa: E402
from crmlib.clv._data import beta_rule, check_rule  # noqa: E402

CDNOW = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)


def _weekly_fit():
    data = BetaGeo.from_params(**CDNOW).sample(2000, seed=3, T=39.0).assign(monetary_value=20.0)
    data.attrs["freq"] = "W"
    return BetaGeo().fit(data), data


def _in_unit(data, freq):
    out = data.copy()
    out.attrs["freq"] = freq
    return out


@pytest.mark.parametrize("predict", [
    lambda m, d: m.expected_purchases(10, d),
    lambda m, d: m.probability_alive(d),
    lambda m, d: m.log_likelihood(d),
    lambda m, d: m.customer_lifetime_value(d, GammaGamma.from_params(p=6.25, q=3.74, v=15.44), 10, 0.01),
], ids=["expected_purchases", "probability_alive", "log_likelihood", "clv"])
def test_model_time_unit_must_match_the_data(predict):
    """A model fitted in weeks refuses a summary in days (it would be 5.7x off), naming both units."""
    model, data = _weekly_fit()
    assert model.freq_ == "W"
    predict(model, _in_unit(data, "W"))  # the same unit works
    data_days = _in_unit(data.assign(recency=data["recency"] * 7, T=data["T"] * 7), "D")
    with pytest.raises(DataError, match=r"weeks \(freq='W'\).*days \(freq='D'\)"):
        predict(model, data_days)


def test_clv_freq_argument_checked_against_the_model():
    model, data = _weekly_fit()
    plain = data.copy()
    plain.attrs.clear()
    with pytest.raises(DataError, match="fitted on data counted in weeks"):
        model.customer_lifetime_value(plain, GammaGamma.from_params(p=6.25, q=3.74, v=15.44), 10, 0.01,
                                      freq="D")


@pytest.mark.parametrize("where", ["data", "argument", "fit"])
def test_unknown_time_unit_is_rejected(where):
    model, data = _weekly_fit()
    gg = GammaGamma.from_params(p=6.25, q=3.74, v=15.44)
    with pytest.raises(DataError, match="'Y'.*'D' \\(days\\), 'W' \\(weeks\\) or 'M'"):
        if where == "data":
            model.expected_purchases(1, _in_unit(data, "Y"))
        elif where == "argument":
            model.customer_lifetime_value(data, gg, 10, 0.01, freq="Y")
        else:
            BetaGeo().fit(_in_unit(data, "Y"))


def test_spend_model_has_no_time_unit():
    """Gamma-Gamma spend per purchase does not depend on the time unit: no unit check."""
    rng = np.random.default_rng(1)
    spend = GammaGamma.from_params(p=6.25, q=3.74, v=15.44).sample(500, seed=2,
                                                                     frequency=rng.integers(1, 6, 500))
    model = GammaGamma().fit(_in_unit(spend, "W"))
    assert model.expected_spend(_in_unit(spend, "D")).notna().all()


def test_t_series_is_matched_by_index_not_position():
    model = BetaGeo.from_params(**CDNOW)
    data = pd.DataFrame({"frequency": [0.0, 10.0], "recency": [0.0, 30.0], "T": [39.0, 39.0]},
                        index=["a", "b"])
    by_label = model.expected_purchases(pd.Series([10.0, 1.0], index=["b", "a"]), data)
    in_order = model.expected_purchases(np.array([1.0, 10.0]), data)
    pd.testing.assert_series_equal(by_label, in_order)
    with pytest.raises(DataError, match=r"1 label\(s\).*\['a'\]"):
        model.expected_purchases(pd.Series([10.0], index=["b"]), data)


@pytest.mark.parametrize("t, shown", [(np.inf, "inf"), (np.nan, "nan"), (-2.0, "-2.0")])
def test_bad_t_values_are_listed(t, shown):
    model = BetaGeo.from_params(**CDNOW)
    with pytest.raises(DataError, match=rf"t must be finite and >= 0; 3 value\(s\).*\[{shown}"):
        model.expected_purchases(t, _base_frame())
    with pytest.raises(DataError, match=rf"first \[{shown}\]"):
        model.expected_purchases_new_customer(t)


def test_a_single_distinct_history_is_a_data_error():
    """100 identical customers cannot show how customers differ: DataError before any fit."""
    one = pd.DataFrame({"frequency": [2.0] * 100, "recency": [10.0] * 100, "T": [20.0] * 100})
    for cls in (BetaGeo, ModifiedBetaGeo, ParetoNBD):
        with pytest.raises(DataError, match="all 100 customers have the same history"):
            cls().fit(one)
    with pytest.raises(DataError, match=r"same history \(T=1, churned=1\)"):
        ShiftedBetaGeo().fit(pd.DataFrame({"T": [1.0] * 10, "churned": [True] * 10}))


def test_parameters_running_off_are_not_a_fit():
    """Two histories only: the BG/NBD optimum has r and alpha near 1e10, which used to be
    returned as a fit; now ConvergenceError says the parameters are not identified."""
    two = pd.DataFrame({"frequency": [2.0] * 100 + [3.0] * 100, "recency": [10.0] * 200,
                        "T": [20.0] * 200})
    with pytest.raises(ConvergenceError, match="parameters not identified"):
        BetaGeo().fit(two)
    const = pd.DataFrame({"frequency": [1.0, 2, 3, 4] * 50, "monetary_value": [10.0] * 200})
    with pytest.raises(ConvergenceError, match="parameters not identified"):
        GammaGamma().fit(const)


def test_published_fits_are_well_inside_the_runaway_limit(fitted):
    """The runaway limit (|log parameter / scale| <= 15) leaves the published fits a margin of e^10."""
    model, data = fitted
    table = model._prepare(data)
    margin = np.abs(np.log(model.params_.to_numpy()) - model._log_scale(table))
    assert margin.max() < LOG_PARAM_LIMIT - 10


@pytest.mark.parametrize("weights, shown", [([0.0, 0.0, 0.0], "add up to 0.*3 row\\(s\\) have weight 0"),
                                            ([0.5, 1.0, 0.0], "add up to 1.5.*1 row\\(s\\) have weight 0")])
def test_weight_totals_are_reported(weights, shown):
    with pytest.raises(DataError, match=shown):
        BetaGeo().fit(_base_frame().assign(weight=weights))
    cohort = pd.DataFrame({"T": [1.0, 2.0, 3.0], "churned": [True, True, False], "weight": weights})
    with pytest.raises(DataError, match=shown):
        ShiftedBetaGeo().fit(cohort)


def test_convergence_hints_are_per_model():
    """Hints name the model's own columns and class; none suggests checking T >= recency
    (always validated before a fit) or a class called Model."""
    two = pd.DataFrame({"frequency": [2.0] * 100 + [3.0] * 100, "recency": [10.0] * 200,
                        "T": [20.0] * 200})
    const = pd.DataFrame({"frequency": [1.0, 2, 3, 4] * 50, "monetary_value": [10.0] * 200})
    messages = {}
    for cls, data in ((BetaGeo, two), (GammaGamma, const)):
        with pytest.raises(ConvergenceError) as info:
            cls().fit(data)
        messages[cls] = str(info.value)
    for cls, text in messages.items():
        assert f"{cls.__name__}(penalizer=0.001)" in text and "time" in text
        assert "Model(" not in text and "T >= recency" not in text
    assert "monetary_value" in messages[GammaGamma] and "recency" not in messages[GammaGamma]
    assert "repeat purchases" in messages[BetaGeo]
    default = str(ConvergenceError("ShiftedBetaGeo", "test"))
    assert "ShiftedBetaGeo(penalizer" in default and "recency" not in default


def test_rule_errors_give_rule_specific_advice():
    with pytest.raises(DataError, match="positive spend") as info:
        GammaGamma().fit(pd.DataFrame({"frequency": [1.0, 2.0, 3.0], "monetary_value": [5.0, 0.0, 7.0]}))
    assert "time unit" not in str(info.value)
    with pytest.raises(DataError, match="cancelled contract True") as info:
        ShiftedBetaGeo().fit(pd.DataFrame({"T": [1.0, 2.0], "churned": [2, 0]}))
    assert "time unit" not in str(info.value)
    with pytest.raises(DataError, match="same unit and observation end"):
        BetaGeo().fit(_base_frame().assign(recency=[25.0, 0.0, 10.0]))
    frame = pd.DataFrame({"x": [1, 2]})
    with pytest.raises(DataError, match="rule 'x < 2'.*Do this."):
        check_rule(frame["x"].to_numpy() >= 2, frame, "x < 2", "M", "x", "Do this.")


@pytest.mark.parametrize("a, b", [(0.793, 2.426), (0.05, 0.3), (3.0, 0.02), (0.5, 0.5), (0.793, 1e5)])
def test_beta_rule_integrates_beta_moments(a, b):
    """The quadrature's weights sum to 1 and reproduce the Beta mean and variance (exact for
    polynomials: 1e-12 relative), including b = 1e5 where roots_jacobi's weights overflow."""
    p, w = beta_rule(96, a, b)
    assert np.all((p >= 0) & (p <= 1)) and w.sum() == pytest.approx(1.0, rel=1e-14)
    mean = a / (a + b)
    assert w @ p == pytest.approx(mean, rel=1e-12)
    assert w @ (p - mean) ** 2 == pytest.approx(a * b / ((a + b) ** 2 * (a + b + 1)), rel=1e-10)


def test_a_parameter_with_a_huge_log_scale_standard_error_is_not_a_fit(monkeypatch):
    """A maximum so flat that a 95% interval spans more than e^19 is reported as not identified."""
    import crmlib.clv._base as base
    from crmlib import ConvergenceError
    from crmlib.clv import BetaGeo

    data = BetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5).sample(3000, seed=3, T=39.0)
    real = base.BaseModel._covariance

    def flat_a(self, *args):
        real(self, *args)
        self._se_log = self._se_log.copy()
        self._se_log[2] = base.MAX_SE_LOG + 1  # pretend the curvature in a is nearly zero

    monkeypatch.setattr(base.BaseModel, "_covariance", flat_a)
    model = BetaGeo()
    with pytest.raises(ConvergenceError, match=r"\['a'\] are not identified"):
        model.fit(data)
    assert not hasattr(model, "params_")


# ---------------------------------------------------------------- predictions check their input as fit does

import inspect  # noqa: E402

from crmlib.clv._transaction import TransactionModel  # noqa: E402


def _history():
    """Three valid histories, whole numbers so that BG/BB (opportunities) accepts them too."""
    return pd.DataFrame({"frequency": [1, 0, 3], "recency": [2.0, 0.0, 5.0], "T": [6.0, 6.0, 6.0],
                         "monetary_value": [20.0, 0.0, 30.0]}, index=["c1", "c2", "c3"])


def _row_c1(**cells):
    def change(d):
        d = d.astype({c: float for c in cells})
        for c, v in cells.items():
            d.loc["c1", c] = v
        return d
    return change


# (change to customer c1, the column the error names, what it says): histories no formula can
# take, refused by fit and by every prediction alike
BAD_HISTORIES = {
    "recency > T": (_row_c1(recency=25.0), "recency", r"'recency <= T'.*'c1': 25\.0 \(T=6\.0\)"),
    "negative recency": (_row_c1(recency=-1.0), "recency", r"'c1': -1\.0 are negative"),
    "negative T": (_row_c1(T=-6.0), "T", r"'c1': -6\.0 are negative"),
    "missing T": (_row_c1(T=np.nan), "T", r"'c1': nan are missing or not finite"),
}

# What-if points (issue 18): impossible as data, so fit and log_likelihood refuse them, but the
# prediction formulas take them (lifetimes users compute P(alive) over a whole grid). For BG/BB a
# repeat purchase at recency 0 breaks "frequency <= recency" and a fractional frequency breaks
# its whole opportunities, which its formulas need: refused by its predictions too.
WHAT_IF = {
    "recency without a repeat purchase": (_row_c1(frequency=0.0), "recency",
                                          r"'recency == 0 when frequency == 0'.*'c1': 2\.0 \(frequency=0\.0\)"),
    "repeat purchase at recency 0": (_row_c1(recency=0.0), "recency|frequency",
                                     r"'(recency > 0 when frequency > 0|frequency <= recency)'.*'c1'"),
    "fractional frequency": (_row_c1(frequency=1.5), "frequency", r"'frequency is a whole number'.*'c1': 1\.5"),
}
FORMULA_NEEDS = {BetaGeoBetaBinom: {"repeat purchase at recency 0", "fractional frequency"}}


def _refused_alike(model, data, call, column, shown):
    with pytest.raises(DataError) as refused_by_fit:
        type(model)().fit(data)
    with pytest.raises(DataError) as refused:
        call(model, data)
    assert str(refused.value) == str(refused_by_fit.value)
    assert re.search(rf"column '({column})'", str(refused.value))
    assert re.search(shown, str(refused.value))


@pytest.mark.parametrize("bad", list(BAD_HISTORIES))
def test_predictions_refuse_what_fit_refuses(published_model, prediction, bad):
    """Issue 10: probability_alive accepted recency > T and other histories that fit refuses.
    Every method reading a summary runs fit's own check on what no formula can take and raises
    the same DataError, naming the column, the customer and the value."""
    change, column, shown = BAD_HISTORIES[bad]
    prediction(published_model, _history())  # the valid histories are predicted
    _refused_alike(published_model, change(_history()), prediction, column, shown)


@pytest.mark.parametrize("what_if", list(WHAT_IF))
def test_what_if_points_are_predicted_but_not_fitted(published_model, prediction_methods, what_if):
    """Issue 18: the input check refused what-if points (frequency 0 at recency 2, a repeat
    purchase at recency 0, frequency 1.5). fit and log_likelihood (data) still refuse them with
    the rule broken; P(alive), expected purchases and CLV predict them, unless the model's own
    formula cannot take them (BG/BB's whole opportunities)."""
    change, column, shown = WHAT_IF[what_if]
    data = change(_history())
    _refused_alike(published_model, data, prediction_methods["log_likelihood"], column, shown)
    formula_needs = what_if in FORMULA_NEEDS.get(type(published_model), set())
    for name in ("probability_alive", "expected_purchases", "customer_lifetime_value"):
        call = prediction_methods[name]
        if formula_needs:
            _refused_alike(published_model, data, call, column, shown)
        else:
            values = call(published_model, data)
            assert np.isfinite(values).all() and (values >= 0).all() and values.index.equals(data.index)


def test_every_method_reading_data_is_listed(prediction_methods):
    """The invariant above runs on every public method of a transaction model that takes
    ``data``, so a new prediction method cannot skip the check unnoticed."""
    for cls in TRANSACTION_MODELS:
        reading = {name for name, f in inspect.getmembers(cls, inspect.isfunction)
                   if not name.startswith("_") and "data" in inspect.signature(f).parameters}
        assert reading - {"fit"} == set(prediction_methods), cls.__name__


def test_the_check_is_the_one_fit_runs(monkeypatch):
    """One shared check, not copies: fit and the predictions all go through _check_input."""
    model = BetaGeo.from_params(**CDNOW)
    calls = []
    real = TransactionModel._check_input

    def spy(self, data, points=False):
        calls.append((len(data), points))
        return real(self, data, points)

    monkeypatch.setattr(TransactionModel, "_check_input", spy)
    data = _history()
    model.probability_alive(data)
    model.expected_purchases(1, data)
    model.customer_lifetime_value(data, GammaGamma.from_params(p=6.25, q=3.74, v=15.44), 12, 0.01)
    model.log_likelihood(data)
    # predictions check points (what formulas take), log_likelihood data; the CLV checks once,
    # not once per period
    assert calls == [(3, True), (3, True), (3, True), (3, False)]
    with pytest.raises(DataError):
        BetaGeo().fit(data.iloc[:1])
    assert calls[-1] == (1, False)


def test_expected_spend_shrinks_free_repeat_buyers_and_refuses_impossible_values():
    """Prediction, unlike fit, accepts a zero mean spend (free repeat purchases: reports value every
    customer) and pulls it below the population mean; negative or infinite spend is refused."""
    gg = GammaGamma.from_params(p=6.25, q=3.74, v=15.44)
    data = pd.DataFrame({"frequency": [0.0, 2.0, 3.0], "monetary_value": [0.0, 0.0, 7.0]})
    spend = gg.expected_spend(data)
    population = 6.25 * 15.44 / (3.74 - 1)
    assert spend.iloc[0] == pytest.approx(population) and 0 < spend.iloc[1] < population
    for bad in (-1.0, np.inf, np.nan):
        with pytest.raises(DataError, match="monetary_value"):
            gg.expected_spend(data.assign(monetary_value=[0.0, bad, 7.0]))


def test_compress_of_no_rows_is_an_empty_table():
    """No customer a model can learn from (every one first bought on the last day): grouping gives no history,
    and a fit of it says why in a DataError, as a fit of the rows did."""
    import pandas as pd

    from crmlib.clv import BetaGeo
    from crmlib.clv._data import compress
    from crmlib.exceptions import DataError

    empty = pd.DataFrame({"frequency": pd.Series([], dtype="int64"), "recency": pd.Series([], dtype=float),
                          "T": pd.Series([], dtype=float)})
    table = compress(empty, ("frequency", "recency", "T"))
    assert len(table) == 0 and list(table.columns) == ["frequency", "recency", "T", "weight"]
    with pytest.raises(DataError) as grouped:
        BetaGeo().fit(table)
    with pytest.raises(DataError) as rows:
        BetaGeo().fit(empty)
    assert str(grouped.value) == str(rows.value)
