"""Why a section is left out, in the page's language (crmlib.words.reasons).

Before: a model's DataError reached a Hindi or Bengali page as its English first line inside a translated
frame ("sBG अनुमान नहीं दिखाया गया: cohort 2024-06 has 0 complete periods; ..."). The models now raise with
``reason=(key, fields)`` and the pages say the key's sentence in their language, with their digits; English
pages keep the error's own first line.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from crmlib import rfm
from crmlib.exceptions import DataError
from crmlib.formats import Formats
from crmlib.reports import retention_page
from crmlib.words import Words
from crmlib.words import retention as rw
from crmlib.words import segments as sw
from crmlib.words.reasons import REASONS, reason_text

sys.path.insert(0, str(Path(__file__).parent))
from test_tiny_data import dataset  # noqa: E402  the degenerate data sets of issue 18

matplotlib.use("Agg")

#: What the English page said before the change, on the one-day data set (each customer bought on 2024-06-01).
ONE_DAY_EN = {
    "projection": "The sBG projection is left out: cohort 2024-06 has 0 complete periods; fitting 6 and checking the "
                  "projection needs at least 8. Use a shorter fit_periods or an earlier cohort.",
    "gap": "Churn risk is left out: no customer bought twice, so there is no gap between purchases to learn from; "
           "give the number of days yourself (the retention report's inactive_days).",
    "comparison": "The churn-model comparison is left out: At the cut-off 2023-12-04 no customer had bought yet: "
                  "learning churn over 90 days and testing it on a later 90 days needs more than 180 days of "
                  "transactions. Use a shorter window_days or a longer history.",
}
#: The same on the two-customer data set.
N2_EN = {
    "projection": "The sBG projection is left out: cohort 2024-07 has 4 complete periods; fitting 6 and checking the "
                  "projection needs at least 8. Use a shorter fit_periods or an earlier cohort (2024-03 to 2024-03).",
    "comparison": "The churn-model comparison is left out: At the cut-off 2024-05-25 the 1 customers all churned in "
                  "the next 90 days; a churn model needs both. Choose another window_days or test_cutoff.",
}
ENGLISH_WORDS = ("complete periods", "bought twice", "no customer had bought", "all churned", "fit_periods or")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Contractual retention pages of the one-day and two-customer data sets in English, Hindi and
    Bengali (native digits): (kind, lang) -> page."""
    folder = tmp_path_factory.mktemp("reasons")
    out = {}
    for kind in ("one-day", "n2"):
        files = {}
        for name, frame in dataset(kind).items():
            files[name] = folder / f"{kind}-{name}.csv"
            frame.to_csv(files[name], index=False)
        for lang, digits in (("en", "latin"), ("hi", "latin"), ("bn", "native")):
            out[kind, lang] = retention_page.build(
                transactions=str(files["transactions"]), feedback=str(files["feedback"]), lang=lang, digits=digits,
                contractual=True, output_dir=folder / f"out-{kind}-{lang}")
    return out


def _notes(page) -> dict:
    return {"projection": page.projection[1], "gap": page.gap[1], "comparison": page.comparison[1]}


@pytest.mark.slow
def test_english_pages_say_what_they_said_before(pages):
    assert _notes(pages["one-day", "en"]) == ONE_DAY_EN
    notes = _notes(pages["n2", "en"])
    assert {k: notes[k] for k in N2_EN} == N2_EN


@pytest.mark.parametrize("lang", ["hi", "bn"])
@pytest.mark.slow
def test_retention_page_says_why_in_hindi_and_bengali(pages, lang):
    page = pages["one-day", lang]
    w, fmt = page.words, page.fmt
    cohort = fmt.in_digits("2024-06")
    assert page.projection[1] == w(rw.SBG_LEFT_OUT, error=w(REASONS["cohort_too_short"], cohort=cohort,
                                                            periods=fmt.count(0), fit_periods=fmt.count(6),
                                                            needed=fmt.count(8)))
    assert page.gap[1] == w(rw.CHURN_RISK_LEFT_OUT, error=w(REASONS["no_repeat_buyer"]))
    assert page.comparison[1] == w(rw.COMPARISON_LEFT_OUT, error=w(
        REASONS["nobody_bought_yet"], cutoff=fmt.date(pd.Timestamp("2023-12-04")), days=fmt.count(90),
        total=fmt.count(180)))
    n2 = pages["n2", lang]
    assert n2.comparison[1] == w(rw.COMPARISON_LEFT_OUT, error=w(
        REASONS["all_churned"], cutoff=fmt.date(pd.Timestamp("2024-05-25")), customers=fmt.count(1),
        days=fmt.count(90)))
    assert fmt.in_digits("2024-03") in n2.projection[1]  # cohort_too_short_earlier names the cohorts to use
    for note in [*_notes(page).values(), n2.projection[1], n2.comparison[1]]:
        assert not any(english in note for english in ENGLISH_WORDS), note


@pytest.mark.slow
def test_bengali_page_writes_the_reasons_numbers_in_its_digits(pages):
    note = pages["one-day", "bn"].projection[1]
    assert "২০২৪-০৬" in note and "৮" in note and "2024" not in note and "8" not in note


@pytest.mark.slow
def test_clusters_left_out_in_the_pages_language(tmp_path):
    """The segments page's clusters section on two customers, who cannot be clustered."""
    from crmlib.customers import customer_table
    from crmlib.reports import segments_page

    path = tmp_path / "transactions.csv"
    dataset("n2")["transactions"].to_csv(path, index=False)
    said = {lang: segments_page.build(transactions=str(path), lang=lang, digits="native",
                                      output_dir=tmp_path / lang).clusters() for lang in ("en", "hi", "bn")}
    assert said["en"] == ["Clusters left out: Only 2 distinct customers (R/F/M points): too few to cluster with k "
                          "in [2, 3, 4, 5, 6, 7, 8]."]  # as before
    for lang in ("hi", "bn"):
        fmt = Formats(lang, digits="native")
        w = Words(lang)
        assert said[lang] == [w(sw.CLUSTERS_LEFT_OUT, reason=w(REASONS["too_few_distinct"], distinct=fmt.count(2),
                                                                ks=", ".join(fmt.count(k) for k in range(2, 9))))]
        assert "distinct" not in said[lang][0] and "8" not in said[lang][0]
    tx = dataset("n2")["transactions"].assign(date=lambda d: pd.to_datetime(d["date"]))
    clusters, why = rfm.cluster_or_reason(customer_table(tx))
    assert clusters is None and why.reason == ("too_few_distinct", {"distinct": 2, "ks": list(range(2, 9))})


def test_models_raise_with_a_reason_and_keep_their_english_message():
    from crmlib.clv import ShiftedBetaGeo

    with pytest.raises(DataError, match="nobody churned") as caught:
        ShiftedBetaGeo().fit(pd.DataFrame({"T": [3, 5], "churned": [False, False]}))
    assert caught.value.reason == ("nobody_churned", {"model": "ShiftedBetaGeo"})
    with pytest.raises(DataError, match="have the same history") as caught:
        ShiftedBetaGeo().fit(pd.DataFrame({"T": [1, 1, 1], "churned": [True, True, True]}))
    assert caught.value.reason[0] == "same_history"
    hi = reason_text(caught.value, w=Words("hi"), fmt=Formats("hi"))
    assert hi.startswith("sBG: सभी 3 ग्राहकों") and "T=1, churned=1" in hi  # the papers' model name


def test_a_model_that_did_not_converge_is_said_as_the_model_tables_say_it():
    from crmlib.exceptions import ConvergenceError
    from crmlib.words import clv_models

    err = ConvergenceError("ShiftedBetaGeo", "the log-likelihood is not finite at the optimum.")
    bn = Words("bn")
    assert reason_text(err, w=bn) == bn(clv_models.NOTES["not_finite"], model="sBG")
    assert reason_text(err, w=Words("en")) == "ShiftedBetaGeo did not converge: the log-likelihood is not finite at " \
                                               "the optimum."
    odd = ConvergenceError("ShiftedBetaGeo", "something new")
    assert reason_text(odd, w=bn) == bn(clv_models.NOTES["other"], model="sBG")


def test_a_reason_survives_pickling_and_an_unknown_key_keeps_the_english_line():
    err = pickle.loads(pickle.dumps(DataError("first line\nsecond", reason=("no_repeat_buyer", {}))))
    assert err.reason == ("no_repeat_buyer", {}) and str(err) == "first line\nsecond"
    unknown = DataError("Something new.\nDetails.", reason=("not_a_key", {}))
    assert reason_text(unknown, w=Words("bn")) == "Something new."
    assert reason_text(DataError("Plain."), w=Words("hi")) == "Plain."


def test_every_reason_is_translated_with_its_placeholders():
    import re

    for lang in ("hi", "bn"):
        w = Words(lang)
        for key, message in REASONS.items():
            translated = w.text(message)
            assert translated != message, (lang, key)
            assert sorted(set(re.findall(r"\{(\w+)\}", translated))) == sorted(set(re.findall(r"\{(\w+)\}", message)))
