"""Model-implied share of a cohort still active (crmlib.clv.alive_share), checked against a
simulation of the models' own stories of how customers drop out."""

import numpy as np
import pytest

from crmlib.clv import BetaGeo, ModifiedBetaGeo, ParetoNBD, ShiftedBetaGeo, alive_share
from crmlib.exceptions import DataError

CDNOW_BGNBD = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)  # Fader, Hardie & Lee (2005)


def _simulated_death_times(n=300_000, seed=42):
    """BG/NBD: purchases at rate lambda; after each, drop out with probability p: the number of
    purchases up to the drop-out is geometric, so the drop-out time is Gamma(k, lambda)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(CDNOW_BGNBD["r"], 1 / CDNOW_BGNBD["alpha"], n)
    p = rng.beta(CDNOW_BGNBD["a"], CDNOW_BGNBD["b"], n)
    return rng.gamma(rng.geometric(p), 1 / lam), p, rng


@pytest.mark.parametrize("t", [1.0, 10.0, 52.0, 78.0])
def test_bgnbd_and_mbgnbd_alive_share_match_simulation(t):
    """Tolerance 0.005: the Monte Carlo standard error at n = 300,000 is below 0.001."""
    death, p, rng = _simulated_death_times()
    bg = BetaGeo.from_params(**CDNOW_BGNBD)
    assert alive_share(bg, t)[0] == pytest.approx((death > t).mean(), abs=0.005)
    mbg = ModifiedBetaGeo.from_params(**CDNOW_BGNBD)
    survived_first = rng.random(p.size) > p
    assert alive_share(mbg, t)[0] == pytest.approx((survived_first & (death > t)).mean(), abs=0.005)


def test_pareto_nbd_alive_share_is_pareto_ii_survival():
    m = ParetoNBD.from_params(r=0.55, alpha=10.58, s=0.61, beta=11.67)
    t = np.array([0.0, 10.0, 52.0])
    assert np.allclose(alive_share(m, t), (11.67 / (11.67 + t)) ** 0.61)
    assert np.all(np.diff(alive_share(BetaGeo.from_params(**CDNOW_BGNBD), np.arange(0, 100.0))) < 0)


def test_alive_share_refuses_other_models_and_negative_times():
    with pytest.raises(DataError, match="ShiftedBetaGeo"):
        alive_share(ShiftedBetaGeo.from_params(alpha=1.0, beta=2.0), 1.0)
    with pytest.raises(DataError, match=">= 0"):
        alive_share(BetaGeo.from_params(**CDNOW_BGNBD), -1.0)
