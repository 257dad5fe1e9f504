"""Intervals on each customer's P(alive), expected purchases and lifetime value, from the
uncertainty of the fitted parameters.

**Method: draws from the asymptotic distribution, not a bootstrap.** A maximum-likelihood fit
gives the estimates and the inverse Hessian of the log-likelihood, the covariance of the
log-parameters (the scale the optimiser works on). The parameters are drawn from that normal
distribution on the log scale (:meth:`BaseModel.parameter_draws`, so every draw is positive), each
customer's quantity is computed at every draw, and the interval is the ``(1 - level) / 2`` and
``(1 + level) / 2`` quantiles over the draws. The spend model's parameters are drawn the same
way, independently (its likelihood is a separate one, as in Fader, Hardie & Lee's RFM-CLV model).
A bootstrap over customers (CLVTools) would refit the model a few hundred times; a draw costs one
evaluation of the predictions instead, and on the customer counts of a report (thousands and up)
the likelihood is close to normal on the log scale, which the coverage test checks.

**What the interval covers.** Only the uncertainty of the parameters: where the customer's
*expected* purchases, P(alive) and value would lie had the population's parameters been known.
It is not a prediction interval for what the customer will actually buy: a customer's own
purchases scatter around their expectation (Poisson noise, dropping out or not) far more widely
than that, and that scatter is not in these intervals. The intervals are narrow when the base is
large, and they say nothing about whether the model itself is right (check that with a holdout,
:mod:`crmlib.clv.validation`).

**Cost.** Each draw is evaluated on the distinct histories ``(frequency, recency, T)``, as the fit
compresses them, and the mean purchases of a live customer on the distinct ``(frequency, T)``
pairs (these models factor as P(alive | history) x E[purchases | alive, frequency, T]), so the
cost grows with the distinct histories, not with customers; only the value, whose spend part
depends on each customer's own ``monetary_value``, is evaluated per distinct (history, spend).
The discounting of the value over the horizon is summed step by step at the estimates; in every
draw it multiplies the purchases over the horizon by the same ratio per (frequency, T) (the
timing of purchases within the horizon barely moves with the parameters: the ratio is a
weighted mean of the discount factors, all between ``(1 + rate) ** -horizon`` and 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.clv._data import beta_expectation, group_rows, levels
from crmlib.clv.beta_geo import BetaGeo, _h
from crmlib.clv.value import is_factored, live_steps
from crmlib.exceptions import DataError
from crmlib.units import UNIT_DAYS

__all__ = ["NO_STANDARD_ERRORS", "UNBOUNDED_SPEND", "ValueIntervals", "interval_obstacle", "purchase_intervals",
           "value_bounds", "value_intervals", "value_intervals_or_reason"]

HISTORY = ("frequency", "recency", "T")
#: Customers per block of the value's quantiles (bounded memory: block x draws floats).
_BLOCK = 32768
#: Histories per block of the quantiles and products of P(alive) and expected purchases over the draws.
_HISTORY_BLOCK = 32768
#: Why a report's value has no intervals (:func:`interval_obstacle`; said in words by crmlib.words.clv):
#: a fitted model without a covariance (a penalised fit whose parameters the penalty holds) ...
NO_STANDARD_ERRORS = "no_standard_errors"
#: ... or a spend model whose draws allow an unbounded mean spend (q <= 1).
UNBOUNDED_SPEND = "unbounded_spend"
#: Gauss-Jacobi nodes of the BG/NBD expectation at each draw (:func:`_draw_live_mean`).
_NODES = 32


@dataclass
class ValueIntervals:
    """Result of :func:`value_intervals`.

    ``customers``: one row per customer (the table's index), columns ``p_alive``,
    ``expected_purchases``, ``clv`` (the table's own estimates) and ``<column>_lower``,
    ``<column>_upper``. ``totals``: rows ``p_alive`` (expected number of customers alive),
    ``expected_purchases`` and ``clv`` of the whole base, columns ``estimate, lower, upper``.
    """

    customers: pd.DataFrame
    totals: pd.DataFrame
    level: float
    draws: int


def _check(level: float, draws: int) -> tuple[float, float]:
    if not 0 < level < 1:
        raise DataError(f"level must be between 0 and 1 (e.g. 0.9 for a 90% interval), got {level!r}.")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 16:
        raise DataError(f"draws must be a whole number >= 16 (128 or more for stable 90% intervals), got {draws!r}.")
    return (1 - level) / 2, (1 + level) / 2


def _histories(data: pd.DataFrame):
    arrays = [pd.to_numeric(data[c]).to_numpy(dtype=float) for c in HISTORY]
    codes, first = group_rows(arrays)
    return codes, [a[first] for a in arrays]


def _live_mean(model, params, x, T, t):
    """E[purchases in t | alive, frequency x, age T]: the model's conditional expectation at
    recency T (where P(alive) is largest, never small) divided by that P(alive)."""
    return model._conditional(params, x, T, T, t) / model._p_alive(params, x, T, T)


def _draw_live_mean(model, params, x, T, t):
    """:func:`_live_mean` as evaluated at each draw. For BG/NBD and MBG/NBD the expectation over
    the dropout probability is taken with a 32-node Gauss-Jacobi rule instead of the model's 96
    (a rule per distinct frequency and draw is the main cost; the integrand is smooth in p, and
    32 nodes agree with 96 to 1e-9 relative on the published fits, see the tests)."""
    if isinstance(model, BetaGeo):
        r, alpha, a, b = params
        shape, scale = r + x, alpha + T
        return beta_expectation(a, b + x + model._shift,
                                lambda p, rows: _h(p, scale[rows], shape[rows], t[rows]), nodes=_NODES)
    return _live_mean(model, params, x, T, t)


def _alive_draws(model, params: np.ndarray, x, tx, T) -> np.ndarray:
    """P(alive) of each history (columns) at each row of ``params`` (rows)."""
    alive = np.empty((len(params), x.size))
    with np.errstate(all="ignore"):
        for d, p in enumerate(params):
            alive[d] = model._p_alive(p, x, tx, T)
    return alive


def _live_draws(model, params: np.ndarray, x, T, t: float):
    """The live mean over ``t`` per distinct (x, T) pair (columns) at each row of ``params`` (rows), each
    history's pair, and the pairs."""
    (ux, uT), pair = levels([x, T], 0, 1)
    tt = np.full(ux.size, float(t))
    live = np.empty((len(params), ux.size))
    with np.errstate(all="ignore"):
        for d, p in enumerate(params):
            live[d] = _draw_live_mean(model, p, ux, uT, tt)
    return live, pair, (ux, uT)


def _purchase_draws(model, draws: np.ndarray, x, tx, T, t: float):
    """P(alive) per history and the live mean over ``t`` per (x, T) pair, for every draw."""
    live, pair, pairs = _live_draws(model, draws, x, T, t)
    return _alive_draws(model, draws, x, tx, T), live, pair, pairs


def _check_model(model) -> None:
    if not all(hasattr(model, m) for m in ("_conditional", "_p_alive", "parameter_draws")) or model.discrete:
        raise DataError(f"customer intervals are computed for BetaGeo, ModifiedBetaGeo and ParetoNBD; "
                        f"not {type(model).__name__}.")
    model.check_fitted()


def purchase_intervals(model, data: pd.DataFrame, t: float, *, level: float = 0.9, draws: int = 128,
                       seed: int | None = 0) -> pd.DataFrame:
    """P(alive) and expected purchases in the next ``t`` time units per customer, each with an
    interval at ``level`` from the uncertainty of ``model``'s fitted parameters (only: not the
    customer's own Poisson noise; see the module docstring).

    Columns ``p_alive``, ``p_alive_lower``, ``p_alive_upper``, ``expected_purchases``,
    ``expected_purchases_lower``, ``expected_purchases_upper``; ``attrs["totals"]`` holds the sums
    over customers (expected number alive, total expected purchases) with their intervals.

    >>> from crmlib.clv import BetaGeo
    >>> data = BetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5).sample(2000, seed=1, T=39.0)
    >>> out = purchase_intervals(BetaGeo().fit(data), data.head(3), 52)
    >>> bool((out["expected_purchases_lower"] <= out["expected_purchases"]).all())
    True
    """
    lo, hi = _check(level, draws)
    _check_model(model)
    model._check_input(data, points=True)
    model._check_freq(data)
    codes, (x, tx, T) = _histories(data)
    theta = model.parameter_draws(draws, seed).to_numpy()
    alive, live, pair, _ = _purchase_draws(model, np.vstack([model._p(), theta]), x, tx, T, t)
    expected = alive * live[:, pair]
    w = np.bincount(codes, minlength=x.size).astype(float)
    out = {}
    totals = {}
    for name, values in (("p_alive", alive), ("expected_purchases", expected)):
        q = np.quantile(values[1:], [lo, hi], axis=0)
        out[name], out[f"{name}_lower"], out[f"{name}_upper"] = values[0][codes], q[0][codes], q[1][codes]
        sums = values @ w
        totals[name] = [sums[0], *np.quantile(sums[1:], [lo, hi])]
    frame = pd.DataFrame(out, index=data.index)
    frame.attrs["totals"] = totals
    return frame


def _discount_ratio(model, ux, uT, steps: int, length: float, step_rate: float) -> np.ndarray:
    """Discounted purchases over ``steps`` steps of ``length`` per purchase over the whole
    horizon, of a live customer with (x, T), at the estimates (as crmlib.clv.value sums them)."""
    ends = np.arange(1, steps + 1) * length
    if is_factored(model):
        cumulative = live_steps(model, ux, uT, ends)[0]  # the pairs are distinct: in their order
    else:
        n = ux.size
        with np.errstate(all="ignore"):
            cumulative = _live_mean(model, model._p(), np.tile(ux, steps), np.tile(uT, steps),
                                    np.repeat(ends, n)).reshape(steps, n)
    increments = np.diff(cumulative, axis=0, prepend=0.0)
    discounted = (1.0 + step_rate) ** -np.arange(1, steps + 1) @ increments
    total = cumulative[-1]
    return np.where(total > 0, discounted / np.where(total > 0, total, 1.0), 1.0)


def _valuation(table: pd.DataFrame, horizon_days, annual_discount):
    """(horizon in periods, steps, step length in periods, rate per step) of the table's value."""
    freq = table.attrs.get("freq")
    if freq not in UNIT_DAYS:
        raise DataError("value_intervals needs the table's time unit in attrs['freq'] ('D', 'W' or 'M'): "
                        "pass the table crmlib.customer_table returns.")
    step = "W" if freq in ("H", "D") else freq
    length = UNIT_DAYS[step] / UNIT_DAYS[freq]
    if horizon_days is not None or annual_discount is not None:
        from crmlib.clv.value import valuation_steps
        steps, length, step_rate = valuation_steps(365 if horizon_days is None else horizon_days,
                                                   0.10 if annual_discount is None else annual_discount, freq)
        return steps * length, steps, length, step_rate
    if "horizon" not in table.attrs or "rate" not in table.attrs:
        raise DataError("value_intervals needs the horizon and discount rate of the table's value: pass the "
                        "table crmlib.customer_table returns, or horizon_days and annual_discount.")
    horizon, rate = float(table.attrs["horizon"]), float(table.attrs["rate"])
    steps = int(round(horizon / length))
    return horizon, steps, length, (1.0 + rate) ** length - 1.0


def value_intervals(table: pd.DataFrame, model=None, spend_model=None, *, level: float = 0.9,
                    draws: int = 128, seed: int | None = 0, horizon_days: float | None = None,
                    annual_discount: float | None = None) -> ValueIntervals:
    """Intervals at ``level`` on every customer's P(alive), expected purchases and lifetime value,
    and on the totals of the base, from the uncertainty of the fitted parameters only (not the
    customer's own Poisson noise; see the module docstring).

    ``table`` is :func:`crmlib.customer_table`'s result; ``model`` and ``spend_model`` default to
    the fitted models it carries (``attrs['fitted_model']``, ``attrs['spend_model']``), the
    horizon and discount rate to those of its value (``attrs['horizon']``, ``attrs['rate']``) unless
    ``horizon_days`` and ``annual_discount`` are given. The estimates are the table's own columns
    when it has them. Without a spend model the value is left out.
    """
    lo, hi = _check(level, draws)
    model = model if model is not None else table.attrs.get("fitted_model")
    spend_model = spend_model if spend_model is not None else table.attrs.get("spend_model")
    if model is None:
        raise DataError("value_intervals needs a fitted transaction model: the table has none "
                        f"({table.attrs.get('model_reason', 'attrs[fitted_model] is empty')}).")
    _check_model(model)
    model._check_input(table, points=True)
    horizon, steps, length, step_rate = _valuation(table, horizon_days, annual_discount)
    codes, (x, tx, T) = _histories(table)
    params = np.vstack([model._p(), *model.parameter_draws(draws, seed).to_numpy()])
    live, pair, (ux, uT) = _live_draws(model, params, x, T, horizon)
    w = np.bincount(codes, minlength=x.size).astype(float)
    names = ("p_alive", "expected_purchases")
    at = {name: np.empty(x.size) for name in names}  # at the estimates
    lower, upper = {name: np.empty(x.size) for name in names}, {name: np.empty(x.size) for name in names}
    sums = {name: np.zeros(len(params)) for name in names}
    value = None
    if spend_model is not None:
        ratio = _discount_ratio(model, ux, uT, steps, length, step_rate)
        value = _ValueQuantiles(table, codes, x, spend_model, draws, seed, lo, hi)
    # a block of histories at a time: one draws x block matrix, P(alive) and then, multiplied in place, the
    # expected purchases (a draws x histories matrix was 1.4 GB at 4M customers); each history's quantiles
    # and values are its own, the totals sums of the blocks' products
    for start in range(0, x.size, _HISTORY_BLOCK):
        rows = slice(start, start + _HISTORY_BLOCK)
        values = _alive_draws(model, params, x[rows], tx[rows], T[rows])
        for name in names:
            if name == "expected_purchases":
                values *= live[:, pair[rows]]
            at[name][rows] = values[0]
            lower[name][rows], upper[name][rows] = np.quantile(values[1:], [lo, hi], axis=0)
            sums[name] += values @ w[rows]
        if value is not None:
            value.add(rows, values, ratio[pair[rows]])
    del live
    out, totals = {}, {}
    for name in names:
        out[name] = table[name].to_numpy(dtype=float) if name in table.columns else at[name][codes]
        out[f"{name}_lower"], out[f"{name}_upper"] = lower[name][codes], upper[name][codes]
        totals[name] = [float(out[name].sum()), *np.quantile(sums[name][1:], [lo, hi])]
    if value is not None:
        estimate, clv_lower, clv_upper, draw_totals = value.result()
        out["clv"] = table["clv"].to_numpy(dtype=float) if "clv" in table.columns else estimate
        out["clv_lower"], out["clv_upper"] = clv_lower, clv_upper
        totals["clv"] = [float(out["clv"].sum()), *np.quantile(draw_totals, [lo, hi])]
    customers = pd.DataFrame(out, index=table.index)
    frame = pd.DataFrame.from_dict(totals, orient="index", columns=["estimate", "lower", "upper"])
    return ValueIntervals(customers=customers, totals=frame, level=level, draws=draws)


class _ValueQuantiles:
    """The value's quantiles over the draws per distinct (history, spend), filled a block of histories at a
    time (:meth:`add`); the discounted purchases of a history are its expected purchases per draw times its
    discount ratio."""

    def __init__(self, table, codes, x, spend_model, draws, seed, lo, hi):
        spend_model.check_fitted()
        freq_all = pd.to_numeric(table["frequency"]).to_numpy(dtype=float)
        m = np.where(freq_all > 0, pd.to_numeric(table["monetary_value"]).to_numpy(dtype=float), 0.0)
        gg = _spend_draws(spend_model, draws, seed)
        self.p, self.q, self.v = (gg[:, i:i + 1] for i in range(3))
        if np.any(self.q <= 1):
            raise DataError(f"{type(spend_model).__name__}: q is within its uncertainty of 1 "
                            f"({int((self.q[1:] <= 1).sum())} of {draws} draws have q <= 1), so the mean spend "
                            "per purchase could be infinite and the value has no upper bound; look for extreme "
                            "monetary values.")
        self.group, first = group_rows([codes.astype(float), m])
        self.hist, self.mg = codes[first], m[first]  # groups in the order of their history
        self.xg = x[self.hist]
        self.weight = np.bincount(self.group, minlength=first.size).astype(float)
        self.estimate, self.lower, self.upper = (np.empty(first.size) for _ in range(3))
        self.totals = np.zeros(len(gg))
        self.lo, self.hi = lo, hi

    def add(self, rows: slice, expected: np.ndarray, discount: np.ndarray) -> None:
        """The groups of the histories ``rows``: ``expected`` their purchases per draw (draws x histories of
        the block, changed in place), ``discount`` their discount ratios."""
        p, q, v = self.p, self.q, self.v
        begin, end = np.searchsorted(self.hist, [rows.start, rows.stop])  # the block's groups are one run
        for start in range(begin, end, _BLOCK):
            g = slice(start, min(start + _BLOCK, end))
            h = self.hist[g] - rows.start
            spend = p * (v + self.xg[g] * self.mg[g]) / (p * self.xg[g] + q - 1)
            purchases = expected[:, h]
            purchases *= discount[h]
            # C order, as the product of a full discounted matrix's block was: the sums below are BLAS
            # products whose rounding follows the layout
            value = np.multiply(purchases, spend, order="C")
            self.totals += value @ self.weight[g]
            self.estimate[g] = value[0]
            self.lower[g], self.upper[g] = np.quantile(value[1:], [self.lo, self.hi], axis=0)

    def result(self):
        """Per customer: the value at the estimates, its lower and upper bounds; the totals of the draws."""
        return self.estimate[self.group], self.lower[self.group], self.upper[self.group], self.totals[1:]


def _spend_draws(spend_model, draws: int, seed: int | None) -> np.ndarray:
    """The spend model's estimates, then its ``draws`` parameter draws (p, q, v), one row each."""
    return np.vstack([spend_model._p(), spend_model.parameter_draws(draws, None if seed is None else seed + 1)])


def _has_covariance(model) -> bool:
    cov = getattr(model, "_cov_log", None)
    return cov is not None and bool(np.all(np.isfinite(cov))) and bool(np.all(np.isfinite(model._se_log)))


def interval_obstacle(table: pd.DataFrame, *, draws: int = 128, seed: int | None = 0) -> tuple[str, str] | None:
    """Why :func:`value_intervals` cannot give the value of ``table`` (:func:`crmlib.customer_table`'s
    result, with a value) its intervals, as ``(reason, model class name)``, or None when it can.
    ``reason``: :data:`NO_STANDARD_ERRORS` (a fitted model without a covariance: a penalised fit whose
    parameters the penalty holds, ``se_note_``) or :data:`UNBOUNDED_SPEND` (within its uncertainty the
    spend model's q reaches 1, so the mean spend per purchase has no upper bound)."""
    model, spend_model = table.attrs.get("fitted_model"), table.attrs.get("spend_model")
    for fitted in (model, spend_model):
        if fitted is not None and not _has_covariance(fitted):
            return NO_STANDARD_ERRORS, type(fitted).__name__
    if spend_model is not None and np.any(_spend_draws(spend_model, draws, seed)[:, 1] <= 1):
        return UNBOUNDED_SPEND, type(spend_model).__name__
    return None


def value_intervals_or_reason(table: pd.DataFrame, *, level: float = 0.9, draws: int = 128,
                              seed: int | None = 0) -> tuple[ValueIntervals | None, tuple[str, str] | None]:
    """:func:`value_intervals` of a report's per-customer table, or None and the
    :func:`interval_obstacle` that stands in its way (a page says it in words instead of failing).
    A table without a value or a transaction model raises DataError as :func:`value_intervals` does."""
    if "clv" not in table.columns or table.attrs.get("spend_model") is None:
        raise DataError("value_intervals_or_reason needs a table with a lifetime value (column 'clv' and "
                        "attrs['spend_model']), as crmlib.customer_table returns when the models could be fitted.")
    obstacle = interval_obstacle(table, draws=draws, seed=seed)
    if obstacle is not None:
        return None, obstacle
    return value_intervals(table, level=level, draws=draws, seed=seed), None


def value_bounds(table: pd.DataFrame, intervals: ValueIntervals | None) -> pd.DataFrame:
    """The columns ``clv_lower`` and ``clv_upper`` of ``intervals`` on ``table``'s index, to join to the
    table; no columns when ``intervals`` is None, so a page shows the value without its bounds."""
    if intervals is None:
        return pd.DataFrame(index=table.index)
    customers = intervals.customers
    if customers.index is table.index or customers.index.equals(table.index):  # made from this table
        return customers[["clv_lower", "clv_upper"]]
    return customers.loc[table.index, ["clv_lower", "clv_upper"]]
