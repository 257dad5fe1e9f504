"""Checks a reader would make of a page in Hindi or Bengali: is any English left?

:func:`stray_english` strips what may stay in Latin script on a translated page (the papers' model
names, the metrics' abbreviations, currency codes, file names, pseudonyms, numbers, the data's own
values) and returns the Latin-script words left: each is a sentence, label or title that was not
translated. The browser test runs it on the text of every ``hi`` and ``bn`` page.

>>> stray_english("BG/NBD मॉडल: 12 ग्राहक, INR 1,234; फ़ाइल orders.csv, ग्राहक c_1a2b3c4d5e, Top customers")
['Top', 'customers']
>>> stray_english("खंड Champions", allowed={"Champions"})
[]
>>> stray_english('प्राचल scheme="quantile" दें; फ़ोल्डर /tmp/reports/segments')
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ALLOWED_NAMES", "stray_english"]

#: Names that stay as they are on every page: model names of the papers, metric abbreviations
#: practitioners say in English, units and the package's name.
ALLOWED_NAMES = (
    "BG/NBD", "MBG/NBD", "Pareto/NBD", "Gamma-Gamma", "sBG", "P(alive)", "SHA-256", "ROC AUC", "NPS", "CSAT",
    "CES", "CLV", "RFM", "UTC", "MAE", "RMSE", "CSV", "crmlib", "sha256", "log-odds", "z", "R", "F", "M",
    "k-means",
    # file sizes, written as practitioners write them in any language
    "kB", "MB", "GB",
    # the key's variable and the command of crmlib.words.page.REIDENTIFY_NOTE, typed as they are
    "CRMLIB_SECRET", "crmlib reidentify --list FILE --customers FILE --out PATH",
)
_CURRENCY = re.compile(r"\b[A-Z]{3}\b")  # ISO 4217 codes: INR, USD, BDT
_FILE = re.compile(r"[\w.\-/]*[\w\-]\.(?:csv|tsv|xlsx?|parquet|json|html|ipynb|png|txt)\b", re.I)
_PSEUDONYM = re.compile(r"\b[a-z]{1,3}_[0-9a-f]{6,}\b")  # crmlib.privacy's pseudonyms: c_1a2b3c4d
_HEX = re.compile(r"\b[0-9a-f]{8,}\b")  # hashes and fingerprints
_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_PATH = re.compile(r"(?<![\w/])(?:~|\.{1,2})?(?:/[\w.\-]+){2,}/?")  # folders and files as typed: /tmp/reports/x
_SETTING = re.compile(r"\b[a-z_]+\s?=\s?(?:\"[^\"]*\"|'[^']*'|[\w.\-/]+)")  # a parameter as typed: scheme="quantile"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


def stray_english(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Latin-script words of ``text`` once data values and allowed names are taken out.

    ``allowed``: the page's data values (segment, category, channel and city names as they are in the
    file, comments, parameter values) and any other name that may stay; matched as whole strings
    before the words are split, longest first. :data:`ALLOWED_NAMES`, currency codes, file names and
    paths, parameters as typed (``scheme="quantile"``), pseudonyms, hashes and links are always
    allowed; a single letter is never counted.
    """
    names = sorted({*ALLOWED_NAMES, *(str(a) for a in allowed if str(a).strip())}, key=len, reverse=True)
    for pattern in (_URL, _SETTING, _PATH, _FILE, _PSEUDONYM, _HEX):
        text = pattern.sub(" ", text)
    for name in names:
        text = re.sub(r"(?<![A-Za-z])" + re.escape(name) + r"(?![A-Za-z])", " ", text)
    text = _CURRENCY.sub(" ", text)
    return [w for w in _WORD.findall(text) if len(w) > 1]
