"""A TransactionLog (files read out-of-core by DuckDB) gives what the loaded frame gives: the summary
with and without holdout, the per-customer table of the reports, spend, last purchase, the date
range and row count, the ledger and the cohort tables; and load_inputs follows its rule for which
files stay on disk.

Counts and days are compared exactly; money within 1e-9 (float sums taken in another order)."""

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, TransactionLog, ledger_of, read_transactions, rfm_summary
from crmlib.customers import customer_table, spend_summary
from crmlib.datasets import make_transactions
from crmlib.ledger import ledger_table
from crmlib.clv import default_calibration_end, tracking_inputs
from crmlib.reports import inputs as report_inputs
from crmlib.retention import cohort_table
from crmlib.summary import date_range, last_purchase, revenue, transaction_count

from test_summary_sql import assert_same_ledger, assert_same_summary


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    """A generated log (returns, zero amounts, duplicates with an order_id) and hand-made cases:
    duplicates without an order_id, a return-only customer, a net-return day, a row without an id,
    times near midnight."""
    path = make_transactions(12_000, tmp_path_factory.mktemp("txlog") / "log.parquet", seed=3, chunk_rows=5_000)
    tx = pd.read_parquet(path)
    extra = pd.DataFrame([
        ("y1", "2023-02-01 23:59", 50.0), ("y1", "2023-02-02 00:01", 20.0), ("y1", "2023-03-01 18:00", -30.0),
        ("y1", "2023-03-01 10:00", 10.0), ("y2", "2023-06-01 10:00", -15.0), ("y3", "2024-10-01 10:00", 0.0),
        ("y4", "2023-05-05 10:00", 9.5), ("y4", "2023-05-05 10:00", 9.5), (None, "2023-07-01 10:00", 3.0),
    ], columns=["customer_id", "date", "amount"]).assign(date=lambda d: pd.to_datetime(d["date"]))
    pd.concat([tx, extra], ignore_index=True).to_parquet(path)
    return path


def _frame(path, end=None):
    return read_transactions(path, observation_end=end)


@pytest.mark.parametrize("end", [None, "2024-06-30"])
@pytest.mark.slow
def test_log_summary_ledger_period_and_count_equal_the_loaded_frame(log, end):
    frame, tlog = _frame(log, end), TransactionLog(log, observation_end=end)
    assert len(tlog) == transaction_count(frame) == len(frame)
    assert date_range(tlog) == date_range(frame)
    assert_same_ledger(ledger_of(tlog), ledger_of(frame))
    for args in (dict(freq="W"), dict(freq="D", calibration_end="2024-01-31"), dict(observation_end="2024-03-31")):
        got = rfm_summary(tlog, **args)
        assert_same_summary(got, rfm_summary(frame, **args))
        assert got.attrs["transactions_ledger"] is ledger_of(tlog)
    # the same table, but for example row numbers: a log names rows only in its errors
    assert ledger_table(tlog).drop(columns="example rows").equals(ledger_table(frame).drop(columns="example rows"))
    assert default_calibration_end(tlog) == default_calibration_end(frame)


@pytest.mark.slow
def test_log_spend_last_purchase_and_revenue_equal_the_frame(log):
    frame, tlog = _frame(log), TransactionLog(log)
    for end in (None, "2024-03-31"):
        got, want = spend_summary(tlog, observation_end=end), spend_summary(frame, observation_end=end)
        assert list(got.columns) == list(want.columns) and list(got.index) == list(want.index)
        np.testing.assert_allclose(got[["revenue", "mean_spend"]], want[["revenue", "mean_spend"]], rtol=0, atol=1e-9)
    pd.testing.assert_series_equal(last_purchase(tlog), last_purchase(frame), check_index_type=False,
                                   check_dtype=False)
    r_log, r_frame = revenue(tlog, "2024-03-31").sort_index(), revenue(frame, "2024-03-31").sort_index()
    assert list(r_log.index) == list(r_frame.index)
    np.testing.assert_allclose(r_log.to_numpy(), r_frame.to_numpy(), rtol=0, atol=1e-9)


def test_log_spend_is_the_summary_with_add_spend_of_its_revenue_to_the_last_bit(log):
    """spend_summary of a log takes each buyer's revenue in the summary's order (buyers_revenue), not
    through add_spend's per-customer frame: the same revenue and mean spend, bit for bit; a customer
    whose only day is a return (y2) has revenue but no purchase day, and is in neither."""
    from crmlib import rfm
    from crmlib.purchases import buyers_revenue

    tlog = TransactionLog(log)
    for end in (None, "2024-03-31"):
        got = spend_summary(tlog, observation_end=end)
        summary = rfm_summary(tlog, observation_end=end, freq="D")
        spent = revenue(tlog, summary.attrs["observation_end"])
        per_customer = pd.DataFrame({"customer_id": spent.index.to_numpy(), "date": summary.attrs["observation_end"],
                                     "amount": spent.to_numpy()})
        want = rfm.add_spend(summary, per_customer)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        buyers = buyers_revenue(tlog, summary.attrs["observation_end"])
        assert buyers.index.equals(summary.index) and "y2" in spent.index and "y2" not in buyers.index
        np.testing.assert_array_equal(buyers.to_numpy(), spent.reindex(buyers.index).to_numpy())


@pytest.mark.slow
def test_in_a_batch_a_second_log_takes_the_first_ones_read_with_every_value(log, tmp_path, monkeypatch):
    """With a batch's work folder (crmlib.config.WORK_ENV), the first TransactionLog of the files writes
    its customer-days, ledger and facts; the second reads them instead of the files: the same summary
    bit for bit, ledger, replacements, counts, dates and column types. Another observation end is
    another read."""
    from crmlib import config

    monkeypatch.setenv(config.WORK_ENV, str(tmp_path))
    first = TransactionLog(log)
    assert len(first) and len(list(tmp_path.glob("log-*.parquet"))) == 1

    def refuse(self):
        raise AssertionError("read the files again")

    monkeypatch.setattr(TransactionLog, "_read_files", refuse)
    second = TransactionLog(log)
    assert (len(second), second.first_date, second.last_date) == (len(first), first.first_date, first.last_date)
    assert second.replacements == first.replacements
    assert ledger_table(second).equals(ledger_table(first))
    describe = "SELECT column_name, column_type FROM (DESCRIBE crmlib_days)"
    assert second.con.execute(describe).fetchall() == first.con.execute(describe).fetchall()
    for args in (dict(freq="W"), dict(freq="D", calibration_end="2024-01-31")):
        pd.testing.assert_frame_equal(rfm_summary(second, **args), rfm_summary(first, **args), check_exact=True)
    pd.testing.assert_frame_equal(spend_summary(second), spend_summary(first), check_exact=True)
    with pytest.raises(AssertionError, match="read the files again"):
        len(TransactionLog(log, observation_end="2024-06-30"))


@pytest.mark.slow
def test_customer_table_of_a_log_equals_the_frame(log):
    """The one per-customer table of every report: same customers, numbers, segments, model."""
    got = customer_table(TransactionLog(log), freq="W", model="BetaGeo")
    want = customer_table(_frame(log), freq="W", model="BetaGeo")
    assert list(got.columns) == list(want.columns) and list(got.index) == list(want.index)
    assert (got["segment"].astype(str) == want["segment"].astype(str)).all()
    for column in ("frequency", "recency", "T", "days_since_last_purchase", "R", "F", "M"):
        np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy(), err_msg=column)
    for column in ("monetary_value", "revenue"):
        np.testing.assert_allclose(got[column].to_numpy(), want[column].to_numpy(), rtol=0, atol=1e-9, err_msg=column)
    # amounts equal to ~1e-12 move the fitted spend model within its optimiser's tolerance (~1e-7)
    np.testing.assert_allclose(got["clv"].to_numpy(), want["clv"].to_numpy(), rtol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("period", ["W", "M", "Q"])
@pytest.mark.parametrize("value", ["customers", "share", "revenue"])
def test_cohort_table_of_a_log_runs_in_sql_and_equals_the_frame(log, period, value):
    frame, tlog = _frame(log), TransactionLog(log)
    for end in (None, "2024-05-15"):
        got, want = cohort_table(tlog, period, value, end), cohort_table(frame, period, value, end)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-9)  # sums of many amounts
        assert got.attrs == want.attrs


def test_bad_log_stops_when_read_with_the_loader_message(tmp_path):
    pd.DataFrame({"customer_id": ["a", "b"], "date": ["2024-01-01", "someday"], "amount": ["1", "2"]}).to_csv(
        tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match=r"bad.csv: column 'date': 1 value\(s\) are not dates.*row 3: 'someday'"):
        len(TransactionLog(tmp_path / "bad.csv"))


@pytest.mark.slow
def test_load_inputs_keeps_parquet_and_globs_on_disk_and_reads_exports_with_pandas(log, tmp_path, monkeypatch):
    tx = pd.read_parquet(log)
    (tmp_path / "logs").mkdir()
    tx.to_parquet(tmp_path / "a.parquet")
    tx.to_parquet(tmp_path / "logs" / "part-0.parquet")
    tx.rename(columns={"customer_id": "Customer ID", "amount": "Total"}).to_parquet(tmp_path / "aliased.parquet")
    tx.head(500).to_csv(tmp_path / "small.csv", index=False)
    load = lambda path, **kw: report_inputs.load_inputs("segments", transactions=path, record=False, **kw).transactions
    assert isinstance(load(tmp_path / "a.parquet", out_of_core=True), TransactionLog)
    assert isinstance(load(str(tmp_path / "logs" / "*.parquet"), out_of_core=True), TransactionLog)
    assert isinstance(load(tmp_path / "aliased.parquet", out_of_core=True), pd.DataFrame)  # aliases: pandas loader
    assert isinstance(load(tmp_path / "small.csv", out_of_core=True), pd.DataFrame)
    assert isinstance(load(tmp_path / "a.parquet"), pd.DataFrame)  # a report that takes frames only
    with pytest.raises(DataError, match="reads one transactions file, not a pattern"):
        load(str(tmp_path / "logs" / "*.parquet"))
    monkeypatch.setattr(report_inputs, "LARGE_FILE_BYTES", 100)
    assert isinstance(load(tmp_path / "small.csv", out_of_core=True), TransactionLog)
    with pytest.raises(DataError, match="no file matches"):
        report_inputs.existing_file("transactions", str(tmp_path / "none*.parquet"))


def test_report_fingerprint_of_a_glob_covers_every_file(tmp_path):
    """The runner records a glob input as one entry: total size and one hash over its files."""
    from crmlib.reports.runner import fingerprint

    (tmp_path / "logs").mkdir()
    for name, text in (("a.csv", "x\n1\n"), ("b.csv", "x\n2\n")):
        (tmp_path / "logs" / name).write_text(text)
    before, info = fingerprint({"transactions": tmp_path / "logs" / "*.csv"})
    assert info["transactions"]["size"] == 8
    (tmp_path / "logs" / "b.csv").write_text("x\n3\n")
    assert fingerprint({"transactions": tmp_path / "logs" / "*.csv"})[0] != before


@pytest.mark.parametrize("freq", ["W", "M"])
@pytest.mark.slow
def test_log_tracking_inputs_equal_the_frame(log, freq):
    """The CLV report's tracking figure (FHL 2005 figs. 2-3) reads a log in SQL: the first-purchase
    times and the repeat purchases per period equal those of the loaded frame, for a cohort and an end."""
    frame, tlog = _frame(log), TransactionLog(log)
    end = frame["date"].max() - pd.Timedelta(days=30)
    cohort = frame["customer_id"].drop_duplicates().sort_values().iloc[::3]
    want_first, want_actual = tracking_inputs(frame, freq=freq, end=end, customers=cohort)
    got_first, got_actual = tracking_inputs(tlog, freq=freq, end=end, customers=cohort)
    assert got_actual.sum() > 0
    pd.testing.assert_series_equal(got_actual, want_actual, check_index_type=False, check_dtype=False)
    assert got_actual.attrs == want_actual.attrs
    want_first.index = want_first.index.astype("string")
    pd.testing.assert_series_equal(got_first.sort_index(), want_first.sort_index(), check_index_type=False,
                                   check_names=False)


@pytest.mark.slow
def test_log_cohort_note_equals_the_frame(tmp_path, log):
    """The segments report's single-cohort note (crmlib.segment_words) reads a log as it reads a frame:
    on CDNOW (one acquisition quarter) the same note, on a generated log none."""
    from crmlib.datasets import load_cdnow
    from crmlib.segment_words import cohort_note

    cdnow = load_cdnow("sample")[["customer_id", "date", "amount"]]
    cdnow.attrs = {}  # its ledger does not go into the Parquet file
    cdnow.to_parquet(tmp_path / "cdnow.parquet")
    note = cohort_note(cdnow)
    assert note and note == cohort_note(TransactionLog(tmp_path / "cdnow.parquet"))
    assert cohort_note(_frame(log)) == cohort_note(TransactionLog(log))


@pytest.mark.slow
def test_log_reads_its_files_once_and_keeps_only_the_customer_days(log):
    """After the one read, every question (row count, period, summaries, revenue) is answered from the
    customer-days: only they and the per-customer table of the whole period are kept (DuckDB's memory
    at 10M rows), the files are not scanned again, and len() is the count kept from that read. The
    summary of the whole period reads the per-customer table, which then goes (issue 24.2)."""
    tx = TransactionLog(str(log))
    try:
        assert len(tx) == len(_frame(log))
        tables = {t for (t,) in tx.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert tables == {"crmlib_days", "crmlib_customers"}
        scans, texts = [], []
        real = tx.con.execute

        class Counting:  # DuckDB's connection cannot be patched: a proxy that sees every statement
            def __getattr__(self, name):
                return getattr(tx._con_real, name)

            def execute(self, sql, *args):
                scans.append("crmlib_raw" in sql)
                texts.append(sql)
                return real(sql, *args)

            def sql(self, sql, *args):  # the summary is read as a relation, in Arrow batches
                scans.append("crmlib_raw" in sql)
                texts.append(sql)
                return tx._con_real.sql(sql, *args)

        tx._con_real = tx._con
        tx._con = Counting()
        for _ in range(7):
            assert len(tx) == transaction_count(tx)
        date_range(tx)
        rfm_summary(tx)
        summary = [sql for sql in texts if "ORDER BY customer_id" in sql][-1]
        assert "crmlib_customers" in summary and "crmlib_days" not in summary  # not grouped again
        rfm_summary(tx, freq="W")
        revenue(tx)
        assert not any(scans) and not any("crmlib_raw" in sql for sql in texts)
        tables = {t for (t,) in tx._con_real.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert tables == {"crmlib_days"}
    finally:
        tx._con = getattr(tx, "_con_real", tx._con)
        tx.close()


def test_a_parquet_file_with_pandas_index_column_counts_copies_as_the_loader(tmp_path):
    """pandas writes a non-default index as the column ``__index_level_0__``; the loader reads it back as the
    index, so two identical rows are copies. The log hashed it with the row, and the copies were different
    rows (a smaller ledger, another summary)."""
    tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "order_id": ["o1", "o1", "o2", "o3"],
                       "date": pd.to_datetime(["2024-01-05", "2024-01-05", "2024-02-01", "2024-01-09"]),
                       "amount": [10.0, 10.0, 5.0, 7.0]}, index=[10, 11, 12, 13])
    path = tmp_path / "indexed.parquet"
    tx.to_parquet(path)
    import pyarrow.parquet as pq

    assert "__index_level_0__" in pq.read_schema(path).names
    frame, tlog = _frame(path), TransactionLog(path)
    assert_same_ledger(ledger_of(tlog), ledger_of(frame))
    assert_same_summary(rfm_summary(tlog, freq="D"), rfm_summary(frame, freq="D"))
    assert len(tlog) == len(frame) == 3
