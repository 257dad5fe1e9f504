"""The feedback page's periods, read as an analyst reads them.

Before: the table of NPS by period (and its CSV) was newest first while the overview's revenue table and the retention
cohorts are oldest first; a weekly page mixed two date styles in one sentence ("3 June 2024 is partial, with 15 answers
up to 3 Jun 2024"); and crmlib/words/feedback.py stood one line under the project's limit. Now the table reads oldest
first like the trend figure beside it (the latest periods shown, every one in the CSV), every week and partial date on
the page is the medium date of the partial markers ("3 Jun 2024", in Hindi and Bengali with their digits), and the
period and trend words live in crmlib.words.feedback_trend, still importable from crmlib.words.feedback."""

from __future__ import annotations

from types import SimpleNamespace

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

#: The weeks of a survey from Monday 1 Jan 2024 to Monday 3 Jun 2024, the last of them one day long.
WEEKS = pd.date_range("2024-01-01", "2024-06-03", freq="W-MON")


def _answers(per_day: int = 15, last: str = "2024-06-03") -> pd.DataFrame:
    """``per_day`` NPS answers a day from Monday 1 Jan 2024 to ``last`` (a survey exported on Monday 3 June)."""
    rng = np.random.default_rng(42)
    days = np.repeat(pd.date_range("2024-01-01", last, freq="D"), per_day)
    u = rng.random(len(days))
    nps = np.where(u < 0.25, rng.integers(0, 7, len(days)),
                   np.where(u < 0.7, rng.integers(9, 11, len(days)), rng.integers(7, 9, len(days))))
    return pd.DataFrame({"customer_id": [f"C{i % 300:03d}" for i in range(len(days))], "date": days,
                         "nps": pd.array(nps, dtype="Int64")})


def _page(tmp_path, lang: str = "en", digits: str = "latin", period: str = "W") -> feedback_page.FeedbackPage:
    answers = _answers()
    trend = feedback_page.with_coverage(fb.pooled_by(answers, "nps", period, min_n=30), overview.data_end(answers))
    return feedback_page.FeedbackPage(
        data=SimpleNamespace(feedback=answers, customers=None, transactions=None, frames=[answers]),
        answers=answers, headline=feedback_page.headline_scores(answers), nps_trend=trend, csat_trend=None,
        value=None, joined=None, at_risk=None, out=tmp_path / "feedback", words=Words(lang, digits=digits),
        fmt=Formats(lang, digits=digits))


def test_the_weekly_table_and_its_csv_read_oldest_first_with_the_latest_weeks_shown(tmp_path):
    page = _page(tmp_path)
    assert page.nps_trend.attrs["period"] == "W" and len(page.nps_trend) == len(WEEKS) == 23
    _sentence, _figure, table = page.nps_over_time()
    plt.close("all")
    written = pd.read_csv(tmp_path / "feedback" / "nps-by-period.csv")  # every week, oldest first
    assert written["Period"].tolist() == [page.fmt.date(d, "medium") for d in WEEKS]
    assert written["Period"].iloc[0] == "1 Jan 2024" and written["Period"].iloc[-1] == "3 Jun 2024"
    assert written["Data cover"].tolist() == ["whole week"] * 22 + ["partial: to 3 Jun 2024"]
    html = table.to_html()  # the latest 12 weeks, oldest first as the figure draws them, and a note saying so
    assert "11 Mar 2024" not in html
    assert html.index("18 Mar 2024") < html.index("20 May 2024") < html.index("27 May 2024") < html.index("3 Jun 2024")
    assert "The table shows the latest 12 of the 23 weeks; the CSV file holds every week, oldest first." in html


def test_the_change_sentence_names_the_last_two_whole_rows_of_the_table(tmp_path):
    """The summary's "change on the period before" is of the table's last two whole weeks (the partial one after
    them is left out), so it reads in the table's order."""
    page = _page(tmp_path)
    summary = page.summary()[0]
    page.nps_over_time()
    plt.close("all")
    written = pd.read_csv(tmp_path / "feedback" / "nps-by-period.csv")
    whole = written.loc[written["Data cover"] == "whole week", "Period"].tolist()
    change = next(line for line in summary.splitlines() if "NPS was" in line)
    assert f"in the week of {whole[-1]} (interval" in change
    assert f"the week of {whole[-2]} " in change.split(whole[-1])[-1]


@pytest.mark.parametrize("lang, digits", [("en", "latin"), ("hi", "native"), ("bn", "native")])
def test_weeks_and_the_partial_date_are_written_in_one_date_style(tmp_path, lang, digits):
    """Before: "NPS shows no clear change from 1 January 2024 to 27 May 2024 ... 3 June 2024 is partial, with 15
    answers up to 3 Jun 2024": long month names for the weeks, medium for the partial date (and in the figure)."""
    page = _page(tmp_path, lang, digits)
    fmt = page.fmt
    summary = page.summary()[0]
    first, partial = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-03")
    assert fmt.date(first, "medium") in summary and fmt.date(first, "long") not in summary  # "1 Jan 2024"
    assert summary.count(fmt.date(partial, "medium")) == 2  # the partial week and the answers' last day alike
    if digits == "native":
        assert not any(ch in "0123456789" for ch in summary.replace("CSV", ""))
    ax = pf.trend(page.nps_trend, words=page.words, fmt=fmt)
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_visible()]  # about one date an inch
    medium = [fmt.date(d, "medium") for d in WEEKS]
    assert len(ticks) > 3 and ticks == [d for d in medium if d in ticks] and ticks[0] == medium[0]
    assert fmt.date(first, "medium") in " ".join(ax.get_title().split())  # held on one line by no-break spaces
    assert ow_partial(partial, page) in [t.get_text() for t in ax.texts]  # the figure's marker, the same date
    plt.close("all")


def ow_partial(end, page) -> str:
    from crmlib.words import overview as ow

    return ow.partial_label(end, page.words, page.fmt)


def test_the_period_and_trend_words_are_one_module_still_importable_from_words_feedback():
    from crmlib.words import feedback, feedback_trend

    for name in ("period_label", "trend_sentence", "trend_title", "change_sentence", "pooling_sentence", "signed",
                 "score_text", "PARTIAL", "WHOLE_PERIOD"):
        assert getattr(feedback, name) is getattr(feedback_trend, name), name
    assert feedback_trend.period_label("2024-06-03", "W", Words("en"), Formats("en")) == "3 Jun 2024"


def test_with_coverage_takes_the_period_rule_from_crmlib_periods(monkeypatch):
    """It reached crmlib.periods.period_coverage through crmlib.overview's re-export."""
    def elsewhere(*args, **kwargs):
        raise AssertionError("crmlib.overview.period_coverage was called")

    monkeypatch.setattr(overview, "period_coverage", elsewhere)
    table = pd.DataFrame({"period": pd.to_datetime(["2024-05-01", "2024-06-01"]), "n": [40, 10]})
    table.attrs["period"] = "M"
    assert feedback_page.with_coverage(table, pd.Timestamp("2024-06-03"))["complete"].tolist() == [True, False]
