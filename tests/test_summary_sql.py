"""The summary's one SQL definition gives the same summary on every engine: the pandas reference
below (the group-by crmlib used before the SQL), DuckDB on a frame, DuckDB on Parquet and CSV files,
and Spark SQL (``local[2]``), on CDNOW and on generated logs with returns, zero amounts, duplicates
and time zones. Bad files give one DataError naming file, column, rows and values.

Day counts are integers divided by the same unit, so frequency, recency, T and the holdout duration
agree exactly; money is a float sum taken in another order by each engine (pandas uses Kahan
summation, DuckDB and Spark do not), so it is compared within 1e-9 (sums of at most a few thousand
amounts below 10^5 round at ~1e-11).
"""

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, ledger_of, read_transactions, rfm_summary
from crmlib.datasets import load_cdnow, make_transactions
from crmlib.ledger import Ledger, attach
from crmlib.summary import UNIT_DAYS


def _daily(transactions: pd.DataFrame) -> pd.DataFrame:
    """Net amount per customer and day with ``has_purchase`` and ``is_purchase``: the pandas
    purchase-day rule crmlib used before the SQL (crmlib.summary_sql.purchase_days_sql), kept as the reference."""
    day = pd.DataFrame({
        "customer_id": transactions["customer_id"].astype("string").to_numpy(),
        "day": pd.to_datetime(transactions["date"]).dt.normalize().to_numpy(),
        "amount": transactions["amount"].astype("float64").to_numpy(),
    })
    day["is_purchase"] = day["amount"] >= 0
    daily = day.groupby(["customer_id", "day"], sort=True, observed=True).agg(
        amount=("amount", "sum"), is_purchase=("is_purchase", "any")).reset_index()
    daily["has_purchase"] = daily["is_purchase"]
    daily["is_purchase"] &= daily["amount"] >= 0
    return daily

FHL = dict(observation_end="1998-06-30", freq="W", calibration_end="1997-09-30")  # Fader, Hardie & Lee 2005


def reference_rfm_summary(transactions, observation_end=None, freq="D", calibration_end=None):
    """The pandas implementation crmlib used before the SQL, kept as the reference."""
    unit = UNIT_DAYS[freq]
    ledger = Ledger(source=getattr(ledger_of(transactions), "source", "<transactions>"), table="rfm summary")
    daily = _daily(transactions)
    end = pd.Timestamp(observation_end) if observation_end is not None else daily["day"].max()
    cal_end = pd.Timestamp(calibration_end) if calibration_end is not None else end
    ledger.rows_read = int(daily["customer_id"].nunique())
    late = daily["day"] > end
    if late.any():
        ledger.notes.append(f"{int(late.sum())} customer-days after observation end {end.date()} left out")
    daily = daily[~late]
    purchases = daily[daily["is_purchase"]]
    buyers = purchases["customer_id"].nunique()
    # bought on some day, but returns outweighed the purchases on every such day
    net = daily.loc[daily["has_purchase"], "customer_id"].nunique() - buyers
    ledger.add("customer without a purchase day: returns exceed purchases", net, action="dropped")
    ledger.add("no purchase day", ledger.rows_read - buyers - net, action="dropped")
    cal = purchases[purchases["day"] <= cal_end]
    ledger.add("first purchase after calibration end",
               purchases["customer_id"].nunique() - cal["customer_id"].nunique(), action="dropped")
    g = cal.groupby("customer_id", sort=True)
    frequency = (g.size() - 1).astype("int64")
    monetary = np.where(frequency > 0, (g["amount"].sum() - g["amount"].first()) / frequency.clip(lower=1), 0.0)
    out = pd.DataFrame({"frequency": frequency, "recency": (g["day"].max() - g["day"].min()).dt.days / unit,
                        "T": (cal_end - g["day"].min()).dt.days / unit, "monetary_value": monetary})
    out.index = out.index.astype("string").rename("customer_id")
    if calibration_end is not None:
        hg = purchases[purchases["day"] > cal_end].groupby("customer_id")
        out["frequency_holdout"] = hg.size().reindex(out.index, fill_value=0).astype("int64")
        out["monetary_value_holdout"] = hg["amount"].mean().reindex(out.index, fill_value=0.0)
        out["duration_holdout"] = (end - cal_end).days / unit
    out.attrs.update(freq=freq, observation_end=end, calibration_end=cal_end if calibration_end is not None else None)
    return attach(out, ledger)


def assert_same_summary(got, want):
    assert list(got.columns) == list(want.columns)
    assert got.index.name == "customer_id" and got.index.dtype == want.index.dtype
    assert list(got.index) == list(want.index)  # same customers, same (sorted) order
    for column in want.columns:
        assert got[column].dtype == want[column].dtype, column
        if column.startswith("frequency") or column in ("recency", "T", "duration_holdout"):
            np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy(), err_msg=column)
        else:
            np.testing.assert_allclose(got[column].to_numpy(), want[column].to_numpy(), rtol=0, atol=1e-9,
                                       err_msg=column)
    for key in ("freq", "observation_end", "calibration_end"):
        assert got.attrs[key] == want.attrs[key], key
    assert_same_ledger(ledger_of(got), ledger_of(want), details=False)


def assert_same_ledger(got, want, details=True):
    assert got.rows_read == want.rows_read
    keep = (lambda e: (e.reason, e.rows, e.action, e.detail)) if details else (lambda e: (e.reason, e.rows, e.action))
    assert [keep(e) for e in got.entries] == [keep(e) for e in want.entries]
    assert got.notes == want.notes


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow("master")


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    """A generated log (returns, zero amounts, duplicates with an order_id) plus hand-made edge
    cases: a day whose returns outweigh its purchases, returns only, a zero-amount first purchase,
    duplicates without an order_id, a row without a customer_id and a column crmlib does not use."""
    path = make_transactions(20_000, tmp_path_factory.mktemp("log") / "log.parquet", seed=7, chunk_rows=8_000)
    tx = pd.read_parquet(path)
    extra = pd.DataFrame([
        ("x1", "2023-02-01 10:00", 50.0), ("x1", "2023-03-01 09:00", 20.0), ("x1", "2023-03-01 18:00", -30.0),
        ("x1", "2024-04-01 12:00", 40.0), ("x1", "2024-04-01 12:30", -10.0), ("x1", "2024-11-01 08:00", 25.0),
        ("x2", "2023-06-01 10:00", -15.0), ("x3", "2024-10-01 10:00", 0.0), ("x3", "2024-10-10 10:00", 12.0),
        ("x4", "2023-05-05 10:00", 9.5), ("x4", "2023-05-05 10:00", 9.5), ("x4", "2023-07-01 10:00", 3.0),
        (None, "2023-07-01 10:00", 3.0),
    ], columns=["customer_id", "date", "amount"]).assign(date=lambda d: pd.to_datetime(d["date"]))
    extra["order_id"] = None
    out = pd.concat([tx, extra], ignore_index=True).assign(note="x")
    out.to_parquet(path)
    return path


@pytest.mark.slow
def test_cdnow_master_duckdb_frame_equals_pandas_reference(cdnow):
    """CDNOW master (Fader, Hardie & Lee 2005 setup: 39-week calibration, holdout to 1998-06-30)
    and, without holdout, in days and months."""
    got = rfm_summary(cdnow, **FHL)
    assert len(got) == 23_570 and got["frequency_holdout"].sum() > 0
    assert_same_summary(got, reference_rfm_summary(cdnow, **FHL))
    assert got.attrs["transactions_ledger"] is ledger_of(cdnow)
    for freq in ("D", "M"):
        assert_same_summary(rfm_summary(cdnow, freq=freq), reference_rfm_summary(cdnow, freq=freq))


@pytest.mark.slow
def test_cdnow_master_files_equal_frame(cdnow, tmp_path):
    """Parquet and CSV files of CDNOW master, read by DuckDB, equal the loaded frame's summary."""
    canonical = cdnow[["customer_id", "date", "amount", "quantity"]].copy()
    canonical.attrs = {}  # the ledger does not go into the files
    canonical.to_parquet(tmp_path / "cdnow.parquet")
    canonical.assign(date=canonical["date"].dt.strftime("%Y-%m-%d")).to_csv(tmp_path / "cdnow.csv", index=False)
    want = reference_rfm_summary(cdnow, **FHL)
    for name in ("cdnow.parquet", "cdnow.csv"):
        got = rfm_summary(tmp_path / name, **FHL)
        assert_same_summary(got, want)
        assert ledger_of(got).source == name
        loaded = read_transactions(tmp_path / name, observation_end=FHL["observation_end"])
        assert_same_ledger(got.attrs["transactions_ledger"], ledger_of(loaded))
        assert got.loc["00001", "frequency"] == want.loc["00001", "frequency"]  # leading zeros kept


@pytest.mark.parametrize("args", [dict(), dict(observation_end="2024-06-30", calibration_end="2024-01-31", freq="W"),
                                  dict(observation_end="2024-09-30", freq="M")])
@pytest.mark.parametrize("duplicates", ["auto", "keep", "drop"])
@pytest.mark.slow
def test_generated_log_file_equals_loader_and_reference(log, args, duplicates):
    got = rfm_summary(log, duplicates=duplicates, **args)
    loaded = read_transactions(log, observation_end=args.get("observation_end"), duplicates=duplicates)
    assert_same_summary(got, reference_rfm_summary(loaded, **args))
    assert_same_summary(got, rfm_summary(loaded, **args))
    assert_same_ledger(got.attrs["transactions_ledger"], ledger_of(loaded))
    reasons = {(e.reason, e.action) for e in got.attrs["transactions_ledger"].entries}
    assert {("no customer_id", "dropped"), ("return or refund (negative amount)", "flagged"),
            ("zero amount", "flagged")} <= reasons
    if not args:
        assert got.loc["x1", "frequency"] == 2 and got.loc["x1", "monetary_value"] == pytest.approx(27.5)
        assert "x2" not in got.index and got.loc["x3", "frequency"] == 1
        assert got.loc["x4", "frequency"] == 1


@pytest.mark.slow
def test_glob_and_list_of_files_equal_one_frame(log, tmp_path):
    tx = pd.read_parquet(log)
    half = len(tx) // 2
    tx.iloc[:half].to_parquet(tmp_path / "a.parquet")
    tx.iloc[half:].to_parquet(tmp_path / "b.parquet")
    loaded = pd.concat([read_transactions(tmp_path / "a.parquet"), read_transactions(tmp_path / "b.parquet")],
                       ignore_index=True)
    want = reference_rfm_summary(loaded, freq="W")
    assert_same_summary(rfm_summary(str(tmp_path / "*.parquet"), freq="W"), want)
    assert_same_summary(rfm_summary([tmp_path / "b.parquet", tmp_path / "a.parquet"], freq="W"), want)


@pytest.fixture(scope="module")
def zoned():
    """Times near midnight in India: 23:30 and 00:30 local are two days (one day in UTC)."""
    local = pd.to_datetime(["2024-01-01 23:30", "2024-01-02 00:30", "2024-01-05 12:00", "2024-01-01 05:00",
                            "2024-01-03 23:59", "2024-01-04 00:01", "2024-01-04 00:02"])
    return pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b", "b", "b"],
                         "date": local.tz_localize("Asia/Kolkata"),
                         "amount": [10.0, 20.0, 30.0, 5.0, 6.0, 7.0, -1.0]})


@pytest.mark.slow
def test_time_zones_give_the_local_day_on_frames_and_files(zoned, tmp_path):
    want = reference_rfm_summary(zoned.assign(date=zoned["date"].dt.tz_localize(None)), observation_end="2024-01-10")
    assert want.loc["a", "frequency"] == 2
    assert_same_summary(rfm_summary(zoned, observation_end="2024-01-10"), want)
    zoned.to_parquet(tmp_path / "zoned.parquet")
    assert_same_summary(rfm_summary(tmp_path / "zoned.parquet", observation_end="2024-01-10"), want)
    text = zoned.assign(date=zoned["date"].map(lambda t: t.isoformat()))  # '2024-01-01T23:30:00+05:30'
    text.to_csv(tmp_path / "zoned.csv", index=False)
    assert_same_summary(rfm_summary(tmp_path / "zoned.csv", observation_end="2024-01-10"), want)
    loaded = read_transactions(tmp_path / "zoned.csv")
    assert_same_summary(rfm_summary(tmp_path / "zoned.csv"), reference_rfm_summary(loaded))


def test_bad_files_give_one_data_error_naming_file_column_rows_and_values(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,date,amount\na,2024-01-01,10\nb,2024-13-45,5\nc,2024-01-03,abc\n"
                   "d,2300-01-01,1\ne,2024-01-04,\n")
    with pytest.raises(DataError) as err:
        rfm_summary(bad)
    message = str(err.value)
    assert "\n" not in message
    for part in ("bad.csv: column 'date': 1 value(s) are not dates", "row 3: '2024-13-45'",
                 "column 'amount': 1 value(s) are not numbers", "row 4: 'abc'", "row 5: '2300-01-01'",
                 "column 'amount': 1 value(s) are empty or NaN", "row 6"):
        assert part in message
    messy = tmp_path / "messy.csv"
    messy.write_text("Customer ID,Order Date,Revenue\na,2024-01-01,10\n")
    with pytest.raises(DataError, match=r"messy.csv \(transactions\): columns 'customer_id', 'date', 'amount' missing \(found: 'Customer ID'.*crmlib's names.*read_transactions"):
        rfm_summary(messy)
    with pytest.raises(DataError, match="no file matches"):
        rfm_summary(str(tmp_path / "nothing-*.parquet"))
    (tmp_path / "x.xlsx").write_bytes(b"x")
    with pytest.raises(DataError, match="all of one kind"):
        rfm_summary([bad, tmp_path / "x.xlsx"])
    pd.DataFrame({"customer_id": [1.5], "date": pd.to_datetime(["2024-01-01"]), "amount": [1.0]}).to_parquet(
        tmp_path / "float_ids.parquet")
    with pytest.raises(DataError, match="customer_id' holds DOUBLE"):
        rfm_summary(tmp_path / "float_ids.parquet")
    ok = tmp_path / "ok.csv"
    ok.write_text("customer_id,date,amount\na,2024-01-01,1\n")
    with pytest.raises(DataError, match="calibration_end"):
        rfm_summary(ok, observation_end="2024-01-01", calibration_end="2024-02-01")


def test_frames_with_missing_values_are_refused():
    tx = pd.DataFrame({"customer_id": ["a", None], "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                       "amount": [1.0, 2.0]})
    with pytest.raises(DataError, match="column 'customer_id' is missing on 1 row"):
        rfm_summary(tx)


# ----------------------------------------------------------------------------- Spark

spark_marks = [pytest.mark.slow,
               pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
               pytest.mark.filterwarnings("ignore:Could not serialize pd.DataFrame.attrs:UserWarning"),
               pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


@pytest.mark.parametrize("args", [FHL, dict(freq="D")])
def test_spark_equals_duckdb_on_cdnow_master(spark, cdnow, args):
    from crmlib import spark as crmspark

    got = crmspark.rfm_summary(spark.createDataFrame(cdnow[["customer_id", "date", "amount"]]), **args)
    assert_same_summary(got, rfm_summary(cdnow, **args))


def test_spark_equals_duckdb_file_on_generated_log(spark, log):
    from crmlib import spark as crmspark

    args = dict(observation_end="2024-06-30", calibration_end="2024-01-31", freq="W")
    loaded = read_transactions(log, observation_end=args["observation_end"])
    got = crmspark.rfm_summary(spark.createDataFrame(loaded[["customer_id", "date", "amount"]]), **args)
    assert_same_summary(got, rfm_summary(log, **args))


def test_spark_takes_the_day_in_the_session_time_zone(spark, zoned):
    from crmlib import spark as crmspark

    spark.conf.set("spark.sql.session.timeZone", "Asia/Kolkata")
    try:
        got = crmspark.rfm_summary(spark.createDataFrame(zoned), observation_end="2024-01-10")
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert_same_summary(got, rfm_summary(zoned, observation_end="2024-01-10"))


for _test in (test_spark_equals_duckdb_on_cdnow_master, test_spark_equals_duckdb_file_on_generated_log,
              test_spark_takes_the_day_in_the_session_time_zone):
    for _mark in spark_marks:
        _mark(_test)


def test_progress_bar_only_where_someone_watches_and_never_on_report_pages(monkeypatch):
    """Issue 12.4: DuckDB's progress bar is on in a terminal and in a notebook kernel with ipywidgets,
    off when output is not a terminal, and off in report kernels (CRMLIB_PROGRESS=0 in their
    environment), so no progress widget lands on a page."""
    import importlib.util
    import io
    import sys

    from crmlib.duck import interactive as _interactive
    from crmlib.reports.kernels import KERNEL_ENV

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CRMLIB_PROGRESS", raising=False)
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert _interactive()
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe or a log file
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert not _interactive()
    monkeypatch.setitem(sys.modules, "ipykernel", object())  # a notebook kernel ...
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "ipywidgets" else real(name, *a))
    assert _interactive()  # ... that can draw the widget
    monkeypatch.setenv("CRMLIB_PROGRESS", KERNEL_ENV["CRMLIB_PROGRESS"])  # a report kernel
    assert not _interactive()
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert not _interactive()


# ----------------------------------------------------------------------------- issue 18, smaller findings

def test_overflowing_spend_is_refused_on_every_path_not_a_nan_monetary_value(tmp_path):
    """Two amounts of 1e308 on one day made monetary_value NaN silently."""
    raw = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [1e308, 1e308, 1.0, 5.0],
                        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-02"])})
    path = tmp_path / "big.parquet"
    raw.to_parquet(path)
    with pytest.raises(DataError, match=r"big.parquet: column 'amount': 3 value\(s\) belong to 1 customer\(s\) "
                                        r"whose amounts add up beyond 1.8e308.*\(row 2: '1e\+308', row 3"):
        rfm_summary(path)
    with pytest.raises(DataError, match=r"^<transactions>: column 'amount': 3 value\(s\) belong to 1 customer.*"
                                        r"\(index 0: '1e\+308', index 1: '1e\+308', index 2: '1.0'\)"):
        rfm_summary(raw)  # a frame that no loader checked


def test_zoned_parquet_with_a_fixed_offset_is_read_on_the_sql_path_with_the_loaders_note(tmp_path):
    """pandas writes +05:30 as a fixed offset, which DuckDB has no zone name for (it failed with
    "Unknown TimeZone"); the local day is kept and the ledger notes it, as for CSV files."""
    path = tmp_path / "tx.parquet"
    pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5.0, 7.0, 2.0],
                  "date": pd.to_datetime(["2024-01-01 02:00+05:30", "2024-01-08 23:30+05:30",
                                          "2024-01-03 10:00+05:30"])}).to_parquet(path)
    got, want = rfm_summary(path), rfm_summary(read_transactions(path))
    assert_same_summary(got, want)
    assert got.loc["a", "recency"] == 7.0  # local days 1 and 8, not UTC's 31 December and 8 January
    assert_same_ledger(got.attrs["transactions_ledger"], want.attrs["transactions_ledger"])
    assert got.attrs["transactions_ledger"].notes == ["time-zone offsets in 'date' were dropped; the local times are kept"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_customers_without_a_purchase_day_are_in_both_ledgers_of_both_paths(tmp_path, fmt):
    """A customer whose only day nets negative was left out of the count without a line in the
    transactions ledger (the page's data-quality table); the pandas and SQL paths must agree."""
    raw = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "d", "d", "d"],
                        "amount": [10.0, -20.0, 5.0, -3.0, 4.0, -9.0, 1.0],
                        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-04",
                                                "2024-01-02", "2024-01-02", "2024-01-05"])})
    path = tmp_path / f"tx.{fmt}"
    raw.to_csv(path, index=False) if fmt == "csv" else raw.to_parquet(path)
    frame = read_transactions(path)
    got, want = rfm_summary(path), rfm_summary(frame)
    assert_same_summary(got, want)
    assert list(got.index) == ["b", "d"]
    assert_same_ledger(got.attrs["transactions_ledger"], ledger_of(frame))
    flagged = {e.reason: (e.rows, e.action, e.detail[:15]) for e in ledger_of(frame).entries}
    assert flagged["customer without a purchase day: returns exceed purchases"] == (2, "flagged", "1 customer(s): ")
    assert flagged["customer with only returns"] == (1, "flagged", "1 customer(s) w")
    for summary in (got, want):
        dropped = {e.reason: e.rows for e in ledger_of(summary).entries}
        assert dropped == {"customer without a purchase day: returns exceed purchases": 1, "no purchase day": 1}


def test_csv_ids_written_as_floats_are_read_one_way_on_both_paths(tmp_path):
    """CSV ids 8.0 stayed 8.0 on the DuckDB path while the pandas loader reads 81.0 as 81."""
    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amount\n8.0,2024-01-01,10\n8,2024-01-05,20\n9.00,2024-01-03,5\n"
                    "007,2024-01-02,1\n8.5,2024-01-02,2\n")
    frame = read_transactions(path)
    got, want = rfm_summary(path), rfm_summary(frame)
    assert list(got.index) == list(want.index) == ["007", "8", "8.5", "9"]
    assert_same_summary(got, want)
    assert got.loc["8", "frequency"] == 1
    assert_same_ledger(got.attrs["transactions_ledger"], ledger_of(frame))


def test_customers_sql_on_customer_days_already_grouped_equals_grouping_the_rows():
    """TransactionLog groups its customer-days once and hands them to the summary as ``daily``;
    the per-customer table must equal the one from the rows (a net-return day, a return-only
    customer, a late day and a holdout day included)."""
    import duckdb

    from crmlib.summary_sql import customers_sql, purchase_days_sql

    con = duckdb.connect()
    con.execute("CREATE TABLE tx AS SELECT * FROM (VALUES ('a', 10, 20.0), ('a', 10, -5.0), ('a', 12, 30.0), "
                "('a', 15, 10.0), ('a', 15, -30.0), ('b', 11, -8.0), ('c', 13, 4.0), ('c', 40, 9.0), "
                "('c', 30, 0.0)) AS t(customer_id, day, amount)")
    con.execute(f"CREATE TABLE days AS SELECT * FROM {purchase_days_sql('tx')}")
    args = dict(end_day=31, cal_day=14, unit_days=7.0, holdout=True)
    rows = con.execute(customers_sql("tx", **args)).df()
    grouped = con.execute(customers_sql("tx_unused", daily="(SELECT * FROM days)", **args)).df()
    pd.testing.assert_frame_equal(grouped, rows, check_exact=True)
    assert rows["customer_id"].tolist() == ["a", "b", "c"] and rows["late_days"].tolist() == [0, 0, 1]


@pytest.mark.slow
def test_the_summary_of_the_same_data_is_the_same_to_the_last_bit_every_time():
    """Before: DuckDB's threads added a customer's amounts in a varying order, so 10,000-13,000 of
    these 40,000 customers got a monetary value differing in the last bits from one run to the next
    (on the CDNOW log that moved single customers' churn scores by up to 12%). FSUM rounds the
    exact sum, whatever the order."""
    import math

    from crmlib.summary import rfm_summary

    rng = np.random.default_rng(3)
    n = 600_000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 40_000, n).astype(str),
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D"),
                       "amount": np.round(rng.gamma(2.0, 37.3, n), 2)})
    runs = [rfm_summary(tx, freq="D") for _ in range(4)]
    for run in runs[1:]:
        assert np.array_equal(run["monetary_value"].to_numpy(), runs[0]["monetary_value"].to_numpy())
    one = tx[tx["customer_id"] == runs[0].index[0]]  # and it is the correctly rounded sum
    days = one.groupby(one["date"].dt.normalize())["amount"].apply(lambda a: math.fsum(a)).sort_index()
    expected = math.fsum(days.iloc[1:]) / (len(days) - 1)
    assert runs[0]["monetary_value"].iloc[0] == pytest.approx(expected, rel=1e-15)


def test_fetch_summary_in_arrow_batches_equals_the_frame_it_replaces():
    """The summary leaves DuckDB in Arrow batches (the ledger's counts added per batch, only kept
    customers kept, ids as Arrow strings); it must equal ``summary_frame`` of the whole per-customer
    table, dtypes and ledger included: ids as text or numbers, with and without a holdout, with the
    size of the relation known (columns written in place) or not, and over several batches."""
    import duckdb

    from crmlib.summary_sql import customers_sql, fetch_summary, summary_frame

    rng = np.random.default_rng(5)
    n = 3000
    con = duckdb.connect()
    con.register("raw", pd.DataFrame({"customer_id": rng.integers(0, 900, n), "day": rng.integers(0, 60, n),
                                      "amount": np.round(rng.normal(20, 30, n), 2)}))
    for key in ("CAST(customer_id AS VARCHAR)", "customer_id"):
        con.execute(f"CREATE OR REPLACE TABLE tx AS SELECT {key} AS customer_id, day, amount FROM raw")
        for cal, holdout in ((50, None), (30, "holdout")):
            args = dict(end_day=50, cal_day=cal, unit_days=7.0, holdout=holdout is not None)
            want = summary_frame(con.execute(customers_sql("tx", **args)).df(), source="s", freq="W", end_day=50,
                                 cal_day=cal, calibration_end=holdout)
            for rows, batch in ((None, 1 << 20), (n, 100)):
                got = fetch_summary(con, customers_sql("tx", **args, order=False), source="s", freq="W",
                                    end_day=50, cal_day=cal, calibration_end=holdout, rows=rows, batch=batch)
                pd.testing.assert_frame_equal(got, want, check_exact=True)
                assert str(ledger_of(got)) == str(ledger_of(want)) and ledger_of(got).entries
                assert {k: v for k, v in got.attrs.items() if k != "ledger"} == \
                    {k: v for k, v in want.attrs.items() if k != "ledger"}
