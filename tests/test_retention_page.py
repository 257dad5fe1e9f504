"""The retention notebook holds calls and prose; its decisions live in crmlib.reports.retention_page (issue 22,
point 2). Before, the notebook (177 lines in 12 code cells) computed its output folder and observation end,
chose with ``if`` between the sBG projection and the lifetime-value model's survival, learnt the inactivity
threshold in a ``try``, decided which sections are left out and which sentence says why, and wrote
``cohorts.csv`` and ``winback.csv`` itself."""

from __future__ import annotations

import dataclasses
import re

import matplotlib
import notebook_checks
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from table_cells import shown  # tests/table_cells.py (rootdir on sys.path)

from crmlib import config, datasets, retention
from crmlib.formats import Formats
from crmlib.reports import retention_page
from crmlib.reports.inputs import Inputs
from crmlib.words import Words
from crmlib.words import clv as clv_words
from crmlib.words import retention as rw

matplotlib.use("Agg")

PARAMETERS = ["transactions", "feedback", "dataset", "observation_end", "freq", "model", "horizon_days",
              "annual_discount", "currency", "lang", "digits", "cohort_period", "contractual", "cohort", "fit_periods",
              "churn_window_days", "inactive_days", "alive_below", "min_support", "order_col", "winback_n",
              "output_dir"]


# ---------------------------------------------------------------------------------------------- the notebook
def test_retention_notebook_cells_are_calls_only():
    """Every statement is the import, a call, or the one ``page = build(...)``: no ``if``, ``for``, ``try``,
    conditional expression or comprehension decides anything in the notebook."""
    notebook_checks.assert_calls_only_and_short("retention")


def test_retention_notebook_is_short():
    """Under 40 lines of code with the parameters cell (it was 177 in 12 code cells)."""
    lines = [line for c in notebook_checks.notebook("retention").cells if c.cell_type == "code"
             for line in c.source.splitlines()]
    assert len(lines) <= 40, len(lines)


def test_retention_notebook_passes_every_parameter_to_build():
    """The parameters cell is unchanged and every parameter reaches ``build`` under its own name."""
    notebook_checks.assert_every_parameter_reaches_build("retention", PARAMETERS)


# ---------------------------------------------------------------------------------------------- small helpers
def test_output_folder_is_reports_retention_of_the_working_folder_unless_given(tmp_path, monkeypatch):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    assert retention_page.output_folder() == tmp_path.resolve() / "reports" / "retention"
    assert retention_page.output_folder(tmp_path / "mine") == tmp_path / "mine"


def test_first_line_keeps_the_first_line_of_an_error_without_its_prefix():
    err = ValueError("inactivity_days: no customer bought twice.\nMore detail.")
    assert retention_page.first_line(err, "inactivity_days: ") == "no customer bought twice."
    assert retention_page.first_line(err) == "inactivity_days: no customer bought twice."


def test_link_is_relative_to_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert retention_page.link(tmp_path / "reports" / "winback.csv") == "[winback.csv](reports/winback.csv)"


def test_cohort_file_stacks_customers_and_shares_under_a_value_level():
    index = pd.PeriodIndex(["2024-01", "2024-02"], freq="M", name="cohort")
    counts = pd.DataFrame({0: pd.array([4, 2], dtype="Int64"), 1: pd.array([1, pd.NA], dtype="Int64")}, index=index)
    shares = pd.DataFrame({0: [1.0, 1.0], 1: [0.25, float("nan")]}, index=index)
    frame = retention_page.cohort_file_frame(counts, shares)
    assert frame.index.names == ["value", "cohort"]
    assert frame.loc["customers"].dtypes.tolist() == ["Float64", "Float64"]  # counts and shares in one column type
    assert frame.loc[("customers", pd.Period("2024-01", "M")), 1] == 1
    assert pd.isna(frame.loc[("customers", pd.Period("2024-02", "M")), 1])
    assert frame.loc[("share", pd.Period("2024-01", "M")), 1] == 0.25


def test_reasons_follow_the_action_and_the_list_keeps_its_attrs():
    listed = pd.DataFrame({"segment": ["At Risk"], "action": ["remind"], "offer": ["books"]},
                          index=pd.Index(["c_1"], name="customer"))
    listed.attrs = {"inactive_days": 120, "alive_below": 0.5}
    out = retention_page.with_reasons(listed, pd.Series(["no purchase for 200 days"], index=listed.index))
    assert out.columns.tolist() == ["segment", "action", "reason", "offer"]
    assert out.attrs == listed.attrs
    assert "reason" not in listed.columns  # the list it was given is left as it was


def test_rule_tables_show_support_to_two_decimals_confidence_whole_and_lift_to_two():
    kinds = retention_page.rule_kinds(Formats("en"))
    assert (kinds["support"](0.0123), kinds["confidence"](0.5), kinds["lift"](1.234)) == ("1.23%", "50%", "1.23")


# ---------------------------------------------------------------------------------------------- left-out sections
def _page(tmp_path, **options) -> retention_page.RetentionPage:
    """Three customers who each bought once, no category column, no model fitted (no P(alive))."""
    tx = pd.DataFrame({"customer_id": ["a", "b", "c"], "amount": [10.0, 20.0, 30.0],
                       "date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-03-15"])})
    table = pd.DataFrame({"frequency": [0, 0, 0], "segment": ["New", "New", "New"]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    table.attrs = {"model": None, "fitted_model": None, "freq": "W", "horizon": 52, "rate": None,
                   "comparison": {"BetaGeo": {"BIC": None, "note": "BetaGeo: nobody made a repeat purchase"}}}
    page = retention_page.RetentionPage(data=Inputs("retention", transactions=tx), first=tx["date"].min(),
                                        end=tx["date"].max(), table=table, out=tmp_path / "retention",
                                        words=Words("en"), fmt=Formats("en"), **options)
    page.__dict__["comparison"] = (None, "The churn-model comparison is left out: too few customers.")
    return page


def test_without_a_repeat_buyer_churn_risk_and_the_winback_list_say_why(tmp_path):
    page = _page(tmp_path)
    days, note = page.gap
    assert days is None
    assert note == page.words(rw.CHURN_RISK_LEFT_OUT, error="no customer bought twice, so there is no gap between "
                              "purchases to learn from; give the number of days yourself (the retention report's "
                              "inactive_days).")
    assert page.risk is None
    assert page.churn_risk() == page.winback() == [note]
    assert not (tmp_path / "retention" / "winback.csv").exists()
    assert page.notes() == ["The churn-model comparison is left out: too few customers.", note,
                            page.words(rw.NO_CATEGORY)]  # the threshold's note, not P(alive)'s


def test_a_given_inactivity_threshold_is_used_and_without_a_model_risk_is_left_out_for_p_alive(tmp_path):
    page = _page(tmp_path, inactive_days=45)
    assert page.gap == (45, "")
    why = page.words(clv_words.NO_MODEL) + " " + page.words(clv_words.NOT_FITTED_ELSEWHERE, models="BG/NBD")
    assert page.churn_risk() == page.winback() == [page.words(rw.LEFT_OUT, why=why)]
    assert page.words(rw.P_ALIVE_RISK_LEFT_OUT, why=why) in page.notes()


def test_without_categories_cross_selling_says_so_and_nothing_is_offered(tmp_path):
    page = _page(tmp_path)
    assert page.cross_selling() == [page.words(rw.NO_CATEGORY_OFFERS)]
    assert page.rules is page.rules_by_customer is page.offers is None


def test_without_a_comparison_the_churn_section_says_why_and_shows_no_importance(tmp_path):
    """Only why the comparison is left out: not also that the (absent) models learn without the survey, nor an
    importance figure; the importance section says why it is empty."""
    page = _page(tmp_path)
    assert page.data.feedback is None
    assert page.churn_models() == ["The churn-model comparison is left out: too few customers."]
    assert page.feature_importance() == [page.words(rw.NO_IMPORTANCE)]


def test_contractual_data_get_no_survival_and_a_failed_projection_says_why(tmp_path):
    page = _page(tmp_path, contractual=True)
    page.table["p_alive"] = 0.5  # even with P(alive), contracts are projected by the sBG model
    assert page.survival is None
    page.__dict__["projection"] = (None, page.words(rw.SBG_LEFT_OUT, error="too few periods"))
    assert page.still_customers() == [page.words(rw.SBG_LEFT_OUT, error="too few periods")]
    assert page.notes()[0] == page.words(rw.SBG_LEFT_OUT, error="too few periods")


def test_non_contractual_data_are_never_projected(tmp_path):
    page = _page(tmp_path)
    assert page.projection == (None, "")
    why = page.words(clv_words.NO_MODEL) + " " + page.words(clv_words.NOT_FITTED_ELSEWHERE, models="BG/NBD")
    assert page.still_customers() == [page.words(rw.LEFT_OUT, why=why)]  # no P(alive): no survival either


# ---------------------------------------------------------------------------------------------- a whole run
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("retention_page")
    data = datasets.make_crm_dataset(n_customers=300, seed=5).write(folder / "data")
    page = retention_page.build(transactions=str(data["transactions"]), feedback=str(data["feedback"]),
                                winback_n=25, output_dir=folder / "out")
    return page, data


def test_build_reads_the_data_and_makes_the_output_folder(built):
    page, data = built
    assert page.out.is_dir()
    tx = pd.read_csv(data["transactions"])
    assert page.end == pd.Timestamp(tx["date"].max())
    assert page.headline()[0].startswith(f"{tx['customer_id'].nunique():,} customers")


@pytest.mark.slow
def test_churn_risk_and_the_comparison_share_one_inactivity_threshold(built):
    page, _ = built
    days = retention.inactivity_days(page.tx, observation_end=page.end)
    assert page.gap == (days, "")
    assert page.risk.attrs["inactive_days"] == page.comparison[0].rule["inactive_days"] == days


@pytest.mark.slow
def test_built_page_shows_survival_and_writes_the_cohort_file(built):
    page, _ = built
    assert page.projection == (None, "") and page.survival is not None
    assert [type(i).__name__ for i in page.still_customers()] == ["Figure", "str"]
    figure, sentence = page.cohort_decay()
    assert isinstance(figure, Figure) and "[cohorts.csv](" in sentence
    written = pd.read_csv(page.out / "cohorts.csv")
    assert written["value"].tolist() == ["customers"] * len(page.cohorts) + ["share"] * len(page.cohorts)


def test_built_page_writes_the_winback_list_with_reasons(built):
    page, _ = built
    sentence, table, *note = page.winback()  # and a note when a shown offer is a dash
    written = pd.read_csv(page.out / "winback.csv")
    assert 0 < len(written) <= 25
    assert sentence.startswith(f"{len(written)} customer")
    columns = written.columns.tolist()
    assert columns[columns.index("action") + 1] == "reason"
    assert written["reason"].str.startswith("no purchase for").all()


@pytest.mark.slow
def test_contractual_run_projects_one_cohort_with_the_sbg_model_or_says_why_not(built):
    page, _ = built
    quarters = dataclasses.replace(page, contractual=True, cohort_period="Q")
    projection, note = quarters.projection
    assert note == "" and quarters.survival is None
    assert [type(i).__name__ for i in quarters.still_customers()] == ["Figure", "str", "Styler"]
    months = dataclasses.replace(page, contractual=True)  # monthly cohorts of these data: sBG does not converge
    assert months.projection[0] is None
    assert months.projection[1].startswith(page.words(rw.SBG_LEFT_OUT, error="ShiftedBetaGeo did not converge"))
    assert months.still_customers() == [months.projection[1]] == months.notes()[:1]


def test_a_clean_file_gets_a_sentence_not_an_empty_data_quality_table(tmp_path):
    """Before: the data-quality section of a file with nothing dropped, changed or flagged was a
    table of column headers and no rows."""
    from crmlib.words import quality

    page = _page(tmp_path)
    assert page.data_quality() == [page.words(quality.NOTHING)]


def test_without_a_rule_cross_selling_says_so_and_shows_no_empty_table(tmp_path):
    """One category per basket and per customer: the page said "no rule" above two tables of headers only."""
    page = _page(tmp_path)
    page.data.transactions["category"] = ["books", "toys", "music"]
    items = page.cross_selling()
    assert len(page.rules) == len(page.rules_by_customer) == 0
    assert items[0].startswith("No two categories are bought together more often than chance")
    assert items[1:3] == [page.words(rw.NO_RULE_OVER_CUSTOMERS), page.words(rw.OFFER_BY_SEGMENT)]
    tables = [item for item in items if not isinstance(item, str)]
    assert len(tables) == 1 and len(tables[0].data)  # only the offers, each the most bought category lacked


def _shop(tmp_path, lang="en") -> retention_page.RetentionPage:
    """Four New customers (a, b buy tea only; c, d tea and cups) and two Champions buying both: c, d and the
    Champions buy every category."""
    page = _page(tmp_path)
    tx = pd.DataFrame({"customer_id": list("abccddeeff"), "amount": 10.0,
                       "category": ["tea", "tea", "tea", "cups", "tea", "cups", "tea", "cups", "tea", "cups"],
                       "date": pd.to_datetime(["2024-01-05"] * 10)})
    table = pd.DataFrame({"frequency": 0, "segment": ["New"] * 4 + ["Champions"] * 2},
                         index=pd.Index(list("abcdef"), name="customer_id"))
    words, fmt = Words(lang, digits="native"), Formats(lang, digits="native")
    return dataclasses.replace(page, data=Inputs("retention", transactions=tx), table=table, words=words, fmt=fmt)


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_offers_by_segment_share_the_whole_segment_and_say_which_segments_get_none(tmp_path, lang):
    """Before: "Share of the segment" was over the customers with an offer (About to Sleep: 19, 47.5%, in a
    segment of 47), and Champions, Loyal and Can't Lose Them, who buy every category, were missing from
    the table without a word."""
    from crmlib.words import segments as segment_words

    page = _shop(tmp_path, lang)
    items = page.cross_selling()
    table = shown([i for i in items if not isinstance(i, str)][-1])
    w, fmt = page.words, page.fmt
    row = table.set_index(table.columns[0]).loc[segment_words.name(w, "New")]
    assert row[w(rw.CUSTOMERS_GETTING_IT)] == fmt.count(2)
    assert row[w(rw.SHARE_OF_SEGMENT)] == fmt.share(2 / 4, 1)  # 2 of the 4 New customers, not 2 of 2
    assert items[-1] == w.plural(rw.NO_OFFER_SEGMENTS, 1, segments="“" + segment_words.name(w, "Champions") + "”")
    assert segment_words.name(w, "Champions") in items[-1]


def test_an_empty_offer_in_the_winback_list_is_a_dash_with_its_reason(tmp_path, monkeypatch):
    """Before: the Offer column of the 20 rows shown (Can't Lose Them and At Risk customers who buy every
    category) was empty, and the page did not say why."""
    page = _shop(tmp_path)
    listed = pd.DataFrame({"rank": [1, 2], "segment": ["Can't Lose Them", "At Risk"],
                           "days_since_last_purchase": [165, 371], "p_alive": [0.0, 0.0], "action": ["remind"] * 2,
                           "offer": ["", "tea"], "because": ["", ""]},
                          index=pd.Index(["c_1", "c_2"], name="customer"))
    listed.attrs = {"inactive_days": 35, "alive_below": 0.5}
    monkeypatch.setattr(retention, "winback_list", lambda *args, **kwargs: listed)
    page.__dict__["risk"] = listed  # any table: the list above stands for the one it would give
    page.out.mkdir(parents=True)
    sentence, table, note = page.winback()
    assert shown(table)["Offer"].tolist() == [rw.NO_OFFER_MARK, "tea"]
    assert note == page.words(rw.OFFER_DASH, offer="Offer")
    assert pd.read_csv(page.out / "winback.csv", keep_default_na=False)["offer"].tolist() == ["", "tea"]
    listed["offer"] = ["books", "tea"]
    assert len(page.winback()) == 2  # no dash, no note


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
@pytest.mark.parametrize("key", ["Can't Lose Them", "At Risk"])
def test_churn_risk_title_gives_the_segment_name_quoted_after_a_label(tmp_path, lang, key):
    """Before: the title made the segment's name the subject of "is most at risk", and a name is a phrase of its
    own: the Bengali page read "এদের হারানো চলবে না সবচেয়ে ঝুঁকিতে" ("Can't Lose Them most at risk"), English
    "At Risk is most at risk". Now the name stands quoted after the word the figure's axis calls a segment."""
    import matplotlib.pyplot as plt

    from crmlib.words import segments as segment_words

    rng = np.random.default_rng(42)
    risk = pd.DataFrame({"p_alive": np.concatenate([rng.uniform(0, 0.1, 20), rng.uniform(0.6, 1, 40)]),
                         "days_since_last_purchase": rng.integers(0, 300, 60),
                         "segment": np.repeat([key, "Champions", "Loyal"], 20)})
    page = _shop(tmp_path, lang)
    page.__dict__["risk"] = retention.churn_risk(risk, 120)
    ax = page.churn_risk()[0].axes[0]
    w = page.words
    title = " ".join(ax.get_title().split())  # the title is wrapped onto lines
    name = segment_words.name(w, key)
    label, quoted = title.split("“", 1)
    assert quoted.startswith(f"{name}”"), title
    assert label.split()[-1] == w(rw.RFM_SEGMENT).split()[-1], title  # "segment", "खंड", "গ্রাহকগোষ্ঠী"
    assert not title.startswith(name), title
    assert lang == "en" or not re.search(r"[0-9]", title), title  # native digits
    plt.close("all")
