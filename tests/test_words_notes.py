"""The loaders' notes (how a file was read) in the page's language: before, a Hindi or Bengali overview page
listed them in English ("column 'গ্রাহক আইডি' used as 'customer_id'")."""

import pandas as pd
import pytest

from crmlib import ledger_of
from crmlib.formats import Formats
from crmlib.io import read_customers, read_transactions
from crmlib.ledger import Note
from crmlib.reports.overview_page import loader_notes
from crmlib.words import Words
from crmlib.words.quality import NOTES, say_note


def _notes_of(tmp_path):
    """Files that make most notes a loader writes: headers read by their words, columns not used, dates that
    read both ways, a blank line, a workbook of two sheets."""
    tx = tmp_path / "sales.csv"
    tx.write_text("চালান নং,গ্রাহক আইডি,তারিখ,মোট টাকা,Remarks\nM1,BD-7,01/07/2024,\"৳ ১,২০০.৫০\",x\n\n"
                  "M2,BD-8,02/07/2024,99,y\n", encoding="utf-8")
    book = tmp_path / "customers.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"customer_id": ["BD-7"], "শহর": ["ঢাকা"]}).to_excel(writer, sheet_name="list", index=False)
        pd.DataFrame().to_excel(writer, sheet_name="empty", index=False)
    frames = [read_transactions(tx), read_customers(book)]
    return frames, [n for f in frames for n in ledger_of(f).notes]


def test_every_note_a_loader_writes_has_a_key_the_pages_translate(tmp_path):
    frames, notes = _notes_of(tmp_path)
    keys = {n.key for n in notes}
    assert {"column '{column}' used as '{target}'", "column(s) not used: {names}", "{lines} blank line(s) skipped",
            "read sheet '{sheet}' of {sheets}; not read: {others}; of these, empty: {empty}"} <= keys, notes
    assert any(k.startswith("dates in '{column}' such as {example} fit both") for k in keys), notes
    assert all(isinstance(n, Note) and n.key in NOTES for n in notes), [n for n in notes if n.key not in NOTES]
    for lang in ("hi", "bn"):
        w, fmt = Words(lang), Formats(lang)
        for note in notes:
            said = say_note(note, "sales.csv", w=w, fmt=fmt)
            assert said != f"sales.csv: {note}", (lang, note)  # translated, not the English
    page = loader_notes(frames, w=Words("bn"), fmt=Formats("bn"))
    assert "sales.csv\\: কলাম 'গ্রাহক আইডি' 'customer\\_id' হিসেবে পড়া হয়েছে" in page, page


@pytest.mark.parametrize("header, shown", [("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
                                           ("[click](javascript:alert(1))", "\\[click\\](javascript")])
def test_a_header_in_a_note_is_text_not_markup(tmp_path, header, shown):
    path = tmp_path / "s.csv"
    path.write_text(f'customer_id,date,amount,"{header}"\na,2024-01-05,3,z\n', encoding="utf-8")
    page = loader_notes([read_transactions(path)])
    assert shown in page and "<img" not in page, page


def test_the_log_path_notes_are_translated_too(tmp_path):
    """A Parquet log read out of core (crmlib.TransactionLog) and its summary write the same kinds of notes."""
    from crmlib import TransactionLog, rfm_summary

    path = tmp_path / "log.parquet"
    pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [1.0, 2.0, 3.0], "store": ["x", "y", "z"],
                  "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]).tz_localize("Asia/Dhaka")}
                 ).to_parquet(path)
    log = TransactionLog(path)
    summary = rfm_summary(log, observation_end="2024-02-15")
    notes = ledger_of(log).notes + summary.attrs["ledger"].notes
    keys = {n.key for n in notes}
    assert {"column(s) not used: {names}", "{late} customer-days after observation end {end} left out",
            "time-zone offsets in '{column}' were dropped; the local times are kept"
            } <= keys, notes
    for note in notes:
        assert note.key in NOTES and say_note(note, "log", w=Words("hi")) != f"log: {note}", note
