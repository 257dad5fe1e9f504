"""crmlib.privacy: keyed pseudonyms, redaction of emails/phones in free text, PII columns."""

import datetime
import hashlib
import hmac
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib import privacy
from crmlib.ledger import Ledger, attach, ledger_of
from crmlib.privacy import (DefaultKeyWarning, PrivacyWarning, default_key_warning, drop_pii, find_pii_columns,
                            normalise_email, normalise_phone, pseudonym_note, pseudonymise, redact, redact_text,
                            using_default_key)


def hand_hmac(key: str, value: str) -> str:
    return "c_" + hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.fixture
def no_env_key(monkeypatch):
    monkeypatch.delenv("CRMLIB_SECRET", raising=False)
    monkeypatch.setattr(privacy, "_warned_default_key", False)


# ----------------------------------------------------------------------------- pseudonymise

def test_pseudonymise_is_hmac_sha256_of_the_text():
    out = pseudonymise(pd.Series(["C000001", "C000002"]), key="s3cret")
    assert out.tolist() == [hand_hmac("s3cret", "C000001"), hand_hmac("s3cret", "C000002")]
    assert pseudonymise([7], key="k", prefix="u_").iloc[0] == "u_" + hand_hmac("k", "7")[2:]


@pytest.mark.parametrize("key", ["k", "s3cret", "x" * 63, "y" * 64, "z" * 65, "a-long-random-secret" * 9,
                                 "गुप्त-কুঞ্জি", b"\x00\xff" * 40])
def test_pseudonymise_with_pads_hashed_once_equals_hmac_new(key):
    """The pads of the key are hashed once and copied per value: the same pseudonyms as ``hmac.new``
    for keys shorter than, as long as and longer than SHA-256's 64-byte block (hashed first, RFC 2104),
    text and bytes keys, Hindi/Bengali ids, numbers, and the arrow-backed strings of a customer table."""
    raw = key.encode() if isinstance(key, str) else key
    values = ["C000001", "", "ग्राहक-१२", "গ্রাহক", 7, 2.5, "=1+1", "x" * 200]
    expected = ["c_" + hmac.new(raw, str(v).encode(), hashlib.sha256).hexdigest()[:16] for v in values]
    assert pseudonymise(pd.Series(values, dtype=object), key=key).tolist() == expected
    ids = pd.Index([f"C{i:06d}" for i in range(500)], dtype="str")
    assert pseudonymise(ids, key=key).tolist() == [
        "c_" + hmac.new(raw, i.encode(), hashlib.sha256).hexdigest()[:16] for i in ids]


def test_pseudonym_digits_match_rfc_4231_test_case_2():
    """RFC 4231 section 4.3: HMAC-SHA256(key "Jefe", "what do ya want for nothing?") = 5bdcc146bf60754e..."""
    assert pseudonymise(["what do ya want for nothing?"], key="Jefe", prefix="").iloc[0] == "5bdcc146bf60754e"


def test_pseudonymise_keeps_index_name_and_missing_values():
    s = pd.Series(["a", None, "a", "b"], index=[10, 11, 12, 13], name="customer_id")
    out = pseudonymise(s, key="k")
    assert out.index.tolist() == [10, 11, 12, 13] and out.name == "customer_id"
    assert out.isna().tolist() == [False, True, False, False]
    assert out[10] == out[12] != out[13]
    by_index = pseudonymise(pd.Index(["a", "b"], name="customer_id"), key="k")
    assert by_index.index.tolist() == ["a", "b"] and by_index["b"] == out[13]
    assert pseudonymise([], key="k").empty


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_pseudonyms_made_a_block_at_a_time_are_those_of_each_value(dtype, monkeypatch):
    """Pseudonyms are made 2^18 distinct values at a time (4.1 million at once held 0.96 GB of Python strings):
    blocks of 3 give each value its own HMAC, repeats the same pseudonym, missing values stay missing, and the
    result keeps the ids' string type (or "str")."""
    monkeypatch.setattr(privacy, "PSEUDONYM_BLOCK", 3)
    values = ["C1", "C2", None, "C1", "C3", "C4", "C5", "C2", "C6", "C7"]
    s = pd.Series(values, dtype=dtype, index=range(100, 110), name="customer_id")
    out = pseudonymise(s, key="k")
    assert out.tolist()[:2] == [hand_hmac("k", "C1"), hand_hmac("k", "C2")] and pd.isna(out.iloc[2])
    assert out.drop(102).tolist() == [hand_hmac("k", v) for v in s.drop(102)]
    assert out.dtype == (s.dtype if dtype == "string" else pd.StringDtype(na_value=np.nan))
    assert out.index.equals(s.index) and out.name == "customer_id"
    distinct = pd.Index([f"C{i}" for i in range(10)], dtype="str")  # every value once: no take
    assert pseudonymise(distinct, key="k").tolist() == [hand_hmac("k", v) for v in distinct]


def test_default_key_warns_once_and_is_documented(no_env_key):
    with pytest.warns(PrivacyWarning, match="CRMLIB_SECRET"):
        first = pseudonymise(["x"])
    assert first.iloc[0] == hand_hmac(privacy.DEFAULT_KEY, "x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pseudonymise(["y"])  # once per process: no second warning


def test_default_key_warning_is_its_own_class_issued_once_without_touching_filters(no_env_key):
    """Issue 10: the first pseudonym made with the public key in a process raises a
    DefaultKeyWarning (a UserWarning) that says the ids can be re-identified and how to fix it;
    crmlib adds no warning filter to do so."""
    assert issubclass(DefaultKeyWarning, PrivacyWarning) and issubclass(DefaultKeyWarning, UserWarning)
    filters = list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # count every issue, not Python's once-per-location
        pseudonymise(["x"])
        pseudonymise(pd.Index(["y"]))
    assert [w.category for w in caught] == [DefaultKeyWarning]
    text = str(caught[0].message)
    assert text == default_key_warning()
    assert "re-identify" in text and "Anyone who has crmlib" in text and "set CRMLIB_SECRET" in text
    assert caught[0].filename == __file__  # points at the caller, not inside crmlib
    assert list(warnings.filters) == filters


def test_using_default_key_follows_argument_environment_and_default(no_env_key, monkeypatch):
    assert using_default_key() and default_key_warning() is not None
    assert using_default_key(privacy.DEFAULT_KEY) and using_default_key("")  # an empty key is no key
    assert not using_default_key("param") and default_key_warning("param") is None
    monkeypatch.setenv("CRMLIB_SECRET", "from-env")
    assert not using_default_key() and default_key_warning() is None
    monkeypatch.setenv("CRMLIB_SECRET", privacy.DEFAULT_KEY)  # the public key, set by hand, is no secret
    assert using_default_key()
    with pytest.warns(DefaultKeyWarning):
        pseudonymise(["x"])


def test_pseudonym_note_says_whether_the_ids_can_be_re_identified(no_env_key, monkeypatch):
    public = pseudonym_note()
    assert "re-identified by anyone who has crmlib" in public and "Set CRMLIB_SECRET" in public
    assert "not reversible" not in public
    assert "cannot be recomputed" in pseudonym_note("k") and "key=" in pseudonym_note("k")
    monkeypatch.setenv("CRMLIB_SECRET", "from-env")
    assert "environment variable CRMLIB_SECRET" in pseudonym_note()
    assert "re-identified" not in pseudonym_note()


def test_default_key_pseudonyms_are_reversed_by_enumerating_ids(no_env_key):
    """Why the public key is called out: hashing every plausible id (C1..C5000) reverses every
    pseudonym made with it, as the issue-10 review did for 13 of 13 audience ids; a secret key
    leaves the same enumeration with nothing."""
    customers = [f"C{i}" for i in (7, 42, 313, 2024, 4999)]
    candidates = [f"C{i}" for i in range(1, 5001)]
    with pytest.warns(DefaultKeyWarning):
        table = dict(zip(pseudonymise(candidates, key=privacy.DEFAULT_KEY), candidates))
    public = pseudonymise(customers, key=privacy.DEFAULT_KEY)
    assert [table.get(p) for p in public] == customers
    secret = pseudonymise(customers, key="a-long-random-secret")
    assert not set(secret) & set(table)


def test_drop_pii_ledger_says_when_pseudonyms_use_the_public_key(no_env_key):
    df = pd.DataFrame({"customer_id": ["asha@example.com", "rahim@example.org"], "amount": [1.0, 2.0]})
    attach(df, Ledger(source="orders.csv", table="orders", rows_read=2))
    with pytest.warns(DefaultKeyWarning):
        public = drop_pii(df)
    detail = ledger_of(public).entries[0].detail
    assert "re-identified by anyone who has crmlib" in detail and "CRMLIB_SECRET" in detail
    assert "re-identified" not in ledger_of(drop_pii(df, key="k")).entries[0].detail


def test_env_key_is_used_without_warning(no_env_key, monkeypatch):
    monkeypatch.setenv("CRMLIB_SECRET", "from-env")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = pseudonymise(["x"])
    assert out.iloc[0] == hand_hmac("from-env", "x")
    assert pseudonymise(["x"], key="param").iloc[0] == hand_hmac("param", "x")  # parameter wins


# ----------------------------------------------------------------------------- redact_text

PHONES = [
    ("Call me on +91 98765 43210 please", "Call me on [phone] please"),
    ("my no. 098765-43210", "my no. [phone]"),
    ("9876543210", "[phone]"),
    ("office +91-80-2345-6789 (landline)", "office [phone] (landline)"),
    ("landline 080 2345 6789", "landline [phone]"),
    ("ring 919876543210", "ring [phone]"),
    ("Dhaka: +880 1712-345678", "Dhaka: [phone]"),
    ("01712345678 is my number", "[phone] is my number"),
    ("London +44 20 7946 0958", "London [phone]"),
    ("+44 (0)20 7946 0958", "[phone]"),
    ("NY (212) 555-0123 or 212.555.0123", "NY [phone] or [phone]"),
    ("toll free 1-800-555-0199", "toll free [phone]"),
    ("Berlin 0049 30 1234567", "Berlin [phone]"),
    ("Paris +33 6 12 34 56 78", "Paris [phone]"),
    ("+14155550123", "[phone]"),
    ("मुझे +91 98765 43210 पर कॉल करें", "मुझे [phone] पर कॉल करें"),
    ("मेरा नंबर ९८७६५४३२१० है", "मेरा नंबर [phone] है"),
    ("मुझे ९८७६५ ४३२१० पर कॉल करें", "मुझे [phone] पर कॉल करें"),
    ("আমাকে ০১৭১২-৩৪৫৬৭৮ নম্বরে ফোন করুন", "আমাকে [phone] নম্বরে ফোন করুন"),
    ("আমার নম্বর +৮৮০ ১৭১২-৩৪৫৬৭৮", "আমার নম্বর [phone]"),
    ("paid ₹500 9876543210 call", "paid ₹500 [phone] call"),
    ("call me on 9876543210/9123456780", "call me on [phone]/[phone]"),
    ("wa.me/919812345678", "wa.me/[phone]"),
    ("chat: https://wa.me/+919812345678?text=hi", "chat: https://wa.me/[phone]?text=hi"),
]
IDS = [
    ("aadhaar 2345 6789 0123", "aadhaar [id]"),
    ("आधार 2345-6789-0123 है", "आधार [id] है"),
    ("my aadhaar is 234567890123.", "my aadhaar is [id]."),
    ("আধার ২৩৪৫ ৬৭৮৯ ০১২৩", "আধার [id]"),
    ("PAN ABCDE1234F please", "PAN [id] please"),
    ("pan: abcde1234f", "pan: [id]"),
]
EMAILS = [
    ("mail ravi.kumar@example.com now", "mail [email] now"),
    ("Contact: A.B+crm@sub.example.co.in.", "Contact: [email]."),
    ("मेरा ईमेल asha_rao99@example.org है", "मेरा ईमेल [email] है"),
    ("আমার ইমেইল rahim.hossain@example.com", "আমার ইমেইল [email]"),
    ("ravi9876543210@example.com", "[email]"),
    ("both x@example.com and 9876543210", "both [email] and [phone]"),
]
LEFT_ALONE = [
    "Paid ₹1,00,000.50 for the sofa",
    "₹ 12,34,567 in total",
    "Rs. 25000.00 refund",
    "1,234,567.89 dollars",
    "ordered on 2024-05-12, delivered 12.05.2024 and 12-05-2024",
    "05/12/2024 10:30",
    "from 2024-05-12 to 2025-01-01",
    "customer since 2019",
    "order 88231 and order #A-12345-77",
    "pin code 560001",
    "1234567 units",
    "10000 20000 30000",
    "pi is 3.14159265",
    "ऑर्डर ४५२१ का बिल ₹१,४९९ था",
    "অর্ডার ৮৮২৩১ এর বিল ছিল ৳১,২০০",
    "invoice 2024/05/12 paid",
    "order 123456789012 is not an Aadhaar: it starts with 1",
    "1234 5678 9012 starts with 1 too",
    "order ABC1234567 and SKU AB12345C",
    "ref ABCDE12345F and ABCDEF1234G",
    "items 2/3 and 10/20",
    "date '1850-01-01 00:00:00' is before 1900",  # was "[phone]:00:00" in an error message
    "ordered 1995-01-01 10:00",
    "",
]


@pytest.mark.parametrize("text, expected", PHONES + EMAILS + IDS)
def test_redact_text_removes_emails_and_phones(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_redact_text_leaves_amounts_dates_years_and_short_ids(text):
    assert redact_text(text) == text


def test_redact_text_passes_non_text_through():
    assert redact_text(None) is None
    assert pd.isna(redact_text(float("nan")))


WORDS = st.sampled_from(["call", "me", "मुझे", "पर", "कॉल", "करें", "আমাকে", "ফোন", "করুন", "now", "।", "."])
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


@settings(max_examples=150, deadline=None)
@given(before=st.lists(WORDS, max_size=4), after=st.lists(WORDS, max_size=4),
       first=st.sampled_from("6789"), rest=st.integers(0, 10**9 - 1), style=st.integers(0, 5),
       script=st.sampled_from([None, DEVANAGARI, BENGALI]))
def test_any_indian_mobile_in_any_sentence_is_redacted(before, after, first, rest, style, script):
    d = f"{first}{rest:09d}"
    phone = [d, f"+91 {d[:5]} {d[5:]}", f"0{d[:5]}-{d[5:]}", f"+91-{d}", f"91{d}", f"{d[:3]} {d[3:6]} {d[6:]}"][style]
    if script:
        phone = phone.translate(script)
    text = " ".join(before + [phone] + after)
    out = redact_text(text)
    assert "[phone]" in out and phone not in out
    assert out == " ".join(before + ["[phone]"] + after)


@settings(max_examples=150, deadline=None)
@given(rupees=st.integers(0, 9_999_999), paise=st.integers(0, 99), day=st.dates(), sep=st.sampled_from("-./"))
def test_amounts_and_dates_are_never_redacted(rupees, paise, day, sep):
    grouped = f"{rupees:,}"  # 1,234,567
    text = (f"paid ₹{grouped}.{paise:02d} or Rs {rupees}.{paise:02d} on {day.isoformat()} "
            f"({day.day:02d}{sep}{day.month:02d}{sep}{day.year})")
    assert redact_text(text) == text


@settings(max_examples=150, deadline=None)
@given(moment=st.datetimes(min_value=datetime.datetime(1000, 1, 1)), sep=st.sampled_from("-. "))
@pytest.mark.slow
def test_a_date_and_time_of_any_four_digit_year_is_never_redacted(moment, sep):
    """Years 13xx-19xx with an hour ("1850-01-01 00:00:00") read as a 10-digit phone starting 1."""
    text = (f"on {moment.year:04d}{sep}{moment.month:02d}{sep}{moment.day:02d} {moment:%H:%M:%S} and "
            f"{moment.day:02d}{sep}{moment.month:02d}{sep}{moment.year:04d} {moment:%H:%M}")
    assert redact_text(text) == text


def test_redact_series_keeps_index_missing_values_and_untouched_rows():
    s = pd.Series(["ok", None, "call 9876543210", "mail a@example.com"], index=[5, 6, 7, 8], dtype="str")
    out = redact(s)
    assert out.index.tolist() == [5, 6, 7, 8]
    assert out.tolist()[0] == "ok" and pd.isna(out[6])
    assert out[7] == "call [phone]" and out[8] == "mail [email]"
    assert s[7] == "call 9876543210"  # input unchanged


# ----------------------------------------------------------------------------- normalisation

@pytest.mark.parametrize("raw, region, expected", [
    ("+91 98765 43210", "IN", "+919876543210"),
    ("098765-43210", "IN", "+919876543210"),
    ("9876543210", "IN", "+919876543210"),
    (9876543210, "IN", "+919876543210"),
    ("919876543210", "IN", "+919876543210"),
    ("०९८७६५४३२१०", "IN", "+919876543210"),
    ("+91-80-2345-6789", "IN", "+918023456789"),
    ("080 2345 6789", "IN", "+918023456789"),
    ("01712345678", "BD", "+8801712345678"),
    ("+880 1712-345678", "IN", "+8801712345678"),
    ("০১৭১২-৩৪৫৬৭৮", "BD", "+8801712345678"),
    ("(212) 555-0123", "US", "+12125550123"),
    ("1-212-555-0123", "US", "+12125550123"),
    ("07700 900123", "GB", "+447700900123"),
    ("+44 (0)20 7946 0958", "IN", "+442079460958"),
    ("0044 20 7946 0958", "IN", "+442079460958"),
    ("+33 6 12 34 56 78", "IN", "+33612345678"),
    ("12345", "IN", None),
    ("+91 12345 67890", "IN", None),   # Indian numbers do not start with 1
    ("01012345678", "BD", None),       # Bangladeshi mobiles are 013-019
    ("98765 43210 x", "IN", None),
    ("", "IN", None),
    (None, "IN", None),
])
def test_normalise_phone(raw, region, expected):
    assert normalise_phone(raw, default_region=region) == expected


def test_normalise_phone_rejects_unknown_region():
    with pytest.raises(ValueError, match="default_region"):
        normalise_phone("9876543210", default_region="XX")


@pytest.mark.parametrize("raw, expected", [
    ("  Ravi.Kumar@Example.COM ", "ravi.kumar@example.com"),
    ("mailto:asha@example.org", "asha@example.org"),
    ("a.b+tag@sub.example.co.in", "a.b+tag@sub.example.co.in"),
    ("not an email", None),
    ("a@b", None),
    ("two@@example.com", None),
    ("a..b@example.com", None),
    (None, None),
])
def test_normalise_email(raw, expected):
    assert normalise_email(raw) == expected


# ----------------------------------------------------------------------------- detection and dropping

def test_find_pii_columns_by_name():
    cols = ["Name", "first_name", "Surname", "E-Mail", "email_address", "Mobile No.", "whatsapp",
            "Tel", "Address Line 1", "dob", "Aadhaar", "नाम", "फोन", "ইমেইল", "comment",
            "product_name", "city", "amount", "order_id", "channel"]
    df = pd.DataFrame({c: ["x"] for c in cols})
    found = find_pii_columns(df)
    assert found == {
        "Name": "name", "first_name": "name", "Surname": "name", "E-Mail": "email", "email_address": "email",
        "Mobile No.": "phone", "whatsapp": "phone", "Tel": "phone", "Address Line 1": "address",
        "dob": "birth_date", "Aadhaar": "government_id", "नाम": "name", "फोन": "phone", "ইমেইল": "email",
        "comment": "free_text",
    }


def test_find_pii_columns_by_content():
    n = 40
    df = pd.DataFrame({
        "contact": ["+91 98765 43210", "01712345678", "98765-43210", "+44 20 7946 0958"] * (n // 4),
        "login": [f"user{i}@example.com" for i in range(n)],
        "ph": [9876543210 + i for i in range(n)],
        "remarks_2": ["great service"] * (n - 1) + ["call me at 9876543210 now"],
        "order_id": [f"O{i:07d}" for i in range(n)],
        "amount": [1499.5] * n,
        "city": ["Pune"] * n,
        "year": [2024] * n,
        "pin": [560001] * n,
        "when": ["2024-05-12"] * n,
    })
    assert find_pii_columns(df) == {"contact": "phone", "login": "email", "ph": "phone", "remarks_2": "free_text"}


def test_find_pii_columns_checks_whole_number_float_columns_as_integers():
    """A phone column with blanks is float64 (DataFrame with NaN, parquet): it is still a phone."""
    n = 20
    df = pd.DataFrame({
        "contact": [9876543210.0 + i if i % 4 else float("nan") for i in range(n)],
        "price": [1499.5 + i for i in range(n)],
        "qty": [float(i % 5) if i % 3 else float("nan") for i in range(n)],
        "year": [2024.0] * n,
        "notes_2": [None] * (n - 1) + ["call me, my aadhaar is 2345 6789 0123"],
    })
    assert find_pii_columns(df) == {"contact": "phone", "notes_2": "free_text"}
    out = drop_pii(df)
    assert "contact" not in out.columns and out["notes_2"].iloc[-1] == "call me, my aadhaar is [id]"
    assert normalise_phone(9876543210.0) == "+919876543210" and normalise_phone(float("nan")) is None


def test_redact_series_catches_ids_without_seven_digits():
    s = pd.Series(["PAN ABCDE1234F", "fine"], dtype="string")
    assert redact(s).tolist() == ["PAN [id]", "fine"]


def test_find_pii_columns_threshold_and_sample():
    df = pd.DataFrame({"x": ["a@example.com"] * 3 + ["plain"] * 7})
    assert find_pii_columns(df) == {"x": "free_text"}  # some emails: redacted (issue 18), not dropped
    assert find_pii_columns(pd.DataFrame({"x": ["plain"] * 10})) == {}
    assert find_pii_columns(df, threshold=0.3) == {"x": "email"}
    big = pd.DataFrame({"x": [f"u{i}@example.com" for i in range(5000)]})
    assert find_pii_columns(big, sample=50) == {"x": "email"}


def test_drop_pii_drops_masks_and_records_in_ledger():
    df = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3"],
        "name": ["Asha Rao", "Rahim Hossain", None],
        "email": ["asha@example.com", None, None],
        "phone": ["9876543210", "01712345678", "+91 98765 43211"],
        "city": ["Pune", "Dhaka", "Kolkata"],
        "comment": ["call 98765 43210", "fine", None],
    })
    attach(df, Ledger(source="customers.csv", table="customers", rows_read=3))
    out = drop_pii(df, key="k")
    assert list(out.columns) == ["customer_id", "city", "comment"]
    assert out["customer_id"].tolist() == ["C1", "C2", "C3"]  # not PII: kept as is
    assert out["comment"].tolist()[:2] == ["call [phone]", "fine"] and pd.isna(out["comment"][2])
    entries = {e.reason: e for e in ledger_of(out).entries}
    assert entries["PII column 'name' (name) removed"].rows == 2
    assert entries["PII column 'email' (email) removed"].rows == 1
    assert entries["PII column 'phone' (phone) removed"].rows == 3
    assert entries["email or phone in 'comment'"].rows == 1
    assert all(e.action == "changed" for e in entries.values())
    assert ledger_of(df).entries == [] and "name" in df.columns  # input untouched


def test_drop_pii_pseudonymises_an_id_that_is_an_email():
    df = pd.DataFrame({"customer_id": ["Asha@Example.com ", "asha@example.com", "rahim@example.org"],
                       "amount": [1.0, 2.0, 3.0]})
    out = drop_pii(df, key="k")
    ids = out["customer_id"].tolist()
    assert ids[0] == ids[1] == hand_hmac("k", "asha@example.com") != ids[2]
    assert find_pii_columns(out) == {}
