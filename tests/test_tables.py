"""crmlib.reports.tables.show: tables for people (issue 11, point 2)."""

import re

import numpy as np
import pytest
import pandas as pd

from crmlib.ledger import ledger_table
from crmlib.reports.tables import DASH, LABELS, kind_of, show


def _cells(styler) -> tuple[list[str], list[list[str]], str]:
    """(header texts, body cell texts, caption) of the rendered table."""
    page = styler.to_html()
    head = page[page.index("<thead>"):page.index("</thead>")]
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    strip = lambda s: re.sub(r"<[^>]+>", "", s).strip()  # noqa: E731
    headers = [strip(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)]
    rows = [[strip(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]
    caption = re.search(r"<caption>(.*?)</caption>", page, flags=re.S)
    return headers, rows, caption.group(1) if caption else ""


def _frame():
    return pd.DataFrame({"segment": ["Champions", "Lost"], "customers": [12345, 7],
                         "customer_share": [0.183, 0.0042], "revenue": [98765.4, np.nan],
                         "mean_days_since_last_purchase": [12.3, 400.0]})


def test_row_numbers_are_hidden_and_labels_applied():
    headers, rows, _ = _cells(show(_frame()))
    assert headers == ["Segment", "Customers", "Share of customers", "Revenue", "Mean days since last purchase"]
    assert [r[0] for r in rows] == ["Champions", "Lost"]  # no 0, 1 before the segment
    assert len(rows[0]) == 5


def test_meaningful_index_becomes_a_column():
    headers, rows, _ = _cells(show(_frame().set_index("segment")))
    assert headers[0] == "Segment" and rows[1][0] == "Lost"


def test_counts_shares_and_money_formatted_by_kind():
    _, rows, _ = _cells(show(_frame(), currency="INR"))
    assert rows[0][1] == "12,345" and rows[0][2] == "18.3%" and rows[1][2] == "0.4%"
    assert rows[0][3] == "INR\xa098,765"  # one formatter: a no-break space keeps code and amount together
    headers, rows, _ = _cells(show(_frame(), currency="INR"))
    assert "Revenue (INR)" in headers
    _, plain, _ = _cells(show(_frame()))
    assert plain[0][3] == "98,765"


def test_missing_values_show_a_dash_with_a_footnote():
    frame = _frame().assign(nps=pd.array([5, pd.NA], dtype="Int64"), city=["Pune", None])
    page = show(frame).to_html()
    _, rows, caption = _cells(show(frame))
    assert rows[1][3] == DASH and rows[1][-1] == DASH and rows[1][-2] == DASH
    assert "nan" not in page.lower().replace("nans", "") and "&lt;NA&gt;" not in page and "<NA>" not in page
    assert DASH in caption


def test_long_table_is_cut_with_a_note():
    frame = pd.DataFrame({"customers": range(100)})
    _, rows, caption = _cells(show(frame, max_rows=10, note="Full table: x.csv"))
    assert len(rows) == 10
    assert caption == "The first 10 of 100 rows. Full table: x.csv"
    _, rows, caption = _cells(show(frame, max_rows=None))
    assert len(rows) == 100 and caption == ""


def test_names_and_kinds_override_and_text_is_left_aligned():
    frame = pd.DataFrame({"term": ["late", "slow"], "z": [2.345, -1.5]})
    styler = show(frame, names={"z": "Strength (z)"}, kinds={"z": "{:+.1f}"})
    headers, rows, _ = _cells(styler)
    assert headers == ["Term", "Strength (z)"] and rows[0] == ["late", "+2.3"]
    assert "text-align: left" in styler.to_html()


def test_kinds_inferred_from_names_and_dtypes():
    assert kind_of("clv", pd.Series([1.0])) == "money"
    assert kind_of("clv_share", pd.Series([0.1])) == "share"
    assert kind_of("p_alive", pd.Series([0.5])) == "share"
    assert kind_of("baskets", pd.Series([3])) == "count"
    assert kind_of("lift", pd.Series([1.2])) == "number"
    assert kind_of("segment", pd.Series(["a"])) == "text"
    assert LABELS["clv"] == "Lifetime value" and LABELS["rows"] == "Rows"


def test_ledger_table_without_row_numbers():
    ledger = pd.DataFrame({"table": ["transactions"], "source": ["t.csv"], "reason": ["zero amount"],
                           "rows": [1234], "action": ["flagged"], "detail": [""], "example rows": ["3, 7"]})
    headers, rows, _ = _cells(show(ledger))
    assert headers[:4] == ["Table", "Source", "Reason", "Rows"] and rows[0][0] == "transactions"
    assert rows[0][3] == "1,234"
    _, rows, _ = _cells(show(ledger_table()))  # no ledgers: an empty table, still without row numbers
    assert rows == []


def test_reordered_row_numbers_are_hidden_and_crosstab_columns_named():
    frame = _frame().sort_values("customers")  # index 1, 0: still row numbers
    _, rows, _ = _cells(show(frame))
    assert rows[0][0] == "Lost"
    crosstab = pd.crosstab(pd.Series(["a", "b", "a"], name="segment"), pd.Series([0, 1, 1], name="cluster"))
    headers, rows, _ = _cells(show(crosstab))
    assert headers == ["Segment", "Cluster 0", "Cluster 1"] and rows[0] == ["a", "1", "1"]


def test_long_table_writes_all_rows_to_a_linked_csv(tmp_path, monkeypatch):
    """The cut note links the full table, written with the page's column labels and no row numbers."""
    monkeypatch.chdir(tmp_path)  # the runner executes a notebook in the page's folder
    frame = pd.DataFrame({"segment": [f"s{i}" for i in range(1234)], "customers": range(1234),
                          "revenue_share": np.linspace(0, 1, 1234)})
    _, rows, caption = _cells(show(frame, max_rows=20, csv=tmp_path / "segments", csv_name="segments.csv",
                                   currency="INR"))
    assert len(rows) == 20
    assert caption == '20 of 1,234 rows shown; all rows: <a href="segments/segments.csv">segments.csv</a>.'
    written = pd.read_csv(tmp_path / "segments" / "segments.csv")
    assert list(written.columns) == ["Segment", "Customers", "Share of revenue"]
    assert len(written) == 1234 and written["Customers"].iloc[-1] == 1233
    _, _, caption = _cells(show(frame.head(3), csv=tmp_path / "short.csv"))
    assert caption == 'As a CSV file: <a href="short.csv">short.csv</a>.'
    with pytest.raises(ValueError, match="csv_name"):
        show(frame, csv=tmp_path)


def test_headers_carry_no_raw_column_names():
    page = show(pd.DataFrame({"clv_share": [0.5], "nps_responses": [3]})).to_html()
    assert "clv_share" not in page and "nps_responses" not in page
    assert "Share of lifetime value" in page and "NPS answers" in page


HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>',
           '=HYPERLINK("http://x")', '@SUM(1)']


def test_text_cells_currency_and_note_are_escaped():
    """Issue 18.1: text from input files shows as text, never as markup: plain, categorical and
    index text cells, money cells carrying a hostile currency, and the note under the table."""
    frame = pd.DataFrame({"city": HOSTILE, "tier": pd.Categorical(HOSTILE), "revenue": [1.0, 2, 3, 4, 5]},
                         index=pd.Index(HOSTILE, name="segment"))
    page = show(frame, currency="<b>X</b>", note=HOSTILE[1]).to_html()
    assert "<script" not in page and "<img" not in page and "<svg" not in page and "<b>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") == 4  # three cells and the note
    assert "&lt;B&gt;X&lt;/B&gt;\xa01.00" in page  # the code as Formats writes it, escaped


def test_table_ids_are_the_same_on_every_run():
    """Issue 18.4: pandas' Styler draws a random table id; show() derives it from the table, so two
    renderings of the same frame are byte-identical and two different tables differ."""
    first, second = show(_frame()).to_html(), show(_frame()).to_html()
    assert first == second
    other = show(_frame().head(1)).to_html()
    assert re.search(r'id="T_(\w+)"', first).group(1) != re.search(r'id="T_(\w+)"', other).group(1)


def test_csv_folder_whose_name_ends_in_csv(tmp_path, monkeypatch):
    """Issue 18: a report run with -p transactions=tx.csv writes into a folder named
    ``overview__transactions=tx.csv``; show(csv=that folder) wrote to the folder as a file."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "overview__transactions=tx.csv"
    folder.mkdir()
    show(_frame(), csv=folder, csv_name="table.csv")
    assert len(pd.read_csv(folder / "table.csv")) == 2
    show(_frame(), csv=tmp_path / "new__x=a.csv", csv_name="t.csv")  # not there yet: csv_name says folder
    assert (tmp_path / "new__x=a.csv" / "t.csv").is_file()


def test_csv_cells_that_start_a_formula_are_written_as_text(tmp_path, monkeypatch):
    """Issue 18.2 (OWASP CSV injection): text cells and text labels starting with = + - @ tab CR get a
    leading quote; numbers, negative ones too, stay numbers."""
    monkeypatch.chdir(tmp_path)
    frame = pd.DataFrame({"segment": HOSTILE + ["+91 98", "-x", "\tx", "\rx", "Gold"],
                          "revenue": [-5.5, 1, 2, 3, 4, 5, 6, 7, 8, 9]})
    show(frame, csv=tmp_path / "t.csv", names={"revenue": "=cmd|' /C calc'!A0"})
    written = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    cells = [str(c) for c in written.to_numpy().ravel()] + list(written.columns)
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r")) or c.startswith("-x")]
    assert written.iloc[0, 1] == -5.5 and written.iloc[3, 0] == "'=HYPERLINK(\"http://x\")"
    assert written.iloc[9, 0] == "Gold" and written.columns[1] == "'=cmd|' /C calc'!A0"


def test_table_in_hindi_with_indian_grouping_and_native_digits(tmp_path, monkeypatch):
    """Issue 21: show(fmt=Formats("hi", ...)) writes the labels from crmlib.words.tables in Hindi, the
    numbers by the formatter (lakh grouping, the currency code kept) and the notes in Hindi."""
    from crmlib.formats import Formats

    frame = pd.DataFrame({"segment": ["Champions", "Lost", "New"], "customers": [1234567, 7, 3],
                          "customer_share": [0.183, 0.0042, np.nan], "revenue": [9876543.0, 12.0, 1.0]})
    headers, rows, caption = _cells(show(frame, fmt=Formats("hi", currency="INR"), max_rows=2))
    assert headers == ["ग्राहक खंड", "ग्राहक", "ग्राहकों का हिस्सा", "राजस्व (INR)"]
    assert rows[0] == ["Champions", "12,34,567", "18.3%", "INR\xa098,76,543"]  # data values stay as they are
    assert caption == "3 में से पहली 2 पंक्तियाँ।"
    _, rows, caption = _cells(show(frame, fmt=Formats("bn", digits="native")))
    assert rows[0][1] == "১২,৩৪,৫৬৭" and caption == "– কোনো মান নেই।"
    monkeypatch.chdir(tmp_path)
    _, _, caption = _cells(show(frame, fmt=Formats("hi"), max_rows=1, csv=tmp_path / "s.csv"))
    assert caption == '3 में से 1 पंक्तियाँ दिखाई गईं; सभी पंक्तियाँ: <a href="s.csv">s.csv</a>।'
    assert show(pd.DataFrame({"ok": [True]}), fmt=Formats("bn")).to_html().count("হ্যাঁ") == 1


def test_money_columns_of_one_table_share_their_decimals():
    """Issue 21 / 19.7: "Lowest 4.11 | Highest 4" - every money column of a table is written with one
    choice of decimals (Formats.money_decimals over all of them)."""
    deciles = pd.DataFrame({"min_spend": [0.7, 4.11], "max_spend": [4.1, 900.0]})
    _, rows, _ = _cells(show(deciles, currency="USD"))
    assert rows[1] == ["USD\xa04", "USD\xa0900"] and rows[0] == ["USD\xa01", "USD\xa04"]
