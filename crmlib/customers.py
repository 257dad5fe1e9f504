"""The per-customer table every report uses, computed once: :func:`customer_table`.

One row per customer (indexed by ``customer_id``) with, in this order:

* the canonical summary ``frequency, recency, T, monetary_value`` in the unit ``freq``, exactly as
  :func:`crmlib.summary.rfm_summary` makes them (``recency`` is the buy-till-you-die age at the
  last purchase), and ``revenue, mean_spend`` from :func:`crmlib.rfm.add_spend`;
* ``days_since_last_purchase``: the one meaning of "recency" in reports, in whole days;
* the RFM scores ``R, F, M`` (and ``RFM``) of :func:`crmlib.rfm.score` and the ``segment`` of
  :func:`crmlib.rfm.segment`. They are scored on the summary in days whatever ``freq`` is, so a
  customer's segment never depends on the time unit (scored in weeks, rounding in ``T - recency``
  would split ties between customers whose gaps are the same number of days);
* ``p_alive``, ``expected_purchases`` (over the horizon), ``expected_spend``, ``clv`` and
  ``clv_decile`` (1 = the most valuable tenth, 10 = the least) when the models can be fitted.

How the transaction model is chosen (``model="auto"``): BG/NBD, MBG/NBD and Pareto/NBD are fitted
on the whole period and the lowest BIC among those that converged with identified parameters is
used. A model that cannot be fitted is reported in ``attrs`` and never used for predictions; when
none can be fitted the prediction columns are left out and ``attrs`` say why, the segments stay.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmlib import clv, rfm, units
from crmlib.clv._data import compress
from crmlib.clv.value import discounted_purchases, periods_and_rate, spend_data, valuation_steps, value_note
from crmlib.config import TRANSACTION_MODELS
from crmlib.exceptions import ConvergenceError, DataError
from crmlib.summary import rfm_summary

#: Columns of :func:`crmlib.clv.compare_models` without a holdout.
COMPARISON_COLUMNS = ["params", "log_likelihood", "AIC", "BIC", "note"]
_PREDICTIONS = "P(alive), expected purchases and lifetime value are left out"


def transaction_model(name: str):
    """A new, unfitted model from its class name (one of :data:`TRANSACTION_MODELS`)."""
    if name not in TRANSACTION_MODELS:
        raise DataError(f"model={name!r} is not a transaction model crmlib reports know; "
                        f"use 'auto' or one of {list(TRANSACTION_MODELS)}.")
    return getattr(clv, name)()


def fittable(summary: pd.DataFrame) -> pd.DataFrame:
    """The customers a model can learn from: ``T > 0`` (those who first bought on the last day
    have no history yet). The ledger of the summary keeps counting everyone."""
    out = summary[summary["T"] > 0]
    out.attrs = dict(summary.attrs)
    return out


# --------------------------------------------------------------------------- deciles
def value_deciles(values: pd.Series, n: int = 10) -> pd.Series:
    """Decile of each value, 1 = the highest tenth, ``n`` = the lowest; NA where the value is.

    Groups are equal in size (they differ by at most one); equal values are split in row order.

    >>> value_deciles(pd.Series([5.0, 50.0, None, 20.0]), n=3).tolist()
    [3, 1, <NA>, 2]
    """
    v = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
    known = v.dropna()
    rank = known.rank(method="first", ascending=False)
    decile = decile_of_rank(rank, len(known), n) if len(known) else rank
    return decile.reindex(v.index).astype("Int64").rename("clv_decile")


def decile_of_rank(rank, total: int, n: int = 10):
    """The group (1..n) of the value ranked ``rank`` (1 = the highest) among ``total``; an engine
    that ranks the customers itself (Spark) calls this on its ranks.

    >>> decile_of_rank(np.array([1.0, 2.0, 3.0]), 3, n=3).tolist()
    [1.0, 2.0, 3.0]
    """
    return np.ceil(rank * n / total)


def clv_deciles(values: pd.Series) -> pd.DataFrame:
    """Customers ranked by CLV in ten equal groups, decile 1 the most valuable: customers, mean,
    min, max, share of total CLV and cumulative share (the numbering of ``clv_decile``).

    >>> t = clv_deciles(pd.Series(np.arange(1.0, 101.0)))
    >>> int(t.loc[1, "customers"]), round(float(t.loc[1, "share"]), 3), round(float(t["cumulative_share"].iloc[-1]), 3)
    (10, 0.189, 1.0)
    """
    v = pd.Series(values, dtype=float)
    if v.isna().any() or len(v) < 10:
        raise DataError(f"clv_deciles needs at least 10 non-missing values, got {int(v.notna().sum())} of {len(v)}.")
    decile = value_deciles(v).astype("int64").rename("decile")
    out = v.groupby(decile).agg(customers="size", mean="mean", min="min", max="max")
    out["share"] = v.groupby(decile).sum() / v.sum()
    out["cumulative_share"] = out["share"].cumsum()
    return out


# --------------------------------------------------------------------------- model choice
def _why(name: str, err) -> str:
    """First line of an error (or of its message), without the model name it starts with and
    without the raw parameter values it may quote."""
    line = re.sub(r" \(\{[^()]*\}\)", "", str(err).splitlines()[0])
    for prefix in (f"{name}: ", f"{name} "):
        if line.startswith(prefix):
            return line[len(prefix):]
    return line


def _named(name) -> str:
    """A model as the papers name it (BG/NBD, MBG/NBD, Pareto/NBD)."""
    return clv.MODEL_NAMES.get(name, str(name))


def _comparison(fitted: dict, failed: dict, data: pd.DataFrame) -> pd.DataFrame:
    """:func:`crmlib.clv.compare_models` of the fitted models, then one row per failed one."""
    rows = pd.DataFrame({"params": [transaction_model(n).n_params for n in failed],
                         "note": list(failed.values())},
                        index=pd.Index(list(failed), name="model")).reindex(columns=COMPARISON_COLUMNS)
    if not fitted:
        return rows
    table = clv.compare_models(fitted, data)
    return pd.concat([table, rows]) if failed else table


def _reason(model, best: str | None, comparison: pd.DataFrame, failed: dict) -> str:
    """The sentence saying which model is used and why (``attrs['model_reason']``)."""
    lost = "; ".join(f"{_named(n)} could not be fitted ({_why(n, line)})" for n, line in failed.items())
    if best is None and model != "auto":
        return (f"{_named(model)}, the model asked for, could not be fitted ({_why(model, failed[model])}), so "
                f"{_PREDICTIONS}. Set the model parameter to auto to try the other models.")
    if best is None:
        return f"No transaction model could be fitted, so {_PREDICTIONS}: {lost}."
    bic = comparison.loc[best, "BIC"]
    if model != "auto":
        return f"{_named(best)}: the model asked for; it fitted, BIC {bic:,.1f}."
    n_fitted = len(comparison) - len(failed)
    which = (f"lowest BIC ({bic:,.1f}) of the {n_fitted} models that could be fitted" if n_fitted > 1
             else f"the only one of the {len(comparison)} models tried that could be fitted (BIC {bic:,.1f})")
    return f"{_named(best)}: {which}" + (f"; {lost}" if lost else "") + "."


def choose_model(summary: pd.DataFrame, model: str | None = "auto"):
    """Fit the transaction model(s) on ``summary`` and pick the one to predict with.

    ``model`` is "auto" (every model of :data:`TRANSACTION_MODELS`; the lowest BIC among those
    that converge with identified parameters), one of those names (used if it fits, never
    replaced by another) or None (no model). Returns ``(fitted model or None, reason, comparison)``:
    the reason is a plain sentence, the comparison the table of :func:`crmlib.clv.compare_models`
    with a row for each model that could not be fitted (empty figures, the error in ``note``).
    """
    if model is None:
        return None, f"No transaction model was asked for (model=None), so {_PREDICTIONS}.", \
            pd.DataFrame(columns=COMPARISON_COLUMNS).rename_axis("model")
    names = TRANSACTION_MODELS if model == "auto" else (model,)
    customers = fittable(summary)[["frequency", "recency", "T", *_weight(summary)]]
    # the distinct histories with their counts, once: each model's fit and likelihood would group the same rows again
    # (five groupings of 4M rows, 5 s at 10M lines); a fit of the histories is the fit of the customers they count
    data = compress(customers, ("frequency", "recency", "T"))
    data.attrs = dict(customers.attrs)
    fitted, failed = {}, {}
    for name in names:
        try:
            fitted[name] = transaction_model(name).fit(data)
        except (ConvergenceError, DataError) as err:
            failed[name] = str(err).splitlines()[0]
    comparison = _comparison(fitted, failed, data)
    best = comparison.index[0] if fitted else None  # compare_models sorts by BIC
    return (fitted[best] if best else None), _reason(model, best, comparison, failed), comparison


def _weight(summary: pd.DataFrame) -> list[str]:
    """``["weight"]`` when the rows are distinct histories with a count each (as Spark sends them)."""
    return ["weight"] if "weight" in summary.columns else []


def fit_spend(summary: pd.DataFrame):
    """Gamma-Gamma fitted on the repeat buyers who paid (:func:`crmlib.clv.spend_data`); rows with a
    ``weight`` column count that many customers each.

    Returns ``(fitted model or None, repeat buyers left out for paying nothing, reason it failed)``.
    """
    paying, free = spend_data(summary)
    try:
        spend = clv.GammaGamma().fit(paying[["frequency", "monetary_value", *_weight(summary)]])
        spend.expected_spend(paying.head(1))  # refuses q <= 1 (an infinite mean spend)
    except (ConvergenceError, DataError) as err:
        return None, free, f"the Gamma-Gamma spend model could not be fitted ({_why('GammaGamma', err)})"
    return spend, free, ""


# --------------------------------------------------------------------------- the table
def spend_summary(transactions, observation_end=None) -> pd.DataFrame:
    """The summary in days up to ``observation_end`` with ``revenue`` and ``mean_spend``
    (:func:`crmlib.rfm.add_spend`), from a DataFrame or a :class:`crmlib.TransactionLog`.

    For a log, DuckDB sums each customer's net amount and only that per-customer table goes to
    :func:`~crmlib.rfm.add_spend` (as one row per customer on the last day), so both give the same
    numbers.
    """
    from crmlib.purchases import buyers_revenue
    from crmlib.txlog import TransactionLog

    summary = rfm_summary(transactions, observation_end=observation_end, freq="D")
    if not isinstance(transactions, TransactionLog):
        return rfm.add_spend(summary, transactions, observation_end=observation_end)
    end = summary.attrs["observation_end"]
    spent = buyers_revenue(transactions, end)  # sorted by id, as the summary is
    if not spent.index.equals(summary.index):  # not expected; add_spend's rule, row by row
        per_customer = pd.DataFrame({"customer_id": spent.index.to_numpy(), "date": end, "amount": spent.to_numpy()})
        return rfm.add_spend(summary, per_customer)
    out = summary.copy()  # add_spend's columns without a second pass over 4M ids
    out["revenue"] = spent.to_numpy(dtype=float)
    out["mean_spend"] = rfm.mean_spend(out["revenue"], out["frequency"].astype(float))
    return out


def _scored(transactions, observation_end, freq: str, bins: int, scheme) -> pd.DataFrame:
    """Summary in ``freq`` with spend, days since the last purchase, scores and segment."""
    units.check(freq)
    days = spend_summary(transactions, observation_end=observation_end)
    return scored_table(days, freq, bins, scheme)


def scored_table(days: pd.DataFrame, freq: str, bins: int = 5, scheme=None, thresholds=None) -> pd.DataFrame:
    """The summary in days with spend (:func:`spend_summary`) as the table's first columns: in
    ``freq``, with days since the last purchase, R, F, M, RFM and the segment. ``thresholds`` (an
    :class:`crmlib.rfm.RFMScale` learnt on all customers) scores a part of them on the scale of all,
    as Spark does batch by batch."""
    scored = rfm.score(days, bins=bins, thresholds=thresholds)
    if scheme is not None and not isinstance(scheme, pd.DataFrame):
        scheme = pd.DataFrame(scheme, columns=list(rfm.SCHEME_COLUMNS))
    out = days.copy()
    history = in_unit(days, freq)
    out["recency"], out["T"] = history["recency"], history["T"]
    out["days_since_last_purchase"] = (days["T"] - days["recency"]).astype("int64")
    for col in ("R", "F", "M", "RFM"):
        out[col] = scored[col]
    out["segment"] = rfm.segment(scored, scheme=scheme, bins=bins)
    out.attrs.update(freq=freq, rfm_thresholds=scored.attrs[rfm.THRESHOLDS_ATTR])
    return out


def in_unit(days: pd.DataFrame, freq: str) -> pd.DataFrame:
    """``frequency, recency, T`` of a summary in days (:func:`spend_summary`) in the unit ``freq``: the
    same division :func:`crmlib.rfm_summary` makes with ``freq`` (:func:`crmlib.units.days`), so equal to
    the last bit; ``attrs`` are the summary's with ``freq``.

    >>> days = pd.DataFrame({"frequency": [1], "recency": [14.0], "T": [21.0]})
    >>> in_unit(days, "W").to_dict("records")
    [{'frequency': 1, 'recency': 2.0, 'T': 3.0}]
    """
    unit = units.days(freq)
    out = pd.DataFrame({"frequency": days["frequency"], "recency": days["recency"] / unit, "T": days["T"] / unit},
                       index=days.index)
    out.attrs = {**days.attrs, "freq": freq}
    return out


def _predict(out: pd.DataFrame, model, spend: bool, horizon_days: float, annual_discount: float) -> None:
    """Add the model's columns to ``out`` in place, and ``clv_note``."""
    if model is None:
        out.attrs["clv_note"] = out.attrs["model_reason"]
        return
    out["p_alive"] = model.probability_alive(out)
    out["expected_purchases"] = model.expected_purchases(out.attrs["horizon"], out)
    spend_model, free, why = fit_spend(out) if spend else (None, 0, "spend=False was asked for")
    out.attrs["fitted_model"], out.attrs["spend_model"] = model, spend_model
    if spend_model is None:
        out.attrs["clv_note"] = f"Lifetime value left out: {why}."
        return
    out["expected_spend"] = spend_model.expected_spend(out)
    out["clv"] = discounted_purchases(model, out, horizon_days, annual_discount) * out["expected_spend"]
    out["clv_decile"] = value_deciles(out["clv"])
    out.attrs["clv_note"] = value_note(model, spend_model, out.attrs["horizon"], out.attrs["freq"],
                                       annual_discount, free) + "."


def comparison_of(table: pd.DataFrame) -> pd.DataFrame:
    """The fit statistics of every model :func:`customer_table` tried, best first, as a table.

    ``attrs["comparison"]`` holds them as a plain mapping (a DataFrame in ``attrs`` would make
    ``pd.concat`` of two customer tables fail when it compares their attrs).
    """
    rows = table.attrs.get("comparison") or {}
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=COMPARISON_COLUMNS)
    out.index.name = "model"
    return out


def customer_table(transactions, *, observation_end=None, freq: str = "W", bins: int = 5,
                   scheme=None, model: str | None = "auto", horizon_days: float = 365,
                   annual_discount: float = 0.10, spend: bool = True) -> pd.DataFrame:
    """The per-customer table of every report: summary, scores, segment, P(alive), CLV, decile.

    ``transactions`` are canonical transactions (``customer_id, date, amount``), a DataFrame or a
    :class:`crmlib.TransactionLog` of files read out-of-core (the same numbers); purchases after
    ``observation_end`` (default: the last transaction) are left out. ``freq`` ("D", "W", "M") is
    the unit of ``recency``, ``T``, the horizon and the models; it changes no segment. ``bins`` and
    ``scheme`` (a table or a list of ``[segment, r_min, r_max, f_min, f_max]`` rows) go to
    :func:`crmlib.rfm.segment`. ``model`` is "auto", a name of :data:`TRANSACTION_MODELS` or None
    (see :func:`choose_model`). ``expected_purchases`` and ``clv`` cover the next
    ``horizon_days`` (in weekly steps for days), discounted at ``annual_discount`` a year;
    ``spend=False`` leaves out the spend model and so ``expected_spend``, ``clv`` and ``clv_decile``.

    Columns are listed in the module docstring. ``attrs``: ``freq``, ``observation_end``,
    ``ledger`` (:func:`crmlib.ledger_of`), ``rfm_thresholds`` (scores learnt in days), ``model``
    (name used, or None), ``model_reason`` (a sentence), ``comparison`` (fit statistics of every
    model tried), ``fitted_model`` and ``spend_model`` (the fitted models, or None),
    ``clv_note`` (how the value was made, or why it is left out), ``horizon`` (in periods of
    ``freq``) and ``rate`` (discount rate per period of ``freq``).
    """
    if model is not None and model != "auto":
        transaction_model(model)  # an unknown name is refused before any work
    out = _scored(transactions, observation_end, freq, bins, scheme)
    return complete_table(out, model=model, horizon_days=horizon_days, annual_discount=annual_discount,
                          spend=spend)


def scored_summary(transactions, *, observation_end=None, freq: str = "W", bins: int = 5,
                   scheme=None) -> pd.DataFrame:
    """The first columns of :func:`customer_table` (summary, spend, days since the last purchase,
    scores and segment), to be finished by :func:`complete_table`; the two give what
    :func:`customer_table` gives, so a batch of reports can share the part their options share."""
    return _scored(transactions, observation_end, freq, bins, scheme)


def complete_table(out: pd.DataFrame, *, model: str | None = "auto", horizon_days: float = 365,
                   annual_discount: float = 0.10, spend: bool = True) -> pd.DataFrame:
    """:func:`scored_summary`'s table ``out`` with the model's columns and attrs of
    :func:`customer_table` added (in place; ``out`` is returned)."""
    if model is not None and model != "auto":
        transaction_model(model)  # an unknown name is refused before any work
    freq = out.attrs["freq"]
    steps, length, _ = valuation_steps(horizon_days, annual_discount, freq)
    chosen, reason, comparison = choose_model(out, model)
    out.attrs.update(model=type(chosen).__name__ if chosen is not None else None, model_reason=reason,
                     comparison=comparison.to_dict(orient="index"), fitted_model=chosen, spend_model=None,
                     horizon=steps * length, rate=periods_and_rate(horizon_days, annual_discount, freq)[1])
    _predict(out, chosen, spend, horizon_days, annual_discount)
    return out
