"""Tables and figures of the CLV report (crmlib/clv/tables.py, clv.validation.default_calibration_end), on small
simulated summaries."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import units  # noqa: E402
from crmlib.clv import clv_by_segment, default_calibration_end, frequency_recency_grid, top_customers  # noqa: E402
from crmlib.customers import clv_deciles, fittable, transaction_model  # noqa: E402
from crmlib.plots import clv as plots_clv  # noqa: E402
from crmlib.clv import BetaGeo  # noqa: E402
from crmlib.exceptions import DataError  # noqa: E402


@pytest.fixture(scope="module")
def fitted():
    truth = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    data = truth.sample(2000, seed=3, T=39.0)
    return BetaGeo().fit(data)


def test_probability_alive_grid_has_the_bgnbd_shape(fitted):
    grid = frequency_recency_grid(fitted, T=39.0, max_frequency=6, n_recency=6)
    assert list(grid.index) == [6, 5, 4, 3, 2, 1, 0] and grid.columns[-1] == 39.0
    # impossible cells are empty, the rest are probabilities
    assert np.isnan(grid.loc[0].iloc[1:]).all() and np.isnan(grid.loc[6].iloc[0])
    values = grid.to_numpy()[~np.isnan(grid.to_numpy())]
    assert ((values >= 0) & (values <= 1)).all()
    # BG/NBD: a repeat buyer is more likely active the more recent the last purchase
    assert (np.diff(grid.loc[3].iloc[1:].to_numpy()) > 0).all()
    # and at a given old last purchase, more past purchases make the silence more telling
    assert grid.loc[6].iloc[1] < grid.loc[1].iloc[1]


def test_expected_purchases_grid_needs_horizon_and_grows_with_it(fitted):
    with pytest.raises(DataError, match="horizon"):
        frequency_recency_grid(fitted, T=39.0, what="expected_purchases")
    short = frequency_recency_grid(fitted, 39.0, "expected_purchases", t=10, max_frequency=3)
    long = frequency_recency_grid(fitted, 39.0, "expected_purchases", t=52, max_frequency=3)
    both = ~np.isnan(short.to_numpy())
    assert (long.to_numpy()[both] > short.to_numpy()[both]).all()
    ax = plots_clv.frequency_recency_heatmap(long, freq="W")
    assert "52 weeks" in ax.get_title() and ax.get_xlabel().startswith("Days since the last purchase")
    plt.close(ax.figure)


def test_deciles_add_up_and_are_ordered():
    values = pd.Series(np.random.default_rng(42).lognormal(5, 1.5, 1003))
    table = clv_deciles(values)
    assert table["customers"].sum() == 1003 and table["customers"].max() - table["customers"].min() <= 1
    assert table["share"].sum() == pytest.approx(1.0)
    assert (table["min"].iloc[:-1].to_numpy() >= table["max"].iloc[1:].to_numpy()).all()
    assert table.index[0] == 1 and table.loc[1, "max"] == values.max()  # decile 1: the most valuable
    with pytest.raises(DataError, match="at least 10"):
        clv_deciles(pd.Series([1.0, 2.0]))


def test_clv_distribution_title_states_the_top_decile_share():
    values = pd.Series([100.0] * 90 + [1000.0] * 10)  # top 10% hold 10,000 of 19,000
    ax = plots_clv.clv_distribution(values, horizon=52, freq="W", currency="INR")
    assert "53%" in ax.get_title() and "INR" in ax.get_xlabel()
    plt.close(ax.figure)


def test_clv_by_segment_shares_and_missing_segments():
    values = pd.Series([10.0, 30.0, 60.0], index=["a", "b", "c"])
    segments = pd.Series(["x", "x", "y"], index=["a", "b", "c"])
    table = clv_by_segment(values, segments)
    assert list(table.index) == ["y", "x"]
    assert table.loc["y", "clv_share"] == pytest.approx(0.6)
    assert table.loc["x", "customer_share"] == pytest.approx(2 / 3)
    ax = plots_clv.clv_by_segment(table)
    assert "'y' hold 60%" in ax.get_title()
    plt.close(ax.figure)
    with pytest.raises(DataError, match="no segment"):
        clv_by_segment(values, segments.iloc[:2])


def test_top_customers_shows_only_pseudonyms():
    table = pd.DataFrame({"clv": [5.0, 50.0, 20.0], "email": ["a@x.in", "b@x.in", "c@x.in"],
                          "segment": ["Lost", "Champions", "Loyal"]},
                         index=pd.Index(["C001", "C002", "C003"], name="customer_id"))
    top = top_customers(table, n=2, key="test-key")
    assert list(top["rank"]) == [1, 2] and list(top["clv"]) == [50.0, 20.0]
    assert "email" not in top.columns and list(top["segment"]) == ["Champions", "Loyal"]
    assert all(i.startswith("c_") and "C00" not in i for i in top.index)
    assert top.index[0] == top_customers(table, n=1, key="test-key").index[0]


def test_calibration_end_and_model_names():
    tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-04-01", "2024-07-01"])})
    assert default_calibration_end(tx) == pd.Timestamp("2024-05-01")
    with pytest.raises(DataError, match="ParetoNBD"):
        transaction_model("Pareto")
    with pytest.raises(DataError, match="time unit"):
        units.name("Q")


def test_fittable_drops_customers_without_history():
    summary = pd.DataFrame({"frequency": [0, 1], "recency": [0.0, 2.0], "T": [0.0, 5.0]})
    summary.attrs["freq"] = "W"
    out = fittable(summary)
    assert len(out) == 1 and out.attrs["freq"] == "W"
