"""``crmlib validate`` reads a large transactions file out of core (issue 18: a 15M-row CSV took
8 min 40 s and 10.9 GB in pandas, silent until the end)."""

from __future__ import annotations

import re

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
