"""Issue 20, finding 14 (trend part): a 320-answer survey over 24 months, where no month reaches 30
answers. Quarterly periods work end to end, thin months are pooled (and the page says so), and the
summary never headlines a change between two thin end points."""

import numpy as np
import pandas as pd
import pytest

from crmlib import feedback as fb
from crmlib import findings
from crmlib.feedback.trend import last_change, pooled_by, score_trend
from crmlib.words.feedback import pooling_sentence, trend_sentence
from crmlib.reports import checks

from trilingual_survey import make_survey  # tests/feedback/trilingual_survey.py (rootdir on sys.path)


def test_quarterly_periods_are_scored_and_allowed_by_the_planner():
    s = make_survey()
    q = fb.nps_by(s, period="Q", min_n=30)
    assert len(q) == 8 and set(q["period"].dt.month) == {1, 4, 7, 10}
    assert q["n"].sum() == 320 and not q["too_few"].any()
    assert "Q" in checks.feedback_periods()  # the planner asks nps_by itself
    trend = score_trend(q)
    assert trend.unit == "quarter" and trend.periods == 8
    assert "from Q1 2024 to Q4 2025" in trend_sentence(trend) and "8 quarters" in trend_sentence(trend)


def test_half_years_and_years_start_on_their_first_day():
    s = make_survey()
    assert list(fb.nps_by(s, period="H")["period"].dt.strftime("%Y-%m-%d")) == [
        "2024-01-01", "2024-07-01", "2025-01-01", "2025-07-01"]
    assert list(fb.nps_by(s, period="Y")["period"].dt.year) == [2024, 2025]


def test_thin_months_are_pooled_into_quarters_and_the_page_says_so():
    s = make_survey()
    months = fb.nps_by(s, period="M", min_n=30)
    assert months["too_few"].all() and score_trend(months).direction == "unknown"  # the finding
    pooled = pooled_by(s, "nps", "M", min_n=30)
    assert pooled.attrs["period"] == "Q" and pooled.attrs["pooled_from"] == "M"
    assert not pooled["too_few"].any()
    note = pooling_sentence(pooled)
    assert note.startswith("Months hold too few answers (at most 20, against a minimum of 30); quarters are used")
    trend = score_trend(pooled)
    assert trend.direction != "unknown" and trend.periods == 8
    assert trend_sentence(trend).endswith("Months hold too few answers, so quarters are used.")


def test_pooling_keeps_months_when_they_are_enough():
    s = make_survey()
    t = pooled_by(s, "nps", "M", min_n=10)
    assert t.attrs["period"] == "M" and "pooled_from" not in t.attrs and pooling_sentence(t) is None


def test_a_real_decline_is_found_on_pooled_quarters():
    """NPS falling by ~60 points over two years (promoters turning into detractors): judged on all
    quarters, with an interval below zero."""
    s = make_survey(decline=0.6, seed=3)
    trend = score_trend(pooled_by(s, "nps", "M", min_n=30))
    assert trend.direction == "falling" and trend.upper < 0, trend_sentence(trend)
    assert trend_sentence(trend).startswith("NPS fell by about") and "a quarter" in trend_sentence(trend)


def _thin_months():
    """24 months of 17 answers around NPS +20, the last two 9 promoters/3 detractors then
    3 promoters/9 detractors: a 70.6-point drop between two 17-answer months."""
    rng = np.random.default_rng(7)
    rows = []
    for m in range(24):
        if m == 22:
            scores = [10] * 9 + [3] * 3 + [8] * 5
        elif m == 23:
            scores = [10] * 3 + [3] * 9 + [8] * 5
        else:
            scores = list(rng.choice([10, 9, 8, 7, 5, 2], size=17, p=[0.25, 0.15, 0.15, 0.15, 0.15, 0.15]))
        start = pd.Timestamp("2024-01-01") + pd.DateOffset(months=m)
        rows += [{"date": start + pd.Timedelta(days=i), "nps": int(v)} for i, v in enumerate(scores)]
    return pd.DataFrame(rows)


def test_two_thin_end_points_are_never_the_headline():
    answers = _thin_months()
    table = fb.nps_by(answers, period="M", min_n=10)
    two = table.iloc[-2:]
    assert list(two["n"]) == [17, 17] and (two["score"].iloc[0] - two["score"].iloc[1]) == pytest.approx(70.6, abs=0.05)
    assert last_change(table) is None  # was "down 70.6 points (interval ...)" on 17 vs 17 answers
    assert last_change(table, min_n=10).direction == "down"  # still there for whoever asks for it
    words = findings.feedback([fb.nps(answers["nps"])], table)
    assert not any("70.6" in w or " down " in w for w in words), words
    assert any(w.startswith("NPS shows no clear change from Jan 2024 to Dec 2025") and "24 months" in w for w in words), words


def test_plot_title_and_trend_read_quarters(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from crmlib.plots import feedback as pf

    ax = pf.trend(pooled_by(make_survey(), "nps", "M", min_n=30))
    assert "Q1 2024 to Q4 2025" in " ".join(ax.get_title().split())  # each period held on one line (no-break spaces)


def test_plot_ticks_name_the_periods_in_english_too():
    """Before: English figures had matplotlib's day ticks (2025-05-01, 2025-05-05, ...) under monthly points."""
    import matplotlib

    matplotlib.use("Agg")
    from crmlib.plots import feedback as pf

    table = pooled_by(make_survey(), "nps", "M", min_n=30)
    ax = pf.trend(table)
    shown = [t.get_text() for t in ax.get_xticklabels() if t.get_visible()]
    assert shown and all(t.startswith("Q") for t in shown), shown
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "Q1 2024"


def test_too_few_periods_sentence_writes_the_minimum_in_the_page_digits():
    """Before: a Bengali page with native digits said "(২) ... অন্তত 3টি দরকার", the minimum in Latin digits."""
    from crmlib.feedback.trend import MIN_PERIODS
    from crmlib.formats import Formats
    from crmlib.words import Words
    from crmlib.words import feedback as fw

    table = pooled_by(make_survey(), "nps", "Y", min_n=30)
    trend = score_trend(table)
    assert trend.periods < MIN_PERIODS and trend.direction == "unknown"
    said = fw.trend_sentence(trend, w=Words("bn"), fmt=Formats("bn", digits="native"))
    assert "অন্তত ৩টি দরকার" in said and not any(ch.isascii() and ch.isdigit() for ch in said), said
