"""The segments notebook holds calls and prose; its decisions live in crmlib.reports.segments_page (issue 22,
point 2). Before, the notebook computed its output folder and dates, chose sections with ``if``, built the
migration table and chose between clusters and their reason itself."""

from __future__ import annotations

import notebook_checks
import pandas as pd
import pytest
from table_cells import shown  # tests/table_cells.py (rootdir on sys.path)

from crmlib import DataError, config
from crmlib.reports import segments_page


def test_segments_notebook_cells_are_calls_only():
    """Every statement of a code cell is an import, a call, or the one ``page = segments_page.build(...)``."""
    notebook_checks.assert_calls_only_and_short(
        "segments", ["from crmlib.reports import segments_page", "from crmlib.reports.segments_page import show_items"],
        build="segments_page.build")


def test_migration_moves_keep_only_customers_who_changed_segment_largest_first():
    counts = pd.DataFrame([[40, 3, 0], [7, 20, 1], [0, 12, 9]],
                          index=pd.Index(["Champions", "At Risk", "(new)"], name="segment before"),
                          columns=pd.Index(["Champions", "At Risk", "Lost"], name="segment after"))
    moves = segments_page.migration_moves(counts)
    assert moves.to_dict("list") == {"segment before": ["(new)", "(new)", "At Risk", "Champions", "At Risk"],
                                     "segment after": ["At Risk", "Lost", "Champions", "At Risk", "Lost"],
                                     "customers": [12, 9, 7, 3, 1]}


def test_observation_dates_default_to_the_last_transaction_and_ninety_days_before():
    last = pd.Timestamp("2024-12-31")
    assert segments_page.observation_dates(last) == (last, pd.Timestamp("2024-10-02"))
    assert segments_page.observation_dates(last, "2024-06-30", "2024-01-01") == (
        pd.Timestamp("2024-06-30"), pd.Timestamp("2024-01-01"))


def test_output_folder_is_reports_segments_of_the_working_folder_unless_given(tmp_path, monkeypatch):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    assert segments_page.output_folder() == tmp_path.resolve() / "reports" / "segments"
    assert segments_page.output_folder(tmp_path / "mine") == tmp_path / "mine"


def test_audiences_only_for_segments_that_hold_customers_in_the_order_asked():
    held = pd.Series(pd.Categorical(["Lost", "At Risk", "Lost"]))
    assert segments_page.present_segments(["Champions", "Lost", "At Risk"], held) == ["Lost", "At Risk"]


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_a_missing_optional_input_is_said_in_the_pages_language(lang):
    """Before: Inputs.left_out wrote its sentence in English on Hindi and Bengali pages."""
    import re

    from crmlib.reports.inputs import Inputs
    from crmlib.words import Words
    from crmlib.words import retention as rw
    from crmlib.words import segments as sw

    script = {"hi": "[\u0900-\u097f]", "bn": "[\u0980-\u09ff]"}[lang]
    for name, message in (("feedback", sw.LEFT_OUT_NPS), ("customers", sw.LEFT_OUT_AUDIENCES),
                          ("feedback", rw.LEFT_OUT_FEEDBACK)):
        text = Inputs("segments").left_out(name, message, Words(lang))
        assert re.search(script, text) and f"--{name} FILE" in text
        assert not re.search(r"\b(file|given|shown|run|report)\b", text), text


@pytest.mark.slow
def test_a_survey_without_nps_gives_segments_without_nps_and_says_why(tmp_path):
    """Before: a feedback file with CSAT but no NPS failed the whole segments page in its summary."""
    from crmlib import datasets
    from crmlib.words import segments as sw

    data = datasets.make_crm_dataset(n_customers=120, seed=3).write(tmp_path / "data")
    fb = pd.read_csv(data["feedback"]).drop(columns="nps")
    fb.to_csv(data["feedback"], index=False)
    page = segments_page.build(transactions=str(data["transactions"]), feedback=str(data["feedback"]),
                               output_dir=tmp_path / "out")
    assert "nps" not in page.profile.columns and page.summary()
    assert page.words(sw.NO_NPS_COLUMN) in page.size_and_revenue()


@pytest.mark.slow
def test_bangladeshi_phones_are_read_by_the_taka_and_unreadable_ones_are_said(tmp_path):
    """A Dhaka shop's customers file (phones as 01712-345678, amounts in BDT): every hashed-phone audience had
    0 rows, each phone 'invalid' for the default region India, and the page did not say why."""
    from crmlib import datasets
    from crmlib.words import segments as sw

    data = datasets.make_crm_dataset(n_customers=120, seed=3).write(tmp_path / "data")
    cust = pd.read_csv(data["customers"], dtype=str)
    cust["phone"] = [f"017{i:08d}" for i in range(len(cust))]  # Bangladeshi mobiles, written nationally
    cust.to_csv(data["customers"], index=False)

    def phone_rows(**kw):
        page = segments_page.build(transactions=str(data["transactions"]), customers=str(data["customers"]),
                                   audience_segments=["Champions", "Lost"], output_dir=tmp_path / str(kw), **kw)
        items = page.marketing_files()
        rows = sum(pd.read_csv(f).shape[0] for f in (tmp_path / str(kw)).rglob("audience_*_hashed_phone.csv"))
        said = [i for i in items if isinstance(i, str) and "-p country=" in i]
        return rows, said, page.words

    rows, said, _ = phone_rows(currency="BDT")
    assert rows > 0 and not said
    rows, said, words = phone_rows(currency="INR")
    assert rows == 0 and said == [words.plural(sw.UNREADABLE_PHONES, len(cust), phones=f"{len(cust):,}",
                                               country="India")]
    assert phone_rows(currency="INR", country="bd")[0] > 0
    with pytest.raises(DataError, match="country must be one of IN, BD, US, CA, GB, not 'XX'"):
        phone_rows(country="XX")


@pytest.fixture(scope="module")
def bengali(tmp_path_factory):
    from crmlib import datasets

    folder = tmp_path_factory.mktemp("segments_bn")
    data = datasets.make_crm_dataset(n_customers=200, seed=3).write(folder / "data")
    return segments_page.build(transactions=str(data["transactions"]), customers=str(data["customers"]),
                               lang="bn", digits="native", output_dir=folder / "out")


def test_the_model_sentence_is_said_with_the_lifetime_values_not_under_how_the_scores_are_cut(bengali):
    """Before: "How the scores are cut" opened with "The BG/NBD model is used: the lowest BIC (24,262.0) ...
    discounted at 10% a year", a sentence about lifetime value, which the section does not show."""
    from crmlib import findings

    page = bengali
    sentence = findings.model_and_value_sentence(page.scored, page.annual_discount, w=page.words, fmt=page.fmt)
    assert sentence
    assert [type(i).__name__ for i in page.scores()] == ["Styler"]
    assert page.size_and_revenue().count(sentence) == 1


def test_cluster_days_are_whole_days_in_the_pages_digits(bengali):
    """Before: the clusters table showed days since the last purchase as "11.39"."""
    page = bengali
    clusters = shown(page.clusters()[-1])
    days = clusters[page.words("Days since last purchase")]
    assert len(days) and days.str.fullmatch("[\u09e6-\u09ef,]+").all(), days.tolist()  # whole, Bengali digits


def test_user_data_dates_are_in_the_pages_digits(bengali):
    """Before: the user-data table's last purchase read "2023-12-11", Latin digits on a Bengali page of native
    digits."""
    import re

    page = bengali
    user_data = shown(page.marketing_files()[-1])
    dates = [c for c in user_data.columns if user_data[c].str.fullmatch(r"[\u09e6-\u09ef]{4}-[\u09e6-\u09ef]{2}-"
                                                                        r"[\u09e6-\u09ef]{2}").all()]
    assert len(dates) == 1
    assert not any(re.search("[0-9]", v) for v in user_data[dates[0]])
