"""The overview figures keep their data visible and write their ticks in the page's digits."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib.formats import Formats  # noqa: E402
from crmlib.plots import style  # noqa: E402
from crmlib.plots.overview import category_mix, spend_distribution  # noqa: E402


@pytest.mark.parametrize("customer_shares", [[0.37, 0.38, 0.39, 0.40], [0.9, 0.1, 0.5, 0.95]])
def test_the_category_legend_covers_no_bar(customer_shares):
    """Before: the legend sat at the lower right over the last category's share-of-customers bar
    (the demo data's 'books', 39%), hiding where the bar ends."""
    mix = pd.DataFrame({"revenue_share": [0.3, 0.25, 0.25, 0.2], "customer_share": customer_shares},
                       index=pd.Index(["electronics", "beauty", "sports", "books"], name="category"))
    ax = category_mix(mix)
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    bars = [p.get_window_extent() for p in ax.patches if p.get_width() > 0]
    assert len(bars) == 8
    assert not [b for b in bars if b.overlaps(legend)]
    plt.close("all")


LATIN_DIGIT = re.compile("[0-9]")


def drawn_tick_labels(axis) -> list[str]:
    """Every tick label of ``axis`` (major and minor) the drawn figure shows: in the view, not empty."""
    axis.get_figure(root=True).canvas.draw()
    lo, hi = sorted(axis.get_view_interval())
    return [tick.label1.get_text() for tick in axis.get_major_ticks() + axis.get_minor_ticks()
            if lo <= tick.get_loc() <= hi and tick.label1.get_visible() and tick.label1.get_text().strip()]


@pytest.mark.parametrize("amounts", [[15.0, 22.0, 31.0, 47.0, 64.0, 88.0], [0.05, 3.0, 40.0, 900.0, 12000.0]],
                         ids=["within a decade", "six decades"])
def test_spend_log_axis_writes_every_tick_in_native_digits(amounts):
    """Before: on a native-digit page matplotlib's log formatter wrote the minor labels of the
    purchase-amount axis ('2×10^1', '3×10^1', ...), in Latin digits; the Bengali page's Formats now
    writes them all (২০, ৩০, ...), majors and minors alike."""
    style.use_page_fonts()
    tx = pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(amounts))], "amount": amounts,
                       "date": pd.Timestamp("2024-01-01")})
    ax = spend_distribution(tx, fmt=Formats("bn", currency="BDT", digits="native"))
    labels = drawn_tick_labels(ax.xaxis)
    assert len(labels) >= 2 and [t for t in labels if LATIN_DIGIT.search(t)] == [], labels
    assert [t for t in ax.xaxis.get_ticklabels(which="both") if LATIN_DIGIT.search(t.get_text())] == []
    plt.close("all")


def test_a_short_count_axis_has_whole_ticks_each_written_once():
    """Before: three purchases of one amount made a count axis of 0 to 3 with ticks at 0.5, 1.5 and 2.5,
    which the count formatter wrote as 0, 2 and 2: labels under the wrong height, two of them alike."""
    tx = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "amount": [20.0, 20.0, 20.0, 700.0],
                       "date": pd.Timestamp("2024-01-01")})
    ax = spend_distribution(tx, fmt=Formats("en"))
    ax.figure.canvas.draw()
    lo, hi = ax.get_ylim()
    shown = [(t.get_loc(), t.label1.get_text()) for t in ax.yaxis.get_major_ticks() if lo <= t.get_loc() <= hi]
    assert len(shown) >= 2 and all(float(loc).is_integer() for loc, _ in shown), shown
    assert len({text for _, text in shown}) == len(shown), shown
    plt.close("all")
