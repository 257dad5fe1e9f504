"""Fitted CLV parameters read as the quantities a marketer can check against experience.

:func:`readings` gives the derived numbers (purchase rate, drop-out, mean spend, retention) and
:func:`parameter_table` the estimates with their 95 % intervals; :mod:`crmlib.words.clv` says them
in words, in the page's language (``describe``). The readings are the means of the mixing distributions of each paper:

* **BG/NBD** (Fader, Hardie & Lee 2005, "Counting your customers the easy way", *Marketing
  Science* 24(2)): while active a customer buys at rate ``lambda ~ Gamma(r, alpha)`` (shape r,
  rate alpha), mean ``r / alpha`` purchases per period, so one purchase every ``alpha / r``
  periods; after each purchase they drop out with probability ``p ~ Beta(a, b)``, mean
  ``a / (a + b)``.
* **MBG/NBD** (Batislam, Denizel & Filiztekin 2007): the same parameters, and the drop-out chance
  also applies at time zero, right after the first purchase.
* **Pareto/NBD** (Schmittlein, Morrison & Colombo 1987; Fader & Hardie, "A note on deriving the
  Pareto/NBD model", 2005): purchase rate as above; lifetimes are exponential with rate
  ``mu ~ Gamma(s, beta)``, mean ``s / beta`` per period. The share of customers still active
  ``t`` periods after their first purchase is ``(beta / (beta + t)) ** s`` (Pareto II survival);
  the mean lifetime is ``beta / (s - 1)`` periods when ``s > 1`` (infinite otherwise, so the
  median ``beta * (2 ** (1 / s) - 1)`` is quoted instead).
* **Gamma-Gamma** (Fader, Hardie & Lee 2005, "RFM and CLV", *J. Marketing Research* 42(4), and
  Fader & Hardie's note "The Gamma-Gamma model of monetary value", 2013): a purchase of a customer
  is ``Gamma(p, nu)`` with mean ``p / nu``; ``nu ~ Gamma(q, gamma)`` (crmlib calls gamma ``v``),
  so the mean spend per purchase over customers is ``p * v / (q - 1)`` (for ``q > 1``).
* **sBG** (Fader & Hardie 2007, "How to project customer retention", *J. Interactive Marketing*
  21(1)): each period a customer leaves with probability ``theta ~ Beta(alpha, beta)``; a
  cohort loses ``alpha / (alpha + beta)`` of its members in the first period, and the retention
  rate from period ``t - 1`` to ``t`` is ``(beta + t - 1) / (alpha + beta + t - 1)``, rising
  over time as the customers likely to leave have left.

>>> from crmlib.clv import BetaGeo
>>> m = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)  # CDNOW, FHL 2005
>>> round(readings(m, freq="W")["periods_between_purchases"], 1)
18.2
"""

from __future__ import annotations

import pandas as pd

from crmlib.exceptions import DataError

__all__ = ["MODEL_NAMES", "parameter_table", "readings"]

#: The names the papers give crmlib's models, for prose.
MODEL_NAMES = {"BetaGeo": "BG/NBD", "ModifiedBetaGeo": "MBG/NBD", "ParetoNBD": "Pareto/NBD",
               "BetaGeoBetaBinom": "BG/BB", "GammaGamma": "Gamma-Gamma", "ShiftedBetaGeo": "sBG"}



def _params(model) -> pd.Series:
    params = getattr(model, "params_", None)
    if params is None:
        raise DataError(f"{type(model).__name__} is not fitted: call fit(data) (or from_params) before "
                        "describing its parameters.")
    return params


def readings(model, freq: str | None = None) -> dict[str, float]:
    """The derived quantities behind :func:`crmlib.words.clv.describe`, as numbers (rates per period of ``freq``).

    Keys by model: BG/NBD and MBG/NBD ``purchase_rate``, ``periods_between_purchases``,
    ``dropout``; Pareto/NBD ``purchase_rate``, ``periods_between_purchases``, ``dropout_rate``,
    ``mean_lifetime`` (inf when s <= 1), ``median_lifetime``, ``active_after_year``; Gamma-Gamma
    ``mean_spend``; sBG ``first_period_churn``, ``retention_period_2``, ``retention_period_5``.

    >>> from crmlib.clv import GammaGamma
    >>> round(readings(GammaGamma.from_params(p=6.25, q=3.74, v=15.44))["mean_spend"], 2)
    35.22
    """
    return {k: float(v) for k, v in _readings(_params(model), type(model).__name__, freq, model).items()}


def _readings(p: pd.Series, name: str, freq: str | None, model) -> dict[str, float]:
    if name in ("BetaGeo", "ModifiedBetaGeo"):
        rate = p["r"] / p["alpha"]
        return {"purchase_rate": rate, "periods_between_purchases": 1 / rate,
                "dropout": p["a"] / (p["a"] + p["b"])}
    if name == "ParetoNBD":
        rate, death = p["r"] / p["alpha"], p["s"] / p["beta"]
        year = {"D": 365.25, "W": 52.18, "M": 12.0}.get(freq or getattr(model, "freq_", None) or "", float("nan"))
        return {"purchase_rate": rate, "periods_between_purchases": 1 / rate, "dropout_rate": death,
                "mean_lifetime": p["beta"] / (p["s"] - 1) if p["s"] > 1 else float("inf"),
                "median_lifetime": p["beta"] * (2 ** (1 / p["s"]) - 1),
                "active_after_year": (p["beta"] / (p["beta"] + year)) ** p["s"]}
    if name == "GammaGamma":
        return {"mean_spend": p["p"] * p["v"] / (p["q"] - 1) if p["q"] > 1 else float("inf")}
    if name == "ShiftedBetaGeo":
        a, b = p["alpha"], p["beta"]
        return {"first_period_churn": a / (a + b), "retention_period_2": (b + 1) / (a + b + 1),
                "retention_period_5": (b + 4) / (a + b + 4)}
    raise DataError(f"No plain-language reading for {name}; crmlib describes BetaGeo, ModifiedBetaGeo, "
                    "ParetoNBD, GammaGamma and ShiftedBetaGeo.")


def parameter_table(model, freq: str | None = None) -> pd.DataFrame:
    """The fitted parameters as numbers: ``parameter, estimate, lower, upper`` (95 % Wald intervals
    when the model was fitted; missing otherwise), no row numbers. What each parameter measures is
    said in words by :func:`crmlib.words.clv.parameter_table`."""
    p = _params(model)
    out = pd.DataFrame({"parameter": list(p.index), "estimate": p.to_numpy(dtype=float)})
    try:
        ci = model.confidence_intervals(0.95)
        out["lower"], out["upper"] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
    except (AttributeError, DataError, KeyError):
        out["lower"] = out["upper"] = float("nan")
    return out
