"""Issue 20, finding 13: the CLV report writes a per-customer file, linked from its page and the index."""

from __future__ import annotations

import json

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
    assert list(every.columns)[2:] == ["P(alive)", "Expected purchases", "Lifetime value", "Lifetime value decile"], list(every.columns)
    assert every["Lifetime value decile"].between(1, 10).all()
    assert not set(every.iloc[:, 0].astype(str)) & set(tx["customer_id"].astype(str))  # pseudonyms, not ids
    page = (tmp_path / "out" / "clv.html").read_text(encoding="utf-8")
    assert "customer-value.csv" in page
    entry = json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))["reports"]["clv"]
    assert any(f["path"].endswith("customer-value.csv") for f in entry["files"])
