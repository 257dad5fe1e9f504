"""Issue 23 point 3: the CLV report with covariates from the customers file shows each covariate's
effect in words and in a table; without covariates it says how to ask for them."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from crmlib import datasets
from crmlib.reports import run_reports


def _text(page: str) -> str:
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.slow
def test_clv_report_shows_covariate_effects_in_words(tmp_path):
    data = datasets.make_crm_dataset(n_customers=300, seed=5).write(tmp_path / "data")
    listed = pd.read_csv(data["customers"])
    rng = np.random.default_rng(0)
    covariates = pd.DataFrame({"customer_id": listed["customer_id"],
                               "gold": (listed["loyalty_tier"] == "Gold").astype(int),
                               "age_band": rng.integers(1, 5, len(listed))})
    covariates.to_csv(tmp_path / "covariates.csv", index=False)
    batch = run_reports(["clv"], tmp_path / "out", progress=False,
                        inputs={"transactions": str(data["transactions"]),
                                "customers": str(tmp_path / "covariates.csv")},
                        params={"covariates": "gold,age_band"})
    assert batch.ok, batch.summary()
    page = _text(next((tmp_path / "out").glob("clv*.html")).read_text(encoding="utf-8"))
    section = page.split("Which customers buy more, and which stay", 1)[1].split("What customers are worth", 1)[0]
    assert "The BG/NBD model was fitted again with gold, age_band from the customers file" in section
    gold = re.search(r"Customers with gold one unit higher buy (\d+\.\d\d) times as often "
                     r"\(interval at 95%: (\d+\.\d\d) – (\d+\.\d\d)\)", section)
    assert gold, section[:600]
    ratio, lower, upper = (float(g) for g in gold.groups())
    assert 1 < lower < ratio < upper  # gold members of the demo data buy more often
    assert "Customers with age_band one unit higher" in section
    assert "Covariate" in section and "Purchase rate (ratio per unit)" in section
    # 300 customers do not pin down BG/NBD's two dropout coefficients per covariate: the page says so
    assert "only their effect on buying is shown" in section
    assert not set(covariates["customer_id"]) & set(re.findall(r"C\d{6}", page))  # no raw ids on the page
