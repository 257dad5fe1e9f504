"""Which columns of a table hold personal data, and of which kind: by column name and by content.

Names in English, Hindi and Bengali (``email``, ``mobile``, ``नाम``, ``ফোন``, ...); content: columns
mostly of email addresses or phone numbers, and text columns in which some value holds one
(``free_text``). What :func:`crmlib.privacy.drop_pii` does with each kind is :data:`PII_KINDS`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmlib.contacts import ASCII, EMAIL
from crmlib.redaction import PHONE_RUN, id_spans, is_phone, phone_spans

__all__ = ["PII_KINDS", "find_pii_columns", "kind_by_name"]

#: What :func:`find_pii_columns` can report, and what :func:`crmlib.privacy.drop_pii` does with each kind.
PII_KINDS = {
    "name": "dropped",
    "email": "dropped",
    "phone": "dropped",
    "address": "dropped",
    "government_id": "dropped",
    "birth_date": "dropped",
    "free_text": "redacted (emails -> [email], phones -> [phone], Aadhaar/PAN -> [id])",
}


def _norm_col(name) -> str:
    return re.sub(r"[^0-9a-z\u0900-\u09ff]+", "_", str(name).strip().lower()).strip("_")


_NAME_RULES = [
    ("email", re.compile(r"^(?:e_?mail|mail|email_?(?:id|address|addr)|e_?mail_?address|"
                         r"(?:customer|contact|user|client)_e_?mail|ईमेल|ई_मेल|ইমেইল|ই_মেইল)$")),
    ("phone", re.compile(r"^(?:(?:customer_|contact_|alt_|alternate_|home_|work_|mobile_)?"
                         r"(?:phone|mobile|mob|tel|telephone|cell|cellphone|whatsapp|msisdn)"
                         r"(?:_?(?:no|num|number|nr))?|contact_?(?:no|number)|फोन|फ़ोन|मोबाइल|"
                         r"फोन_नंबर|मोबाइल_नंबर|ফোন|মোবাইল|ফোন_নম্বর|মোবাইল_নম্বর)$")),
    ("name", re.compile(r"^(?:(?:customer|contact|client|user|person|first|last|full|given|family|"
                        r"middle|father|mother|sur|fore|nick)_?name|name|names|fname|lname|surname|"
                        r"नाम|ग्राहक_का_नाम|নাম|গ্রাহকের_নাম)$")),
    ("address", re.compile(r"^(?:(?:home|postal|billing|shipping|delivery|street|mailing|customer)_?)?"
                           r"(?:address|addr)(?:_?(?:line)?_?\d)?$|^street$|^पता$|^ঠিকানা$")),
    ("government_id", re.compile(r"^(?:aadhaar|aadhar|aadhaar_(?:no|number)|pan|pan_(?:no|number)|"
                                 r"passport(?:_(?:no|number))?|nid|national_id|voter_id|ssn)$")),
    ("birth_date", re.compile(r"^(?:dob|date_of_birth|birth_?date|birthday)$")),
    ("free_text", re.compile(r"^(?:comments?|feedback|notes?|remarks?|message|review|free_?text|"
                             r"verbatim|टिप्पणी|মন্তব্য)$")),
]


def kind_by_name(column) -> str | None:
    """The kind of PII a column's name says it holds (a key of :data:`PII_KINDS`), or None.

    >>> kind_by_name("Mobile No."), kind_by_name("amount")
    ('phone', None)
    """
    n = _norm_col(column)
    for kind, rule in _NAME_RULES:
        if rule.match(n):
            return kind
    return None


def _whole_numbers(values: pd.Series) -> pd.Series | None:
    """Float values as integer text ("9876543210") when every one is a whole number, else None.

    A phone column with blanks is float64 once it has been through numpy (a DataFrame built
    from numbers and NaN, parquet, Excel): 9876543210.0 must be checked like 9876543210.
    """
    x = values.astype(float).to_numpy()
    if not np.isfinite(x).all() or (x != np.floor(x)).any() or (np.abs(x) >= 2**63).any():
        return None
    return pd.Series(x.astype("int64"), index=values.index).astype(str)


def _kind_by_content(values: pd.Series, threshold: float) -> str | None:
    if values.empty:
        return None
    numeric = False
    if pd.api.types.is_integer_dtype(values.dtype):
        text, numeric = values.astype("int64").astype(str), True
    elif pd.api.types.is_float_dtype(values.dtype):
        text, numeric = _whole_numbers(values), True
        if text is None:
            return None
    elif pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        text = values.astype(str).str.strip()
    else:
        return None
    ascii_text = text.str.translate(ASCII)
    if ascii_text.str.fullmatch(EMAIL.pattern).mean() >= threshold:
        return "email"
    phone = ascii_text.map(lambda v: v.startswith("+") or is_phone(v) if PHONE_RUN.fullmatch(v) else False)
    if phone.mean() >= threshold:
        return "phone"
    if not numeric:
        embedded = ascii_text.str.contains(EMAIL.pattern) | ascii_text.map(
            lambda v: bool(phone_spans(v) or id_spans(v, [])))
        if embedded.any():  # some values: an email or phone in a city, a tier, a comment
            return "free_text"
    return None


def find_pii_columns(df: pd.DataFrame, sample: int = 1000, threshold: float = 0.5) -> dict:
    """PII columns of ``df`` and their kind, found by column name and by content.

    By name (case and punctuation ignored; English, Hindi and Bengali words): ``name``,
    ``first_name``, ``email``, ``e-mail``, ``phone``, ``mobile``, ``whatsapp``, ``address``,
    ``aadhaar``, ``dob``, ``comment``, ``नाम``, ``ফোন``, ... By content, on up to ``sample``
    non-missing values (a fixed-seed sample): a column where at least ``threshold`` of the
    values are email addresses or phone numbers, or a text column in which *some* value holds an
    email, phone number or government id (kind ``free_text``: redacted, not dropped).
    Kinds are the keys of :data:`PII_KINDS`.

    >>> find_pii_columns(pd.DataFrame({"Full Name": ["A B"], "id": ["x@example.com"], "n": [3]}))
    {'Full Name': 'name', 'id': 'email'}
    """
    found = {}
    for col in df.columns:
        kind = kind_by_name(col)
        if kind is None or kind == "free_text":
            values = df[col].dropna()
            if len(values) > sample:
                values = values.sample(sample, random_state=0)
            kind = _kind_by_content(values, threshold) or kind
        if kind is not None:
            found[col] = kind
    return found
