"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987), likelihood as in Fader & Hardie (2005).

While active, a customer buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``; the
lifetime is exponential with rate ``mu ~ Gamma(s, beta)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, gammaln, hyp2f1

from crmlib.clv._base import TransactionModel, levels


def _log_a0(params, arrays):
    """log of the A0 term: an integral over the unobserved dropout time in (t_x, T].

    The Gaussian hypergeometric functions are used after Euler's transformation,
    2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z), with c = a + 1, so the power
    factor is taken in log space; the difference of the two terms uses log1p(-exp(.)).
    ``arrays`` holds x, t_x and T. Each term depends on the data only through (x, t_x) or
    (x, T), so it is evaluated once per distinct pair (a few thousand when times are whole
    days, against about 10^5 distinct histories for 10^6 customers) and spread to the rows.
    """
    r, alpha, s, beta = params
    big, small = max(alpha, beta), min(alpha, beta)
    (x1, tx1), i1 = levels(arrays, 0, 1)
    (x2, T2), i2 = levels(arrays, 0, 2)
    l1 = _a0_term(r, s, alpha, beta, big, small, x1, tx1)[i1]
    l2 = _a0_term(r, s, alpha, beta, big, small, x2, T2)[i2]
    with np.errstate(divide="ignore"):
        return l1 + np.log(-np.expm1(np.minimum(l2 - l1, 0.0)))


def _a0_term(r, s, alpha, beta, big, small, x, t):
    """log of one of the two terms of A0, at times ``t`` for frequencies ``x``."""
    m = s + 1 if alpha >= beta else r + x  # the "b" argument
    a_ = r + s + x
    c = a_ + 1
    z = (big - small) / (big + t)
    log1mz = np.log(small + t) - np.log(big + t)
    with np.errstate(all="ignore"):
        f = hyp2f1(1.0, c - m, c, z)
    return (c - a_ - m) * log1mz + np.log(f) - a_ * np.log(big + t)


def _log_odds_dead(params, x, tx, T):
    r, alpha, s, beta = params
    return (np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
            + _log_a0(params, [x, tx, T]))


def _log_rel(t, base, power):
    """[1 - (base / (base + t))^power] / power, continuous at power == 0 (value log(1 + t/base))."""
    L = np.log1p(t / base)
    u = power * L
    small = np.abs(u) < 1e-8
    safe = np.where(small, 1.0, u)
    return L * np.where(small, 1.0 - u / 2, -np.expm1(-safe) / safe)


class ParetoNBD(TransactionModel):
    """Pareto/NBD model. ``fit(data)`` reads ``frequency, recency, T`` (and optional ``weight``).

    Parameters ``r, alpha`` (purchase rate) and ``s, beta`` (dropout rate).
    """

    param_names = ("r", "alpha", "s", "beta")

    def _initial(self, table):
        return np.array([0.5, max(float(table["T"].mean()) / 4, 0.1), 0.5,
                         max(float(table["T"].mean()) / 4, 0.1)])

    def _loglik(self, params, arrays):
        r, alpha, s, beta = params
        (ux,), ix = levels(arrays, 0)
        (uT,), iT = levels(arrays, 2)
        x = np.asarray(arrays[0], dtype=float)
        # terms of x alone or T alone on their distinct values (few), spread by 1-d takes
        head = -gammaln(r) + r * np.log(alpha) + s * np.log(beta) + gammaln(r + ux)[ix]
        alive = -(r + x) * np.log(alpha + uT)[iT] - s * np.log(beta + uT)[iT]
        dead = (np.log(s) - np.log(r + s + ux))[ix] + _log_a0(params, arrays)
        return head + np.logaddexp(alive, dead)

    def _p_alive(self, params, x, tx, T):
        return expit(-_log_odds_dead(params, x, tx, T))

    def _conditional(self, params, x, tx, T, t):
        r, alpha, s, beta = params
        # E[Y(t) | alive] = (r + x)(beta + T) / ((alpha + T)(s - 1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
        mean = (r + x) * (beta + T) / (alpha + T) * _log_rel(t, beta + T, s - 1.0)
        return self._p_alive(params, x, tx, T) * mean

    def _unconditional(self, params, t):
        r, alpha, s, beta = params
        return r * beta / alpha * _log_rel(t, beta, s - 1.0)

    def _simulate(self, params, rng, T):
        r, alpha, s, beta = params
        n = T.size
        lam = rng.gamma(r, 1.0 / alpha, n)
        mu = rng.gamma(s, 1.0 / beta, n)
        with np.errstate(divide="ignore"):
            lifetime = rng.standard_exponential(n) / mu
        window = np.minimum(lifetime, T)
        x = rng.poisson(lam * window)
        tx = np.where(x > 0, window * rng.random(n) ** (1.0 / np.maximum(x, 1)), 0.0)
        return x, tx
