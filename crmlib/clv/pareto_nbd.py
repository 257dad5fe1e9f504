"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987), likelihood as in Fader & Hardie (2005).

While active, a customer buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``; the
lifetime is exponential with rate ``mu ~ Gamma(s, beta)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, gammaln, hyp2f1, logsumexp, roots_legendre
from scipy.stats import nbinom

from crmlib.clv import _pareto_nbd_loglik
from crmlib.clv._transaction import TransactionModel
from crmlib.clv._data import levels


# Above this value of r + s + x, or of max(alpha, beta) / min(alpha, beta), the hypergeometric
# route loses accuracy or fails (scipy's 2F1 returns nan or inf when z is close to 1 with a
# large parameter, and the scaled value r log(alpha) + s log(beta) + log(term) cancels);
# checked against mpmath in the tests.
_HYP_MAX = 100.0
_HYP_MAX_RATIO = 1e5
_NODES = 16  # Gauss-Legendre nodes per panel of the quadrature route (the last panel spans
# a fall of 28 in the log-integrand: 16 nodes integrate e^(-28 y) to 1e-8 of its start, e^-12)
# panel edges of the quadrature: where the log-integrand has fallen this much below its peak
_DROPS = np.array([1.0, 4.0, 12.0, 40.0])
# the panel rule, computed once (scipy.special.roots_legendre builds it anew on every call)
_LEGENDRE = roots_legendre(_NODES)


def _log_a0(params, arrays):
    """log(alpha^r beta^s A0), A0 the integral over the unobserved dropout time in (t_x, T].

    ``A0 / (r + s + x) = int_{t_x}^T (alpha + tau)^-(r + x) (beta + tau)^-(s + 1) dtau``, written
    as the difference of two tails (:func:`_log_tail`, from t_x and from T) taken in log space
    with log1p(-exp(.)). The scale alpha^r beta^s is carried inside the tails, so the value stays
    of moderate size when s, beta (or r, alpha) are large. ``arrays`` holds x, t_x and T. Each
    tail depends on the data only through (x, t_x) or (x, T), so it is evaluated once per
    distinct pair (a few thousand when times are whole days, against about 10^5 distinct
    histories for 10^6 customers) and spread to the rows.
    """
    (x1, tx1), i1 = levels(arrays, 0, 1)
    (x2, T2), i2 = levels(arrays, 0, 2)
    l1 = _log_tail(params, x1, tx1)[i1]
    l2 = _log_tail(params, x2, T2)[i2]
    with np.errstate(divide="ignore"):
        return l1 + np.log(-np.expm1(np.minimum(l2 - l1, 0.0)))


def _log_tail(params, x, t):
    """log[(r + s + x) alpha^r beta^s int_t^inf (alpha + tau)^-(r + x) (beta + tau)^-(s + 1) dtau].

    Closed form with 2F1 (:func:`_log_tail_hyp`) for moderate r + s + x; quadrature
    (:func:`_log_tail_quad`) above ``_HYP_MAX`` or ``_HYP_MAX_RATIO``, or wherever the closed
    form is not finite.
    """
    r, alpha, s, beta = params
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float)
    ratio_ok = max(alpha, beta) <= _HYP_MAX_RATIO * min(alpha, beta)
    if ratio_ok and r + s + x.max(initial=0) <= _HYP_MAX:
        out = _log_tail_hyp(params, x, t)  # the usual case: no masks
    else:
        out = np.full(x.shape, np.nan)
        easy = (r + s + x <= _HYP_MAX) & ratio_ok
        out[easy] = _log_tail_hyp(params, x[easy], t[easy])
    hard = ~np.isfinite(out)
    if hard.any():
        out[hard] = _log_tail_quad(params, x[hard], t[hard])
    return out


def _log_tail_hyp(params, x, t):
    """:func:`_log_tail` by the Gaussian hypergeometric function (Fader & Hardie 2005).

    2F1 is used after Euler's transformation, 2F1(a, b; c; z) = (1 - z)^(c - a - b)
    2F1(c - a, c - b; c; z), with c = a + 1, so the power factor is taken in log space.
    """
    r, alpha, s, beta = params
    big, small = max(alpha, beta), min(alpha, beta)
    m = s + 1 if alpha >= beta else r + x  # the "b" argument
    a_ = r + s + x
    c = a_ + 1
    z = (big - small) / (big + t)
    log1mz = np.log(small + t) - np.log(big + t)
    with np.errstate(all="ignore"):
        f = hyp2f1(1.0, c - m, c, z)
        return (r * np.log(alpha) + s * np.log(beta) + (c - a_ - m) * log1mz + np.log(f)
                - a_ * np.log(big + t))


def _log_tail_quad(params, x, t):
    """:func:`_log_tail` by Gauss-Legendre quadrature in log space, for any size of parameters.

    With c = min(alpha, beta) the integral is taken over u = log((c + tau) / (c + t)) >= 0,
    where the log-integrand psi(u) is concave (a sum of -k log(e^v + d) terms and a linear
    one), so it has one maximum u_m (closed form) and falls on either side. The panel edges are
    where psi has fallen 1, 4, 12 and 40 below its maximum (found by bisection, both sides),
    so each panel sees a bounded change of the integrand whatever the scale of the parameters,
    and the part beyond the last edge (below e^-40 of the peak) is left out.
    """
    r, alpha, s, beta = params
    x = np.asarray(x, dtype=float)[:, None]
    t = np.asarray(t, dtype=float)[:, None]
    c, d = min(alpha, beta), abs(alpha - beta)
    # exponents of the factor with base c and of the other one
    kc, ko = (r + x, s + 1.0) if alpha <= beta else (s + 1.0, r + x)
    base = c + t
    log_base = np.log(base)

    def psi(u, rows=slice(None)):
        x_, t_, base_ = x[rows], t[rows], base[rows]
        tau = t_ + base_ * np.expm1(u)  # accurate for tau close to t
        return (log_base[rows] + u - x_ * np.log(alpha + tau) - r * np.log1p(tau / alpha)
                - np.log(beta + tau) - s * np.log1p(tau / beta))

    # psi'(u) = 1 - kc - ko w with w = (c + tau) / (c + d + tau) rising from w(0) to 1
    with np.errstate(divide="ignore", invalid="ignore"):
        um = np.where((kc < 1) & (d > 0), np.log(d * (1 - kc) / (ko + kc - 1)) - log_base, 0.0)
        um = np.maximum(um, 0.0)
        # beyond u1 the slope is at most -sigma, half its limit; concavity then bounds psi
        sigma = (kc + ko - 1) / 2
        wstar = (1 - kc + ko) / (2 * ko)
        u1 = np.where((d > 0) & (wstar > 0), np.log(d * wstar / (1 - wstar)) - log_base, 0.0)
    u1 = np.maximum(u1, um)
    top = psi(um)
    right_end = np.minimum(u1 + (psi(u1) - top + _DROPS[-1]) / sigma, 700.0)
    target = top - _DROPS
    shape = target.shape
    # bisection: the edges need not be exact (each panel only has to see a bounded change), so
    # 20 halvings, to 1e-6 of the bracket, are plenty
    lo, hi = np.broadcast_to(um, shape).copy(), np.broadcast_to(right_end, shape).copy()
    for _ in range(20):
        mid = (lo + hi) / 2
        above = psi(mid) > target  # right of the peak: the edge lies further right
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    llo, lhi = np.zeros(shape), np.broadcast_to(um, shape).copy()
    rising = np.flatnonzero(um[:, 0] > 0)  # a peak inside: x = 0, r < 1 and alpha < beta
    if rising.size:
        a_, b_ = llo[rising], lhi[rising]
        for _ in range(20):
            mid = (a_ + b_) / 2
            above = psi(mid, rising) > target[rising]  # left of the peak: the edge is further left
            a_, b_ = np.where(above, a_, mid), np.where(above, mid, b_)
        llo[rising] = a_
        edges = np.concatenate([llo[:, ::-1], um, hi], axis=1)
    else:
        edges = np.concatenate([um, hi], axis=1)
    nodes, weights = _LEGENDRE
    half = (edges[:, 1:] - edges[:, :-1])[:, :, None] / 2
    u = (edges[:, :-1, None] + half * (nodes + 1)).reshape(len(x), -1)
    with np.errstate(divide="ignore"):  # empty panels (no rise before the peak) weigh 0
        log_w = np.log(half * weights).reshape(len(x), -1)
    return np.log(r + s + x[:, 0]) + logsumexp(psi(u) + log_w, axis=1)


def _log_odds_dead(params, x, tx, T):
    r, alpha, s, beta = params
    return np.log(s) - np.log(r + s + x) - _log_alive(params, x, T) + _log_a0(params, [x, tx, T])


def _log_alive(params, x, T):
    """log[alpha^r beta^s / ((alpha + T)^(r + x) (beta + T)^s)], scaled: accurate for large rates."""
    r, alpha, s, beta = params
    return -x * np.log(alpha + T) - r * np.log1p(T / alpha) - s * np.log1p(T / beta)


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
    # No _scales: a fit running along the ridge below must be caught by the absolute limit.
    _hints = (
        "s and beta running off together (s / beta steady) means the data show no spread in "
        "dropout rates: the likelihood keeps rising as the gamma mixing of the dropout rate "
        "shrinks to one common rate mu = s / beta, so the maximum is at s, beta = infinity; "
        "compare with BetaGeo, where customers drop out just after a purchase",
        "check that frequency, recency and T come from one rfm_summary, in one time unit",
    )

    def _initial(self, table):
        return np.array([0.5, max(float(table["T"].mean()) / 4, 0.1), 0.5,
                         max(float(table["T"].mean()) / 4, 0.1)])

    def _loglik(self, params, arrays):
        r, alpha, s, beta = params
        (ux,), ix = levels(arrays, 0)
        (uT,), iT = levels(arrays, 2)
        x = np.asarray(arrays[0], dtype=float)
        # terms of x alone or T alone on their distinct values (few), spread by 1-d takes
        head = (gammaln(r + ux) - gammaln(r))[ix]
        alive = (-x * np.log(alpha + uT)[iT]
                 - (r * np.log1p(uT / alpha) + s * np.log1p(uT / beta))[iT])
        dead = (np.log(s) - np.log(r + s + ux))[ix] + _log_a0(params, arrays)
        return head + np.logaddexp(alive, dead)

    def _total(self, params, arrays, w):
        """Weighted log-likelihood and its gradient (the fit's path): closed form but for the
        tails, differentiated on their distinct pairs (:mod:`crmlib.clv._pareto_nbd_loglik`)."""
        return _pareto_nbd_loglik.total(params, arrays, w, _log_tail)

    def _p_alive(self, params, x, tx, T):
        return expit(-_log_odds_dead(params, x, tx, T))

    def _conditional(self, params, x, tx, T, t):
        return self._p_alive(params, x, tx, T) * self._live(params, x, T, t)

    def _live(self, params, x, T, t):
        """Expected purchases in ``t`` of a customer alive now, with ``x`` repeat purchases at age ``T``."""
        r, alpha, s, beta = params
        # E[Y(t) | alive] = (r + x)(beta + T) / ((alpha + T)(s - 1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
        return (r + x) * (beta + T) / (alpha + T) * _log_rel(t, beta + T, s - 1.0)

    def _unconditional(self, params, t):
        r, alpha, s, beta = params
        return r * beta / alpha * _log_rel(t, beta, s - 1.0)

    def _pmf(self, params, t, n):
        """P(X(t) = n): alive at t with n purchases, or dropped out at tau < t after n purchases
        (Fader & Hardie's note 012), the integral over tau by Gauss-Legendre in
        u = log(1 + tau / c), c = min(alpha, beta), where the integrand is smooth on every scale."""
        r, alpha, s, beta = params
        c = min(alpha, beta)
        nodes, weights = roots_legendre(64)
        top = np.log1p(t / c)[:, None]
        u = top * (nodes + 1) / 2
        tau = c * np.expm1(u)
        density = s / beta * (beta / (beta + tau)) ** (s + 1) * (c + tau)  # d tau = (c + tau) du
        dropped = (nbinom.pmf(n[:, None], r, alpha / (alpha + tau)) * density) @ weights * top[:, 0] / 2
        return nbinom.pmf(n, r, alpha / (alpha + t)) * (beta / (beta + t)) ** s + dropped

    def _simulate(self, params, rng, T):
        lam, _, window = draw_customers(params, rng, T)
        n = T.size
        x = rng.poisson(lam * window)
        tx = np.where(x > 0, window * rng.random(n) ** (1.0 / np.maximum(x, 1)), 0.0)
        return x, tx


def draw_customers(params, rng, T):
    """One Pareto/NBD customer per entry of ``T``: purchase rate, lifetime and the time observed
    alive (``min(lifetime, T)``), drawn in this order from ``rng``; shared by the summary simulator
    (:meth:`ParetoNBD._simulate`) and the transaction-log simulator (:mod:`crmlib.clv.simulate`)."""
    r, alpha, s, beta = params
    n = T.size
    lam = rng.gamma(r, 1.0 / alpha, n)
    mu = rng.gamma(s, 1.0 / beta, n)
    with np.errstate(divide="ignore"):
        lifetime = rng.standard_exponential(n) / mu
    return lam, lifetime, np.minimum(lifetime, T)
