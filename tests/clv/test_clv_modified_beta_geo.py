"""MBG/NBD: CDNOW fit and parameter recovery."""

import numpy as np
import pandas as pd
import pytest

from crmlib.clv import BetaGeo, ModifiedBetaGeo


def test_mbgnbd_matches_batislam_2007_formulation_on_cdnow(cdnow_summary):
    """MBG/NBD (Batislam, Denizel & Filiztekin 2007) on the CDNOW calibration data:
    r=0.525, alpha=6.183, a=0.891, b=1.614 (the values of the issue, also those of the lifetimes
    package's test suite). Tolerance 5e-4: three printed decimals."""
    model = ModifiedBetaGeo().fit(cdnow_summary)
    expected = pd.Series({"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614})
    assert np.allclose(model.params_, expected, atol=5e-4)


def test_one_time_buyers_may_be_dead_unlike_bgnbd():
    rows = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [40.0]})
    p = ModifiedBetaGeo.from_params(r=0.5, alpha=6, a=0.9, b=1.6).probability_alive(rows).iloc[0]
    assert 0 < p < 1
    assert BetaGeo.from_params(r=0.5, alpha=6, a=0.9, b=1.6).probability_alive(rows).iloc[0] == 1


@pytest.mark.slow
def test_mbgnbd_recovers_simulated_parameters():
    truth = pd.Series({"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6})
    data = ModifiedBetaGeo.from_params(**truth).sample(20_000, seed=42, T=np.linspace(20, 52, 20_000))
    model = ModifiedBetaGeo().fit(data)
    z = (model.params_ - truth) / model.standard_errors_
    assert np.all(np.abs(z) < 4), z
