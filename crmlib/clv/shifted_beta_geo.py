"""sBG: shifted-beta-geometric model of contractual retention (Fader & Hardie 2007).

Each customer renews at the end of every period with probability ``1 - theta``, with
``theta ~ Beta(alpha, beta)`` across customers. ``T`` counts the periods a customer was
observed (>= 1) and ``churned`` says whether they cancelled at period ``T`` (True) or were still
active at the end of period ``T`` (False, censored).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln, hyp2f1

from crmlib.clv._base import BaseModel
from crmlib.clv._data import check_rule, check_weight_total
from crmlib.exceptions import DataError

COLUMNS = ("T", "churned")


class ShiftedBetaGeo(BaseModel):
    """sBG model. ``fit(data)`` reads ``T`` (periods observed, >= 1) and ``churned`` (bool).

    Parameters ``alpha, beta`` of the Beta distribution of the churn probability.
    """

    param_names = ("alpha", "beta")
    columns = COLUMNS
    _hints = (
        "check that T counts contract periods observed (1 = cancelled at or observed through the "
        "first renewal) and that churned marks cancellations, not active customers",
        "check that customers churn at different periods: when all churn at the same period "
        "(or none survive the first), the spread of churn rates cannot be estimated",
    )

    def _validate(self, data):
        name = type(self).__name__
        T = pd.to_numeric(data["T"]).to_numpy(dtype=float)
        churned = data["churned"]
        if churned.dtype != bool:
            values = pd.to_numeric(churned, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            check_rule(~np.isin(values, [0.0, 1.0]), data, "churned is True/False (or 1/0)", name,
                       "churned", "Mark a cancelled contract True (or 1) and an active one False (or 0).")
        check_rule((T < 1) | (T != np.round(T)), data, "T is a whole number >= 1", name, "T",
                   "T counts the contract periods a customer was observed, from 1.")
        c = churned.astype(bool).to_numpy()
        w = pd.to_numeric(data["weight"]).to_numpy(dtype=float) if "weight" in data else np.ones(len(data))
        check_weight_total(w, name)
        if not np.any(c & (w > 0)):
            raise DataError(f"{name}: nobody churned, so the churn rate cannot be estimated; "
                            "observe the cohort for longer.", reason=("nobody_churned", {"model": name}))
        return data

    def _initial(self, table):
        return np.array([1.0, 1.0])

    def _loglik(self, params, arrays):
        a, b = params
        T, churned = arrays
        lost = betaln(a + 1, b + T - 1)
        kept = betaln(a, b + T)
        return np.where(churned > 0, lost, kept) - betaln(a, b)

    def survival(self, t) -> pd.Series:
        """Share of a new cohort still active after ``t`` periods (t = 0, 1, ...)."""
        a, b = self._p()
        t = np.atleast_1d(np.asarray(t, dtype=float))
        bad = ~np.isfinite(t) | (t < 0)
        if np.any(bad):
            raise DataError(f"survival needs periods t >= 0 (0 = at acquisition), got "
                            f"{t[bad][:3].tolist()}.")
        return pd.Series(np.exp(betaln(a, b + t) - betaln(a, b)), index=t, name="survival")

    def retention_rate(self, t) -> pd.Series:
        """Share of those active at period t - 1 who renew at period t (t >= 1)."""
        a, b = self._p()
        t = np.atleast_1d(np.asarray(t, dtype=float))
        if np.any(t < 1):
            raise DataError(f"retention_rate needs t >= 1, got {t[t < 1].tolist()}.")
        return pd.Series((b + t - 1) / (a + b + t - 1), index=t, name="retention_rate")

    def discounted_expected_residual_lifetime(self, discount_rate: float, renewals=0):
        """DERL of Fader & Hardie (2010): expected discounted number of future payments.

        For a customer who has made ``renewals`` renewals (n - 1 in the paper) and is about to
        decide on the next one; the next payment counts undiscounted, the one after by
        1/(1 + d), and so on. ``discount_rate`` d is per contract period. ``renewals`` may be a
        number or an array/Series (the result is aligned to it).
        """
        a, b = self._p()
        if not discount_rate > 0:
            raise DataError(f"discount_rate must be > 0 per period, got {discount_rate!r}.")
        n = np.asarray(renewals, dtype=float) + 1
        value = (b + n - 1) / (a + b + n - 1) * hyp2f1(1.0, b + n, a + b + n, 1 / (1 + discount_rate))
        if isinstance(renewals, pd.Series):
            return pd.Series(value, index=renewals.index, name="derl")
        return float(value) if np.ndim(value) == 0 else value

    def sample(self, n: int, seed: int | None = 0, T: int = 12) -> pd.DataFrame:
        """Simulate ``n`` customers observed for ``T`` periods: columns ``T`` and ``churned``."""
        a, b = self._p()
        rng = np.random.default_rng(seed)
        theta = np.clip(rng.beta(a, b, int(n)), 1e-12, 1.0)
        lifetime = rng.geometric(theta)
        return pd.DataFrame({"T": np.minimum(lifetime, T).astype(float), "churned": lifetime <= T},
                            index=pd.RangeIndex(int(n), name="customer_id"))
