"""What a fitted CLV model says about itself: parameter draws, intervals, summary table, AIC/BIC
and its text and HTML forms. A mixin of :class:`crmlib.clv._base.BaseModel`, which holds the fit.

Confidence intervals are Wald intervals on the log scale, ``exp(log(theta) +- z * se_log)``: the
parameters are positive and their likelihood is closer to normal in the log.
"""

from __future__ import annotations

import html
import math
import numbers

import numpy as np
import pandas as pd
from scipy import stats

from crmlib.exceptions import DataError


class FittedSummary:
    """Summaries of a fit: needs ``params_``, ``_se_log``, ``_cov_log``, ``param_names``,
    ``log_likelihood_``, ``n_customers_`` and ``check_fitted``/``_p``/``get_params`` (BaseModel)."""

    def parameter_draws(self, n: int = 128, seed: int | None = 0) -> pd.DataFrame:
        """``n`` draws of the parameters from their asymptotic distribution: normal on the log
        scale, centred at the estimates, with the covariance of the fit (the inverse Hessian the
        standard errors come from), so every draw is positive. Scrambled Sobol' points (use a
        power of 2 for ``n``) spread the draws evenly. Used by :mod:`crmlib.clv.uncertainty`.

        >>> from crmlib.clv import BetaGeo
        >>> model = BetaGeo().fit(BetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5).sample(2000, seed=1))
        >>> draws = model.parameter_draws(64)
        >>> draws.shape, bool((draws > 0).all().all())
        ((64, 4), True)
        """
        self.check_fitted()
        name = type(self).__name__
        cov = getattr(self, "_cov_log", None)
        if cov is None or not np.all(np.isfinite(self._se_log)) or not np.all(np.isfinite(cov)):
            note = getattr(self, "se_note_", None) or "this model has no covariance (fitted before it was kept)"
            raise DataError(f"{name}.parameter_draws needs the covariance of a fit with standard errors; "
                            f"here {note}. Fit the model on the data without a penalizer (or refit it) first.")
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
            raise DataError(f"{name}.parameter_draws: n must be a whole number >= 2, got {n!r}.")
        sampler = stats.qmc.MultivariateNormalQMC(np.log(self._p()), cov=(cov + cov.T) / 2, seed=seed)
        return pd.DataFrame(np.exp(sampler.random(int(n))), columns=list(self.param_names))

    def confidence_intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Wald intervals on the log scale: columns ``lower`` and ``upper`` at ``level``."""
        self.check_fitted()
        if not 0 < level < 1:
            raise DataError(f"level must be between 0 and 1, got {level}.")
        z = stats.norm.ppf(0.5 + level / 2)
        coef = self.params_.to_numpy()
        return pd.DataFrame({"lower": coef * np.exp(-z * self._se_log),
                             "upper": coef * np.exp(z * self._se_log)},
                            index=self.params_.index)

    @property
    def summary(self) -> pd.DataFrame:
        """Parameters with standard errors and 95% intervals: columns coef, se, lower, upper."""
        ci = self.confidence_intervals(0.95)
        table = pd.concat([self.params_, self.standard_errors_, ci], axis=1)
        note = getattr(self, "se_note_", None)  # absent from models pickled before it existed
        if note:
            table.attrs["note"] = note
        return table

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    @property
    def aic_(self) -> float:
        self.check_fitted()
        return 2 * self.n_params - 2 * self.log_likelihood_

    @property
    def bic_(self) -> float:
        self.check_fitted()
        return self.n_params * math.log(self.n_customers_) - 2 * self.log_likelihood_

    def __repr__(self) -> str:
        name = type(self).__name__
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        if not hasattr(self, "params_"):
            return f"{name}({hyper})"
        ps = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        if not hasattr(self, "log_likelihood_"):
            return f"<{name} with parameters set by hand: {ps}>"
        return f"<{name}({hyper}) fitted: {ps}; log-likelihood {self.log_likelihood_:.1f}>"

    def _repr_html_(self) -> str:
        name = type(self).__name__
        if not hasattr(self, "params_"):
            return f"<p><b>{name}</b> (not fitted)</p>"
        if hasattr(self, "log_likelihood_"):
            head = (f"<p><b>{name}</b> fitted on {self.n_customers_:,.0f} customers "
                    f"({self.n_histories_:,} distinct histories); log-likelihood "
                    f"{self.log_likelihood_:,.2f}, AIC {self.aic_:,.1f}, BIC {self.bic_:,.1f}</p>")
        else:
            head = f"<p><b>{name}</b> with parameters set by hand (not fitted)</p>"
        summary = self.summary
        note = f"<p><i>{html.escape(summary.attrs['note'])}</i></p>" if "note" in summary.attrs else ""
        return head + summary.to_html(float_format=lambda v: f"{v:.4g}") + note
