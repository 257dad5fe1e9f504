"""The share of new customers a fitted transaction model expects to be still active (not yet
dropped out for good) some time after their first purchase.

This is the non-contractual counterpart of the sBG retention curve: a customer who does not buy
in a month has not left; the model says how many of a cohort are still "alive" at each age.

* **BG/NBD**: a customer with purchase rate ``lambda`` who drops out after each repeat purchase with
  probability ``p`` meets a drop-out chance at rate ``lambda``, so is alive at age ``t`` with
  probability ``exp(-lambda p t)``. Over ``lambda ~ Gamma(r, alpha)`` and ``p ~ Beta(a, b)``:
  ``S(t) = E_p[(alpha / (alpha + p t)) ** r]`` (Fader, Hardie & Lee 2005, section 3).
* **MBG/NBD**: the customer may also drop out at the first purchase:
  ``S(t) = E_p[(1 - p) (alpha / (alpha + p t)) ** r] = b / (a + b) * E_{Beta(a, b + 1)}[...]``.
* **Pareto/NBD**: lifetimes are exponential with rate ``mu ~ Gamma(s, beta)``:
  ``S(t) = (beta / (beta + t)) ** s``.

>>> from crmlib.clv import ParetoNBD
>>> m = ParetoNBD.from_params(r=0.55, alpha=10.58, s=0.61, beta=11.67)
>>> round(float(alive_share(m, 52.0)[0]), 3)
0.355
"""

from __future__ import annotations

import numpy as np

from crmlib.clv._data import beta_expectation
from crmlib.exceptions import DataError

__all__ = ["alive_share"]


def alive_share(model, t) -> np.ndarray:
    """Share of new customers still active ``t`` periods (the model's time unit) after their first
    purchase, under a fitted BG/NBD, MBG/NBD or Pareto/NBD model; 1 at ``t = 0`` (BG/NBD,
    Pareto/NBD) or ``b / (a + b)`` (MBG/NBD, which allows drop-out at the first purchase)."""
    model._check_fitted()
    t = np.atleast_1d(np.asarray(t, dtype=float))
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise DataError("alive_share: times must be finite and >= 0.")
    p = model.params_
    name = type(model).__name__
    if name == "ParetoNBD":
        return (p["beta"] / (p["beta"] + t)) ** p["s"]
    if name not in ("BetaGeo", "ModifiedBetaGeo"):
        raise DataError(f"alive_share knows BetaGeo, ModifiedBetaGeo and ParetoNBD, not {name}.")
    r, alpha, a, b = (float(p[k]) for k in ("r", "alpha", "a", "b"))
    shift = 1 if name == "ModifiedBetaGeo" else 0
    mean = beta_expectation(a, np.full(t.shape, b + shift),
                            lambda q, rows: (alpha / (alpha + q * t[rows, None])) ** r)
    return mean * (b / (a + b) if shift else 1.0)
