"""The bundled data sets go through the same loader, and so the same ledger, as a user's file
(issue 19 finding 5: CDNOW's data-quality section said "Nothing was dropped, changed or flagged"
while the same file through the loader flags 255 exact duplicates and 80 zero amounts)."""

import pandas as pd
import pytest

from crmlib import findings
from crmlib.ledger import ledger_table
from crmlib.reports.inputs import load_inputs


def _entry(table: pd.DataFrame, reason: str) -> pd.Series:
    rows = table[table["reason"] == reason]
    assert len(rows) == 1, table
    return rows.iloc[0]


@pytest.mark.slow
def test_dataset_path_runs_the_ledger():
    tx = load_inputs("overview", dataset="cdnow_master", record=False).transactions
    table = ledger_table(tx)
    dup = _entry(table, "exact duplicate row")
    assert dup["rows"] == 255 and dup["action"] == "kept"
    zero = _entry(table, "zero amount")
    assert zero["rows"] == 80 and zero["action"] == "flagged"
    assert (table["source"] == "CDNOW_master.txt").all()
    assert "Nothing was dropped" not in findings.data_quality(table)
    assert len(tx) == 69_659 and tx["customer_id"].nunique() == 23_570


def test_dataset_example_rows_are_file_lines_and_late_rows_are_counted():
    """The first zero amount of the 1/10 sample is on line 225 of CDNOW_sample.txt (no header line);
    cutting at 1998-01-31 drops and counts every later row."""
    from crmlib.config import CDNOW_DIR

    lines = (CDNOW_DIR / "CDNOW_sample.txt").read_text().splitlines()
    tx = load_inputs("clv", dataset="cdnow_sample", observation_end="1998-01-31", record=False).transactions
    table = ledger_table(tx)
    first = int(str(_entry(table, "zero amount")["example rows"]).split(",")[0])
    assert float(lines[first - 1].split()[-1]) == 0.0
    late = _entry(table, "date after observation end")
    assert late["action"] == "dropped" and late["rows"] == 6919 - len(tx) > 0
    assert tx["date"].max() <= pd.Timestamp("1998-01-31")
