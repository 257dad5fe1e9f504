"""Issue 20, finding 13: the CLV report writes a per-customer file, linked from its page and the index."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from crmlib import datasets
from crmlib.reports import run_reports


@pytest.mark.slow
def test_clv_report_writes_every_customers_value_by_pseudonym(tmp_path):
    data = datasets.make_crm_dataset(n_customers=300, seed=5).write(tmp_path / "data")
    batch = run_reports(["clv"], tmp_path / "out", inputs={"transactions": str(data["transactions"])})
    assert batch.ok, batch.summary()
    csv = tmp_path / "out" / "clv" / "customer-value.csv"
    every = pd.read_csv(csv)
    tx = pd.read_csv(data["transactions"])
    assert len(every) == tx["customer_id"].nunique()
    assert list(every.columns)[2:] == ["P(alive)", "Expected purchases", "Lifetime value", "Lifetime value, lower 90 %",
                                       "Lifetime value, upper 90 %", "Lifetime value decile"], list(every.columns)
    assert every["Lifetime value decile"].between(1, 10).all()
    # issue 23 point 4: each customer's value within its interval, which is not a single point for all
    assert (every["Lifetime value, lower 90 %"] <= every["Lifetime value"] + 1e-6).all()
    assert (every["Lifetime value"] <= every["Lifetime value, upper 90 %"] + 1e-6).all()
    assert (every["Lifetime value, upper 90 %"] > every["Lifetime value, lower 90 %"]).mean() > 0.9
    assert not set(every.iloc[:, 0].astype(str)) & set(tx["customer_id"].astype(str))  # pseudonyms, not ids
    page = (tmp_path / "out" / "clv.html").read_text(encoding="utf-8")
    assert "customer-value.csv" in page
    total = re.search(r"with a 90% interval from ([\d,.]+) to ([\d,.]+)\. The interval covers only the uncertainty "
                      r"of the fitted model's parameters", page)
    assert total, "no total value with its interval on the page"
    lower, upper = (float(x.replace(",", "")) for x in total.groups())
    assert lower < every["Lifetime value"].sum() < upper
    assert "each customer's own chance of buying" in page
    top = page.split('id="Top-customers"', 1)[1].split("<h3", 1)[0]
    assert "Lifetime value, lower 90 %" in top and "Lifetime value, upper 90 %" in top
    entry = json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))["reports"]["clv"]
    assert any(f["path"].endswith("customer-value.csv") for f in entry["files"])
