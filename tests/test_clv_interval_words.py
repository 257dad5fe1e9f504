"""Issue 23 point 4 on the page: the total value of the base with its interval and what the interval covers,
or why there is none, in English, Hindi and Bengali."""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

from crmlib import datasets
from crmlib.clv.uncertainty import (
    NO_STANDARD_ERRORS,
    UNBOUNDED_SPEND,
    interval_obstacle,
    value_bounds,
    value_intervals_or_reason,
)
from crmlib.customers import customer_table
from crmlib.formats import Formats
from crmlib.words import Words
from crmlib.words import clv as clv_words

SCRIPT = {"hi": re.compile("[\u0900-\u097f]"), "bn": re.compile("[\u0980-\u09ff]")}


@pytest.fixture(scope="module")
def table():
    return customer_table(datasets.make_crm_dataset(n_customers=300, seed=5).transactions, freq="W")


def _without_covariance(model):
    model._cov_log = np.full_like(model._cov_log, np.nan)  # as a penalised fit held by its penalty leaves it


@pytest.mark.slow
def test_total_with_interval_in_three_languages(table):
    intervals, obstacle = value_intervals_or_reason(table, level=0.9)
    assert obstacle is None
    low, high = intervals.totals.loc["clv", ["lower", "upper"]]
    assert low < table["clv"].sum() < high
    en = clv_words.interval_sentence(table, intervals, w=Words("en"), fmt=Formats("en", currency="INR"))
    assert f"90% interval from {Formats('en', currency='INR').money(low, 0)}" in en
    assert "uncertainty of the fitted model's parameters" in en and "each customer's own chance" in en
    for lang in ("hi", "bn"):
        text = clv_words.interval_sentence(table, intervals, w=Words(lang), fmt=Formats(lang, currency="INR"))
        assert len(SCRIPT[lang].findall(text)) > 80 and "interval" not in text, text
        assert "INR" in text and "Gamma" not in text
    assert list(value_bounds(table, intervals).columns) == ["clv_lower", "clv_upper"]


def test_no_standard_errors_says_so_instead_of_failing(table):
    broken = table.copy()
    broken.attrs = dict(table.attrs, fitted_model=copy.deepcopy(table.attrs["fitted_model"]))
    _without_covariance(broken.attrs["fitted_model"])
    assert interval_obstacle(broken) == (NO_STANDARD_ERRORS, table.attrs["model"])
    intervals, obstacle = value_intervals_or_reason(broken)
    assert intervals is None and value_bounds(broken, None).columns.empty
    name = clv_words.model_name(obstacle[1])
    en = clv_words.interval_sentence(broken, None, obstacle, w=Words("en"))
    assert en.startswith("Intervals on lifetime value are not available here") and "no standard errors" in en
    assert name in en
    for lang in ("hi", "bn"):
        text = clv_words.interval_sentence(broken, None, obstacle, w=Words(lang))
        assert name in text and len(SCRIPT[lang].findall(text)) > 40 and "available" not in text, text


def test_unbounded_spend_is_named(table):
    text = clv_words.interval_sentence(table, None, (UNBOUNDED_SPEND, "GammaGamma"), w=Words("en"))
    assert "Gamma-Gamma spend model" in text and "no upper bound" in text


@pytest.mark.slow
def test_clv_page_in_hindi_and_bengali_shows_the_total_with_its_interval(tmp_path):
    from crmlib.reports import run_reports
    data = datasets.make_crm_dataset(n_customers=300, seed=5).write(tmp_path / "data")
    out = tmp_path / "out"
    batch = run_reports(["clv"], out, params={"lang": ["hi", "bn"]}, inputs={"transactions": str(data["transactions"])})
    assert batch.ok, batch.summary()
    for lang, interval, lower in (("hi", "अंतराल", "आजीवन मूल्य, निचली सीमा (90 %)"),
                                  ("bn", "ব্যবধান", "আজীবন মূল্য, নিম্ন সীমা (90 %)")):
        page = next(out.glob(f"clv*lang={lang}*.html")).read_text(encoding="utf-8")
        english = Words("en")(clv_words.TOTAL_INTERVAL, amount="", horizon="", level="", lower="", upper="")
        assert english[:30] not in page
        sentence = Words(lang)(clv_words.TOTAL_INTERVAL, amount="\0", horizon="\0", level="\0", lower="\0",
                               upper="\0").split("\0")
        assert all(part in page for part in sentence if len(part) > 20), lang
        assert interval in page and lower in page, lang
