"""Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV").

Each transaction of a customer is ``Gamma(p, nu)`` with customer-specific ``nu ~ Gamma(q, v)``;
the observed ``monetary_value`` is the mean of the customer's ``frequency`` repeat transactions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from crmlib.clv._base import BaseModel
from crmlib.clv._data import check_columns, check_rule, check_weight_total, levels, memo
from crmlib.exceptions import DataError

COLUMNS = ("frequency", "monetary_value")


class GammaGamma(BaseModel):
    """Gamma-Gamma spend model. ``fit(data)`` reads ``frequency, monetary_value``.

    Only customers with ``frequency > 0`` enter the fit (the others have no repeat spend).
    Parameters ``p, q, v``; the population mean spend per transaction is ``p v / (q - 1)``.
    """

    param_names = ("p", "q", "v")
    columns = COLUMNS
    _time_unit = False  # spend per purchase does not depend on the time unit
    _scales = {"v": "monetary_value"}  # v is in money units
    _hints = (
        "check that monetary_value is the mean spend of each customer's repeat purchases, in "
        "one currency, with refunds and free orders left out",
        "check that spend varies between customers: when every customer spends the same, "
        "the spread of spend (p, q) cannot be estimated",
        "look for extreme monetary values (a few huge orders) and how they were recorded",
    )

    def _validate(self, data):
        name = type(self).__name__
        x = pd.to_numeric(data["frequency"]).to_numpy(dtype=float)
        m = pd.to_numeric(data["monetary_value"]).to_numpy(dtype=float)
        check_rule(x != np.round(x), data, "frequency is a whole number", name, "frequency",
                   "frequency counts repeat purchases; make sure it was not averaged or rescaled.")
        check_rule((x > 0) & (m <= 0), data, "monetary_value > 0 when frequency > 0", name,
                   "monetary_value",
                   "Gamma-Gamma models positive spend: leave customers whose repeat purchases "
                   "were free or refunded out of the spend fit (e.g. data[data.monetary_value > 0]).")
        repeat = data[x > 0]
        w = (pd.to_numeric(repeat["weight"]).to_numpy(dtype=float) if "weight" in repeat.columns
             else np.ones(len(repeat)))
        check_weight_total(w, name, who="customers with frequency > 0")
        return repeat

    def _initial(self, table):
        return np.array([1.0, 2.0, float(table["monetary_value"].mean())])

    def _loglik(self, params, arrays):
        p, q, v = params
        x, m = arrays
        px = p * x
        return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
                + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + m * x))

    _compress = False  # spend amounts are continuous: nearly every row is distinct

    def _total(self, params, arrays, w):
        """Weighted log-likelihood and exact gradient from sums over rows that do not change
        with the parameters (cached for the fit) and terms per distinct frequency; only
        log(v + m x) and 1 / (v + m x) are computed per row at each evaluation."""
        p, q, v = params
        x, m = arrays
        (ux,), ix = levels(arrays, 0)

        def data_sums():
            logm = np.log(m)
            return (np.bincount(ix, weights=w, minlength=ux.size), float(w.sum()),
                    float(np.einsum("i,i,i->", w, x, logm)), float(np.einsum("i,i->", w, logm)),
                    w * x)
        wx_level, wsum, s_xlogm, s_logm, wx = memo(arrays, "gamma-gamma sums", data_sums)
        vm = v + m * x
        lvm = np.log(vm)
        inv = 1.0 / vm
        s1, s2 = np.einsum("i,i->", wx, lvm), np.einsum("i,i->", w, lvm)
        s3, s4 = np.einsum("i,i->", wx, inv), np.einsum("i,i->", w, inv)
        pu = p * ux
        total = (wx_level @ (gammaln(pu + q) - gammaln(pu) + pu * np.log(ux))
                 + wsum * (q * np.log(v) - gammaln(q)) + p * s_xlogm - s_logm - p * s1 - q * s2)
        dp = wx_level @ (ux * (digamma(pu + q) - digamma(pu) + np.log(ux))) + s_xlogm - s1
        dq = wx_level @ digamma(pu + q) + wsum * (np.log(v) - digamma(q)) - s2
        dv = wsum * q / v - p * s3 - q * s4
        return total, np.array([dp, dq, dv])

    def _grad(self, params, arrays):
        p, q, v = params
        x, m = arrays
        px = p * x
        lvm = np.log(v + m * x)
        dp = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - lvm)
        dq = digamma(px + q) - digamma(q) + np.log(v) - lvm
        dv = q / v - (px + q) / (v + m * x)
        return np.column_stack([dp, dq, dv])

    def expected_spend(self, data: pd.DataFrame) -> pd.Series:
        """Expected spend per future transaction, per row: a weighted mean of the population mean
        ``p v / (q - 1)`` and the customer's observed ``monetary_value`` (population mean when
        frequency is 0). Needs ``q > 1``."""
        p, q, v = self._p()
        check_columns(data, COLUMNS, type(self).__name__)
        if q <= 1:
            raise DataError(f"GammaGamma: q = {q:.3g} <= 1, so the mean spend is infinite; "
                            "check for extreme monetary values.")
        x = pd.to_numeric(data["frequency"]).to_numpy(dtype=float)
        m = pd.to_numeric(data["monetary_value"]).to_numpy(dtype=float)
        # Zero spend is allowed here (free repeat purchases pull the estimate towards 0), though fit
        # learns only from paying customers; negative, missing or infinite values are not.
        bad = ~np.isfinite(x) | (x < 0) | ((x > 0) & ~(np.isfinite(m) & (m >= 0)))
        if bad.any():
            rows = data.index[bad]
            raise DataError(f"GammaGamma.expected_spend: {int(bad.sum())} row(s) need frequency >= 0 and, when "
                            f"frequency > 0, a finite monetary_value >= 0; first: {list(rows[:5])}.")
        m = np.where(x > 0, m, 0.0)
        return self._series(p * (v + x * m) / (p * x + q - 1), data, "expected_spend")

    def _rates(self, rng, n: int) -> np.ndarray:
        """Each customer's spend rate ``nu ~ Gamma(q, v)``: a purchase of theirs is ``Gamma(p, nu)``."""
        _, q, v = self._p()
        return rng.gamma(q, 1.0 / v, int(n))

    def sample(self, n: int, seed: int | None = 0, frequency=5) -> pd.DataFrame:
        """Simulate ``n`` customers' ``monetary_value`` given ``frequency`` (a number or n values)."""
        p, q, v = self._p()
        rng = np.random.default_rng(seed)
        x = np.broadcast_to(np.asarray(frequency, dtype=float), (int(n),)).copy()
        nu = self._rates(rng, n)
        mean = np.where(x > 0, rng.gamma(np.maximum(p * x, 1e-300), 1.0 / (np.maximum(x, 1) * nu)), 0.0)
        return pd.DataFrame({"frequency": x, "monetary_value": mean},
                            index=pd.RangeIndex(int(n), name="customer_id"))

    def sample_purchases(self, counts, seed=0) -> np.ndarray:
        """The amount of every purchase of customers who make ``counts`` purchases each: one spend
        rate per customer, then ``Gamma(p, nu)`` per purchase; the amounts of customer 0 come first.
        ``seed`` is a seed or a ``numpy.random.Generator`` (drawn from, not copied).

        >>> GammaGamma.from_params(p=6.25, q=3.74, v=15.44).sample_purchases([2, 0, 1], seed=1).shape
        (3,)
        """
        p = self._p()[0]
        rng = np.random.default_rng(seed)
        counts = np.asarray(counts, dtype="int64")
        nu = self._rates(rng, counts.size)
        return rng.gamma(p, 1.0 / np.repeat(nu, counts))
