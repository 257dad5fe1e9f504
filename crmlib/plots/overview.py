"""Figures of the overview report: the customer base and revenue over time, orders, purchase
frequency, spend, channels, category mix and the customers file's attributes.

Each function draws canonical data, or a table of :mod:`crmlib.overview`, on ``ax`` (a new figure
when None) and returns the Axes, with a title that states what the data show. The headline table
is :func:`crmlib.overview.revenue_summary`.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from crmlib.exceptions import DataError
from crmlib.plots import style
from crmlib.purchases import first_purchase


def customer_base(transactions: pd.DataFrame, *, ax=None, freq: str = "MS"):
    """New and active customers per month (or other ``freq``), from canonical transactions."""
    tx = transactions[~transactions["is_return"]] if "is_return" in transactions else transactions
    period = tx["date"].dt.to_period(freq[0]).dt.start_time
    first = first_purchase(transactions).dt.to_period(freq[0]).dt.start_time  # crmlib.purchases
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


def _months(ax, index: pd.DatetimeIndex) -> None:
    """Date ticks that never crowd: at most about 12 labelled periods, as 'Jan 2025'."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def revenue_over_time(periods: pd.DataFrame, *, ax=None, currency: str = ""):
    """Net revenue per period (from :func:`crmlib.overview.revenue_by_period`), the peak marked."""
    revenue = periods["revenue"]
    peak = revenue.idxmax()
    share = revenue[peak] / revenue.mean() - 1 if revenue.mean() > 0 else 0.0
    unit = f" {currency}" if currency else ""
    with style.grid():
        ax = style.axes(ax, (9, 4))
        colour = style.colours()[0]
        ax.plot(revenue.index, revenue.to_numpy(), marker="o", color=colour)
        ax.fill_between(revenue.index, 0, revenue.to_numpy(), color=colour, alpha=0.15)
        ax.plot([peak], [revenue[peak]], marker="o", markersize=10, color=style.colours()[3], linestyle="")
        _months(ax, revenue.index)
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylim(bottom=min(0, revenue.min() * 1.1))
        ax.set(title=f"Revenue peaks in {peak:%b %Y} at {revenue[peak]:,.0f}{unit}, "
                     f"{share:.0%} above the mean period",
               xlabel="Period start (date)", ylabel=style.money_label("Net revenue", currency))
    return ax


def orders_over_time(periods: pd.DataFrame, *, ax=None, currency: str = ""):
    """Orders per period and their mean value (from :func:`crmlib.overview.revenue_by_period` of
    transactions with an ``order_id``)."""
    if "orders" not in periods.columns:
        raise DataError("orders_over_time: the table has no 'orders' column: the transactions have no "
                        "order id; leave the figure out for these data.")
    orders = periods["orders"]
    busiest = orders.idxmax()
    per_order = periods["revenue"].sum() / orders.sum() if orders.sum() else float("nan")
    unit = f" {currency}" if currency else ""
    with style.grid():
        ax = style.axes(ax, (9, 4))
        ax.plot(orders.index, orders.to_numpy(), marker="o", color=style.colours()[2])
        _months(ax, orders.index)
        ax.set_ylim(bottom=0)
        ax.set(title=f"{int(orders.sum()):,} orders of {per_order:,.0f}{unit} on average; "
                     f"the most in {busiest:%b %Y} ({int(orders[busiest]):,})",
               xlabel="Period start (date)", ylabel="Orders (count)")
    return ax


def category_mix(mix: pd.DataFrame, *, ax=None):
    """Each category's share of revenue and of customers (from :func:`crmlib.overview.category_mix`)."""
    shares = mix[["revenue_share", "customer_share"]].rename(
        columns={"revenue_share": "share of revenue", "customer_share": "share of customers"})
    long = shares.rename_axis("category").reset_index().melt("category", var_name="measure", value_name="share")
    top = mix.index[0]
    with style.grid():
        ax = style.axes(ax, (8, 1.6 + 0.45 * len(mix)))
        sns.barplot(long, y="category", x="share", hue="measure", palette=style.PALETTE, ax=ax)
        style.percent(ax.xaxis)
        ax.set(title=f"'{top}' brings {mix.loc[top, 'revenue_share']:.0%} of revenue from "
                     f"{mix.loc[top, 'customer_share']:.0%} of customers",
               xlabel="Share (%; a customer may buy in several categories)", ylabel="Category")
        ax.legend(title=None, loc="lower right")
    return ax


def attribute_value(table: pd.DataFrame, *, ax=None, currency: str = ""):
    """Revenue per buying customer for each value of a customers-file attribute, customers in
    brackets (from :func:`crmlib.overview.attribute_value`)."""
    column = table.index.name or "attribute"
    names = [str(v) for v in table.index]
    labels = [f"{n} ({c:,})" for n, c in zip(names, table["customers"])]
    per = table["revenue_per_buyer"].astype(float)
    real = per[[not n.startswith("(") for n in names]].dropna()
    unit = f" {currency}" if currency else ""
    if len(real) >= 2 and real.min() > 0:
        title = (f"{real.idxmax()} customers bring {real.max():,.0f}{unit} each, "
                 f"{real.max() / real.min():.1f}x {real.idxmin()}")
    elif len(real):
        title = f"{real.idxmax()} customers bring {real.max():,.0f}{unit} each"
    else:
        title = f"No {column.replace('_', ' ')} value holds enough customers to compare"
    with style.grid():
        ax = style.axes(ax, (8, 1.4 + 0.38 * len(table)))
        ax.barh(labels, per.fillna(0).to_numpy(), color=style.colours()[4])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set(title=title, xlabel=style.money_label("Net revenue per buying customer", currency),
               ylabel=f"{column.replace('_', ' ').capitalize()} (customers)")
    return ax
