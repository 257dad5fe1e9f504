"""The retention report's inputs from a TransactionLog (issue 24.3), aggregated per customer in
DuckDB, equal those of the loaded frame: the inactivity threshold (quantile of the gaps between
purchase days), the churn labels and the churn models' features at a cut-off. The generated log
has dates without a time of day (the frame's cut-off compares timestamps, the log's days)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib import TransactionLog, churn, read_transactions, retention
from crmlib.datasets import make_transactions


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    path = make_transactions(8_000, tmp_path_factory.mktemp("retlog") / "log.parquet", seed=5, chunk_rows=4_000)
    tx = pd.read_parquet(path)
    tx["date"] = tx["date"].dt.normalize()
    tx.loc[tx.index[:40], "channel"] = None  # "unknown" channel shares
    tx.loc[tx.index[40:45], "channel"] = "Kiosk "  # trimmed as the loader does (its spelling kept)
    tx.to_parquet(path)
    return path


@pytest.mark.parametrize("quantile", [0.5, 0.9])
def test_inactivity_days_of_a_log_equal_the_frame_and_numpy(path, quantile):
    frame, log = read_transactions(path), TransactionLog(str(path))
    days = churn.purchase_days(frame)
    bought = days[days["is_purchase"]].sort_values(["customer_id", "day"])
    gaps = bought.groupby("customer_id")["day"].diff().dropna().dt.days
    want = int(np.ceil(np.quantile(gaps, quantile)))  # the rule as the pandas code wrote it
    assert retention.inactivity_days(frame, quantile) == retention.inactivity_days(log, quantile) == want
    end = "2024-03-31"
    assert retention.inactivity_days(log, quantile, observation_end=end) == retention.inactivity_days(
        frame, quantile, observation_end=end)


@pytest.mark.parametrize("cutoff", ["2024-06-30", "2024-10-15"])
@pytest.mark.slow
def test_churn_labels_and_features_of_a_log_equal_the_frame(path, cutoff):
    frame, log = read_transactions(path), TransactionLog(str(path))
    pd.testing.assert_series_equal(churn.churn_labels(log, cutoff, 90), churn.churn_labels(frame, cutoff, 90),
                                   check_index_type=False)
    got, want = churn.churn_features(log, cutoff), churn.churn_features(frame, cutoff)
    assert list(got.columns) == list(want.columns) and "channel_unknown" in got.columns
    assert "channel_Kiosk" in got.columns
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, check_index_type=False)


@pytest.mark.slow
def test_retention_page_of_a_log_equals_the_page_of_the_loaded_file(tmp_path):
    """Issue 24.3: the retention report on the demo export read as a log (a glob) shows the same
    sentences, cohorts, inactivity threshold, churn models, cross-selling rules, next-best offers
    and win-back list as on the file read into pandas."""
    from test_overview_log import _visible

    from crmlib import datasets, reports

    paths = datasets.make_crm_dataset(n_customers=300, seed=8).write(tmp_path / "data")
    glob = str(paths["transactions"]).replace(".csv", "*.csv")
    pages = {}
    for name, given in (("frame", str(paths["transactions"])), ("log", glob)):
        batch = reports.run_reports(["retention"], out_dir=tmp_path / name, jobs=1, inputs={"transactions": given})
        assert batch.ok, batch.summary()
        pages[name] = _visible(batch.reports[0].html_path.read_text(encoding="utf-8"), tmp_path / name, given)
    text = " ".join(pages["frame"])
    assert "Also buy" in text and "Win-back" in text and "baskets" in text
    assert pages["log"] == pages["frame"]


@pytest.mark.parametrize("order_col", [None, "customer_id", "order_id"])
def test_basket_rules_and_offers_of_a_log_equal_the_frame(path, order_col):
    """Cross-selling rules from pair counts in DuckDB (crmlib.log_tables.basket_counts) equal the
    rules from the frame's basket matrix; so do the customers' categories and next-best offers."""
    from crmlib import basket

    frame, log = read_transactions(path), TransactionLog(str(path))
    got, want = basket.rules(log, min_support=0.0, order_col=order_col), basket.rules(frame, min_support=0.0,
                                                                                       order_col=order_col)
    assert got.attrs == want.attrs and (len(want) > 10 or order_col != "customer_id")
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
    if order_col == "customer_id":
        pd.testing.assert_frame_equal(basket.owned(log), basket.owned(frame), check_index_type=False,
                                      check_column_type=False)
        pd.testing.assert_frame_equal(basket.next_best_category(log, got), basket.next_best_category(frame, want),
                                      check_index_type=False)
