"""Gamma-Gamma spend model: CDNOW fit, predictions and recovery."""

import numpy as np
import pandas as pd
import pytest

from crmlib.clv import GammaGamma
from crmlib.exceptions import DataError


def test_gamma_gamma_matches_fader_hardie_2013_note_cdnow(cdnow_spend):
    """Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note), CDNOW repeat
    buyers: p=6.25, q=3.74, v=15.44. Tolerance 5e-3 for p and q (two printed decimals); v within
    0.01: the likelihood is flat in v (standard error 4.2) and the published data are zbar
    rounded to cents, so the optimum 15.448 differs from 15.44 by 0.002 standard errors."""
    model = GammaGamma().fit(cdnow_spend)
    assert model.params_["p"] == pytest.approx(6.25, abs=5e-3)
    assert model.params_["q"] == pytest.approx(3.74, abs=5e-3)
    assert model.params_["v"] == pytest.approx(15.44, abs=0.01)
    assert model.n_customers_ == (cdnow_spend["frequency"] > 0).sum()


def test_expected_spend_shrinks_towards_population_mean(cdnow_spend):
    model = GammaGamma().fit(cdnow_spend)
    p, q, v = model.params_
    rows = pd.DataFrame({"frequency": [0, 1, 50], "monetary_value": [0.0, 100.0, 100.0]})
    spend = model.expected_spend(rows)
    assert spend.iloc[0] == pytest.approx(p * v / (q - 1))
    assert spend.iloc[0] < spend.iloc[1] < spend.iloc[2] < 100


def test_zero_spend_with_purchases_is_rejected():
    data = pd.DataFrame({"frequency": [1, 2, 3], "monetary_value": [10.0, 0.0, 5.0]})
    with pytest.raises(DataError, match="monetary_value > 0"):
        GammaGamma().fit(data)


@pytest.mark.slow
def test_gamma_gamma_recovers_simulated_parameters():
    truth = pd.Series({"p": 6.0, "q": 3.7, "v": 15.0})
    rng = np.random.default_rng(42)
    freq = rng.integers(1, 10, 20_000)
    data = GammaGamma.from_params(**truth).sample(20_000, seed=42, frequency=freq)
    model = GammaGamma().fit(data)
    z = (model.params_ - truth) / model.standard_errors_
    assert np.all(np.abs(z) < 4), z
