"""crmlib.spark.customer_table gives the per-customer table of crmlib.customers.customer_table, computed
on Spark (issue 24.5), and crmlib.spark's audience and user-data files are the pandas files.

Tolerances: counts, days, scores, segments and deciles are compared exactly. Money sums are taken in
another order in Spark (within 1e-9). The transaction model is fitted on the distinct histories with
a count each: the same likelihood, so P(alive) and expected purchases agree within 1e-9 relative. The
Gamma-Gamma spend model is fitted on the distinct (frequency, monetary value) pairs with a count each,
a sum in another order, so the optimiser stops at another point within its tolerance of the pandas
fit: expected spend and CLV within 1e-5 relative (measured on CDNOW master: 2.7e-6; the sample: 3e-7).
Deciles are still compared exactly (customers with equal histories and spend have equal values in
both paths, and distinct values at a decile boundary differ by far more).
"""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, audiences, ledger_of
from crmlib import spark as crmspark  # pyspark is a test dependency: these tests never skip
from crmlib.customers import customer_table
from crmlib.datasets import load_cdnow, make_transactions
from crmlib.summary import last_purchase

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:Could not serialize pd.DataFrame.attrs:UserWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore::crmlib.privacy.DefaultKeyWarning")]

EXACT = ["frequency", "recency", "T", "days_since_last_purchase", "R", "F", "M", "RFM", "clv_decile"]


def to_spark(spark, tx):
    return spark.createDataFrame(tx[["customer_id", "date", "amount"]])


def assert_same_table(result, want):
    got = result.to_pandas()
    assert list(got.columns) == list(want.columns)
    assert list(got.index) == list(want.index)
    assert got.dtypes.to_dict() == want.dtypes.to_dict()
    for column in want.columns:
        a, b = got[column], want[column]
        if column in EXACT or column == "segment":
            assert a.astype(str).tolist() == b.astype(str).tolist(), column
        elif column in ("monetary_value", "revenue", "mean_spend"):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-9, err_msg=column)
        elif column in ("p_alive", "expected_purchases"):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=0, err_msg=column)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=0, err_msg=column)
    for key in ("freq", "observation_end", "calibration_end", "model", "model_reason", "clv_note", "horizon", "rate"):
        assert got.attrs[key] == want.attrs[key], key
    g, w = got.attrs["rfm_thresholds"], want.attrs["rfm_thresholds"]
    for part in ("r", "f"):
        np.testing.assert_array_equal(getattr(g, part), getattr(w, part), err_msg=part)
    # spend edges: DuckDB sums exactly (FSUM), Spark SQL has no exact sum, so they may differ in the
    # last bit; the M scores above are compared exactly
    np.testing.assert_allclose(g.m, w.m, rtol=1e-14, atol=0, err_msg="m")
    assert (g.bins, g.freq, g.monetary, g.n_customers) == (w.bins, w.freq, w.monetary, w.n_customers)
    assert list(got.attrs["comparison"]) == list(want.attrs["comparison"])
    for name, row in want.attrs["comparison"].items():
        assert got.attrs["comparison"][name]["note"] == row["note"]
        assert got.attrs["comparison"][name]["BIC"] == pytest.approx(row["BIC"], rel=1e-9, nan_ok=True)
    got_led, want_led = ledger_of(got), ledger_of(want)
    assert got_led.rows_read == want_led.rows_read and got_led.notes == want_led.notes
    assert [(e.reason, e.rows) for e in got_led.entries] == [(e.reason, e.rows) for e in want_led.entries]
    return got


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow("master")


def test_cdnow_customer_table_equals_pandas(spark, cdnow):
    """CDNOW master (Fader, Hardie & Lee 2005; 23,570 customers), weeks, the model chosen by BIC."""
    result = crmspark.customer_table(to_spark(spark, cdnow))
    want = customer_table(cdnow)
    got = assert_same_table(result, want)
    assert len(got) == 23_570 and got["clv_decile"].value_counts().min() == 2357
    assert set(got["segment"].astype(str)) >= {"Champions", "Lost", "Hibernating"}
    assert got.attrs["model"] == "ModifiedBetaGeo" and got.attrs["spend_model"] is not None


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = make_transactions(25_000, tmp_path_factory.mktemp("log") / "log.parquet", seed=9, chunk_rows=10_000)
    return pd.read_parquet(path, columns=["customer_id", "date", "amount"])


@pytest.mark.parametrize("args", [dict(freq="D", model="BetaGeo", observation_end="2024-09-30"),
                                  dict(freq="M", bins=4, horizon_days=180, annual_discount=0.2)],
                         ids=["days_bgnbd_earlier_end", "months_4_bins"])
def test_generated_log_customer_table_equals_pandas(spark, generated, args):
    """A BG/NBD log with returns, free items and duplicate rows (the same rows for both paths)."""
    result = crmspark.customer_table(to_spark(spark, generated), **args)
    got = assert_same_table(result, customer_table(generated, **args))
    assert got["p_alive"].between(0, 1).all() and got["clv"].gt(0).all()


def test_without_spend_model_or_transaction_model_the_columns_are_left_out_as_in_pandas(spark):
    tx = load_cdnow("sample")
    frame = to_spark(spark, tx)
    for args in (dict(spend=False), dict(model=None)):
        result = crmspark.customer_table(frame, **args)
        got = assert_same_table(result, customer_table(tx, **args))
        assert "clv" not in got.columns


def _parts(directory):
    return b"".join(p.read_bytes() for p in sorted(directory.glob("part-*")))


def test_audience_and_user_data_files_are_the_pandas_files(spark, tmp_path):
    """Same pseudonyms (keyed HMAC), same columns, same order: the parts read in order are the file the
    pandas writers make of the same table, byte for byte, and the manifests agree. (The tables are
    compared above; predicted_clv is rounded to cents, which a 3e-7 difference of CLV can flip.)"""
    tx = load_cdnow("sample")
    result = crmspark.customer_table(to_spark(spark, tx))
    table = result.to_pandas()
    want = audiences.export(None, table["segment"], ["Champions", "Loyal"], kind="ids",
                            path=tmp_path / "audience.csv", key="k", observation_end=table.attrs["observation_end"])
    got = crmspark.export_audience(result, ["Champions", "Loyal"], str(tmp_path / "audience"), key="k")
    assert _parts(tmp_path / "audience") == (tmp_path / "audience.csv").read_bytes()
    assert want["rows_written"] > 100
    for key in ("kind", "column", "segments", "customers_in_segments", "rows_written", "skipped", "observation_end",
                "hashing", "re_identifiable", "file_sha256"):
        assert got[key] == want[key], key
    assert json.loads((tmp_path / "audience.manifest.json").read_text())["file_sha256"] == got["file_sha256"]

    audiences.user_data_import(table, tmp_path / "users.csv", last_purchase=last_purchase(tx), clv=table["clv"],
                               key="k")
    got = crmspark.user_data_import(result, str(tmp_path / "users"), key="k")
    written = _parts(tmp_path / "users")
    assert written == (tmp_path / "users.csv").read_bytes()
    assert written.splitlines()[0] == b"user_id,segment,r_score,f_score,m_score,last_purchase_date,predicted_clv"
    want = json.loads((tmp_path / "users.manifest.json").read_text())
    for key in ("rows", "columns", "observation_end", "hashing", "re_identifiable", "file_sha256"):
        assert got[key] == want[key], key
    assert got["file_sha256"] == hashlib.sha256(written).hexdigest()
    assert b"c_" in written


def test_bad_input_raises_data_error(spark):
    good = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"]), "amount": [1.0]})
    with pytest.raises(DataError, match="pyspark DataFrame"):
        crmspark.customer_table(good)
    with pytest.raises(DataError, match="model='Nope'"):
        crmspark.customer_table(spark.createDataFrame(good), model="Nope")
    with pytest.raises(DataError, match="freq"):
        crmspark.customer_table(spark.createDataFrame(good), freq="Q")
    result = crmspark.customer_table(to_spark(spark, load_cdnow("sample")), spend=False)
    with pytest.raises(DataError, match=r"segment\(s\) \['Nobody'\] not found"):
        crmspark.export_audience(result, "Nobody", "/tmp/never-written")
