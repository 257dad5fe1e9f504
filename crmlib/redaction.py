"""Emails, phone numbers and Indian government ids found in free text, and replaced by marks.

Indian, Bangladeshi and international phone formats are recognised, also inside Hindi and Bengali
sentences, written with Devanagari or Bengali digits, or inside links such as ``wa.me/919812345678``;
Aadhaar numbers and PAN are the ids. Amounts, dates, years and short order numbers are left alone.

>>> redact_text("Call me on +91 98765 43210 or mail ravi@example.com about order 4521")
'Call me on [phone] or mail [email] about order 4521'
"""

from __future__ import annotations

import re

import pandas as pd

from crmlib.contacts import ASCII, EMAIL, to_ascii

__all__ = ["PHONE_RUN", "RULES", "id_spans", "is_phone", "phone_spans", "redact", "redact_text", "value_kind"]

# internationalised addresses (RFC 6530/6531): letters of any script with their vowel signs and
# viramas (Python's \w alone splits रवि), in the local part and the domain; a Unicode TLD (.भारत,
# .বাংলা) or a punycode one (xn--h2brj9c). Run after EMAIL, on what it left.
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
# a run of digits with single separators, optionally after "+"; validated by is_phone. A "/"
# may come before it: "9876543210/9123456780" (two numbers) and "wa.me/919812345678" (a link).
PHONE_RUN = re.compile(
    r"(?<![0-9A-Za-z+@._-])(?:\+ ?)?(?:\(\d{1,5}\)|\d)(?:[ .\-]?(?:\(\d{1,5}\)|\d)){5,}(?![0-9])"
)
# Indian government ids. Aadhaar: 12 digits, the first 2-9, run together or in groups of 4
# (UIDAI; the Verhoeff check digit is not tested, so a mistyped number is still caught).
# PAN: 5 letters, 4 digits, 1 letter (Income Tax Department), e.g. ABCDE1234F.
_AADHAAR = re.compile(r"(?<![0-9A-Za-z])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![0-9A-Za-z])")
_PAN = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{5}\d{4}[A-Za-z](?![0-9A-Za-z])")
_DATE = re.compile(r"(?:19|20)\d\d([-. ])\d{1,2}\1\d{1,2}|\d{1,2}([-. ])\d{1,2}\2(?:19|20)\d\d")
# a date and the hour of a time ("1850-01-01 00:00:00" is the run "1850-01-01 00"): any four-digit year,
# as error messages quote out-of-range dates; never a phone
_DATE_HOUR = re.compile(r"\d{4}([-. ])\d{1,2}\1\d{1,2} \d{1,2}|\d{1,2}([-. ])\d{1,2}\2\d{4} \d{1,2}")
_NANP = re.compile(r"\(?[2-9]\d\d\)?[ .-]?\d{3}[ .-]?\d{4}")


def is_phone(candidate: str) -> bool:
    """Whether a digit run found in text is a phone number (rules, not a full numbering plan)."""
    cand = candidate.strip()
    if _DATE.fullmatch(cand) or _DATE_HOUR.fullmatch(cand):
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


def phone_spans(ascii_text: str) -> list[tuple[int, int]]:
    spans = []
    for m in PHONE_RUN.finditer(ascii_text):
        if is_phone(m.group()):
            spans.append(m.span())
            continue
        # "₹500 9876543210": the run joined two numbers; try groups of space-separated parts
        parts = [(p.start() + m.start(), p.end() + m.start()) for p in re.finditer(r"\S+", m.group())]
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                s, e = parts[i][0], parts[j - 1][1]
                if is_phone(ascii_text[s:e]):
                    spans.append((s, e))
                    i = j
                    break
            else:
                i += 1
    return spans


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def id_spans(ascii_text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
    "email": (_regex_spans(EMAIL), "[email]"),
    "email_idn": (_regex_spans(_EMAIL_IDN), "[email]"),
    "email_obfuscated": (_regex_spans(_EMAIL_OBFUSCATED), "[email]"),
    "phone": (phone_spans, "[phone]"),
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
    masked = list(to_ascii(text))
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
    ascii_text = text.str.translate(ASCII)
    todo = ascii_text.str.contains(_MAYBE_PII, na=False).to_numpy()
    if not todo.any():
        return s.copy()
    out = s.astype(object).copy()
    uniques = pd.unique(text[todo])
    mapping = {u: redact_text(u) for u in uniques}
    out[todo] = text[todo].map(mapping).to_numpy(dtype=object)
    return out.astype(s.dtype) if s.dtype != object else out


#: Values that cannot identify anyone: short numbers, dates, and the words for missing or infinite.
_HARMLESS = re.compile(
    r"[+-]?\d{1,6}(?:[.,]\d{1,4})?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d\d(?::\d\d)?)?"
    r"|(?i:[+-]?(?:nan|inf|infinity)|none|null|n/a|na)|"
)
_TOKEN = re.compile(r"\[(email|phone|id)\]")


def value_kind(value) -> str:
    """A value of a file as a page, the index or an error message may show it: quoted when it cannot identify
    anyone (a short number, a date, "n/a"), else only its kind: ``[email]``, ``[phone]``, ``[id]``, ``[number]``
    or ``[text]`` (a word may be a name; no pattern finds names).

    >>> [value_kind(v) for v in ["Priya Sharma", "priya@example.com", "+91 98765 43210", "1234 5678 9012"]]
    ['[text]', '[email]', '[phone]', '[number]']
    >>> value_kind("12"), value_kind("2024-13-45"), value_kind(" n/a "), value_kind("soon")
    ("'12'", "'2024-13-45'", "'n/a'", '[text]')
    >>> value_kind("31/02/2024"), value_kind("call 98765 43210")
    ("'31/02/2024'", '[phone]')
    """
    text = str(value)
    if _HARMLESS.fullmatch(text.strip()):
        return repr(text.strip())
    redacted = redact_text(text)
    kinds = _TOKEN.findall(redacted)
    if kinds:
        return "[" + " and ".join(dict.fromkeys(kinds)) + "]"
    if len(re.findall(r"\d", redacted)) >= 7 and not re.search(r"[^\W\d_]", text):
        return "[number]"
    return "[text]"
