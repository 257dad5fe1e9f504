"""Email addresses and phone numbers in their normal forms, and any script's digits as ASCII.

The rules the loaders, the redaction of free text (:mod:`crmlib.redaction`) and the demo data's fake
people share: a normalised email is trimmed and lower-cased, a phone number is E.164. Digits of any
script (Devanagari ०-९, Bengali ০-৯, ...) count as digits.

>>> normalise_phone("098765-43210")
'+919876543210'
>>> normalise_phone("01712-345678", default_region="BD")
'+8801712345678'
>>> to_ascii("९८७६५")
'98765'
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

__all__ = ["ASCII", "EMAIL", "normalise_email", "normalise_phone", "to_ascii"]


def _digit_table() -> dict[int, str]:
    """Every Unicode decimal digit (Devanagari ०-९, Bengali ০-৯, Arabic-Indic, ...) -> ASCII."""
    table = {}
    for cp in range(0x0660, 0x10000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd":
            table[cp] = str(unicodedata.digit(ch))
    return table


_DIGITS = _digit_table()
_SPACES = {0x00A0: " ", 0x2009: " ", 0x202F: " ", 0x2007: " "}
_DASHES = {0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2212: "-"}
#: one character to one (positions keep): any script's digits, spaces and dashes -> ASCII
ASCII = {**_DIGITS, **_SPACES, **_DASHES}


def to_ascii(text: str) -> str:
    """``text`` with every character of :data:`ASCII` replaced; as long as ``text``."""
    return text.translate(ASCII)


#: an ASCII email address (a whole address, or one inside text)
EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)


def normalise_email(s) -> str | None:
    """Trimmed, lower-cased email address, or None when ``s`` is not one.

    >>> normalise_email("  Ravi.Kumar@Example.COM ")
    'ravi.kumar@example.com'
    >>> normalise_email("not an email") is None
    True
    """
    if not isinstance(s, str):
        return None
    t = s.strip()
    if t.lower().startswith("mailto:"):
        t = t[7:]
    t = t.strip().lower()
    if EMAIL.fullmatch(t) and ".." not in t:
        return t
    return None


#: country calling code and the length of national significant numbers, per region
_REGIONS = {
    "IN": ("91", (10,)),
    "BD": ("880", (8, 9, 10)),
    "US": ("1", (10,)),
    "CA": ("1", (10,)),
    "GB": ("44", (9, 10)),
}


def _national_ok(cc: str, nsn: str) -> bool:
    if cc == "91":
        return len(nsn) == 10 and nsn[0] in "23456789"
    if cc == "880":
        if nsn.startswith("1"):
            return len(nsn) == 10 and nsn[1] in "3456789"  # mobile: 1[3-9]XXXXXXXX
        return 8 <= len(nsn) <= 10 and nsn[0] in "23456789"
    if cc == "1":
        return len(nsn) == 10 and nsn[0] in "23456789" and nsn[3] in "23456789"
    if cc == "44":
        return len(nsn) in (9, 10) and nsn[0] != "0"
    return 4 <= len(nsn) <= 14 and nsn[0] != "0"


_CODES = sorted({cc for cc, _ in _REGIONS.values()}, key=len, reverse=True)


def normalise_phone(s, default_region: str = "IN") -> str | None:
    """Phone number in E.164 (``+919876543210``), or None when it is not a valid number.

    International input (``+``, or the ``00`` prefix) keeps its country code; national input
    gets the code of ``default_region`` ("IN", "BD", "US", "CA" or "GB") after its trunk 0 is
    removed. Numbers for India, Bangladesh, NANP and the UK are checked for length and leading
    digits; other country codes only for an overall length of 8-15 digits. Integers and
    whole-number floats are accepted (a phone column read as numbers; 9876543210.0 when it
    has blanks).

    >>> normalise_phone("+91 98765 43210"), normalise_phone("9876543210")
    ('+919876543210', '+919876543210')
    >>> normalise_phone("+44 (0)20 7946 0958"), normalise_phone("12345") is None
    ('+442079460958', True)
    """
    region = default_region.upper()
    if region not in _REGIONS:
        raise ValueError(f"default_region must be one of {', '.join(_REGIONS)}, not {default_region!r}")
    if isinstance(s, (float, np.floating)) and np.isfinite(s) and float(s).is_integer():
        s = int(s)
    if isinstance(s, (int, np.integer)) and not isinstance(s, bool):
        s = str(int(s))
    if not isinstance(s, str):
        return None
    t = to_ascii(s).strip()
    if not t or re.search(r"[^\d\s().+\-/]", t.replace("ext", "")):
        return None
    t = t.replace("(0)", "")
    if t.count("+") > 1 or ("+" in t and not t.startswith("+")):
        return None
    digits = re.sub(r"\D", "", t)
    if t.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if not t.startswith("+") else digits
        if not 8 <= len(digits) <= 15:
            return None
        for cc in _CODES:
            if digits.startswith(cc):
                nsn = digits[len(cc):].lstrip("0") if cc in ("44",) else digits[len(cc):]
                return f"+{cc}{nsn}" if _national_ok(cc, nsn) else None
        return f"+{digits}" if digits[0] != "0" else None
    cc, _lengths = _REGIONS[region]
    if digits.startswith(cc) and _national_ok(cc, digits[len(cc):]) and len(digits) > 10:
        return f"+{digits}"  # "919876543210": country code written without "+"
    if cc == "1" and len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    nsn = digits[1:] if digits.startswith("0") else digits
    return f"+{cc}{nsn}" if _national_ok(cc, nsn) else None
