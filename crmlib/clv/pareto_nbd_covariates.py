"""Pareto/NBD with time-invariant covariates, in pymc-marketing's ``ParetoNBDModel`` parameterisation.

``alpha_i = alpha exp(-x_i . purchase)`` and ``beta_i = beta exp(-z_i . dropout)``
(:mod:`crmlib.clv._covariates`, Fader & Hardie 2007): a purchase coefficient ``g`` multiplies the
mean purchase rate ``r / alpha_i`` by ``exp(g)`` per unit, a dropout coefficient ``d`` the mean
dropout rate ``s / beta_i`` by ``exp(d)``. With every coefficient 0 it is :class:`ParetoNBD`.

The likelihood needs the integral over the unobserved dropout time (two tails, see
:mod:`crmlib.clv.pareto_nbd`) per row, since alpha_i and beta_i differ by row: the closed form
with 2F1 is vectorised over rows here, and the few rows where it is not accurate are handed to
the plain model's quadrature once per distinct parameter row.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

from crmlib.clv._covariates import CovariateModel
from crmlib.clv.pareto_nbd import _HYP_MAX, _HYP_MAX_RATIO, ParetoNBD, _log_rel, _log_tail

_STEP = 1e-5  # central differences of the tails in the log of each row parameter


def row_tail(P: np.ndarray, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """:func:`crmlib.clv.pareto_nbd._log_tail` with parameters per row (``P``: rows x (r, alpha, s, beta))."""
    r, al, s, be = P.T
    big, small = np.maximum(al, be), np.minimum(al, be)
    m = np.where(al >= be, s + 1, r + x)
    a_ = r + s + x
    c = a_ + 1
    with np.errstate(all="ignore"):
        z = (big - small) / (big + t)
        log1mz = np.log(small + t) - np.log(big + t)
        out = (r * np.log(al) + s * np.log(be) + (c - a_ - m) * log1mz + np.log(hyp2f1(1.0, c - m, c, z))
               - a_ * np.log(big + t))
    hard = ~np.isfinite(out) | (a_ > _HYP_MAX) | (big > _HYP_MAX_RATIO * small)
    if hard.any():
        rows = np.flatnonzero(hard)
        values, codes = np.unique(P[rows], axis=0, return_inverse=True)
        for g, params in enumerate(values):
            sel = rows[codes.ravel() == g]
            out[sel] = _log_tail(params, x[sel], t[sel])
    return out


def _log_a0(P, x, tx, T):
    l1, l2 = row_tail(P, x, tx), row_tail(P, x, T)
    gap = np.minimum(l2 - l1, 0.0)
    with np.errstate(divide="ignore"):
        return l1, l2, gap, l1 + np.log(-np.expm1(gap))


class ParetoNBDCovariates(CovariateModel, ParetoNBD):
    """Pareto/NBD whose purchase scale ``alpha`` and dropout scale ``beta`` depend on covariates.

    ``fit(data)`` reads ``frequency, recency, T``, the numeric columns named in
    ``purchase_covariates`` and ``dropout_covariates`` (and an optional ``weight``). Parameters
    ``r, alpha, s, beta`` then ``purchase:<col>`` and ``dropout:<col>``.
    """

    _base_names = ParetoNBD.param_names
    _blocks = (("purchase", "purchase", 1, -1), ("dropout", "dropout", 3, -1))

    def _row_loglik_grad(self, P, x, tx, T):
        """Per-row log-likelihood (Fader & Hardie 2005) and its derivatives in (r, alpha_i, s, beta_i);
        the tails' derivatives by central differences in the log of each row parameter."""
        r, al, s, be = P.T
        n = x.size
        xx, tt = np.concatenate([x, x]), np.concatenate([tx, T])
        PP = np.vstack([P, P])
        both = row_tail(PP, xx, tt)
        l1, l2 = both[:n], both[n:]
        dl = np.empty((2 * n, 4))
        for k in range(4):
            up, down = PP.copy(), PP.copy()
            up[:, k] *= np.exp(_STEP)
            down[:, k] *= np.exp(-_STEP)
            dl[:, k] = (row_tail(up, xx, tt) - row_tail(down, xx, tt)) / (2 * _STEP * PP[:, k])
        gap = np.minimum(l2 - l1, 0.0)
        alive = -x * np.log(al + T) - r * np.log1p(T / al) - s * np.log1p(T / be)
        dead = np.log(s) - np.log(r + s + x) + l1 + np.log(-np.expm1(gap))
        ll = gammaln(r + x) - gammaln(r) + np.logaddexp(alive, dead)
        kappa = np.where(gap < 0, 1.0 / np.expm1(-gap), 0.0)
        dtail = (1.0 + kappa)[:, None] * dl[:n] - kappa[:, None] * dl[n:]
        pi = expit(dead - alive)  # weight of the dead branch
        dtail = np.where(pi[:, None] > 0, dtail, 0.0)
        qa = 1.0 - pi
        inv = 1.0 / (r + s + x)
        G = np.column_stack([
            digamma(r + x) - digamma(r) - qa * np.log1p(T / al) + pi * (dtail[:, 0] - inv),
            qa * (-x / (al + T) + r * T / (al * (al + T))) + pi * dtail[:, 1],
            -qa * np.log1p(T / be) + pi * (1.0 / s - inv + dtail[:, 2]),
            qa * s * T / (be * (be + T)) + pi * dtail[:, 3],
        ])
        return ll, G

    def _rows_p_alive(self, P, x, tx, T):
        r, al, s, be = P.T
        log_alive = -x * np.log(al + T) - r * np.log1p(T / al) - s * np.log1p(T / be)
        log_a0 = _log_a0(P, x, tx, T)[3]
        return expit(-(np.log(s) - np.log(r + s + x) - log_alive + log_a0))

    def _rows_conditional(self, P, x, tx, T, t):
        r, al, s, be = P.T
        mean = (r + x) * (be + T) / (al + T) * _log_rel(t, be + T, s - 1.0)
        return self._rows_p_alive(P, x, tx, T) * mean
