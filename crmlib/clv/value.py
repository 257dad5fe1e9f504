"""Predicted lifetime value in one call, with the calendar conversions written out.

Reports that need a value per customer (segments, feedback) call :func:`predicted_clv` instead of
fitting and discounting by hand. The horizon is given in days and the discount rate per year; both
are converted to the summary's own time unit with the unit lengths of :mod:`crmlib.summary`
(a week is 7 days, a month 365.2425 / 12 days, a year 365.2425 days).
"""

from __future__ import annotations

import pandas as pd

from crmlib.clv.beta_geo import BetaGeo
from crmlib.clv.gamma_gamma import GammaGamma
from crmlib.exceptions import DataError
from crmlib.summary import UNIT_DAYS

YEAR_DAYS = 365.2425


def periods_and_rate(horizon_days: float, annual_discount: float, freq: str) -> tuple[int, float]:
    """The horizon in whole periods of ``freq`` and the discount rate per period.

    >>> periods_and_rate(365, 0.10, "W")
    (52, 0.0018283...)
    >>> periods_and_rate(365, 0.10, "M")[0]
    12
    """
    if freq not in UNIT_DAYS:
        raise DataError(f"time unit {freq!r} is not one of 'D' (days), 'W' (weeks), 'M' (months).")
    if not annual_discount > -1:
        raise DataError(f"annual_discount must be above -1 (e.g. 0.10 for 10% a year), got {annual_discount!r}.")
    unit = UNIT_DAYS[freq]
    return max(1, round(horizon_days / unit)), (1 + annual_discount) ** (unit / YEAR_DAYS) - 1


def spend_data(summary: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The customers a Gamma-Gamma spend model can learn from, and how many repeat buyers are not.

    Gamma-Gamma needs a positive mean spend per repeat purchase, so repeat buyers whose repeat
    purchases were all free (``monetary_value`` 0) are left out and counted.
    """
    repeat = summary["frequency"] > 0
    free = repeat & (summary["monetary_value"] <= 0)
    return summary[repeat & ~free], int(free.sum())


def predicted_clv(summary: pd.DataFrame, horizon_days: float = 365, annual_discount: float = 0.10,
                  model=None, spend_model=None) -> pd.Series:
    """Discounted value of each customer's purchases over the next ``horizon_days``.

    ``summary`` is an RFM summary from :func:`crmlib.summary.rfm_summary` (it carries its time unit).
    ``model`` (default: BG/NBD) and ``spend_model`` (default: Gamma-Gamma) are fitted here unless
    already fitted ones are passed. The result is named ``clv``; ``attrs["note"]`` says how it was made.
    """
    freq = summary.attrs.get("freq")
    if freq not in UNIT_DAYS:
        raise DataError("predicted_clv needs the summary's time unit in summary.attrs['freq'] "
                        "('D', 'W' or 'M'); make the summary with crmlib.rfm_summary.")
    if freq == "D" and model is None:
        # Value is summed in weekly steps: BG/NBD is unchanged by a change of time unit (only alpha
        # rescales), and 52 steps cost a seventh of 365.
        summary = summary.assign(recency=summary["recency"] / 7, T=summary["T"] / 7)
        summary.attrs["freq"] = freq = "W"
    horizon, rate = periods_and_rate(horizon_days, annual_discount, freq)
    model = model if model is not None else BetaGeo()
    if not hasattr(model, "params_"):
        model.fit(summary)
    paying, free = spend_data(summary)
    spend_model = spend_model if spend_model is not None else GammaGamma()
    if not hasattr(spend_model, "params_"):
        spend_model.fit(paying)
    value = model.customer_lifetime_value(summary, spend_model, horizon=horizon, discount_rate=rate)
    value.attrs["note"] = (f"{type(model).__name__} purchases x {type(spend_model).__name__} spend over the next "
                           f"{horizon} {dict(D='days', W='weeks', M='months')[freq]}, discounted at "
                           f"{annual_discount:.0%} a year"
                           + (f"; {free} repeat buyers with no spend left out of the spend model"
                              if free else ""))
    return value
