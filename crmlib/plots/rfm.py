"""Figures of RFM segments: the R x F grid, segment size against revenue, migration, silhouettes.

Each function draws on ``ax`` (a new figure when None), returns the Axes, and writes a title that
states what the figure shows, computed from the data. The tables come from :mod:`crmlib.rfm`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns

from crmlib.errors import require_columns
from crmlib.formats import Formats
from crmlib.plots import style
from crmlib.rfm import rf_grid
from crmlib.words import segments as sw
from crmlib.words.segment_names import words_formats as _wf


def _tick_names(ax, w, axis: str) -> None:
    """Segment keys on the ticks of ``axis`` as the page names them."""
    get, set_ = ((ax.get_xticklabels, ax.set_xticklabels) if axis == "x" else (ax.get_yticklabels, ax.set_yticklabels))
    labels = get()
    set_([sw.name(w, t.get_text()) for t in labels])


def _annotate(ax, grid: pd.DataFrame, write) -> None:
    """Each cell's value written by ``write`` (the page's digits and grouping), blank cells left out;
    white on the darkest 40 % of the colour scale (which runs from the grid's least to its most),
    black on the paler cells."""
    arr = grid.to_numpy(dtype=float)
    lo, hi = (np.nanmin(arr), np.nanmax(arr)) if np.isfinite(arr).any() else (0.0, 0.0)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            if pd.notna(v):
                dark = hi > lo and (v - lo) / (hi - lo) > 0.6
                ax.text(j + 0.5, i + 0.5, write(v), ha="center", va="center", fontsize=9,
                        color="white" if dark else "black")


def _scores_axes(ax, grid, w, fmt) -> None:
    ax.set_xticklabels([fmt.count(c) for c in grid.columns])
    ax.set_yticklabels([fmt.count(r) for r in grid.index], rotation=0)
    ax.set_xlabel(w(sw.F_AXIS))
    ax.set_ylabel(w(sw.R_AXIS, bins=fmt.count(len(grid))))


def rf_heatmap(scored: pd.DataFrame, *, ax=None, value: str = "customers", currency: str = "",
               min_customers: int | None = None, words=None, fmt=None):
    """Heatmap of the R x F grid: customer counts, or the mean of ``value`` per cell.

    For means, cells with fewer than ``min_customers`` customers (default: 1 % of customers,
    at least 10) are left blank, since a mean of a handful of customers says little. ``words``
    (:class:`crmlib.words.Words`) and ``fmt`` (:class:`crmlib.formats.Formats`, whose currency is
    used when it has one) set the language and numbers; English without them.
    """
    w, fmt = _wf(words, fmt)
    currency = fmt.currency or currency or ""
    ax = style.axes(ax, (7, 5))
    grid = rf_grid(scored, value)
    if value == "customers":
        total = grid.to_numpy().sum()
        r, f = np.unravel_index(np.argmax(grid.to_numpy()), grid.shape)
        share = grid.iat[r, f] / total if total else 0
        title = w(sw.HEAT_LARGEST, r=fmt.count(grid.index[r]), f=fmt.count(grid.columns[f]), share=fmt.share(share, 0))
        sns.heatmap(grid, annot=False, cmap="Blues", ax=ax, cbar_kws={"label": w(sw.HEAT_CUSTOMERS)})
        _annotate(ax, grid, fmt.count)
    else:
        label = w(sw.VALUE_LABELS[value]) if value in sw.VALUE_LABELS else value.replace("_", " ")
        counts = rf_grid(scored, "customers")
        floor = max(10, int(0.01 * len(scored))) if min_customers is None else min_customers
        grid = grid.where(counts >= floor)
        arr = grid.to_numpy(dtype=float)
        if np.isnan(arr).all():
            title = w(sw.HEAT_TOO_FEW, label=label)
        else:
            r, f = np.unravel_index(np.nanargmax(arr), arr.shape)
            amount = (Formats(fmt.lang, currency=currency, digits=fmt.digits).money(arr[r, f], 0) if currency
                      else fmt.number(arr[r, f], 0))
            title = w(sw.HEAT_HIGHEST, label=label, r=fmt.count(grid.index[r]), f=fmt.count(grid.columns[f]),
                      value=amount, floor=fmt.count(floor))
        bar = w(sw.HEAT_MEAN_MONEY, label=label, currency=currency) if currency else w(sw.HEAT_MEAN, label=label)
        sns.heatmap(grid, annot=False, cmap="Greens", ax=ax, cbar_kws={"label": bar})
        _annotate(ax, grid, lambda v: fmt.number(v, 0))
    bar = ax.collections[0].colorbar
    if value == "customers":  # whole customers on the bar: no 2.5-customer tick
        from matplotlib.ticker import MaxNLocator

        bar.locator = MaxNLocator(integer=True)
        bar.formatter = fmt.ticks("count")
    else:
        bar.formatter = fmt.ticks("number")
    bar.update_ticks()
    style.title(ax, title)
    _scores_axes(ax, grid, w, fmt)
    return ax


def segment_size_revenue(profile: pd.DataFrame, *, ax=None, words=None, fmt=None):
    """Bars of each segment's share of customers and of revenue (from :func:`crmlib.rfm.profile`)."""
    w, fmt = _wf(words, fmt)
    ax = style.axes(ax, (8, 5.5))
    rev = "revenue_share" if "revenue_share" in profile.columns else "repeat_revenue_share"
    require_columns(profile, ("customer_share", rev if rev in profile.columns else "revenue_share"),
                    "size and revenue figure", "segment profile", "Build it with crmlib.rfm.profile().")
    data = profile[["customer_share", rev]].rename(
        columns={"customer_share": w(sw.SHARE_CUSTOMERS), rev: w(sw.SHARE_REVENUE)})
    data.index = sw.names(w, data.index.astype(str))
    long = (data.rename_axis("segment").reset_index()
            .melt(id_vars="segment", var_name="measure", value_name="share"))
    long["share"] = 100 * long["share"]
    sns.barplot(long, y="segment", x="share", hue="measure", ax=ax, palette=["#9ecae1", "#31a354"])
    gap = profile[rev] - profile["customer_share"]
    top = gap.idxmax() if gap.notna().any() else profile.index[0]
    style.title(ax, w(sw.SIZE_REVENUE_TITLE, segment=sw.name(w, top),
                      customer_share=fmt.share(profile.at[top, "customer_share"], 0),
                      revenue_share=fmt.share(profile.at[top, rev], 0)))
    ax.xaxis.set_major_formatter(fmt.ticks("number"))
    ax.set_xlabel(w(sw.SHARE_AXIS))
    ax.set_ylabel("")
    ax.legend(title="")
    return ax


def migration_heatmap(shares: pd.DataFrame, *, ax=None, counts: pd.DataFrame | None = None,
                      focus: str = "Champions", words=None, fmt=None):
    """Heatmap of row shares of :func:`crmlib.rfm.migration` (each row sums to 100 %).

    With ``counts``, rows and columns without any customer are left out.
    """
    w, fmt = _wf(words, fmt)
    pct = 100 * shares.astype(float)
    if counts is not None:  # leave out segments empty at both dates
        pct = pct.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
        counts = counts.loc[pct.index, pct.columns]
    # a row of cells per segment at least as tall as two lines of tick labels, a column wide
    # enough for "100": the labels are never squeezed, whatever the number of segments
    ax = style.axes(ax, (max(7.0, 3.5 + 0.7 * pct.shape[1]), max(4.5, 2.6 + 0.42 * pct.shape[0])))
    sns.heatmap(pct, annot=False, cmap="Purples", vmin=0, vmax=100, ax=ax,
                cbar_kws={"label": w(sw.MIGRATION_BAR)}, linewidths=0.5, xticklabels=True, yticklabels=True)
    _annotate(ax, pct, lambda v: fmt.number(v, 0))
    ax.collections[0].colorbar.formatter = fmt.ticks("number")
    ax.collections[0].colorbar.update_ticks()
    _tick_names(ax, w, "x")
    _tick_names(ax, w, "y")
    ax.tick_params(axis="y", labelrotation=0)
    ax.tick_params(axis="x", labelrotation=90)
    if focus in pct.index and focus in pct.columns and pct.loc[focus].notna().any():
        stay = pct.at[focus, focus]
        others = pct.loc[focus].drop(focus)
        to = others.idxmax()
        title = w(sw.MIGRATION_STAYED, stay=fmt.share(stay / 100, 0), segment=sw.name(w, focus),
                  moved=fmt.share(others.max() / 100, 0), to=sw.name(w, to))
    else:
        off = pct.where(~np.equal.outer(pct.index.to_numpy(), pct.columns.to_numpy()))
        stacked = off.stack()
        if counts is not None:
            stacked = stacked[counts.stack().reindex(stacked.index) > 0]
        (a, b) = stacked.idxmax() if len(stacked) else (pct.index[0], pct.columns[0])
        title = (w(sw.MIGRATION_LARGEST, share=fmt.share(stacked.max() / 100, 0), before=sw.name(w, a),
                   after=sw.name(w, b)) if len(stacked) else w(sw.MIGRATION))
    style.title(ax, title)
    ax.set_xlabel(w(sw.MIGRATION_X))
    ax.set_ylabel(w(sw.MIGRATION_Y))
    return ax


def silhouette_by_k(clusters, *, ax=None, words=None, fmt=None):
    """Silhouette per number of clusters for :func:`crmlib.rfm.cluster`, the chosen k marked."""
    w, fmt = _wf(words, fmt)
    ax = style.axes(ax, (6, 3.5))
    s = clusters.silhouette
    colors = ["#31a354" if k == clusters.k else "#bdbdbd" for k in s.index]
    ax.bar([fmt.count(k) for k in s.index], s.to_numpy(), color=colors)
    ax.yaxis.set_major_formatter(fmt.ticks("number"))
    style.title(ax, w(sw.SILHOUETTE_TITLE, k=fmt.count(clusters.k), silhouette=fmt.number(s[clusters.k], 2)))
    ax.set_xlabel(w(sw.SILHOUETTE_X))
    ax.set_ylabel(w(sw.SILHOUETTE_Y))
    return ax
