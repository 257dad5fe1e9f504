"""Figures without overlapping text (issue 20, finding 11): every figure of
:mod:`crmlib.plots.overview` and :mod:`crmlib.plots.rfm` is drawn on small data, on the demo data and
on data of CDNOW's size (all 23,570 customers), and the window extents of its texts (title, axis
labels, tick labels, annotations such as heatmap values, legend and colour-bar texts) must neither
overlap one another nor leave the figure. Every figure of :mod:`crmlib.plots.clv`,
:mod:`crmlib.plots.retention` and :mod:`crmlib.plots.feedback` is checked the same way, in English
and in Hindi, on a simulated shop, the demo's size and all of CDNOW (feedback: the simulator's at
800 customers, CDNOW has none)."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

#: Pixels two texts may share before they count as overlapping (antialiasing of touching boxes).
TOLERANCE = 1.0


def _visible_texts(fig) -> list[tuple[str, Text]]:
    """(what, text) for every visible non-empty text the figure will draw."""
    found = []
    for ax in fig.axes:
        where = ax.get_label() or ("colour bar" if hasattr(ax, "_colorbar") else "axes")
        for what, text in [("title", ax.title), ("left title", ax._left_title), ("right title", ax._right_title),
                           ("x label", ax.xaxis.label), ("y label", ax.yaxis.label)]:
            found.append((f"{where} {what}", text))
        for axis, name in ((ax.xaxis, "x tick"), (ax.yaxis, "y tick")):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    found += [(f"{where} {name}", tick.label1), (f"{where} {name}", tick.label2)]
            found.append((f"{where} {name} offset", axis.get_offset_text()))
        found += [(f"{where} annotation", t) for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            found += [(f"{where} legend", t) for t in legend.get_texts()] + [(f"{where} legend title", legend.get_title())]
    found += [("figure text", t) for t in fig.texts]
    return [(w, t) for w, t in found if t.get_visible() and t.get_text().strip()]


def text_faults(fig) -> list[str]:
    """Every pair of texts whose boxes overlap and every text that leaves the figure, in words."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = [(f"{what} {text.get_text()!r}", text.get_window_extent(renderer)) for what, text in _visible_texts(fig)]
    faults = [f"{name} leaves the figure" for name, box in boxes
              if box.x0 < page.x0 - TOLERANCE or box.y0 < page.y0 - TOLERANCE
              or box.x1 > page.x1 + TOLERANCE or box.y1 > page.y1 + TOLERANCE]
    for (a, p), (b, q) in itertools.combinations(boxes, 2):
        w = min(p.x1, q.x1) - max(p.x0, q.x0)
        h = min(p.y1, q.y1) - max(p.y0, q.y0)
        if w > TOLERANCE and h > TOLERANCE:
            faults.append(f"{a} overlaps {b}")
    return faults


# --------------------------------------------------------------------------- the data
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import crmlib  # noqa: E402
from crmlib import datasets, overview, rfm  # noqa: E402
from crmlib.customers import customer_table, spend_summary  # noqa: E402
from crmlib.plots import overview as plots_overview  # noqa: E402
from crmlib.plots import rfm as plots_rfm  # noqa: E402

SIZES = ["small", "demo", "cdnow"]


def _cdnow_sized():
    """All of CDNOW (23,570 customers, 69,659 rows) with the columns the demo export has added at
    random (fixed seed): 15 categories, 4 channels, order ids, and a customers file of 40 cities
    and 4 tiers, so every figure is drawn at CDNOW's size with many labels."""
    rng = np.random.default_rng(42)
    tx = datasets.load_cdnow("master")
    cats = [f"category {c}" for c in "ABCDEFGHIJKLMNO"]
    tx = tx.assign(category=rng.choice(cats, len(tx)), channel=rng.choice(["store", "web", "app", "phone"], len(tx)),
                   order_id=[f"O{i:07d}" for i in range(len(tx))])
    ids = tx["customer_id"].unique()
    cities = [f"City number {i}" for i in range(40)]
    cu = pd.DataFrame({"customer_id": pd.array(ids, dtype="string"),
                       "city": pd.array(rng.choice(cities, len(ids)), dtype="string"),
                       "loyalty_tier": pd.array(rng.choice(["Bronze", "Silver", "Gold", "Platinum"], len(ids)),
                                                dtype="string")})
    return tx, cu


@pytest.fixture(scope="module", params=SIZES)
def sized(request):
    """(size, transactions, customers, customer table, the same table 90 days earlier on the same
    thresholds) for each data size."""
    if request.param == "cdnow":
        tx, cu = _cdnow_sized()
    else:
        shop = datasets.make_crm_dataset(n_customers=60 if request.param == "small" else 800, seed=7)
        tx, cu = crmlib.read_transactions(shop.transactions), crmlib.read_customers(shop.customers)
    table = customer_table(tx, model=None)
    before_end = tx["date"].max() - pd.Timedelta(days=90)
    earlier = rfm.segment(rfm.score(spend_summary(tx, observation_end=before_end), thresholds=rfm.thresholds_of(table)))
    return request.param, tx, cu, table, earlier


def _figures(tx, cu, table, earlier):
    """name -> a call drawing that figure, for every figure of plots.overview and plots.rfm."""
    periods = overview.revenue_by_period(tx)
    counts, shares = rfm.migration(earlier, table["segment"])
    attrs = overview.attribute_columns(cu)
    return {
        "overview.customer_base": lambda: plots_overview.customer_base(tx),
        "overview.frequency_distribution": lambda: plots_overview.frequency_distribution(table),
        "overview.spend_distribution": lambda: plots_overview.spend_distribution(tx, currency="INR"),
        "overview.channel_mix": lambda: plots_overview.channel_mix(tx),
        "overview.revenue_over_time": lambda: plots_overview.revenue_over_time(periods, currency="INR"),
        "overview.orders_over_time": lambda: plots_overview.orders_over_time(periods, currency="INR"),
        "overview.category_mix": lambda: plots_overview.category_mix(overview.category_mix(tx)),
        "overview.attribute_value": lambda: [plots_overview.attribute_value(
            overview.attribute_value(cu, table, c), currency="INR") for c in attrs],
        "rfm.rf_heatmap": lambda: [plots_rfm.rf_heatmap(table), plots_rfm.rf_heatmap(table, value="mean_spend",
                                                                                   currency="INR")],
        "rfm.segment_size_revenue": lambda: plots_rfm.segment_size_revenue(rfm.profile(table)),
        "rfm.migration_heatmap": lambda: plots_rfm.migration_heatmap(shares, counts=counts),
        "rfm.silhouette_by_k": lambda: plots_rfm.silhouette_by_k(rfm.cluster(table, k_range=range(2, 6))),
    }


def _public(module):
    import inspect

    return {f"{module.__name__.rsplit('.', 1)[1]}.{name}" for name, f in inspect.getmembers(module, inspect.isfunction)
            if not name.startswith("_") and f.__module__ == module.__name__}


NAMES = sorted(_public(plots_overview) | _public(plots_rfm))


def test_every_figure_of_overview_and_rfm_is_checked(sized):
    _, tx, cu, table, earlier = sized
    assert set(_figures(tx, cu, table, earlier)) == set(NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_figure_text_neither_overlaps_nor_leaves_the_figure(sized, name):
    size, tx, cu, table, earlier = sized
    drawn = _figures(tx, cu, table, earlier)[name]()
    faults = []
    for ax in drawn if isinstance(drawn, list) else [drawn]:
        faults += [f"{size} {name}: {fault}" for fault in text_faults(ax.figure)]
    plt.close("all")
    assert faults == []


def test_the_check_sees_overlapping_and_escaping_text():
    """The check itself: two labels drawn on one spot, and a title wider than its figure."""
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_yticks([0.5, 0.51], ["Potential Loyalist", "Promising"])
    ax.set_title("a title far too long for a figure three inches wide, running out of it")
    faults = text_faults(fig)
    plt.close(fig)
    assert any("'Potential Loyalist' overlaps" in f for f in faults)
    assert any("leaves the figure" in f for f in faults)


# --------------------------------------------------------------------------- clv, retention and feedback
# The same check for every figure of plots.clv, plots.retention and plots.feedback, in English and
# in Hindi (Devanagari drawn with the page fonts). The models are fitted once per size.
from crmlib import churn, clv, feedback, retention  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.plots import clv as plots_clv  # noqa: E402
from crmlib.plots import feedback as plots_feedback  # noqa: E402
from crmlib.plots import retention as plots_retention  # noqa: E402
from crmlib.plots import style  # noqa: E402
from crmlib.words import Words  # noqa: E402

LANGS = ["en", "hi"]
#: customers of the simulated shop whose feedback is drawn at each size (CDNOW has no feedback)
FEEDBACK_CUSTOMERS = {"small": 150, "demo": 400, "cdnow": 800}


@pytest.fixture(scope="module", params=SIZES)
def modelled(request):
    """(size, name -> (function, data, keyword arguments)) for every figure of plots.clv,
    plots.retention and plots.feedback, on data of that size."""
    style.use_page_fonts()
    size = request.param
    if size == "cdnow":
        tx = datasets.load_cdnow("master")
    else:
        # 150 customers: about the fewest on which the simulated shop still gets a transaction model
        # and an sBG fit of its first cohort
        shop = datasets.make_crm_dataset(n_customers=150 if size == "small" else 800, seed=7)
        tx = crmlib.read_transactions(shop.transactions)
    table = customer_table(tx)
    model = table.attrs["fitted_model"]
    summary = table[["frequency", "recency", "T"]].copy()
    summary.attrs["freq"] = "W"
    hold = summary.assign(frequency_holdout=np.random.default_rng(42).poisson(1.0, len(summary)).astype(float),
                          duration_holdout=26.0)
    first, actual = clv.tracking_inputs(tx, freq="W")
    cohorts = retention.cohort_table(tx, period="M")
    comparison = churn.compare_churn_models(tx, window_days=90, n_boot=20)
    fshop = datasets.make_crm_dataset(n_customers=FEEDBACK_CUSTOMERS[size], seed=7)
    fb = crmlib.read_feedback(fshop.feedback)
    ftable = customer_table(crmlib.read_transactions(fshop.transactions))
    groups = feedback.nps_category(fb["nps"])
    calls = {
        "clv.tracking": (plots_clv.tracking, clv.tracking(model, first, actual),
                         [{"cumulative": True, "calibration_end": 20}, {"calibration_end": 20}]),
        "clv.calibration_holdout": (plots_clv.calibration_holdout, clv.calibration_holdout(model, hold), [{}]),
        "clv.frequency_recency_heatmap": (plots_clv.frequency_recency_heatmap,
                                          clv.frequency_recency_grid(model, float(summary["T"].max())), [{}]),
        "clv.clv_distribution": (plots_clv.clv_distribution, table["clv"], [{"horizon": 52, "freq": "W"}]),
        "clv.clv_by_segment": (plots_clv.clv_by_segment, clv.clv_by_segment(table["clv"], table["segment"]), [{}]),
        "retention.cohort_heatmap": (plots_retention.cohort_heatmap, cohorts, [{}]),
        "retention.retention_projection": (plots_retention.retention_projection,
                                           retention.project_retention(cohorts, fit_periods=4), [{}]),
        "retention.model_retention": (plots_retention.model_retention, retention.model_retention(table, cohorts),
                                      [{}]),
        "retention.churn_risk_by_segment": (plots_retention.churn_risk_by_segment,
                                            retention.churn_risk(table, inactive_days=120), [{}]),
        "retention.churn_curves": (plots_retention.churn_curves, comparison, [{"kind": "pr"}, {"kind": "roc"}]),
        "retention.feature_importance": (plots_retention.feature_importance, comparison, [{}]),
        "feedback.trend": (plots_feedback.trend, feedback.nps_by(fb, period="M", min_n=5), [{}]),
        "feedback.by_group": (plots_feedback.by_group, feedback.nps_by(fb, by="channel", min_n=5),
                              [{"group": "channel"}]),
        "feedback.drivers": (plots_feedback.drivers, feedback.drivers(fb["comment"], groups), [{}]),
        "feedback.themes": (plots_feedback.themes, feedback.themes(fb["comment"]), [{}]),
        "feedback.theme_nps": (plots_feedback.theme_nps, feedback.theme_scores(fb, min_n=5), [{}]),
        "feedback.value_by_nps_group": (plots_feedback.value_by_nps_group,
                                        feedback.value_at_risk(feedback.join_value(fb, ftable)), [{}]),
    }
    return size, calls


MORE_NAMES = sorted(_public(plots_clv) | _public(plots_retention) | _public(plots_feedback))


@pytest.mark.slow
def test_every_figure_of_clv_retention_and_feedback_is_checked(modelled):
    assert set(modelled[1]) == set(MORE_NAMES)


@pytest.mark.slow  # about 30 s: three sizes, two languages, 17 figures (20 drawings)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", MORE_NAMES)
def test_clv_retention_feedback_text_neither_overlaps_nor_leaves_the_figure(modelled, name, lang):
    size, calls = modelled
    func, data, variants = calls[name]
    faults = []
    for kwargs in variants:
        ax = func(data, words=Words(lang), fmt=Formats(lang), **kwargs)
        faults += [f"{size} {lang} {name} {kwargs}: {fault}" for fault in text_faults(ax.figure)]
        plt.close("all")
    assert faults == []
