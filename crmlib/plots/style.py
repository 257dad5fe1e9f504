"""The one style of crmlib's figures: palette, colours, the Axes helper, percent axes, unit
labels and the fonts that draw Devanagari and Bengali.

Every figure function in :mod:`crmlib.plots` has the signature ``f(data, *, ax=None, ...) ->
Axes``: it draws on ``ax``, or on the Axes of a new figure sized for the picture
(:func:`axes`), and returns the Axes. Multi-panel pictures are composed by the caller with
``plt.subplots``. Nothing global changes: styles apply inside a function only.

Fonts live in :mod:`crmlib.indic_fonts` (re-exported here): installed fonts that really draw each
script, else the Lohit fonts shipped in ``crmlib/fonts``, never matplotlib's "Last Resort"
placeholder; matplotlib >= 3.11 shapes both scripts through libraqm.
"""

from __future__ import annotations

import contextlib
import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.ticker import LogFormatter

from crmlib import units
# re-exported: notebooks call style.indic_fonts() and style.use_indic_fonts()
from crmlib.indic_fonts import FONTS_DIR, FontSupport, indic_fonts, use_indic_fonts, use_page_fonts  # noqa: F401

#: seaborn's colour-blind-safe palette, used by every figure.
PALETTE = "colorblind"
#: Colours of the NPS groups, the same in every feedback figure.
GROUP_COLOURS = {"detractor": "#c0392b", "passive": "#95a5a6", "promoter": "#27ae60"}
#: The clear space between the y tick labels and the y-axis label, in ems of the tick labels (matplotlib
#: leaves 4 points; a page shows its retina figures at half size, where that gap is about 5 pixels and a
#: long Bengali or Hindi segment name, whose headline runs to both ends, reads as touching the label)
LABEL_GAP = 0.8


def colours(n: int | None = None) -> list:
    """The first ``n`` colours of :data:`PALETTE` (all ten when None)."""
    return sns.color_palette(PALETTE, n)


def axes(ax, size: tuple[float, float]):
    """``ax`` itself, or the Axes of a new figure of ``size`` inches (constrained layout), its y-axis
    label :data:`LABEL_GAP` clear of the widest y tick label.

    matplotlib places the label left of all the tick labels as they are drawn, whatever their length
    (and constrained layout makes room for both), so only the gap between them is set here.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    ax.yaxis.labelpad = max(ax.yaxis.labelpad, _label_gap())
    return ax


def _label_gap() -> float:
    """:data:`LABEL_GAP` in points, for the y tick labels' size of the fonts in force."""
    size = mpl.font_manager.FontProperties(size=mpl.rcParams["ytick.labelsize"]).get_size_in_points()
    return LABEL_GAP * size


def title(ax, text: str, fontsize=None) -> None:
    """Set ``text`` as the title of ``ax`` (in ``fontsize``, default ``axes.titlesize``), wrapped
    onto more lines where one line would be wider than the figure (a long finding would otherwise
    run out of the picture)."""
    size = mpl.font_manager.FontProperties(size=fontsize or mpl.rcParams["axes.titlesize"]).get_size_in_points()
    width = ax.figure.get_figwidth() * ax.get_position().width / max(ax.figure.subplotpars.right, 0.5)
    # the title is centred on the axes, which long tick labels (segment or feature names) push to the
    # right of a constrained layout: it has the figure's width less those labels
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    tick_size = mpl.font_manager.FontProperties(size=mpl.rcParams["ytick.labelsize"]).get_size_in_points()
    longest = max((len(t) for t in ticks), default=0)
    width = max(width - longest * 0.55 * tick_size / 72, width / 2)
    chars = max(20, int(width * 72 / (0.6 * size)))
    ax.set_title("\n".join(textwrap.wrap(text, chars)) if len(text) > chars else text, fontsize=size)


@contextlib.contextmanager
def grid(style: str = "whitegrid"):
    """The background of line and bar charts (a context manager: seaborn's ``style``), keeping the
    fonts in force: seaborn's styles reset ``font.family``, which would drop the Devanagari and
    Bengali fallbacks of :func:`use_page_fonts` and draw a Hindi title as boxes."""
    family = list(mpl.rcParams["font.family"])
    with sns.axes_style(style):
        mpl.rcParams["font.family"] = family
        yield


def percent(axis) -> None:
    """Label an axis holding shares (0-1) in percent."""
    axis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))


def count_ticks(axis, fmt) -> None:
    """Ticks of whole numbers only on a count ``axis`` (customers, purchases, periods), written by the
    Formats ``fmt``: on a short axis matplotlib puts ticks at 2.5 or 17.5, which a count writes as 2 and
    18, so a label stood under the wrong height and two ticks could read the same.

    >>> import matplotlib.pyplot as plt
    >>> from crmlib.formats import Formats
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_ylim(0, 3)
    >>> count_ticks(ax.yaxis, Formats("en"))  # matplotlib alone: 0, 0.5, 1, ..., 3
    >>> [float(v) for v in ax.get_yticks() if 0 <= v <= 3]
    [0.0, 1.0, 2.0, 3.0]
    >>> plt.close(fig)
    """
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    axis.set_major_formatter(fmt.ticks("count"))


class _LogTicks(LogFormatter):
    """The ticks of a log axis written by ``write`` (a page's :meth:`crmlib.formats.Formats.ticks`):
    matplotlib's log formatter still picks the ticks that get a label (the powers of ten; some minor
    ticks, 20 or 50, where the axis spans about a decade or less), and each is written with its own
    decimals (0.05 and 2,000 on one axis)."""

    def __init__(self, write):
        super().__init__(labelOnlyBase=False)
        self._write = write

    def __call__(self, x, pos=None):
        return self._write(x) if x > 0 and super().__call__(x, pos) else ""


def log_ticks(axis, fmt, kind: str = "number") -> None:
    """Every tick label of the log ``axis`` (major and minor) written by the Formats ``fmt`` as
    ``kind`` (see :meth:`crmlib.formats.Formats.ticks`): matplotlib's own log labels, ``10^3`` or
    ``2×10^1``, would stay in Latin digits on a native-digit page.

    >>> import matplotlib.pyplot as plt
    >>> from crmlib.formats import Formats
    >>> fig, ax = plt.subplots()
    >>> ax.set_xscale("log")
    >>> _ = ax.set_xlim(15, 90)
    >>> log_ticks(ax.xaxis, Formats("bn", digits="native"))
    >>> ax.xaxis.get_minor_formatter().format_ticks([20, 30, 40, 50, 60])  # 50 left out by matplotlib
    ['২০', '৩০', '৪০', '', '৬০']
    >>> plt.close(fig)
    """
    write = fmt.ticks(kind)
    axis.set_major_formatter(_LogTicks(write))
    axis.set_minor_formatter(_LogTicks(write))


def time_label(freq: str, what: str) -> str:
    """An axis label for a time in the unit ``freq``, e.g. ``"Age (weeks)"``."""
    return units.axis_label(freq, what)


def money_label(what: str, currency: str = "") -> str:
    """An axis label for money: ``"Revenue (INR)"``, or ``"Revenue (currency units)"``."""
    return f"{what} ({currency or 'currency units'})"


def indic_text(ax) -> None:
    """Inside :func:`use_indic_fonts`: the title, axis labels and tick labels of ``ax`` use the
    Indic fonts too.

    These texts belong to the Axes from its creation (tick labels are even made again at drawing
    time from the Axes' settings), so an Axes the caller made outside the fonts' context would
    otherwise draw Devanagari and Bengali with a font that has no such letters.
    """
    family = list(mpl.rcParams["font.family"])
    ax.tick_params(axis="both", labelfontfamily=family)
    for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
        text.set_fontfamily(family)


def mark_partial(ax, coverage, w, fmt) -> None:
    """Label each partial period of ``coverage``, a period table indexed by the periods' first days that holds the
    columns of :func:`crmlib.periods.period_coverage` (other columns are not read), "partial: from 3 Dec 2023"
    or "partial: to 3 Jun 2024" (:func:`crmlib.words.overview.coverage_label`) in room made at the top of the axes,
    above a dotted line at the period: a period in the right half of the axes has its label end at the line, one in
    the left half (a first period the data start inside of) has it start there, so that each stays inside them; the
    overview's and the feedback trend's figures say it alike. Call it once the data are drawn."""
    import matplotlib.dates as mdates

    from crmlib.words import overview as ow

    partial = coverage.index[~coverage["complete"].to_numpy()]
    if not len(partial):
        return
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.15 * (high - low))  # room above every point for the label
    left, right = ax.get_xlim()
    for start in partial:
        ax.axvline(start, color="grey", linestyle=":", linewidth=1, ymax=0.88)
        at = (mdates.date2num(start) - left) / (right - left) if right > left else 0.5
        ax.annotate(ow.coverage_label(coverage.loc[start], w, fmt), xy=(start, 0.97),
                    xycoords=("data", "axes fraction"), xytext=(4 if at < 0.5 else -4, 0), textcoords="offset points",
                    ha="left" if at < 0.5 else "right", va="top", fontsize="small", color="dimgrey")
