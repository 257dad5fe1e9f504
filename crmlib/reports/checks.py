"""Checks of a report request beyond the parameter types, all made before any kernel starts.

* :func:`check_values`: each value a shipped notebook will use is one it supports: time units and
  periods (asked of the crmlib function that will use them, so the two cannot drift), model
  names, dates, bundled data sets, counts that must be positive, and the currency
  (:func:`currency_code`: an ISO 4217 code, or an unambiguous symbol such as ``₹`` for INR);
* :func:`check_inputs`: every input file is read with the loader the report will use, so a file
  the report would refuse stops the batch with one line, and no failed page is written;
* :func:`for_command_line`: loader messages advise ``columns=`` (a Python argument); on the
  command line the advice becomes renaming the header in the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crmlib.exceptions import DataError

#: Active ISO 4217 currency codes (and the fund and metal codes of the standard).
ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN
BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV
MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG
SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN
UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA
YER ZAR ZMW ZWG ZWL
""".split())

#: Symbols that name one currency only; the pages label money with the code.
CURRENCY_SYMBOLS = {"₹": "INR", "RS": "INR", "RS.": "INR", "€": "EUR", "£": "GBP", "৳": "BDT", "TK": "BDT",
                    "₩": "KRW", "₱": "PHP", "₦": "NGN", "₺": "TRY", "₽": "RUB", "฿": "THB", "₫": "VND"}
#: Symbols shared by several currencies: refused, naming the codes they may mean.
AMBIGUOUS_SYMBOLS = {"$": "USD, CAD, AUD, NZD, SGD, HKD or MXN", "¥": "JPY or CNY", "KR": "SEK, NOK, DKK or ISK",
                     "R": "ZAR or INR (Rs)", "FR": "CHF or XOF"}


def currency_code(value: Any, where: str = "--currency") -> str | None:
    """The ISO 4217 code for ``value``: a code (any case) or an unambiguous symbol; None stays None.

    >>> currency_code("inr"), currency_code("₹"), currency_code(None)
    ('INR', 'INR', None)
    >>> currency_code("$")
    Traceback (most recent call last):
    ...
    crmlib.exceptions.DataError: --currency '$' is used by several currencies (USD, CAD, AUD, NZD, SGD, HKD or MXN); give the ISO 4217 code, e.g. --currency USD.
    """
    if value is None:
        return None
    text = str(value).strip()
    key = text.upper()
    if key in ISO_4217:
        return key
    if key in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[key]
    if key in AMBIGUOUS_SYMBOLS:
        first = AMBIGUOUS_SYMBOLS[key].split(",")[0].split()[0]
        raise DataError(f"{where} {text!r} is used by several currencies ({AMBIGUOUS_SYMBOLS[key]}); "
                        f"give the ISO 4217 code, e.g. {where} {first}.")
    raise DataError(f"{where} {text!r} is not an ISO 4217 currency code; give a three-letter code such as "
                    f"INR, USD, EUR, GBP or BDT (or the symbol ₹, €, £ or ৳).")


def _accepted(values, call) -> tuple[str, ...]:
    """The ``values`` that ``call(value)`` accepts (raises nothing for)."""
    ok = []
    for v in values:
        try:
            call(v)
        except (ValueError, KeyError, TypeError):
            continue
        ok.append(v)
    return tuple(ok)


def feedback_periods() -> tuple[str, ...]:
    """Trend periods the feedback report supports, asked of :func:`crmlib.feedback.nps_by` itself."""
    import pandas as pd

    from crmlib.feedback import scores

    probe = pd.DataFrame({"nps": [9, 3], "date": pd.to_datetime(["2024-01-01", "2024-05-01"])})
    return _accepted(("D", "W", "M", "Q", "H", "Y"), lambda p: scores.nps_by(probe, period=p))


def _choices(name: str, value: Any, allowed, meaning: str = "") -> None:
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise DataError(f"-p {name}={value!r} is not supported; use one of {shown}{meaning}.")


def _date(name: str, value: Any) -> None:
    from crmlib.io import as_date

    if value is not None:
        try:
            as_date(value, what=f"-p {name}")
        except DataError:
            raise DataError(f"-p {name}={value!r} is not a date; give it as YYYY-MM-DD, e.g. {name}=2025-06-30.") from None


def _positive(name: str, value: Any) -> None:
    if value is not None and (not isinstance(value, (int, float)) or value <= 0):
        raise DataError(f"-p {name}={value!r} must be a number above 0.")


def _checks() -> dict[str, Any]:
    """Parameter name -> check(report, name, value) for the shipped notebooks."""
    from crmlib import units
    from crmlib.config import TRANSACTION_MODELS
    from crmlib.reports.inputs import DATASETS
    from crmlib.retention import PERIOD_NAMES

    def period(report, name, value):
        if report == "feedback":
            _choices(name, value, feedback_periods(), " (the trend periods of the feedback report)")

    return {
        "lang": lambda r, n, v: _choices(n, v, ("en", "hi", "bn"), " (English, Hindi, Bengali)"),
        "digits": lambda r, n, v: _choices(n, v, ("latin", "native"), " (0-9, or the language's own digits)"),
        "freq": lambda r, n, v: _choices(n, v, units.REPORT_FREQS, " ('D' days, 'W' weeks, 'M' months)"),
        "period": period,
        "cohort_period": lambda r, n, v: _choices(n, v, tuple(PERIOD_NAMES), " ('W' weeks, 'M' months, 'Q' quarters)"),
        "model": lambda r, n, v: _choices(n, v, ("auto", *TRANSACTION_MODELS)),
        "dataset": lambda r, n, v: v is None or _choices(n, v, tuple(DATASETS), " (the bundled CDNOW data)"),
        **{d: lambda r, n, v: _date(n, v) for d in ("observation_end", "calibration_end", "compare_to")},
        **{p: lambda r, n, v: _positive(n, v) for p in ("horizon_days", "top_n", "bins",
                                                        "min_responses", "winback_n", "fit_periods",
                                                        "churn_window_days")},
    }


def check_values(report: str, values: dict[str, Any]) -> dict[str, Any]:
    """Refuse a value a shipped report does not support; return ``values`` with the currency as its
    ISO 4217 code. The message names the report, the parameter and the values it takes."""
    checks = _checks()
    out = dict(values)
    for name, value in values.items():
        try:
            if name == "currency":
                out[name] = currency_code(value, where="-p currency")
            elif name in checks:
                checks[name](report, name, value)
        except DataError as exc:
            raise DataError(f"Report {report!r}: {exc}") from None
    return out


# ----------------------------------------------------------------------------- input files

_FOR_COMMAND_LINE = (
    (re.compile(r"\(or pass columns= if a column was misread\)"), "(or rename the header of a misread column)"),
    (re.compile(r"To key customers on it, Pass columns=\{.*?: ('[^']*')\}\."), r"To key customers on it, rename "
     r"that header to \1 in the file."),
    (re.compile(r"Pass columns=\{.*?: ('[^']*')\}\."), r"Rename that header to \1 in the file."),
    (re.compile(r", or pass columns=\{'your name': ('[^']*')\}\."), "."),
    (re.compile(r", or pass columns=\{'your name': '[^']*', \.\.\.\}\."), "."),
    (re.compile(r"rename the others with columns=\{\.\.\.\}"), "rename the others in the file"),
    (re.compile(r", or pass columns=\{\.\.\.\}"), ""),
    (re.compile(r"\s*\(?\bor pass columns=\S*\)?"), ""),
)


def for_command_line(message: str) -> str:
    """A loader's message with its Python advice (``columns=``) turned into advice for a file.

    >>> for_command_line("Did you mean 'amt'? Pass columns={'amt': 'amount'}.")
    "Did you mean 'amt'? Rename that header to 'amount' in the file."
    """
    for pattern, replacement in _FOR_COMMAND_LINE:
        message = pattern.sub(replacement, message)
    return message


def check_inputs(files: dict[str, set[Path]], *, blank_amounts: str = "drop") -> None:
    """Read every input file with the loader its reports use; refuse the batch at the first file a
    report would refuse (one line, advice fit for the command line). ``files`` maps an input name
    (transactions, customers, feedback) to the files given for it. Logs read out-of-core
    (:func:`crmlib.reports.inputs.uses_log`) are checked by the report that reads them."""
    from crmlib import io
    from crmlib.reports.html import redact_error
    from crmlib.reports.inputs import uses_log

    loaders = {"transactions": lambda p: io.read_transactions(p, blank_amounts=blank_amounts),
               "customers": io.read_customers, "feedback": io.read_feedback}
    for name in ("transactions", "customers", "feedback"):
        for path in sorted(files.get(name, ())):
            if name == "transactions" and uses_log(Path(path)):
                continue
            try:
                loaders[name](Path(path))
            except DataError as exc:
                # values quoted after their rows are shown as their kind, as on a failed page (issue 18)
                text = redact_error(for_command_line(" ".join(str(exc).split())))
                if name == "transactions" and blank_amounts == "refuse" and "empty or NaN" in text:
                    text += (" (--refuse-blank-amounts is set; without it such rows are dropped and counted "
                             "on the page's data-quality table)")
                raise DataError(f"Input {name!r}: {text}") from None
