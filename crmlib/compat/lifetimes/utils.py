"""lifetimes.utils' public functions over crmlib (:mod:`crmlib.period_summary`, :mod:`crmlib.clv.paths`).

Summaries count distinct calendar periods of ``freq`` (lifetimes' rule: ``"W"`` weeks ending on
Sunday, ``"M"`` calendar months, ``"H"`` clock hours) with times in periods divided by
``freq_multiplier``; pass ``counting="day"`` for crmlib's purchase days instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.clv.paths import alive_path, cumulative_transactions
from crmlib.compat.lifetimes import customer_lifetime_value  # noqa: F401  (lifetimes.utils has it too)
from crmlib.errors import require_columns
from crmlib.period_summary import _CALENDAR, period_summary, purchase_periods

__all__ = ["summary_data_from_transaction_data", "calibration_and_holdout_data", "customer_lifetime_value",
           "expected_cumulative_transactions", "calculate_alive_path"]


def _log(transactions, customer_id_col, datetime_col, monetary_value_col=None, datetime_format=None):
    require_columns(transactions, [c for c in (customer_id_col, datetime_col, monetary_value_col) if c is not None],
                    "<transactions>", "transactions", "Pass the names of its columns (customer_id_col=, datetime_col=, "
                    "monetary_value_col=).")
    out = pd.DataFrame({"customer_id": transactions[customer_id_col].to_numpy(),
                        "date": pd.to_datetime(transactions[datetime_col], format=datetime_format).to_numpy()})
    if monetary_value_col is not None:
        out["amount"] = pd.to_numeric(transactions[monetary_value_col]).to_numpy(dtype=float)
    return out


def _end(value, datetime_format):
    return None if value is None else pd.to_datetime(value, format=datetime_format)


def _lifetimes_columns(out, monetary, include_first, suffix=""):
    if include_first:
        out["frequency"] = out.pop("purchases")
        out["monetary_value"] = out.pop("monetary_value_all")
    cols = ["frequency", "recency", "T"] + (["monetary_value"] if monetary else [])
    out = out.astype({"frequency": float})
    return out, cols


def summary_data_from_transaction_data(transactions, customer_id_col, datetime_col, monetary_value_col=None,
                                       datetime_format=None, observation_period_end=None, freq="D",
                                       freq_multiplier=1, include_first_transaction=False, counting="period"):
    """One row per customer (index ``customer_id_col``, ids as given): ``frequency, recency, T``
    (floats) and ``monetary_value`` when ``monetary_value_col`` is given."""
    tx = _log(transactions, customer_id_col, datetime_col, monetary_value_col, datetime_format)
    out = period_summary(tx, _end(observation_period_end, datetime_format), freq, counting,
                         include_first_transaction=include_first_transaction, freq_multiplier=freq_multiplier)
    out, cols = _lifetimes_columns(out, monetary_value_col is not None, include_first_transaction)
    out = out[cols]
    out.index.name = customer_id_col
    return out


def calibration_and_holdout_data(transactions, customer_id_col, datetime_col, calibration_period_end,
                                 observation_period_end=None, freq="D", freq_multiplier=1, datetime_format=None,
                                 monetary_value_col=None, include_first_transaction=False, counting="period"):
    """``frequency_cal, recency_cal, T_cal`` (and ``monetary_value_cal``) for the customers whose
    first purchase lies in the calibration period, with ``frequency_holdout`` (and
    ``monetary_value_holdout``) and ``duration_holdout`` of the period after it."""
    tx = _log(transactions, customer_id_col, datetime_col, monetary_value_col, datetime_format)
    end = _end(observation_period_end, datetime_format)
    if end is None:
        end = tx["date"].max()
    out = period_summary(tx, end, freq, counting, calibration_end=_end(calibration_period_end, datetime_format),
                         include_first_transaction=include_first_transaction, freq_multiplier=freq_multiplier)
    monetary = monetary_value_col is not None
    out, cols = _lifetimes_columns(out, monetary, include_first_transaction)
    out = out.rename(columns={c: f"{c}_cal" for c in cols})
    keep = [f"{c}_cal" for c in cols] + ["frequency_holdout"] + (["monetary_value_holdout"] if monetary else [])
    out = out[keep + ["duration_holdout"]].astype({"frequency_holdout": float})
    out.index.name = customer_id_col
    return out


def expected_cumulative_transactions(model, transactions, datetime_col, customer_id_col, t, datetime_format=None,
                                     freq="D", set_index_date=False, freq_multiplier=1):
    """Actual and predicted cumulative repeat purchases of all customers of the log at each of
    ``t`` steps of ``freq_multiplier`` periods from the log's first period: columns ``actual``
    and ``predicted``, indexed by step (or by the step's date with ``set_index_date``)."""
    tx = _log(transactions, customer_id_col, datetime_col, None, datetime_format)
    periods = purchase_periods(tx, freq, "period")
    start = int(periods["period"].min())
    ages = (periods["period"].to_numpy() - start) / freq_multiplier
    first = ~periods["customer_id"].duplicated().to_numpy()  # sorted by customer and period
    fitted = model.model_or_params if hasattr(model, "model_or_params") else model
    # lifetimes' row k is the end of step k: repeats made in steps 0..k, and each customer born by
    # then at the age they reach at the step's end (one step more than at its start)
    steps = int(t) // int(freq_multiplier)
    table = cumulative_transactions(fitted, ages[first] - 1.0, ages[~first], steps)
    table["actual"] = np.searchsorted(np.sort(ages[~first]), np.arange(1, steps + 1), side="left").astype(float)
    if set_index_date:
        kind = _CALENDAR[freq]
        table.index = pd.PeriodIndex.from_ordinals(start + np.arange(steps) * freq_multiplier + freq_multiplier - 1,
                                                   freq=kind).to_timestamp()
        table.index.name = "date"
    return table


def calculate_alive_path(model, transactions, datetime_col, t, freq="D"):
    """P(alive) of one customer (``transactions`` holds only their rows) at ages 0..t periods
    of ``freq`` after their first purchase period (t + 1 values, as lifetimes returns)."""
    tx = pd.DataFrame({"customer_id": 0, "date": pd.to_datetime(transactions[datetime_col]).to_numpy()})
    periods = purchase_periods(tx, freq, "period")["period"].to_numpy()
    ages = periods - periods.min()
    fitted = model.model_or_params if hasattr(model, "model_or_params") else model
    return alive_path(fitted, ages[ages <= int(t)], T=int(t))
