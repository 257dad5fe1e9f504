"""Loaders: the files people export, one clear DataError for each kind of bad input, the ledger."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib import DataError, ledger_of
from crmlib.io import read_customers, read_feedback, read_transactions


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# ------------------------------------------------------------------ files people export

def test_semicolon_file_with_decimal_commas_and_latin1(tmp_path):
    path = write(tmp_path, "export.csv", "Kunde;Datum;Betrag\nA;31.01.2024;1.234,56 €\nB;01.02.2024;12,5\n",
                 encoding="cp1252")
    tx = read_transactions(path, columns={"Kunde": "customer_id", "Datum": "date", "Betrag": "amount"})
    assert tx["amount"].tolist() == [1234.56, 12.5]
    assert tx["date"].tolist() == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-01")]
    assert any("cp1252" in n for n in ledger_of(tx).notes)


def test_common_export_names_of_category_channel_and_city_are_recognised(tmp_path):
    """Before: 'Product Category' and 'Sales Channel' were "not used", so the overview left out its
    category and channel mix and retention its cross-selling rules on such an export."""
    path = write(tmp_path, "sales_export.csv", "Invoice No,Customer ID,Invoice Date,Amount,Product Category,"
                 "Sales Channel\nO1,C1,2024-01-03,10.5,home,web\nO2,C2,2024-01-04,7,books,store\n")
    tx = read_transactions(path)
    assert tx["category"].tolist() == ["home", "books"] and tx["channel"].tolist() == ["web", "store"]
    assert "column 'Product Category' used as 'category'" in ledger_of(tx).notes
    customers = read_customers(write(tmp_path, "crm.csv", "Customer ID,Town\nC1,Pune\nC2,Dhaka\n"))
    assert customers["city"].tolist() == ["Pune", "Dhaka"]
    feedback = read_feedback(write(tmp_path, "survey.csv", "Customer ID,Response Date,NPS,Survey Channel\n"
                                   "C1,2024-02-01,9,email\n"))
    assert feedback["channel"].tolist() == ["email"]


def test_utf8_bom_tab_delimited_indian_grouping(tmp_path):
    path = write(tmp_path, "tx.tsv", "\ufeffcustomer_id\tdate\tamount\nC1\t2024-03-05\t₹1,00,000.50\n"
                                     "C2\t2024-03-06\tRs. 2,50,000\n")
    tx = read_transactions(path)
    assert tx["amount"].tolist() == [100000.5, 250000.0]
    assert tx["customer_id"].dtype == "string"


@pytest.mark.parametrize("raw, expected", [
    ("$1,234.50", 1234.5), ("€ 12", 12.0), ("£0.99", 0.99), ("৳ 1,500", 1500.0), ("(12.50)", -12.5),
    ("-7", -7.0), ("INR 10,00,000", 1000000.0), ("1 234.5", 1234.5),
])
def test_amount_formats(raw, expected):
    tx = read_transactions(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [raw]}))
    assert tx["amount"].iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["2024-01-31", "31/01/2024", "01/31/2024", "20240131", "31 Jan 2024",
                                 "Jan 31, 2024", "31.01.2024", "2024-01-31 14:05:00"])
def test_date_formats(raw):
    tx = read_transactions(pd.DataFrame({"customer_id": ["a"], "date": [raw], "amount": [1]}))
    assert tx["date"].iloc[0].normalize() == pd.Timestamp("2024-01-31")


def test_ambiguous_day_month_is_read_day_first_and_noted():
    tx = read_transactions(pd.DataFrame({"customer_id": ["a", "b"], "date": ["03/04/2024", "05/06/2024"],
                                         "amount": [1, 2]}))
    assert tx["date"].iloc[0] == pd.Timestamp("2024-04-03")
    assert any("day-first" in n for n in ledger_of(tx).notes)


def test_parquet_and_excel(tmp_path):
    frame = pd.DataFrame({"customer_id": ["a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                          "amount": [1.5, 2.5]})
    frame.to_parquet(tmp_path / "t.parquet")
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    for name in ("t.parquet", "t.xlsx"):
        tx = read_transactions(tmp_path / name)
        assert tx["amount"].tolist() == [1.5, 2.5]
        assert tx["customer_id"].tolist() == ["a", "b"]


# ------------------------------------------------------------------ one clear error per case

def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert "\n" not in message  # one line, for the command line
    return message


def test_missing_file(tmp_path):
    assert "file not found" in error_of(read_transactions, tmp_path / "nope.csv")


def test_directory(tmp_path):
    assert "is a directory" in error_of(read_transactions, tmp_path)


def test_empty_file(tmp_path):
    assert "empty" in error_of(read_transactions, write(tmp_path, "e.csv", ""))


def test_header_without_rows(tmp_path):
    msg = error_of(read_transactions, write(tmp_path, "h.csv", "customer_id,date,amount\n"))
    assert "h.csv" in msg and "no rows" in msg


def test_missing_required_column_suggests_the_closest(tmp_path):
    msg = error_of(read_transactions, write(tmp_path, "m.csv", "customer_id,date,amont\na,2024-01-01,3\n"))
    assert "'amount'" in msg and "Did you mean 'amont'" in msg and "m.csv" in msg


def test_headers_that_say_what_they_hold_are_read_and_noted(tmp_path):
    """A stranger's export: "Txn Date", "Amount (Rs)", "Bill No" and "Client Code" are in no alias list."""
    path = write(tmp_path, "s.csv", "Bill No,Client Code,Customer Name,Txn Date,Amount (Rs)\nB1,C1,Asha,2024-01-05,10\n")
    tx = read_transactions(path)
    assert {"order_id", "customer_id", "date", "amount"} <= set(tx.columns)
    assert tx["customer_id"].tolist() == ["C1"]  # never the name column
    assert "Customer Name" not in tx.columns
    notes = ledger_of(tx).notes
    assert {"column 'Txn Date' used as 'date'", "column 'Amount (Rs)' used as 'amount'",
            "column 'Bill No' used as 'order_id'", "column 'Client Code' used as 'customer_id'"} <= set(notes), notes


def test_hindi_and_bengali_headers_and_digits_are_read_and_noted(tmp_path):
    """A Dhaka shop's register (Bengali headers, amounts and dates in Bengali digits) and a Hindi one: before,
    both were refused with "columns 'customer_id', 'date', 'amount' missing"; Bengali digits in amounts were
    "not numbers"."""
    bn = write(tmp_path, "bn.csv", "চালান নং,গ্রাহক আইডি,গ্রাহকের নাম,তারিখ,মোট টাকা,পণ্যের ধরন\n"
               "M1,BD-7,রহিম,০১/০৭/২০২৪,\"৳ ১,২০০.৫০\",শাড়ি\nM2,BD-7,রহিম,15/07/2024,৯৯,মুদি\n")
    tx = read_transactions(bn)
    assert tx["amount"].tolist() == [1200.5, 99.0]
    assert tx["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-07-01", "2024-07-15"]
    assert tx["customer_id"].tolist() == ["BD-7", "BD-7"] and tx["category"].tolist() == ["শাড়ি", "মুদি"]
    assert "column 'গ্রাহক আইডি' used as 'customer_id'" in ledger_of(tx).notes  # the name column is never the id
    hi = write(tmp_path, "hi.csv", "बिल सं.,ग्राहक कोड,दिनांक,कुल मूल्य,इकाई मूल्य\nB1,C9,०५/०१/२०२४,१२५०,250\n")
    tx = read_transactions(hi)
    assert tx[["order_id", "customer_id", "amount"]].iloc[0].tolist() == ["B1", "C9", 1250.0]  # not the unit price
    survey = write(tmp_path, "s.csv", "গ্রাহক আইডি,তারিখ,সুপারিশের সম্ভাবনা (০-১০),মন্তব্য\nBD-7,2024-07-20,৯,ভালো\n")
    answers = read_feedback(survey)
    assert answers[["nps", "comment"]].iloc[0].tolist() == [9, "ভালো"]


@pytest.mark.parametrize("header", ["Net Total (₹)", "Grand Total", "Total (Tk)", "Total (৳)", "कुल (रु)", "Subtotal"])
def test_a_total_of_money_is_the_amount_and_a_total_quantity_is_not(tmp_path, header):
    """Point-of-sale exports name the bill's money "Net Total (₹)" or "Grand Total": before, the file was refused
    with "column 'amount' missing" although it said what it held. "Total Quantity" stays a quantity."""
    path = write(tmp_path, "pos.csv", f"Bill No,Customer ID,Date,Total Quantity,{header}\nB1,C1,2024-01-05,3,450\n")
    tx = read_transactions(path)
    assert tx["amount"].tolist() == [450.0] and tx["quantity"].tolist() == [3]
    assert f"column '{header}' used as 'amount'" in ledger_of(tx).notes


def test_a_total_quantity_alone_is_not_taken_for_the_amount(tmp_path):
    msg = error_of(read_transactions, write(tmp_path, "q.csv", "customer_id,date,Total Quantity\na,2024-01-01,3\n"))
    assert "column 'amount' missing" in msg and "'quantity'" in msg  # read as the quantity, not the amount


def test_headers_crmlib_cannot_read_are_named_when_a_report_needs_a_column(tmp_path):
    from crmlib.reports import feedback_page

    path = write(tmp_path, "s.csv", "customer_id,date,Would you come back?\na,2024-01-05,yes\n")
    with pytest.raises(DataError) as err:
        feedback_page.build(feedback=str(path), output_dir=tmp_path / "out")
    assert "Not used from the file: 'Would you come back?'" in str(err.value)


def test_two_headers_that_could_be_the_date_are_not_guessed(tmp_path):
    msg = error_of(read_transactions, write(tmp_path, "two.csv", "customer_id,Txn Date,Ship Date,amount\na,2024-01-01,2024-01-03,3\n"))
    assert "'Txn Date', 'Ship Date' could each be 'date'" in msg and "will not guess" in msg


def test_a_missing_date_is_not_matched_to_category(tmp_path):
    """'category' shares three letters with 'date': it was offered as "Did you mean 'category'?"."""
    msg = error_of(read_transactions, write(tmp_path, "c.csv", "customer_id,when,amount,category\na,2024-01-01,3,x\n"))
    assert "Name it 'date'" in msg and "Did you mean" not in msg


def test_several_missing_columns_get_one_sentence_and_the_command_line_its_own(tmp_path):
    """Before: "Name it 'customer_id'. Name it 'date'. Name it 'amount'." """
    from crmlib.reports.checks import for_command_line

    msg = error_of(read_transactions, write(tmp_path, "abc.csv", "a,b,c\nx,1,2\n"))
    assert msg.count("Name") == 1 and "Name the columns that hold them 'customer_id', 'date', 'amount'" in msg
    assert msg.endswith("or pass columns={'your name': 'customer_id', ...}.")
    assert for_command_line(msg).endswith("or their Hindi and Bengali words, are read too).")


def test_a_file_naming_customers_only_by_email_says_how_to_key_on_it(tmp_path):
    """A Shopify orders export has no customer id, only 'Email' (and 'Billing Phone'): crmlib never keys on contact
    details by itself, but says which column could be the id and how."""
    from crmlib.reports.checks import for_command_line

    path = write(tmp_path, "orders_export.csv", "Name,Email,Paid at,Total,Billing Phone\n"
                 "#1001,asha@example.com,2024-01-05 14:03:22 +0530,1299.00,+919876543210\n")
    msg = error_of(read_transactions, path)
    assert "column 'customer_id' missing" in msg and "'Email' may name the customers" in msg
    assert msg.endswith("Pass columns={'Email': 'customer_id'}.") and "asha" not in msg
    assert for_command_line(msg).endswith("To key customers on it, rename that header to 'customer_id' in the file.")
    tx = read_transactions(path, columns={"Email": "customer_id"})
    assert tx["date"].tolist() == [pd.Timestamp("2024-01-05 14:03:22")] and tx["amount"].tolist() == [1299.0]


def test_unparsable_date_names_row_and_value(tmp_path):
    path = write(tmp_path, "d.csv", "customer_id,date,amount\na,2024-01-01,1\nb,yesterday,2\n")
    msg = error_of(read_transactions, path)
    assert "d.csv" in msg and "'date'" in msg and "row 3" in msg and "'yesterday'" in msg


@pytest.mark.parametrize("value, words", [("abc", "not numbers"), ("", "empty or NaN"), ("NaN", "empty or NaN"),
                                          ("inf", "infinite"), ("-Infinity", "infinite")])
def test_bad_amounts(tmp_path, value, words):
    """Blank amounts are refused only on request (blank_amounts="refuse"); tests/test_blank_amounts.py
    covers the default, which drops and counts them."""
    path = write(tmp_path, "a.csv", f"customer_id,date,amount\na,2024-01-01,1\nb,2024-01-02,{value}\n")
    msg = error_of(lambda p: read_transactions(p, blank_amounts="refuse"), path)
    assert "'amount'" in msg and words in msg and "row 3" in msg


def test_all_problems_of_a_file_in_one_message(tmp_path):
    path = write(tmp_path, "x.csv", "customer_id,date,amount\na,never,1\nb,2024-01-02,lots\n")
    msg = error_of(read_transactions, path)
    assert "'date'" in msg and "'amount'" in msg


@pytest.mark.parametrize("column, value", [("nps", "11"), ("nps", "-1"), ("csat", "0"), ("csat", "6"),
                                           ("ces", "8"), ("nps", "7.5")])
def test_feedback_scores_out_of_range(tmp_path, column, value):
    path = write(tmp_path, "f.csv", f"customer_id,date,{column}\na,2024-01-01,{value}\n")
    msg = error_of(read_feedback, path)
    assert f"'{column}'" in msg and "row 2" in msg and value in msg


def test_ragged_rows(tmp_path):
    path = write(tmp_path, "r.csv", "customer_id,date,amount\na,2024-01-01,1\nb,2024-01-02,2,extra,x\n")
    assert "r.csv" in error_of(read_transactions, path)


def test_conflicting_customer_rows(tmp_path):
    path = write(tmp_path, "c.csv", "customer_id,city\na,Pune\na,Delhi\n")
    msg = error_of(read_customers, path)
    assert "'a'" in msg and "row 2" in msg


def test_unknown_columns_mapping(tmp_path):
    path = write(tmp_path, "t.csv", "customer_id,date,amount\na,2024-01-01,1\n")
    assert "'Datum'" in error_of(read_transactions, path, columns={"Datum": "date"})


# ------------------------------------------------------------------ nothing lost silently

def test_ledger_counts_every_dropped_and_flagged_row(tmp_path):
    path = write(tmp_path, "l.csv", "customer_id,date,amount\n"
                                    "a,2024-01-01,10\n"
                                    "a,2024-01-01,10\n"       # exact duplicate
                                    ",2024-01-02,5\n"         # no customer
                                    "b,2024-01-03,-4\n"       # return
                                    "b,2024-01-04,0\n"        # zero amount
                                    "c,2025-06-01,9\n")       # after observation end
    tx = read_transactions(path, observation_end="2024-12-31")
    ledger = ledger_of(tx)
    counts = {e.reason: (e.rows, e.action, e.examples) for e in ledger.entries}
    assert counts["exact duplicate row"] == (1, "kept", [3])  # no transaction id: two real purchases
    assert counts["no customer_id"] == (1, "dropped", [4])
    assert counts["date after observation end"] == (1, "dropped", [7])
    assert counts["return or refund (negative amount)"] == (1, "flagged", [5])
    assert counts["zero amount"] == (1, "flagged", [6])
    assert ledger.rows_read == 6 and ledger.rows_kept == len(tx) == 4
    assert tx["is_return"].tolist() == [False, False, True, False]


def test_feedback_comments_are_redacted_on_read_and_counted(tmp_path):
    path = write(tmp_path, "fb.csv", "customer_id,date,nps,comment\n"
                                     "a,2024-01-01,9,great service\n"
                                     "b,2024-01-02,3,call me on +91 98765 43210 or mail x.y@example.com\n")
    fb = read_feedback(path)
    assert "98765" not in fb["comment"].iloc[1] and "example.com" not in fb["comment"].iloc[1]
    assert fb["nps"].tolist() == [9, 3]
    entry = next(e for e in ledger_of(fb).entries if e.reason == "email or phone in comment")
    assert entry.rows == 1 and entry.examples == [3]


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(-10**7, 10**7)), min_size=1, max_size=30),
       st.sampled_from(["₹", "$", "", "Rs "]))
def test_amounts_round_trip_through_thousands_separators(rows, symbol):
    """Property: any amount written with a currency symbol and thousands separators reads back exactly."""
    def fmt(cents):
        sign = "-" if cents < 0 else ""
        return f"{sign}{symbol}{abs(cents) / 100:,.2f}"
    frame = pd.DataFrame({"customer_id": [r[0] for r in rows], "date": "2024-01-01",
                          "amount": [fmt(r[1]) for r in rows]})
    tx = read_transactions(frame, duplicates="keep")
    assert np.allclose(tx["amount"], [r[1] / 100 for r in rows])
    assert not any(math.isnan(v) for v in tx["amount"])


# ------------------------------------------------------------------ found in review

@pytest.mark.parametrize("values, bad", [(["1.234.567,89", "10.50"], "'10.50'"), (["1,234", "12,5"], "'12,5'"),
                                         (["1,00,000.50", "2,50"], "'2,50'"), (["1,2,3"], "'1,2,3'")])
def test_amounts_in_two_conventions_are_refused_not_misread(values, bad):
    frame = pd.DataFrame({"customer_id": ["a"] * len(values), "date": "2024-01-01", "amount": values})
    msg = error_of(read_transactions, frame)
    assert bad in msg and "this column's format" in msg


def test_line_items_differing_in_another_column_are_not_duplicates(tmp_path):
    path = write(tmp_path, "items.csv", "customer_id,date,amount,sku\na,2024-01-05,10,SKU1\na,2024-01-05,10,SKU2\n"
                                        "a,2024-01-05,5,SKU3\na,2024-01-05,5,SKU3\n")
    tx = read_transactions(path)
    assert tx["amount"].sum() == 30  # the repeated SKU3 line is kept: no order id to call it a copy
    assert [(e.rows, e.action) for e in ledger_of(tx).entries if e.reason == "exact duplicate row"] == [(1, "kept")]
    assert read_transactions(path, duplicates="drop")["amount"].sum() == 25
    assert any("'sku'" in n for n in ledger_of(tx).notes)  # the column left out is named


def test_observation_end_keeps_its_whole_day(tmp_path):
    path = write(tmp_path, "t.csv", "customer_id,date,amount\na,2024-01-29 10:00,20\na,2024-01-30 09:00,5\n")
    tx = read_transactions(path, observation_end="2024-01-29")
    assert tx["amount"].tolist() == [20.0]
    assert "not a date" in error_of(read_transactions, path, observation_end="2024-13-01")


def test_one_stray_cp1252_byte_does_not_garble_the_utf8_lines(tmp_path):
    text = "customer_id,date,nps,comment\na,2024-01-01,9,डिलीवरी समय पर\nb,2024-01-02,3,caf\xe9 was late\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.replace("caf\xe9", "CAFE").encode("utf-8").replace(b"CAFE", b"caf\xe9"))
    fb = read_feedback(path)
    assert fb["comment"].tolist() == ["डिलीवरी समय पर", "café was late"]
    assert any("line(s) are not UTF-8" in n and "lines 3" in n for n in ledger_of(fb).notes)


def test_utf16_and_compressed_exports(tmp_path):
    import gzip
    content = "customer_id\tdate\tamount\nC1\t2024-03-05\t₹1,200\n"
    (tmp_path / "u16.txt").write_bytes(content.encode("utf-16"))
    (tmp_path / "t.csv.gz").write_bytes(gzip.compress(content.encode("utf-8")))
    for name in ("u16.txt", "t.csv.gz"):
        assert read_transactions(tmp_path / name)["amount"].tolist() == [1200.0]


def test_time_zone_offsets_keep_the_local_time():
    tx = read_transactions(pd.DataFrame({"customer_id": ["a", "b"], "amount": [1, 2],
                                         "date": ["2024-01-05T02:00:00+05:30", "2024-01-06T10:00:00Z"]}))
    assert tx["date"].tolist() == [pd.Timestamp("2024-01-05 02:00"), pd.Timestamp("2024-01-06 10:00")]
    assert any("time-zone" in n for n in ledger_of(tx).notes)


def test_two_columns_for_one_name_are_refused(tmp_path):
    path = write(tmp_path, "two.csv", "customer_id,Customer ID,date,amount\na,b,2024-01-01,1\n")
    msg = error_of(read_transactions, path)
    assert "'customer_id'" in msg and "'Customer ID'" in msg


def test_the_most_specific_alias_wins(tmp_path):
    path = write(tmp_path, "al.csv", "Customer,Customer Number,Order Date,Revenue\nAsha Rao,C001,2024-01-01,5\n")
    tx = read_transactions(path)
    assert tx["customer_id"].tolist() == ["C001"]


def test_dataframe_with_text_index_reports_labels():
    frame = pd.DataFrame({"customer_id": ["a", "b"], "date": "2024-01-01", "amount": [5, -2]}, index=["o1", "o2"])
    entry = next(e for e in ledger_of(read_transactions(frame)).entries if e.action == "flagged")
    assert entry.examples == ["o2"]


def test_trailing_delimiter_and_blank_lines_keep_columns_and_row_numbers(tmp_path):
    path = write(tmp_path, "tr.csv", "customer_id,date,amount\na,2024-01-05,10,\n\nb,2024-01-06,x,\n")
    msg = error_of(read_transactions, path)
    assert "row 4: 'x'" in msg


def test_year_month_alone_is_not_a_date():
    assert "not dates" in error_of(read_transactions, pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["2024-01-05", "2024-02"], "amount": [1, 2]}))


def test_ambiguous_dashed_dates_are_noted():
    tx = read_transactions(pd.DataFrame({"customer_id": ["a"], "date": ["01-02-2024"], "amount": [1]}))
    assert tx["date"].iloc[0] == pd.Timestamp("2024-02-01")
    assert any("day-first" in n for n in ledger_of(tx).notes)


def test_whole_number_float_ids_read_as_integers(tmp_path):
    pd.DataFrame({"customer_id": [1.0, 2.0], "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                  "amount": [1.0, 2.0]}).to_parquet(tmp_path / "f.parquet")
    assert read_transactions(tmp_path / "f.parquet")["customer_id"].tolist() == ["1", "2"]


# ------------------------------------------------------------------ issues 9 and 10

LOADERS = {"transactions": (read_transactions, "customer_id,date,amount\nC1,2024-01-01,5\nC2,{},10\n", "date"),
           "customers": (read_customers, "customer_id,signup_date\nC1,2024-01-01\nC2,{}\n", "signup_date"),
           "feedback": (read_feedback, "customer_id,date,nps\nC1,2024-01-01,9\nC2,{},10\n", "date")}


@pytest.mark.parametrize("table", LOADERS)
@pytest.mark.parametrize("value", ["2300-01-05", "9999-12-31", "1500-01-01", "1899-12-31", "0001-01-01"])
def test_dates_outside_1900_2100_are_refused_not_wrapped(tmp_path, table, value):
    """pandas 3 parses to microseconds; a cast to nanoseconds used to wrap 2300-01-05 to 1715-06-17."""
    load, text, column = LOADERS[table]
    msg = error_of(load, write(tmp_path, "d.csv", text.format(value)))
    assert "d.csv" in msg and f"'{column}'" in msg and f"row 3: '{value}'" in msg
    assert "1900-01-01 to 2100-12-31" in msg


def test_dates_at_the_ends_of_the_range_are_read_as_nanosecond_dates(tmp_path):
    tx = read_transactions(write(tmp_path, "e.csv", "customer_id,date,amount\na,1900-01-01,1\n"
                                                    "b,2100-12-31 23:59:59,2\n"))
    assert tx["date"].dtype == "datetime64[ns]"
    assert tx["date"].tolist() == [pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31 23:59:59")]


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
def test_out_of_range_datetimes_from_parquet_and_dataframes_are_a_data_error(tmp_path, unit):
    dates = pd.Series(pd.to_datetime(["2024-01-01", "1500-01-01", "2262-04-12"]).as_unit(unit)) \
        if unit != "us" else pd.Series([pd.Timestamp("2024-01-01"), pd.Timestamp("1500-01-01"),
                                        pd.Timestamp("2262-04-12")]).astype("datetime64[us]")
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "date": dates, "amount": [1.0, 2.0, 3.0]})
    msg = error_of(read_transactions, frame)
    assert "index 1: '1500-01-01'" in msg and "index 2: '2262-04-12'" in msg
    frame.to_parquet(tmp_path / "old.parquet")
    msg = error_of(read_transactions, tmp_path / "old.parquet")
    assert "old.parquet" in msg and "row 3: '1500-01-01'" in msg


def test_time_zone_aware_datetimes_keep_local_time_as_ns():
    frame = pd.DataFrame({"customer_id": ["a"], "amount": [1.0],
                          "date": [pd.Timestamp("2024-01-05 02:00", tz="Asia/Kolkata")]})
    tx = read_transactions(frame)
    assert tx["date"].dtype == "datetime64[ns]" and tx["date"].iloc[0] == pd.Timestamp("2024-01-05 02:00")


def workbook(path, sheets):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


HEADER = ["customer_id", "date", "amount"]


def test_a_workbook_with_several_sheets_is_refused_naming_them(tmp_path):
    path = workbook(tmp_path / "book.xlsx", {"Jan": [HEADER, ["a", "2024-01-05", 10]],
                                              "Feb": [HEADER, ["b", "2024-02-05", 20], ["c", "2024-02-06", 5]],
                                              "Notes": []})
    msg = error_of(read_transactions, path)
    assert "book.xlsx" in msg and "'Jan' (1 row(s)), 'Feb' (2 row(s))" in msg and "'Notes'" not in msg
    assert "sheet='Jan'" in msg
    tx = read_transactions(path, sheet="Feb")
    assert tx["amount"].tolist() == [20.0, 5.0]
    led = ledger_of(tx)
    assert led.source == "[book.xlsx]Feb" and led.rows_read == 2
    assert "read sheet 'Feb' of 3; not read: 'Jan', 'Notes'; of these, empty: 'Notes'" in led.notes
    assert read_transactions(path, sheet=0)["customer_id"].tolist() == ["a"]
    assert "'Jan', 'Feb', 'Notes'" in error_of(read_transactions, path, sheet="Mar")
    assert "position" in error_of(read_transactions, path, sheet=5)


def test_a_workbook_with_one_sheet_of_data_is_read_and_its_blank_rows_skipped(tmp_path):
    path = workbook(tmp_path / "one.xlsx", {"Data": [HEADER, ["a", "2024-01-05", 10], [], ["b", "2024-01-06", 5]],
                                             "Empty": []})
    tx = read_transactions(path)
    assert tx["amount"].tolist() == [10.0, 5.0]
    assert any("blank" in n for n in ledger_of(tx).notes)
    assert "Excel" in error_of(read_transactions, write(tmp_path, "t.csv", "customer_id,date,amount\na,2024-01-01,1\n"),
                               sheet="Data")


@pytest.mark.parametrize("value", ["inf", "-inf", "1e20", "1e400", "Infinity", "99999999999999999999999"])
def test_feedback_scores_that_overflow_are_a_data_error_naming_the_row(tmp_path, value):
    """The cast to integers used to run before the range check: OverflowError or TypeError."""
    path = write(tmp_path, "f.csv", f"customer_id,date,nps,csat\na,2024-01-01,9,4\nb,2024-01-02,{value},{value}\n")
    msg = error_of(read_feedback, path)
    assert "'nps'" in msg and "'csat'" in msg and f"row 3: '{value}'" in msg


@pytest.mark.parametrize("value", ["inf", "1e400", "-1e999", "9" * 400])
def test_amounts_and_quantities_that_overflow_are_a_data_error(tmp_path, value):
    path = write(tmp_path, "q.csv", "customer_id,date,amount,quantity\na,2024-01-01,5,1\n"
                                    f"b,2024-01-02,{value},{value}\n")
    msg = error_of(read_transactions, path)
    assert "'amount'" in msg and "'quantity'" in msg and "row 3" in msg and "too large" in msg
    assert len(msg) < 700  # long values are cut


def test_huge_float_ids_from_parquet_stay_text(tmp_path):
    frame = pd.DataFrame({"customer_id": [1e20, np.inf], "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                          "amount": [1.0, 2.0]})
    assert read_transactions(frame)["customer_id"].tolist() == ["1e+20", "inf"]


# ------------------------------------------------------------------ duplicates

def test_duplicate_rows_without_a_transaction_id_are_kept_and_counted(tmp_path):
    path = write(tmp_path, "log.csv", "customer_id,date,amount\na,2024-01-01,10\na,2024-01-01,10\n"
                                      "a,2024-01-01,10\nb,2024-01-02,4\n")
    tx = read_transactions(path)
    assert tx["amount"].sum() == 34
    entry = next(e for e in ledger_of(tx).entries if e.reason == "exact duplicate row")
    assert (entry.rows, entry.action, entry.examples) == (2, "kept", [3, 4])
    assert "no transaction id" in entry.detail and "duplicates option" in entry.detail
    dropped = read_transactions(path, duplicates="drop")
    assert dropped["amount"].sum() == 14 and ledger_of(dropped).rows_dropped == 2


def test_a_repeated_transaction_id_with_an_identical_row_is_dropped(tmp_path):
    path = write(tmp_path, "orders.csv", "Invoice,customer_id,date,amount\n"
                                         "1001,a,2024-01-01,10\n1001,a,2024-01-01,10\n"  # exported twice
                                         ",b,2024-01-02,4\n,b,2024-01-02,4\n"            # no id: kept
                                         "1002,c,2024-01-03,7\n")
    tx = read_transactions(path)
    entries = {e.action: (e.rows, e.examples) for e in ledger_of(tx).entries if e.reason == "exact duplicate row"}
    assert entries == {"dropped": (1, [3]), "kept": (1, [5])}
    assert tx["amount"].sum() == 25 and len(tx) == ledger_of(tx).rows_kept == 4
    assert len(read_transactions(path, duplicates="keep")) == 5
    assert "'auto', 'keep', 'drop'" in error_of(read_transactions, path, duplicates="yes")


@pytest.mark.slow
def test_cdnow_read_through_the_loader_keeps_its_255_duplicate_rows():
    """CDNOW (Fader, Hardie & Lee 2005) has no transaction id: its 255 identical rows are real
    purchases. Kept, the loader's revenue equals the file's total to the cent."""
    from crmlib.config import CDNOW_DIR

    raw = pd.read_csv(CDNOW_DIR / "CDNOW_master.txt", sep=r"\s+", header=None, skiprows=1, dtype=str,
                      names=["customer_id", "date", "quantity", "amount"])
    tx = read_transactions(raw)
    entry = next(e for e in ledger_of(tx).entries if e.reason == "exact duplicate row")
    assert (entry.rows, entry.action) == (255, "kept") and len(tx) == len(raw) == 69659
    assert tx["amount"].sum() == pytest.approx(raw["amount"].astype(float).sum(), abs=0.005)
    lost = read_transactions(raw, duplicates="drop")
    assert tx["amount"].sum() - lost["amount"].sum() == pytest.approx(4333, abs=1)


# ------------------------------------------------------------------ file-level guards

@pytest.mark.slow
def test_zip_bomb_is_refused_quickly_without_holding_it(tmp_path):
    import time
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    parts = [packer.compress(b"customer_id,date,amount\n")]
    parts += [packer.compress(b"0" * (1 << 24)) for _ in range(8)]  # 128 MiB of zeros in ~130 KB
    (tmp_path / "bomb.csv.gz").write_bytes(b"".join(parts) + packer.flush())
    started = time.perf_counter()
    msg = error_of(read_transactions, tmp_path / "bomb.csv.gz")
    assert time.perf_counter() - started < 10
    assert "bomb.csv.gz" in msg and "zip bombs" in msg and "CRMLIB_MAX_DECOMPRESSED_BYTES" in msg


def test_decompressed_size_limit_can_be_set(tmp_path, monkeypatch):
    import gzip
    import zipfile

    content = ("customer_id,date,amount\n" + "a,2024-01-01,1\n" * 200).encode()
    (tmp_path / "t.csv.gz").write_bytes(gzip.compress(content))
    with zipfile.ZipFile(tmp_path / "t.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("t.csv", content)
    monkeypatch.setenv("CRMLIB_MAX_DECOMPRESSED_BYTES", "1000")
    for name in ("t.csv.gz", "t.zip"):
        assert "more than 1,000 bytes" in error_of(read_transactions, tmp_path / name)
    monkeypatch.setenv("CRMLIB_MAX_DECOMPRESSED_BYTES", "1_000_000")
    assert len(read_transactions(tmp_path / "t.csv.gz")) == 200
    monkeypatch.setenv("CRMLIB_MAX_DECOMPRESSED_BYTES", "lots")
    assert "positive whole number" in error_of(read_transactions, tmp_path / "t.zip")


def test_a_repeated_header_is_refused_when_used_and_noted_when_not(tmp_path):
    msg = error_of(read_transactions, write(tmp_path, "aa.csv", "customer_id,date,amount,amount\na,2024-01-01,1,2\n"))
    assert "aa.csv" in msg and "the header 'amount' appears 2 times (columns 3, 4" in msg
    assert "'Revenue' appears 2 times" in error_of(
        read_transactions, write(tmp_path, "rv.csv", "customer_id,date,Revenue,Revenue\na,2024-01-01,1,2\n"))
    twice = pd.DataFrame([["a", "2024-01-01", 1, 2]], columns=["customer_id", "date", "amount", "amount"])
    assert "'amount' appears 2 times" in error_of(read_transactions, twice)
    tx = read_transactions(write(tmp_path, "x.csv", "customer_id,date,amount,note,note\na,2024-01-01,1,x,y\n"))
    assert any("'note' appears 2 times" in n for n in ledger_of(tx).notes)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_read(tmp_path, encoding):
    path = tmp_path / "u.txt"
    path.write_bytes("customer_id\tdate\tamount\nC1\t2024-03-05\t₹1,200\nC2\t2024-03-06\t5\n".encode(encoding))
    tx = read_transactions(path)
    assert tx["amount"].tolist() == [1200.0, 5.0]
    assert any("without a byte-order mark" in n for n in ledger_of(tx).notes)


def test_binary_file_with_a_text_name_is_refused(tmp_path):
    frame = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1]})
    frame.to_excel(tmp_path / "real.xlsx", index=False)
    (tmp_path / "renamed.csv").write_bytes((tmp_path / "real.xlsx").read_bytes())
    msg = error_of(read_transactions, tmp_path / "renamed.csv")
    assert "renamed.csv" in msg and "Excel" in msg


def test_a_folder_is_named_as_such(tmp_path):
    (tmp_path / "orders.csv").write_text("customer_id,date,amount\n")
    msg = error_of(read_transactions, tmp_path)
    assert "is a directory (a folder), not a file" in msg and "'orders.csv'" in msg and "does not exist" not in msg


def test_values_shown_in_messages_are_redacted():
    msg = error_of(read_customers, pd.DataFrame({"customer_id": ["ravi@example.com", "ravi@example.com"],
                                                 "city": ["Pune", "Delhi"]}))
    assert "ravi@example.com" not in msg and "[email]" in msg
    msg = error_of(read_transactions, pd.DataFrame({"customer_id": ["a"], "date": ["+91 98765 43210"], "amount": [1]}))
    assert "98765" not in msg and "[phone]" in msg


def test_delimiters_inside_quoted_comments_do_not_fool_the_sniffer(tmp_path):
    """Found by the fuzz test: comments full of ';' and '|' made csv.Sniffer pick the wrong delimiter."""
    path = write(tmp_path, "fb.csv", 'comment,date,customer_id\n"a;b;c|d|e;f",2024-01-01,C1\n'
                                     '";;||;;",2024-01-02,C2\n"x; y | z",2024-01-03,C3\n')
    assert read_feedback(path)["customer_id"].tolist() == ["C1", "C2", "C3"]


def test_rows_of_spaces_only_are_blank_lines(tmp_path):
    path = write(tmp_path, "sp.csv", 'customer_id,date,amount\na,2024-01-01,1\n" ", ," "\nb,2024-01-02,2\n')
    tx = read_transactions(path)
    assert len(tx) == ledger_of(tx).rows_read == 2 and "1 blank line(s) skipped" in ledger_of(tx).notes


def test_headerless_file_is_named_as_such_and_its_first_row_is_not_repeated(tmp_path):
    """A file without a header row: its first row is a customer's data (here a name), so the message
    says the header is missing and where the data-like values are, and repeats none of the row."""
    path = tmp_path / "orders.csv"
    path.write_text("C001,Rahul Sharma,2024-01-05,100.5\nC002,Asha Rao,2024-01-06,20\n")
    with pytest.raises(DataError) as err:
        read_transactions(path)
    message = str(err.value)
    assert "orders.csv" in message and "no header row" in message
    assert "a date in column 3" in message and "a number in column 4" in message
    assert "Rahul" not in message and "C001" not in message and "100.5" not in message


@pytest.mark.slow
def test_workbook_that_would_expand_past_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """An .xlsx is a zip archive: a workbook bomb is refused from its members' declared sizes, as a
    .zip export is, before the Excel reader holds any of it."""
    frame = pd.DataFrame({"customer_id": ["a"] * 2000, "date": ["2024-01-05"] * 2000, "amount": [1.0] * 2000})
    frame.to_excel(tmp_path / "big.xlsx", index=False)
    monkeypatch.setenv("CRMLIB_MAX_DECOMPRESSED_BYTES", "10000")
    with pytest.raises(DataError, match=r"big\.xlsx: the workbook would expand to [\d,]+ bytes.*CRMLIB_MAX_DECOMPRESSED_BYTES"):
        read_transactions(tmp_path / "big.xlsx")
    monkeypatch.setenv("CRMLIB_MAX_DECOMPRESSED_BYTES", "100000000")
    assert len(read_transactions(tmp_path / "big.xlsx")) == 2000


# ----------------------------------------------------------------------------- issue 18, smaller findings

def test_amounts_of_one_customer_adding_up_beyond_the_largest_float_are_refused_naming_rows(tmp_path):
    """Two amounts of 1e308 on one day summed to inf, and monetary_value became NaN without a word."""
    path = tmp_path / "big.csv"
    pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "date": ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-02"],
                  "amount": ["1e308", "1e308", "1.0", "5"]}).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        read_transactions(path)
    message = str(err.value)
    assert message.startswith("big.csv: column 'amount': 3 value(s) belong to 1 customer(s)")
    assert "beyond 1.8e308" in message and "row 2: '1e308', row 3: '1e308', row 4: '1.0'" in message
    assert "row 5" not in message  # the other customer's row is fine


@pytest.mark.parametrize("kind", ["parquet", "frame"])
def test_zoned_times_from_parquet_and_frames_get_the_note_csv_files_get(tmp_path, kind):
    zoned = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0],
                          "date": pd.to_datetime(["2024-01-01 02:00+05:30", "2024-01-02 10:00+05:30"])})
    text = tmp_path / "tx.csv"
    zoned.assign(date=["2024-01-01 02:00+05:30", "2024-01-02 10:00+05:30"]).to_csv(text, index=False)
    source = zoned
    if kind == "parquet":
        source = tmp_path / "tx.parquet"
        zoned.to_parquet(source)
    got, want = read_transactions(source), read_transactions(text)
    note = "time-zone offsets in 'date' were dropped; the local times are kept"
    assert ledger_of(want).notes == [note]
    assert ledger_of(got).notes == [note]
    assert got["date"].tolist() == want["date"].tolist()  # the local day: 2024-01-01, not UTC's 2023-12-31


def test_customers_whose_every_day_nets_to_a_return_are_flagged_in_the_transactions_ledger(tmp_path):
    """They were left out of the segments page's count with no line in its data-quality table."""
    path = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c", "d"],
                  "date": ["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-02", "2024-01-02", "2024-01-04"],
                  "amount": [10.0, -20.0, 5.0, 8.0, -8.0, -3.0]}).to_csv(path, index=False)
    entries = {e.reason: e for e in ledger_of(read_transactions(path)).entries}
    net = entries["customer without a purchase day: returns exceed purchases"]
    assert (net.rows, net.action, net.examples) == (2, "flagged", [2, 3])
    assert net.detail.startswith("1 customer(s): on every day they bought, returns outweighed purchases")
    only = entries["customer with only returns"]
    assert (only.rows, only.action, only.examples) == (1, "flagged", [7])
    assert len(entries) == 3  # c nets to exactly 0 on its day, a purchase day: not flagged


def test_a_device_is_named_as_a_device_not_an_empty_file():
    with pytest.raises(DataError, match=r"^/dev/zero: is a device, not a file crmlib can read\."):
        read_transactions("/dev/zero")


def test_a_permission_error_is_not_called_a_format_problem(tmp_path, monkeypatch):
    from pathlib import Path

    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amount\na,2024-01-01,5\n")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(DataError) as err:
        read_transactions(path)
    message = str(err.value)
    assert "cannot be opened: Permission denied" in message and "permissions" in message
    assert "could not be read as" not in message and "what its name says" not in message


def test_survey_headers_that_say_what_they_hold_are_the_scores(tmp_path):
    path = write(tmp_path, "f.csv", "customer,Response Date,How likely to recommend (0-10),Overall satisfaction (1-5),"
                                    "Satisfaction comments\na,2024-01-05,9,4,fine\n")
    fb = read_feedback(path)
    assert fb[["nps", "csat"]].iloc[0].tolist() == [9, 4]
    assert "column 'Satisfaction comments' used as 'csat'" not in ledger_of(fb).notes  # text, never a score


@pytest.mark.parametrize("header", ["Joined On", "Join Date", "Signup Date", "Registered On", "Member Since",
                                    "Registration Date", "जुड़ने की तारीख", "যোগদানের তারিখ"])
def test_a_header_that_says_joining_beside_a_date_is_the_signup_date(tmp_path, header):
    """Before: only the exact header "joined" was the signup date; a customers file with "Joined On" kept it as
    an attribute, and the overview said "Biggest data-quality issue: 385 customers rows were changed for
    “rare values in 'Joined On'”" and showed a table "customers-by-Joined On.csv" of merged dates."""
    days = [f"{d:02d}/0{1 + d % 9}/2023" for d in range(1, 29)]
    rows = "".join(f"C{i},{['Dhaka', 'Pune'][i % 2]},{day},0171{i:07d}\n" for i, day in enumerate(days))
    cust = read_customers(write(tmp_path, "c.csv", f"Cust Code,City,{header},Mobile No\n" + rows))
    assert pd.api.types.is_datetime64_any_dtype(cust["signup_date"]) and header not in cust.columns
    assert cust["signup_date"].iloc[0] == pd.Timestamp("2023-02-01")
    if header != "Signup Date":  # that one is the column's own name, written with capitals
        assert f"column '{header}' used as 'signup_date'" in [str(n) for n in ledger_of(cust).notes]
    assert not [e for e in ledger_of(cust).entries if e.reason.startswith("rare values")]


def test_other_dates_and_two_signup_headers_are_not_taken_for_the_signup_date(tmp_path):
    """Joining beside a date is the rule: "Last Order Date" and "Registration No" are not the signup date,
    and of "Join Date" and "Joined On" crmlib guesses neither."""
    rows = "".join(f"C{i},0{1 + i % 9}/03/2024,R{i}\n" for i in range(5))
    cust = read_customers(write(tmp_path, "c.csv", "Customer ID,Last Order Date,Registration No\n" + rows))
    assert "signup_date" not in cust.columns and {"Last Order Date", "Registration No"} <= set(cust.columns)
    rows = "".join(f"C{i},0{1 + i % 9}/03/2024,0{1 + i % 9}/04/2024\n" for i in range(5))
    cust = read_customers(write(tmp_path, "d.csv", "Customer ID,Join Date,Joined On\n" + rows))
    assert "signup_date" not in cust.columns and {"Join Date", "Joined On"} <= set(cust.columns)


def test_a_signup_header_without_dates_stays_the_files_own_column(tmp_path):
    """Headers are read as the signup date by their words ("Member Since", "Registered On"); one whose values are
    no dates (years, places) stays as the file wrote it, as before, rather than refusing the file with
    "column 'signup_date': ... are not dates". A real signup column with a slip keeps the customer without a signup
    date (tests/test_signup_slips.py); a date in another format is still refused, naming the file's header."""
    for header, values in (("Member Since", ("2019", "2020", "2019")), ("Registered On", ("App", "Web", "Web"))):
        rows = "".join(f"C{i},{v}\n" for i, v in enumerate(values))
        cust = read_customers(write(tmp_path, "c.csv", f"Customer ID,{header}\n" + rows))
        assert "signup_date" not in cust.columns and cust[header].astype(str).tolist() == list(values)
        assert not [n for n in ledger_of(cust).notes if "signup_date" in n]
    days = "".join(f"C{i},{1 + i:02d}/03/2024\n" for i in range(9))
    with pytest.raises(DataError, match=r"column 'Joined On': 1 value\(s\) are dates in another format .*'2024-03-10'"):
        read_customers(write(tmp_path, "d.csv", "Customer ID,Joined On\n" + days + "C9,2024-03-10\n"))


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_the_data_quality_table_names_a_column_by_the_files_own_header(tmp_path, lang):
    """A reviewer's survey with a "Comments" column: the page's data-quality row said "email or phone in comment"
    (Bengali: "comment-এ ইমেল বা ফোন"), crmlib's name, not the one in the analyst's file."""
    from crmlib.formats import Formats
    from crmlib.words import Words
    from crmlib.words.quality import ledger_frame, ledger_table

    path = write(tmp_path, "survey.csv", "customer_id,date,nps,Comments\n"
                 "a,2024-01-05,9,call me on 98765 43210\nb,2024-01-06,3,slow delivery\n")
    answers = read_feedback(path)
    frame = ledger_frame(answers)
    phone = frame[frame["key"] == "email or phone in {column}"]
    assert phone["fields"].map(lambda f: f["column"]).tolist() == ["Comments"]
    reasons = ledger_table(frame, w=Words(lang), fmt=Formats(lang))["reason"]
    assert reasons.str.contains("Comments").any() and not reasons.str.contains(r"\bcomment\b").any(), reasons.tolist()


@pytest.mark.slow
def test_the_date_formats_left_untried_are_those_that_read_no_value():
    """A column's format is chosen among ISO 8601 and 96 formats with times; those whose loose pattern no value
    fits are not tried (a parse of the whole column each). Every format that reads any of these values, in
    any of the shapes crmlib reads (one-digit days, a leading space, month names, times, two-digit years), is
    still tried, so the choice is the one trying every format makes."""
    from crmlib.io.values import _DATE_FORMATS, _TIME_SUFFIXES, _formats_to_try, _to_datetime

    samples = ["2024-01-31", "2024/1/5", "20240131", "31/01/2024", "1/5/2024", " 5/1/2024", "31-01-2024",
               "01-31-2024", "31.01.2024", "31/01/24", "5 Jan 2024", "5 January 2024", "Jan 5, 2024",
               "January  5, 2024", "05-Jan-2024", "05-jan-24", "2024-01-31 10:30", "31/01/2024 10:30:15",
               "1/31/2024 10:30 PM", "2024-01-31T10:30:00", "nonsense", "2024-13-45"]
    every = ("ISO8601",) + tuple(d + t for d in _DATE_FORMATS for t in _TIME_SUFFIXES)
    for value in samples:
        values = pd.Series([value], dtype="string")
        tried = _formats_to_try(values)
        reads = [f for f in every if (parsed := _to_datetime(values, f)) is not None and parsed.notna().any()]
        assert set(reads) <= set(tried), (value, set(reads) - set(tried))
    assert _formats_to_try(pd.Series(["31/01/2024"], dtype="string"))[:2] == ("ISO8601", "%d/%m/%Y")
