"""The weighted Pareto/NBD log-likelihood and its gradient, for the fit.

Per history (Fader & Hardie 2005), with ``A`` the scaled integral over the unobserved dropout
time (``pareto_nbd._log_a0``, the difference of two tails ``l1 = tail(x, t_x)`` and
``l2 = tail(x, T)``)::

    ll = [gammaln(r + x) - gammaln(r)] + logaddexp(alive, dead)
    alive = -x log(alpha + T) - r log1p(T / alpha) - s log1p(T / beta)
    dead = log s - log(r + s + x) + l1 + log(1 - exp(l2 - l1))

Everything but the tails is differentiated in closed form. The tails (2F1 or quadrature) depend
on the data only through the distinct pairs (x, t_x) and (x, T), a few thousand against ~10^5
histories, so their derivatives are taken there by central differences in the log-parameters
and carried to the rows by the chain rule. A gradient then costs about two evaluations of the
likelihood, against nine for central differences of the whole sum.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, expit, gammaln

from crmlib.clv._data import levels

_STEP = 1e-5  # in log-parameters: truncation ~1e-10, rounding ~1e-11 relative on the tails


def _tails(params, log_tail, x, t):
    """The tails at ``params`` and their derivatives in the natural parameters (pairs x 4)."""
    value = log_tail(params, x, t)
    deriv = np.empty((x.size, params.size))
    for k in range(params.size):
        up, down = params.copy(), params.copy()
        up[k] *= np.exp(_STEP)
        down[k] *= np.exp(-_STEP)
        deriv[:, k] = (log_tail(up, x, t) - log_tail(down, x, t)) / (2 * _STEP * params[k])
    return value, deriv


def total(params, arrays, w, log_tail):
    """Weighted log-likelihood and its gradient in (r, alpha, s, beta)."""
    r, alpha, s, beta = params
    (ux,), ix = levels(arrays, 0)
    (uT,), iT = levels(arrays, 2)
    (x1, tx1), i1 = levels(arrays, 0, 1)
    (x2, T2), i2 = levels(arrays, 0, 2)
    x = np.asarray(arrays[0], dtype=float)
    both, dboth = _tails(params, log_tail, np.concatenate([x1, x2]), np.concatenate([tx1, T2]))
    l1, l2 = both[:x1.size][i1], both[x1.size:][i2]
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.minimum(l2 - l1, 0.0)
        head = (gammaln(r + ux) - gammaln(r))[ix]
        lT_a, lT_b = np.log1p(uT / alpha), np.log1p(uT / beta)
        alive = -x * np.log(alpha + uT)[iT] - (r * lT_a + s * lT_b)[iT]
        dead = (np.log(s) - np.log(r + s + ux))[ix] + l1 + np.log(-np.expm1(gap))
        ll = head + np.logaddexp(alive, dead)
        value = np.einsum("i,i->", w, ll)
        # d/dp of l1 + log(1 - e^(l2 - l1)) = (1 + k) dl1 - k dl2, k = 1 / (e^(l1 - l2) - 1)
        kappa = np.where(gap < 0, 1.0 / np.expm1(-gap), 0.0)
        pi = expit(dead - alive)  # weight of the dead branch
    wd, wa = w * pi, w * (1.0 - pi)
    # the tails' part: sum over rows of wd * ((1 + k) dl1 - k dl2), gathered per distinct pair
    c1 = np.bincount(i1, wd * (1.0 + kappa), x1.size)
    c2 = np.bincount(i2, wd * kappa, x2.size)
    grad = c1 @ dboth[:x1.size] - c2 @ dboth[x1.size:]
    W = w.sum()
    wd_x = np.bincount(ix, wd, ux.size)
    wa_T = np.bincount(iT, wa, uT.size)
    wax_T = np.bincount(iT, wa * x, uT.size)
    inv_rsx = 1.0 / (r + s + ux)
    grad[0] += (np.bincount(ix, w, ux.size) @ digamma(r + ux) - W * digamma(r)
                - wa_T @ lT_a - wd_x @ inv_rsx)
    grad[1] += -wax_T @ (1.0 / (alpha + uT)) + r * (wa_T @ (uT / (alpha * (alpha + uT))))
    grad[2] += -wa_T @ lT_b + wd_x.sum() / s - wd_x @ inv_rsx
    grad[3] += s * (wa_T @ (uT / (beta * (beta + uT))))
    return value, grad
