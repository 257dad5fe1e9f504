"""RFM summaries counted in calendar periods (lifetimes' rule), beside crmlib's purchase days.

:func:`crmlib.summary.rfm_summary` counts *purchase days*: ``frequency`` is the number of days
with a purchase after the first, and recency and T are measured in days and then expressed in
the unit ``freq`` (a week is 7 days). lifetimes' ``summary_data_from_transaction_data`` counts
*calendar periods* instead: with ``freq="W"`` every transaction is put in its calendar week
(Monday to Sunday, pandas' ``W-SUN``), ``frequency`` is the number of distinct weeks with a
purchase after the first week, and recency and T are whole numbers of weeks between those weeks.
The two agree for days; for weeks they differ whenever a customer buys twice in one week
(purchase days: two, calendar weeks: one) or across a week boundary.

:func:`period_summary` computes either rule from one transaction log, chosen by ``counting``:

* ``"day"``: periods are calendar days, times are days divided by the length of ``freq``
  (crmlib's rule, the same numbers as ``rfm_summary``);
* ``"period"``: periods are calendar periods of ``freq``: ``"H"`` clock hours, ``"D"`` days,
  ``"W"`` weeks ending on Sunday, ``"M"`` calendar months (not 30.44-day months); times are whole
  numbers of periods, divided by ``freq_multiplier`` (lifetimes' option: ``freq="D"`` with
  ``freq_multiplier=7`` counts distinct days and measures in weeks).

In both, a period is a purchase when it holds a transaction with amount >= 0 and its net amount
is >= 0 (crmlib's rule for returns, applied to the period), and its value is the net amount.
``include_first_transaction=True`` adds ``purchases`` (purchase periods, the first included) and
``monetary_value_all`` (their mean value) beside the canonical columns, which keep their meaning.

>>> import pandas as pd
>>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"],
...                    "date": pd.to_datetime(["2015-01-05", "2015-01-06", "2015-01-20"]),
...                    "amount": [1.0, 2.0, 3.0]})
>>> period_summary(tx, "2015-01-25", freq="W", counting="period")[["frequency", "recency", "T"]]
             frequency  recency    T
customer_id
a                    1      2.0  2.0
>>> period_summary(tx, "2015-01-25", freq="W", counting="day")[["frequency", "recency", "T"]]
             frequency   recency         T
customer_id
a                    2  2.142857  2.857143
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib import units
from crmlib.errors import require_columns
from crmlib.exceptions import DataError

#: The ways of counting purchases: crmlib's purchase days, or lifetimes' calendar periods.
COUNTINGS = ("day", "period")
# pandas period aliases of the calendar periods of each unit
_CALENDAR = {"H": "h", "D": "D", "W": "W-SUN", "M": "M"}


def _check(transactions, freq, counting, freq_multiplier) -> None:
    units.check(freq)
    if counting not in COUNTINGS:
        raise DataError(f"counting={counting!r}: use 'day' (crmlib: purchase days, times in units of freq) "
                        "or 'period' (lifetimes: distinct calendar periods of freq).")
    if not (isinstance(freq_multiplier, (int, float)) and freq_multiplier > 0):
        raise DataError(f"freq_multiplier must be a number > 0, got {freq_multiplier!r}.")
    require_columns(transactions, ("customer_id", "date"), "period_summary", "transactions",
                    "Load the file with crmlib.read_transactions, or rename the columns.")


def purchase_periods(transactions: pd.DataFrame, freq: str = "D", counting: str = "day",
                     observation_end=None) -> pd.DataFrame:
    """One row per customer and purchase period: ``customer_id``, ``period`` (an integer: the
    period's ordinal), ``amount`` (its net amount), sorted; transactions after the period of
    ``observation_end`` are left out. ``attrs['end']`` is the ordinal of the end's period."""
    kind = "D" if counting == "day" else _CALENDAR[freq]
    dates = pd.to_datetime(transactions["date"])
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    end = pd.Timestamp(observation_end) if observation_end is not None else dates.max()
    end_ordinal = end.to_period(kind).ordinal
    amount = (pd.to_numeric(transactions["amount"]).to_numpy(dtype=float) if "amount" in transactions.columns
              else np.zeros(len(transactions)))
    rows = pd.DataFrame({"customer_id": transactions["customer_id"].to_numpy(),
                         "period": dates.dt.to_period(kind).array.asi8,
                         "amount": amount, "buy": amount >= 0})
    rows = rows[rows["period"] <= end_ordinal]
    out = rows.groupby(["customer_id", "period"], sort=True).agg(amount=("amount", "sum"), buy=("buy", "any"))
    out = out[out["buy"] & (out["amount"] >= 0)].drop(columns="buy").reset_index()
    out.attrs["end"] = int(end_ordinal)
    return out


def _per_customer(periods: pd.DataFrame, end: int, scale: float, include_first: bool) -> pd.DataFrame:
    grouped = periods.groupby("customer_id", sort=True)
    first = grouped["period"].min()
    last = grouped["period"].max()
    count = grouped.size()
    total = grouped["amount"].sum()
    first_amount = periods.loc[grouped["period"].idxmin(), ["customer_id", "amount"]].set_index("customer_id")["amount"]
    repeat = count - 1
    out = pd.DataFrame({
        "frequency": repeat.astype("int64"),
        "recency": (last - first).astype(float) * scale,
        "T": (end - first).astype(float) * scale,
        "monetary_value": ((total - first_amount) / repeat.where(repeat > 0)).fillna(0.0),
    })
    if include_first:
        out["purchases"] = count.astype("int64")
        out["monetary_value_all"] = total / count
    out.index.name = "customer_id"
    return out


def period_summary(transactions: pd.DataFrame, observation_end=None, freq: str = "D", counting: str = "day",
                   calibration_end=None, include_first_transaction: bool = False,
                   freq_multiplier: float = 1) -> pd.DataFrame:
    """One row per customer: ``frequency, recency, T, monetary_value`` counted by ``counting``
    (see the module docstring), indexed by ``customer_id`` as given (ids are not converted).

    With ``calibration_end`` the four columns describe the calibration period (up to and
    including the period of that date) and ``frequency_holdout``, ``monetary_value_holdout``
    and ``duration_holdout`` the periods after it up to ``observation_end``, for the customers
    whose first purchase lies in the calibration period. ``attrs`` hold ``freq`` and ``counting``.
    """
    _check(transactions, freq, counting, freq_multiplier)
    if len(transactions) == 0:
        raise DataError("period_summary: the transactions are empty; there is nothing to summarise.")
    periods = purchase_periods(transactions, freq, counting, observation_end)
    end = periods.attrs["end"]
    scale = (1.0 / units.days(freq) if counting == "day" else 1.0) / freq_multiplier
    if calibration_end is None:
        out = _per_customer(periods, end, scale, include_first_transaction)
    else:
        kind = "D" if counting == "day" else _CALENDAR[freq]
        cal = pd.Timestamp(calibration_end).to_period(kind).ordinal
        if cal >= end:
            raise DataError(f"calibration_end {calibration_end} must come before the observation end "
                            "(the holdout period would be empty).")
        out = _per_customer(periods[periods["period"] <= cal], cal, scale, include_first_transaction)
        hold = periods[periods["period"] > cal].groupby("customer_id")["amount"].agg(["size", "mean"])
        hold = hold.reindex(out.index)
        out["frequency_holdout"] = hold["size"].fillna(0).astype("int64")
        out["monetary_value_holdout"] = hold["mean"].fillna(0.0)
        out["duration_holdout"] = (end - cal) * scale
    out.attrs.update(freq=freq, counting=counting)
    return out
