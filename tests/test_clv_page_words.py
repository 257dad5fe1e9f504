"""Numbers and words of the lifetime-value page as a reviewer read them on a shop of 450 customers
(crmlib/reports/clv_page.py, crmlib/words/clv_models.py, crmlib/words/clv_units.py): the Gamma-Gamma
parameters as plain grouped numbers with the currency, a typical purchase in whole rupees as every other
amount, and the customers who first bought after the calibration end said as left out of the holdout
check only."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from crmlib.clv import GammaGamma
from crmlib.formats import Formats
from crmlib.reports import clv_page
from crmlib.summary import rfm_summary
from crmlib.words import Words, quality
from crmlib.words import clv as clv_words

PAGES = [("en", "latin"), ("hi", "native"), ("bn", "native")]
#: The reviewer's Gamma-Gamma fit: a mean spend of INR 903.49 a purchase.
REVIEWER = {"p": 1.294, "q": 509.3, "v": 354_841.0}


def _page(lang="en", digits="latin", currency=None, **fields) -> clv_page.ClvPage:
    fmt = Formats(lang, currency=currency, digits=digits)
    base = {"data": SimpleNamespace(transactions=None, customers=None), "first": pd.Timestamp("2024-01-01"),
            "end": pd.Timestamp("2024-04-01"), "calibration_end": pd.Timestamp("2024-03-01"),
            "table": pd.DataFrame(), "calibration": pd.DataFrame(), "out": None, "words": Words.of(fmt),
            "fmt": fmt, "freq": "W", "currency": currency, "annual_discount": 0.1}
    return clv_page.ClvPage(**{**base, **fields})


# --------------------------------------------------------------------------- parameters and a typical purchase
def _valued_page(lang, digits) -> clv_page.ClvPage:
    """A page in INR whose customers are valued by the reviewer's Gamma-Gamma fit (no intervals)."""
    table = pd.DataFrame({"clv": [float(x) for x in range(100, 2100, 100)]},
                         index=pd.Index([f"c{i}" for i in range(20)], name="customer_id"))
    table.attrs = {"model": "BetaGeo", "spend_model": GammaGamma.from_params(**REVIEWER), "freq": "W",
                   "horizon": 52, "rate": None}
    page = _page(lang, digits, currency="INR", table=table)
    page.__dict__["intervals"] = (None, ("no_standard_errors", "GammaGamma"))
    return page


@pytest.mark.parametrize(("lang", "digits"), PAGES)
def test_spend_parameters_are_plain_grouped_numbers_with_the_currency(lang, digits):
    """Before: the Gamma-Gamma table showed 1.733e+04, 3.548e+05 and 1.383e+07 (on the Bengali page
    ১.৭৩৩e+০৪), and its v row said "(money)" on a page in INR."""
    page = _valued_page(lang, digits)
    fmt, w = page.fmt, page.words
    _, _, parameters, *_ = page.value()
    html = parameters.to_html()
    assert not re.search(r"[0-9\u0966-\u096f\u09e6-\u09ef]e[+-]", html)  # no 1.733e+04, ১.৭৩৩e+০৪
    for number in (fmt.number(354_841, 0), fmt.number(509.3, 1), fmt.number(1.294, 3)):
        assert number in html, number
    assert w(clv_words.MEANINGS["v"]) not in html  # "(money)"
    assert w(clv_words.MEANING_V_CURRENCY, currency="INR") in html
    plain = clv_words.parameter_table(GammaGamma.from_params(**REVIEWER), w=w)  # no currency: "(money)" stays
    assert plain.loc[plain["parameter"] == "v", "meaning"].iloc[0] == w(clv_words.MEANINGS["v"])


def test_parameter_numbers_keep_four_significant_digits_below_a_thousand():
    """The BG/NBD table keeps what it showed (1.789, 2.08, 61.2, 180.4); intervals' ends of 17,334.6 and
    13,828,546 are written whole and grouped (they were 1.733e+04 and 1.383e+07)."""
    from crmlib.words.clv_units import parameter_number

    fmt = Formats("en")
    assert [parameter_number(fmt, x) for x in (1.78912, 2.0801, 61.2032, 180.43, 0.05512)] == [
        "1.789", "2.08", "61.2", "180.4", "0.05512"]
    assert [parameter_number(fmt, x) for x in (17_334.6, 13_828_546.0, 9105.0)] == ["17,335", "13,828,546", "9,105"]
    assert parameter_number(Formats("bn", digits="native"), 17_334.6) == "১৭,৩৩৫"
    assert parameter_number(fmt, float("nan")) == "–"


@pytest.mark.parametrize(("lang", "digits"), PAGES)
def test_a_typical_purchase_is_written_in_whole_rupees_like_every_other_amount(lang, digits):
    """Before: "A typical purchase is worth about INR 903.49", between whole-rupee amounts."""
    page = _valued_page(lang, digits)
    fmt = page.fmt
    _, sentence, *_ = page.value()
    mean = REVIEWER["p"] * REVIEWER["v"] / (REVIEWER["q"] - 1)
    assert fmt.money(mean, 0) in sentence and fmt.money(mean, 2) not in sentence
    small = GammaGamma.from_params(p=6.25, q=3.74, v=15.44)  # FHL's CDNOW spend model: 35.22, cents kept
    (cdnow,) = clv_words.describe(small, w=page.words, fmt=fmt)
    assert fmt.money(6.25 * 15.44 / 2.74, 2) in cdnow


# --------------------------------------------------------------------------- data quality
@pytest.fixture
def calibration():
    """A calibration summary to 1 March of three customers, one of whom first bought on 5 March."""
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c"],
                       "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-10", "2024-03-05", "2024-03-20"]),
                       "amount": [10.0, 20.0, 5.0, 7.0, 8.0]})
    return tx, rfm_summary(tx, observation_end=pd.Timestamp("2024-04-01"), freq="W",
                           calibration_end=pd.Timestamp("2024-03-01"))


@pytest.mark.parametrize(("lang", "digits"), PAGES)
def test_late_first_buyers_are_left_out_of_the_holdout_check_not_dropped(calibration, lang, digits):
    """Before: the data-quality table said "first purchase after calibration end | 71 | dropped | not yet a
    customer on 2023-12-31", while the summary valued every customer."""
    tx, cal = calibration
    page = dataclasses.replace(_page(lang, digits), data=SimpleNamespace(transactions=tx, customers=None),
                               calibration=cal)
    (table,) = page.data_quality()
    rows = table.data
    w, fmt = page.words, page.fmt
    late = rows[rows.iloc[:, 2] == w("first purchase after calibration end")]
    assert len(late) == 1
    row = late.iloc[0].tolist()
    assert row[4] == w(quality.ACTIONS["kept"]) != w(quality.ACTIONS["dropped"])
    date = "2024-03-01" if lang == "en" else fmt.date(pd.Timestamp("2024-03-01"))
    assert row[5] == w(clv_words.HOLDOUT_ONLY, date=date)
    assert len(cal) == 2  # the calibration summary itself still leaves customer c out


def test_holdout_only_leaves_other_entries_and_the_ledger_alone(calibration):
    tx, cal = calibration
    frame = quality.ledger_frame(cal)
    out = clv_page.holdout_only(frame)
    assert frame["action"].tolist() == ["dropped"]  # the ledger's own frame is not changed
    assert out["action"].tolist() == ["kept"] and "holdout check" in out["detail"].iloc[0]
    empty = quality.ledger_frame(pd.DataFrame())
    assert clv_page.holdout_only(empty) is empty
