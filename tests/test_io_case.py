"""A channel written in several upper/lower cases ("Online", "online ", "ONLINE") is one channel, shown as the file
spells it most often (crmlib.io.values.spellings), by the loader (crmlib.io.loaders._copy_text) and by the
out-of-core path (crmlib.logscreen, crmlib.log_tables) alike. Before, all three lower-cased it, so a shop whose file
said "Online", "Store" and "WhatsApp" read "online", "store" and "whatsapp" on every page and CSV."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlib import TransactionLog, overview, read_feedback, read_transactions
from crmlib.ledger import ledger_of

#: (channel as written, rows): "Online" 3 rows, "online" 3 (two written "online "), "ONLINE" 1: a tie between
#: "online" (first seen) and "Online"; "WhatsApp" 4 of 6; "Store" and "store" 2 each, "Store" first seen.
CHANNELS = [("online ", 2), ("Online", 3), ("ONLINE", 1), ("online", 1), ("WhatsApp", 2), ("whatsapp", 1),
            (" WhatsApp", 2), ("Whatsapp", 1), ("Store", 2), ("store", 2), ("Kiosk", 1)]
EXPECTED = {"online": 7, "WhatsApp": 6, "Store": 4, "Kiosk": 1}


def _frame() -> pd.DataFrame:
    written = [c for c, n in CHANNELS for _ in range(n)]
    n = len(written)
    return pd.DataFrame({"customer_id": [f"c{i % 7}" for i in range(n)],
                         "date": [f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(n)],
                         "amount": [10.0 + i for i in range(n)], "channel": written})


def test_spellings_take_the_most_rows_and_on_a_tie_the_first_seen():
    from crmlib.io.values import spellings

    counts = pd.DataFrame({"value": ["online", "Online", "ONLINE", "Store", "store"],
                           "rows": [3, 3, 1, 1, 2], "first": [0, 1, 2, 3, 4]})
    assert spellings(counts) == {"online": "online", "Online": "online", "ONLINE": "online",
                                 "Store": "store", "store": "store"}


def test_the_loader_keeps_the_files_spelling_of_each_channel(tmp_path):
    path = tmp_path / "tx.csv"
    _frame().to_csv(path, index=False)
    tx = read_transactions(path)
    assert tx["channel"].value_counts().to_dict() == EXPECTED
    answers = read_feedback(pd.DataFrame({"customer_id": ["a", "b", "c"], "date": "2024-01-02",
                                          "channel": ["WhatsApp ", "whatsapp", "WhatsApp"]}))
    assert answers["channel"].tolist() == ["WhatsApp"] * 3


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_log_shows_the_channels_as_the_loaded_file_does(tmp_path, kind):
    """The same file through read_transactions and TransactionLog: the same channel values in the channel mix
    (crmlib.log_tables._prepared; the churn features read the same lines: tests/test_retention_log.py), an email
    in a channel redacted and counted alike."""
    frame = _frame()
    frame.loc[len(frame)] = ["c1", "2024-03-03", 5.0, "ravi@example.com"]
    path = tmp_path / f"tx.{kind}"
    frame.to_csv(path, index=False) if kind == "csv" else frame.to_parquet(path, index=False)
    loaded, log = read_transactions(path), TransactionLog(str(path))
    want = overview.channel_totals(loaded).sort_index()
    got = overview.channel_totals(log).sort_index()
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, check_index_type=False, check_dtype=False)
    assert set(got.index) == set(EXPECTED) | {"[email]"}
    reasons = [(e.reason, e.rows) for e in ledger_of(loaded).entries if "email" in e.reason]
    assert reasons == [(e.reason, e.rows) for e in log.attrs["ledger"].entries if "email" in e.reason] == [
        ("email or phone in channel", 1)]


def test_a_glob_of_two_files_spells_the_channels_as_the_one_file_holding_both(tmp_path):
    """Rows are counted over every file of the log; a tie goes to the spelling of the first file (files sorted)."""
    frame = _frame()
    half = len(frame) // 2
    frame.iloc[:half].to_parquet(tmp_path / "part-1.parquet", index=False)
    frame.iloc[half:].to_parquet(tmp_path / "part-2.parquet", index=False)
    frame.to_csv(tmp_path / "all.csv", index=False)
    log = TransactionLog(str(tmp_path / "part-*.parquet"))
    got = overview.channel_totals(log).sort_index()
    want = overview.channel_totals(read_transactions(tmp_path / "all.csv")).sort_index()
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, check_index_type=False, check_dtype=False)
    assert list(got.index) == sorted(EXPECTED)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_category_and_a_city_in_several_cases_are_one_as_the_file_spells_them_most(tmp_path, kind):
    """"Electronics" (3 rows), "electronics" (2) and "ELECTRONICS " (1) were three categories on the category mix and
    in the cross-selling rules, "Pune" and "PUNE" two cities; now each is one, in the spelling most rows use, through
    the loader and a log alike."""
    from crmlib import read_customers

    written = ["Electronics"] * 3 + ["electronics"] * 2 + ["ELECTRONICS "] + ["Books"] * 2 + ["books"] * 3
    frame = pd.DataFrame({"customer_id": [f"c{i % 4}" for i in range(len(written))],
                          "date": [f"2024-0{1 + i % 9}-1{i % 9}" for i in range(len(written))],
                          "amount": [10.0 + i for i in range(len(written))], "category": written})
    path = tmp_path / f"tx.{kind}"
    frame.to_csv(path, index=False) if kind == "csv" else frame.to_parquet(path, index=False)
    loaded = read_transactions(path)
    assert loaded["category"].value_counts().to_dict() == {"Electronics": 6, "books": 5}
    want = overview.category_mix(loaded).sort_index()
    got = overview.category_mix(TransactionLog(str(path))).sort_index()
    assert list(got.index) == list(want.index) == ["Electronics", "books"]
    customers = read_customers(pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
                                             "city": ["Pune", "PUNE", "Pune ", "Dhaka"]}))
    assert customers["city"].tolist() == ["Pune", "Pune", "Pune", "Dhaka"]
