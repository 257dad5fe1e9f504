"""Transactions of customers acquired over a period who buy every 10 to 50 days until they stop: the data of the
partial-period tests of the retention page (tests/test_partial_periods_retention.py and
tests/test_partial_first_period.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def bills(first: str, last: str, customers: int, seed: int) -> pd.DataFrame:
    """Customers acquired from ``first`` (the first of them on that day) to ``last``, buying every 10 to 50 days
    (a 15 % chance of stopping after each purchase), 10.0 each time; ``seed`` seeds the draws."""
    rng = np.random.default_rng(seed)
    start, end = pd.Timestamp(first), pd.Timestamp(last)
    rows = []
    for c in range(customers):
        offset = int(rng.integers(0, (end - start).days + 1))
        day = start + pd.Timedelta(days=0 if c == 0 else offset)
        while day <= end:
            rows.append((f"c{c}", day, 10.0))
            if rng.random() < 0.15:
                break
            day += pd.Timedelta(days=int(rng.integers(10, 50)))
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
