"""Figures for the overview report: the customer base over time, purchase frequency, spend, channels.

Each function takes canonical data, returns a matplotlib Figure with a title that states what it
shows, labelled axes with units, and seaborn's colour-blind-safe palette. Nothing global is changed:
styles apply inside the function only.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

PALETTE = "colorblind"


def _style():
    return sns.axes_style("whitegrid")


def customer_base(transactions: pd.DataFrame, freq: str = "MS") -> plt.Figure:
    """New and active customers per month (or other ``freq``), from canonical transactions."""
    tx = transactions[~transactions["is_return"]] if "is_return" in transactions else transactions
    period = tx["date"].dt.to_period(freq[0]).dt.start_time
    first = tx.groupby("customer_id")["date"].min().dt.to_period(freq[0]).dt.start_time
    active = tx.assign(period=period).groupby("period")["customer_id"].nunique()
    new = first.value_counts().sort_index().reindex(active.index, fill_value=0)
    frame = pd.DataFrame({"active customers": active, "new customers": new}).rename_axis("period")
    with _style():
        fig, ax = plt.subplots(figsize=(9, 4))
        long = frame.reset_index().melt("period", var_name="series", value_name="customers")
        sns.lineplot(long, x="period", y="customers", hue="series", marker="o", palette=PALETTE, ax=ax)
        ax.set(title=f"Customer base: {int(active.iloc[-1]):,} customers active in the last period, "
                     f"{int(new.sum()):,} acquired in all",
               xlabel="Period start", ylabel="Customers (count)")
        ax.legend(title=None)
        fig.tight_layout()
    return fig


def frequency_distribution(summary: pd.DataFrame, cap: int = 10) -> plt.Figure:
    """How many customers made 0, 1, 2, ... repeat purchases (the last bar is ``cap`` or more)."""
    counts = summary["frequency"].clip(upper=cap).value_counts().sort_index()
    labels = [str(int(i)) if i < cap else f"{cap}+" for i in counts.index]
    one_timers = (summary["frequency"] == 0).mean()
    with _style():
        fig, ax = plt.subplots(figsize=(8, 4))
        sns.barplot(x=labels, y=counts.to_numpy(), color=sns.color_palette(PALETTE)[0], ax=ax)
        ax.set(title=f"{one_timers:.0%} of customers bought only once",
               xlabel="Repeat purchases (count)", ylabel="Customers (count)")
        fig.tight_layout()
    return fig


def spend_distribution(transactions: pd.DataFrame, currency: str = "") -> plt.Figure:
    """Distribution of purchase amounts on a log scale (returns and zero amounts left out)."""
    amounts = transactions.loc[transactions["amount"] > 0, "amount"]
    unit = f" ({currency})" if currency else ""
    with _style():
        fig, ax = plt.subplots(figsize=(8, 4))
        sns.histplot(amounts, bins=40, log_scale=True, color=sns.color_palette(PALETTE)[1], ax=ax)
        ax.axvline(amounts.median(), color="black", linestyle="--", linewidth=1)
        ax.set(title=f"Half of all purchases are below {amounts.median():,.2f}{unit}",
               xlabel=f"Purchase amount{unit}, log scale", ylabel="Purchases (count)")
        fig.tight_layout()
    return fig


def channel_mix(transactions: pd.DataFrame, currency: str = "") -> plt.Figure | None:
    """Share of purchases and of revenue by channel; None when the data has no channel column."""
    if "channel" not in transactions or transactions["channel"].isna().all():
        return None
    tx = transactions[transactions["amount"] > 0].fillna({"channel": "unknown"})
    by = tx.groupby("channel").agg(purchases=("amount", "size"), revenue=("amount", "sum"))
    shares = (by / by.sum()).rename(columns={"purchases": "share of purchases",
                                             "revenue": "share of revenue"})
    shares = shares.sort_values("share of revenue", ascending=False)
    long = shares.reset_index().melt("channel", var_name="measure", value_name="share")
    top = shares.index[0]
    with _style():
        fig, ax = plt.subplots(figsize=(8, 4))
        sns.barplot(long, x="channel", y="share", hue="measure", palette=PALETTE, ax=ax)
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set(title=f"'{top}' brings {shares.loc[top, 'share of revenue']:.0%} of revenue",
               xlabel="Channel", ylabel="Share (%)")
        ax.legend(title=None)
        fig.tight_layout()
    return fig


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
