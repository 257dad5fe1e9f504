"""The feedback page read on files that do not match well: a survey of ids the customers file and the transactions do
not hold, a customers file holding some of them, two partial half-years, every comment in a topic.

Before: NPS by city drew one bar "(blank)" of 2,325 answers titled "too few answers to compare", though none of the
survey's 589 customers was in the customers file (and "best customers" drew one segment "–" the same way); the ids
were joined to the customers file by a plain merge, so "000081" never found "81" there as it does in the
transactions; with some found, "(blank)" held both the customers missing from the file and those it has without a
city. The channel table wrote CSAT 74.49 under "CSAT (%)" while the headline table wrote 73.4%. Two partial
half-years with nothing between them were said to leave "only the complete periods between them" to judge, above
"too few periods with enough answers (0)" though neither had too few. "(the table says why)" pointed to a model table
the page does not have, "Words most used in comments of no topic" stood over an empty table, the comment tables'
"NPS" column of answers (3 of 0-10) sat under the themes' "NPS" of scores (+32), and a flat trend's signed change
had an interval "-4.2 to 6.1".
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import feedback as fb  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.reports import feedback_page  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import feedback as fw  # noqa: E402
from crmlib.words import feedback_trend as ft  # noqa: E402
from crmlib.words import overview as ow  # noqa: E402

SCRIPT = {"hi": re.compile("[\u0900-\u097f]"), "bn": re.compile("[\u0980-\u09ff]")}


def _answers(ids, n: int = 120, **columns) -> pd.DataFrame:
    rng = np.random.default_rng(42)
    frame = pd.DataFrame({"customer_id": [ids[i % len(ids)] for i in range(n)],
                          "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) % 150, unit="D"),
                          "nps": rng.integers(0, 11, n), "csat": rng.integers(1, 6, n)})
    return frame.assign(**columns)


def _page(tmp_path, answers, customers=None, value=None, joined=None, lang="en") -> feedback_page.FeedbackPage:
    answers = feedback_page.with_city(answers, customers)
    digits = "native" if lang != "en" else "latin"
    return feedback_page.FeedbackPage(
        data=SimpleNamespace(feedback=answers, customers=customers, transactions=None, frames=[answers]),
        answers=answers, headline=feedback_page.headline_scores(answers),
        nps_trend=fb.pooled_by(answers, "nps", "M", min_n=5), csat_trend=None, value=value, joined=joined,
        at_risk=None, out=tmp_path / "feedback", words=Words(lang, digits=digits), fmt=Formats(lang, digits=digits),
        min_responses=5)


def _survey_ids(k: int = 40) -> list[str]:
    return [f"C{i:04d}" for i in range(k)]  # another system's ids: C0001, never C001


CUSTOMERS = pd.DataFrame({"customer_id": [f"C{i:03d}" for i in range(60)],
                          "city": ["Pune", "Dhaka", "Kolkata"] * 20})


def _tick_labels(figure) -> list[str]:
    return [t.get_text() for t in figure.axes[0].get_yticklabels()]


# ----------------------------------------------------------------------------- by city
def test_no_survey_customer_in_the_customers_file_is_said_plainly_and_draws_no_city(tmp_path):
    page = _page(tmp_path, _answers(_survey_ids()), CUSTOMERS)
    items = page.by_city()
    assert items == ["None of the 40 customers who gave 120 answers is in the customers file, which holds 60 "
                     "customers, so no city can be shown."]


def test_ids_are_matched_to_the_customers_file_as_to_the_transactions():
    """'000081' finds '81' and '81.0' is '81', as crmlib.feedback.join_value matches them; a plain merge found
    neither, and the answers of both were drawn as '(blank)'."""
    answers = pd.DataFrame({"customer_id": ["000081", "82", "x"], "nps": [9, 3, 7]})
    customers = pd.DataFrame({"customer_id": ["81", "82.0"], "city": ["Pune", "Dhaka"]})
    assert feedback_page.with_city(answers, customers)["city"].fillna("-").tolist() == ["Pune", "Dhaka", "-"]


def test_some_survey_customers_in_the_file_are_counted_and_the_others_named_apart_from_blank_cities(tmp_path):
    customers = CUSTOMERS.assign(city=CUSTOMERS["city"].where(CUSTOMERS.index % 10 != 0))  # C000, C010 ... blank
    ids = [f"C{i:03d}" for i in range(30)] + _survey_ids(10)  # 30 in the file, 10 not
    page = _page(tmp_path, _answers(ids, n=400), customers)
    sentence, figure = page.by_city()
    assert sentence == ("30 of 40 survey customers found in the customers file. The answers of the others are "
                        "shown as “(not in the customers file)”.")
    labels = _tick_labels(figure)
    assert "(not in the customers file)" in labels and "(blank)" in labels
    # the answers not known are drawn but never ranked: the title compares named cities only
    title = figure.axes[0].get_title()
    assert "(not in" not in title and "(blank)" not in title and "highest" in title
    # every survey customer found: nothing to say before the figure
    found = _page(tmp_path, _answers([f"C{i:03d}" for i in range(40)]), CUSTOMERS)
    assert [type(i).__name__ for i in found.by_city()] == ["Figure"]
    plt.close("all")


def test_one_city_is_said_to_leave_nothing_to_compare_not_too_few_answers(tmp_path):
    page = _page(tmp_path, _answers([f"C{i:03d}" for i in range(40)]), CUSTOMERS.assign(city="Pune"))
    figure = page.by_city()[-1]
    assert figure.axes[0].get_title() == "NPS by city: one city only (Pune), so nothing to compare"
    plt.close(figure)


# ----------------------------------------------------------------------------- best customers
def _value(ids, model=None) -> pd.DataFrame:
    value = pd.DataFrame({"segment": "Loyal"}, index=pd.Index(ids, name="customer_id"))
    value.attrs.update(model=model, comparison={"BetaGeo": {"BIC": None}, "ParetoNBD": {"BIC": None}})
    return value


def test_no_survey_customer_with_transactions_is_said_plainly_and_draws_no_segment(tmp_path):
    answers = _answers(_survey_ids())
    value = _value([f"C{i:03d}" for i in range(60)])
    page = _page(tmp_path, answers, value=value, joined=fb.join_value(answers, value))
    assert page.best_customers() == ["None of the 40 customers who gave 120 answers is among the 60 customers with "
                                     "transactions, so the comparison with segments and lifetime value cannot be "
                                     "shown."]


def test_a_model_that_could_not_be_fitted_points_to_the_lifetime_value_report(tmp_path):
    """This page has no model table: "(the table says why)" pointed to nothing."""
    answers = _answers([f"C{i:03d}" for i in range(40)])
    value = _value([f"C{i:03d}" for i in range(60)])
    page = _page(tmp_path, answers, value=value, joined=fb.join_value(answers, value))
    sentence = page.best_customers()[-1]
    assert "the table says why" not in sentence and "the lifetime-value report's model table says why" in sentence
    plt.close("all")


# ----------------------------------------------------------------------------- tables
def test_the_channel_table_writes_csat_as_the_headline_table_does(tmp_path):
    page = _page(tmp_path, _answers(_survey_ids(), channel=["app", "web", "store"] * 40))
    _figure, table = page.by_channel()
    html = table.to_html()
    shown = feedback_page.with_channel_csat(fb.nps_by(page.answers, by="channel", min_n=5), page.answers, 5)
    for x in shown["csat"]:
        assert f">{page.fmt.share(x / 100, 1)}<" in html  # 74.5%, not 74.49
    headline = fw.scores_table(page.headline)[0].set_index("metric").loc["CSAT", "score"]
    assert re.fullmatch(r"\d+\.\d%", headline)  # the format both write: 73.4%
    assert "CSAT (% answering 4-5 of 5)" in html and "CSAT (%)" not in html
    plt.close("all")


def test_the_comment_tables_say_their_scores_are_answers(tmp_path):
    comments = ["late delivery again", "great staff, fast delivery"] * 60
    page = _page(tmp_path, _answers(_survey_ids(), comment=comments, channel="app"))
    for table in (page.theme_comments()[0], page.comment_sample()[0]):
        html = table.to_html()
        assert "NPS answer (0-10)" in html and ">NPS<" not in html
    assert "CSAT answer (1-5)" in page.comment_sample()[0].to_html()


def test_every_comment_in_a_topic_says_so_instead_of_an_empty_table(tmp_path):
    page = _page(tmp_path, _answers(_survey_ids(), comment=["late delivery", "rude staff"] * 60))
    items = page.theme_comments()
    assert items[1:] == ["No words to suggest for the lexicon: every comment uses a keyword of some topic."]
    page = _page(tmp_path, _answers(_survey_ids(), comment=["late delivery", "it was the"] * 60))
    assert page.theme_comments()[1:] == ["No words to suggest for the lexicon: the 60 comments of no topic use only "
                                         "function words."]


# ----------------------------------------------------------------------------- partial periods
def _half_years() -> pd.DataFrame:
    """67 answers from Sunday 3 March to Friday 20 September 2024: 10 in March, 25 in the second quarter, 32 in the
    third; no quarter has 30 answers, so half-years are used, both partial."""
    days = (list(pd.date_range("2024-03-03", "2024-03-31", periods=10)) + list(pd.date_range("2024-04-01",
            "2024-06-30", periods=25)) + list(pd.date_range("2024-07-01", "2024-09-20", periods=32)))
    return _answers(["a"], n=len(days)).assign(date=pd.DatetimeIndex(days).normalize())


def _covered(answers: pd.DataFrame, metric: str = "nps") -> pd.DataFrame:
    from crmlib import overview

    return feedback_page.with_coverage(fb.pooled_by(answers, metric, "M", min_n=30), overview.data_end(answers),
                                       overview.data_start(answers))


def test_two_partial_half_years_with_nothing_between_are_said_to_leave_no_complete_period():
    table = _covered(_half_years())
    assert table.attrs["period"] == "H" and not table["complete"].any() and not table["too_few"].any()
    trend = fb.score_trend(table)
    text = fw.trend_sentence(trend)
    assert text.startswith("NPS has too few complete periods with enough answers (0) to judge a trend")
    assert text.endswith("H1 2024 is partial, with 35 answers from 3 Mar 2024, and so is H2 2024, with 32 answers up "
                         "to 20 Sept 2024: both are left out, and no complete period lies between them.")
    assert "between them are judged" not in text
    assert fw.trend_title(trend) == "NPS: too few complete periods with enough answers to show a trend"
    csat = fw.findings(nps_trend=table, csat_trend=_covered(_half_years(), "csat"))[-1]
    assert csat.startswith("CSAT has too few complete periods with enough answers (0)")


def test_one_period_the_answers_end_inside_of_is_said_with_its_days():
    """A survey of 1-20 June: June started whole but ends early; there is no complete period "before it"."""
    answers = _answers(["a"], n=200).assign(date=pd.Timestamp("2024-06-01") + pd.to_timedelta(
        np.arange(200) % 20, unit="D"))
    text = fw.trend_sentence(fb.score_trend(_covered(answers)))
    assert text.endswith(" Jun 2024 is partial: its 200 answers cover only 1–20 Jun 2024, so it is left out of the "
                         "trend.")
    assert "complete periods before it" not in text


def test_a_flat_trend_and_an_unchanged_period_write_their_intervals_with_signs():
    t = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=5, freq="MS"), "metric": "nps", "n": 400,
                      "score": [12.0, 21, 24, 15, 20], "lower": [5.0, 13, 16, 7, 13], "upper": [20.0, 28, 31, 22, 28],
                      "too_few": False})
    t.attrs["period"] = "M"
    trend = fb.score_trend(t)
    assert trend.direction == "flat" and trend.lower < 0 < trend.upper
    assert re.search(r"\(95% interval -\d+\.\d to \+\d+\.\d; 5 months\)", fw.trend_sentence(trend))
    change = fb.last_change(t)
    assert change.direction == "same"
    assert re.search(r"within the noise \(interval -\d+\.\d to \+\d+\.\d\)", fw.change_sentence(change))


# ----------------------------------------------------------------------------- Hindi and Bengali
@pytest.mark.parametrize("lang", ["hi", "bn"])
@pytest.mark.slow
def test_the_new_sentences_read_in_hindi_and_bengali(tmp_path, lang):
    w, fmt = Words(lang, digits="native"), Formats(lang, digits="native")
    none = _page(tmp_path, _answers(_survey_ids()), CUSTOMERS, lang=lang).by_city()[0]
    some = _page(tmp_path, _answers([f"C{i:03d}" for i in range(30)] + _survey_ids(10), n=400), CUSTOMERS,
                 lang=lang).by_city()[0]
    table = _covered(_half_years())
    half = fw.findings(nps_trend=table, w=w, fmt=fmt)[0]
    title = fw.trend_title(fb.score_trend(table), w=w, fmt=fmt)
    words = _page(tmp_path, _answers(_survey_ids(), comment=["late delivery"] * 120), lang=lang).theme_comments()[1]
    assert w(ow.NOT_IN_FILE) in some and fmt.count(400) not in some
    assert fmt.count(60) in none and fmt.count(120) in none and fmt.count(40) in none
    assert fmt.date(pd.Timestamp("2024-03-03"), "medium") in half
    for text in (none, some, half, title, words):
        assert SCRIPT[lang].search(text) and not re.search("[0-9]", text), text
        assert not re.search(r"\b(partial|answers?|customers?|file|complete|between|lexicon|topic)\b", text), text
    assert w.text(ft.PARTIAL_BOTH_NONE) != ft.PARTIAL_BOTH_NONE and w.text(fw.TITLE_BY_ONE) != fw.TITLE_BY_ONE
