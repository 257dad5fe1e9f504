"""A survey exported on the 3rd of June: the feedback page compared June's three days of answers with the whole of
May ("NPS was -39 in Jun 2024, down 58.2 points on May 2024"), fitted the trend through them and drew June as a
collapse at the end of the line. The page now follows the overview's rule (crmlib.overview.period_coverage) against
the last answer's day: June is drawn hollow at the end of a dashed segment, labelled "partial: to 3 Jun 2024", named
so in the table, and the trend and the comparison are of the complete months, with a sentence saying why. Periods
with too few answers are still flagged as before."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import feedback as fb  # noqa: E402
from crmlib import overview  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.plots import feedback as pf  # noqa: E402
from crmlib.reports import feedback_page  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import feedback as fw  # noqa: E402


def _answers(per_day: int = 12, last: str = "2024-06-03", bad_from: str = "2024-06-01") -> pd.DataFrame:
    """``per_day`` NPS answers a day from 1 Jan 2024 to ``last`` (an export taken on the 3rd); from ``bad_from`` on,
    a bad weekend: most answers are detractors."""
    rng = np.random.default_rng(42)
    days = np.repeat(pd.date_range("2024-01-01", last, freq="D"), per_day)
    bad = days >= pd.Timestamp(bad_from)
    u = rng.random(len(days))
    p_det = np.where(bad, 0.7, 0.25)
    nps = np.where(u < p_det, rng.integers(0, 7, len(days)),
                   np.where(u < p_det + 0.45, rng.integers(9, 11, len(days)), rng.integers(7, 9, len(days))))
    return pd.DataFrame({"customer_id": [f"C{i % 300:03d}" for i in range(len(days))], "date": days,
                         "nps": pd.array(nps, dtype="Int64"), "csat": pd.array(np.clip(nps // 2, 1, 5), dtype="Int64")})


def _monthly(answers: pd.DataFrame, metric: str = "nps", min_n: int = 30) -> pd.DataFrame:
    return feedback_page.with_coverage(fb.pooled_by(answers, metric, "M", min_n=min_n), overview.data_end(answers))


def test_the_page_compares_the_last_complete_months_and_says_the_last_is_partial(tmp_path):
    """The report run end to end on a file: the summary's comparison is May against April, June is named
    partial with its answers and last day, and no sentence gives June's score."""
    path = tmp_path / "survey.csv"
    _answers().to_csv(path, index=False)
    page = feedback_page.build(feedback=str(path), output_dir=tmp_path / "out")
    summary = page.summary()[0]
    assert "in Jun 2024" not in summary and "on May 2024" not in summary  # was "NPS was -39 in Jun 2024, ..."
    change = [line for line in summary.splitlines() if "NPS was" in line]
    assert len(change) == 1 and "in May 2024 (interval" in change[0] and "Apr 2024" in change[0]
    assert "Jun 2024 is partial, with 36 answers up to 3 Jun 2024, so only the complete periods before it are " \
           "judged." in summary
    assert summary.count("Jun 2024 is partial") == 1  # said after NPS, not again after CSAT of the same months
    assert "from Jan 2024 to May 2024" in summary


def test_the_answers_end_is_the_last_answers_day_not_the_transactions_observation_end(tmp_path):
    """observation_end cuts the transactions only (the answers are read as they are): a June the answers end
    inside of on the 3rd stays partial when the transactions are observed to the 30th."""
    path = tmp_path / "survey.csv"
    _answers().to_csv(path, index=False)
    page = feedback_page.build(feedback=str(path), observation_end="2024-06-30", output_dir=tmp_path / "out")
    assert page.nps_trend["complete"].tolist() == [True] * 5 + [False]
    assert page.nps_trend["covered_to"].iloc[-1] == pd.Timestamp("2024-06-03")
    assert page.csat_trend["complete"].tolist() == [True] * 5 + [False]


def test_last_change_and_the_trend_leave_out_the_partial_period():
    table = _monthly(_answers())
    assert table["too_few"].tolist() == [False] * 6  # 36 answers in June's three days: enough, but partial
    change = fb.last_change(table)
    assert (change.previous, change.current) == (pd.Timestamp("2024-04-01"), pd.Timestamp("2024-05-01"))
    trend = fb.score_trend(table)
    assert (trend.periods, trend.last) == (5, pd.Timestamp("2024-05-01"))
    assert (trend.partial, trend.partial_n, trend.partial_to) == (pd.Timestamp("2024-06-01"), 36,
                                                                  pd.Timestamp("2024-06-03"))
    # a table without the coverage columns is judged as before: every reliable period
    assert fb.last_change(table.drop(columns=["complete", "covered_to"])).current == pd.Timestamp("2024-06-01")


def test_the_trend_figure_draws_the_partial_month_hollow_dashed_and_labelled():
    table = _monthly(_answers())
    ax = pf.trend(table)
    assert " ".join(ax.get_title().split()).startswith("NPS shows no clear change from Jan 2024 to May 2024")
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_markerfacecolor() == "white"  # hollow, at the end of the dashes
    assert [pd.Timestamp(x) for x in dashed[0].get_xdata()] == [pd.Timestamp("2024-05-01"), pd.Timestamp("2024-06-01")]
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) > 2]
    assert pd.Timestamp(solid[0].get_xdata()[-1]) == pd.Timestamp("2024-05-01")
    assert "partial: to 3 Jun 2024" in [t.get_text() for t in ax.texts]
    plt.close("all")


def test_a_thin_partial_month_is_still_flagged_too_few_and_labelled_partial(tmp_path):
    """Two answers a day: June's 6 are too few (grey, hollow, 'too few' in the table) and partial as well."""
    table = _monthly(_answers(per_day=2), min_n=30)
    assert table["too_few"].tolist() == [False] * 5 + [True]
    ax = pf.trend(table)
    assert "partial: to 3 Jun 2024" in [t.get_text() for t in ax.texts]
    grey = [line for line in ax.get_lines() if line.get_color() == "grey" and line.get_marker() == "o"]
    assert len(grey) == 1 and pd.Timestamp(grey[0].get_xdata()[0]) == pd.Timestamp("2024-06-01")
    plt.close("all")
    shown = feedback_page.coverage_column(table, Words("en"), Formats("en"))
    assert shown["coverage"].tolist() == ["whole month"] * 5 + ["partial: to 3 Jun 2024"]
    assert shown["too_few"].tolist() == [False] * 5 + [True]
    assert "complete" not in shown.columns and "covered_to" not in shown.columns


def test_the_period_table_and_its_csv_say_which_period_is_partial(tmp_path):
    from types import SimpleNamespace

    answers = _answers()
    page = feedback_page.FeedbackPage(
        data=SimpleNamespace(feedback=answers, customers=None, transactions=None, frames=[answers]),
        answers=answers, headline=feedback_page.headline_scores(answers), nps_trend=_monthly(answers),
        csat_trend=None, value=None, joined=None, at_risk=None, out=tmp_path / "feedback", words=Words("en"),
        fmt=Formats("en"))
    page.nps_over_time()
    plt.close("all")
    written = pd.read_csv(tmp_path / "feedback" / "nps-by-period.csv")
    # oldest first, as the overview's revenue table and the retention cohorts (it was latest first)
    assert written["Data cover"].tolist() == ["whole month"] * 5 + ["partial: to 3 Jun 2024"]
    assert written["Period"].iloc[-1] == "Jun 2024"


@pytest.mark.parametrize("period, end, complete", [
    ("W", "2024-06-01", [True, False]),  # a week runs Monday to Sunday: the 1st of June 2024 is a Saturday
    ("W", "2024-06-02", [True, True]),
    ("Q", "2024-06-03", [True, False]),
    ("Q", "2024-06-30", [True, True]),
    ("H", "2024-06-03", [True, False]),  # pandas has no half-year period: its second quarter decides
    ("H", "2024-03-31", [True, False]),
    ("H", "2024-06-30", [True, True]),
    ("Y", "2024-12-30", [True, False]),
])
def test_every_period_of_a_feedback_trend_follows_the_overview_rule(period, end, complete):
    starts = {"W": ["2024-05-20", "2024-05-27"], "Q": ["2024-01-01", "2024-04-01"],
              "H": ["2023-07-01", "2024-01-01"], "Y": ["2023-01-01", "2024-01-01"]}[period]
    table = pd.DataFrame({"period": pd.to_datetime(starts), "n": [50, 50]})
    table.attrs["period"] = period
    covered = feedback_page.with_coverage(table, pd.Timestamp(end))
    assert covered["complete"].tolist() == complete
    assert covered.attrs["period"] == period
    if not complete[-1]:
        assert covered["covered_to"].iloc[-1] == pd.Timestamp(end)


@pytest.mark.parametrize("lang, digits", [("hi", "native"), ("bn", "native")])
def test_the_partial_sentence_reads_in_hindi_and_bengali(lang, digits):
    w, fmt = Words(lang, digits=digits), Formats(lang, digits=digits)
    table = _monthly(_answers())
    sentences = fw.findings(None, table, w=w, fmt=fmt)
    partial = w.plural(fw.PARTIAL, 36, period=fw.period_label(pd.Timestamp("2024-06-01"), "M", w, fmt),
                       n=fmt.count(36), date=fmt.date(pd.Timestamp("2024-06-03"), "medium"))
    assert sentences[0].endswith(" " + partial)
    assert partial != fw.PARTIAL[1] and not any(ch in "0123456789" for ch in partial)  # translated, its digits
    assert "Jun" not in sentences[0] and "partial" not in sentences[0]
