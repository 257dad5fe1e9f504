"""Issue 18: PII in every text column, one id rule, spaces in amounts, two-digit years.

Each test here failed on the code before the fix (checked by running it on the parent commit).
"""

import numpy as np
import pandas as pd
import pytest

from crmlib.exceptions import DataError
from crmlib.ids import join_rate, match_ids
from crmlib.io import read_customers, read_feedback, read_transactions
from crmlib.ledger import ledger_of
from crmlib.screening import RARE, late_dates

EMAIL, PHONE, PAN = "ravi.kumar@example.com", "+91 98765 43210", "ABCDE1234F"


def _reasons(df):
    return ledger_of(df).to_frame().set_index("reason")


def _dump(df) -> str:
    return df.astype(str).to_csv() + str(ledger_of(df))


# ----------------------------------------------------------------------------- 1. PII in text columns

def test_email_and_phone_in_customer_attributes_are_redacted_and_named_in_the_ledger(tmp_path):
    n = 40
    city = ["Pune", "Delhi", "Kolkata", "Dhaka"] * (n // 4)
    city[3], city[17] = EMAIL, f"call {PHONE}"
    tier = ["gold", "silver"] * (n // 2)
    tier[5] = "98765 43210"
    extra = ["web", "store"] * (n // 2)
    extra[8] = PAN
    path = tmp_path / "customers.csv"
    pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)], "city": city, "loyalty_tier": tier,
                  "source": extra}).to_csv(path, index=False)
    cust = read_customers(path)
    text = _dump(cust)
    for planted in (EMAIL, PHONE, "98765 43210", PAN):
        assert planted not in text
    # redacted, then shown as a rare value: one customer's [email] is a group of one
    assert cust.loc[3, "city"] == RARE and cust.loc[17, "city"] == RARE
    assert cust.loc[5, "loyalty_tier"] == RARE and cust.loc[8, "source"] == RARE
    led = _reasons(cust)
    assert led.loc["email or phone in city", "rows"] == 2
    assert led.loc["email or phone in city", "example rows"] == "5, 19"  # spreadsheet rows
    assert led.loc["email or phone in loyalty_tier", "rows"] == 1
    assert led.loc["email or phone in source", "rows"] == 1
    assert led.loc["rare values in 'city'", "rows"] == 2
    assert cust.loc[0, "city"] == "Pune"


def test_a_full_name_typed_into_a_tier_is_shown_as_a_rare_value(tmp_path):
    """A full name in loyalty_tier reached the pages: no pattern finds a name, but a value that fewer
    than three customers share is shown as 'other' (small-cell suppression), and the ledger says so."""
    tier = ["Gold"] * 15 + ["Silver"] * 14 + ["Ishaan Probewala"]
    path = tmp_path / "customers.csv"
    pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)], "loyalty_tier": tier}).to_csv(path, index=False)
    cust = read_customers(path)
    assert "Ishaan" not in _dump(cust)
    assert cust.loc[29, "loyalty_tier"] == RARE and (cust["loyalty_tier"] == "Gold").sum() == 15
    assert _reasons(cust).loc["rare values in 'loyalty_tier'", "rows"] == 1


def test_customers_own_contact_columns_are_kept_for_hashed_audiences():
    cust = read_customers(pd.DataFrame({"customer_id": ["a", "b"], "email": [EMAIL, None],
                                        "phone": [PHONE, None], "city": ["Pune", "Delhi"]}))
    assert cust["email"].tolist()[0] == EMAIL and cust["phone"].tolist()[0] == PHONE


def test_phone_in_feedback_channel_and_email_in_transaction_category_are_redacted():
    fb = read_feedback(pd.DataFrame({"customer_id": ["a", "b"], "date": ["2024-01-02", "2024-01-03"],
                                     "nps": [9, 3], "channel": ["app", f"WhatsApp {PHONE}"]}))
    assert fb["channel"].tolist() == ["app", "WhatsApp [phone]"]
    assert _reasons(fb).loc["email or phone in channel", "rows"] == 1
    tx = read_transactions(pd.DataFrame({"customer_id": ["a", "b"], "date": ["2024-01-02", "2024-01-03"],
                                         "amount": [5, 6], "category": ["books", f"gift for {EMAIL}"]}))
    assert tx["category"].tolist() == ["books", "gift for [email]"]
    assert _reasons(tx).loc["email or phone in category", "rows"] == 1


def test_feedback_redact_false_keeps_text_as_asked():
    fb = read_feedback(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-02"], "channel": [PHONE],
                                     "comment": [EMAIL]}), redact=False)
    assert fb["channel"].iloc[0] == PHONE and fb["comment"].iloc[0] == EMAIL


def test_a_customer_attribute_unique_per_customer_is_removed_as_identifying():
    """Full names in loyalty_tier cannot be found by a pattern; a column whose values are words
    and differ from customer to customer identifies people and groups no one."""
    names = [f"{a} {b}" for a in ("Asha", "Ravi", "Ishaan", "Meera", "Tanvir") for b in ("Rao", "Das", "Khan", "Sen", "Roy")]
    cust = read_customers(pd.DataFrame({"customer_id": [f"C{i}" for i in range(25)], "loyalty_tier": names,
                                        "city": ["Pune", "Delhi", "Dhaka", "Kolkata", "Agra"] * 5}))
    assert "loyalty_tier" not in cust.columns and "city" in cust.columns
    entry = _reasons(cust).loc["column 'loyalty_tier' looks like names or identifiers"]
    assert entry["rows"] == 25 and entry["action"] == "changed"
    assert "Asha" not in _dump(cust)
    assert ledger_of(cust).rows_kept == len(cust) == 25


# ----------------------------------------------------------------------------- 2. ids

def test_float_style_ids_are_whole_numbers_in_every_format(tmp_path):
    frame = pd.DataFrame({"customer_id": ["8.0", "81", "C7"], "city": ["a", "b", "c"]})
    csv = tmp_path / "c.csv"
    frame.to_csv(csv, index=False)
    pq = tmp_path / "c.parquet"
    pd.DataFrame({"customer_id": [8.0, 81.0, np.nan], "city": ["a", "b", "c"]}).to_parquet(pq)
    assert read_customers(csv)["customer_id"].tolist() == ["8", "81", "C7"]
    assert read_customers(pq)["customer_id"].tolist() == ["8", "81"]
    entry = _reasons(read_customers(csv)).loc["customer id written as a whole-number float (81.0)"]
    assert entry["rows"] == 1 and "leading zeros" in entry["detail"]


def test_ids_that_differ_only_in_case_are_flagged_not_merged():
    tx = read_transactions(pd.DataFrame({"customer_id": ["C7", "c7", "C8"], "date": "2024-01-02", "amount": 5}))
    assert tx["customer_id"].tolist() == ["C7", "c7", "C8"]
    entry = _reasons(tx).loc["customer ids that differ only in upper/lower case"]
    assert entry["rows"] == 2 and entry["action"] == "flagged" and "C7" not in entry["detail"]


def test_join_rate_across_float_and_zero_padded_ids():
    """Transactions 81, customers 81.0, feedback 000081 (issue 18) all join, and the rate says how."""
    from crmlib.words.feedback import join_sentence
    tx = read_transactions(pd.DataFrame({"customer_id": ["81", "82"], "date": "2024-01-02", "amount": 5}))
    cust = read_customers(pd.DataFrame({"customer_id": [81.0, 82.0]}))
    fb = read_feedback(pd.DataFrame({"customer_id": ["000081", "000099"], "date": "2024-01-02", "nps": [9, 1]}))
    assert join_rate(cust["customer_id"], tx["customer_id"]).matched == 2
    rate = join_rate(fb["customer_id"], tx["customer_id"])
    assert (rate.matched, rate.total, rate.by_padding) == (1, 2, 1)
    assert join_sentence(rate).startswith(
        "1 of 2 survey customers found among the customers with transactions. 1 of them was matched only once "
        "leading zeros were ignored.")
    assert join_rate(["C7"], ["c7"]).case_only == 1
    assert "1 id not found differs from an id there only in upper/lower case" in join_sentence(join_rate(["C7"], ["c7"]))


def test_zero_padding_is_ignored_only_when_it_names_one_id():
    m = match_ids(["007", "8"], ["7", "07", "8"])  # "007" could be "7" or "07": no guess
    assert m.isna().tolist() == [True, False]


def test_join_value_uses_the_id_rule_and_nps_groups_without_value_are_unknown_not_zero():
    from crmlib.feedback import join_value, value_at_risk

    fb = pd.DataFrame({"customer_id": ["000081", "5"], "date": pd.to_datetime(["2024-01-02"] * 2), "nps": [9, 2]})
    value = pd.DataFrame({"segment": ["Champions"], "clv": [120.0]}, index=pd.Index(["81"], name="customer_id"))
    joined = join_value(fb, value)
    assert joined["clv"].tolist()[0] == 120.0 and pd.isna(joined["clv"].tolist()[1])
    risk = value_at_risk(joined)
    assert risk.loc["promoter", "clv"] == 120.0
    assert pd.isna(risk.loc["detractor", "clv"])  # its one customer has no known value: unknown, not 0.00
    assert risk.loc["detractor", "customers"] == 1


# ----------------------------------------------------------------------------- 3. spaces in amounts

@pytest.mark.parametrize("value", ["5 5", "1 2 3 4", "+91 98765 43210", "12 3", "1 23 4"])
def test_amounts_with_spaces_not_grouped_by_thousands_or_lakhs_are_refused(value):
    with pytest.raises(DataError, match="not numbers in this column's format") as err:
        read_transactions(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-02"], "amount": [value]}))
    assert "98765" not in str(err.value)


@pytest.mark.parametrize("value, expected", [("1 234", 1234.0), ("12 34 567.50", 1234567.5),
                                             ("₹ 1 00 000", 100000.0), ("1 234 567", 1234567.0)])
def test_amounts_grouped_by_spaces_like_commas_are_read(value, expected):
    tx = read_transactions(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-02"], "amount": [value]}))
    assert tx["amount"].tolist() == [expected]


# ----------------------------------------------------------------------------- 4. late dates

def test_two_digit_year_in_the_future_is_flagged_with_column_and_rows(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amount\na,05/01/24,5\nb,07/03/24,6\nc,01/01/68,7\n")
    tx = read_transactions(path)
    assert tx["date"].max().year == 2068  # read as Python reads it; flagged, not guessed
    entry = _reasons(tx).loc["'date' in the future or far after the rest of the column"]
    assert entry["rows"] == 1 and entry["example rows"] == "4" and "two-digit years" in entry["detail"]


def test_late_dates_rule():
    d = pd.Series(pd.to_datetime(["2024-01-01", "2024-03-01", "2024-06-01", "2068-01-01", None]))
    assert late_dates(d).tolist() == [False, False, False, True, False]
    cdnow_like = pd.Series(pd.date_range("1997-01-01", "1998-06-30", periods=500))
    assert not late_dates(cdnow_like).any()
    assert not late_dates(pd.Series(pd.to_datetime(["2010-01-01", "2012-01-01", "2024-01-01", "2024-02-01"]))).any()


def test_find_pii_columns_flags_a_column_where_some_values_are_emails_or_phones():
    from crmlib.privacy import drop_pii, find_pii_columns

    df = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "city": ["Pune", "Delhi", EMAIL, "Agra"],
                       "tier": ["gold", "gold", "silver", PHONE]})
    assert find_pii_columns(df) == {"city": "free_text", "tier": "free_text"}
    assert drop_pii(df)[["city", "tier"]].to_numpy().tolist()[2:] == [["[email]", "silver"], ["Agra", "[phone]"]]


# ----------------------------------------------------------------------------- 5. columns of dates

def test_a_column_of_dates_is_never_screened_as_a_category(tmp_path):
    """Before: a customers column of dates that crmlib did not read as the signup date ("Joined On", here
    "Last Visit") was screened as a category: 385 of 450 rows of the reviewer's file became "other (fewer
    than 3 customers)", the overview named that the biggest data-quality issue and drew a table of it."""
    from crmlib import overview

    n = 60
    visits = [f"{1 + i % 28:02d}/{1 + i % 12:02d}/2023" for i in range(n)]
    path = tmp_path / "customers.csv"
    pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)], "city": ["Dhaka", "Pune", "Delhi"] * (n // 3),
                  "Last Visit": visits}).to_csv(path, index=False)
    cust = read_customers(path)
    assert cust["Last Visit"].tolist() == visits  # kept as written, no value merged into RARE
    assert not [e for e in ledger_of(cust).entries if e.rows and "Last Visit" in str(e.fields)]
    assert overview.attribute_columns(cust) == ["city"]


def test_looks_like_dates_in_any_common_order_and_script_but_not_years_or_words():
    from crmlib.screening import DATE_SHARE, looks_like_dates

    assert looks_like_dates(pd.Series(["12/05/2023", "2023-06-01 10:30", "১২/০৫/২০২৩", "१२-०५-२०२३", "7 Jan 2024"]))
    assert looks_like_dates(pd.Series(pd.to_datetime(["2024-01-01", None])))
    assert not looks_like_dates(pd.Series(["2019", "2020", "2021"]))  # a year is a group (member since 2019)
    assert not looks_like_dates(pd.Series(["March", "April", "Gold", "Q1 2023"]))
    some = pd.Series(["12/05/2023"] * 7 + ["Gold"] * 3)  # below DATE_SHARE: a category column with slips
    assert (7 / 10 < DATE_SHARE) and not looks_like_dates(some)


def test_the_rare_label_is_the_translated_message_and_says_the_screening_size():
    """The label the loaders write is the message the pages translate (crmlib.words.quality.RARE_VALUE), and it
    says the size the code uses, so the data-quality row and the label cannot drift apart."""
    from crmlib.screening import MIN_GROUP
    from crmlib.words import quality

    assert RARE == quality.RARE_VALUE and f"fewer than {MIN_GROUP} customers" in RARE
