"""A customers file whose signup column holds dates but for a few slips ("n/a", "soon") is read: the slips are
missing signup dates, counted in the data-quality ledger under the file's own header with their rows and values,
as a transaction without an amount is kept out and counted rather than refusing its file. Before, the whole file
was refused: "cust.csv: column 'signup_date': 2 value(s) are not dates ...", naming crmlib's column, not the
file's. A column of mostly no dates is still no signup date (crmlib.io.columns.KEYWORD_FITS), and every message
left names the file's header."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlib.exceptions import DataError
from crmlib.formats import Formats
from crmlib.io import read_customers
from crmlib.ledger import ledger_of
from crmlib.words import Words
from crmlib.words.quality import biggest_issue, ledger_frame, ledger_table

SLIPS = {12: "n/a", 39: "soon"}  # spreadsheet rows (the header is row 1)


def _customers(tmp_path, slips=SLIPS, header="Registered On", name="cust.csv", extra="") -> pd.DataFrame:
    """60 customers with DD/MM/YYYY signup dates and ``slips`` at their rows; ``extra`` lines at the end."""
    lines = [f"Customer ID,City,{header}"]
    for row in range(2, 62):
        day = slips.get(row, f"{1 + row % 28:02d}/{1 + row % 12:02d}/2023")
        lines.append(f"C{row:03d},{['Pune', 'Dhaka', 'Kolkata'][row % 3]},{day}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def _slip_entries(cust):
    return [e for e in ledger_of(cust).entries if e.key == "values in '{column}' that are not dates"]


def test_two_slips_are_missing_signup_dates_noted_under_the_files_header(tmp_path):
    cust = read_customers(_customers(tmp_path))
    assert len(cust) == 60 and pd.api.types.is_datetime64_any_dtype(cust["signup_date"])
    missing = cust.loc[cust["signup_date"].isna(), "customer_id"].tolist()
    assert missing == ["C012", "C039"]
    assert cust.set_index("customer_id").loc["C013", "signup_date"] == pd.Timestamp("2023-02-14")  # day first
    [entry] = _slip_entries(cust)
    assert (entry.reason, entry.rows, entry.action, entry.examples) == (
        "values in 'Registered On' that are not dates", 2, "changed", [12, 39])
    # a word is shown as its kind: it may be a name (crmlib.reports.redact.value_kind's rule for a page)
    assert entry.detail == "kept as customers without a signup date; the file holds: 'n/a', [text]"
    assert "signup_date" not in str(ledger_of(cust)).replace("used as 'signup_date'", "")


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_the_pages_data_quality_table_says_it_in_the_pages_language(tmp_path, lang):
    fmt = Formats(lang, digits="native" if lang == "bn" else "latin")
    frame = ledger_frame(read_customers(_customers(tmp_path)))
    table = ledger_table(frame, w=Words(lang), fmt=fmt)
    row = table[table["reason"].str.contains("Registered On")]
    assert len(row) == 1 and "'n/a', [text]" in row["detail"].iloc[0]
    assert not table["reason"].str.contains("signup_date").any()
    if lang != "en":  # translated, the file's header and values as they are
        assert "not dates" not in row["reason"].iloc[0] and "without a signup date" not in row["detail"].iloc[0]
    sentence = biggest_issue(frame, w=Words(lang), fmt=fmt)
    assert "Registered On" in sentence, sentence


def test_slip_values_are_shown_only_when_harmless_and_dropped_rows_are_not_counted(tmp_path):
    """Nothing personal reaches the ledger, which every page shows: a name, a phone or a long text typed into the
    date column is shown as its kind; a row dropped for having no id is not counted again."""
    slips = {5: "Priya Sharma", 6: "call 98765 43210", 8: "x" * 60, 9: "n/a", 10: "n/a", 11: "31/02/2023"}
    cust = read_customers(_customers(tmp_path, slips=slips, extra=",Pune,soon\n"))  # a row without an id
    [entry] = _slip_entries(cust)
    assert entry.rows == 6 and entry.examples == [5, 6, 8, 9, 10]
    assert entry.detail.endswith("the file holds: [text], [phone], 'n/a', '31/02/2023'"), entry.detail
    text = str(ledger_of(cust))
    assert not [v for v in ("Priya", "Sharma", "98765", "xxx", "soon") if v in text]


def test_a_date_in_another_format_or_out_of_range_is_refused_naming_the_files_header(tmp_path):
    with pytest.raises(DataError, match=r"cust.csv: column 'Registered On': 1 value\(s\) are dates in another "
                                        r"format than the rest of the column \(%d/%m/%Y\) \(row 20: '2023-05-04'\)"):
        read_customers(_customers(tmp_path, slips={**SLIPS, 20: "2023-05-04"}))
    with pytest.raises(DataError, match=r"column 'Registered On': 1 value\(s\) are outside 1900-01-01 to 2100-12-31"):
        read_customers(_customers(tmp_path, slips={**SLIPS, 20: "04/05/2300"}))


def test_a_column_of_mostly_no_dates_is_no_signup_date(tmp_path):
    """Read by its words ("Registered On") or another name ("Joined"), it stays the file's own column; named the
    signup date itself ("Signup Date"), the file is refused, naming that header, not read as blank dates."""
    places = {row: ["App", "Web", "Store"][row % 3] for row in range(2, 40)}
    for header in ("Registered On", "Joined"):
        cust = read_customers(_customers(tmp_path, slips=places, header=header))
        assert "signup_date" not in cust.columns and header in cust.columns and not _slip_entries(cust)
    with pytest.raises(DataError, match=r"column 'Signup Date': 38 value\(s\) are not dates, and neither are most"):
        read_customers(_customers(tmp_path, slips=places, header="Signup Date"))


def test_dates_that_read_both_ways_are_still_noted_beside_a_slip(tmp_path):
    """The slips take no part in choosing the column's format, so the note that 01/02/2023 was read day first
    (which needs every date of the column to read both ways) is kept, naming the file's header."""
    lines = ["Customer ID,Registered On"] + [f"C{i},{1 + i % 12:02d}/{1 + i % 12:02d}/2023" for i in range(20)]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines + ["C99,soon"]) + "\n", encoding="utf-8")
    notes = [str(n) for n in ledger_of(read_customers(path)).notes]
    assert any(n.startswith("dates in 'Registered On' such as") and "read day first" in n for n in notes), notes
