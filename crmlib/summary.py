"""From transactions to the canonical per-customer RFM summary.

One row per customer, indexed by ``customer_id``, with the conventions of lifetimes so that its
users can move over:

* ``frequency``: repeat purchases, i.e. purchase days minus one (several purchases on one day count
  as one, as in the published CDNOW summaries);
* ``recency``: time from the first to the last purchase;
* ``T``: time from the first purchase to the end of the period;
* ``monetary_value``: mean value of the repeat purchases (0 for customers who bought once).

Time is measured in the unit ``freq`` and the unit travels with the result in ``attrs["freq"]``:
``"D"`` days, ``"W"`` weeks of exactly 7 days, ``"M"`` months of 1/12 of the mean Gregorian year
(365.2425 / 12 = 30.436875 days). No other conversion is hidden anywhere.

Returns and refunds: a day counts as a purchase when it holds at least one transaction that is not
a return (amount >= 0; zero-amount purchases count, as in the published CDNOW summaries), and its
value is the day's net amount, same-day returns included. A day with only returns, or whose returns
outweigh its purchases, is not a purchase,
and a return on a later day does not lower the value of earlier purchases. Customers with no
purchase day, and (with ``calibration_end``)
customers whose first purchase falls after the calibration period, are left out and counted in the
summary's ledger (``crmlib.ledger_of(summary)``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.ledger import Ledger, attach, ledger_of

#: Length of one time unit in days.
UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.2425 / 12}


def _unit_days(freq: str) -> float:
    try:
        return UNIT_DAYS[freq]
    except KeyError:
        raise DataError(f"freq={freq!r} is not a time unit crmlib knows; use 'D' (days), "
                        "'W' (weeks of 7 days) or 'M' (months of 30.436875 days).") from None


def _daily(transactions: pd.DataFrame) -> pd.DataFrame:
    """Net amount per customer and day, with ``is_purchase`` (a transaction with amount >= 0 that day)."""
    missing = [c for c in ("customer_id", "date", "amount") if c not in transactions.columns]
    if missing:
        raise DataError(f"rfm_summary needs columns customer_id, date and amount; missing {missing}. "
                        "Load the file with crmlib.read_transactions first.")
    day = pd.DataFrame({
        "customer_id": transactions["customer_id"].astype("string").to_numpy(),
        "day": pd.to_datetime(transactions["date"]).dt.normalize().to_numpy(),
        "amount": transactions["amount"].astype("float64").to_numpy(),
    })
    day["is_purchase"] = day["amount"] >= 0
    daily = day.groupby(["customer_id", "day"], sort=True, observed=True).agg(
        amount=("amount", "sum"), is_purchase=("is_purchase", "any")).reset_index()
    # a day whose returns outweigh its purchases is a net return, not a purchase
    daily["is_purchase"] &= daily["amount"] >= 0
    return daily


def rfm_summary(transactions: pd.DataFrame, observation_end=None, freq: str = "D",
                calibration_end=None) -> pd.DataFrame:
    """One row per customer: ``frequency, recency, T, monetary_value`` (see the module docstring).

    ``observation_end`` defaults to the last transaction date; later transactions are left out and
    counted. With ``calibration_end``, the four columns describe the calibration period up to and
    including that date, and ``frequency_holdout``, ``monetary_value_holdout`` and
    ``duration_holdout`` describe the holdout period after it, up to ``observation_end``.

    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"]),
    ...                    "amount": [10.0, 5.0, 20.0, 7.0]})
    >>> rfm_summary(tx, observation_end="2024-01-29", freq="W")
                 frequency  recency    T  monetary_value
    customer_id
    a                    1      2.0  4.0            20.0
    b                    0      0.0  3.0             0.0
    """
    unit = _unit_days(freq)
    if len(transactions) == 0:
        raise DataError("rfm_summary: the transactions are empty; there is nothing to summarise.")
    source = getattr(ledger_of(transactions), "source", "<transactions>")
    ledger = Ledger(source=source, table="rfm summary")
    daily = _daily(transactions)
    end = pd.Timestamp(observation_end) if observation_end is not None else daily["day"].max()
    cal_end = pd.Timestamp(calibration_end) if calibration_end is not None else end
    if cal_end > end:
        raise DataError(f"calibration_end {cal_end.date()} is after observation_end {end.date()}; "
                        "the holdout period must come after the calibration period.")
    customers_all = daily["customer_id"].nunique()
    ledger.rows_read = int(customers_all)

    late = daily["day"] > end
    if late.any():
        ledger.notes.append(f"{int(late.sum())} customer-days after observation end {end.date()} left out")
    daily = daily[~late]
    purchases = daily[daily["is_purchase"]]
    no_purchase = customers_all - purchases["customer_id"].nunique()
    ledger.add("no purchase day", no_purchase, action="dropped",
               detail="only returns, or only transactions after observation end")

    first = purchases.groupby("customer_id", sort=True)["day"].min()
    cal = purchases[purchases["day"] <= cal_end]
    late_starters = len(first) - cal["customer_id"].nunique()
    ledger.add("first purchase after calibration end", late_starters, action="dropped",
               detail=f"not yet a customer on {cal_end.date()}")

    g = cal.groupby("customer_id", sort=True)
    n_days = g.size()
    first_day, last_day = g["day"].min(), g["day"].max()
    total = g["amount"].sum()
    first_amount = g["amount"].first()  # rows are sorted by day within a customer
    frequency = (n_days - 1).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (total - first_amount) / frequency.clip(lower=1), 0.0)
    out = pd.DataFrame({
        "frequency": frequency,
        "recency": (last_day - first_day).dt.days / unit,
        "T": (cal_end - first_day).dt.days / unit,
        "monetary_value": monetary,
    })
    out.index.name = "customer_id"
    out.index = out.index.astype("string")

    if calibration_end is not None:
        hold = purchases[(purchases["day"] > cal_end)]
        hg = hold.groupby("customer_id")
        out["frequency_holdout"] = hg.size().reindex(out.index, fill_value=0).astype("int64")
        out["monetary_value_holdout"] = hg["amount"].mean().reindex(out.index, fill_value=0.0)
        out["duration_holdout"] = (end - cal_end).days / unit

    out.attrs.update(freq=freq, observation_end=end, calibration_end=cal_end if calibration_end is not None else None)
    return attach(out, ledger)


def last_purchase(transactions: pd.DataFrame) -> pd.Series:
    """Date of each customer's last purchase day (not a return-only day), indexed by ``customer_id``."""
    daily = _daily(transactions)
    out = daily[daily["is_purchase"]].groupby("customer_id")["day"].max()
    out.index = out.index.astype("string")
    return out.rename("last_purchase")
