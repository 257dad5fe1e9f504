"""sBG: the two cohorts of Fader & Hardie (2007) and parameter recovery."""

import numpy as np
import pandas as pd
import pytest

from crmlib.clv import ShiftedBetaGeo
from crmlib.exceptions import DataError

from clv_published import SURVIVAL_HIGH_END, SURVIVAL_REGULAR, survival_to_cohort


@pytest.mark.parametrize("survival, alpha, beta", [
    (SURVIVAL_REGULAR, 0.704, 1.182),
    (SURVIVAL_HIGH_END, 0.668, 3.806),
])
def test_sbg_matches_fader_hardie_2007_retention(survival, alpha, beta):
    """Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing
    21(1): fitted to years 0-7, regular alpha=0.704, beta=1.182; high end alpha=0.668,
    beta=3.806 (the high-end cohort is the more loyal one: 869 of 1000 renew in year 1).
    Tolerance 5e-4 (printed decimals). The projection of years 8-12 is within 5% of what was
    observed (the paper's figure shows the same close fit)."""
    model = ShiftedBetaGeo().fit(survival_to_cohort(survival, 7))
    assert model.params_["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert model.params_["beta"] == pytest.approx(beta, abs=5e-4)
    projected = 1000 * model.survival(np.arange(8, 13)).to_numpy()
    assert np.allclose(projected, survival[8:], rtol=0.05)


def test_retention_rate_rises_and_derl_matches_summation():
    model = ShiftedBetaGeo.from_params(alpha=0.7, beta=1.2)
    rates = model.retention_rate(np.arange(1, 10)).to_numpy()
    assert np.all(np.diff(rates) > 0)
    assert np.allclose(model.survival([1, 2]).to_numpy(), [rates[0], rates[0] * rates[1]])
    for renewals in (0, 3):
        n = renewals + 1
        s = model.survival(np.arange(n - 1, n + 3000)).to_numpy()
        brute = np.sum(s[1:] / s[0] / 1.1 ** np.arange(3000))
        assert model.discounted_expected_residual_lifetime(0.1, renewals) == pytest.approx(brute, rel=1e-8)


def test_no_churn_is_degenerate():
    data = pd.DataFrame({"T": [3, 4, 5], "churned": [False, False, False]})
    with pytest.raises(DataError, match="nobody churned"):
        ShiftedBetaGeo().fit(data)


@pytest.mark.slow
def test_sbg_recovers_simulated_parameters():
    truth = pd.Series({"alpha": 0.7, "beta": 1.2})
    data = ShiftedBetaGeo.from_params(**truth).sample(20_000, seed=42, T=10)
    model = ShiftedBetaGeo().fit(data)
    z = (model.params_ - truth) / model.standard_errors_
    assert np.all(np.abs(z) < 4), z


@pytest.mark.parametrize("t", [-1, np.inf, np.nan])
def test_survival_needs_t_at_least_zero(t):
    """survival(-1) used to return 1.238, a share above one."""
    model = ShiftedBetaGeo.from_params(alpha=0.668, beta=3.806)
    with pytest.raises(DataError, match="t >= 0"):
        model.survival([0, t])
    assert model.survival(0).iloc[0] == pytest.approx(1.0)
