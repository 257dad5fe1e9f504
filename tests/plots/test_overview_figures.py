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


@pytest.mark.parametrize("lines", [[50, 30, 20], [40, 35, 25], [10, 10, 80], [34, 33, 33, 5]])
def test_the_channel_legend_covers_no_bar(lines):
    """Before: the legend, where matplotlib found room, covered the top of a reviewer's third channel's bars
    ("whatsapp")."""
    from crmlib.plots.overview import channel_mix

    names = ["Online", "Store", "WhatsApp", "Phone"][:len(lines)]
    tx = pd.DataFrame({"channel": [n for n, k in zip(names, lines) for _ in range(k)],
                       "amount": [100.0 + 7 * i for i in range(sum(lines))]})
    ax = channel_mix(tx)
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    bars = [p.get_window_extent() for p in ax.patches if p.get_height() > 0]
    assert len(bars) == 2 * len(lines)
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


def _attribute_table(column: str) -> pd.DataFrame:
    """An attribute table as crmlib.overview.attribute_value returns it, whose merged rows bring the most per buyer."""
    from crmlib import overview
    from crmlib.screening import RARE

    index = pd.Index(["Dhaka", "Pune", RARE, overview.OTHER, overview.NOT_IN_FILE], name=column)
    return pd.DataFrame({"customers": [40, 30, 385, 65, 5], "buyers": [40, 30, 385, 65, 5],
                         "revenue_per_buyer": [12000.0, 9000.0, 15291.0, 11997.0, 20000.0]}, index=index)


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_the_attribute_title_never_names_a_merged_row_and_says_it_in_the_page_words(lang):
    """Before: the title read "other (fewer than 3 customers) customers bring INR 15,291 each", naming the
    loaders' merged rare values as the best group, in English with a Latin 3 on the Bengali page."""
    from crmlib import overview
    from crmlib.plots.overview import attribute_value
    from crmlib.screening import RARE
    from crmlib.words import Words, quality

    fmt = Formats(lang, currency="INR", digits="native")
    w = Words.of(fmt)
    style.use_page_fonts()
    ax = attribute_value(_attribute_table("city"), fmt=fmt)
    title = ax.get_title()
    assert "Dhaka" in title and "Pune" in title  # best and worst are values of the file
    for merged in (RARE, overview.OTHER, overview.NOT_IN_FILE, w(quality.RARE_VALUE)):
        assert merged not in title
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any(t.startswith(w(quality.RARE_VALUE)) for t in labels), labels  # drawn, in the page's words
    if lang == "bn":
        assert not [t for t in labels + [title] if LATIN_DIGIT.search(t)], labels + [title]
    plt.close("all")


def test_the_attribute_axis_names_crmlibs_own_columns_in_the_page_words_and_others_as_written():
    """Before: the Bengali figure's axis read "city (গ্রাহক)", the column's raw name beside Bengali words."""
    from crmlib.plots.overview import attribute_value
    from crmlib.words import Words
    from crmlib.words import overview as ow
    from crmlib.words.tables import LABELS

    fmt = Formats("bn", digits="native")
    w = Words.of(fmt)
    for column, name in (("city", w(LABELS["city"])), ("loyalty_tier", w(LABELS["loyalty_tier"])),
                         ("অঞ্চল", "অঞ্চল"), ("Region", "Region")):
        ax = attribute_value(_attribute_table(column), fmt=fmt)
        assert ax.get_ylabel() == w(ow.AXIS_ATTRIBUTE, column=name)
        plt.close("all")
    assert "city" not in w(LABELS["city"]) and "tier" not in w(LABELS["loyalty_tier"])


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_every_repeat_count_up_to_the_cap_has_its_slot(lang):
    """Before: customers at 0-5 and 7-8 repeat purchases made eight bars side by side, 5 next to 7, as if
    consecutive; each count from 0 to the cap now has its slot (6 and 9 of height 0), the last one "10+"."""
    from crmlib.plots.overview import frequency_distribution

    fmt = Formats(lang, digits="native")
    frequency = [0, 0, 1, 2, 3, 3, 4, 5, 7, 7, 8]
    ax = frequency_distribution(pd.DataFrame({"frequency": frequency}), fmt=fmt)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == [fmt.count(i) for i in range(10)] + [f"{fmt.count(10)}+"]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [2, 1, 1, 2, 1, 1, 0, 2, 1, 0, 0]
    capped = frequency_distribution(pd.DataFrame({"frequency": [0, 1, 14, 30]}), cap=3)
    assert [t.get_text() for t in capped.get_xticklabels()] == ["0", "1", "2", "3+"]
    assert [p.get_height() for p in capped.patches] == [1, 1, 0, 2]
    plt.close("all")
