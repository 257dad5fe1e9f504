"""Column names: the canonical columns of each table, their aliases, and how a file's header is
mapped onto them (repeated headers, clashes, missing columns, a header row that holds data)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.io.messages import _names, _show
from crmlib.ledger import Note
from crmlib.screening import looks_like_dates

if TYPE_CHECKING:
    from crmlib.io.files import _Source

#: Other names for canonical columns, tried when the canonical name is absent.
ALIASES: dict[str, tuple[str, ...]] = {
    # most specific first: a file with "Customer" (a name) and "Customer Number" keys on the number
    "customer_id": ("customerid", "cust_id", "custid", "customer_no", "customer_number", "client_id",
                    "user_id", "member_id", "customer"),
    "date": ("order_date", "invoice_date", "invoicedate", "transaction_date", "purchase_date",
             "response_date", "survey_date", "created_at", "paid_at", "processed_at", "timestamp", "datetime"),
    "amount": ("revenue", "sales", "order_value", "value", "total", "dollar_value", "net_amount",
               "amount_inr", "price_total"),
    "order_id": ("invoice", "invoice_no", "invoiceno", "order", "order_no", "transaction_id"),
    "quantity": ("qty", "units", "number_of_items"),
    "category": ("product_category", "category_name", "item_category", "product_type", "department"),
    "channel": ("sales_channel", "order_channel", "purchase_channel", "survey_channel", "response_channel"),
    "city": ("customer_city", "town"),
    "signup_date": ("signup", "joined", "registration_date", "created"),
    "loyalty_tier": ("tier", "loyalty", "loyalty_level"),
    "nps": ("nps_score", "likelihood_to_recommend", "recommend"),
    "csat": ("csat_score", "satisfaction"),
    "ces": ("ces_score", "effort"),
    "comment": ("comments", "feedback", "text", "verbatim", "remarks"),
}


#: The note of a header read as one of crmlib's columns.
USED_AS = "column '{column}' used as '{target}'"

#: Headers no alias list can hold ("Txn Date", "Amount (Rs)", "Bill No", "গ্রাহক আইডি"): a header whose words
#: match one of the column's rules stands for the column, when it is the only such header left in the file.
#: A rule is a set of words, or two sets that must both be met (so that "Customer Name" is never read as the
#: customer id, nor "Unit Price" as the amount). Words are English, Hindi and Bengali, as shop registers in
#: India and Bangladesh are written.
_ID = frozenset({"id", "no", "number", "num", "code", "key",
                 "आईडी", "कोड", "नंबर", "नम्बर", "संख्या", "क्रमांक", "सं",
                 "আইডি", "কোড", "নং", "নম্বর", "নাম্বার", "ক্রমিক"})
#: Words and signs of money beside a total: the currencies of crmlib's shops (:func:`header_words` keeps the signs).
_MONEY = frozenset({"net", "grand", "rs", "inr", "rupees", "rupee", "tk", "taka", "bdt", "usd", "₹", "৳", "$",
                    "रुपये", "रुपए", "रु", "টাকা"})
KEYWORDS: dict[str, tuple[tuple[frozenset[str], ...], ...]] = {
    "customer_id": ((frozenset({"customer", "cust", "client", "member",
                                "ग्राहक", "कस्टमर", "গ্রাহক", "গ্রাহকের", "ক্রেতা", "ক্রেতার", "কাস্টমার"}), _ID),),
    "order_id": ((frozenset({"invoice", "order", "bill", "receipt", "transaction", "txn",
                             "बिल", "चालान", "ऑर्डर", "इनवॉइस", "रसीद",
                             "বিল", "চালান", "অর্ডার", "ইনভয়েস", "রসিদ", "মেমো"}), _ID),),
    "date": ((frozenset({"date", "तारीख", "तारीख़", "दिनांक", "तिथि", "তারিখ"}),),),
    "amount": ((frozenset({"amount", "amt", "subtotal", "राशि", "रकम", "টাকা"}),),
               # "Total Price", "कुल मूल्य", "মোট দাম": a total, not a unit price
               (frozenset({"total", "net", "कुल", "মোট"}),
                frozenset({"price", "value", "मूल्य", "कीमत", "দাম", "মূল্য"})),
               # "Net Total (₹)", "Grand Total", "Total (Tk)": a total of money, not "Total Quantity"
               (frozenset({"total", "कुल", "মোট"}), _MONEY)),
    "quantity": ((frozenset({"quantity", "qty", "units", "मात्रा", "পরিমাণ"}),),),
    "category": ((frozenset({"category", "श्रेणी", "कैटेगरी", "শ্রেণি", "শ্রেণী", "ক্যাটাগরি"}),),
                 (frozenset({"item", "product", "उत्पाद", "सामान", "পণ্য", "পণ্যের"}),
                  frozenset({"group", "type", "class", "family", "प्रकार", "ধরন", "প্রকার"}))),
    "nps": ((frozenset({"nps", "recommend", "recommendation", "सिफारिश", "सिफ़ारिश", "সুপারিশ", "সুপারিশের"}),),),
    "csat": ((frozenset({"csat", "satisfaction", "satisfied", "संतुष्टि", "সন্তুষ্টি"}),),),
    "ces": ((frozenset({"ces", "effort"}),),),
    "city": ((frozenset({"city", "town", "शहर", "শহর"}),),),
    # "Joined On", "Signup Date", "Registration Date", "जुड़ने की तारीख", "যোগদানের তারিখ": joining beside a date,
    # so neither "Registration No" nor "Last Order Date" is the signup date; "Member Since", "Customer Since"
    "signup_date": ((frozenset({"joined", "join", "joining", "signup", "signed", "sign", "registered", "registration",
                                "enrolled", "enrollment", "enrolment", "membership", "created",
                                "जुड़ने", "जुड़े", "जुड़ा", "शामिल", "पंजीकरण", "पंजीकृत", "रजिस्ट्रेशन", "सदस्यता",
                                "যোগদানের", "যোগদান", "যোগ", "নিবন্ধন", "নিবন্ধনের", "রেজিস্ট্রেশন", "রেজিস্ট্রেশনের",
                                "সদস্যপদ", "সদস্যপদের", "সদস্য"}),
                     frozenset({"date", "dt", "on", "since", "तारीख", "तारीख़", "दिनांक", "तिथि", "डेट",
                                "তারিখ", "তারিখে", "ডেট"})),
                    (frozenset({"member", "customer", "client"}), frozenset({"since"}))),
    "name": ((frozenset({"name", "नाम", "নাম"}),),),
    "phone": ((frozenset({"phone", "mobile", "फोन", "फ़ोन", "मोबाइल", "ফোন", "মোবাইল"}),),),
    "email": ((frozenset({"email", "ईमेल", "ইমেইল"}),), (frozenset({"e", "ई", "ই"}), frozenset({"mail", "मेल", "মেইল"}))),
    "comment": ((frozenset({"comment", "comments", "remark", "remarks", "टिप्पणी", "राय", "মন্তব্য", "মতামত"}),),),
}
#: Written as headers are compared (Unicode NFC: "तारीख़" typed with or without the precomposed letter).
KEYWORDS = {t: tuple(tuple(frozenset(unicodedata.normalize("NFC", w) for w in part) for part in rule)
                     for rule in rules) for t, rules in KEYWORDS.items()}


#: What the values of an optional column read by another name (:data:`ALIASES`) or by its header's words alone
#: (:data:`KEYWORDS`) must look like; one that does not stays the file's own column.
KEYWORD_FITS = {"signup_date": looks_like_dates}


#: Words of a column that holds text (comments, names): such a column is never read as a score or an id.
_TEXT_WORDS = frozenset({"comment", "comments", "text", "remark", "remarks", "reason", "why", "verbatim", "name",
                         "टिप्पणी", "राय", "नाम", "কারণ", "মন্তব্য", "মতামত", "নাম"})
#: Words of a column of contact details: such a column is never read as an id, whatever else its header says.
_CONTACT_WORDS = frozenset({"phone", "mobile", "email", "mail", "फोन", "फ़ोन", "मोबाइल", "ईमेल", "ফোন", "মোবাইল", "ইমেইল"})
#: What separates the words of a header: anything but letters, digits and the marks of Devanagari and Bengali
#: script (a vowel sign or virama is not a word character to ``re``'s ``\w``).
_NOT_WORD = re.compile(r"[^0-9a-z\u00c0-\u024f\u0900-\u09ff]+")
#: Currency signs, each a word of its own ("Total (₹)" says it holds money).
_MONEY_SIGNS = re.compile("[₹৳$]")


def header_words(name) -> set[str]:
    """The words of a header, lower-cased, in any of crmlib's scripts.

    >>> sorted(header_words("Amount (Rs)")), sorted(header_words("গ্রাহক আইডি"))
    (['amount', 'rs'], ['আইডি', 'গ্রাহক'])
    """
    text = unicodedata.normalize("NFC", str(name)).strip().lstrip("\ufeff").lower()
    text = text.replace("\u200c", "").replace("\u200d", "")  # joiners shape Bengali letters; no word breaks
    return {w for w in _NOT_WORD.split(text) if w} | set(_MONEY_SIGNS.findall(text))


def _contact_columns(names) -> list[str]:
    """The names among ``names`` of email columns ("Email", "ইমেইল"), else of phone columns ("Billing Phone")."""
    email = [n for n in names if keyword_candidates("email", [n])]
    return email or [n for n in names if header_words(n) & _CONTACT_WORDS]


def keyword_candidates(target: str, names) -> list[str]:
    """The names among ``names`` whose words say they hold ``target`` (:data:`KEYWORDS`).

    >>> keyword_candidates("date", ["Txn Date", "Category", "Amount (Rs)"])
    ['Txn Date']
    >>> keyword_candidates("customer_id", ["Customer Name", "Client Code"])
    ['Client Code']
    >>> keyword_candidates("csat", ["Overall satisfaction (1-5)", "Satisfaction comments"])
    ['Overall satisfaction (1-5)']
    >>> keyword_candidates("amount", ["একক দাম", "মোট দাম"])
    ['মোট দাম']
    >>> keyword_candidates("amount", ["Total Quantity", "Net Total (₹)"]), keyword_candidates("amount", ["Grand Total"])
    (['Net Total (₹)'], ['Grand Total'])
    """
    out = []
    for name in names:
        words = header_words(name)
        if target not in ("comment", "name") and words & _TEXT_WORDS:  # "Satisfaction comments" holds text, not scores
            continue
        if target in ("customer_id", "order_id") and words & _CONTACT_WORDS:  # "Customer Phone No" is not an id
            continue
        if any(all(words & part for part in rule) for rule in KEYWORDS.get(target, ())):
            out.append(name)
    return out


@dataclass(frozen=True)
class _Schema:
    table: str
    required: tuple[str, ...]
    optional: tuple[str, ...]


TRANSACTIONS = _Schema("transactions", ("customer_id", "date", "amount"),
                       ("order_id", "quantity", "category", "channel"))
CUSTOMERS = _Schema("customers", ("customer_id",),
                    ("signup_date", "city", "loyalty_tier", "name", "email", "phone"))
FEEDBACK = _Schema("feedback", ("customer_id", "date"), ("nps", "csat", "ces", "channel", "comment"))


#: Every column name crmlib recognises, normalised: canonical names and their aliases.
_KNOWN_NAMES = ({c for schema in (TRANSACTIONS, CUSTOMERS, FEEDBACK) for c in schema.required + schema.optional}
                | {a for names in ALIASES.values() for a in names})


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lstrip("\ufeff").lower()).strip("_")


_NUMBER = re.compile(r"^[-+]?[\d.,]+$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _data_like(header) -> list[str]:
    """Where a header row holds values that no header would: a number, a date or an email address
    ("a date in column 3"), counting columns from 1; empty when the row reads as column names.

    >>> _data_like(["C001", "Rahul Sharma", "2024-01-05", "100.5"])
    ['a date in column 3', 'a number in column 4']
    >>> _data_like(["Customer", "Invoice Date", "Amount (INR)"])
    []
    """
    found = []
    for i, name in enumerate(header, start=1):
        text = str(name).strip()
        if _DATE_LIKE.match(text):
            found.append(f"a date in column {i}")
        elif _NUMBER.match(text) and any(ch.isdigit() for ch in text):
            found.append(f"a number in column {i}")
        elif "@" in text and "." in text.split("@")[-1]:
            found.append(f"an email address in column {i}")
    return found


def _repeated_headers(src: _Source, schema: _Schema, columns: dict | None) -> None:
    """Refuse a header written twice (``amount,amount``) when crmlib would use it; note the others."""
    counts = Counter(src.header)
    repeated = [n for n, k in counts.items() if k > 1]
    if not repeated:
        return
    wanted = schema.required + schema.optional
    known = {a for t in wanted for a in ALIASES.get(t, ())} | set(wanted)

    def where(name):
        return ", ".join(str(i + 1) for i, h in enumerate(src.header) if h == name)

    used = [n for n in repeated if n in (columns or {}) or _norm(n) in known]
    if used:
        raise DataError(f"{src.name} ({schema.table}): " + "; ".join(
            f"the header {_show(n)} appears {counts[n]} times (columns {where(n)}, counting from 1)" for n in used)
            + ". crmlib will not guess which of them holds the data: rename or delete the extra ones "
              "in the file and load it again.")
    for n in repeated:
        mangled = [c for c, h in zip(src.frame.columns, src.header) if h == n]
        src.notes.append(Note("the header {header} appears {times} times (columns {columns}); read as {names}",
                              header=_show(n), times=counts[n], columns=where(n), names=_names(mangled)))


def _empty(values: pd.Series) -> bool:
    """True for a column without a value (missing or blank in every row)."""
    return bool((values.dropna().astype(str).str.strip() == "").all())


def _canonical_columns(src: _Source, schema: _Schema, columns: dict | None) -> None:
    _repeated_headers(src, schema, columns)
    frame = src.frame
    if columns:
        unknown = [k for k in columns if k not in frame.columns]
        if unknown:
            raise DataError(
                f"{src.name}: columns= names {', '.join(map(repr, unknown))} which the {schema.table} "
                f"file does not have. Its columns are: {_names(frame.columns)}.")
        frame = frame.rename(columns=columns)
    wanted = schema.required + schema.optional
    frame = frame.rename(columns={c: _norm(c) for c in frame.columns if _norm(c) in wanted and _norm(c) != c})
    for target in wanted:
        if target in frame.columns:
            continue
        normed = {_norm(c): c for c in frame.columns if c not in wanted}
        fits = KEYWORD_FITS.get(target, lambda values: True)
        for alias in ALIASES.get(target, ()):  # in order of preference
            # an alias whose values do not fit ("Joined" of yes and no) stays the file's own column, as below;
            # an empty one is still the column it names
            if alias in normed and (fits(frame[normed[alias]]) or _empty(frame[normed[alias]])):
                frame = frame.rename(columns={normed[alias]: target})
                src.notes.append(Note(USED_AS, column=normed[alias], target=target))
                break
        else:
            found = keyword_candidates(target, [c for c in frame.columns if c not in wanted])
            # two or more ("Txn Date", "Ship Date"): not guessed, named in the message; an optional column read by
            # its words alone whose values do not fit ("Member Since" of years, "Registered On" of "App") stays
            # the file's own column, not a refused file
            if len(found) == 1 and fits(frame[found[0]]):
                frame = frame.rename(columns={found[0]: target})
                src.notes.append(Note(USED_AS, column=found[0], target=target))
    counts = pd.Series(frame.columns).value_counts()
    clashes = [c for c in counts.index[counts > 1] if c in wanted]
    if clashes:
        originals = {c: [o for o in src.frame.columns if _norm(o) == c or (columns or {}).get(o) == c]
                     for c in clashes}
        raise DataError(f"{src.name} ({schema.table}): " + "; ".join(
            f"columns {_names(originals[c])} would all be {c!r}" for c in clashes)
            + ". Keep one of them, or rename the others with columns={...}.")
    missing = [c for c in schema.required if c not in frame.columns]
    if missing:
        data_like = _data_like(src.header)
        if data_like:  # the first row is data: it may hold a name, so none of it is repeated
            raise DataError(
                f"{src.name} ({schema.table}): the file seems to have no header row: its first row holds "
                + ", ".join(data_like) + f", which look like data, not column names. Add a header row "
                f"naming the columns ({', '.join(schema.required)} are required), or pass columns={{...}}.")
        hints, unnamed = [], []
        for col in missing:
            several = keyword_candidates(col, [c for c in frame.columns if c not in wanted])
            close = several[:1] or difflib.get_close_matches(col, list(frame.columns), n=1, cutoff=0.6)
            if len(several) > 1:
                hints.append(f"Columns {_names(several)} could each be {col!r}: crmlib will not guess which. "
                             f"Rename the one that holds it to {col!r}, or pass columns={{'your name': {col!r}}}.")
            elif close:
                hints.append(f"Did you mean {_show(close[0])}? Pass columns={{{_show(close[0])}: {col!r}}}.")
            elif col == "customer_id" and len(contact := _contact_columns(frame.columns)) == 1:
                hints.append(f"{_show(contact[0])} may name the customers (a Shopify orders export names them "
                             "only by email), but crmlib never takes contact details as the id by itself; the id "
                             "is pseudonymised on every page. To key customers on it, "
                             f"Pass columns={{{_show(contact[0])}: 'customer_id'}}.")
            else:
                unnamed.append(col)
        if len(unnamed) == 1:
            hints.append(f"Name it {unnamed[0]!r}, or pass columns={{'your name': {unnamed[0]!r}}}.")
        elif unnamed:  # one sentence for all of them, not "Name it 'customer_id'. Name it 'date'. ..."
            hints.append(f"Name the columns that hold them {_names(unnamed)} (headers such as 'Customer ID', "
                         "'Invoice Date', 'Amount', or their Hindi and Bengali words, are read too), or pass "
                         f"columns={{'your name': {unnamed[0]!r}, ...}}.")
        require_columns(frame, schema.required, src.name, schema.table, " ".join(hints))  # the one wording
    src.frame = frame
