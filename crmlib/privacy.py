"""Keep personal data out of analytics: find PII columns, pseudonymise ids, redact free text.

What counts as PII here is what identifies a person directly: names, email addresses, phone
numbers, postal addresses, government ids and dates of birth. Analytics needs none of them:

* identifiers are replaced by a **keyed hash** (HMAC-SHA256). The key comes from the
  ``CRMLIB_SECRET`` environment variable (or the ``key`` argument). Without one crmlib's public
  :data:`DEFAULT_KEY` is used, and then the pseudonyms protect nothing: anyone who has crmlib
  can hash every plausible customer id and re-identify the customers. A
  :class:`DefaultKeyWarning` says so the first time a process pseudonymises with it;
  :func:`default_key_warning` gives the same text for a command line to print, and
  :func:`pseudonym_note` the sentence that files describing pseudonyms carry.
* emails, phone numbers and Indian government ids inside free text (survey comments) are
  replaced by ``[email]``, ``[phone]`` and ``[id]``. Indian, Bangladeshi and international phone
  formats are recognised, also inside Hindi and Bengali sentences, written with Devanagari or
  Bengali digits, or inside links such as ``wa.me/919812345678``; Aadhaar numbers and PAN are
  the ids. Amounts, dates, years and short order numbers are left alone.
* :func:`drop_pii` applies both to a whole table and records what it did in the table's ledger.

>>> redact_text("Call me on +91 98765 43210 or mail ravi@example.com about order 4521")
'Call me on [phone] or mail [email] about order 4521'
>>> normalise_phone("098765-43210")
'+919876543210'
>>> normalise_phone("01712-345678", default_region="BD")
'+8801712345678'
>>> pseudonymise(["C000001"], key="k").tolist()
['c_ab5eff3a38f4fc40']
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import os
import re
import unicodedata
import warnings

import numpy as np
import pandas as pd

from crmlib.config import SECRET_ENV
from crmlib.ledger import attach, ledger_of

__all__ = [
    "DEFAULT_KEY", "PII_KINDS", "DefaultKeyWarning", "PrivacyWarning", "default_key_warning", "drop_pii",
    "find_pii_columns", "normalise_email", "normalise_phone", "pseudonym_note", "pseudonymise", "redact",
    "RULES", "redact_text", "using_default_key",
]

#: The key used when neither ``key=`` nor ``CRMLIB_SECRET`` is given. It is public, so
#: pseudonyms made with it are stable but NOT secret.
DEFAULT_KEY = "crmlib-public-default-key"

#: What :func:`find_pii_columns` can report, and what :func:`drop_pii` does with each kind.
PII_KINDS = {
    "name": "dropped",
    "email": "dropped",
    "phone": "dropped",
    "address": "dropped",
    "government_id": "dropped",
    "birth_date": "dropped",
    "free_text": "redacted (emails -> [email], phones -> [phone], Aadhaar/PAN -> [id])",
}


class PrivacyWarning(UserWarning):
    """Personal data may be less protected than intended."""


class DefaultKeyWarning(PrivacyWarning):
    """Pseudonyms are being made with crmlib's public default key, so they can be re-identified.

    A :class:`PrivacyWarning`, hence a ``UserWarning``. crmlib issues it once per process and adds
    no warning filter; an application that has told the user already can filter it out itself.
    """


# ----------------------------------------------------------------------------- keyed hashing

_warned_default_key = False  # a DefaultKeyWarning was issued in this process


def _key_source(key: str | bytes | None) -> tuple[bytes, str]:
    """The key as bytes and where it came from: ``"argument"``, ``"environment"`` or ``"default"``.

    A given key (argument or ``CRMLIB_SECRET``) that equals :data:`DEFAULT_KEY` counts as the
    default: it is just as public.
    """
    source = "argument"
    if key is None or (isinstance(key, (str, bytes)) and not key):
        key, source = os.environ.get(SECRET_ENV) or None, "environment"
    if key is None:
        key, source = DEFAULT_KEY, "default"
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    return raw, "default" if raw == DEFAULT_KEY.encode("utf-8") else source


def using_default_key(key: str | bytes | None = None) -> bool:
    """Whether pseudonyms made with ``key`` (None: the ``CRMLIB_SECRET`` environment variable)
    would use crmlib's public default key, and so could be re-identified by anyone.

    >>> using_default_key("a-long-random-secret")
    False
    >>> using_default_key(DEFAULT_KEY)
    True
    """
    return _key_source(key)[1] == "default"


def default_key_warning(key: str | bytes | None = None) -> str | None:
    """The warning to show a user when pseudonyms would use the public default key, else None.

    A command line prints it once (to stderr); :func:`pseudonymise` issues the same text as a
    :class:`DefaultKeyWarning`. It says what is wrong and how to fix it.

    >>> default_key_warning("a-long-random-secret") is None
    True
    >>> print(default_key_warning(DEFAULT_KEY))  # doctest: +ELLIPSIS
    crmlib is pseudonymising customer ids with its public default key ... set CRMLIB_SECRET ...
    """
    if not using_default_key(key):
        return None
    return (f"crmlib is pseudonymising customer ids with its public default key ({SECRET_ENV} is not "
            f"set). Anyone who has crmlib can re-identify these pseudonyms by hashing every plausible "
            f"customer id. To fix it, set {SECRET_ENV} to a long random secret, e.g. export "
            f"{SECRET_ENV}=$(python -c \"import secrets; print(secrets.token_hex(32))\"), keep it "
            f"private and the same across runs, make the files again and delete those written with "
            f"the default key.")


def pseudonym_note(key: str | bytes | None = None) -> str:
    """How pseudonyms made with ``key`` are protected, for manifests and any text describing them.

    >>> pseudonym_note("s3cret")  # doctest: +ELLIPSIS
    'keyed HMAC-SHA256 with the secret given as key=; without that secret ... cannot be recomputed ...'
    >>> "re-identified by anyone who has crmlib" in pseudonym_note(DEFAULT_KEY)
    True
    """
    source = _key_source(key)[1]
    if source == "default":
        return (f"HMAC-SHA256 with crmlib's PUBLIC default key ({SECRET_ENV} was not set): these "
                f"pseudonyms are NOT protected and can be re-identified by anyone who has crmlib, by "
                f"hashing every plausible customer id. Set {SECRET_ENV} to a long random secret, make "
                f"the file again and delete this one.")
    where = f"the environment variable {SECRET_ENV}" if source == "environment" else "key="
    return (f"keyed HMAC-SHA256 with the secret given as {where}; without that secret the pseudonyms "
            f"cannot be recomputed from customer ids, so keep it private.")


def _resolve_key(key: str | bytes | None) -> bytes:
    global _warned_default_key
    raw, source = _key_source(key)
    if source == "default" and not _warned_default_key:
        _warned_default_key = True
        warnings.warn(default_key_warning(raw), DefaultKeyWarning, stacklevel=3)
    return raw


def pseudonymise(values, key: str | bytes | None = None, prefix: str = "c_") -> pd.Series:
    """Replace identifiers by ``prefix + first 16 hex digits of HMAC-SHA256(key, str(value))``.

    ``values`` may be a Series (the result keeps its index and name), an Index (the result is
    indexed by the original values, handy for ``.map``) or any list/array (a RangeIndex).
    Missing values stay missing. The key is ``key``, else the ``CRMLIB_SECRET`` environment
    variable, else :data:`DEFAULT_KEY` with a :class:`DefaultKeyWarning` (once per process):
    such pseudonyms can be re-identified by anyone who has crmlib, see :func:`pseudonym_note`.
    Equal inputs give equal pseudonyms, so joins across tables still work.

    >>> pseudonymise(pd.Series(["a", None, "a"]), key="secret").tolist()
    ['c_4048c44911916043', nan, 'c_4048c44911916043']
    """
    k = _resolve_key(key)
    if isinstance(values, pd.Series):
        s = values
    elif isinstance(values, pd.Index):
        s = pd.Series(values, index=values, name=values.name)
    else:
        s = pd.Series(list(values) if not isinstance(values, np.ndarray) else values)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    hashed = np.array(
        [prefix + hmac.new(k, str(u).encode("utf-8"), hashlib.sha256).hexdigest()[:16] for u in uniques]
        + [None],  # position -1: missing values
        dtype=object,
    )
    out = hashed[codes] if len(uniques) else np.full(len(s), None, dtype=object)
    dtype = s.dtype if isinstance(s.dtype, pd.StringDtype) else "str"
    return pd.Series(out, index=s.index, name=s.name, dtype=dtype)


# ----------------------------------------------------------------------------- patterns

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
_ASCII = {**_DIGITS, **_SPACES, **_DASHES}  # each maps one character to one: positions keep


def _to_ascii(text: str) -> str:
    return text.translate(_ASCII)


_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
# internationalised addresses (RFC 6530/6531): letters of any script with their vowel signs and
# viramas (Python's \w alone splits रवि), in the local part and the domain; a Unicode TLD (.भारत,
# .বাংলা) or a punycode one (xn--h2brj9c). Run after _EMAIL, on what it left.
_L = r"(?:[^\W_]|[\u0900-\u0DFF\u200c\u200d])"
_EMAIL_IDN = re.compile(
    rf"(?<![\w.+\-\u0900-\u0DFF]){_L}(?:{_L}|[._%+-]){{0,63}}@(?:{_L}(?:(?:{_L}|-){{0,61}}{_L})?\.)+"
    rf"(?:xn--[a-z0-9-]{{2,59}}|{_L}{{2,24}})(?!{_L}|-)", re.IGNORECASE)
# obfuscated addresses written to dodge scrapers: "ravi [at] gmail [dot] com", "ravi (at) gmail.com",
# "ravi{at}gmail(dot)com". "at" must be bracketed: a bare "at" is an ordinary English word.
_AT = r"\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*"
_DOT = r"(?:\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+|\.)"
_EMAIL_OBFUSCATED = re.compile(
    rf"(?<![\w.+-])[\w.+-]*\w{_AT}{_L}(?:{_L}|-)*(?:{_DOT}{_L}(?:{_L}|-)*)*{_DOT}[^\W\d_]{{2,24}}(?!{_L})",
    re.IGNORECASE)
# a run of digits with single separators, optionally after "+"; validated by _is_phone. A "/"
# may come before it: "9876543210/9123456780" (two numbers) and "wa.me/919812345678" (a link).
_PHONE_RUN = re.compile(
    r"(?<![0-9A-Za-z+@._-])(?:\+ ?)?(?:\(\d{1,5}\)|\d)(?:[ .\-]?(?:\(\d{1,5}\)|\d)){5,}(?![0-9])"
)
# Indian government ids. Aadhaar: 12 digits, the first 2-9, run together or in groups of 4
# (UIDAI; the Verhoeff check digit is not tested, so a mistyped number is still caught).
# PAN: 5 letters, 4 digits, 1 letter (Income Tax Department), e.g. ABCDE1234F.
_AADHAAR = re.compile(r"(?<![0-9A-Za-z])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![0-9A-Za-z])")
_PAN = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{5}\d{4}[A-Za-z](?![0-9A-Za-z])")
_DATE = re.compile(r"(?:19|20)\d\d([-. ])\d{1,2}\1\d{1,2}|\d{1,2}([-. ])\d{1,2}\2(?:19|20)\d\d")
_NANP = re.compile(r"\(?[2-9]\d\d\)?[ .-]?\d{3}[ .-]?\d{4}")


def _is_phone(candidate: str) -> bool:
    """Whether a digit run found in text is a phone number (rules, not a full numbering plan)."""
    cand = candidate.strip()
    if _DATE.fullmatch(cand):
        return False
    digits = re.sub(r"\D", "", cand)
    n = len(digits)
    separated = bool(re.search(r"[ .()\-]", cand))
    if cand.startswith("+"):
        return 8 <= n <= 15
    if digits.startswith("00"):
        return 10 <= n <= 17  # international call prefix
    if n == 10:
        # Indian mobile (6-9...), national number with trunk 0, or a US/Canada number
        # ... or a Bangladeshi mobile without its trunk 0, written in groups (1712-345678)
        return (digits[0] in "6789" or digits[0] == "0" and separated or bool(_NANP.fullmatch(cand))
                or digits[0] == "1" and digits[1] in "3456789" and separated)
    if n == 11:
        # trunk 0 + 10 digits (India landline/mobile, Bangladesh 01XXXXXXXXX, UK 07XXX), or 1-800-...
        return digits[0] == "0" or digits[0] == "1" and separated
    if n == 12:
        return digits.startswith("91") and digits[2] in "6789"
    if n == 13:
        return digits.startswith("8801")
    return False


def _phone_spans(ascii_text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _PHONE_RUN.finditer(ascii_text):
        if _is_phone(m.group()):
            spans.append(m.span())
            continue
        # "₹500 9876543210": the run joined two numbers; try groups of space-separated parts
        parts = [(p.start() + m.start(), p.end() + m.start()) for p in re.finditer(r"\S+", m.group())]
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                s, e = parts[i][0], parts[j - 1][1]
                if _is_phone(ascii_text[s:e]):
                    spans.append((s, e))
                    i = j
                    break
            else:
                i += 1
    return spans


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _id_spans(ascii_text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Aadhaar and PAN numbers that do not overlap ``taken`` (emails and phones found first)."""
    spans = []
    for rule in (_AADHAAR, _PAN):
        for m in rule.finditer(ascii_text):
            if not _overlaps(m.span(), taken + spans):
                spans.append(m.span())
    return spans


def _regex_spans(rule: re.Pattern):
    return lambda ascii_text: [m.span() for m in rule.finditer(ascii_text)]


#: The rules of :func:`redact_text`, in the order they run, with the mark each leaves. Each can be
#: run alone (``redact_text(text, rules=("phone",))``), so a test of one rule fails when that rule
#: is broken even where another rule would have caught the same text.
RULES = {
    "email": (_regex_spans(_EMAIL), "[email]"),
    "email_idn": (_regex_spans(_EMAIL_IDN), "[email]"),
    "email_obfuscated": (_regex_spans(_EMAIL_OBFUSCATED), "[email]"),
    "phone": (_phone_spans, "[phone]"),
    "aadhaar": (_regex_spans(_AADHAAR), "[id]"),
    "pan": (_regex_spans(_PAN), "[id]"),
}


def redact_text(text: str, rules=tuple(RULES)) -> str:
    """Replace email addresses by ``[email]``, phone numbers by ``[phone]``, Aadhaar and PAN by ``[id]``.

    Recognised emails: ASCII ones with any TLD up to 24 letters (``ravi@studio.photography``),
    internationalised ones (``रवि@उदाहरण.भारत``, punycode ``xn--``) and obfuscated ones
    (``ravi [at] gmail [dot] com``, ``ravi(at)gmail.com``).
    Recognised phones: Indian (+91 98765 43210, 098765-43210, 9876543210, +91-80-2345-6789),
    Bangladeshi (+880 1712-345678, 01712345678, 1712-345678), international (+44 20 7946 0958,
    0049 30 1234567) and US-style ((212) 555-0123) numbers, with spaces, dashes, dots or
    parentheses, in any script's digits, also after a "/" (``wa.me/919812345678``,
    ``9876543210/9123456780``). Ids: Aadhaar (12 digits, first 2-9, run together or as
    4-4-4) and PAN (``ABCDE1234F``). A 12-digit run that is a phone (``919812345678``) counts
    as a phone. Left alone: amounts (₹1,00,000.50), dates (2024-05-12), years and order
    numbers of a few digits. ``rules`` picks rules of :data:`RULES` (all by default).

    >>> redact_text("मुझे ९८७६५ ४३२१० पर कॉल करें")
    'मुझे [phone] पर कॉल करें'
    >>> redact_text("₹1,00,000.50 paid on 2024-05-12 for order 88231")
    '₹1,00,000.50 paid on 2024-05-12 for order 88231'
    >>> redact_text("लिखें रवि@उदाहरण.भारत या ravi [at] gmail [dot] com")
    'लिखें [email] या [email]'
    """
    if not isinstance(text, str) or not text:
        return text
    masked = list(_to_ascii(text))
    spans = []
    for name in RULES:  # in the order of RULES, whatever the order asked
        if name not in rules:
            continue
        find, token = RULES[name]
        for s, e in find("".join(masked)):
            spans.append((s, e, token))
            masked[s:e] = "\x00" * (e - s)  # what one rule took, the next cannot see
    out, pos = [], 0
    for s, e, token in sorted(spans):
        out.append(text[pos:s])
        out.append(token)
        pos = e
    out.append(text[pos:])
    return "".join(out)


_MAYBE_PII = re.compile(r"@|(?:\d\D?){7}|[A-Za-z]{5}\d{4}[A-Za-z]|[\[({<]\s*(?:at|@)\s*[\])}>]", re.IGNORECASE)


def redact(series: pd.Series) -> pd.Series:
    """:func:`redact_text` over a Series; missing values stay missing, index and dtype are kept."""
    s = series if isinstance(series, pd.Series) else pd.Series(series)
    text = s.astype("str") if not isinstance(s.dtype, pd.StringDtype) else s
    ascii_text = text.str.translate(_ASCII)
    todo = ascii_text.str.contains(_MAYBE_PII, na=False).to_numpy()
    if not todo.any():
        return s.copy()
    out = s.astype(object).copy()
    uniques = pd.unique(text[todo])
    mapping = {u: redact_text(u) for u in uniques}
    out[todo] = text[todo].map(mapping).to_numpy(dtype=object)
    return out.astype(s.dtype) if s.dtype != object else out


# ----------------------------------------------------------------------------- normalisation

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
    if _EMAIL.fullmatch(t) and ".." not in t:
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
    t = _to_ascii(s).strip()
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


# ----------------------------------------------------------------------------- detection

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


def _kind_by_name(column) -> str | None:
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
    ascii_text = text.str.translate(_ASCII)
    if ascii_text.str.fullmatch(_EMAIL.pattern).mean() >= threshold:
        return "email"
    phone = ascii_text.map(lambda v: v.startswith("+") or _is_phone(v) if _PHONE_RUN.fullmatch(v) else False)
    if phone.mean() >= threshold:
        return "phone"
    if not numeric:
        embedded = ascii_text.str.contains(_EMAIL.pattern) | ascii_text.map(
            lambda v: bool(_phone_spans(v) or _id_spans(v, [])))
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
        kind = _kind_by_name(col)
        if kind is None or kind == "free_text":
            values = df[col].dropna()
            if len(values) > sample:
                values = values.sample(sample, random_state=0)
            kind = _kind_by_content(values, threshold) or kind
        if kind is not None:
            found[col] = kind
    return found


def drop_pii(df: pd.DataFrame, keep_id: str = "customer_id", key: str | bytes | None = None) -> pd.DataFrame:
    """A copy of ``df`` fit for analytics: PII columns dropped, the id pseudonymised if it is
    PII itself, free text redacted.

    * **dropped**: every column :func:`find_pii_columns` calls ``name``, ``email``, ``phone``,
      ``address``, ``government_id`` or ``birth_date`` (except ``keep_id``);
    * **masked**: ``keep_id`` when it looks like PII (e.g. customers keyed by email or phone):
      replaced by :func:`pseudonymise` of the normalised value, so the same person keeps one
      pseudonym across tables; ``free_text`` columns: emails and phones replaced by
      ``[email]`` / ``[phone]``.

    Each action is recorded in a copy of the frame's ledger (``df`` itself is not changed).

    >>> out = drop_pii(pd.DataFrame({"customer_id": ["C1"], "name": ["Asha Rao"],
    ...                              "comment": ["ring 9876543210"]}))
    >>> out.to_dict("list")
    {'customer_id': ['C1'], 'comment': ['ring [phone]']}
    """
    pii = find_pii_columns(df)
    out = df.copy()
    led = ledger_of(df)
    led = copy.deepcopy(led) if led is not None else None
    actions = []  # (reason, count, detail)
    to_drop = []
    for col, kind in pii.items():
        present = int(df[col].notna().sum())
        if col == keep_id:
            if kind == "free_text":
                continue
            norm = {"email": normalise_email, "phone": normalise_phone}.get(kind)
            values = df[col].map(lambda v: (norm(v) or v) if isinstance(v, str) else v) if norm else df[col]
            out[col] = pseudonymise(values, key=key)
            actions.append((f"'{col}' looks like PII ({kind})", present,
                            "replaced by pseudonyms: " + pseudonym_note(key)))
        elif kind == "free_text":
            red = redact(df[col])
            changed = int((red.fillna("").astype(str) != df[col].fillna("").astype(str)).sum())
            out[col] = red
            actions.append((f"email or phone in '{col}'", changed, "replaced by [email] / [phone]"))
        else:
            to_drop.append(col)
            actions.append((f"PII column '{col}' ({kind}) removed", present, "column dropped"))
    out = out.drop(columns=to_drop)
    if led is not None:
        for reason, count, detail in actions:
            led.add(reason, count, action="changed", detail=detail)
        attach(out, led)
    return out

