"""Figures of the customer-lifetime-value report: the model checks of Fader, Hardie & Lee (2005),
"Counting your customers the easy way", Marketing Science 24(2) (tracking of repeat transactions,
figures 2 and 3; conditional expectations on the holdout, figure 4), the frequency x recency maps
and the spread of lifetime value.

Each function draws a table of :mod:`crmlib.clv` on ``ax`` (a new figure when None) and returns
the Axes, with a title that states what the data show and time axes in the data's unit.
"""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter, Locator

from crmlib import units
from crmlib.customers import clv_deciles
from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.formats import Formats
from crmlib.plots import style
from crmlib.words import clv as _w
from crmlib.words import segments as _segment_words


def _wf(words, fmt):
    return _w._wf(words, fmt)


# --------------------------------------------------------------------------- model checks
def _model_name(name) -> str:
    """The papers' name of a model (BG/NBD, MBG/NBD, Pareto/NBD), as the tables write it, never a class name."""
    from crmlib.clv.describe import MODEL_NAMES

    return MODEL_NAMES.get(str(name), str(name)) if name else "The model"


def tracking(table: pd.DataFrame, *, ax=None, cumulative: bool = False, calibration_end=None, words=None, fmt=None):
    """Actual against expected repeat transactions per period, or cumulated (``cumulative=True``).

    ``table`` is :func:`crmlib.clv.tracking`'s. ``calibration_end`` (a date, or a time in periods
    since the table's start) draws a line where the calibration period ends, as in FHL (2005)
    figures 2 and 3.
    """
    require_columns(table, ("actual", "expected", "cumulative_actual", "cumulative_expected"), "tracking figure",
                    "tracking table", "Draw the table of crmlib.clv.tracking.")
    w, fmt = _wf(words, fmt)
    freq, model = table.attrs.get("freq"), _model_name(table.attrs.get("model"))
    one = _w.unit_one(w, freq if freq in units.UNIT_DAYS else None)
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
    if not cumulative and table.attrs.get("partial_last") and len(table) > 1:
        table = table.iloc[:-1]  # a period seen only in part is not comparable per period with the others
    t = table.index.to_numpy(dtype=float)
    act, exp = (("cumulative_actual", "cumulative_expected") if cumulative else ("actual", "expected"))
    colours = style.colours(2)
    with style.grid():
        ax = style.axes(ax, (9, 4.5))
        ax.plot(t, table[act], color=colours[0], label=w(_w.ACTUAL))
        ax.plot(t, table[exp], color=colours[1], linestyle="--", label=w(_w.EXPECTED, model=model))
        if cut is not None:
            ax.axvline(cut, color="0.4", linestyle=":", linewidth=1.2)
            ax.text(cut, 0.02, " " + w(_w.END_OF_CALIBRATION), transform=ax.get_xaxis_transform(), fontsize=9,
                    color="0.3")
        last = table.iloc[-1]
        gap = ((last["cumulative_expected"] - last["cumulative_actual"]) / last["cumulative_actual"]
               if last["cumulative_actual"] else np.nan)
        if cumulative:
            title = w(_w.TRACK_CUMULATIVE, model=model, expected=fmt.count(last["cumulative_expected"]), unit=one,
                      t=_w._g(fmt, t[-1]), actual=fmt.count(last["cumulative_actual"]), gap=_signed_share(fmt, gap))
        else:
            later = table[t > cut] if cut is not None else table
            mae = float((later["expected"] - later["actual"]).abs().mean())
            title = w(_w.TRACK_AFTER if cut is not None else _w.TRACK_OVERALL, model=model, mae=fmt.number(mae, 1),
                      unit=one, actual=fmt.number(later["actual"].mean(), 1))
        unit = _w.unit_name(w, freq if freq in units.UNIT_DAYS else None)
        style.title(ax, title, fontsize=10)
        ax.set(xlabel=w(_w.TIME_SINCE_START, units=unit),
               ylabel=(w(_w.CUMULATIVE_REPEATS) if cumulative else w(_w.REPEATS_PER, unit=one)))
        ax.xaxis.set_major_formatter(fmt.ticks("number"))
        ax.yaxis.set_major_formatter(fmt.ticks("number"))
        ax.set_ylim(bottom=0)
        ax.legend(title=None)
    return ax


def calibration_holdout(table: pd.DataFrame, *, ax=None, model_name: str | None = None, words=None, fmt=None):
    """Actual against predicted mean holdout purchases by calibration frequency (FHL 2005 fig. 4).

    ``table`` is :func:`crmlib.clv.calibration_holdout`'s (customers, actual, predicted; attrs
    ``model``, ``freq`` and ``duration`` name the model and the holdout length).
    """
    w, fmt = _wf(words, fmt)
    model_name = _model_name(model_name or table.attrs.get("model"))
    freq, duration = table.attrs.get("freq"), table.attrs.get("duration")
    actual = float((table["actual"] * table["customers"]).sum())
    predicted = float((table["predicted"] * table["customers"]).sum())
    gap = (predicted - actual) / actual if actual else np.nan
    long = (table.rename(columns={"actual": w(_w.ACTUAL), "predicted": w(_w.PREDICTED)}).reset_index()
            .melt(id_vars=["frequency", "customers"], value_vars=[w(_w.ACTUAL), w(_w.PREDICTED)],
                  var_name="series", value_name="purchases"))
    ylabel = (w(_w.MEAN_IN_HOLDOUT, holdout=_w.unit_count(w, fmt, round(duration), freq))
              if duration is not None and freq in units.UNIT_DAYS else w(_w.MEAN_IN_HOLDOUT_PERIOD))
    with style.grid():
        ax = style.axes(ax, (8, 4.5))
        sns.lineplot(long, x="frequency", y="purchases", hue="series", style="series", markers=True,
                     dashes=False, palette=style.PALETTE, ax=ax, sort=False)
        style.title(ax, w(_w.HOLDOUT_TITLE, model=model_name, predicted=fmt.count(predicted), actual=fmt.count(actual),
                          gap=_signed_share(fmt, gap)))
        ax.set(xlabel=w(_w.REPEATS_IN_CALIBRATION_AXIS), ylabel=ylabel)
        ax.yaxis.set_major_formatter(fmt.ticks("number"))
        ax.legend(title=None)
    return ax


def _signed_share(fmt, x) -> str:
    """A change as a signed share: +12%, -3%."""
    if not np.isfinite(x):
        return fmt.share(x)
    return ("+" if x >= 0 else "") + fmt.share(x, 0)


# --------------------------------------------------------------------------- frequency x recency
def frequency_recency_heatmap(grid: pd.DataFrame, *, ax=None, freq: str | None = None, words=None, fmt=None):
    """Heatmap of :func:`crmlib.clv.frequency_recency_grid`, titled with what it shows for frequent
    buyers; ``freq`` defaults to the grid's ``attrs['freq']``."""
    w, fmt = _wf(words, fmt)
    what, T, t = grid.attrs.get("what"), grid.attrs.get("T"), grid.attrs.get("t")
    freq = freq or grid.attrs.get("freq")
    day = units.days(freq)
    # the model's recency is the age at the last purchase; pages speak of days since the last purchase
    since = [(T - float(c)) * day for c in grid.columns]
    top = grid.iloc[0]  # the most frequent buyers
    if what == "probability_alive":
        title = w(_w.ALIVE_TITLE, n=fmt.count(grid.index[0]), recent=fmt.share(top.iloc[-1], 0),
                  ago=fmt.share(top.iloc[1], 0), days=fmt.count(since[1]))
        label = w(_w.ALIVE_LABEL)
    else:
        horizon = w.plural(_w.UNIT_COUNT[_w._freq(freq)], 2, n=_w._g(fmt, t))
        title = w(_w.EXPECTED_TITLE, most=fmt.number(np.nanmax(grid.to_numpy()), 1), horizon=horizon)
        label = w(_w.EXPECTED_LABEL, horizon=horizon)
    with style.grid("white"):
        ax = style.axes(ax, (9, 5.5))
        sns.heatmap(grid, cmap="viridis", ax=ax, cbar_kws={"label": label},
                    vmin=0, vmax=1 if what == "probability_alive" else None)
        ax.collections[0].colorbar.ax.yaxis.set_major_formatter(
            fmt.ticks("share" if what == "probability_alive" else "number"))
        ax.set_xticks(np.arange(len(since)) + 0.5, [fmt.count(d) for d in since])
        # a row per repeat-purchase count: 50 rows labelled each one overlapped, and on a Bengali page
        # (taller digits, which seaborn then turned on end) ran into an unreadable strip
        rows = [int(f) for f in grid.index]
        size = mpl.font_manager.FontProperties(size=mpl.rcParams["ytick.labelsize"]).get_size_in_points()
        ax.yaxis.set_major_locator(_RowTicks(rows, size))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: fmt.count(rows[int(y)]) if 0 <= y < len(rows)
                                                   else ""))
        ax.tick_params(axis="y", labelrotation=0)
        style.title(ax, title, fontsize=10)
        ax.set(xlabel=w(_w.DAYS_SINCE_LAST, days=fmt.count(T * day)), ylabel=w(_w.REPEAT_PURCHASES_AXIS))
    return ax


class _RowTicks(Locator):
    """Ticks of a heat map's rows (``values``, one per row from the top, at ``i + 0.5``): the rows whose
    value is a multiple of the smallest step of 1, 2, 5, 10, 20, ... at which labels of ``size`` points,
    :data:`ROW_LABEL_SPACING` times their size apart, fit the axis's height as it is drawn (the layout
    gives the axes their height only then)."""

    def __init__(self, values, size: float):
        self.values, self.size = list(values), size

    def __call__(self):
        axes = self.axis.axes
        height = axes.get_window_extent().height  # pixels at the figure's dpi, like the label's size below
        room = max(1, int(height / (ROW_LABEL_SPACING * self.size * axes.figure.dpi / 72)))
        step = next(s for s in _steps() if sum(v % s == 0 for v in self.values) <= room)
        return [i + 0.5 for i, v in enumerate(self.values) if v % step == 0]


#: Room for one label of a heat map's rows, in times its font size: a label's box (Latin, Devanagari or Bengali
#: digits) stands about its font size high, and the rest is a gap that keeps labels apart.
ROW_LABEL_SPACING = 1.8


def _steps():
    """1, 2, 5, 10, 20, 50, ...: steps between labelled rows that read as round numbers."""
    for power in range(12):
        for m in (1, 2, 5):
            yield m * 10 ** power


# --------------------------------------------------------------------------- CLV
def clv_distribution(values: pd.Series, *, ax=None, horizon: float, freq: str, currency: str = "", words=None,
                     fmt=None):
    """Histogram of CLV on a log scale, titled with the share held by the top 10%; customers worth less
    than :func:`_value_floor` are counted in the legend, amounts written as the page writes money."""
    w, fmt = _wf(words, fmt)
    currency = currency or fmt.currency or ""
    money = fmt if not currency or fmt.currency == currency.strip().upper() else Formats(
        fmt.lang, currency=currency, digits=fmt.digits)
    v = pd.Series(values, dtype=float)
    share = clv_deciles(v).loc[1, "share"]
    floor = _value_floor(v)
    shown = v[v >= floor]
    with style.grid():
        ax = style.axes(ax, (8, 4.5))
        sns.histplot(shown, bins=40, log_scale=True, color=style.colours()[0], ax=ax)
        ax.axvline(v.median(), color="0.3", linestyle="--", label=w(_w.MEDIAN, value=money.money(v.median())))
        hidden = len(v) - len(shown)
        if hidden:
            amount = money.money(floor, max(0, -math.floor(math.log10(floor))))  # INR 1, INR 0.01
            ax.plot([], [], " ", label=w.plural(_w.WORTH_LESS_THAN, hidden, n=fmt.count(hidden), amount=amount))
        ax.legend()
        horizon_text = w.plural(_w.UNIT_COUNT[_w._freq(freq)], 2, n=_w._g(fmt, horizon))
        style.title(ax, w(_w.DISTRIBUTION_TITLE, share=fmt.share(share, 0), horizon=horizon_text))
        ax.set(xlabel=(w(_w.VALUE_AXIS_MONEY, currency=currency) if currency else w(_w.VALUE_AXIS)),
               ylabel=w(_w.CUSTOMERS_AXIS))
        style.count_ticks(ax.yaxis, fmt)
        style.log_ticks(ax.xaxis, fmt)  # matplotlib wrote 10^2 in Latin digits on every page
    return ax


def _value_floor(values) -> float:
    """The least lifetime value the log-scale histogram draws: the power of ten at least
    :data:`FLOOR_BELOW_MEDIAN` times below the median of the positive values (1 for a median of 2,462),
    so customers worth next to nothing are counted in words, not drawn at 0.0000001.

    >>> _value_floor([0.0, 3e-7, 2462.0, 2500.0, 9000.0]), _value_floor([0.5, 2.0, 4.0])
    (1.0, 0.001)
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return 1e-9  # nothing to draw but zeros: a floor above them
    return float(10.0 ** math.floor(math.log10(float(np.median(v)) / FLOOR_BELOW_MEDIAN)))


#: How far below the median a value can lie and still be drawn on the histogram of lifetime value.
FLOOR_BELOW_MEDIAN = 1000


def clv_by_segment(table: pd.DataFrame, *, ax=None, words=None, fmt=None):
    """Share of customers against share of CLV per segment (from :func:`crmlib.clv.clv_by_segment`)."""
    w, fmt = _wf(words, fmt)
    table = _segment_words.on_page(table, w)  # segment names as the page's tables write them
    top = table.index[0]
    long = (table[["customer_share", "clv_share"]].rename(columns={"customer_share": w(_w.CUSTOMERS),
                                                                   "clv_share": w(_w.LIFETIME_VALUE)})
            .reset_index().melt(id_vars="segment", var_name="share of", value_name="share"))
    long["segment"] = long["segment"].astype(str)
    with style.grid():
        ax = style.axes(ax, (8, 0.45 * len(table) + 1.5))
        sns.barplot(long, y="segment", x="share", hue="share of", palette=style.PALETTE, ax=ax,
                    order=[str(s) for s in table.index])
        ax.xaxis.set_major_formatter(fmt.ticks("share"))
        style.title(ax, w(_w.SEGMENT_TITLE, segment=str(top), value=fmt.share(table["clv_share"].iloc[0], 0),
                          customers=fmt.share(table["customer_share"].iloc[0], 0)))
        ax.set(xlabel=w(_w.SHARES_AXIS), ylabel=w(_w.RFM_SEGMENT))
        ax.legend(title=None)
    return ax


__all__ = ["calibration_holdout", "clv_by_segment", "clv_distribution", "frequency_recency_heatmap", "tracking"]
