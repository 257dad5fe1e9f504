"""The feedback notebook holds calls and prose; its decisions live in crmlib.reports.feedback_page (issue 22,
point 2). Before, the notebook merged cities into the answers, computed its output folder, headline scores,
trends and the value tables, and decided with ``if`` on the CSAT, channel and city columns, the customers and
transactions files and the number of comments which sections to show and which CSV to write."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import notebook_checks
import pandas as pd
import pytest

from crmlib import DataError, config, datasets
from crmlib.formats import Formats
from crmlib.reports import feedback_page
from crmlib.words import Words
from crmlib.words import feedback as fw

matplotlib.use("Agg")

PARAMETERS = ["feedback", "customers", "transactions", "period", "min_responses", "lexicon", "observation_end",
              "freq", "model", "horizon_days", "annual_discount", "currency", "lang", "digits", "output_dir"]


def test_feedback_notebook_cells_are_calls_only_and_short():
    notebook_checks.assert_calls_only_and_short("feedback")


def test_feedback_notebook_passes_every_parameter_to_build():
    """The parameters cell is unchanged and every parameter reaches ``build`` under its own name."""
    notebook_checks.assert_every_parameter_reaches_build("feedback", PARAMETERS)


def test_output_folder_is_reports_feedback_of_the_working_folder_unless_given(tmp_path, monkeypatch):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    assert feedback_page.output_folder() == tmp_path.resolve() / "reports" / "feedback"
    assert feedback_page.output_folder(tmp_path / "mine") == tmp_path / "mine"


def _answers(n: int = 40, **columns) -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": [f"c{i % 25}" for i in range(n)],
                          "date": pd.date_range("2024-01-01", periods=n, freq="5D"),
                          "nps": [(i * 7) % 11 for i in range(n)]})
    return frame.assign(**{k: v[:n] for k, v in columns.items()})


def test_answers_take_the_city_of_the_customers_file_only_when_it_has_one():
    answers = _answers(3)
    customers = pd.DataFrame({"customer_id": ["c0", "c2"], "city": ["Pune", "Kolkata"], "tier": ["Gold", "Gold"]})
    merged = feedback_page.with_city(answers, customers)
    assert merged["city"].fillna("-").tolist() == ["Pune", "-", "Kolkata"]
    assert "tier" not in merged.columns and len(merged) == len(answers)
    assert feedback_page.with_city(answers, customers.drop(columns="city")) is answers
    assert feedback_page.with_city(answers, None) is answers


def test_headline_holds_a_score_for_each_score_column_present_in_the_page_order():
    nps_only = feedback_page.headline_scores(_answers())
    assert [s.metric for s in nps_only] == ["nps"]
    both = feedback_page.headline_scores(_answers(ces=[3] * 40, csat=[4, 5, 2, 1] * 10))
    assert [s.metric for s in both] == ["nps", "csat", "ces"]
    assert both[1].score == pytest.approx(50.0)  # 4 or 5 of 5: half the answers


def test_driver_terms_and_themes_need_twenty_comments():
    comments = ["late delivery"] * 19 + [None] * 21
    assert not feedback_page.has_comments(_answers(comment=comments))
    assert feedback_page.has_comments(_answers(comment=comments[:19] + ["rude staff"] + comments[20:]))
    assert not feedback_page.has_comments(_answers())


def test_channel_table_has_csat_beside_nps_only_with_a_csat_column():
    from crmlib import feedback as fb

    answers = _answers(channel=["web", "store"] * 20)
    by_channel = fb.nps_by(answers, by="channel", min_n=5)
    assert feedback_page.with_channel_csat(by_channel, answers, 5) is by_channel
    answers["csat"] = [5, 1] * 20  # web always 5, store always 1
    table = feedback_page.with_channel_csat(by_channel, answers, 5).set_index("channel")
    assert table["csat"].to_dict() == {"store": 0.0, "web": 100.0}
    assert table["score"].tolist() == by_channel.set_index("channel")["score"].tolist()


def _bare_page(tmp_path, answers=None, customers=None) -> feedback_page.FeedbackPage:
    """A page of answers with NPS only: no CSAT, channel, city, comments nor transactions."""
    from crmlib import feedback as fb

    answers = _answers() if answers is None else answers
    return feedback_page.FeedbackPage(
        data=SimpleNamespace(feedback=answers, customers=customers, transactions=None, frames=[answers]),
        answers=answers, headline=feedback_page.headline_scores(answers),
        nps_trend=fb.pooled_by(answers, "nps", "M", min_n=5), csat_trend=None, value=None, joined=None,
        at_risk=None, out=tmp_path / "feedback", words=Words("en"), fmt=Formats("en"), min_responses=5)


def test_without_optional_columns_and_files_each_section_says_what_is_missing(tmp_path):
    page = _bare_page(tmp_path)
    w = page.words
    assert page.csat_over_time() == [w(fw.NO_CSAT)]
    assert page.by_channel() == [w(fw.NO_CHANNEL)]
    assert page.by_city() == [w(fw.LEFT_OUT_CITY, file="customers", flag="--customers")]
    assert page.best_customers() == [w(fw.LEFT_OUT_VALUE, file="transactions", flag="--transactions")]
    assert page.drivers() == [w(fw.FEW_COMMENTS)]
    assert page.themes() == page.theme_comments() == page.comment_sample() == []
    no_city = _bare_page(tmp_path, customers=pd.DataFrame({"customer_id": ["c1"], "tier": ["Gold"]}))
    assert no_city.by_city() == [w(fw.NO_CITY)]
    assert not (tmp_path / "feedback").exists()  # no section above writes a CSV


@pytest.mark.slow
def test_nps_section_says_when_periods_were_pooled_and_writes_every_period(tmp_path):
    from matplotlib.figure import Figure

    page = _bare_page(tmp_path)
    sentence, figure, _table = page.nps_over_time()
    assert sentence is None  # months hold enough answers at min_n=5: nothing to say
    assert isinstance(figure, Figure)
    written = pd.read_csv(tmp_path / "feedback" / "nps-by-period.csv")
    assert len(written) == len(page.nps_trend) and written.columns[:3].tolist() == ["Period", "Answers", "NPS"]
    # the oldest period first, as every period table of crmlib (it was latest first), each named as the sentences
    # name it ("Jun 2025"), not by its first day
    oldest = page.nps_trend["period"].sort_values()
    assert written["Period"].tolist() == [page.fmt.month(p, "short") for p in oldest]
    thin = _bare_page(tmp_path / "thin")
    from crmlib import feedback as fb

    thin.nps_trend = fb.pooled_by(thin.answers, "nps", "M", min_n=30)
    assert thin.nps_over_time()[0] == fw.pooling_sentence(thin.nps_trend)
    assert "quarters" in thin.nps_over_time()[0] or "years" in thin.nps_over_time()[0]


def test_show_items_draws_each_figure_where_it_stands(monkeypatch):
    """A section returning text between figures shows them in its order; plt.show() drew every open figure
    at the first one (the value section's sentence came after three figures)."""
    import IPython.display
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda item, **kw: shown.append(item))
    first, second = plt.figure(), plt.figure()
    feedback_page.show_items([first, "between", None, second])
    assert shown[0] is first and shown[1].data == "between" and shown[2] is second and len(shown) == 3
    assert not plt.fignum_exists(first.number) and not plt.fignum_exists(second.number)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("feedback_page")
    data = datasets.make_crm_dataset(n_customers=300, seed=8).write(folder / "data")
    page = feedback_page.build(feedback=str(data["feedback"]), customers=str(data["customers"]),
                               transactions=str(data["transactions"]), min_responses=10, output_dir=folder / "out")
    return page


@pytest.mark.slow
def test_built_page_joins_answers_to_value_and_shows_the_value_sections_in_order(built):
    page = built
    assert "city" in page.answers.columns and page.value is not None and page.at_risk is not None
    kinds = [type(i).__name__ for i in page.best_customers()]
    assert kinds == ["str", "Figure", "str", "Figure", "Figure", "Styler"]
    assert [type(i).__name__ for i in page.by_channel()] == ["Figure", "Styler"]
    assert [type(i).__name__ for i in page.by_city()] == ["Figure"]
    assert [s.metric for s in page.headline] == ["nps", "csat", "ces"]


@pytest.mark.slow
def test_built_page_writes_its_theme_table_and_shows_comments(built):
    page = built
    assert page.has_comments
    assert [type(i).__name__ for i in page.drivers()] == ["Figure", "Styler"]
    page.themes()
    themes = pd.read_csv(page.out / "nps-by-theme.csv")
    assert len(themes) > 1 and "delivery" in set(themes.iloc[:, 0])
    items = page.theme_comments()
    assert items[1] == page.words(fw.OTHER_TERMS) and len(items) == 3


def test_a_survey_without_nps_is_refused_up_front_with_what_to_do(tmp_path):
    """Before: the page failed at "loading the data" with score_by()'s advice to pass score_col=."""
    path = tmp_path / "survey.csv"
    path.write_text("customer_id,date,csat,comment\na,2024-01-05,4,fine\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        feedback_page.build(feedback=str(path), output_dir=tmp_path / "out")
    text = str(err.value)
    assert text.startswith("survey.csv (feedback): column 'nps' missing") and "score_col" not in text
    assert "How likely to recommend" in text


def test_nps_tables_write_whole_points_as_the_sentences_do(tmp_path):
    """Before: the summary said "NPS is +7" above a table saying +6.5, and "11 in Q2 2024" beside +10.5; then
    "NPS was 20 in May 2024" beside a table's +20: a sentence writes NPS as the tables do, sign and all."""
    page = _bare_page(tmp_path)
    written = page.signed
    assert written(6.54) == "+7" and written(10.5) == fw.signed(page.fmt, 10.5, 0) and written(-12.4) == "-12"
    for x in page.nps_trend["score"]:
        assert written(x) == fw.score_text("nps", x, page.fmt)


def test_driver_terms_within_chance_are_said_to_separate_neither_group():
    """Before: a reviewer's page listed "good", "service" and "come" as detractors' terms with z 0.00."""
    from crmlib import feedback as fb
    from crmlib.words import Words
    from crmlib.words.feedback import on_page

    comments = (["parcel came late again", "late delivery good staff"] * 15
                + ["good staff quick delivery", "good price quick"] * 15 + ["good service come again"] * 10)
    groups = ["detractor"] * 30 + ["promoter"] * 30 + ["detractor", "promoter"] * 5
    terms = fb.drivers(pd.Series(comments), pd.Series(groups))
    table = feedback_page.driver_table(terms, 10)
    beyond = table["z"].abs() > fb.text.SIGNIFICANT_Z
    assert beyond.any() and (~beyond).any(), table
    assert set(table.loc[~beyond, "side"]) == {"chance"}
    assert set(table.loc[beyond, "side"]) <= {"detractor", "promoter"}
    assert (table.loc[table["side"] == "detractor", "z"] > 0).all()
    shown = on_page(table, w=Words("bn"))
    assert set(shown.loc[~beyond, "side"]) == {Words("bn")(fw.SIDES["chance"])}
