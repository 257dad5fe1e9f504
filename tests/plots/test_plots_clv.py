"""CLV figures (crmlib/plots/clv.py): the model checks of Fader, Hardie & Lee (2005)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import clv, datasets  # noqa: E402
from crmlib.exceptions import DataError  # noqa: E402
from crmlib.plots import clv as plots_clv  # noqa: E402

PUBLISHED = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)  # FHL (2005), BG/NBD on the CDNOW sample


@pytest.fixture(scope="module")
def track():
    tx = datasets.load_cdnow("sample")
    first, actual = clv.tracking_inputs(tx, freq="W", start="1997-01-01", end="1998-06-30")
    return clv.tracking(clv.BetaGeo.from_params(**PUBLISHED), first, actual)


def test_cumulative_tracking_marks_the_calibration_end_and_states_the_week_78_gap(track):
    """Calibration to 1997-09-30 ends 38.9 weeks after 1997-01-01 (FHL's 39-week calibration)."""
    ax = plots_clv.tracking(track, cumulative=True, calibration_end="1997-09-30")
    lines = ax.get_lines()
    actual, expected, cut = lines[0], lines[1], lines[2]
    assert np.allclose(actual.get_ydata(), track["cumulative_actual"])
    assert np.allclose(expected.get_ydata(), track["cumulative_expected"])
    assert cut.get_xdata()[0] == pytest.approx(272 / 7)
    last = track.iloc[-1]
    gap = last["cumulative_expected"] / last["cumulative_actual"] - 1
    assert ax.get_title() == (f"BG/NBD expects {last['cumulative_expected']:,.0f} repeat transactions by week 78, "
                              f"against {last['cumulative_actual']:,.0f} actual ({gap:+.0%})")
    assert ax.get_xlabel() == "Time since the start (weeks)"
    plt.close(ax.figure)


def test_weekly_tracking_states_the_mean_gap_after_calibration(track):
    ax = plots_clv.tracking(track, calibration_end=39)
    after = track.loc[40:]
    mae = (after["expected"] - after["actual"]).abs().mean()
    assert f"off by {mae:,.1f} repeat transactions a week on average after calibration" in ax.get_title()
    assert ax.get_ylabel() == "Repeat transactions per week (count)"
    plt.close(ax.figure)
    with pytest.raises(DataError, match="crmlib.clv.tracking"):
        plots_clv.tracking(pd.DataFrame({"actual": [1.0]}))


def test_calibration_holdout_figure_reads_model_and_holdout_length_from_the_table():
    truth = clv.BetaGeo.from_params(**PUBLISHED)
    data = truth.sample(500, seed=42, T=39.0)
    data["frequency_holdout"] = np.random.default_rng(42).poisson(0.5, len(data)).astype(float)
    data["duration_holdout"] = 39.0
    data.attrs["freq"] = "W"
    table = clv.calibration_holdout(truth, data)
    assert table.attrs == {"model": "BetaGeo", "freq": "W", "duration": 39.0}
    ax = plots_clv.calibration_holdout(table)
    assert ax.get_title().startswith("BG/NBD predicts")
    assert ax.get_ylabel() == "Mean purchases in the holdout of 39 weeks (count)"
    plt.close(ax.figure)


@pytest.mark.parametrize("values", [np.random.default_rng(42).lognormal(4, 1, 300),
                                    np.random.default_rng(42).uniform(30, 80, 300)], ids=["wide", "within a decade"])
def test_clv_distribution_writes_its_log_axis_in_the_pages_digits(values):
    """Before: the CLV histogram's log axis kept matplotlib's labels ('10^2', '3×10^1') on every page,
    in Latin digits on a native-digit Bengali page; every drawn label now comes from the page's Formats."""
    from crmlib.formats import Formats
    from crmlib.plots import style

    style.use_page_fonts()
    ax = plots_clv.clv_distribution(pd.Series(values), horizon=52, freq="W",
                                    fmt=Formats("bn", currency="BDT", digits="native"))
    ax.figure.canvas.draw()
    lo, hi = sorted(ax.xaxis.get_view_interval())
    shown = [t.label1.get_text() for t in ax.xaxis.get_major_ticks() + ax.xaxis.get_minor_ticks()
             if lo <= t.get_loc() <= hi and t.label1.get_text().strip()]
    assert len(shown) >= 2 and not [s for s in shown if any(c in "0123456789" for c in s)], shown
    plt.close(ax.figure)
