"""Pareto/NBD: published CDNOW fit, the s = 1 limit, parameter recovery."""

import numpy as np
import pandas as pd
import pytest

from crmlib.clv import ParetoNBD


def test_pareto_nbd_matches_fader_hardie_lee_2005_cdnow(cdnow_summary):
    """Fader, Hardie & Lee (2005, Marketing Science 24(2)), Pareto/NBD on the CDNOW calibration
    data: r=0.553, alpha=10.578, s=0.606, beta=11.669, LL=-9595.0. Tolerance 5e-4 (printed
    decimals) except beta: the likelihood is flat in beta (standard error 6.2), and our optimum
    11.668 has a higher likelihood than the published point (checked below), so 2e-3 there."""
    model = ParetoNBD().fit(cdnow_summary)
    expected = pd.Series({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669})
    assert np.allclose(model.params_[["r", "alpha", "s"]], expected[["r", "alpha", "s"]], atol=5e-4)
    assert model.params_["beta"] == pytest.approx(11.669, abs=2e-3)
    assert model.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)
    published = ParetoNBD().set_params(**expected).log_likelihood(cdnow_summary)
    assert model.log_likelihood_ >= published


def test_predictions_continuous_at_s_equal_one():
    rows = pd.DataFrame({"frequency": [0, 3], "recency": [0.0, 20.0], "T": [30.0, 30.0]})
    values = [ParetoNBD().set_params(r=0.5, alpha=10, s=s, beta=12).expected_purchases(26, rows)
              for s in (1 - 1e-7, 1.0, 1 + 1e-7)]
    assert np.allclose(values[0], values[1], rtol=1e-6) and np.allclose(values[2], values[1], rtol=1e-6)
    assert np.all(np.isfinite(values[1]))


def test_alpha_equal_beta_is_finite(cdnow_summary):
    model = ParetoNBD().set_params(r=0.5, alpha=10.0, s=0.6, beta=10.0)
    assert np.isfinite(model.log_likelihood(cdnow_summary))
    assert model.probability_alive(cdnow_summary).between(0, 1).all()


@pytest.mark.slow
def test_pareto_nbd_recovers_simulated_parameters():
    truth = pd.Series({"r": 0.55, "alpha": 10.0, "s": 0.6, "beta": 12.0})
    data = ParetoNBD().set_params(**truth).sample(20_000, seed=42, T=np.linspace(26, 78, 20_000))
    model = ParetoNBD().fit(data)
    z = (model.params_ - truth) / model.standard_errors_
    assert np.all(np.abs(z) < 4), z


@pytest.mark.parametrize("params", [dict(r=0.553, alpha=10.578, s=0.606, beta=11.669),
                                    dict(r=0.553, alpha=14.0, s=0.606, beta=11.669)],
                         ids=["alpha<beta", "alpha>beta"])
def test_a0_per_distinct_pair_equals_per_row(params, cdnow_summary):
    """A0 is evaluated once per distinct (x, t_x) and (x, T) pair and spread to the rows (issue 4);
    the result equals the row-by-row evaluation exactly (same arithmetic on the same values)."""
    from crmlib.clv.pareto_nbd import _a0_term, _log_a0

    p = np.array(list(params.values()))
    x, tx, T = (cdnow_summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    r, alpha, s, beta = p
    big, small = max(alpha, beta), min(alpha, beta)
    l1 = _a0_term(r, s, alpha, beta, big, small, x, tx)
    l2 = _a0_term(r, s, alpha, beta, big, small, x, T)
    with np.errstate(divide="ignore"):
        per_row = l1 + np.log(-np.expm1(np.minimum(l2 - l1, 0.0)))
    np.testing.assert_array_equal(_log_a0(p, [x, tx, T]), per_row)
