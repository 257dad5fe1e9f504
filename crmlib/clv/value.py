"""Predicted lifetime value in one call, with the calendar conversions written out.

Reports do not fit and discount by hand: :func:`crmlib.customer_table` chooses the model and
values every customer with :func:`discounted_purchases`, as :func:`predicted_clv` does. The
horizon is given in days and the discount rate per year; both are converted to the summary's own
time unit with the unit lengths of :mod:`crmlib.units` (a week is 7 days, a month 365.2425 / 12
days, a year 365.2425 days).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.clv._data import UNIT_NAMES, group_rows, levels
from crmlib.clv.beta_geo import BetaGeo
from crmlib.clv.gamma_gamma import GammaGamma
from crmlib.exceptions import DataError
from crmlib.units import UNIT_DAYS, YEAR_DAYS, periods, rate_per_period  # noqa: F401  (YEAR_DAYS kept importable here)


def periods_and_rate(horizon_days: float, annual_discount: float, freq: str) -> tuple[int, float]:
    """The horizon in whole periods of ``freq`` and the discount rate per period.

    >>> periods_and_rate(365, 0.10, "W")
    (52, 0.0018283...)
    >>> periods_and_rate(365, 0.10, "M")[0]
    12
    """
    rate = rate_per_period(annual_discount, freq)
    return periods(horizon_days, freq), rate


def spend_data(summary: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The customers a Gamma-Gamma spend model can learn from, and how many repeat buyers are not.

    Gamma-Gamma needs a positive mean spend per repeat purchase, so repeat buyers whose repeat
    purchases were all free (``monetary_value`` 0) are left out and counted (a row with a
    ``weight`` counts that many customers).
    """
    repeat = summary["frequency"] > 0
    free = repeat & (summary["monetary_value"] <= 0)
    count = summary["weight"][free].sum() if "weight" in summary.columns else free.sum()  # distinct rows
    return summary[repeat & ~free], int(count)


def valuation_steps(horizon_days: float, annual_discount: float, freq: str) -> tuple[int, float, float]:
    """How a value over ``horizon_days`` is summed for data in ``freq``: the number of steps, the
    length of a step in periods of ``freq`` and the discount rate per step. Days and hours go in weeks.

    >>> valuation_steps(365, 0.10, "D")[:2], valuation_steps(365, 0.10, "M")[:2]
    ((52, 7.0), (12, 1.0))
    """
    step = "W" if freq in ("H", "D") else freq
    steps, rate = periods_and_rate(horizon_days, annual_discount, step)
    return steps, UNIT_DAYS[step] / UNIT_DAYS[freq], rate


#: Histories valued at once (their steps x histories matrices bound the memory).
HISTORY_BLOCK = 65536


def discounted_purchases(model, data: pd.DataFrame, horizon_days: float = 365,
                         annual_discount: float = 0.10) -> pd.Series:
    """Expected purchases over the next ``horizon_days``, each discounted to today.

    Purchases expected in step ``k`` (from ``k - 1`` to ``k`` steps ahead) are discounted by
    ``(1 + rate) ** -k``. A step is one period of the data's time unit (``data.attrs['freq']``),
    except for days: a daily summary is valued in weekly steps (a week is 7 of its days), which
    costs a seventh of 365 daily steps and changes the value by well under 1%. ``attrs`` hold
    ``horizon`` (in the data's unit: 364 days, 52 weeks or 12 months for a year), ``rate`` (per
    period of the data's unit) and ``step`` ("W" for daily data, else the data's unit).

    >>> from crmlib.clv import BetaGeo
    >>> bg = BetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5)
    >>> data = bg.sample(5, seed=1, T=39.0)
    >>> data.attrs["freq"] = "W"
    >>> value = discounted_purchases(bg, data, horizon_days=364, annual_discount=0.0)
    >>> bool(np.allclose(value, bg.expected_purchases(52, data))), value.attrs["horizon"]
    (True, 52.0)
    """
    freq = data.attrs.get("freq") or getattr(model, "freq_", None)
    if freq not in UNIT_DAYS:
        raise DataError("discounted_purchases needs the data's time unit in data.attrs['freq'] "
                        "('D', 'W' or 'M'); make the summary with crmlib.rfm_summary.")
    steps, length, step_rate = valuation_steps(horizon_days, annual_discount, freq)
    value = _discounted_histories(model, data, np.arange(1, steps + 1) * length, step_rate)
    out = pd.Series(value, index=data.index, name="discounted_purchases")
    out.attrs.update(horizon=steps * length, rate=periods_and_rate(horizon_days, annual_discount, freq)[1],
                     step="W" if freq == "D" else freq)
    return out


def _discounted_histories(model, data: pd.DataFrame, ends: np.ndarray, step_rate: float) -> np.ndarray:
    """Discounted purchases per row, the steps ending at ``ends``. Expected purchases are computed
    once per distinct history (frequency, recency, T): P(alive) once per history times the mean of a
    live customer at every step end, once per distinct (frequency, T) (:func:`live_steps`), as the
    model's ``expected_purchases`` multiplies them."""
    arrays = [pd.to_numeric(data[c]).to_numpy(dtype=float) for c in ("frequency", "recency", "T")]
    if len(data) == 0:
        return np.zeros(0)
    codes, first = group_rows(arrays)
    histories = pd.DataFrame({c: a[first] for c, a in zip(("frequency", "recency", "T"), arrays)})
    histories.attrs["freq"] = data.attrs.get("freq")
    factored = is_factored(model)
    if factored:
        model._check_input(histories, points=True)
        model._check_freq(histories)
        x, tx, T = (histories[c].to_numpy() for c in ("frequency", "recency", "T"))
        with np.errstate(all="ignore"):
            alive = model._p_alive(model._p(), x, tx, T)
        live, pair = live_steps(model, x, T, ends)
    discount = (1.0 + step_rate) ** -np.arange(1, len(ends) + 1)
    value = np.empty(len(histories))
    # a block of histories at a time: steps x histories matrices of a block, not of all (52 x 1.2M histories
    # held three times was 1.3 GB at 4M customers); each history's sum is its own, so the numbers are the same
    block = HISTORY_BLOCK if factored else max(len(histories), 1)  # covariate models: one block
    for start in range(0, len(histories), block):
        rows = slice(start, start + block)
        cumulative = (alive[rows] * live[:, pair[rows]] if factored
                      else _stacked_expectations(model, histories.iloc[rows], ends))
        value[rows] = discount @ np.diff(cumulative, axis=0, prepend=0.0)
    return value[codes]


def is_factored(model) -> bool:
    """Whether the model's expected purchases are P(alive) x the mean of a live customer (``_live``)
    for one set of parameters (BG/NBD, MBG/NBD, Pareto/NBD; not the covariate models)."""
    from crmlib.clv._covariates import CovariateModel

    return hasattr(model, "_live") and not isinstance(model, CovariateModel)


def live_steps(model, x: np.ndarray, T: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean purchases of a live customer by each of ``ends`` (rows), per distinct (x, T) pair
    (columns), at the fitted parameters, and each history's pair: ``live[:, pair]``."""
    (ux, uT), pair = levels([x, T], 0, 1)
    n = ux.size
    with np.errstate(all="ignore"):
        live = model._live(model._p(), np.tile(ux, len(ends)), np.tile(uT, len(ends)), np.repeat(ends, n))
    return live.reshape(len(ends), n), pair


def _stacked_expectations(model, histories: pd.DataFrame, ends: np.ndarray) -> np.ndarray:
    """``model.expected_purchases`` by each of ``ends`` (rows) per history (columns), for all steps in
    one call per block of steps (a call costs about the same for one step as for many)."""
    n = len(histories)
    cumulative = np.empty((len(ends), n))
    block = max(1, 2_000_000 // n)  # at most about two million rows per call
    for start in range(0, len(ends), block):
        t = ends[start:start + block]
        stacked = histories.iloc[np.tile(np.arange(n), len(t))].reset_index(drop=True)
        stacked.attrs = histories.attrs
        expected = model.expected_purchases(np.repeat(t, n), stacked).to_numpy()
        cumulative[start:start + len(t)] = expected.reshape(len(t), n)
    return cumulative


def value_note(model, spend_model, horizon: float, freq: str, annual_discount: float, free: int = 0) -> str:
    """How a lifetime value was made, in one sentence (without a full stop)."""
    steps = " in weekly steps" if freq == "D" else ""
    return (f"{type(model).__name__} purchases x {type(spend_model).__name__} spend over the next "
            f"{horizon:g} {UNIT_NAMES[freq]}{steps}, discounted at {annual_discount:.0%} a year"
            + (f"; {free} repeat buyer{'s' if free != 1 else ''} with no spend left out of the spend model"
               if free else ""))


def predicted_clv(summary: pd.DataFrame, horizon_days: float = 365, annual_discount: float = 0.10,
                  model=None, spend_model=None) -> pd.Series:
    """Discounted value of each customer's purchases over the next ``horizon_days``.

    ``summary`` is an RFM summary from :func:`crmlib.summary.rfm_summary` (it carries its time unit).
    ``model`` (default: BG/NBD) and ``spend_model`` (default: Gamma-Gamma) are fitted here unless
    already fitted ones are passed. The result is named ``clv``; ``attrs["note"]`` says how it was made.
    Reports do not call this with the defaults: :func:`crmlib.customer_table` chooses the model
    (lowest BIC of those that can be fitted) and never uses one that could not be fitted.
    """
    freq = summary.attrs.get("freq")
    if freq not in UNIT_DAYS:
        raise DataError("predicted_clv needs the summary's time unit in summary.attrs['freq'] "
                        "('D', 'W' or 'M'); make the summary with crmlib.rfm_summary.")
    if freq == "D" and model is None:
        # BG/NBD is unchanged by a change of time unit (only alpha rescales): fit it in weeks.
        summary = summary.assign(recency=summary["recency"] / 7, T=summary["T"] / 7)
        summary.attrs["freq"] = freq = "W"
    model = model if model is not None else BetaGeo()
    if not hasattr(model, "params_"):
        model.fit(summary)
    paying, free = spend_data(summary)
    spend_model = spend_model if spend_model is not None else GammaGamma()
    if not hasattr(spend_model, "params_"):
        spend_model.fit(paying)
    purchases = discounted_purchases(model, summary, horizon_days, annual_discount)
    value = (purchases * spend_model.expected_spend(summary)).rename("clv")
    value.attrs = {"note": value_note(model, spend_model, purchases.attrs["horizon"], freq, annual_discount,
                                      free)}
    return value
