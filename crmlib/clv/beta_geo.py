"""BG/NBD: beta-geometric / negative binomial distribution model (Fader, Hardie & Lee 2005).

While active, a customer buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``; after
each repeat purchase they drop out with probability ``p ~ Beta(a, b)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln
from scipy.stats import nbinom

from crmlib.clv import _beta_geo_loglik
from crmlib.clv._data import beta_expectation, levels
from crmlib.clv._transaction import TransactionModel


def _h(p: np.ndarray, scale: np.ndarray, shape: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(1 - E[exp(-lambda p t)]) / p for lambda ~ Gamma(shape, scale): purchases of a live customer."""
    ratio = p * (t / scale)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -np.expm1(-shape[:, None] * np.log1p(ratio)) / p
    limit = (shape * t / scale)[:, None]  # value at p -> 0
    return np.where(p > 0, out, limit)


class BetaGeo(TransactionModel):
    """BG/NBD model. ``fit(data)`` reads ``frequency, recency, T`` (and optional ``weight``).

    Parameters ``r, alpha`` (purchase rate) and ``a, b`` (dropout probability).

    >>> import pandas as pd
    >>> from crmlib.clv import BetaGeo
    >>> truth = BetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5)
    >>> data = truth.sample(3000, seed=1, T=39.0)
    >>> model = BetaGeo().fit(data)
    >>> bool(abs(model.params_["r"] - 0.25) < 0.1)
    True
    """

    param_names = ("r", "alpha", "a", "b")
    _scales = {"alpha": "T"}  # alpha is a time scale, in the unit of T
    _hints = (
        "check that enough customers made repeat purchases (frequency > 0): they show the "
        "purchase rates, and when they stop buying shows the dropout",
        "check that frequency, recency and T come from one rfm_summary, in one time unit",
        "a parameter running off often means the data show little dropout (a, b) or little "
        "spread in purchase rates (r, alpha): try a longer calibration period, or compare "
        "with ParetoNBD",
    )
    _row_predictions = True  # closed-form P(alive); the quadrature groups by (x, T, t) itself
    _shift = 0  # MBG/NBD: 1 (dropout also possible right after the first purchase)

    def _initial(self, table):
        return np.array([0.5, max(float(table["T"].mean()) / 5, 0.1), 1.0, 2.0])

    def _loglik(self, params, arrays):
        return self._loglik_grad(params, arrays, gradient=False)[0]

    def _grad(self, params, arrays):
        return self._loglik_grad(params, arrays)[1]

    def _total(self, params, arrays, w):
        """Weighted log-likelihood and gradient from sums over distinct values (the fit's path)."""
        return _beta_geo_loglik.total(params, arrays, w, self._shift, order=1)[:2]

    def _total_hessian(self, params, arrays, w):
        return _beta_geo_loglik.total(params, arrays, w, self._shift, order=2)

    def _loglik_grad(self, params, arrays, gradient=True):
        """Per-row log-likelihood (FHL 2005 eq. 6, in logs) and its gradient in one pass.

        Terms are computed on the distinct values of x, t_x and T (a few hundred at most when
        times are whole days) and spread to the rows by index, so the special functions run
        once per distinct value instead of once per history.
        """
        r, alpha, a, b = params
        s = self._shift
        (ux,), ix = levels(arrays, 0)
        (utx,), itx = levels(arrays, 1)
        (uT,), iT = levels(arrays, 2)
        x = np.asarray(arrays[0], dtype=float)
        active_x = (ux + s) > 0
        bx_x = np.where(active_x, b + ux + s - 1, 1.0)
        # one-dimensional takes: indexing rows of a 2-d level table is ~10x slower
        head = (gammaln(r + ux) - gammaln(a + b + ux + s) + gammaln(b + ux + s))[ix]
        log_T = np.log(alpha + uT)[iT]
        log_tx = np.log(alpha + utx)[itx]
        rx = r + x
        a3 = -rx * log_T
        a4 = np.where(active_x, np.log(a) - np.log(bx_x), -np.inf)[ix] - rx * log_tx
        lse = np.logaddexp(a3, a4)
        const = -gammaln(r) + r * np.log(alpha) + gammaln(a + b) - gammaln(b)
        ll = const + head + lse
        if not gradient:
            return ll, None
        w4 = np.exp(a4 - lse)
        w3 = 1.0 - w4
        dr = (digamma(r + ux)[ix] - digamma(r) + np.log(alpha)) - w3 * log_T - w4 * log_tx
        dalpha = r / alpha - rx * (w3 / (alpha + uT)[iT] + w4 / (alpha + utx)[itx])
        common = digamma(a + b) - digamma(a + b + ux + s)[ix]
        da = common + w4 / a
        db = common + (digamma(b + ux + s) - digamma(b))[ix] - w4 * np.where(active_x, 1.0 / bx_x, 0.0)[ix]
        return ll, np.column_stack([dr, dalpha, da, db])

    def _p_alive(self, params, x, tx, T):
        """1 / (1 + odds of having dropped out), the odds in one log: FHL (2005) eq. 11."""
        r, alpha, a, b = params
        s = self._shift
        active = (x + s) > 0
        bx = np.where(active, b + x + s - 1, 1.0)
        log_odds = np.log(a / bx) + (r + x) * np.log((alpha + T) / (alpha + tx))
        return np.where(active, expit(-log_odds), 1.0)

    def _conditional(self, params, x, tx, T, t):
        return self._p_alive(params, x, tx, T) * self._live(params, x, T, t)

    def _live(self, params, x, T, t):
        """Expected purchases in ``t`` of a customer alive now, with ``x`` repeat purchases at age ``T``."""
        r, alpha, a, b = params
        # the mean of a live customer depends on (x, T, t) only: one quadrature per distinct triple
        (ux, uT, ut), codes = levels([x, T, t], 0, 1, 2)
        shape, scale = r + ux, alpha + uT
        mean = beta_expectation(a, b + ux + self._shift,
                                lambda p, rows: _h(p, scale[rows], shape[rows], ut[rows]))
        return mean[codes]

    def _unconditional(self, params, t):
        r, alpha, a, b = params
        s = self._shift
        shape, scale = np.full(t.shape, r), np.full(t.shape, alpha)
        factor = np.exp(gammaln(b + s) - gammaln(b) + gammaln(a + b) - gammaln(a + b + s))
        mean = beta_expectation(a, np.full(t.shape, b + s),
                                lambda p, rows: _h(p, scale[rows], shape[rows], t[rows]))
        return factor * mean

    def _pmf(self, params, t, n):
        """P(X(t) = n), FHL (2005) eq. 8 (shifted for MBG/NBD): alive after n purchases made by t,
        or dropped out right after the n-th purchase, made by t."""
        r, alpha, a, b = params
        s = self._shift
        q = alpha / (alpha + t)  # the gamma-Poisson count by t is NB(r, q)
        kept = np.exp(betaln(a, b + n + s) - betaln(a, b)) * nbinom.pmf(n, r, q)
        dropped = np.exp(betaln(a + 1, b + n + s - 1) - betaln(a, b)) * nbinom.sf(n - 1, r, q)
        return kept + np.where(n + s > 0, dropped, 0.0)

    def _simulate(self, params, rng, T):
        r, alpha, a, b = params
        n = T.size
        lam = rng.gamma(r, 1.0 / alpha, n)
        p = np.clip(rng.beta(a, b, n), 1e-12, 1.0)
        purchases_before_dropout = rng.geometric(p) - self._shift
        k = rng.poisson(lam * T)
        x = np.minimum(purchases_before_dropout, k)
        pos = x > 0
        tx = np.zeros(n)
        tx[pos] = T[pos] * rng.beta(x[pos], k[pos] - x[pos] + 1)
        return x, tx
