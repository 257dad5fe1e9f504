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
from crmlib.churn import INACTIVITY, P_ALIVE, ChurnComparison, curve_points, feature_label
from crmlib.retention import PERIOD_NAMES, cohort_sizes

def cohort_heatmap(cohorts: pd.DataFrame, *, ax=None, max_periods: int | None = 24, currency: str = ""):
    """Heatmap of a :func:`crmlib.retention.cohort_table`: rows are acquisition cohorts, columns
    periods since acquisition. Customer counts are shown as shares of each cohort (column 0 is
    100 % and left out of the colour scale, so the later periods stay readable); a revenue table is
    shown as it is. Cells are annotated when the grid is small enough to read."""
    value, period = cohorts.attrs.get("value"), cohorts.attrs.get("period")
    if value not in ("customers", "share", "revenue") or period not in PERIOD_NAMES:
        raise DataError("cohort_heatmap needs a table made by crmlib.retention.cohort_table.")
    unit = PERIOD_NAMES[period]
    grid = cohorts.astype(float)
    if value == "customers":
        grid = grid.div(cohort_sizes(cohorts).to_numpy(), axis=0)
    if max_periods is not None:
        grid = grid.iloc[:, : max_periods + 1]
    ax = style.axes(ax, (min(16, 3 + 0.55 * grid.shape[1]), min(12, 2 + 0.35 * len(grid))))
    later = grid.iloc[:, 1:].to_numpy()
    vmax = float(np.nanmax(later)) if np.isfinite(later).any() else 1.0
    small = grid.shape[0] * grid.shape[1] <= 400
    labels = grid.set_axis(grid.index.astype(str))
    if value == "revenue":
        money = f" ({currency})" if currency else ""
        sns.heatmap(labels, cmap="Greens", ax=ax, annot=small, fmt=",.0f", vmax=vmax,
                    cbar_kws={"label": f"revenue of the cohort in the {unit[:-1]}{money}"})
        share = grid.iloc[:, 1:].sum().sum() / grid.sum().sum()
        ax.set_title(f"{share:.0%} of the cohorts' revenue comes after their first {unit[:-1]}")
    else:
        sns.heatmap(labels * 100, cmap="Blues", ax=ax, annot=small, fmt=".0f", vmin=0, vmax=100 * vmax,
                    cbar_kws={"label": f"share of the cohort buying in the {unit[:-1]} (%)"})
        size = cohort_sizes(cohorts) if value == "customers" else None
        first = grid[1].dropna() if 1 in grid.columns else pd.Series(dtype=float)
        mean = (np.average(first, weights=size.loc[first.index]) if size is not None and len(first)
                else first.mean())
        ax.set_title(f"{mean:.0%} of a cohort buys again in the {unit[:-1]} after acquisition"
                     if len(first) else "Share of each cohort buying, by period since acquisition")
    ax.set_xlabel(f"{unit} since acquisition (0 = the {unit[:-1]} of the first purchase)")
    ax.set_ylabel(f"acquisition cohort ({unit[:-1]} of the first purchase)")
    return ax


def retention_projection(projection: pd.DataFrame, *, ax=None):
    """The sBG projection of :func:`crmlib.retention.project_retention` against the actual share of
    the cohort buying in each period; the periods the model was fitted on are shaded."""
    a = projection.attrs
    unit = PERIOD_NAMES[a["period"]]
    ax = style.axes(ax, (9, 4.5))
    colors = style.colours()
    t = projection.index.to_numpy()
    ax.axvspan(t[0], a["fit_periods"], color="0.92", zorder=0, label=f"fitted on ({a['fit_periods']} {unit})")
    ax.plot(t, projection["actual"], marker="o", color=colors[0], label="actual share buying")
    ax.plot(t, projection["projected"], linestyle="--", color=colors[1], label="sBG projection")
    style.percent(ax.yaxis)
    ax.set_ylim(0, max(0.05, float(projection.loc[projection.index > 0, ["actual", "projected"]].max().max()) * 1.2))
    later = len(projection) - a["fit_periods"] - 1
    how = "overstates" if a["bias"] > 0 else "understates"
    ax.set_title(f"sBG fitted to {a['fit_periods']} {unit} of the {a['cohort']} cohort {how} the {later} {unit} "
                 f"after by {100 * abs(a['bias']):.1f} points on average")
    ax.set_xlabel(f"{unit} since acquisition")
    ax.set_ylabel(f"share of the cohort ({a['cohort_size']:,} customers) buying (%)")
    ax.legend(frameon=False)
    return ax


def model_retention(survival: pd.DataFrame, *, ax=None):
    """The share of a cohort still active under the transaction model
    (:func:`crmlib.retention.model_retention`, the model of the lifetime-value page) beside the share
    of the cohorts buying in each period: the gap is customers who are still customers but did not
    buy that period."""
    from crmlib.clv.describe import MODEL_NAMES

    a = survival.attrs
    unit = PERIOD_NAMES[a["period"]]
    name = MODEL_NAMES.get(a["model"], a["model"])
    ax = style.axes(ax, (9, 4.5))
    colors = style.colours()
    t = survival.index.to_numpy()
    ax.plot(t, survival["alive"], color=colors[0], label=f"still active ({name} model)")
    ax.plot(t, survival["bought"], marker="o", linestyle="none", color=colors[1],
            label=f"bought in the {unit[:-1]}")
    style.percent(ax.yaxis)
    ax.set_ylim(0, 1.02)
    k = min(int(t[-1]), {"W": 52, "M": 12, "Q": 4}[a["period"]])
    ax.set_title(f"{name}: {survival.loc[k, 'alive']:.0%} of a cohort is still active after {k} {unit}; "
                 f"in any {unit[:-1]} most of them buy nothing")
    ax.set_xlabel(f"{unit} since the first purchase")
    ax.set_ylabel("share of the cohort (%)")
    ax.legend(frameon=False)
    return ax


def churn_risk_by_segment(risk: pd.DataFrame, *, ax=None):
    """P(alive) of each RFM segment (box plots, the segment most at risk on top), with the share of
    the segment that the inactivity rule flags written beside each box."""
    if not {"p_alive", "segment", "inactive"} <= set(risk.columns):
        raise DataError("churn_risk_by_segment needs the table of crmlib.retention.churn_risk.")
    seg = risk["segment"].astype(str)
    order = risk.groupby(seg)["p_alive"].median().sort_values().index.tolist()
    ax = style.axes(ax, (9, 0.9 + 0.45 * len(order)))
    sns.boxplot(x=risk["p_alive"], y=seg, order=order, ax=ax, color=style.colours()[0],
                fliersize=2, width=0.6)
    inactive = risk.groupby(seg)["inactive"].mean()
    for i, name in enumerate(order):
        ax.text(1.02, i, f"{inactive[name]:.0%}", va="center", transform=ax.get_yaxis_transform(), fontsize=9)
    ax.text(1.02, -0.8, "inactive", transform=ax.get_yaxis_transform(), fontsize=9, va="center")
    style.percent(ax.xaxis)
    ax.set_xlim(0, 1)
    lost = (risk["p_alive"] < risk.attrs.get("alive_below", 0.5)).mean()
    ax.set_title(f"{order[0]} is most at risk (median P(alive) {risk.loc[seg == order[0], 'p_alive'].median():.0%}); "
                 f"{lost:.0%} of all customers are below {risk.attrs.get('alive_below', 0.5):.0%}")
    ax.set_xlabel(f"P(alive) (%); right: share inactive for more than {risk.attrs.get('inactive_days', '?')} days")
    ax.set_ylabel("RFM segment")
    return ax


def churn_curves(comparison: ChurnComparison, *, kind: str = "roc", ax=None):
    """ROC (``kind="roc"``) or precision-recall (``"pr"``) curves of every churn score of
    :func:`crmlib.churn.compare_churn_models`, the inactivity rule's cut-off marked."""
    points = curve_points(comparison, kind)
    m, rule = comparison.metrics, comparison.rule
    col = "roc_auc" if kind == "roc" else "average_precision"
    ax = style.axes(ax, (6.5, 5.5))
    colors = dict(zip(m.index, style.colours()))
    for name, part in points.groupby("score", sort=False):
        ax.plot(part["x"], part["y"], color=colors[name], label=f"{name} ({m.loc[name, col]:.3f})",
                drawstyle="steps-post" if kind == "pr" else "default")
    y = comparison.scores["churned"].astype(bool)
    flagged = comparison.scores[INACTIVITY] > rule["inactive_days"]
    if kind == "roc":
        ax.plot([0, 1], [0, 1], color="0.6", linestyle=":", label="chance (0.5)")
        rx, ry = float(flagged[~y].mean()), rule["recall"]
        ax.set(xlabel="false-positive rate: active customers flagged (%)",
               ylabel="true-positive rate: churners caught (%)")
    else:
        ax.axhline(comparison.churn_rate, color="0.6", linestyle=":", label=f"chance ({comparison.churn_rate:.3f})")
        rx, ry = rule["recall"], rule["precision"]
        ax.set(xlabel="recall: churners caught (%)", ylabel="precision: flagged who churned (%)")
    ax.plot([rx], [ry], marker="X", markersize=9, color=colors[INACTIVITY], linestyle="none",
            label=f"inactive > {rule['inactive_days']} days")
    style.percent(ax.xaxis)
    style.percent(ax.yaxis)
    label = "ROC AUC" if kind == "roc" else "average precision"
    against = P_ALIVE if P_ALIVE in m.index else INACTIVITY
    ax.set_title(f"{comparison.winner[0].upper()}{comparison.winner[1:]} ranks churners best "
                 f"({label} {m.loc[comparison.winner, col]:.3f}; {against} {m.loc[against, col]:.3f})")
    ax.legend(title=label, frameon=False, fontsize=9)
    return ax


def feature_importance(comparison: ChurnComparison, *, ax=None, top: int = 10):
    """Permutation importance of the gradient-boosting churn model: how much the ROC AUC drops on
    the test window when one feature is shuffled (bars with one standard deviation)."""
    imp = comparison.importance.head(top).iloc[::-1]
    ax = style.axes(ax, (8, 0.8 + 0.4 * len(imp)))
    labels = [feature_label(str(f)) for f in imp.index]
    ax.barh(labels, imp["importance"], xerr=imp["std"], color=style.colours()[2])
    name = labels[-1]
    ax.set_title(f"{name[0].upper()}{name[1:]} matters most to the churn model "
                 f"(ROC AUC drops {imp['importance'].iloc[-1]:.3f} without it)")
    ax.set_xlabel("drop in ROC AUC when the feature is shuffled")
    ax.set_ylabel("feature")
    return ax


__all__ = ["churn_curves", "churn_risk_by_segment", "cohort_heatmap", "feature_importance", "model_retention",
           "retention_projection"]
