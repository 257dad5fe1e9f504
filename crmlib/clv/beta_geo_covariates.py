"""BG/NBD with time-invariant covariates, in pymc-marketing's ``BetaGeoModel`` parameterisation.

``alpha_i = alpha exp(-x_i . purchase)``, ``a_i = a exp(z_i . dropout_a)``, ``b_i = b exp(z_i .
dropout_b)`` (:mod:`crmlib.clv._covariates`). With every coefficient 0 it is :class:`BetaGeo`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from crmlib.clv._covariates import CovariateModel
from crmlib.clv._data import beta_expectation
from crmlib.clv.beta_geo import BetaGeo, _h


class BetaGeoCovariates(CovariateModel, BetaGeo):
    """BG/NBD whose purchase scale ``alpha`` and dropout shapes ``a``, ``b`` depend on covariates.

    ``fit(data)`` reads ``frequency, recency, T``, the numeric columns named in
    ``purchase_covariates`` and ``dropout_covariates`` (and an optional ``weight``). Parameters
    ``r, alpha, a, b`` then ``purchase:<col>``, ``dropout_a:<col>``, ``dropout_b:<col>``.

    >>> import numpy as np, pandas as pd
    >>> from crmlib.clv import BetaGeoCovariates
    >>> z = pd.DataFrame({"web": np.random.default_rng(0).integers(0, 2, 4000).astype(float)})
    >>> truth = BetaGeoCovariates.from_params(
    ...     {"r": 0.3, "alpha": 5.0, "a": 0.8, "b": 3.0, "purchase:web": 0.7},
    ...     purchase_covariates=("web",))
    >>> model = BetaGeoCovariates(purchase_covariates=("web",)).fit(truth.sample(covariates=z, T=40.0))
    >>> bool(abs(model.params_["purchase:web"] - 0.7) < 0.25)
    True
    """

    _base_names = BetaGeo.param_names
    _blocks = (("purchase", "purchase", 1, -1), ("dropout_a", "dropout", 2, 1), ("dropout_b", "dropout", 3, 1))

    def _row_loglik_grad(self, P, x, tx, T):
        """Per-row log-likelihood (FHL 2005 eq. 6) and its derivatives in (r, alpha_i, a_i, b_i)."""
        r, al, a, b = P.T
        active = x > 0
        bx = np.where(active, b + x - 1, 1.0)
        log_T, log_tx = np.log(al + T), np.log(al + tx)
        L = log_T - log_tx
        d = np.where(active, np.log(a) - np.log(bx) + (r + x) * L, -np.inf)
        e = np.exp(-np.abs(d))
        softplus = np.maximum(d, 0.0) + np.log1p(e)
        sigma = np.where(d >= 0, 1.0, e) / (1.0 + e)
        ll = (gammaln(r + x) - gammaln(r) + r * np.log(al) + betaln(a, b + x) - betaln(a, b)
              - (r + x) * log_T + softplus)
        common = digamma(a + b) - digamma(a + b + x)
        G = np.column_stack([
            digamma(r + x) - digamma(r) + np.log(al) - log_T + sigma * L,
            r / al - (r + x) / (al + T) + sigma * (r + x) * (1.0 / (al + T) - 1.0 / (al + tx)),
            common + sigma / a,
            common + digamma(b + x) - digamma(b) - np.where(active, sigma / bx, 0.0),
        ])
        return ll, G

    def _rows_p_alive(self, P, x, tx, T):
        return self._p_alive(tuple(P.T), x, tx, T)  # FHL eq. 11 is elementwise in the parameters

    #: Up to this many distinct dropout parameters (a_i, b_i), e.g. categorical dropout covariates,
    #: expected purchases use the plain model's beta quadrature per group (exactly BetaGeo's numbers);
    #: above it (continuous covariates) one quadrature rule per customer costs about 1 ms, so the
    #: closed form with 2F1 (FHL 2005 eq. 10) is used, vectorised, and the quadrature only for the
    #: rows where the closed form is not trustworthy (a_i near 1, or a value outside its bounds).
    _quadrature_groups = 256

    def _rows_conditional(self, P, x, tx, T, t):
        """Expected purchases in ``t``: P(alive) times the mean of a live customer."""
        alive = self._rows_p_alive(P, x, tx, T)
        values, codes = self._groups(P, (2, 3))
        if len(values) <= self._quadrature_groups:
            return alive * self._live_mean_quadrature(P, x, T, t, values, codes)
        r, al, a, b = P.T
        k, scale = r + x, al + T
        with np.errstate(all="ignore"):
            z = t / (scale + t)
            bracket = 1.0 - np.exp(k * np.log1p(-z)) * hyp2f1(k, b + x, a + b + x - 1.0, z)
            mean = (a + b + x - 1.0) / (a - 1.0) * bracket
        # a live customer buys at most as if they never dropped out: k t / scale
        bad = ~np.isfinite(mean) | (mean < 0) | (mean > k * t / scale * (1 + 1e-9)) | (np.abs(a - 1.0) < 1e-3)
        if bad.any():
            rows = np.flatnonzero(bad)
            sub_values, sub_codes = self._groups(P[rows], (2, 3))
            mean[rows] = self._live_mean_quadrature(P[rows], x[rows], T[rows], t[rows], sub_values, sub_codes)
        return alive * mean

    def _live_mean_quadrature(self, P, x, T, t, values, codes):
        """The mean of a live customer by the beta quadrature, once per distinct (a_i, b_i), alpha_i per row."""
        mean = np.empty(x.size)
        r = P[:, 0]
        for g, (a, b) in enumerate(values):
            rows = np.flatnonzero(codes == g)
            scale, shape, tr = P[rows, 1] + T[rows], r[rows] + x[rows], t[rows]
            mean[rows] = beta_expectation(
                a, b + x[rows], lambda p, k, scale=scale, shape=shape, tr=tr: _h(p, scale[k], shape[k], tr[k]))
        return mean
