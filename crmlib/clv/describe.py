"""Fitted CLV parameters read in plain words, with their units.

:func:`describe` turns a fitted model into two or three sentences a marketer can check against
experience, and :func:`parameter_table` into a small table (parameter, value, 95 % interval,
meaning) for the page. The readings are the means of the mixing distributions of each paper:

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
>>> describe(m, freq="W")[0]
'An active customer buys about once every 18 weeks on average (0.055 purchases a week).'
"""

from __future__ import annotations

import math

import pandas as pd

from crmlib import units
from crmlib.exceptions import DataError

__all__ = ["MODEL_NAMES", "describe", "parameter_table", "readings"]

#: (singular, plural) of each time unit (crmlib.units), and of quarters (cohort periods of the sBG model).
_UNITS = {**{f: (units.name(f, 1), units.name(f)) for f in units.UNIT_NAMES}, "Q": ("quarter", "quarters")}
#: The names the papers give crmlib's models, for prose.
MODEL_NAMES = {"BetaGeo": "BG/NBD", "ModifiedBetaGeo": "MBG/NBD", "ParetoNBD": "Pareto/NBD",
               "BetaGeoBetaBinom": "BG/BB", "GammaGamma": "Gamma-Gamma", "ShiftedBetaGeo": "sBG"}


def _unit(model, freq: str | None) -> tuple[str, str]:
    freq = freq or getattr(model, "freq_", None)
    return _UNITS.get(freq or "", ("period", "periods"))


def _number(x: float) -> str:
    """A round, readable number: 18, 3.4, 0.62."""
    if not math.isfinite(x):
        return "an unbounded number of"
    if abs(x) >= 10:
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 1 else f"{x:.2g}"


def _params(model) -> pd.Series:
    params = getattr(model, "params_", None)
    if params is None:
        raise DataError(f"{type(model).__name__} is not fitted: call fit(data) (or from_params) before "
                        "describing its parameters.")
    return params


def readings(model, freq: str | None = None) -> dict[str, float]:
    """The derived quantities behind :func:`describe`, as numbers (rates per period of ``freq``).

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


def describe(model, freq: str | None = None, currency: str | None = None) -> list[str]:
    """Plain sentences reading a fitted model's parameters, with units.

    ``freq`` ("D", "W", "M") is the time unit the model was fitted in (default: the model's own
    ``freq_``, else "period"); ``currency`` labels Gamma-Gamma spend.

    >>> from crmlib.clv import ShiftedBetaGeo
    >>> describe(ShiftedBetaGeo.from_params(alpha=0.704, beta=1.182), freq=None)[0]
    'About 37% of a cohort leave after the first period.'
    """
    one, many = _unit(model, freq)
    r = readings(model, freq)
    name = type(model).__name__
    if name in ("BetaGeo", "ModifiedBetaGeo", "ParetoNBD"):
        out = [f"An active customer buys about once every {_number(r['periods_between_purchases'])} {many} "
               f"on average ({r['purchase_rate']:.2g} purchases a {one})."]
        if name == "BetaGeo":
            out.append(f"After each repeat purchase about {r['dropout']:.0%} of customers stop buying for good.")
        elif name == "ModifiedBetaGeo":
            out.append(f"After each purchase, the first one included, about {r['dropout']:.0%} of customers stop "
                       "buying for good.")
        else:
            life = (f"an average customer lifetime of about {_number(r['mean_lifetime'])} {many}"
                    if math.isfinite(r["mean_lifetime"]) else
                    f"a median customer lifetime of about {_number(r['median_lifetime'])} {many} (the mean is "
                    "unbounded: a few customers stay for a very long time)")
            out.append(f"Customers stop buying at some point in time, not after a purchase: {life}.")
            if math.isfinite(r["active_after_year"]):
                out.append(f"About {r['active_after_year']:.0%} of customers are still active a year after "
                           "their first purchase.")
        return out
    if name == "GammaGamma":
        money = f"{currency} " if currency else ""
        if not math.isfinite(r["mean_spend"]):
            return ["Spend per purchase varies so much between customers that its mean is unbounded."]
        return [f"A typical purchase is worth about {money}{r['mean_spend']:,.2f} on average across customers; "
                "a customer's own past purchases pull their expected spend towards their own mean."]
    return [f"About {r['first_period_churn']:.0%} of a cohort leave after the first {one}.",
            f"Of those still there, about {1 - r['retention_period_2']:.0%} leave in the second {one} and "
            f"{1 - r['retention_period_5']:.0%} in the fifth: the customers likely to leave go first."]


_MEANING = {
    "r": "shape of the purchase rates across customers",
    "alpha": "scale of the purchase rates ({unit}s)",
    "a": "drop-out chance after a purchase: first shape",
    "b": "drop-out chance after a purchase: second shape",
    "s": "shape of the drop-out rates across customers",
    "beta": "scale of the drop-out rates ({unit}s)",
    "p": "shape of one customer's spend per purchase",
    "q": "shape of the spread of spend between customers",
    "v": "scale of spend between customers (money)",
}
_SBG_MEANING = {"alpha": "churn chance per period: first shape", "beta": "churn chance per period: second shape"}


def parameter_table(model, freq: str | None = None) -> pd.DataFrame:
    """The fitted parameters for a page: ``parameter, estimate, lower, upper, meaning`` (95 % Wald
    intervals when the model was fitted; a dash otherwise), no row numbers."""
    p = _params(model)
    one, _ = _unit(model, freq)
    meaning = _SBG_MEANING if type(model).__name__ == "ShiftedBetaGeo" else _MEANING
    out = pd.DataFrame({"parameter": list(p.index), "estimate": p.to_numpy(dtype=float)})
    try:
        ci = model.confidence_intervals(0.95)
        out["lower"], out["upper"] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
    except (AttributeError, DataError, KeyError):
        out["lower"] = out["upper"] = float("nan")
    out["meaning"] = [meaning.get(k, "").format(unit=one) for k in p.index]
    return out
