"""Figures of the customer-lifetime-value report: the model checks of Fader, Hardie & Lee (2005),
"Counting your customers the easy way", Marketing Science 24(2) (tracking of repeat transactions,
figures 2 and 3; conditional expectations on the holdout, figure 4), the frequency x recency maps
and the spread of lifetime value.

Each function draws a table of :mod:`crmlib.clv` on ``ax`` (a new figure when None) and returns
the Axes, with a title that states what the data show and time axes in the data's unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns

from crmlib import units
from crmlib.customers import clv_deciles
from crmlib.exceptions import DataError
from crmlib.plots import style


# --------------------------------------------------------------------------- model checks
def _model_name(name) -> str:
    """The papers' name of a model (BG/NBD, MBG/NBD, Pareto/NBD), as the tables write it, never a class name."""
    from crmlib.clv.describe import MODEL_NAMES

    return MODEL_NAMES.get(str(name), str(name)) if name else "The model"


def tracking(table: pd.DataFrame, *, ax=None, cumulative: bool = False, calibration_end=None):
    """Actual against expected repeat transactions per period, or cumulated (``cumulative=True``).

    ``table`` is :func:`crmlib.clv.tracking`'s. ``calibration_end`` (a date, or a time in periods
    since the table's start) draws a line where the calibration period ends, as in FHL (2005)
    figures 2 and 3.
    """
    for col in ("actual", "expected", "cumulative_actual", "cumulative_expected"):
        if col not in table.columns:
            raise DataError(f"tracking: column '{col}' missing; draw the table of crmlib.clv.tracking.")
    freq, model = table.attrs.get("freq"), _model_name(table.attrs.get("model"))
    unit = units.name(freq) if freq in units.UNIT_DAYS else "periods"
    one = units.name(freq, 1) if freq in units.UNIT_DAYS else "period"
    cut = None
    if calibration_end is not None:
        if isinstance(calibration_end, (int, float, np.number)):
            cut = float(calibration_end)
        else:
            start = table.attrs.get("start")
            if start is None or freq not in units.UNIT_DAYS:
                raise DataError("tracking: a calibration end date needs the table's start and freq (attrs of "
                                "crmlib.clv.tracking_inputs); give it in periods instead.")
            cut = (pd.Timestamp(calibration_end) - pd.Timestamp(start)) / pd.Timedelta(days=units.days(freq))
    t = table.index.to_numpy(dtype=float)
    act, exp = (("cumulative_actual", "cumulative_expected") if cumulative else ("actual", "expected"))
    colours = style.colours(2)
    with style.grid():
        ax = style.axes(ax, (9, 4.5))
        ax.plot(t, table[act], color=colours[0], label="actual")
        ax.plot(t, table[exp], color=colours[1], linestyle="--", label=f"{model} (expected)")
        if cut is not None:
            ax.axvline(cut, color="0.4", linestyle=":", linewidth=1.2)
            ax.text(cut, 0.02, " end of calibration", transform=ax.get_xaxis_transform(), fontsize=9, color="0.3")
        last = table.iloc[-1]
        gap = ((last["cumulative_expected"] - last["cumulative_actual"]) / last["cumulative_actual"]
               if last["cumulative_actual"] else np.nan)
        end = f"{one} {t[-1]:g}"
        if cumulative:
            title = (f"{model} expects {last['cumulative_expected']:,.0f} repeat transactions by {end}, "
                     f"against {last['cumulative_actual']:,.0f} actual ({gap:+.0%})")
        else:
            later = table[t > cut] if cut is not None else table
            mae = float((later["expected"] - later["actual"]).abs().mean())
            span = "after calibration" if cut is not None else "overall"
            title = (f"{model} is off by {mae:,.1f} repeat transactions a {one} on average {span} "
                     f"({later['actual'].mean():,.1f} actual a {one})")
        ax.set(title=title, xlabel=units.axis_label(freq, "Time since the start") if freq in units.UNIT_DAYS
               else "Time since the start (periods)",
               ylabel=("Cumulative repeat transactions (count)" if cumulative
                       else f"Repeat transactions per {one} (count)"))
        ax.title.set_fontsize(10)
        ax.set_ylim(bottom=0)
        ax.legend(title=None)
    return ax


def calibration_holdout(table: pd.DataFrame, *, ax=None, model_name: str | None = None):
    """Actual against predicted mean holdout purchases by calibration frequency (FHL 2005 fig. 4).

    ``table`` is :func:`crmlib.clv.calibration_holdout`'s (customers, actual, predicted; attrs
    ``model``, ``freq`` and ``duration`` name the model and the holdout length).
    """
    model_name = _model_name(model_name or table.attrs.get("model"))
    freq, duration = table.attrs.get("freq"), table.attrs.get("duration")
    actual = float((table["actual"] * table["customers"]).sum())
    predicted = float((table["predicted"] * table["customers"]).sum())
    gap = (predicted - actual) / actual if actual else np.nan
    long = (table.reset_index().melt(id_vars=["frequency", "customers"], value_vars=["actual", "predicted"],
                                     var_name="series", value_name="purchases"))
    holdout = (f"the {duration:.0f}-{units.name(freq, 1)} holdout" if duration is not None and freq in units.UNIT_DAYS
               else "the holdout period")
    with style.grid():
        ax = style.axes(ax, (8, 4.5))
        sns.lineplot(long, x="frequency", y="purchases", hue="series", style="series", markers=True,
                     dashes=False, palette=style.PALETTE, ax=ax, sort=False)
        ax.set(title=f"{model_name} predicts {predicted:,.0f} holdout purchases against {actual:,.0f} "
                     f"actual ({gap:+.0%})",
               xlabel="Repeat purchases in the calibration period (count)",
               ylabel=f"Mean purchases in {holdout} (count)")
        ax.legend(title=None)
    return ax


# --------------------------------------------------------------------------- frequency x recency
def frequency_recency_heatmap(grid: pd.DataFrame, *, ax=None, freq: str | None = None):
    """Heatmap of :func:`crmlib.clv.frequency_recency_grid`, titled with what it shows for frequent
    buyers; ``freq`` defaults to the grid's ``attrs['freq']``."""
    what, T, t = grid.attrs.get("what"), grid.attrs.get("T"), grid.attrs.get("t")
    freq = freq or grid.attrs.get("freq")
    unit, day = units.name(freq), units.days(freq)
    # the model's recency is the age at the last purchase; pages speak of days since the last purchase
    since = [(T - float(c)) * day for c in grid.columns]
    top = grid.iloc[0]  # the most frequent buyers
    if what == "probability_alive":
        title = (f"A customer with {grid.index[0]} repeat purchases is {top.iloc[-1]:.0%} likely active if "
                 f"the last was recent, {top.iloc[1]:.0%} if it was {since[1]:,.0f} days ago")
        label = "P(active)"
    else:
        title = (f"Recent frequent buyers are expected to buy {np.nanmax(grid.to_numpy()):.1f} times "
                 f"in the next {t:g} {unit}; lapsed ones hardly at all")
        label = f"Expected purchases in {t:g} {unit}"
    with sns.axes_style("white"):
        ax = style.axes(ax, (9, 5.5))
        sns.heatmap(grid, cmap="viridis", ax=ax, cbar_kws={"label": label},
                    vmin=0, vmax=1 if what == "probability_alive" else None)
        if what == "probability_alive":
            style.percent(ax.collections[0].colorbar.ax.yaxis)
        ax.set_xticks(np.arange(len(since)) + 0.5, [f"{d:,.0f}" for d in since])
        ax.set(title=title, xlabel=f"Days since the last purchase (customers first bought {T * day:,.0f} days ago)",
               ylabel="Repeat purchases (count)")
        ax.title.set_fontsize(10)
    return ax


# --------------------------------------------------------------------------- CLV
def clv_distribution(values: pd.Series, *, ax=None, horizon: float, freq: str, currency: str = ""):
    """Histogram of CLV on a log scale, titled with the share held by the top 10%."""
    v = pd.Series(values, dtype=float)
    share = clv_deciles(v).loc[1, "share"]
    floor = max(float(v.quantile(0.01)), 1e-9)  # a log axis would otherwise stretch to near-zero values
    shown = v[v >= floor]
    with style.grid():
        ax = style.axes(ax, (8, 4.5))
        sns.histplot(shown, bins=40, log_scale=True, color=style.colours()[0], ax=ax)
        ax.axvline(v.median(), color="0.3", linestyle="--", label=f"median {v.median():,.0f}")
        ax.plot([], [], " ", label=f"{len(v) - len(shown):,} customers below {floor:,.2g} not shown")
        ax.legend()
        ax.set(title=f"The top 10% of customers hold {share:.0%} of the expected value "
                     f"of the next {horizon:g} {units.name(freq)}",
               xlabel=f"{style.money_label('Customer lifetime value', currency)}, discounted; log scale",
               ylabel="Customers (count)")
    return ax


def clv_by_segment(table: pd.DataFrame, *, ax=None):
    """Share of customers against share of CLV per segment (from :func:`crmlib.clv.clv_by_segment`)."""
    top = table.index[0]
    long = (table[["customer_share", "clv_share"]].rename(columns={"customer_share": "customers",
                                                                   "clv_share": "lifetime value"})
            .reset_index().melt(id_vars="segment", var_name="share of", value_name="share"))
    long["segment"] = long["segment"].astype(str)
    with style.grid():
        ax = style.axes(ax, (8, 0.45 * len(table) + 1.5))
        sns.barplot(long, y="segment", x="share", hue="share of", palette=style.PALETTE, ax=ax,
                    order=[str(s) for s in table.index])
        style.percent(ax.xaxis)
        ax.set(title=f"'{top}' hold {table['clv_share'].iloc[0]:.0%} of expected value with "
                     f"{table['customer_share'].iloc[0]:.0%} of customers",
               xlabel="Share of all customers / of total lifetime value (%)", ylabel="RFM segment")
        ax.legend(title=None)
    return ax


__all__ = ["calibration_holdout", "clv_by_segment", "clv_distribution", "frequency_recency_heatmap", "tracking"]
