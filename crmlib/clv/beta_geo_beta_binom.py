"""BG/BB: beta-geometric / beta-binomial model for discrete purchase opportunities.

Fader, Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual
Setting", Marketing Science 29(6). While alive, a customer transacts at each opportunity with
probability ``p ~ Beta(alpha, beta)``; before each opportunity they die with probability
``theta ~ Beta(gamma, delta)``. ``frequency`` = transactions x, ``recency`` = the opportunity of
the last transaction t_x, ``T`` = the number of opportunities n (all whole numbers).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, gammaln, logsumexp

from crmlib.clv._transaction import TransactionModel
from crmlib.exceptions import DataError


class BetaGeoBetaBinom(TransactionModel):
    """BG/BB model. ``fit(data)`` reads ``frequency, recency, T`` (T = number of opportunities).

    Parameters ``alpha, beta`` (transaction probability) and ``gamma, delta`` (dropout).
    """

    param_names = ("alpha", "beta", "gamma", "delta")
    discrete = True
    _hints = (
        "check that frequency, recency and T count purchase opportunities (e.g. years), "
        "not days or weeks",
        "check that the cohort was observed for several opportunities and that some customers "
        "stopped transacting; with few opportunities the dropout cannot be estimated",
    )

    def _initial(self, table):
        return np.array([1.0, 1.0, 1.0, 1.0])

    def _alive_term(self, params, x, tx, n):
        al, be, ga, de = params
        return betaln(al + x, be + n - x) - betaln(al, be) + betaln(ga, de + n) - betaln(ga, de)

    def _loglik(self, params, arrays):
        al, be, ga, de = params
        x, tx, n = arrays
        gap = (n - tx).astype(int)
        i = np.arange(max(int(gap.max()), 1))[None, :]
        xs, txs = x[:, None], tx[:, None]
        dead = (betaln(al + xs, be + txs - xs + i) - betaln(al, be)
                + betaln(ga + 1, de + txs + i) - betaln(ga, de))
        dead = np.where(i < gap[:, None], dead, -np.inf)
        terms = np.column_stack([self._alive_term(params, x, tx, n), dead])
        return logsumexp(terms, axis=1)

    def _p_alive(self, params, x, tx, n):
        """Probability of being alive at opportunity n + 1 (the paper's definition)."""
        al, be, ga, de = params
        ll = self._loglik(params, [x, tx, n])
        return np.exp(self._alive_term(params, x, tx, n) + np.log(de + n) - np.log(ga + de + n) - ll)

    def _future(self, params, n, t):
        """sum_{k=1..t} B(gamma, delta + n + k) / B(gamma, delta + n), per row (t whole)."""
        al, be, ga, de = params
        if np.any(t != np.round(t)):
            raise DataError(f"BetaGeoBetaBinom: t counts future opportunities and must be whole, got "
                            f"{t[t != np.round(t)][:3].tolist()}.")
        k = np.arange(1, max(int(t.max()), 1) + 1)[None, :]
        terms = np.exp(betaln(ga, de + n[:, None] + k) - betaln(ga, de + n[:, None]))
        return np.where(k <= t[:, None], terms, 0.0).sum(axis=1)

    def _conditional(self, params, x, tx, n, t):
        al, be, ga, de = params
        ll = self._loglik(params, [x, tx, n])
        alive_at_n = np.exp(self._alive_term(params, x, tx, n) - ll)
        return alive_at_n * (al + x) / (al + be + n) * self._future(params, n, t)

    def _unconditional(self, params, t):
        al, be, ga, de = params
        return al / (al + be) * self._future(params, np.zeros_like(t), t)

    def _pmf(self, params, n, x):
        """P(X(n) = x) for n opportunities, FHS (2010) eq. 7: alive through all n with x
        transactions, or dead after opportunity i (x <= i < n) with x transactions by then."""
        al, be, ga, de = params
        i = np.arange(max(int(n.max()), 1))[None, :]
        ns, xs = n[:, None], x[:, None]

        def log_choose(k, j):
            return gammaln(k + 1) - gammaln(j + 1) - gammaln(k - j + 1)
        alive = np.exp(log_choose(n, x) + betaln(al + x, be + n - x) - betaln(al, be)
                       + betaln(ga, de + n) - betaln(ga, de))
        dead = np.exp(log_choose(i, xs) + betaln(al + xs, be + i - xs) - betaln(al, be)
                      + betaln(ga + 1, de + i) - betaln(ga, de))
        dead = np.where((i >= xs) & (i < ns), dead, 0.0).sum(axis=1)
        return np.where(x <= n, alive, 0.0) + dead

    def first_n_periods(self, n, customers: float = 1.0):
        """P(X(n) = x) for x = 0..n with its mean and variance: :func:`crmlib.clv.paths.bgbb_first_n_periods`."""
        from crmlib.clv.paths import bgbb_first_n_periods

        return bgbb_first_n_periods(self, n, customers)

    def _simulate(self, params, rng, n):
        al, be, ga, de = params
        size = n.size
        p = rng.beta(al, be, size)
        theta = np.clip(rng.beta(ga, de, size), 1e-12, 1.0)
        alive = rng.geometric(theta) - 1  # opportunities survived
        k = np.arange(1, int(n.max()) + 1)[None, :]
        buys = (k <= alive[:, None]) & (k <= n[:, None]) & (rng.random((size, k.size)) < p[:, None])
        x = buys.sum(axis=1)
        tx = np.where(x > 0, (buys * k).max(axis=1), 0).astype(float)
        return x, tx
