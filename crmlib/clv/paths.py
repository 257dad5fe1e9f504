"""Quantities over time: BG/BB's first n periods, P(alive) paths, cohort cumulative purchases,
and the probability of n purchases in a customer's future.

* :func:`bgbb_first_n_periods`: the distribution, mean and variance of the number of
  transactions in the first ``n`` opportunities of a BG/BB customer (Fader, Hardie & Shang 2010,
  eqs. 7 and 9); the mean also in closed form (:func:`bgbb_expected_transactions`).
* :func:`alive_path`: P(alive) of one customer at every age since their first purchase, the
  history growing as it happened (lifetimes' ``calculate_alive_path``).
* :func:`cumulative_transactions`: actual and expected cumulative repeat purchases of a cohort
  period by period, customers entering at their first purchase (lifetimes'
  ``expected_cumulative_transactions``).
* :func:`conditional_probability_of_n_purchases`: P(n purchases in (T, T + t] | history) for
  BG/NBD, MBG/NBD and Pareto/NBD. A customer alive at T is a new customer of the same model with
  updated parameters (BG/NBD: ``r + x, alpha + T, a, b + x``, MBG/NBD ``b + x + 1`` and no drop
  at the start; Pareto/NBD: ``r + x, alpha + T, s, beta + T``), so the answer is
  ``P(alive) P_updated(X(t) = n) + (1 - P(alive)) [n = 0]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaln

from crmlib import units
from crmlib.clv.beta_geo import BetaGeo
from crmlib.clv.beta_geo_beta_binom import BetaGeoBetaBinom
from crmlib.clv.pareto_nbd import ParetoNBD
from crmlib.exceptions import DataError


def _whole(n, name: str) -> int:
    if not (float(n) == int(n) and int(n) >= 0):
        raise DataError(f"{name}: n counts opportunities and must be a whole number >= 0, got {n!r}.")
    return int(n)


def bgbb_expected_transactions(model: BetaGeoBetaBinom, n) -> float:
    """E[X(n)], FHS (2010) eq. 9: alpha/(alpha+beta) * delta/(gamma-1) *
    [1 - Gamma(gamma+delta) Gamma(1+delta+n) / (Gamma(gamma+delta+n) Gamma(1+delta))]."""
    al, be, ga, de = model._p()
    n = _whole(n, "bgbb_expected_transactions")
    ratio = np.exp(gammaln(ga + de) + gammaln(1 + de + n) - gammaln(ga + de + n) - gammaln(1 + de))
    return float(al / (al + be) * de / (ga - 1) * (1 - ratio))


def bgbb_first_n_periods(model: BetaGeoBetaBinom, n, customers: float = 1.0) -> pd.DataFrame:
    """P(X(n) = x) for x = 0..n as a column ``probability``, and ``expected_customers`` =
    ``customers`` times it (the in-sample fit table of FHS 2010, fig. 3). ``attrs`` hold the
    ``mean`` and ``variance`` of X(n), exact sums over the n + 1 values."""
    if not isinstance(model, BetaGeoBetaBinom):
        raise DataError(f"bgbb_first_n_periods needs a BetaGeoBetaBinom model, not {type(model).__name__}.")
    n = _whole(n, "bgbb_first_n_periods")
    x = np.arange(n + 1)
    p = model.probability_of_n_purchases(n, x)
    p = np.atleast_1d(p)
    out = pd.DataFrame({"probability": p, "expected_customers": customers * p},
                       index=pd.Index(x, name="frequency"))
    mean = float(x @ p)
    out.attrs.update(mean=mean, variance=float((x - mean) ** 2 @ p), n=n)
    return out


def _history_frame(model, frequency, recency, T) -> pd.DataFrame:
    data = pd.DataFrame({"frequency": np.atleast_1d(np.asarray(frequency, dtype=float)),
                         "recency": np.atleast_1d(np.asarray(recency, dtype=float)),
                         "T": np.atleast_1d(np.asarray(T, dtype=float))})
    freq = getattr(model, "freq_", None)
    if freq:
        data.attrs["freq"] = freq
    return data


def alive_path(model, times, T) -> pd.Series:
    """P(alive) of one customer at ages 0, 1, ..., floor(T) since the first purchase, each
    computed from the history up to that age.

    ``times``: the ages (in the model's time unit) of the customer's purchase periods, the first
    at 0 (e.g. purchase days divided by 7 for a weekly model). The Series is indexed by age.
    """
    times = np.sort(np.asarray(times, dtype=float))
    if times.size == 0 or times[0] != 0 or np.any(times > T):
        raise DataError("alive_path: times are the ages of the purchases since the first one, so they "
                        f"start at 0 and lie within T={T!r}; got {times[:5].tolist()}.")
    ages = np.arange(int(np.floor(T)) + 1, dtype=float)
    made = np.searchsorted(times, ages, side="right")  # purchases made by each age
    frequency = made - 1
    recency = times[made - 1]
    data = _history_frame(model, frequency, recency, ages)
    return pd.Series(model.probability_alive(data).to_numpy(), index=pd.Index(ages, name="age"),
                     name="probability_alive")


def cumulative_transactions(model, births, repeats, t: int, step: float = 1.0) -> pd.DataFrame:
    """Actual and expected cumulative repeat purchases of a cohort at steps 0..t-1.

    ``births``: each customer's first purchase, in model time units since the start of the log;
    ``repeats``: the times of all repeat purchases, same clock. Step ``i`` is the time
    ``i * step``; ``actual`` counts repeat purchases made by then and ``predicted`` sums, over the
    customers born by then, the expected repeat purchases of a new customer of that age.
    """
    births = np.asarray(births, dtype=float)
    repeats = np.sort(np.asarray(repeats, dtype=float))
    when = np.arange(int(t)) * float(step)
    actual = np.searchsorted(repeats, when, side="right").astype(float)
    predicted = np.empty(when.size)
    born = np.sort(births)
    for i, now in enumerate(when):
        ages = now - born[: np.searchsorted(born, now, side="right")]
        predicted[i] = float(np.sum(model.expected_purchases_new_customer(ages))) if ages.size else 0.0
    return pd.DataFrame({"actual": actual, "predicted": predicted}, index=pd.Index(np.arange(int(t)), name="period"))


def _updated(model, x: float, T: float):
    """The model of a customer alive at ``T`` after ``x`` repeat purchases, as a new customer."""
    p = model.params_
    if isinstance(model, BetaGeo):
        return BetaGeo.from_params(r=p["r"] + x, alpha=p["alpha"] + T, a=p["a"], b=p["b"] + x + model._shift)
    if isinstance(model, ParetoNBD):
        return ParetoNBD.from_params(r=p["r"] + x, alpha=p["alpha"] + T, s=p["s"], beta=p["beta"] + T)
    raise DataError(f"conditional_probability_of_n_purchases is for BetaGeo, ModifiedBetaGeo and ParetoNBD, "
                    f"not {type(model).__name__}.")


def conditional_probability_of_n_purchases(model, t, n, frequency, recency, T) -> np.ndarray:
    """P(exactly ``n`` purchases in the next ``t`` time units | frequency, recency, T), per
    customer (arrays broadcast together); see the module docstring for the formula."""
    x, tx, TT, tt, nn = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T, t, n)))
    alive = model.probability_alive(_history_frame(model, x.ravel(), tx.ravel(), TT.ravel())).to_numpy()
    shape, x, TT, tt, nn = x.shape, x.ravel(), TT.ravel(), tt.ravel(), nn.ravel()
    future = np.empty(x.size)
    histories, which = np.unique(np.stack([x, TT], axis=1), axis=0, return_inverse=True)
    for k, (xk, Tk) in enumerate(histories):  # one updated model per history, all its (t, n) at once
        rows = np.flatnonzero(which.ravel() == k)
        future[rows] = _updated(model, xk, Tk).probability_of_n_purchases(tt[rows], nn[rows])
    return (alive * future + (1 - alive) * (nn == 0)).reshape(shape)


def ages_in_unit(dates: pd.Series, start, freq: str) -> np.ndarray:
    """Days from ``start`` to each date (calendar days, times of day dropped), in units of ``freq``."""
    days = (pd.to_datetime(dates).dt.normalize() - pd.Timestamp(start).normalize()).dt.days.to_numpy(float)
    return days / units.days(freq)
