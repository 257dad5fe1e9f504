"""Issue 20 finding 11 and issue 21: the retention figures are readable and take their words from crmlib.words."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import retention  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.plots.retention import TICK_POINTS, churn_risk_by_segment, cohort_heatmap  # noqa: E402
from crmlib.words import Words  # noqa: E402


def _tx(seed=42, customers=120):
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(customers):
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 200)))
        for k in range(int(rng.integers(1, 6))):
            rows.append((f"c{c}", start + pd.Timedelta(days=int(k * rng.integers(10, 60))), 10.0))
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_cohort_heatmap_ticks_are_readable_and_cells_hold_values():
    cohorts = retention.cohort_table(_tx(), period="M", observation_end="2024-12-31")
    ax = cohort_heatmap(cohorts)
    sizes = [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    assert min(sizes) >= TICK_POINTS
    cells = [t.get_text() for t in ax.texts if t.get_text()]
    # every observed cell holds its value, but the first cell of the first cohort, acquired from 2 January: hatched
    assert not cohorts.attrs["first_cohort_complete"] and len([p for p in ax.patches if p.get_hatch()]) == 1
    assert len(cells) == int(cohorts.notna().sum().sum()) - 1
    plt.close("all")


@pytest.mark.slow
def test_cohort_heatmap_in_hindi_has_hindi_words_and_digits():
    cohorts = retention.cohort_table(_tx(), period="M", observation_end="2024-12-31")
    ax = cohort_heatmap(cohorts, words=Words("hi"), fmt=Formats("hi", digits="native"))
    cells = [t.get_text() for t in ax.texts if t.get_text()]
    assert all(not any(ch in "0123456789" for ch in c) for c in cells)  # native digits in the cells
    plt.close("all")


@pytest.mark.slow
def test_cohort_scale_runs_from_zero_up_when_nobody_came_back():
    """Before: every customer bought once, every later share was 0, and the colour bar ran from -0.1 to
    0.1 %: a share below zero on a page."""
    tx = pd.DataFrame({"customer_id": [f"C{i}" for i in range(12)],
                       "date": pd.date_range("2024-01-05", periods=12, freq="20D"), "amount": 100.0})
    cohorts = retention.cohort_table(tx, period="M", observation_end="2024-12-31")
    ax = cohort_heatmap(cohorts)
    low, high = ax.collections[0].get_clim()
    assert low == 0 and high > 0
    plt.close("all")


def test_churn_risk_title_sits_above_the_inactive_label():
    rng = np.random.default_rng(42)
    risk = pd.DataFrame({"p_alive": rng.uniform(size=60), "days_since_last_purchase": rng.integers(0, 300, 60),
                         "segment": np.repeat(["Champions", "At risk with a long name", "Hibernating"], 20)})
    risk = retention.churn_risk(risk, 120)
    ax = churn_risk_by_segment(risk)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title = ax.title.get_window_extent(renderer)
    label = [t for t in ax.texts if t.get_text() == "inactive"][0].get_window_extent(renderer)
    assert not title.overlaps(label)
    assert title.x1 <= fig.bbox.x1 + 1  # wrapped, inside the figure
    plt.close("all")


def test_churn_risk_names_the_segments_in_the_pages_language():
    """Before: the Bengali page's box plot was titled "Can't Lose Them সবচেয়ে ঝুঁকিতে..." and its rows read "Can't
    Lose Them", "At Risk", "Champions" in English, while the tables beside it used the Bengali names."""
    from crmlib.words import segments as segment_words

    rng = np.random.default_rng(42)
    keys = ["Can't Lose Them", "At Risk", "Champions"]
    risk = pd.DataFrame({"p_alive": np.concatenate([rng.uniform(0, 0.1, 20), rng.uniform(0.2, 0.5, 20),
                                                    rng.uniform(0.8, 1, 20)]),
                         "days_since_last_purchase": rng.integers(0, 300, 60), "segment": np.repeat(keys, 20)})
    risk = retention.churn_risk(risk, 120)
    w = Words("bn", digits="native")
    ax = churn_risk_by_segment(risk, words=w, fmt=Formats("bn", digits="native"))
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [segment_words.name(w, k) for k in keys]  # most at risk on top, each in Bengali
    quoted = "“" + segment_words.name(w, "Can't Lose Them") + "”"
    assert quoted in " ".join(ax.get_title().split())  # the most at risk, named in Bengali, quoted
    assert not any(k in ax.get_title() or k in rows for k in keys)
    plt.close("all")
