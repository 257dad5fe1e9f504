"""Figures for the retention report: cohort heatmap, sBG projection, churn risk by segment, churn curves.

Every function has the signature ``f(data, *, ax=None, ...) -> Axes``: it draws on ``ax`` (a new
figure when None) and returns the Axes, with a title that states what the data show (computed from
them), labelled axes with units, and seaborn's colour-blind-safe palette. The numbers come from
:mod:`crmlib.retention`; nothing here fits a model or changes global state.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns

from crmlib.exceptions import DataError
from crmlib.plots import style
from crmlib.churn import INACTIVITY, P_ALIVE, ChurnComparison, curve_points
from crmlib.retention import PERIOD_NAMES, cohort_sizes
from crmlib.words import clv as _wclv
from crmlib.words import retention as _w
from crmlib.words import segments as _segment_words

#: Readable text in the heatmap: ticks and cell values at least this size (points).
TICK_POINTS = 10.0
#: Most cells a heatmap writes its values into; a larger grid is shown by colour alone.
ANNOTATE_CELLS = 400


def _wf(words, fmt):
    return _w._wf(words, fmt)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cell_coverage(cohorts: pd.DataFrame) -> pd.DataFrame:
    """:func:`crmlib.periods.period_coverage` of the calendar period of every cell of a
    :func:`crmlib.retention.cohort_table` (cohort ``c``, column ``k``: period ``c + k``), row by row, between the
    table's ``data_start`` and ``observation_end``."""
    from crmlib.periods import period_coverage

    period, end = cohorts.attrs["period"], cohorts.attrs["observation_end"]
    ordinals = cohorts.index.asi8[:, None] + cohorts.columns.to_numpy()[None, :]  # each cell's calendar period
    starts = pd.PeriodIndex.from_ordinals(ordinals.ravel(), freq=period).start_time
    return period_coverage(starts, period, end, start=cohorts.attrs.get("data_start"))


def _partial_cells(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Which cells of a :func:`crmlib.retention.cohort_table` count only part of a period, by the one rule of every
    period table, :func:`crmlib.periods.period_coverage` (:func:`_cell_coverage`): those of the calendar period the
    data end inside of (the same period as the table's ``last_period_complete``, which the models' code below the
    figures reads), on the last diagonal: the last observed cell of each cohort, and the whole of a cohort acquired
    in that period; and the first cell of a first cohort whose period the data start inside of (its acquisition,
    in part of a period: ``first_cohort_complete``). True where partial; cells after the end (missing) are False.

    >>> from crmlib.retention import cohort_table
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5.0, 7.0, 3.0],
    ...                    "date": pd.to_datetime(["2024-04-01", "2024-05-03", "2024-05-02"])})
    >>> _partial_cells(cohort_table(tx)).to_numpy().tolist()  # the data end on 3 May: May's cells are partial
    [[False, True], [True, False]]
    >>> _partial_cells(cohort_table(tx.iloc[1:])).to_numpy().tolist()  # from 2 May to 3 May: one partial cell
    [[True]]
    """
    complete = _cell_coverage(cohorts)["complete"].to_numpy().reshape(cohorts.shape)
    return pd.DataFrame(~complete & cohorts.notna().to_numpy(), index=cohorts.index, columns=cohorts.columns)


def _acquisition_counted(cohorts: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    """``grid`` (the heatmap's values, partial cells blank) with the first cell of a first cohort the data start
    inside of back in it: its customers' first period is all in the data (they were acquired from the data's first
    day), so beside the periods after it that cell is counted, as every cohort's is, though it is not shown."""
    coverage = _cell_coverage(cohorts)
    late = (coverage["starts_late"] & ~coverage["ends_early"]).to_numpy().reshape(cohorts.shape)
    late = pd.DataFrame(late, index=cohorts.index, columns=cohorts.columns).loc[:, grid.columns]
    return grid.mask(late, cohorts.astype(float).loc[:, grid.columns])


#: The hatch of a partial cell, by whether its period starts late and ends early: the data start inside it
#: (a first cohort's acquisition), end inside it (the last diagonal), or both.
HATCHES = {(True, False): "\\\\\\", (False, True): "///", (True, True): "xxx"}


def _hatch(ax, cohorts: pd.DataFrame, partial: pd.DataFrame, w, fmt) -> None:
    """Hatch the ``partial`` cells of a heatmap of ``cohorts`` on ``ax`` (left blank by it), each by its kind
    (:data:`HATCHES`), and say what they are in a legend, an entry a partial period, the earliest first: "partial:
    from 3 Dec 2023" (the data start inside it), "partial: to 3 Jun 2024" (they end inside it), as the overview
    labels a partial period (:func:`crmlib.words.overview.coverage_label`)."""
    from matplotlib.patches import Patch, Rectangle

    from crmlib.words.overview import coverage_label

    rows, columns = np.nonzero(partial.to_numpy())  # ``partial`` may hold the first columns only
    if not len(rows):
        return
    cells = _cell_coverage(cohorts).iloc[rows * cohorts.shape[1] + columns]
    entries = {}
    for i, j, (start, row) in zip(rows, columns, cells.iterrows()):
        look = dict(fill=False, hatch=HATCHES[bool(row["starts_late"]), bool(row["ends_early"])], edgecolor="0.55",
                    linewidth=0)
        ax.add_patch(Rectangle((j, i), 1, 1, **look))
        entries.setdefault(start, Patch(label=coverage_label(row, w, fmt), **look))
    ax.legend(handles=[entries[start] for start in sorted(entries)], loc="lower right", fontsize=TICK_POINTS,
              frameon=True, handlelength=2.5, handleheight=1.5)


def cohort_heatmap(cohorts: pd.DataFrame, *, ax=None, max_periods: int | None = 24, currency: str = "", words=None,
                   fmt=None):
    """Heatmap of a :func:`crmlib.retention.cohort_table`: rows are acquisition cohorts, columns
    periods since acquisition. Customer counts are shown as shares of each cohort (column 0 is
    100 % and left out of the colour scale, so the later periods stay readable); a revenue table is
    shown as it is. Ticks are at least :data:`TICK_POINTS` points; each cell holds its value (in the
    page's digits) when the grid has at most :data:`ANNOTATE_CELLS` cells, and the figure grows
    with the grid so the values fit. The cells of a period the data end inside of (:func:`_partial_cells`)
    count a few days as a whole period: they are left blank and hatched, labelled "partial: to 3 Jun 2024",
    and left out of the colour scale and the title. So is the first cell of a first cohort whose period the data
    start inside of ("partial: from 3 Dec 2023": its acquisition, in part of a period); its later cells are
    shares of the customers it holds, and shown."""
    w, fmt = _wf(words, fmt)
    value, period = cohorts.attrs.get("value"), cohorts.attrs.get("period")
    if (value not in ("customers", "share", "revenue") or period not in PERIOD_NAMES
            or "observation_end" not in cohorts.attrs):
        raise DataError("cohort_heatmap needs a table made by crmlib.retention.cohort_table.")
    one, many = _w.period_one(w, period), _w.periods(w, period)
    currency = currency or fmt.currency or ""
    grid = cohorts.astype(float)
    if value == "customers":
        grid = grid.div(cohort_sizes(cohorts).to_numpy(), axis=0)
    partial = _partial_cells(cohorts)
    grid = grid.mask(partial)  # a few days read as a whole period's buying: no colour, no value, not in the title
    if max_periods is not None:
        grid, partial = grid.iloc[:, : max_periods + 1], partial.iloc[:, : max_periods + 1]
    small = grid.shape[0] * grid.shape[1] <= ANNOTATE_CELLS
    # about 0.5 inch a column and 0.3 a row: a 10 pt value fits in its cell; never below a readable page width
    ax = style.axes(ax, (min(18, max(8, 3 + 0.5 * grid.shape[1])), min(14, max(4, 2 + 0.3 * len(grid)))))
    later = grid.iloc[:, 1:].to_numpy()
    vmax = float(np.nanmax(later)) if np.isfinite(later).any() else 1.0
    labels = grid.set_axis([fmt.month(p.start_time, "short") if period == "M" else fmt.date(p.start_time, "medium")
                            for p in grid.index])
    shown = labels * (1 if value == "revenue" else 100)
    annot = None
    if small:
        write = (lambda x: fmt.money(x, 0)) if value == "revenue" else (lambda x: fmt.number(x, 0))
        annot = shown.map(lambda x: "" if pd.isna(x) else write(x)).to_numpy()
    kws = dict(ax=ax, annot=annot if small else False, fmt="", annot_kws={"fontsize": TICK_POINTS * 0.85})
    if value == "revenue":
        label = (w(_w.COHORT_REVENUE_LABEL_MONEY, unit=one, currency=currency) if currency
                 else w(_w.COHORT_REVENUE_LABEL, unit=one))
        sns.heatmap(shown, cmap="Greens", vmax=vmax, cbar_kws={"label": label}, **kws)
        counted = _acquisition_counted(cohorts, grid)
        share = counted.iloc[:, 1:].sum().sum() / counted.sum().sum()
        title = w(_w.COHORT_REVENUE_TITLE, share=fmt.share(share, 0), unit=one)
    else:
        # when nobody came back (every later share 0) the scale still runs from 0 up, not around 0 (-0.1 to 0.1)
        sns.heatmap(shown, cmap="Blues", vmin=0, vmax=100 * (vmax if vmax > 0 else 1.0),
                    cbar_kws={"label": w(_w.COHORT_SHARE_LABEL, unit=one)},
                    **kws)
        size = cohort_sizes(cohorts) if value == "customers" else None
        first = grid[1].dropna() if 1 in grid.columns else pd.Series(dtype=float)
        mean = (np.average(first, weights=size.loc[first.index]) if size is not None and len(first)
                else first.mean())
        title = (w(_w.COHORT_TITLE, share=fmt.share(mean, 0), unit=one) if len(first) else w(_w.COHORT_TITLE_NONE))
    _hatch(ax, cohorts, partial, w, fmt)
    ax.set_xticks(np.arange(grid.shape[1]) + 0.5, [fmt.count(k) for k in grid.columns], rotation=0)
    ax.set_yticks(np.arange(grid.shape[0]) + 0.5, list(labels.index), rotation=0)
    ax.tick_params(labelsize=TICK_POINTS)
    ax.collections[0].colorbar.ax.tick_params(labelsize=TICK_POINTS)
    ax.collections[0].colorbar.ax.yaxis.set_major_formatter(fmt.ticks("money" if value == "revenue" else "number"))
    style.title(ax, title)
    ax.set_xlabel(w(_w.COHORT_X, units=_cap(many), unit=one), fontsize=TICK_POINTS + 1)
    ax.set_ylabel(w(_w.COHORT_Y, unit=one), fontsize=TICK_POINTS + 1)
    return ax


def retention_projection(projection: pd.DataFrame, *, ax=None, words=None, fmt=None):
    """The sBG projection of :func:`crmlib.retention.project_retention` against the actual share of
    the cohort buying in each period; the periods the model was fitted on are shaded."""
    w, fmt = _wf(words, fmt)
    a = projection.attrs
    many = _w.periods(w, a["period"])
    ax = style.axes(ax, (9, 4.5))
    colors = style.colours()
    t = projection.index.to_numpy()
    ax.axvspan(t[0], a["fit_periods"], color="0.92", zorder=0,
               label=w(_w.FITTED_ON, periods=_w.period_count(w, fmt, a["fit_periods"], a["period"])))
    ax.plot(t, projection["actual"], marker="o", color=colors[0], label=w(_w.ACTUAL_SHARE_BUYING))
    ax.plot(t, projection["projected"], linestyle="--", color=colors[1], label=w(_w.SBG_PROJECTION))
    ax.yaxis.set_major_formatter(fmt.ticks("share"))
    style.count_ticks(ax.xaxis, fmt)
    ax.set_ylim(0, max(0.05, float(projection.loc[projection.index > 0, ["actual", "projected"]].max().max()) * 1.2))
    later = len(projection) - a["fit_periods"] - 1
    msg = _w.PROJECTION_OVER if a["bias"] > 0 else _w.PROJECTION_UNDER
    style.title(ax, w(msg, fit=_w.period_count(w, fmt, a["fit_periods"], a["period"]), cohort=str(a["cohort"]),
                      later=_w.period_count(w, fmt, later, a["period"]), points=fmt.number(100 * abs(a["bias"]), 1)))
    ax.set_xlabel(w(_w.SINCE_ACQUISITION, units=_cap(many)))
    ax.set_ylabel(w(_w.SHARE_BUYING_AXIS, customers=fmt.count(a["cohort_size"])))
    ax.legend(frameon=False)
    return ax


def model_retention(survival: pd.DataFrame, *, ax=None, words=None, fmt=None):
    """The share of a cohort still active under the transaction model
    (:func:`crmlib.retention.model_retention`, the model of the lifetime-value page) beside the share
    of the cohorts buying in each period: the gap is customers who are still customers but did not
    buy that period."""
    w, fmt = _wf(words, fmt)
    a = survival.attrs
    one, many = _w.period_one(w, a["period"]), _w.periods(w, a["period"])
    name = _wclv.model_name(a["model"])
    ax = style.axes(ax, (9, 4.5))
    colors = style.colours()
    t = survival.index.to_numpy()
    ax.plot(t, survival["alive"], color=colors[0], label=w(_w.STILL_ACTIVE, model=name))
    ax.plot(t, survival["bought"], marker="o", linestyle="none", color=colors[1], label=w(_w.BOUGHT_IN, unit=one))
    ax.yaxis.set_major_formatter(fmt.ticks("share"))
    style.count_ticks(ax.xaxis, fmt)
    ax.set_ylim(0, 1.02)
    k = min(int(t[-1]), {"W": 52, "M": 12, "Q": 4}[a["period"]])
    style.title(ax, w(_w.SURVIVAL_TITLE, model=name, share=fmt.share(survival.loc[k, "alive"], 0),
                      age=_w.period_count(w, fmt, k, a["period"]), unit=one))
    ax.set_xlabel(w(_w.SINCE_FIRST, units=_cap(many)))
    ax.set_ylabel(w(_w.SHARE_OF_COHORT))
    ax.legend(frameon=False)
    return ax


def churn_risk_by_segment(risk: pd.DataFrame, *, ax=None, words=None, fmt=None):
    """P(alive) of each RFM segment (box plots, the segment most at risk on top), with the share of
    the segment that the inactivity rule flags written beside each box. The title is wrapped to the
    axes' width and set above the column's heading, so the two never overlap."""
    w, fmt = _wf(words, fmt)
    if not {"p_alive", "segment", "inactive"} <= set(risk.columns):
        raise DataError("churn_risk_by_segment needs the table of crmlib.retention.churn_risk.")
    seg = risk["segment"].astype(str)
    order = risk.groupby(seg)["p_alive"].median().sort_values().index.tolist()
    ax = style.axes(ax, (9, 1.6 + 0.45 * len(order)))
    sns.boxplot(x=risk["p_alive"], y=seg, order=order, ax=ax, color=style.colours()[0],
                fliersize=2, width=0.6)
    ax.set_yticks(range(len(order)), [_segment_words.name(w, s) for s in order])  # the tables' names
    inactive = risk.groupby(seg)["inactive"].mean()
    for i, name in enumerate(order):
        ax.text(1.02, i, fmt.share(inactive[name], 0), va="center", transform=ax.get_yaxis_transform(), fontsize=9)
    # the column's heading sits just above the axes, at the right; the title goes above it (pad)
    ax.text(1.02, 1.0, w(_w.INACTIVE), transform=ax.transAxes, fontsize=9, va="bottom")
    ax.xaxis.set_major_formatter(fmt.ticks("share"))
    ax.set_xlim(0, 1)
    below = risk.attrs.get("alive_below", 0.5)
    lost = (risk["p_alive"] < below).mean()
    top_median = risk.loc[seg == order[0], "p_alive"].median()
    style.title(ax, w(_w.RISK_TITLE, segment=_segment_words.name(w, order[0]), median=fmt.share(top_median, 0),
                      lost=fmt.share(lost, 0), below=fmt.share(below, 0)))
    ax.title.set_y(1.0)
    ax.title.set_va("bottom")
    ax.set_title(ax.get_title(), pad=18)
    ax.set_xlabel(w(_w.RISK_X, days=fmt.count(risk.attrs["inactive_days"])) if "inactive_days" in risk.attrs
                  else w(_w.RISK_X, days="?"))
    ax.set_ylabel(w(_w.RFM_SEGMENT))
    return ax


def churn_curves(comparison: ChurnComparison, *, kind: str = "roc", ax=None, words=None, fmt=None):
    """ROC (``kind="roc"``) or precision-recall (``"pr"``) curves of every churn score of
    :func:`crmlib.churn.compare_churn_models`, the inactivity rule's cut-off marked."""
    w, fmt = _wf(words, fmt)
    points = curve_points(comparison, kind)
    m, rule = comparison.metrics, comparison.rule
    col = "roc_auc" if kind == "roc" else "average_precision"
    ax = style.axes(ax, (6.5, 5.5))
    colors = dict(zip(m.index, style.colours()))
    for name, part in points.groupby("score", sort=False):
        ax.plot(part["x"], part["y"], color=colors[name],
                label=f"{_w.score_name(w, name)} ({fmt.number(m.loc[name, col], 3)})",
                drawstyle="steps-post" if kind == "pr" else "default")
    y = comparison.scores["churned"].astype(bool)
    flagged = comparison.scores[INACTIVITY] > rule["inactive_days"]
    if kind == "roc":
        ax.plot([0, 1], [0, 1], color="0.6", linestyle=":", label=w(_w.CHANCE, value=fmt.number(0.5, 1)))
        rx, ry = float(flagged[~y].mean()), rule["recall"]
        ax.set(xlabel=w(_w.FPR), ylabel=w(_w.TPR))
    else:
        ax.axhline(comparison.churn_rate, color="0.6", linestyle=":",
                   label=w(_w.CHANCE, value=fmt.number(comparison.churn_rate, 3)))
        rx, ry = rule["recall"], rule["precision"]
        ax.set(xlabel=w(_w.RECALL), ylabel=w(_w.PRECISION))
    ax.plot([rx], [ry], marker="X", markersize=9, color=colors[INACTIVITY], linestyle="none",
            label=w(_w.INACTIVE_RULE, days=fmt.count(rule["inactive_days"])))
    ax.xaxis.set_major_formatter(fmt.ticks("share"))
    ax.yaxis.set_major_formatter(fmt.ticks("share"))
    label = _w.ROC_AUC if kind == "roc" else w(_w.AVERAGE_PRECISION)
    others = m.index.drop(comparison.winner)  # the winner against P(alive), or P(alive) against the best of the rest
    against = P_ALIVE if P_ALIVE in others else m.loc[others, col].idxmax()
    style.title(ax, _cap(w(_w.CURVES_TITLE, winner=_w.score_name(w, comparison.winner), metric=label,
                           value=fmt.number(m.loc[comparison.winner, col], 3), against=_w.score_name(w, against),
                           against_value=fmt.number(m.loc[against, col], 3))))
    ax.legend(title=label, frameon=False, fontsize=9)
    return ax


def feature_importance(comparison: ChurnComparison, *, ax=None, top: int = 10, words=None, fmt=None):
    """Permutation importance of the gradient-boosting churn model: how much the ROC AUC drops on
    the test window when one feature is shuffled (bars with one standard deviation)."""
    w, fmt = _wf(words, fmt)
    imp = comparison.importance.head(top).iloc[::-1]
    ax = style.axes(ax, (8, 0.8 + 0.4 * len(imp)))
    labels = [_w.feature_label(str(f), w) for f in imp.index]
    ax.barh(labels, imp["importance"], xerr=imp["std"], color=style.colours()[2])
    style.title(ax, w(_w.IMPORTANCE_TITLE, feature=_cap(labels[-1]), drop=fmt.number(imp["importance"].iloc[-1], 3)))
    ax.xaxis.set_major_formatter(fmt.ticks("number"))
    ax.set_xlabel(w(_w.IMPORTANCE_X))
    ax.set_ylabel(w(_w.FEATURE))
    return ax


__all__ = ["churn_curves", "churn_risk_by_segment", "cohort_heatmap", "feature_importance", "model_retention",
           "retention_projection"]
