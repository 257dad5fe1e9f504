"""A survey that starts mid-period: its first period holds only the days from the first answer on.

Before: the feedback page judged each period against the last answer's day only. A survey started on Sunday 3 December
2023 had December drawn, tabled ("whole month") and fitted as a whole month: the trend ran "from Dec 2023", a bad first
week (a year-end delivery outage) in four weeks of answers weighed as a month, and a weekly page took the week of 27
November, one day long, for a week. Now the first answer's day is the data's start (crmlib.periods.period_coverage, the
overview's and the retention page's rule): the first period is "partial: from 3 Dec 2023" in the table, its CSV and the
figure (hollow, at the start of a dashed segment), left out of the trend and of the last-change comparison, and the
sentence after the trend says so ("Dec 2023 is partial, with 348 answers from 3 Dec 2023, so only the complete periods
after it are judged"), of weeks as weeks, in English, Hindi and Bengali."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import feedback as fb  # noqa: E402
from crmlib import overview  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.periods import COVERAGE_COLUMNS  # noqa: E402
from crmlib.plots import feedback as pf  # noqa: E402
from crmlib.reports import feedback_page  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import feedback as fw  # noqa: E402
from crmlib.words import feedback_trend as ft  # noqa: E402

SCRIPT = {"hi": re.compile("[\u0900-\u097f]"), "bn": re.compile("[\u0980-\u09ff]")}


def _answers(first: str = "2023-12-03", last: str = "2024-05-31", per_day: int = 12) -> pd.DataFrame:
    """``per_day`` NPS and CSAT answers a day from ``first`` to ``last``; the first nine days of December 2023 (a
    delivery outage) mostly detractors."""
    rng = np.random.default_rng(42)
    days = np.repeat(pd.date_range(first, last, freq="D"), per_day)
    u = rng.random(len(days))
    p_det = np.where(days < pd.Timestamp("2023-12-12"), 0.8, 0.25)
    nps = np.where(u < p_det, rng.integers(0, 7, len(days)),
                   np.where(u < p_det + 0.45, rng.integers(9, 11, len(days)), rng.integers(7, 9, len(days))))
    return pd.DataFrame({"customer_id": [f"C{i % 300:03d}" for i in range(len(days))], "date": days,
                         "nps": pd.array(nps, dtype="Int64"), "csat": pd.array(np.clip(nps // 2, 1, 5), dtype="Int64")})


def _table(answers: pd.DataFrame, period: str = "M", metric: str = "nps") -> pd.DataFrame:
    return feedback_page.with_coverage(fb.pooled_by(answers, metric, period, min_n=30), overview.data_end(answers),
                                       overview.data_start(answers))


def _hollow(ax) -> list:
    """The periods (as matplotlib day numbers) drawn as hollow points only."""
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    white = [line.get_markerfacecolor() in ("white", "w", (1, 1, 1, 1)) for line in points]
    days = [set(mdates.date2num(line.get_xdata())) for line in points]
    filled = set().union(*[d for d, w in zip(days, white) if not w])
    return sorted(set().union(*[d for d, w in zip(days, white) if w]) - filled)


# ----------------------------------------------------------------------------- the rule
@pytest.mark.parametrize("period, start, late", [
    ("M", "2023-12-03", [True, False]),
    ("M", "2023-12-01", [False, False]),
    ("W", "2023-12-06", [True, False]),  # weeks run Monday to Sunday: 4 Dec 2023 is a Monday
    ("Q", "2023-12-03", [True, False]),
    ("H", "2023-07-01", [False, False]),
    ("H", "2023-08-15", [True, False]),  # inside the half-year's first quarter
    ("H", "2023-11-15", [True, False]),  # inside its second quarter: still after its first day
])
def test_the_first_period_is_partial_when_the_answers_start_after_its_first_day(period, start, late):
    starts = {"M": ["2023-12-01", "2024-01-01"], "W": ["2023-12-04", "2023-12-11"], "Q": ["2023-10-01", "2024-01-01"],
              "H": ["2023-07-01", "2024-01-01"]}[period]
    table = pd.DataFrame({"period": pd.to_datetime(starts), "n": [50, 50]})
    table.attrs["period"] = period
    covered = feedback_page.with_coverage(table, pd.Timestamp("2024-12-31"), pd.Timestamp(start))
    assert covered["starts_late"].tolist() == late and covered["complete"].tolist() == [not x for x in late]
    assert not covered["ends_early"].any() and covered.attrs["period"] == period
    assert covered["covered_from"].iloc[0] == (pd.Timestamp(start) if late[0] else pd.Timestamp(starts[0]))
    assert list(covered.columns[-len(COVERAGE_COLUMNS):]) == list(COVERAGE_COLUMNS)


def test_a_half_year_the_answers_start_and_end_inside_of():
    table = pd.DataFrame({"period": pd.to_datetime(["2024-01-01"]), "n": [50]})
    table.attrs["period"] = "H"
    row = feedback_page.with_coverage(table, pd.Timestamp("2024-05-20"), pd.Timestamp("2024-02-03")).iloc[0]
    assert (row["starts_late"], row["ends_early"], row["complete"]) == (True, True, False)
    assert (row["covered_from"], row["covered_to"]) == (pd.Timestamp("2024-02-03"), pd.Timestamp("2024-05-20"))


# ----------------------------------------------------------------------------- the trend and the comparison
def test_the_trend_starts_at_the_first_complete_month_and_names_the_partial_first_one():
    table = _table(_answers())
    assert table["complete"].tolist() == [False] + [True] * 5 and not table["too_few"].any()
    trend = fb.score_trend(table)
    assert (trend.first, trend.last, trend.periods) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-05-01"), 5)
    assert (trend.partial_first, trend.partial_first_n, trend.partial_from) == (pd.Timestamp("2023-12-01"), 348,
                                                                                pd.Timestamp("2023-12-03"))
    assert trend.partial is None  # the answers end with May: no last period is partial


def test_the_last_change_never_compares_with_a_partial_first_period():
    """Two whole months after a partial December: January against February, never against December."""
    table = _table(_answers(last="2024-02-29"))
    change = fb.last_change(table)
    assert (change.previous, change.current) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"))
    one = _table(_answers(last="2024-01-31"))  # December partial, January whole: nothing to compare
    assert fb.last_change(one) is None


# ----------------------------------------------------------------------------- the sentences
def test_the_summary_says_the_first_month_is_partial_and_judges_the_months_after_it():
    trend, _change = fw.findings(nps_trend=_table(_answers()))
    assert "from Jan 2024 to May 2024" in trend and "Dec 2023 to" not in trend
    assert trend.endswith(" Dec 2023 is partial, with 348 answers from 3 Dec 2023, so only the complete periods after "
                          "it are judged.")


def test_a_first_and_a_last_partial_month_are_said_in_one_sentence():
    lines = fw.findings(nps_trend=_table(_answers(last="2024-06-20")))
    assert lines[0].endswith(" Dec 2023 is partial, with 348 answers from 3 Dec 2023, and so is Jun 2024, with 240 "
                             "answers up to 20 Jun 2024, so only the complete periods between them are judged.")
    assert "in May 2024 (interval" in lines[1] and "Jun 2024" not in lines[1] and "Dec 2023" not in lines[1]


def test_weekly_sentences_say_the_first_week_as_a_week():
    """The answers start on Wednesday 6 December: the week of 4 December holds five of its days."""
    table = _table(_answers(first="2023-12-06", last="2024-03-31"), "W")
    assert table.attrs["period"] == "W" and table["starts_late"].tolist()[:2] == [True, False]
    trend, change = fw.findings(nps_trend=table)
    assert trend.startswith("NPS ") and " from the week of 11 Dec 2023 to the week of 25 Mar 2024" in trend
    assert trend.endswith(" The week of 4 Dec 2023 is partial, with 60 answers from 6 Dec 2023, so only the complete "
                          "weeks after it are judged.")
    assert "4 Dec 2023" not in change
    both = fw.findings(nps_trend=_table(_answers(first="2023-12-06", last="2024-03-27"), "W"))[0]
    assert both.endswith(" The week of 4 Dec 2023 is partial, with 60 answers from 6 Dec 2023, and so is the week of "
                         "25 Mar 2024, with 36 answers up to 27 Mar 2024, so only the complete weeks between them are "
                         "judged.")


def test_answers_inside_one_period_are_said_with_their_days():
    table = _table(_answers(first="2024-06-03", last="2024-06-20"))
    trend = fb.score_trend(table)
    assert trend.partial == trend.partial_first == pd.Timestamp("2024-06-01")
    assert fw.trend_sentence(trend).endswith(" Jun 2024 is partial: its 216 answers cover only 3–20 Jun 2024, so it "
                                             "is left out of the trend.")


def test_two_partial_half_years_are_named_as_half_years():
    """No half-year is whole, so none is reliable: the trend had no period to take its name from and called the
    half-years by their first months ("Jul 2023 is partial")."""
    table = _table(_answers(last="2024-03-31"), "H")
    assert table.attrs["period"] == "H" and not table["complete"].any()
    trend = fw.findings(nps_trend=table)[0]
    assert " H2 2023 is partial, with 348 answers from 3 Dec 2023, and so is H1 2024, " in trend and "Jul" not in trend


def test_the_csat_sentence_does_not_say_the_partial_first_month_again(tmp_path):
    answers = _answers()
    lines = fw.findings(nps_trend=_table(answers), csat_trend=_table(answers, metric="csat"))
    assert " ".join(lines).count("Dec 2023 is partial") == 1 and lines[-1].startswith("CSAT ")


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_the_partial_first_period_sentences_read_in_hindi_and_bengali(lang):
    w, fmt = Words(lang, digits="native"), Formats(lang, digits="native")
    monthly = fw.findings(nps_trend=_table(_answers(last="2024-06-20")), w=w, fmt=fmt)[0]
    weekly = fw.findings(nps_trend=_table(_answers(first="2023-12-06", last="2024-03-31"), "W"), w=w, fmt=fmt)[0]
    first = fmt.date(pd.Timestamp("2023-12-03"), "medium")
    assert w.text(ft.PARTIAL_BOTH) != ft.PARTIAL_BOTH and first in monthly
    assert fmt.month(pd.Timestamp("2023-12-01"), "short") in monthly
    assert fmt.date(pd.Timestamp("2023-12-06"), "medium") in weekly and fmt.date(pd.Timestamp("2023-12-04"),
                                                                                  "medium") in weekly
    only = fb.score_trend(_table(_answers(first="2024-06-03", last="2024-06-20")))
    inside = fw.trend_sentence(only, w=w, fmt=fmt)
    assert fmt.date_range("2024-06-03", "2024-06-20") in inside
    for text in (monthly, weekly, inside):
        assert SCRIPT[lang].search(text) and not re.search("[0-9]", text), text
        assert not re.search(r"\b(partial|answers?|from|weeks?|judged)\b", text), text


# ----------------------------------------------------------------------------- the figure and the table
def test_the_trend_figure_draws_the_first_month_hollow_dashed_and_labelled_inside_the_axes():
    table = _table(_answers(last="2024-06-20"))
    ax = pf.trend(table)
    assert " ".join(ax.get_title().split()).startswith("NPS shows no clear change from Jan 2024 to May 2024")
    assert [t.get_text() for t in ax.texts] == ["partial: from 3 Dec 2023", "partial: to 20 Jun 2024"]
    assert _hollow(ax) == [mdates.date2num(pd.Timestamp(d)) for d in ("2023-12-01", "2024-06-01")]
    dashed = sorted([pd.Timestamp(x) for x in line.get_xdata()] for line in ax.get_lines()
                    if line.get_linestyle() == "--")
    assert dashed == [[pd.Timestamp("2023-12-01"), pd.Timestamp("2024-01-01")],
                      [pd.Timestamp("2024-05-01"), pd.Timestamp("2024-06-01")]]
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) > 2]
    assert pd.Timestamp(solid[0].get_xdata()[0]) == pd.Timestamp("2024-01-01")
    ax.figure.canvas.draw()
    box = ax.get_window_extent()
    for text in ax.texts:
        label = text.get_window_extent()
        assert box.x0 <= label.x0 and label.x1 <= box.x1, text.get_text()
    plt.close("all")


def test_the_period_table_and_its_csv_say_the_first_month_is_partial(tmp_path):
    answers = _answers(last="2024-06-20")
    page = feedback_page.FeedbackPage(
        data=SimpleNamespace(feedback=answers, customers=None, transactions=None, frames=[answers]),
        answers=answers, headline=feedback_page.headline_scores(answers), nps_trend=_table(answers), csat_trend=None,
        value=None, joined=None, at_risk=None, out=tmp_path / "feedback", words=Words("en"), fmt=Formats("en"))
    _pooling, _figure, table = page.nps_over_time()
    plt.close("all")
    written = pd.read_csv(tmp_path / "feedback" / "nps-by-period.csv")
    assert written["Data cover"].tolist() == (["partial: from 3 Dec 2023"] + ["whole month"] * 5
                                              + ["partial: to 20 Jun 2024"])
    assert not set(COVERAGE_COLUMNS) & set(written.columns)
    assert "partial: from 3 Dec 2023" in table.to_html()


def test_the_page_built_from_a_file_judges_the_months_after_the_partial_first_one(tmp_path):
    """The report end to end: the first answer's day reaches the trend, its figure and its sentences."""
    path = tmp_path / "survey.csv"
    _answers(last="2024-06-20").to_csv(path, index=False)
    page = feedback_page.build(feedback=str(path), output_dir=tmp_path / "out")
    assert page.nps_trend["starts_late"].tolist() == [True] + [False] * 6
    assert page.csat_trend["covered_from"].iloc[0] == pd.Timestamp("2023-12-03")
    summary = page.summary()[0]
    assert "Dec 2023 is partial, with 348 answers from 3 Dec 2023, and so is Jun 2024" in summary
    assert summary.count("Dec 2023 is partial") == 1 and "from Dec 2023" not in summary
    plt.close("all")
