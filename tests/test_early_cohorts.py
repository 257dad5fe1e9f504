"""First cohorts that hold customers from before the data began (crmlib.retention.early_cohorts): an export of the
last two years of a business that is older puts every customer who buys in its first month into that month's
"acquisition" cohort, so the cohort shares and their trend across cohorts are not those of new customers alone."""

import numpy as np
import pandas as pd
import pytest

from crmlib import datasets, findings, overview, retention
from crmlib.formats import Formats
from crmlib.reports.inputs import load_inputs
from crmlib.words import Words
from crmlib.words.cohorts import early_new_sentence


def export(old: dict | None = None, new: int = 50, months: int = 24, start: str = "2024-01-01", seed: int = 1):
    """Long-standing customers, ``old[m]`` of them first seen in the export's month ``m`` (500 in the first by
    default), buying about every other month; ``new`` customers first buying in each month, then as the old do."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start)
    rows = []
    old = {0: 500} if old is None else old
    people = [(f"old{m}_{i}", m) for m, n in old.items() for i in range(n)]
    people += [(f"m{m}_{i}", m) for m in range(months) for i in range(new)]
    for cid, m in people:
        month = m
        while month < months:
            day = first + pd.DateOffset(months=month) + pd.Timedelta(days=int(rng.integers(0, 28)))
            rows.append((cid, day, 100.0))
            month += 1 + int(rng.integers(0, 3))
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


@pytest.mark.slow
def test_a_first_cohort_of_long_standing_customers_is_named_with_its_pace():
    cohorts = retention.cohort_table(export(), period="M")
    early = retention.early_cohorts(cohorts)
    assert early is not None and early["cohorts"] == 1 and str(early["first"]) == "2024-01"
    assert early["size"] == 550 and early["typical"] == 50 and 10 < early["ratio"] < 12  # a day, over 31 days
    trend = retention.first_period_trend(cohorts)
    assert trend["early"] == early
    en, hi, bn = (findings.retention(trend, period="M", w=Words(lang), fmt=Formats(lang))
                  for lang in ("en", "hi", "bn"))
    said = [s for s in en if "before the data begin" in s]
    assert said == [en[1]], en
    assert said[0].startswith("The January 2024 cohort acquired customers 11.0 times as fast as the cohorts of July "
                              "2024 to December 2024"), said
    assert "(550 customers in 31 days, against about 50 a month)" in said[0]
    assert "550" in hi[1] and "कोहोर्ट" in hi[1] and "550" in bn[1] and "কোহর্ট" in bn[1]


@pytest.mark.slow
def test_several_early_cohorts_are_named_from_the_first_to_the_last():
    cohorts = retention.cohort_table(export(old={0: 500, 1: 300}), period="M")
    early = retention.early_cohorts(cohorts)
    assert early["cohorts"] == 2 and (str(early["first"]), str(early["last"])) == ("2024-01", "2024-02")
    said = findings.retention(retention.first_period_trend(cohorts), period="M")[1]
    assert said.startswith("The first 2 cohorts, January 2024 to February 2024, acquired customers much faster than "
                           "the cohorts of July 2024 to December 2024"), said
    assert "(550 customers in the 31 days of January 2024, 11.0 times the pace of about 50 a month)" in said


@pytest.mark.parametrize("data", ["demo", "cdnow", "few days"])
@pytest.mark.slow
def test_cohorts_of_a_business_seen_from_its_start_are_not_named(data):
    """The demo's customers and CDNOW's (a cohort of first-time buyers in the first quarter of 1997) are acquired
    in the data; an export starting on a month's 29th with three customers that day is too few to tell."""
    if data == "demo":
        tx = datasets.make_crm_dataset(n_customers=1500, seed=3).transactions
    elif data == "cdnow":
        tx = load_inputs("retention", dataset="cdnow_sample", record=False).transactions
    else:
        tx = export(old={}, new=30, start="2024-01-01")
        tx = tx[tx["date"] >= "2024-01-29"]
        first = tx["date"] < "2024-02-01"
        keep = tx[first]["customer_id"].drop_duplicates().iloc[:3]
        tx = tx[~first | tx["customer_id"].isin(keep)]
    cohorts = retention.cohort_table(tx, period="M")
    assert retention.early_cohorts(cohorts) is None and overview.early_customers(tx) is None
    assert not any("before the data begin" in s for s in findings.retention(retention.first_period_trend(cohorts)))


@pytest.mark.slow
def test_the_overview_names_the_months_the_retention_page_names():
    """One rule on both pages: the overview's new-customer line and the retention page's cohorts are the same first
    purchases, so the two pages name the same months, sizes and pace."""
    tx = export(old={0: 500, 1: 300})
    stopped = export(new=60)  # signups stop five months before the end: cohorts of none (before: other months named)
    stopped = stopped[~stopped["customer_id"].str.match(r"m(19|2[0-3])_")]
    for data, early in [(tx, 2), (stopped, 1)]:
        by_cohort = retention.early_cohorts(retention.cohort_table(data, period="M"))
        by_month = overview.early_customers(data)
        assert by_month["periods"] == by_cohort["cohorts"] == early
        assert (by_month["first"].to_period("M"), by_month["last"].to_period("M")) == (by_cohort["first"],
                                                                                      by_cohort["last"])
        assert all(by_month[k] == by_cohort[k] for k in ("size", "days", "ratio", "typical"))
        assert [p.to_period("M") for p in by_month["reference"]] == list(by_cohort["reference"])
    by_month = overview.early_customers(tx)
    said = early_new_sentence(by_month, w=Words("en"), fmt=Formats("en"))
    assert said == ("The new customers of January 2024 to February 2024 (550 in the 31 days of January 2024, 11.0 "
                    "times the pace of about 50 a month in July 2024 to December 2024) include customers who bought "
                    "before the data begin and are first seen there: the new-customer line shows acquisition from "
                    "March 2024 on.")
    one = early_new_sentence(overview.early_customers(export()), w=Words("hi"), fmt=Formats("hi"))
    assert one.startswith("जनवरी 2024 के 550 नए ग्राहकों (31 दिन,") and "फ़रवरी 2024 से" in one
