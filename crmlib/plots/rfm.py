"""Figures of RFM segments: the R x F grid, segment size against revenue, migration, silhouettes.

Each function draws on ``ax`` (a new figure when None), returns the Axes, and writes a title that
states what the figure shows, computed from the data. The tables come from :mod:`crmlib.rfm`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns

from crmlib.exceptions import DataError
from crmlib.plots import style
from crmlib.rfm import rf_grid

_LABELS = {"mean_spend": "spend per purchase", "monetary_value": "spend per repeat purchase",
           "revenue": "revenue per customer"}


def rf_heatmap(scored: pd.DataFrame, *, ax=None, value: str = "customers", currency: str = "",
               min_customers: int | None = None):
    """Heatmap of the R x F grid: customer counts, or the mean of ``value`` per cell.

    For means, cells with fewer than ``min_customers`` customers (default: 1 % of customers,
    at least 10) are left blank, since a mean of a handful of customers says little.
    """
    ax = style.axes(ax, (7, 5))
    grid = rf_grid(scored, value)
    if value == "customers":
        total = grid.to_numpy().sum()
        r, f = np.unravel_index(np.argmax(grid.to_numpy()), grid.shape)
        share = grid.iat[r, f] / total if total else 0
        title = f"The largest cell, R={grid.index[r]} F={grid.columns[f]}, holds {share:.0%} of customers"
        sns.heatmap(grid, annot=True, fmt=",d", cmap="Blues", ax=ax, cbar_kws={"label": "customers"})
    else:
        label = _LABELS.get(value, value.replace("_", " "))
        unit = f" ({currency})" if currency else ""
        counts = rf_grid(scored, "customers")
        floor = max(10, int(0.01 * len(scored))) if min_customers is None else min_customers
        grid = grid.where(counts >= floor)
        arr = grid.to_numpy(dtype=float)
        if np.isnan(arr).all():
            title = f"Too few customers per cell to compare mean {label}"
        else:
            r, f = np.unravel_index(np.nanargmax(arr), arr.shape)
            title = (f"Mean {label} is highest at R={grid.index[r]} F={grid.columns[f]} "
                     f"({currency}{arr[r, f]:,.0f}; cells of {floor}+ customers)")
        sns.heatmap(grid, annot=True, fmt=",.0f", cmap="Greens", ax=ax,
                    cbar_kws={"label": f"mean {label}{unit}"})
    style.title(ax, title)
    ax.set_xlabel("F score (1 = fewest purchases)")
    ax.set_ylabel(f"R score ({len(grid)} = most recent purchase)")
    return ax


def segment_size_revenue(profile: pd.DataFrame, *, ax=None):
    """Bars of each segment's share of customers and of revenue (from :func:`crmlib.rfm.profile`)."""
    ax = style.axes(ax, (8, 5.5))
    rev = "revenue_share" if "revenue_share" in profile.columns else "repeat_revenue_share"
    if rev not in profile.columns or "customer_share" not in profile.columns:
        raise DataError("profile table needs 'customer_share' and 'revenue_share': build it with crmlib.rfm.profile().")
    data = profile[["customer_share", rev]].rename(
        columns={"customer_share": "share of customers", rev: "share of revenue"})
    long = (data.rename_axis("segment").reset_index()
            .melt(id_vars="segment", var_name="measure", value_name="share"))
    long["share"] = 100 * long["share"]
    sns.barplot(long, y="segment", x="share", hue="measure", ax=ax, palette=["#9ecae1", "#31a354"])
    gap = profile[rev] - profile["customer_share"]
    top = gap.idxmax() if gap.notna().any() else profile.index[0]
    style.title(ax, f"{top}: {profile.at[top, 'customer_share']:.0%} of customers, "
                    f"{profile.at[top, rev]:.0%} of revenue")
    ax.set_xlabel("share (%)")
    ax.set_ylabel("")
    ax.legend(title="")
    return ax


def migration_heatmap(shares: pd.DataFrame, *, ax=None, counts: pd.DataFrame | None = None,
                      focus: str = "Champions"):
    """Heatmap of row shares of :func:`crmlib.rfm.migration` (each row sums to 100 %).

    With ``counts``, rows and columns without any customer are left out.
    """
    pct = 100 * shares.astype(float)
    if counts is not None:  # leave out segments empty at both dates
        pct = pct.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
        counts = counts.loc[pct.index, pct.columns]
    # a row of cells per segment at least as tall as two lines of tick labels, a column wide
    # enough for "100": the labels are never squeezed, whatever the number of segments
    ax = style.axes(ax, (max(7.0, 3.5 + 0.7 * pct.shape[1]), max(4.5, 2.6 + 0.42 * pct.shape[0])))
    annot = pct.round(0)
    sns.heatmap(pct, annot=annot, fmt=".0f", cmap="Purples", vmin=0, vmax=100, ax=ax,
                cbar_kws={"label": "% of the earlier segment"}, linewidths=0.5,
                xticklabels=True, yticklabels=True)
    ax.tick_params(axis="y", labelrotation=0)
    ax.tick_params(axis="x", labelrotation=90)
    if focus in pct.index and focus in pct.columns and pct.loc[focus].notna().any():
        stay = pct.at[focus, focus]
        others = pct.loc[focus].drop(focus)
        to = others.idxmax()
        title = f"{stay:.0f}% of {focus} stayed {focus}; {others.max():.0f}% moved to {to}"
    else:
        off = pct.where(~np.equal.outer(pct.index.to_numpy(), pct.columns.to_numpy()))
        stacked = off.stack()
        if counts is not None:
            stacked = stacked[counts.stack().reindex(stacked.index) > 0]
        (a, b) = stacked.idxmax() if len(stacked) else (pct.index[0], pct.columns[0])
        title = f"The largest move: {stacked.max():.0f}% of {a} became {b}" if len(stacked) else "Segment migration"
    style.title(ax, title)
    ax.set_xlabel("segment at the later date")
    ax.set_ylabel("segment at the earlier date")
    return ax


def silhouette_by_k(clusters, *, ax=None):
    """Silhouette per number of clusters for :func:`crmlib.rfm.cluster`, the chosen k marked."""
    ax = style.axes(ax, (6, 3.5))
    s = clusters.silhouette
    colors = ["#31a354" if k == clusters.k else "#bdbdbd" for k in s.index]
    ax.bar(s.index.astype(str), s.to_numpy(), color=colors)
    style.title(ax, f"k = {clusters.k} clusters separate customers best (silhouette {s[clusters.k]:.2f})")
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("mean silhouette (-1 to 1)")
    return ax
