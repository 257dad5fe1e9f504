"""One summary in days per date and batch of reports (crmlib.shared_summary): the segments page's migration
and the retention page's churn comparison read the summary the first of them wrote, bit for bit; outside a
batch or on a frame nothing is written. And the churn comparison's work on a sample (labels and recent
purchases counted for the sampled customers only) gives the numbers of counting every customer."""

import pandas as pd
import pytest

from crmlib import TransactionLog, churn, churn_sample, config, retention, shared_summary
from crmlib.customers import spend_summary
from crmlib.datasets import load_cdnow, make_transactions


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    return make_transactions(6_000, tmp_path_factory.mktemp("summary") / "log.parquet", seed=5, chunk_rows=3_000)


def test_a_second_report_reads_the_summary_the_first_wrote(log_path, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv(config.WORK_ENV, str(work))
    log = TransactionLog(log_path)
    end = log.last_date - pd.Timedelta(days=90)
    first = shared_summary.spend_summary(log, end)
    assert len(list(work.glob("summary-*.pickle"))) == 1
    again = shared_summary.spend_summary(TransactionLog(log_path), end)  # another report: read back
    want = spend_summary(TransactionLog(log_path), observation_end=end)
    for got in (first, again):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.attrs["observation_end"] == want.attrs["observation_end"]
    shared_summary.spend_summary(log, end - pd.Timedelta(days=1))  # another date: a summary of its own
    assert len(list(work.glob("summary-*.pickle"))) == 2


def test_outside_a_batch_or_on_a_frame_nothing_is_written(log_path, tmp_path, monkeypatch):
    monkeypatch.delenv(config.WORK_ENV, raising=False)
    log = TransactionLog(log_path)
    pd.testing.assert_frame_equal(shared_summary.spend_summary(log, log.last_date),
                                  spend_summary(log, observation_end=log.last_date), check_exact=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv(config.WORK_ENV, str(work))
    frame = load_cdnow("sample")
    end = pd.Timestamp("1998-03-01")
    pd.testing.assert_frame_equal(shared_summary.spend_summary(frame, end), spend_summary(frame, observation_end=end),
                                  check_exact=True)
    assert not list(work.iterdir())


@pytest.mark.slow
def test_labels_and_recent_purchases_of_a_sample_are_those_of_every_customer(log_path):
    """Counted for a sample only (``only``), each customer's churn label and recent purchase days are the
    ones counting every customer gives them; so is the whole comparison on a sample."""
    log = TransactionLog(log_path)
    cutoff = log.last_date - pd.Timedelta(days=120)
    every = churn.churn_labels(log, cutoff, 60)
    some = churn_sample.sample_customers(every.index, len(every) // 3, seed=1)
    pd.testing.assert_series_equal(churn.churn_labels(log, cutoff, 60, only=some), every.loc[some], check_exact=True)
    full = churn.churn_features(log, cutoff)
    sampled = churn.churn_features(log, cutoff, max_customers=len(some))
    assert len(sampled) == len(some) and sampled.attrs["known"] == len(full)
    pd.testing.assert_frame_equal(sampled, full.loc[sampled.index], check_exact=True)


@pytest.mark.slow
def test_cohort_shares_are_the_share_table(log_path):
    """retention.cohort_shares of the customers table equals cohort_table(value="share") bit for bit
    (CDNOW master, Fader, Hardie & Lee 2005, and a generated log; months, weeks, quarters)."""
    for tx in (load_cdnow("master"), TransactionLog(log_path)):
        for period in ("M", "W", "Q"):
            want = retention.cohort_table(tx, period=period, value="share")
            got = retention.cohort_shares(retention.cohort_table(tx, period=period))
            pd.testing.assert_frame_equal(got, want, check_exact=True)
            assert got.attrs == want.attrs
