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


@pytest.mark.slow
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
    their true expectation, averaged over repetitions).

    Size and power, per cohort-level quantity (binomial, 160 repetitions, pass = 136 to 152 hits):
    a true 90% coverage passes with probability 97.6% (standard error 2.4 points); a true 80% is
    caught with probability 93%, 82% with 81%, 97% with 89% and 98% with 98%. Its cost is the
    Gauss-Jacobi rules of the 64 parameter draws (one per distinct frequency and draw,
    crmlib.clv._data.beta_rules), not the number of customers.
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


def _value_intervals_holding_every_matrix(table, model, spend_model, level=0.9, draws=128, seed=0):
    """value_intervals as written before it held one draws x histories matrix (the reference of the test
    below): P(alive), expected and discounted purchases each a full matrix, quantiles over the whole."""
    from crmlib.clv import uncertainty as u
    from crmlib.clv._data import group_rows

    lo, hi = (1 - level) / 2, (1 + level) / 2
    horizon, steps, length, step_rate = u._valuation(table, None, None)
    codes, (x, tx, T) = u._histories(table)
    params = [model._p(), *model.parameter_draws(draws, seed).to_numpy()]
    alive, live, pair, (ux, uT) = u._purchase_draws(model, np.vstack(params), x, tx, T, horizon)
    expected = alive * live[:, pair]
    w = np.bincount(codes, minlength=x.size).astype(float)
    out, totals = {}, {}
    for name, values in (("p_alive", alive), ("expected_purchases", expected)):
        q = np.quantile(values[1:], [lo, hi], axis=0)
        out[name] = values[0][codes]
        out[f"{name}_lower"], out[f"{name}_upper"] = q[0][codes], q[1][codes]
        sums = values @ w
        totals[name] = [float(out[name].sum()), *np.quantile(sums[1:], [lo, hi])]
    purchases = expected * u._discount_ratio(model, ux, uT, steps, length, step_rate)[pair]
    m = np.where(table["frequency"] > 0, table["monetary_value"], 0.0)
    gg = u._spend_draws(spend_model, draws, seed)
    p, q, v = (gg[:, i:i + 1] for i in range(3))
    group, first = group_rows([codes.astype(float), m])
    hist, xg, mg = codes[first], x[codes[first]], m[first]
    weight = np.bincount(group, minlength=first.size).astype(float)
    value = purchases[:, hist] * (p * (v + xg * mg) / (p * xg + q - 1))
    lower, upper = np.quantile(value[1:], [lo, hi], axis=0)
    out["clv"], out["clv_lower"], out["clv_upper"] = value[0][group], lower[group], upper[group]
    totals["clv"] = [float(out["clv"].sum()), *np.quantile((value @ weight)[1:], [lo, hi])]
    return pd.DataFrame(out, index=table.index), totals


@pytest.mark.slow
@pytest.mark.parametrize("block", [7, 1000, 32768])
@pytest.mark.parametrize("cls", [BetaGeo, ParetoNBD])
def test_value_intervals_in_blocks_equal_the_full_matrices_bit_for_bit(cls, block, monkeypatch):
    """A draws x block matrix of histories at a time, multiplied in place: every customer's estimates and
    bounds equal, bit for bit, the full-matrix computation (each column's quantiles are its own), and so do
    the totals when the histories fit in one block (the same matrix products); in smaller blocks the totals
    are sums of the blocks' products, equal to rounding."""
    from crmlib.clv import uncertainty

    table = _cohort(3000, seed=5)
    model, spend = _fit(table, cls)
    expected, totals = _value_intervals_holding_every_matrix(table, model, spend)
    monkeypatch.setattr(uncertainty, "_HISTORY_BLOCK", block)
    got = value_intervals(table.drop(columns=["p_alive", "expected_purchases", "clv"], errors="ignore"),
                          model, spend)
    pd.testing.assert_frame_equal(got.customers, expected[got.customers.columns], check_exact=True)
    one_block = block >= len(table[["frequency", "recency", "T"]].drop_duplicates())
    for name, row in totals.items():
        if one_block:
            assert got.totals.loc[name].tolist() == row
        else:
            np.testing.assert_allclose(got.totals.loc[name].to_numpy(dtype=float), row, rtol=1e-12)


@pytest.mark.slow
def test_value_bounds_of_the_table_itself_and_of_a_reordered_table(base):
    """The bounds are each customer's, whether the table is the one the intervals were made from (taken
    as they stand, no lookup of millions of ids) or the same customers in another order."""
    from crmlib.clv.uncertainty import value_bounds

    data, model, spend = base
    table = data.set_axis(pd.Index([f"c{i}" for i in range(len(data))], dtype="str", name="customer_id"))
    intervals = value_intervals(table, model, spend)
    same = value_bounds(table, intervals)
    assert same.index.equals(table.index) and same.equals(intervals.customers[["clv_lower", "clv_upper"]])
    shuffled = table.sample(frac=1.0, random_state=1)
    moved = value_bounds(shuffled, intervals)
    pd.testing.assert_frame_equal(moved, same.loc[shuffled.index])
