"""Weekly periods read as weeks in the feedback page's sentences and titles.

Before: a weekly page named each week by its first day as if it were a period's name: "NPS was +18 in 27 May 2024",
"3 Jun 2024 is partial, with 15 answers up to 3 Jun 2024", "NPS shows no clear change from 1 Jan 2024 to 27 May 2024".
Now a sentence says "in the week of 27 May 2024" ("27 मई 2024 से शुरू सप्ताह में", "২৭ মে, ২০২৪ থেকে শুরু সপ্তাহে"),
while the table's "Period" cells and the figure's ticks keep the bare first day; months, quarters, half-years and years
are named as before ("in May 2024")."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import feedback as fb  # noqa: E402
from crmlib import overview  # noqa: E402
from crmlib.feedback.trend import score_trend  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.plots import feedback as pf  # noqa: E402
from crmlib.reports import feedback_page  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import feedback as fw  # noqa: E402
from crmlib.words import feedback_trend as ft  # noqa: E402


def _weekly(per_day: int = 15, last: str = "2024-06-03", period: str = "W") -> pd.DataFrame:
    """NPS by ``period`` (with its coverage) of ``per_day`` answers a day from Monday 1 Jan 2024 to ``last`` (a survey
    exported on Monday 3 June: its last week is one day long)."""
    rng = np.random.default_rng(42)
    days = np.repeat(pd.date_range("2024-01-01", last, freq="D"), per_day)
    nps = rng.choice([0, 5, 7, 8, 9, 10], size=len(days), p=[0.1, 0.15, 0.15, 0.15, 0.2, 0.25])
    answers = pd.DataFrame({"customer_id": [f"C{i % 300:03d}" for i in range(len(days))], "date": days,
                            "nps": pd.array(nps, dtype="Int64")})
    table = fb.pooled_by(answers, "nps", period, min_n=30)
    return feedback_page.with_coverage(table, overview.data_end(answers))


def _lines(table: pd.DataFrame, lang: str = "en", digits: str = "latin") -> list[str]:
    return fw.findings(nps_trend=table, w=Words(lang, digits=digits), fmt=Formats(lang, digits=digits))


def test_the_weekly_summary_names_each_week_as_a_week():
    trend, change = _lines(_weekly())
    assert trend.startswith("NPS shows no clear change from the week of 1 Jan 2024 to the week of 27 May 2024: ")
    assert trend.endswith(" The week of 3 Jun 2024 is partial, with 15 answers up to 3 Jun 2024, so only the complete "
                          "weeks before it are judged.")
    assert change.startswith("NPS was ") and " in the week of 27 May 2024 (interval " in change
    assert change.endswith(" on the week of 20 May 2024.") or " against the week of 20 May 2024 is within" in change
    # no week's first day is said as if it were a period ("in 27 May 2024"); only the answers' last day is a day
    bare = re.findall(r"(?<!week of )(?<!up to )\b\d{1,2} [A-Z][a-z]{2} \d{4}", trend + " " + change)
    assert bare == [], bare


@pytest.mark.parametrize("lang, week, also", [
    ("hi", "२७ मई २०२४ से शुरू सप्ताह में", "३ जून २०२४ से शुरू सप्ताह आंशिक है"),
    ("bn", "২৭ মে, ২০২৪ থেকে শুরু সপ্তাহে", "৩ জুন, ২০২৪ থেকে শুরু সপ্তাহটি আংশিক"),
])
def test_weeks_read_as_weeks_in_hindi_and_bengali_with_their_digits(lang, week, also):
    table = _weekly()
    trend, change = _lines(table, lang, "native")
    assert change.startswith(week) and also in trend, (trend, change)
    assert "সপ্তাহগুলোতে" in trend if lang == "bn" else "शुरू हुए सप्ताहों के दौरान" in trend
    assert not re.search(r"[0-9]", trend + change)  # native digits throughout
    w, fmt = Words(lang, digits="native"), Formats(lang, digits="native")
    partial = w.plural(ft.PARTIAL_WEEKS, 15, n=fmt.count(15), date=ft.day("2024-06-03", fmt),
                       period=ft.period_label("2024-06-03", "W", w, fmt))
    assert trend.endswith(" " + partial) and partial != ft.PARTIAL_WEEKS[1]  # translated, not the English


def test_only_weeks_are_said_as_weeks():
    """Months, quarters, half-years and years keep their names in the sentences ("in May 2024"), as before."""
    cases = {"W": ("2024-06-03", "the week of 27 May 2024", "the week of 20 May 2024", "The week of 3 Jun 2024"),
             "M": ("2024-06-03", "May 2024", "Apr 2024", "Jun 2024"),
             "Q": ("2024-10-03", "Q3 2024", "Q2 2024", "Q4 2024"),
             "H": ("2025-01-03", "H2 2024", "H1 2024", "H1 2025"),
             "Y": ("2026-01-03", "2025", "2024", "2026")}
    for period, (last, current, previous, partial) in cases.items():
        trend, change = _lines(_weekly(last=last, period=period))
        assert f"{partial} is partial, with " in trend, trend
        assert change.startswith("NPS was ") and f" in {current} (interval " in change and f" {previous}" in change
        assert ("week" in trend + change) == (period == "W"), (trend, change)


def test_the_weekly_title_says_weeks_while_ticks_and_table_cells_keep_the_first_day():
    from crmlib.reports.tables import show

    table = _weekly()
    ax = pf.trend(table)
    title = ax.get_title()
    mean = ft.score_text("nps", score_trend(table).mean, Formats("en"))
    said = "NPS shows no clear change from the week of 1 Jan 2024 to the week of 27 May 2024"
    assert " ".join(title.split()) == f"{said} (about {mean})"
    for date in ("1 Jan 2024", "27 May 2024"):  # wrapped to the figure's width, each date whole on its line
        assert date in title.replace("\u00a0", " "), title
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "1 Jan 2024" and "week" not in " ".join(ticks)  # under "period start (date)"
    plt.close("all")
    html = feedback_page.period_table(table, show, Words("en"), Formats("en")).to_html()
    assert ">27 May 2024<" in html and "week of" not in html  # under "Period", beside "whole week"


def test_said_picks_the_weekly_wording_only_for_weeks():
    """Each weekly message is its period message with every week said "the week of ..." and nothing else changed."""
    for message in (ft.TREND_FLAT, ft.TREND_ROSE, ft.TREND_FELL, ft.TITLE_FLAT, ft.TITLE_ROSE, ft.TITLE_FELL,
                    ft.CHANGE_UP, ft.CHANGE_DOWN, ft.CHANGE_SAME, ft.PARTIAL):
        assert all(ft.said(message, freq) is message for freq in ("M", "Q", "H", "Y", None))
        weekly = ft.said(message, "W")
        for one, week in zip((message,) if isinstance(message, str) else message,
                             (weekly,) if isinstance(weekly, str) else weekly):
            expected = re.sub(r"{(first|last|current|previous|period)}", r"the week of {\1}", one)
            expected = expected.replace("complete periods", "complete weeks")
            assert week == expected[:1].upper() + expected[1:], week
