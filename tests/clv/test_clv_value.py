"""predicted_clv: calendar conversions written out, and the same value whatever the summary's unit."""

import functools

import numpy as np
import pytest

from crmlib import DataError, datasets, rfm_summary
from crmlib.clv import BetaGeo, GammaGamma, predicted_clv, spend_data
from crmlib.clv.value import discounted_purchases, valuation_steps


@pytest.fixture(scope="module")
def transactions():
    return datasets.make_crm_dataset(n_customers=600, seed=11).transactions


@pytest.mark.slow
def test_matches_a_hand_computation_in_weeks(transactions):
    weeks = rfm_summary(transactions, freq="W")
    value = predicted_clv(weeks, horizon_days=364, annual_discount=0.10)
    bg = BetaGeo().fit(weeks)
    gg = GammaGamma().fit(weeks[weeks["frequency"] > 0])
    rate = 1.10 ** (7 / 365.2425) - 1
    hand = np.zeros(len(weeks))
    for k in range(1, 53):
        hand += (bg.expected_purchases(k, weeks) - bg.expected_purchases(k - 1, weeks)).to_numpy() / (1 + rate) ** k
    hand *= gg.expected_spend(weeks).to_numpy()
    np.testing.assert_allclose(value.to_numpy(), hand, rtol=1e-9)
    assert "52 weeks" in value.attrs["note"]


def test_a_daily_summary_gives_the_weekly_value(transactions):
    days = predicted_clv(rfm_summary(transactions, freq="D"))
    weeks = predicted_clv(rfm_summary(transactions, freq="W"))
    np.testing.assert_allclose(days.to_numpy(), weeks.to_numpy(), rtol=1e-6)


def test_monthly_horizon_is_twelve_months(transactions):
    value = predicted_clv(rfm_summary(transactions, freq="M"), horizon_days=365)
    assert "12 months" in value.attrs["note"]
    assert (value >= 0).all()


def test_needs_the_time_unit(transactions):
    summary = rfm_summary(transactions, freq="W")
    summary.attrs.clear()
    with pytest.raises(DataError, match="time unit"):
        predicted_clv(summary)


def test_unfitted_models_are_fitted_here(transactions):
    """The docstring promises models are fitted unless already fitted: unfitted ones passed in
    (Pareto/NBD and Gamma-Gamma) are fitted on the summary, giving the same value as fitting first."""
    from crmlib.clv import ParetoNBD

    weeks = rfm_summary(transactions, freq="W")
    value = predicted_clv(weeks, model=ParetoNBD(), spend_model=GammaGamma())
    fitted = ParetoNBD().fit(weeks)
    again = predicted_clv(weeks, model=fitted)
    np.testing.assert_allclose(value.to_numpy(), again.to_numpy(), rtol=1e-9)
    assert "ParetoNBD purchases" in value.attrs["note"]


def test_a_model_fitted_in_weeks_refuses_a_daily_summary(transactions):
    weeks, days = rfm_summary(transactions, freq="W"), rfm_summary(transactions, freq="D")
    model = BetaGeo().fit(weeks)
    with pytest.raises(DataError, match="fitted on data counted in weeks"):
        predicted_clv(days, model=model)


def test_spend_data_leaves_out_repeat_buyers_who_paid_nothing(transactions):
    summary = rfm_summary(transactions, freq="W")
    summary.loc[summary.index[summary["frequency"] > 0][:2], "monetary_value"] = 0.0
    paying, free = spend_data(summary)
    assert free == 2
    assert (paying["frequency"] > 0).all() and (paying["monetary_value"] > 0).all()
    assert len(paying) == int((summary["frequency"] > 0).sum()) - 2


def test_a_model_fitted_in_days_is_valued_in_weekly_steps(transactions):
    """A daily summary with a model fitted in days: 52 weekly steps of 7 days (not 365 daily ones),
    the same value as in weeks. Tolerance 1e-5: two separate fits, each converged to about 1e-7."""
    days, weeks = rfm_summary(transactions, freq="D"), rfm_summary(transactions, freq="W")
    value = predicted_clv(days, model=BetaGeo().fit(days))
    np.testing.assert_allclose(value.to_numpy(), predicted_clv(weeks).to_numpy(), rtol=1e-5)
    assert "364 days in weekly steps" in value.attrs["note"]
    assert valuation_steps(365, 0.10, "D")[:2] == (52, 7.0)


@pytest.mark.slow
def test_discounted_purchases_is_the_sum_over_steps_per_customer(transactions):
    """Expected purchases are computed once per distinct history for all steps at once; the sum
    equals the step-by-step one of customer_lifetime_value with a spend of 1 per purchase."""
    months = rfm_summary(transactions, freq="M")
    bg = BetaGeo().fit(months)
    value = discounted_purchases(bg, months, horizon_days=365, annual_discount=0.10)
    rate = value.attrs["rate"]
    hand = np.zeros(len(months))
    for k in range(1, 13):
        hand += (bg.expected_purchases(k, months) - bg.expected_purchases(k - 1, months)).to_numpy() / (1 + rate) ** k
    np.testing.assert_allclose(value.to_numpy(), hand, rtol=1e-12)
    assert value.attrs["horizon"] == 12 and value.index.equals(months.index)


@functools.cache
def _cdnow_summary(freq: str):
    """CDNOW master's RFM summary, read and summarised once per unit for the three models below."""
    return rfm_summary(datasets.load_cdnow("master"), freq=freq)


@pytest.mark.parametrize("name", ["BetaGeo", "ModifiedBetaGeo", "ParetoNBD"])
@pytest.mark.parametrize("freq", ["W", "D"])
@pytest.mark.slow
def test_value_from_live_means_equals_expected_purchases_stacked_by_step(name, freq, monkeypatch):
    """The value takes P(alive) once per history and the live mean once per (frequency, T) pair and
    step (issue 24.3); it equals expected_purchases called on every history at every step end, as it
    was computed before, to 1e-12 relative (the quadrature's blocks hold other rows, nothing else)."""
    from crmlib import clv
    from crmlib.clv import value

    summary = _cdnow_summary(freq)
    model = getattr(clv, name)().fit(summary[summary["T"] > 0])
    assert value.is_factored(model)
    steps, length, rate = valuation_steps(365, 0.10, freq)
    ends = np.arange(1, steps + 1) * length
    fast = value._discounted_histories(model, summary, ends, rate)
    monkeypatch.setattr(value, "is_factored", lambda m: False)
    stacked = value._discounted_histories(model, summary, ends, rate)
    np.testing.assert_allclose(fast, stacked, rtol=1e-12, atol=0)
    assert fast.max() > 1.0


def test_discounted_purchases_in_blocks_of_histories_equal_one_block(transactions, monkeypatch):
    """The value is summed a block of histories at a time (memory bounded at millions of customers): each
    history's sum is its own, so any block gives the one-block value (to rounding: the last step's product
    is a BLAS one), and a block holding every history gives it bit for bit."""
    from crmlib.clv import value as value_module

    weeks = rfm_summary(transactions, freq="W")
    bg = BetaGeo().fit(weeks)
    whole = discounted_purchases(bg, weeks).to_numpy()
    assert len(weeks[["frequency", "recency", "T"]].drop_duplicates()) < value_module.HISTORY_BLOCK
    monkeypatch.setattr(value_module, "HISTORY_BLOCK", 10**9)
    np.testing.assert_array_equal(discounted_purchases(bg, weeks).to_numpy(), whole)
    monkeypatch.setattr(value_module, "HISTORY_BLOCK", 7)
    np.testing.assert_allclose(discounted_purchases(bg, weeks).to_numpy(), whole, rtol=1e-13)
