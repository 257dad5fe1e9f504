"""P(X(t) = n), the probability that a new customer makes exactly n repeat purchases by t
(issue 23 point 1), for every transaction model: published values where they exist, otherwise
the model's own simulation, the sum over n and the mean."""

import numpy as np
import pytest

from crmlib.clv import BetaGeo
from crmlib.exceptions import DataError

CDNOW_BG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)  # Fader, Hardie & Lee (2005), CDNOW


def test_bgnbd_matches_fhl_2005_eq8_as_computed_by_btyd():
    """FHL (2005) eq. 8 with the CDNOW estimates, as the R package BTYD's ``bgnbd.pmf`` gives it
    (the reference values lifetimes tests against): P(X(2) = 10), P(X(39) = 0) and
    P(X(30) = 11..20). Tolerance 1e-6 relative: the values are printed to 7-8 digits."""
    model = BetaGeo.from_params(**CDNOW_BG)
    assert model.probability_of_n_purchases(2, 10) == pytest.approx(1.07869e-07, rel=1e-5)
    assert model.probability_of_n_purchases(39, 0) == pytest.approx(0.5737864, rel=1e-6)
    btyd = [0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
            0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260]
    np.testing.assert_allclose(model.probability_of_n_purchases(30, np.arange(11, 21)), btyd, rtol=1e-6)


def test_probabilities_sum_to_one_and_give_the_expected_purchases(published_model):
    """Summed over n the probabilities give 1 (1e-9) and, weighted by n, the expected purchases
    of a new customer computed by a different formula (1e-8 relative)."""
    n = np.arange(0, 4000)
    for t in ((1, 6, 11) if published_model.discrete else (1.0, 39.0, 78.0, 300.0)):
        p = published_model.probability_of_n_purchases(t, n)
        assert np.all(p >= 0) and p.sum() == pytest.approx(1.0, abs=1e-9)
        assert n @ p == pytest.approx(published_model.expected_purchases_new_customer(t), rel=1e-8)


def test_probabilities_match_a_simulated_cohort(published_model):
    """200,000 customers simulated from the model, observed for t: the share with exactly n
    repeat purchases lies within 5 binomial standard errors of P(X(t) = n) for every n."""
    t = 6 if published_model.discrete else 39.0
    size = 200_000
    counts = published_model.sample(size, seed=7, T=t)["frequency"].to_numpy().astype(int)
    n = np.arange(counts.max() + 1)
    share = np.bincount(counts, minlength=n.size) / size
    p = published_model.probability_of_n_purchases(t, n)
    se = np.sqrt(p * (1 - p) / size)
    assert np.all(np.abs(share - p) <= 5 * se + 1e-5), np.abs(share - p) / (se + 1e-12)


def test_t_and_n_broadcast_and_bad_values_are_named(published_model):
    t = 6 if published_model.discrete else 39.0
    grid = published_model.probability_of_n_purchases(np.array([[t], [2 * t]]), np.arange(4))
    assert grid.shape == (2, 4) and isinstance(published_model.probability_of_n_purchases(t, 0), float)
    assert published_model.probability_of_n_purchases(0, 0) == pytest.approx(1.0)
    with pytest.raises(DataError, match=r"n must be a whole number >= 0; 1 value\(s\) are not, first \[1\.5\]"):
        published_model.probability_of_n_purchases(t, [1, 1.5])
    with pytest.raises(DataError, match=r"t must be finite and >= 0.*\[-1\.0\]"):
        published_model.probability_of_n_purchases(-1, 0)
