"""Figures of the overview report: the customer base and revenue over time, orders, purchase
frequency, spend, channels, category mix and the customers file's attributes.

Each function draws canonical data, or a table of :mod:`crmlib.overview`, on ``ax`` (a new figure
when None) and returns the Axes, with a title that states what the data show. The headline table
is :func:`crmlib.overview.revenue_summary`.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from crmlib.errors import require_columns
from crmlib.formats import Formats
from crmlib.plots import style
from crmlib.words import Words
from crmlib.words import overview as ow


def _lang(words: Words | None, fmt: Formats | None, currency: str = "") -> tuple[Words, Formats]:
    """The figure's words and formats: ``fmt`` (the page's, with its currency) or English with
    ``currency``; ``words`` default to ``fmt``'s language."""
    fmt = fmt or Formats("en", currency=currency or None)
    return (words or Words.of(fmt)), fmt


def customer_base(transactions: pd.DataFrame, *, ax=None, freq: str = "MS", observation_end=None,
                  words: Words | None = None, fmt: Formats | None = None, base=None):
    """New and active customers per month (or other ``freq``), from canonical transactions. A first period the
    data start inside of, or a last one they end inside of (:func:`crmlib.overview.period_coverage`, between the
    first transaction's day and ``observation_end`` or the last transaction's day), is drawn hollow at the end of a
    dashed line and labelled partial; the title counts the last complete period. ``base``: the active and new
    customers of :func:`crmlib.overview.customer_base` when computed already."""
    from crmlib import overview

    w, fmt = _lang(words, fmt)
    active, new = base if base is not None else overview.customer_base(transactions, freq)  # new: first purchases
    coverage = overview.period_coverage(active.index, freq, overview.data_end(transactions, observation_end),
                                        start=overview.data_start(transactions))
    complete = coverage["complete"]
    with style.grid():
        ax = style.axes(ax, (9, 4))
        for series, label, colour in ((active, ow.LEGEND_ACTIVE, 0), (new, ow.LEGEND_NEW, 1)):
            _period_line(ax, series, complete, style.colours()[colour], label=w(label))
        style.mark_partial(ax, coverage, w, fmt)
        style.count_ticks(ax.yaxis, fmt)
        counted = dict(new=fmt.count(new.sum()))
        if complete.all():
            title = w(ow.TITLE_CUSTOMER_BASE, active=fmt.count(active.iloc[-1]), **counted)
        elif complete.any():
            last = complete[complete].index[-1]
            title = w(ow.TITLE_CUSTOMER_BASE_COMPLETE, active=fmt.count(active[last]),
                      period=ow.period_name(last, freq, fmt), **counted)
        elif _none_whole(coverage, complete):  # no count of a part of a period is the base's size
            title = w(ow.TITLE_CUSTOMER_BASE_NONE_COMPLETE, dates=_covered(coverage, fmt), **counted)
        else:
            title = w(ow.TITLE_CUSTOMER_BASE_PARTIAL, active=fmt.count(active.iloc[-1]),
                      period=ow.period_name(active.index[-1], freq, fmt),
                      date=fmt.date(coverage["covered_to"].iloc[-1], "medium"), **counted)
        ax.set(title=title, xlabel=w(ow.AXIS_PERIOD_START), ylabel=w(ow.AXIS_CUSTOMERS))
        _months(ax, active.index, fmt)
        ax.legend(title=None)
    return ax


def frequency_distribution(summary: pd.DataFrame, *, ax=None, cap: int = 10, words: Words | None = None,
                           fmt: Formats | None = None):
    """How many customers made 0, 1, 2, ... repeat purchases: a bar for every count up to ``cap`` (those
    nobody has at height 0), the last one ``cap`` or more."""
    w, fmt = _lang(words, fmt)
    # every count from 0 to the cap has its slot, a count nobody has a bar of height 0: without them the bars
    # of 5 and 7 stood side by side as if consecutive
    counts = summary["frequency"].clip(upper=cap).value_counts().reindex(range(cap + 1), fill_value=0)
    labels = [fmt.count(i) if i < cap else f"{fmt.count(cap)}+" for i in counts.index]
    one_timers = (summary["frequency"] == 0).mean()
    with style.grid():
        ax = style.axes(ax, (8, 4))
        sns.barplot(x=labels, y=counts.to_numpy(), color=style.colours()[0], ax=ax)
        style.count_ticks(ax.yaxis, fmt)
        ax.set(title=w(ow.TITLE_ONCE, share=fmt.share(one_timers, 0)),
               xlabel=w(ow.AXIS_REPEAT_PURCHASES), ylabel=w(ow.AXIS_CUSTOMERS))
    return ax


def spend_distribution(transactions: pd.DataFrame, *, ax=None, currency: str = "", words: Words | None = None,
                       fmt: Formats | None = None):
    """Distribution of purchase amounts on a log scale, a purchase being a customer-day as in every
    model (:func:`crmlib.overview.purchase_days`: one customer's transactions of one day, netted); days that net to
    zero are left out of the log scale."""
    w, fmt = _lang(words, fmt, currency)
    from crmlib.overview import _is_log, purchase_days

    if _is_log(transactions):  # a log: the histogram counted in DuckDB (crmlib.log_tables)
        from crmlib.log_tables import purchase_amount_bins

        bins, median = purchase_amount_bins(transactions, bins=40)
        centres = np.sqrt(bins["left"] * bins["right"])
        edges = np.r_[bins["left"].to_numpy(), bins["right"].to_numpy()[-1:]]
    else:
        amounts = purchase_days(transactions)
        amounts = amounts[amounts > 0]
        median = amounts.median()
    with style.grid():
        ax = style.axes(ax, (8, 4))
        if _is_log(transactions):  # the same bars as seaborn's, from the counts
            ax.hist(centres.to_numpy(), bins=edges, weights=bins["count"].to_numpy(), color=style.colours()[1],
                    alpha=0.75, edgecolor="white")
            ax.set_xscale("log")
        else:
            sns.histplot(amounts, bins=40, log_scale=True, color=style.colours()[1], ax=ax)
        ax.axvline(median, color="black", linestyle="--", linewidth=1)
        style.log_ticks(ax.xaxis, fmt)  # minor labels (20, 50) too, in the page's digits
        style.count_ticks(ax.yaxis, fmt)
        ax.set(title=w(ow.TITLE_SPEND, median=fmt.money(median, 2)),
               xlabel=w(ow.AXIS_PURCHASE_AMOUNT, unit=ow.money_unit(w, fmt)), ylabel=w(ow.AXIS_PURCHASES))
    return ax


def channel_mix(transactions: pd.DataFrame, *, ax=None, currency: str = "", words: Words | None = None,
                fmt: Formats | None = None):
    """Share of transaction lines and of revenue by channel (the data need a ``channel`` column)."""
    from crmlib.overview import channel_totals

    w, fmt = _lang(words, fmt, currency)
    by = channel_totals(transactions)  # a DataError without channels
    purchases, revenue = w(ow.LEGEND_SHARE_LINES), w(ow.LEGEND_SHARE_REVENUE)
    shares = (by / by.sum()).rename(columns={"purchases": purchases, "revenue": revenue})
    shares = shares.sort_values(revenue, ascending=False)
    long = shares.reset_index().melt("channel", var_name="measure", value_name="share")
    top = shares.index[0]
    with style.grid():
        ax = style.axes(ax, (8, 4))
        sns.barplot(long, x="channel", y="share", hue="measure", palette=style.PALETTE, ax=ax)
        ax.yaxis.set_major_formatter(fmt.ticks("share"))
        ax.set(title=w(ow.TITLE_CHANNEL, channel=top, share=fmt.share(shares.loc[top, revenue], 0)),
               xlabel=w(ow.AXIS_CHANNEL), ylabel=w(ow.AXIS_SHARE))
        # room above the tallest bar for the legend, in one row at the top right (over the smaller channels):
        # placed where matplotlib found "best", it covered the bars of a shop's third channel
        ax.set_ylim(0, float(np.nanmax(shares.to_numpy())) * 1.3)
        ax.legend(title=None, ncols=2, loc="upper right")
    return ax


def _months(ax, index: pd.DatetimeIndex, fmt: Formats | None = None) -> None:
    """Date ticks that never crowd: at most about 8 labelled months, as 'Jan 2025' in the language
    of ``fmt`` (matplotlib's concise English labels without it)."""
    if fmt is None:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=12)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        return
    step = max(1, -(-len(index) // 8))  # "Dec 2023" in Bengali or Hindi is wider than 12 fit
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=step))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: fmt.month(mdates.num2date(v), "short")))


def _complete(periods: pd.DataFrame) -> pd.Series:
    """Whether each period of a table of :func:`crmlib.overview.revenue_by_period` is complete (its ``complete``
    column, :func:`crmlib.overview.period_coverage`'s rule); a table without the column is taken as complete."""
    if "complete" in periods:
        return periods["complete"].astype(bool)
    return pd.Series(True, index=periods.index)


def _period_line(ax, values: pd.Series, complete: pd.Series, colour, label: str | None = None) -> None:
    """``values`` per period as a line with a point each. When a period is partial (the data start or end inside it)
    the whole series is drawn first dashed with hollow points, then the complete periods solid over it: a partial
    first or last period stands out hollow at the end of a dashed segment, and one line holds every period's value."""
    x = mdates.date2num(values.index)  # matplotlib's day numbers, as seaborn drew them: a line's data are numbers
    ax.xaxis_date()
    if not complete.all():
        ax.plot(x, values.to_numpy(), marker="o", color=colour, linestyle="--", alpha=0.7,
                markerfacecolor="white", label="_nolegend_")
    whole = complete.to_numpy()
    ax.plot(x[whole], values.to_numpy()[whole], marker="o", color=colour, label=label)


def _peak_of(values: pd.Series, complete: pd.Series) -> tuple[pd.Series, bool]:
    """The values a peak or a mean is taken over (those of the complete periods, or all when none is complete)
    and whether a period was left out."""
    whole = values[complete.to_numpy()]
    return (whole, True) if len(whole) < len(values) and len(whole) else (values, False)


def _none_whole(periods: pd.DataFrame, complete: pd.Series) -> bool:
    """Whether no period of a table is whole and none may be named a peak or the busiest: two periods the data
    start and end inside of, or one they start inside of (one they only end inside of keeps its titles)."""
    if complete.any() or "covered_to" not in periods:
        return False
    return len(periods) > 1 or ("starts_late" in periods and bool(periods["starts_late"].iloc[0]))


def _covered(periods: pd.DataFrame, fmt: Formats) -> str:
    """The days the data of a period table cover: "3 Dec 2023 – 3 Jan 2024"."""
    first = periods["covered_from"].iloc[0] if "covered_from" in periods else periods.index[0]
    return fmt.date_range(first, periods["covered_to"].iloc[-1])


def revenue_over_time(periods: pd.DataFrame, *, ax=None, currency: str = "", words: Words | None = None,
                      fmt: Formats | None = None):
    """Net revenue per period (from :func:`crmlib.overview.revenue_by_period`), the peak marked. A period the data
    start or end inside of (its ``complete`` column false) is drawn hollow at the end of a dashed line, labelled
    partial, and left out of the peak and the mean the title names; when no period is whole none is named."""
    w, fmt = _lang(words, fmt, currency)
    revenue = periods["revenue"]
    complete = _complete(periods)
    shown, left_out = _peak_of(revenue, complete)
    peak = shown.idxmax()
    none_whole = _none_whole(periods, complete)
    share = shown[peak] / shown.mean() - 1 if shown.mean() > 0 else 0.0
    with style.grid():
        ax = style.axes(ax, (9, 4))
        colour = style.colours()[0]
        _period_line(ax, revenue, complete, colour)
        ax.fill_between(revenue.index, 0, revenue.to_numpy(), color=colour, alpha=0.06)  # partial: lighter
        ax.fill_between(revenue.index, 0, revenue.to_numpy(), where=complete.to_numpy(), color=colour, alpha=0.1)
        if not none_whole:  # a part of a period is no peak
            ax.plot([peak], [revenue[peak]], marker="o", markersize=10, color=style.colours()[3], linestyle="")
        _months(ax, revenue.index, fmt)
        ax.yaxis.set_major_formatter(fmt.ticks("number"))
        ax.set_ylim(bottom=min(0, revenue.min() * 1.1))
        if "covered_to" in periods:
            style.mark_partial(ax, periods, w, fmt)
        money = fmt.money(revenue[peak], 0)
        if none_whole:
            title = w(ow.TITLE_REVENUE_NONE_COMPLETE, dates=_covered(periods, fmt), revenue=fmt.money(revenue.sum(), 0))
        elif len(shown) > 1:
            title = w(ow.TITLE_REVENUE_PEAK_COMPLETE if left_out else ow.TITLE_REVENUE_PEAK, month=fmt.month(peak),
                      revenue=money, share=fmt.share(share, 0))
        elif left_out:
            title = w(ow.TITLE_REVENUE_ONE_COMPLETE, month=fmt.month(peak), revenue=money)
        elif complete.all() or "covered_to" not in periods:
            title = w(ow.TITLE_REVENUE_ONE_PERIOD, month=fmt.month(peak), revenue=money)
        else:  # the one period of the data, which they end inside of
            title = w(ow.TITLE_REVENUE_PARTIAL, month=fmt.month(peak), revenue=money,
                      date=fmt.date(periods.loc[peak, "covered_to"], "medium"))
        ax.set(title=title,
               xlabel=w(ow.AXIS_PERIOD_START), ylabel=w(ow.AXIS_NET_REVENUE, unit=ow.money_unit(w, fmt)))
    return ax


def orders_over_time(periods: pd.DataFrame, *, ax=None, currency: str = "", words: Words | None = None,
                     fmt: Formats | None = None):
    """Orders per period and their mean value (from :func:`crmlib.overview.revenue_by_period` of
    transactions with an ``order_id``). A partial period is drawn and labelled as in :func:`revenue_over_time`
    and is never the busiest the title names (when no period is whole, none is); the totals count every order."""
    require_columns(periods, ("orders",), "orders_over_time", "revenue by period",
                    "The transactions have no order id; leave the figure out for these data.")
    w, fmt = _lang(words, fmt, currency)
    orders = periods["orders"]
    complete = _complete(periods)
    shown, left_out = _peak_of(orders, complete)
    busiest = shown.idxmax()
    per_order = periods["revenue"].sum() / orders.sum() if orders.sum() else float("nan")
    with style.grid():
        ax = style.axes(ax, (9, 4))
        _period_line(ax, orders, complete, style.colours()[2])
        _months(ax, orders.index, fmt)
        ax.set_ylim(bottom=0)
        if "covered_to" in periods:
            style.mark_partial(ax, periods, w, fmt)
        style.count_ticks(ax.yaxis, fmt)
        counted = dict(orders=fmt.count(orders.sum()), per_order=fmt.money(per_order, 0))
        if _none_whole(periods, complete):
            title = w(ow.TITLE_ORDERS_NONE_COMPLETE, **counted)
        else:
            title = w(ow.TITLE_ORDERS_COMPLETE if left_out else ow.TITLE_ORDERS, month=fmt.month(busiest),
                      busiest=fmt.count(orders[busiest]), **counted)
        ax.set(title=title, xlabel=w(ow.AXIS_PERIOD_START), ylabel=w(ow.AXIS_ORDERS))
    return ax


def category_mix(mix: pd.DataFrame, *, ax=None, words: Words | None = None, fmt: Formats | None = None):
    """Each category's share of revenue and of customers (from :func:`crmlib.overview.category_mix`)."""
    w, fmt = _lang(words, fmt)
    shares = mix[["revenue_share", "customer_share"]].rename(
        columns={"revenue_share": w(ow.LEGEND_SHARE_REVENUE), "customer_share": w(ow.LEGEND_SHARE_CUSTOMERS)})
    long = shares.rename_axis("category").reset_index().melt("category", var_name="measure", value_name="share")
    top = mix.index[0]
    with style.grid():
        ax = style.axes(ax, (8, 1.6 + 0.45 * len(mix)))
        sns.barplot(long, y="category", x="share", hue="measure", palette=style.PALETTE, ax=ax)
        ax.xaxis.set_major_formatter(fmt.ticks("share"))
        ax.set(title=w(ow.TITLE_CATEGORY, category=top, revenue_share=fmt.share(mix.loc[top, "revenue_share"], 0),
                       customer_share=fmt.share(mix.loc[top, "customer_share"], 0)),
               xlabel=w(ow.AXIS_CATEGORY_SHARE), ylabel=w(ow.AXIS_CATEGORY))
        # room right of the longest bar, so the legend covers no bar
        ax.set_xlim(0, float(long["share"].max()) * 1.45)
        ax.legend(title=None, loc="best")
    return ax


def attribute_value(table: pd.DataFrame, *, ax=None, currency: str = "", words: Words | None = None,
                    fmt: Formats | None = None):
    """Revenue per buying customer for each value of a customers-file attribute, customers in
    brackets (from :func:`crmlib.overview.attribute_value`). The title names the best and worst
    values of the file; a merged row (:data:`crmlib.overview.MERGED`: rare or other values, blanks,
    customers not in the file) is drawn, in the page's words, but never named as either."""
    from crmlib import overview

    w, fmt = _lang(words, fmt, currency)
    column = ow.attribute_name(table.index.name or "attribute", w)
    real = table.loc[[v not in overview.MERGED for v in table.index], "revenue_per_buyer"].astype(float).dropna()
    table = ow.attribute_labels(table, w)
    names = [str(v) for v in table.index]
    labels = [f"{n} ({fmt.count(c)})" for n, c in zip(names, table["customers"])]
    per = table["revenue_per_buyer"].astype(float)
    if len(real) >= 2 and real.min() > 0:
        title = w(ow.TITLE_ATTRIBUTE_RATIO, best=real.idxmax(), amount=fmt.money(real.max(), 0),
                  ratio=fmt.number(real.max() / real.min(), 1), worst=real.idxmin())
    elif len(real):
        title = w(ow.TITLE_ATTRIBUTE_ONE, best=real.idxmax(), amount=fmt.money(real.max(), 0))
    else:
        title = w(ow.TITLE_ATTRIBUTE_NONE, column=column)
    with style.grid():
        ax = style.axes(ax, (8, 1.4 + 0.38 * len(table)))
        ax.barh(labels, per.fillna(0).to_numpy(), color=style.colours()[4])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(fmt.ticks("number"))
        ax.set(title=title, xlabel=w(ow.AXIS_REVENUE_PER_BUYER, unit=ow.money_unit(w, fmt)),
               ylabel=w(ow.AXIS_ATTRIBUTE, column=column))
    return ax
