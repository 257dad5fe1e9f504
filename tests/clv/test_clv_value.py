"""predicted_clv: calendar conversions written out, and the same value whatever the summary's unit."""

import numpy as np
import pytest

from crmlib import DataError, datasets, rfm_summary
from crmlib.clv import BetaGeo, GammaGamma, predicted_clv, spend_data


@pytest.fixture(scope="module")
def transactions():
    return datasets.make_crm_dataset(n_customers=600, seed=11).transactions


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
