"""Column names: the canonical columns of each table, their aliases, and how a file's header is
mapped onto them (repeated headers, clashes, missing columns, a header row that holds data)."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.io.messages import _names, _show

if TYPE_CHECKING:
    from crmlib.io.files import _Source

#: Other names for canonical columns, tried when the canonical name is absent.
ALIASES: dict[str, tuple[str, ...]] = {
    # most specific first: a file with "Customer" (a name) and "Customer Number" keys on the number
    "customer_id": ("customerid", "cust_id", "custid", "customer_no", "customer_number", "client_id",
                    "user_id", "member_id", "customer"),
    "date": ("order_date", "invoice_date", "invoicedate", "transaction_date", "purchase_date",
             "response_date", "survey_date", "created_at", "timestamp", "datetime"),
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


#: Headers no alias list can hold ("Txn Date", "Amount (Rs)", "Bill No"): a header whose words include one
#: of the first set (and, when a second set is given, one of it too, so that "Customer Name" is never read
#: as the customer id) stands for the column, when it is the only such header left in the file.
KEYWORDS: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    "customer_id": (frozenset({"customer", "cust", "client", "member"}),
                    frozenset({"id", "no", "number", "num", "code", "key"})),
    "order_id": (frozenset({"invoice", "order", "bill", "receipt", "transaction", "txn"}),
                 frozenset({"id", "no", "number", "num", "code"})),
    "date": (frozenset({"date"}), None),
    "amount": (frozenset({"amount", "amt"}), None),
    "nps": (frozenset({"nps", "recommend", "recommendation"}), None),
    "csat": (frozenset({"csat", "satisfaction", "satisfied"}), None),
    "ces": (frozenset({"ces", "effort"}), None),
}


_TEXT_WORDS = frozenset({"comment", "comments", "text", "remarks", "reason", "why", "verbatim", "name"})


def keyword_candidates(target: str, names) -> list[str]:
    """The names among ``names`` whose words say they hold ``target`` (:data:`KEYWORDS`).

    >>> keyword_candidates("date", ["Txn Date", "Category", "Amount (Rs)"])
    ['Txn Date']
    >>> keyword_candidates("customer_id", ["Customer Name", "Client Code"])
    ['Client Code']
    >>> keyword_candidates("csat", ["Overall satisfaction (1-5)", "Satisfaction comments"])
    ['Overall satisfaction (1-5)']
    """
    if target not in KEYWORDS:
        return []
    first, second = KEYWORDS[target]
    out = []
    for name in names:
        words = set(_norm(name).split("_"))
        if words & _TEXT_WORDS:  # "Satisfaction comments" holds text, not scores
            continue
        if words & first and (second is None or words & second):
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
        src.notes.append(f"the header {_show(n)} appears {counts[n]} times (columns {where(n)}); "
                         f"read as {_names(mangled)}")


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
        for alias in ALIASES.get(target, ()):  # in order of preference
            if alias in normed:
                frame = frame.rename(columns={normed[alias]: target})
                src.notes.append(f"column {normed[alias]!r} used as {target!r}")
                break
        else:
            found = keyword_candidates(target, [c for c in frame.columns if c not in wanted])
            if len(found) == 1:  # two or more ("Txn Date", "Ship Date"): not guessed, named in the message
                frame = frame.rename(columns={found[0]: target})
                src.notes.append(f"column {found[0]!r} used as {target!r}")
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
        hints = []
        for col in missing:
            several = keyword_candidates(col, [c for c in frame.columns if c not in wanted])
            close = several[:1] or difflib.get_close_matches(col, list(frame.columns), n=1, cutoff=0.6)
            if len(several) > 1:
                hints.append(f"Columns {_names(several)} could each be {col!r}: crmlib will not guess which. "
                             f"Rename the one that holds it to {col!r}, or pass columns={{'your name': {col!r}}}.")
            elif close:
                hints.append(f"Did you mean {_show(close[0])}? Pass columns={{{_show(close[0])}: {col!r}}}.")
            else:
                hints.append(f"Name it {col!r}, or pass columns={{'your name': {col!r}}}.")
        require_columns(frame, schema.required, src.name, schema.table, " ".join(hints))  # the one wording
    src.frame = frame
