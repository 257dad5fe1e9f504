"""crmlib.clv._data.beta_rules: the Gauss-Jacobi rules of many Beta(a, b) at once (the rule per
distinct frequency and parameter draw that crmlib.clv.uncertainty needs 65 times per value_intervals
call) are the rules of :func:`beta_rule` one value at a time, to the last bit, and solve each matrix
with LAPACK's dstevd directly instead of through scipy.linalg.eigh_tridiagonal's checks."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg

from crmlib.clv import BetaGeo, _data
from crmlib.clv._data import beta_rule, beta_rules


def _rule_as_before(nodes, a, b):
    """beta_rule as written before beta_rules (one value, scipy.linalg.eigh_tridiagonal): the reference."""
    al, be = b - 1.0, a - 1.0
    s = al + be
    k = np.arange(nodes, dtype=float)
    m = 2 * k + s
    with np.errstate(divide="ignore", invalid="ignore"):
        diag = (4 * k**2 + 4 * k * (s + 1) + 2 * s * (be + 1)) / (2 * m * (m + 2))
    diag[0] = (be + 1) / (s + 2)
    k1, m1 = k[1:], m[1:]
    ratio = np.where(m1 == 1, 1.0, (k1 + s) / np.where(m1 == 1, 1.0, m1 - 1))
    off = np.sqrt(k1 * (k1 + al) * (k1 + be) * ratio / (m1**2 * (m1 + 1)))
    p, vectors = linalg.eigh_tridiagonal(diag, off)
    w = vectors[0] ** 2
    return np.clip(p, 0.0, 1.0), w / w.sum()


@pytest.mark.parametrize("nodes", [1, 2, 32, 96])
def test_rules_of_many_values_are_the_rules_of_one_value_at_a_time_to_the_bit(nodes):
    rng = np.random.default_rng(5)
    for a in [*rng.uniform(0.01, 5.0, 6), 0.5, 1.0, 0.793]:
        b = np.r_[rng.uniform(0.01, 50.0, 12), 2.426 + np.arange(30), 1234.5, 1e5]
        p, w = beta_rules(nodes, a, b)
        assert p.shape == w.shape == (b.size, nodes)
        for i, value in enumerate(b):
            want_p, want_w = _rule_as_before(nodes, a, value)
            assert np.array_equal(p[i], want_p) and np.array_equal(w[i], want_w), (nodes, a, value)
            got_p, got_w = beta_rule(nodes, a, value)
            assert np.array_equal(got_p, want_p) and np.array_equal(got_w, want_w)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("b", [-1.0, float("nan"), float("inf")])
def test_a_matrix_that_is_not_finite_is_refused_as_before(b):
    with pytest.raises(ValueError, match="infs or NaNs"):
        _rule_as_before(32, 2.0, b)
    with pytest.raises(ValueError, match="infs or NaNs"):
        beta_rules(32, 2.0, np.array([3.0, b]))


def test_expected_purchases_need_one_pass_of_scipy_checks_per_call_not_per_rule(monkeypatch):
    """The speed point: a model's expected purchases over 40 distinct frequencies solve 40 matrices
    with dstevd and go through scipy.linalg.eigh_tridiagonal not once; the values are those of the
    rule-by-rule path."""
    data = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426).sample(3000, seed=2, T=39.0)
    model = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    calls = {"eigh_tridiagonal": 0, "dstevd": 0}
    for name, module in (("eigh_tridiagonal", _data.linalg), ("dstevd", _data.lapack)):
        original = getattr(module, name)

        def counted(*args, _original=original, _name=name, **kw):
            calls[_name] += 1
            return _original(*args, **kw)

        monkeypatch.setattr(module, name, counted)
    got = model.expected_purchases(52, data)
    distinct = data["frequency"].nunique()
    assert calls == {"eigh_tridiagonal": 0, "dstevd": distinct}
    monkeypatch.setattr(_data, "beta_rules", lambda nodes, a, b: tuple(
        np.array(rows) for rows in zip(*(_rule_as_before(nodes, a, v) for v in b))))
    assert np.array_equal(model.expected_purchases(52, data).to_numpy(), np.asarray(got))
