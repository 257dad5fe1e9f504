"""Issue 19 finding 2: the retention and lifetime-value pages tell one churn story, from the same
fitted model on the same per-customer table, in the non-contractual language."""

import re

import numpy as np
import pandas as pd
import pytest

from crmlib import findings, retention, units
from crmlib.clv import alive_share
from crmlib.customers import customer_table
from crmlib.reports.inputs import load_inputs
from crmlib.words.clv import describe


@pytest.fixture(scope="module")
def cdnow():
    tx = load_inputs("retention", dataset="cdnow_sample", record=False).transactions
    return tx, customer_table(tx, freq="W"), retention.cohort_table(tx, period="M")


def test_retention_and_clv_pages_state_the_same_dropout_from_the_same_model(cdnow):
    tx, table, cohorts = cdnow
    survival = retention.model_retention(table, cohorts)
    page_retention = findings.retention(retention.first_period_trend(cohorts), survival=survival, period="M")
    page_clv = findings.clv(table)
    dropout = describe(table.attrs["fitted_model"], "W")[1][:-1]
    assert any(dropout in s for s in page_retention) and any(dropout in s for s in page_clv)
    # the share still active a year on is the CLV model's own survival at 12 months (in weeks)
    year = float(alive_share(table.attrs["fitted_model"], 12 * units.days("M") / units.days("W"))[0])
    said = [s for s in page_retention if "still active 12 months" in s]
    assert len(said) == 1 and f"{year:.0%}" in said[0]
    # not buying in a month is not leaving: no "leave" language, the sBG projection is not used
    text = " ".join(page_retention)
    assert not re.search(r"\bleave|\bleft\b|sBG", text)
    assert (survival.loc[1:, "bought"] < survival.loc[1:, "alive"]).all()


def test_model_retention_counts_the_cohorts_that_bought(cdnow):
    tx, table, cohorts = cdnow
    survival = retention.model_retention(table, cohorts)
    sizes = retention.cohort_sizes(cohorts)
    seen = cohorts[1].notna()
    expected = cohorts.loc[seen, 1].astype(float).sum() / sizes[seen].sum()
    assert survival.loc[1, "bought"] == pytest.approx(expected)
    assert survival.loc[0, "bought"] == 1.0
    assert np.all(np.diff(survival["alive"].to_numpy()) < 0)


def test_default_sbg_cohort_is_not_a_partial_first_month():
    """Data starting on 2024-01-20: the January cohort is partial (10 customers), February's is whole."""
    rng = np.random.default_rng(42)
    rows = []
    for i in range(150):
        first = pd.Timestamp("2024-01-20") + pd.Timedelta(days=int(i * 1.5) if i >= 10 else i)
        for m in range(12):
            if m == 0 or rng.random() < 0.5:
                rows.append((f"c{i}", first + pd.DateOffset(months=m), 10.0))
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    tx = tx[tx["date"] <= "2025-02-28"]
    cohorts = retention.cohort_table(tx, period="M")
    assert not cohorts.attrs["first_cohort_complete"]
    assert retention.default_cohort(cohorts) == pd.Period("2024-02", "M")
    projection = retention.project_retention(cohorts, fit_periods=4)
    assert projection.attrs["cohort"] == pd.Period("2024-02", "M")
