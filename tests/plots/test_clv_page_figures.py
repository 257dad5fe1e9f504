"""Figures of the lifetime-value page as a reviewer saw them on a shop of 450 customers (crmlib/plots/clv.py):
segment names in the page's language, heat-map rows whose labels do not overlap, and a histogram of value
whose axis, median and left-out customers are written as the page writes money."""

from __future__ import annotations

import itertools
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import clv  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.plots import clv as plots_clv  # noqa: E402
from crmlib.plots import style  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import clv as clv_words  # noqa: E402
from crmlib.words import segments as segment_words  # noqa: E402

PAGES = [("en", "latin"), ("bn", "native")]
BENGALI_DIGITS = re.compile("[\u09e6-\u09ef]")


@pytest.fixture(scope="module", autouse=True)
def page_fonts():
    style.use_page_fonts()  # as clv_page.build does: Bengali drawn with real fonts, at their real height
    yield
    plt.close("all")


def _page(lang, digits, currency=None):
    fmt = Formats(lang, currency=currency, digits=digits)
    return Words.of(fmt), fmt


# --------------------------------------------------------------------------- value by segment
@pytest.mark.parametrize(("lang", "digits"), PAGES)
def test_segment_figure_names_segments_as_the_pages_tables_do(lang, digits):
    """Before: the Bengali page's figure was titled "'Champions' গোষ্ঠীতে ..." and labelled its bars Champions,
    Potential Loyalist, ... while the table under it said চ্যাম্পিয়ন."""
    values = pd.Series([900.0, 700.0, 300.0, 50.0, 10.0, 5.0])
    segments = pd.Series(["Champions", "Champions", "Potential Loyalist", "Loyal", "At Risk", "Lost"])
    table = clv.clv_by_segment(values, segments)
    w, fmt = _page(lang, digits)
    ax = plots_clv.clv_by_segment(table, words=w, fmt=fmt)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    expected = [segment_words.name(w, s) for s in table.index]
    assert labels == expected
    assert (f"'{expected[0]}'" if lang == "en" else f"“{expected[0]}”") in ax.get_title()  # the language's quotes
    if lang != "en":
        assert not set(labels) & set(table.index.astype(str)), labels  # no English name left
        assert "Champions" not in ax.get_title()
    plt.close(ax.figure)


# --------------------------------------------------------------------------- who is still active
def _text_overlaps(texts, renderer, tolerance=1.0) -> list[str]:
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_visible() and t.get_text()]
    out = []
    for (a, p), (b, q) in itertools.combinations(boxes, 2):
        if (min(p.x1, q.x1) - max(p.x0, q.x0) > tolerance) and (min(p.y1, q.y1) - max(p.y0, q.y0) > tolerance):
            out.append(f"{a!r} overlaps {b!r}")
    return out


@pytest.mark.parametrize("what", ["probability_alive", "expected_purchases"])
@pytest.mark.parametrize(("lang", "digits"), PAGES)
@pytest.mark.slow
def test_heatmap_row_labels_never_overlap_with_fifty_rows(lang, digits, what):
    """Before: the maps of a shop whose frequent buyers made 49 repeat purchases labelled all 50 rows; the
    labels overlapped, and on the Bengali page (turned on end by seaborn) ran into an unreadable strip."""
    model = clv.BetaGeo.from_params(r=1.789, alpha=3.828, a=2.691, b=61.2)  # the reviewer's fit, weeks
    model.freq_ = "W"
    grid = clv.frequency_recency_grid(model, 60.0, what, t=52 if what == "expected_purchases" else None,
                                      max_frequency=49)
    w, fmt = _page(lang, digits)
    ax = plots_clv.frequency_recency_heatmap(grid, words=w, fmt=fmt)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    lo, hi = sorted(ax.get_ylim())
    shown = [t for t in ax.yaxis.get_major_ticks() if lo <= t.get_loc() <= hi and t.label1.get_text()]
    labels = [t.label1 for t in shown]
    assert _text_overlaps(labels, renderer) == []
    assert _text_overlaps([*labels, *ax.get_xticklabels()], renderer) == []  # nor with the days below
    assert all(t.get_rotation() == 0 for t in labels)  # upright, as every axis of the pages
    # labels still read the rows: at least five, each the count of the row it stands at, 0 among them
    rows = list(grid.index)
    assert len(labels) >= 5
    assert [t.label1.get_text() for t in shown] == [fmt.count(rows[int(t.get_loc())]) for t in shown]
    assert fmt.count(0) in [t.get_text() for t in labels]
    if lang == "bn":
        assert all(BENGALI_DIGITS.search(t.get_text()) for t in labels)
    plt.close(fig)


@pytest.mark.slow
def test_heatmap_keeps_every_row_label_where_they_fit():
    """A map of six rows labels each one, as before."""
    grid = clv.frequency_recency_grid(clv.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426), 39.0,
                                      max_frequency=5)
    ax = plots_clv.frequency_recency_heatmap(grid, freq="W")
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels() if t.get_text()] == ["5", "4", "3", "2", "1", "0"]
    plt.close(ax.figure)


# --------------------------------------------------------------------------- lifetime value
def _reviewer_values() -> pd.Series:
    """450 values like the reviewer's: most around INR 2,500, a tail of lapsed customers down to 1e-7."""
    rng = np.random.default_rng(42)
    body = rng.lognormal(np.log(3000), 0.9, 380)
    tail = 10.0 ** rng.uniform(-7, 3, 70)
    return pd.Series(np.concatenate([body, tail]))


@pytest.mark.parametrize(("lang", "digits"), PAGES)
@pytest.mark.slow
def test_value_histogram_writes_money_and_leaves_out_customers_worth_less_than_a_rupee(lang, digits):
    """Before: the x axis ran to a tick "0.0000", the legend said "5 customers below 0.00000071 not shown"
    (the floor was the 1% quantile) and the median read "মধ্যমা ২,৪৬২" without the page's currency."""
    values = _reviewer_values()
    w, fmt = _page(lang, digits, currency="INR")
    ax = plots_clv.clv_distribution(values, horizon=52, freq="W", currency="INR", words=w, fmt=fmt)
    ax.figure.canvas.draw()
    floor = 1.0  # a median of about INR 2,500: customers worth less than one rupee are counted, not drawn
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    below = int((values < floor).sum())
    assert legend[0] == w(clv_words.MEDIAN, value=fmt.money(values.median()))  # was "median 2,462"
    assert "INR" in legend[0] and fmt.money(1, 0) in legend[1] and fmt.count(below) in legend[1]  # "INR 1"
    assert legend[1] == w.plural(clv_words.WORTH_LESS_THAN, below, n=fmt.count(below), amount=fmt.money(1, 0))
    # no tick of the value axis reads as zero, and the axis starts about where the floor is
    lo, hi = ax.get_xlim()
    ticks = [t.label1.get_text() for t in ax.xaxis.get_major_ticks() + ax.xaxis.get_minor_ticks()
             if lo <= t.get_loc() <= hi and t.label1.get_text()]
    assert ticks and not any(set(t) <= set("0০.,") for t in ticks), ticks
    assert lo >= floor / 10
    plt.close(ax.figure)


def test_value_histogram_leaves_nobody_out_without_saying_nobody():
    """Values all well above the floor: the legend has the median only (no "0 customers ... left out")."""
    values = pd.Series(np.random.default_rng(1).lognormal(np.log(500), 0.5, 200))
    ax = plots_clv.clv_distribution(values, horizon=52, freq="W")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"median {Formats('en').money(values.median())}"]
    plt.close(ax.figure)
