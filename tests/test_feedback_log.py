"""The feedback report joins answers to a transaction log read out of core (issue 24.3): the
per-customer table is computed in DuckDB and only it is joined to the answers, so the page shows
the same match rate, segments and value per NPS group as with the file read into pandas."""

from __future__ import annotations

import pytest
from test_overview_log import _visible


@pytest.mark.slow
def test_feedback_page_with_a_log_equals_the_page_with_the_loaded_file(tmp_path):
    from crmlib import datasets, reports

    paths = datasets.make_crm_dataset(n_customers=300, seed=8).write(tmp_path / "data")
    glob = str(paths["transactions"]).replace(".csv", "*.csv")  # a glob: read out of core
    pages = {}
    for name, given in (("frame", str(paths["transactions"])), ("log", glob)):
        batch = reports.run_reports(["feedback"], out_dir=tmp_path / name, jobs=1,
                                    inputs={"transactions": given, "feedback": str(paths["feedback"])})
        assert batch.ok, batch.summary()
        pages[name] = _visible(batch.reports[0].html_path.read_text(encoding="utf-8"), tmp_path / name, given)
    text = " ".join(pages["frame"])
    assert "lifetime value" in text.lower() and "found among the customers with transactions" in text
    assert pages["log"] == pages["frame"]
