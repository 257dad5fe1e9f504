"""Headline numbers of the overview report, as a small table for reading.

Figures of the same data are in :mod:`crmlib.plots.overview`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def revenue_summary(transactions: pd.DataFrame, summary: pd.DataFrame, currency: str = "") -> pd.DataFrame:
    """A small table of headline numbers for the overview report, formatted for reading."""
    money = (lambda v: f"{v:,.2f} {currency}".strip())
    purchases = transactions[transactions["amount"] >= 0]
    returns = transactions[transactions["amount"] < 0]
    rows = {
        "customers": f"{len(summary):,}",
        "transactions": f"{len(transactions):,}",
        "period": f"{transactions['date'].min():%Y-%m-%d} to {transactions['date'].max():%Y-%m-%d}",
        "revenue (gross of returns)": money(purchases["amount"].sum()),
        "returns and refunds": f"{money(returns['amount'].sum())} in {len(returns):,} transactions",
        "net revenue": money(transactions["amount"].sum()),
        "customers who came back": f"{np.mean(summary['frequency'] > 0):.1%}",
        "repeat purchases per customer (mean)": f"{summary['frequency'].mean():.2f}",
    }
    return pd.DataFrame({"value": pd.Series(rows)})
