"""Every public figure function of crmlib.plots has the one signature ``f(data, *, ax=None, ...)
-> Axes``: given ``ax`` it draws there and returns that Axes, without ``ax`` it makes a new
figure; only the data are positional. Each is called on small data made by crmlib itself."""

from __future__ import annotations

import importlib
import inspect
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import crmlib  # noqa: E402
from crmlib import churn, clv, datasets, feedback, overview, retention, rfm  # noqa: E402
from crmlib.customers import customer_table  # noqa: E402
from crmlib.plots import SUBJECTS  # noqa: E402

MODULES = {name: importlib.import_module(f"crmlib.plots.{name}") for name in SUBJECTS}


def public_figures():
    for name, module in MODULES.items():
        for fname, func in inspect.getmembers(module, inspect.isfunction):
            if not fname.startswith("_") and func.__module__ == module.__name__:
                yield f"{name}.{fname}", func


@pytest.fixture(scope="module")
def shop():
    return datasets.make_crm_dataset(n_customers=400, seed=7)


@pytest.fixture(scope="module")
def table(shop):
    return customer_table(shop.transactions)


@pytest.fixture(scope="module")
def calls(shop, table):
    """name -> (data, keyword arguments) for every figure function."""
    tx = crmlib.read_transactions(shop.transactions)
    fb = crmlib.read_feedback(shop.feedback)
    model = table.attrs["fitted_model"]
    summary = table[["frequency", "recency", "T"]].copy()
    summary.attrs["freq"] = "W"
    hold = summary.assign(frequency_holdout=np.random.default_rng(42).poisson(1.0, len(summary)).astype(float),
                          duration_holdout=26.0)
    first, actual = clv.tracking_inputs(tx, freq="W")
    groups = feedback.nps_category(fb["nps"])
    joined = feedback.join_value(fb, table)
    cohorts = retention.cohort_table(tx, period="M")
    comparison = churn.compare_churn_models(tx, window_days=90, n_boot=20)
    before = table["segment"].copy()
    after = before.sample(frac=1.0, random_state=1).set_axis(before.index)
    counts, shares = rfm.migration(before, after)
    scored = table.copy()
    return {
        "overview.customer_base": (tx, {}),
        "overview.frequency_distribution": (table, {}),
        "overview.spend_distribution": (tx, {"currency": "INR"}),
        "overview.channel_mix": (tx, {}),
        "overview.revenue_over_time": (overview.revenue_by_period(tx), {"currency": "INR"}),
        "overview.orders_over_time": (overview.revenue_by_period(tx), {}),
        "overview.category_mix": (overview.category_mix(tx), {}),
        "overview.attribute_value": (overview.attribute_value(crmlib.read_customers(shop.customers), table, "loyalty_tier"),
                                     {"currency": "INR"}),
        "rfm.rf_heatmap": (scored, {"value": "mean_spend"}),
        "rfm.segment_size_revenue": (rfm.profile(scored), {}),
        "rfm.migration_heatmap": (shares, {"counts": counts}),
        "rfm.silhouette_by_k": (rfm.cluster(scored, k_range=range(2, 4)), {}),
        "clv.tracking": (clv.tracking(model, first, actual), {"cumulative": True, "calibration_end": 20}),
        "clv.calibration_holdout": (clv.calibration_holdout(model, hold), {}),
        "clv.frequency_recency_heatmap": (clv.frequency_recency_grid(model, 30.0, max_frequency=5), {}),
        "clv.clv_distribution": (table["clv"], {"horizon": 52, "freq": "W"}),
        "clv.clv_by_segment": (clv.clv_by_segment(table["clv"], table["segment"]), {}),
        "feedback.trend": (feedback.nps_by(fb, period="M", min_n=5), {}),
        "feedback.by_group": (feedback.nps_by(fb, by="channel", min_n=5), {"group": "channel"}),
        "feedback.drivers": (feedback.drivers(fb["comment"], groups), {"k": 5}),
        "feedback.themes": (feedback.themes(fb["comment"], n_themes=3), {}),
        "feedback.theme_nps": (feedback.theme_scores(fb, min_n=5), {}),
        "feedback.value_by_nps_group": (feedback.value_at_risk(joined), {}),
        "retention.cohort_heatmap": (cohorts, {}),
        "retention.retention_projection": (retention.project_retention(cohorts, fit_periods=4), {}),
        "retention.model_retention": (retention.model_retention(table, cohorts), {}),
        "retention.churn_risk_by_segment": (retention.churn_risk(table, inactive_days=120), {}),
        "retention.churn_curves": (comparison, {"kind": "pr"}),
        "retention.feature_importance": (comparison, {}),
    }


@pytest.mark.slow
def test_every_figure_function_is_called_below(calls):
    assert {name for name, _ in public_figures()} == set(calls)


@pytest.mark.parametrize("name, func", list(public_figures()), ids=[n for n, _ in public_figures()])
def test_figure_draws_on_the_given_axes_and_returns_them(name, func, calls, tmp_path):
    params = inspect.signature(func).parameters
    positional = [p for p in params.values() if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    assert len(positional) == 1, f"{name}: only the data are positional, got {[p.name for p in positional]}"
    assert params["ax"].kind is inspect.Parameter.KEYWORD_ONLY and params["ax"].default is None
    data, kwargs = calls[name]
    fig, (left, right) = plt.subplots(1, 2)
    ax = func(data, ax=right, **kwargs)
    assert ax is right and ax.figure is fig
    assert ax.get_title(), f"{name}: the figure states its finding in a title"
    assert not left.has_data()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph")  # Indic labels are drawn with real fonts
        fig.savefig(tmp_path / "figure.png")
    plt.close(fig)
    before = plt.get_fignums()
    own = func(data, **kwargs)
    # the same finding; a title may wrap differently on a figure of another width (style.title)
    assert own.figure.number not in before and own.get_title().split() == ax.get_title().split()
    plt.close("all")


def test_the_churn_curves_title_never_compares_the_winner_with_itself(calls):
    """When P(alive) ranks churners best, the title read "P(alive) ranks churners best (ROC AUC 0.759; P(alive)
    0.759)"; it now sets P(alive) against the best of the other scores, and any other winner against P(alive)."""
    import dataclasses

    from crmlib.churn import P_ALIVE

    comparison = calls["retention.churn_curves"][0]
    metrics = comparison.metrics.copy()
    metrics.loc[P_ALIVE, "roc_auc"] = metrics["roc_auc"].max() + 0.01
    won = dataclasses.replace(comparison, winner=P_ALIVE, metrics=metrics)
    curves = MODULES["retention"].churn_curves
    title = " ".join(curves(won, kind="roc").get_title().split())  # the title wraps
    runner_up = metrics["roc_auc"].drop(P_ALIVE).idxmax()
    assert title.count("P(alive)") == 1 and runner_up in title, title
    other = next(name for name in metrics.index if name != P_ALIVE)
    title = " ".join(curves(dataclasses.replace(comparison, winner=other), kind="roc").get_title().split())
    assert other.lower() in title.lower() and "P(alive)" in title
    plt.close("all")
