"""Figures of the overview report: the customer base over time, purchase frequency, spend, channels.

Each function draws canonical data on ``ax`` (a new figure when None) and returns the Axes, with a
title that states what the data show. The headline table is :func:`crmlib.overview.revenue_summary`.
"""

from __future__ import annotations

import pandas as pd
import seaborn as sns

from crmlib.exceptions import DataError
from crmlib.plots import style


def customer_base(transactions: pd.DataFrame, *, ax=None, freq: str = "MS"):
    """New and active customers per month (or other ``freq``), from canonical transactions."""
    tx = transactions[~transactions["is_return"]] if "is_return" in transactions else transactions
    period = tx["date"].dt.to_period(freq[0]).dt.start_time
    first = tx.groupby("customer_id")["date"].min().dt.to_period(freq[0]).dt.start_time
    active = tx.assign(period=period).groupby("period")["customer_id"].nunique()
    new = first.value_counts().sort_index().reindex(active.index, fill_value=0)
    frame = pd.DataFrame({"active customers": active, "new customers": new}).rename_axis("period")
    with style.grid():
        ax = style.axes(ax, (9, 4))
        long = frame.reset_index().melt("period", var_name="series", value_name="customers")
        sns.lineplot(long, x="period", y="customers", hue="series", marker="o", palette=style.PALETTE, ax=ax)
        ax.set(title=f"Customer base: {int(active.iloc[-1]):,} customers active in the last period, "
                     f"{int(new.sum()):,} acquired in all",
               xlabel="Period start (date)", ylabel="Customers (count)")
        ax.legend(title=None)
    return ax


def frequency_distribution(summary: pd.DataFrame, *, ax=None, cap: int = 10):
    """How many customers made 0, 1, 2, ... repeat purchases (the last bar is ``cap`` or more)."""
    counts = summary["frequency"].clip(upper=cap).value_counts().sort_index()
    labels = [str(int(i)) if i < cap else f"{cap}+" for i in counts.index]
    one_timers = (summary["frequency"] == 0).mean()
    with style.grid():
        ax = style.axes(ax, (8, 4))
        sns.barplot(x=labels, y=counts.to_numpy(), color=style.colours()[0], ax=ax)
        ax.set(title=f"{one_timers:.0%} of customers bought only once",
               xlabel="Repeat purchases (count)", ylabel="Customers (count)")
    return ax


def spend_distribution(transactions: pd.DataFrame, *, ax=None, currency: str = ""):
    """Distribution of purchase amounts on a log scale (returns and zero amounts left out)."""
    amounts = transactions.loc[transactions["amount"] > 0, "amount"]
    unit = f" ({currency})" if currency else ""
    with style.grid():
        ax = style.axes(ax, (8, 4))
        sns.histplot(amounts, bins=40, log_scale=True, color=style.colours()[1], ax=ax)
        ax.axvline(amounts.median(), color="black", linestyle="--", linewidth=1)
        ax.set(title=f"Half of all purchases are below {amounts.median():,.2f}{unit}",
               xlabel=f"{style.money_label('Purchase amount', currency)}, log scale", ylabel="Purchases (count)")
    return ax


def channel_mix(transactions: pd.DataFrame, *, ax=None, currency: str = ""):
    """Share of purchases and of revenue by channel (the data need a ``channel`` column)."""
    if "channel" not in transactions or transactions["channel"].isna().all():
        raise DataError("channel_mix: the transactions have no 'channel' column (or it is empty); "
                        "leave the figure out for these data.")
    tx = transactions[transactions["amount"] > 0].fillna({"channel": "unknown"})
    by = tx.groupby("channel").agg(purchases=("amount", "size"), revenue=("amount", "sum"))
    shares = (by / by.sum()).rename(columns={"purchases": "share of purchases",
                                             "revenue": "share of revenue"})
    shares = shares.sort_values("share of revenue", ascending=False)
    long = shares.reset_index().melt("channel", var_name="measure", value_name="share")
    top = shares.index[0]
    with style.grid():
        ax = style.axes(ax, (8, 4))
        sns.barplot(long, x="channel", y="share", hue="measure", palette=style.PALETTE, ax=ax)
        style.percent(ax.yaxis)
        ax.set(title=f"'{top}' brings {shares.loc[top, 'share of revenue']:.0%} of revenue",
               xlabel="Channel", ylabel="Share (%)")
        ax.legend(title=None)
    return ax
