"""``crmlib validate`` reads a large transactions file out of core (issue 18: a 15M-row CSV took
8 min 40 s and 10.9 GB in pandas, silent until the end)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmlib import TransactionLog, io
from crmlib.cli import main


def test_validate_reads_a_large_log_out_of_core_with_the_loaders_ledger(tmp_path, monkeypatch, capsys):
    path = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": ["8.0", "8", "b", "c", "c"], "amount": [10.0, 20.0, 5.0, 4.0, -9.0],
                  "date": ["2024-01-01", "2024-01-05", "2024-01-03", "2024-01-02", "2024-01-02"]}).to_csv(path, index=False)
    small = main(["validate", "--transactions", str(path)])
    pandas_out = capsys.readouterr().out
    monkeypatch.setattr("crmlib.reports.inputs.LARGE_FILE_BYTES", 10)  # this file now counts as large

    def no_pandas(*args, **kwargs):
        raise AssertionError("a large log must not be read with pandas")

    read = []
    original = TransactionLog._read

    def spy(self):
        read.append(self.files)
        return original(self)

    monkeypatch.setattr(io, "read_transactions", no_pandas)
    monkeypatch.setattr(TransactionLog, "_read", spy)
    assert main(["validate", "--transactions", str(path)]) == small == 0
    sql_out = capsys.readouterr().out
    assert read and read[0] == [str(path)]
    strip = lambda text: re.sub(r" \(rows [^)]*\)", "", text)  # noqa: E731 example rows: pandas only
    assert strip(sql_out) == strip(pandas_out)
    assert "customer id written as a whole-number float" in sql_out
    assert "customer without a purchase day: returns exceed purchases" in sql_out


def test_validate_out_of_core_screens_text_ids_and_late_dates_as_the_loader_does(tmp_path, monkeypatch, capsys):
    """Issue 18: the out-of-core path skipped the loader's screening (PII in category and channel,
    case-clashing ids, late dates). The same file, read by pandas and out of core, gives the same
    ledger lines, example rows included."""
    rng = np.random.default_rng(42)
    n = 60
    frame = pd.DataFrame({"customer_id": [f"C{i % 15}" for i in range(n)],
                          "date": pd.date_range("2024-01-01", periods=n, freq="3D").strftime("%Y-%m-%d"),
                          "amount": rng.integers(5, 100, n).astype(float),
                          "category": rng.choice(["books", "toys", "food"], n),
                          "channel": rng.choice(["Web", "app"], n)})
    frame.loc[4, "category"] = "ravi.kumar@example.com"
    frame.loc[[9, 30], "channel"] = "call 98765 43210"
    frame.loc[11, "date"] = "2031-05-01"
    frame.loc[12, "customer_id"] = "c1"
    frame = pd.concat([frame, frame.iloc[[4]]])  # an exact copy of the row with the email: kept, counted
    path = tmp_path / "tx.csv"
    frame.to_csv(path, index=False)
    assert main(["validate", "--transactions", str(path)]) == 0
    pandas_out = capsys.readouterr().out
    monkeypatch.setattr("crmlib.reports.inputs.LARGE_FILE_BYTES", 10)
    monkeypatch.setattr(io, "read_transactions", lambda *a, **k: (_ for _ in ()).throw(AssertionError("pandas")))
    assert main(["validate", "--transactions", str(path)]) == 0
    sql_out = capsys.readouterr().out
    wanted = ("email or phone in category", "email or phone in channel", "differ only in upper/lower case",
              "'date' in the future or far after the rest of the column")
    lines = lambda text: [line for line in text.splitlines() if any(w in line for w in wanted)]  # noqa: E731
    assert len(lines(pandas_out)) == 4
    assert lines(sql_out) == lines(pandas_out)
    assert "ravi" not in sql_out and "98765" not in sql_out


def test_late_after_follows_the_row_rule_of_late_dates():
    """screening.late_dates on rows and logscreen.late_after on distinct days flag the same dates."""
    from crmlib.logscreen import late_after
    from crmlib.screening import late_dates

    rng = np.random.default_rng(7)
    for _ in range(200):
        days = np.sort(rng.choice(np.r_[np.arange(0, 800), np.arange(2000, 2010)], rng.integers(2, 60)))
        dates = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(days, unit="D"))
        distinct, counts = np.unique(days, return_counts=True)
        after = late_after(distinct, counts)
        flagged = days > after if after is not None else np.zeros(len(days), bool)
        assert (late_dates(dates) == flagged).all()
