"""Issue 19 finding 8: figures speak the pages' words: the papers' model names, days since the last
purchase, features in words."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import plots  # noqa: E402
from crmlib.clv import ModifiedBetaGeo, frequency_recency_grid  # noqa: E402
from crmlib.words.retention import feature_label  # noqa: E402

MBG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)


@pytest.fixture
def mbg():
    return ModifiedBetaGeo.from_params(**MBG)


def test_model_checks_name_models_as_the_tables_do():
    table = pd.DataFrame({"customers": [10, 5], "actual": [0.2, 1.0], "predicted": [0.3, 0.9]},
                         index=pd.Index(["0", "1"], name="frequency"))
    table.attrs.update(model="ModifiedBetaGeo", freq="W", duration=39.0)
    ax = plots.clv.calibration_holdout(table, model_name="ModifiedBetaGeo")
    assert ax.get_title().startswith("MBG/NBD predicts") and "ModifiedBetaGeo" not in ax.get_title()
    track = pd.DataFrame({"actual": [1.0, 2.0], "expected": [1.5, 1.5], "cumulative_actual": [1.0, 3.0],
                          "cumulative_expected": [1.5, 3.0]}, index=[1, 2])
    track.attrs.update(model="ParetoNBD", freq="W")
    ax = plots.clv.tracking(track)
    texts = [ax.get_title()] + [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("Pareto/NBD" in t for t in texts) and not any("ParetoNBD" in t for t in texts)


def test_p_alive_heatmap_speaks_of_days_since_the_last_purchase(mbg):
    grid = frequency_recency_grid(mbg, 52.0, "probability_alive", max_frequency=5)
    ax = plots.clv.frequency_recency_heatmap(grid, freq="W")
    assert ax.get_xlabel().startswith("Days since the last purchase")
    ticks = [float(t.get_text().replace(",", "")) for t in ax.get_xticklabels()]
    assert ticks[0] == pytest.approx(364.0) and ticks[-1] == 0.0  # 52 weeks ago ... today
    assert "days ago" in ax.get_title()


def test_feature_importance_axis_shows_words():
    assert feature_label("days_since_last_purchase") == "days since the last purchase"
    assert feature_label("channel_app") == "share of purchases in channel app"
    assert "_" not in feature_label("mean_gap_days")


def test_answers_without_a_segment_or_channel_are_labelled_never_nan():
    """A survey customer missing from the transactions has no segment: the bar was labelled "nan"."""
    import matplotlib.pyplot as plt

    from crmlib import feedback
    from crmlib.plots import feedback as plots_feedback

    answers = pd.DataFrame({"nps": [9, 3, 10, 7], "segment": ["Champions", "Lost", None, "Lost"],
                            "channel": ["web", None, "app", "web"]})
    for group, label in (("segment", "–"), ("channel", "(blank)")):
        ax = plots_feedback.by_group(feedback.nps_by(answers, by=group, min_n=1), group=group)
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert label in labels and "nan" not in labels, labels
        plt.close("all")
