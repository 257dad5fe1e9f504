"""What every loader screens a table for once it is read, each finding counted in the ledger.

* **personal data in any text column**: every free-text column of every input (customers ``city``,
  ``loyalty_tier`` and any other attribute; transactions ``category`` and ``channel``; feedback
  ``channel`` and ``comment``) goes through :func:`crmlib.privacy.redact`, the comments' redaction,
  so an email, phone number, Aadhaar or PAN in it never reaches a page or an export. Each column in
  which *some* values held one is named in the ledger with its rows (the values are never quoted).
  The customers' own ``name``, ``email`` and ``phone`` columns (and columns whose name says they
  hold such data) are left to :func:`crmlib.privacy.drop_pii` and the hashed audiences;
* **names and identifiers in attribute columns**: full names cannot be found by a pattern. A
  customer attribute (``city``, ``loyalty_tier``, any other text column) in which most values
  are words and at least half of them differ from customer to customer groups no one and
  identifies people, like a name or an identifier would: it is removed and the ledger says why
  (:func:`looks_identifying`); in the attribute columns that stay, a value that fewer than
  :data:`MIN_GROUP` customers share (a full name typed into ``loyalty_tier``, a one-off city) can
  point at one person, so it is shown as :data:`RARE` and the ledger counts the rows (:func:`rare_values`).
  A column of dates (:func:`looks_like_dates`) is no category and is tested for neither;
* **customer ids that differ only in upper/lower case** (``C7`` and ``c7``): kept apart, flagged;
* **isolated late dates** (:func:`late_dates`): a date more than a year after the rest of its
  column, and after every earlier date by more than the span those cover (``01/01/68`` read as
  2068 beside 2024 dates), flagged; for a column written with two-digit years, also every date
  after today. Two-digit years follow Python's pivot (00-68 are 20xx, 69-99 are 19xx): crmlib
  does not guess a different century, it says which rows to check.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmlib.ids import case_clashes
from crmlib.ledger import Ledger

#: A customer attribute is treated as identifying when it has at least this many values ...
MIN_VALUES = 20
#: ... and at least this share of them are distinct.
DISTINCT_SHARE = 0.5

#: In an attribute column of at least MIN_VALUES values, a value held by fewer customers than this ...
MIN_GROUP = 3
#: ... is replaced by this label (small-cell suppression, as statistical offices publish tables). The
#: overview's tables merge their small groups at the same size (:func:`crmlib.overview.attribute_value`).
RARE = f"other (fewer than {MIN_GROUP} customers)"

#: A column whose known values are dates at least this often is a column of dates ("Joined On",
#: "Last Visit"), never a category: it is neither tested for identifying values nor merged into RARE.
DATE_SHARE = 0.8
_NATIVE_DIGITS = str.maketrans({chr(z + k): str(k) for z in (0x0966, 0x09E6) for k in range(10)})
_DIGIT_GROUP = re.compile(r"\d+")

_KEPT_FOR_AUDIENCES = ("name", "email", "phone")


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values.dtype) or values.dtype == object


def looks_identifying(values: pd.Series) -> tuple[bool, int, int]:
    """(identifying?, distinct values, values) for one attribute column of a customers table."""
    known = values.dropna().astype(str).str.strip()
    known = known[known != ""]
    n, distinct = len(known), int(known.nunique())
    if n < MIN_VALUES:
        return False, distinct, n
    wordy = known.str.contains(r"[^\W\d_]", regex=True).mean() >= 0.8
    return bool(wordy and distinct >= DISTINCT_SHARE * n), distinct, n


def looks_like_dates(values: pd.Series, sample: int = 2000) -> bool:
    """True when at least :data:`DATE_SHARE` of the known values of a column are dates: a day with its
    month and year in any common order, with or without a time, in Latin or native digits (a year alone,
    "2019", or a month name alone is not a date). Tested on up to ``sample`` values spread over the column.

    >>> looks_like_dates(pd.Series(["12/05/2023", "2023-06-01", "১২/০৫/২০২৩", "7 Jan 2024", None]))
    True
    >>> looks_like_dates(pd.Series(["Gold", "Silver", "2019", "March", "12/05/2023"]))
    False
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return True
    known = values.dropna().astype(str).str.strip()
    known = known[known != ""]
    if known.empty:
        return False
    known = known.iloc[::max(1, -(-len(known) // sample))].str.translate(_NATIVE_DIGITS)
    distinct = pd.Series(known.unique())
    parsed = pd.to_datetime(distinct, format="mixed", errors="coerce", dayfirst=True)
    dated = parsed.notna() & (distinct.str.count(_DIGIT_GROUP) >= 2)  # a day and a year at least
    return bool(known.isin(set(distinct[dated.to_numpy()])).mean() >= DATE_SHARE)


def rare_values(values: pd.Series) -> np.ndarray:
    """True where a value of an attribute column is shared by fewer than :data:`MIN_GROUP` rows of a
    column holding at least :data:`MIN_VALUES` values (small columns are left as they are).

    >>> tiers = pd.Series(["Gold"] * 10 + ["Silver"] * 10 + ["Priya Sharma", None])
    >>> rare_values(tiers).nonzero()[0].tolist()
    [20]
    """
    text = values.astype("string").str.strip()
    known = text.notna() & (text != "")
    if int(known.sum()) < MIN_VALUES:
        return np.zeros(len(values), bool)
    counts = text[known].value_counts()
    rare = set(counts.index[counts < MIN_GROUP])
    return (known & text.isin(rare)).fillna(False).to_numpy(dtype=bool)


def late_dates(dates: pd.Series, two_digit_years: bool = False) -> np.ndarray:
    """True for dates that lie apart after the rest of the column (see the module docstring)."""
    d = pd.to_datetime(pd.Series(dates))
    out = np.zeros(len(d), bool)
    if two_digit_years:
        out |= (d > pd.Timestamp.now().normalize() + pd.Timedelta(days=1)).fillna(False).to_numpy(dtype=bool)
    vals = np.sort(d.dropna().to_numpy())
    n = len(vals)
    if n < 2:
        return out
    tail = max(1, n // 20)  # the latest 5 % of the dates, at least one
    gaps = np.diff(vals)
    start = n - tail - 1
    j = start + int(np.argmax(gaps[start:]))
    year = np.timedelta64(365, "D")
    if gaps[j] > year and gaps[j] > vals[j] - vals[0]:
        out |= (d > vals[j]).fillna(False).to_numpy(dtype=bool)
    return out


#: The detail of a date column's late dates, without and with two-digit years.
LATE = "kept; check these dates, they lie more than a year after the others"
LATE_SHORT_YEARS = (LATE + " (written with two-digit years: 00-68 are read as 2000-2068, 69-99 as 1969-1999; write "
                    "four-digit years if these belong to another century)")


def screen(out: pd.DataFrame, rows: np.ndarray, ledger: Ledger, *, text: tuple[str, ...] = (),
           attributes: tuple[str, ...] = (), dates: tuple[str, ...] = (), short_years=(),
           redact: bool = True) -> pd.DataFrame:
    """Screen a loaded table (see the module docstring); returns it, maybe without some columns.

    ``text`` are the free-text columns to redact, ``attributes`` the customer attributes to test
    for identifying values (also redacted), ``dates`` the date columns, ``short_years`` those of
    them written with two-digit years. ``rows`` are the rows' numbers for the ledger.
    """
    from crmlib.privacy import redact as _redact

    clash = case_clashes(out["customer_id"])
    ledger.add("customer ids that differ only in upper/lower case", int(clash.sum()), action="flagged",
               detail="kept as different customers (ids are compared exactly); if they are one customer, "
                      "write the id one way in the file", rows=rows[clash])
    # a column of dates ("Last Visit") is no category: its days are not names and a day that few customers
    # share points at no one, so it is only redacted below, never removed or merged into RARE
    categories = tuple(c for c in attributes if c in out.columns and _is_text(out[c]) and not looks_like_dates(out[c]))
    for col in categories:
        identifying, distinct, n = looks_identifying(out[col])
        if identifying:
            present = out[col].notna().to_numpy()
            ledger.add("column '{column}' looks like names or identifiers", int(present.sum()), action="changed",
                       detail="{distinct} different values among {customers} customers: an attribute that differs "
                              "from customer to customer identifies people and groups no one, so the column "
                              "was removed", rows=rows[present],
                       fields={"column": col, "distinct": int(distinct), "customers": int(n)})
            out = out.drop(columns=col)
    if redact:
        for col in dict.fromkeys(text + attributes):
            if col not in out.columns or not _is_text(out[col]):
                continue
            cleaned = _redact(out[col])
            changed = (cleaned.fillna("").astype(str) != out[col].fillna("").astype(str)).to_numpy()
            ledger.add("email or phone in {column}", int(changed.sum()), action="changed",
                       detail="replaced by [email] / [phone] / [id]; the values are not shown", rows=rows[changed],
                       fields={"column": col})
            out[col] = cleaned
    for col in categories:  # after redaction: an email or phone left as a lone [email] is rare too
        if col not in out.columns:
            continue
        rare = rare_values(out[col])
        ledger.add("rare values in '{column}'", int(rare.sum()), action="changed",
                   detail="values shared by fewer than {min_group} customers are shown as '{rare}': such a "
                          "value can point at one person (a name typed into the column)", rows=rows[rare],
                   fields={"column": col, "min_group": MIN_GROUP, "rare": RARE})
        if rare.any():
            out[col] = out[col].astype(object).where(~rare, RARE)
    for col in dates:
        if col not in out.columns:
            continue
        late = late_dates(out[col], col in short_years)
        detail = LATE_SHORT_YEARS if col in short_years else LATE
        ledger.add("'{column}' in the future or far after the rest of the column", int(late.sum()), action="flagged",
                   detail=detail, rows=rows[late], fields={"column": col})
    return out
