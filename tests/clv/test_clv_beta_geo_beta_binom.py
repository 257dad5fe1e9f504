"""BG/BB: the donation data of Fader, Hardie & Shang (2010) and parameter recovery."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln, betaln

from crmlib.clv import BetaGeoBetaBinom
from crmlib.exceptions import DataError


def test_bgbb_matches_fader_hardie_shang_2010_donations(donations):
    """Fader, Hardie & Shang (2010), Marketing Science 29(6): 11,104 donors, 6 opportunities:
    alpha=1.204, beta=0.750, gamma=0.657, delta=2.783, LL=-33,225.6. Tolerance: 5e-4 (three
    printed decimals) and 0.05 for the LL."""
    assert donations["weight"].sum() == 11_104
    model = BetaGeoBetaBinom().fit(donations)
    expected = pd.Series({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783})
    assert np.allclose(model.params_, expected, atol=5e-4)
    assert model.log_likelihood_ == pytest.approx(-33225.6, abs=0.05)


def test_conditional_expectation_equals_paper_closed_form(donations):
    """FHS (2010) eq. 13 (valid for gamma != 1) against our summation over future opportunities."""
    model = BetaGeoBetaBinom().fit(donations)
    al, be, ga, de = model.params_
    x, n, t = donations["frequency"], 6.0, 5
    ll = np.array([model.log_likelihood(donations.iloc[[i]].assign(weight=1)) for i in range(len(donations))])
    closed = (np.exp(betaln(al + x + 1, be + n - x) - betaln(al, be) - ll) * de / (ga - 1)
              * np.exp(gammaln(ga + de) - gammaln(1 + de))
              * (np.exp(gammaln(1 + de + n) - gammaln(ga + de + n))
                 - np.exp(gammaln(1 + de + n + t) - gammaln(ga + de + n + t))))
    assert np.allclose(model.expected_purchases(t, donations), closed, rtol=1e-9)


def test_bgbb_rejects_fractional_opportunities(donations):
    bad = donations.assign(recency=donations["recency"] + 0.5)
    with pytest.raises(DataError, match="recency"):
        BetaGeoBetaBinom().fit(bad)


@pytest.mark.slow
def test_bgbb_recovers_simulated_parameters():
    truth = pd.Series({"alpha": 1.2, "beta": 0.75, "gamma": 0.66, "delta": 2.8})
    data = BetaGeoBetaBinom.from_params(**truth).sample(20_000, seed=42, T=10)
    model = BetaGeoBetaBinom().fit(data)
    z = (model.params_ - truth) / model.standard_errors_
    assert np.all(np.abs(z) < 4), z


def test_new_customer_horizon_must_be_whole_like_expected_purchases():
    """t counts opportunities: 2.5 is refused by both predictions (it used to be floored to 2)."""
    model = BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    row = pd.DataFrame({"frequency": [1.0], "recency": [1.0], "T": [6.0]})
    with pytest.raises(DataError, match=r"must be whole, got \[2.5\]"):
        model.expected_purchases(2.5, row)
    with pytest.raises(DataError, match=r"must be whole, got \[2.5\]"):
        model.expected_purchases_new_customer(2.5)
    assert model.expected_purchases_new_customer(2.0) < model.expected_purchases_new_customer(3.0)
