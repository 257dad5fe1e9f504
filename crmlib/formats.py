"""Counts, money, shares, intervals and dates as a page in English, Hindi or Bengali writes them.

One formatter, :class:`Formats`, built on Babel's CLDR data, so every number on a page (tables,
sentences, figure ticks and titles) is written one way for its language:

- **Grouping** as the locale groups: ``1,234,567`` in English, ``12,34,567`` (lakh, crore) in
  Hindi and Bengali (and in ``locale="en_IN"``).
- **Money** with the currency *code* the user gave (``INR``, ``USD``, ``BDT``: codes stay as they
  are on every page), on the side where the locale puts its currency, a no-break space between
  code and amount; a negative amount always as the locale writes it, the minus sign in front:
  ``-INR 1,234``. With no currency, money is a plain number.
- **Decimals once per column**: :meth:`Formats.money_decimals` picks the decimals for a set of
  values, and the whole column (or interval, or axis) is written with them, so rounding never
  shows a column's lowest value above its highest.
- **Dates and months** in the language (``2 दिसंबर 2026``, ``ডিসেম্বর 2026``).
- **Digits**: Latin by default; ``digits="native"`` writes Devanagari (०१२…) or Bengali (০১২…)
  digits in every number and date. English has no other digits and keeps Latin ones.

Locales: ``en`` is CLDR's world English (``en_001``: ``1,234,567``, ``2 December 2026``) so English
pages keep today's look (``INR 1,234``); ``hi`` is ``hi_IN``; ``bn`` is ``bn_IN`` (currency before
the amount, as in Kolkata), or ``bn_BD`` when the currency is ``BDT`` (after it, as in Dhaka).
``locale=`` overrides the choice (e.g. ``Formats(locale="en_IN")`` for English with lakh grouping).

>>> en, hi, bn = Formats("en", currency="INR"), Formats("hi", currency="INR"), Formats("bn", currency="INR")
>>> en.count(1234567), hi.count(1234567)
('1,234,567', '12,34,567')
>>> en.money(-1234.4), hi.money(-1234.4)
('-INR\\xa01,234', '-INR\\xa01,234')
>>> Formats("bn", currency="BDT", digits="native").money(1234567)
'১২,৩৪,৫৬৭\\xa0BDT'
>>> Formats("hi", digits="native").count(2026)
'२,०२६'
>>> hi.share(0.256), bn.interval(0.5, 12.25)
('26%', '0.50 – 12.25')
>>> import datetime
>>> hi.date(datetime.date(2026, 12, 2)), bn.month(datetime.date(2026, 12, 2))
('2 दिसंबर 2026', 'ডিসেম্বর 2026')
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import math
from collections.abc import Iterable

import numpy as np
from babel import Locale, dates, numbers

__all__ = ["DIGITS", "LANGS", "MISSING", "Formats", "locale_for"]

#: The page languages and their default CLDR locales.
LANGS = {"en": "en_001", "hi": "hi_IN", "bn": "bn_IN"}
#: ``digits=``: Latin (0-9) or the language's own digits.
DIGITS = ("latin", "native")
#: How a missing value (None, NaN, NaT) is written: a dash, as tables show it.
MISSING = "–"
#: The first digit (zero) of each CLDR numbering system crmlib writes; the other nine follow it.
_ZERO = {"deva": "०", "beng": "০"}
#: Currencies whose home, for a language, is another region than the language's default.
_REGION_BY_CURRENCY = {("bn", "BDT"): "bn_BD"}
_NBSP = "\u00a0"


def locale_for(lang: str, currency: str | None = None) -> str:
    """The CLDR locale a page in ``lang`` uses for numbers and dates.

    >>> locale_for("hi"), locale_for("bn"), locale_for("bn", "BDT"), locale_for("en")
    ('hi_IN', 'bn_IN', 'bn_BD', 'en_001')
    """
    if lang not in LANGS:
        raise ValueError(f"Language {lang!r} is not one crmlib writes pages in; use one of {', '.join(LANGS)}.")
    return _REGION_BY_CURRENCY.get((lang, (currency or "").upper()), LANGS[lang])


def _finite(values: Iterable) -> list[float]:
    out = []
    for v in values:
        try:
            x = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(x):
            out.append(x)
    return out


def _is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN and NaT are not equal to themselves
    except TypeError:  # pd.NA: its truth value is ambiguous
        return True


def decimals_for(values: Iterable, *, small: float, close: float, fine: int) -> int:
    """``fine`` decimals when the finite values are all small (below ``small`` in size) or lie
    within ``close`` of each other, else 0; one answer for the whole set.

    >>> decimals_for([12.5, 80.25], small=100, close=1, fine=2), decimals_for([150, 2400.7], small=100, close=1, fine=2)
    (2, 0)
    >>> decimals_for([1234.2, 1234.9], small=100, close=1, fine=2), decimals_for([], small=100, close=1, fine=2)
    (2, 0)
    """
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind in "fiu":  # a numeric array or column: the rule in numpy
        xs = np.asarray(values, dtype=float)
        xs = xs[np.isfinite(xs)]
        if not xs.size:
            return 0
        low, high = float(xs.min()), float(xs.max())
        if max(abs(low), abs(high)) < small:
            return fine
        return fine if low != high and high - low < close else 0
    xs = _finite(values)
    if not xs:
        return 0
    if max(abs(x) for x in xs) < small:
        return fine
    if len(set(xs)) > 1 and max(xs) - min(xs) < close:
        return fine
    return 0


def tick_decimals(values: Iterable, most: int = 4) -> int:
    """The fewest decimals (up to ``most``) that write every tick of an axis exactly: ticks sit on
    round steps, so 0, 5, 10 need none and 0.25, 0.5 two.

    >>> tick_decimals([0, 5, 10, 15]), tick_decimals([0.0, 0.25, 0.5]), tick_decimals([1800, 2000.0])
    (0, 2, 0)
    """
    xs = _finite(values)
    for d in range(most + 1):
        if all(abs(x - round(x, d)) <= 1e-9 * max(1.0, abs(x)) for x in xs):
            return d
    return most


class Formats:
    """Numbers, money and dates for one page language (see the module's docstring).

    ``lang`` is ``en``, ``hi`` or ``bn``; ``currency`` an ISO code given by the user (``None``:
    money is written as a plain number); ``digits`` ``"latin"`` or ``"native"``; ``locale`` a CLDR
    locale to use instead of the language's default.
    """

    def __init__(self, lang: str = "en", currency: str | None = None, digits: str = "latin",
                 locale: str | None = None):
        if digits not in DIGITS:
            raise ValueError(f"digits={digits!r}: use 'latin' (0-9) or 'native' (the language's own digits).")
        if currency is not None and (not isinstance(currency, str) or not currency.strip()):
            raise ValueError(f"currency={currency!r}: give an ISO 4217 code such as INR, USD or BDT, or None.")
        self.lang = lang
        self.currency = currency.strip().upper() if currency else None
        self.digits = digits
        self.locale = Locale.parse(locale or locale_for(lang, self.currency))
        system = self.locale.other_numbering_systems.get("native", "latn")
        zero = _ZERO.get(system) if digits == "native" else None
        self._digits = str.maketrans("0123456789", "".join(chr(ord(zero) + i) for i in range(10))) if zero else None

    def __repr__(self) -> str:
        return (f"Formats(lang={self.lang!r}, currency={self.currency!r}, digits={self.digits!r}, "
                f"locale={str(self.locale)!r})")

    def in_digits(self, text: str) -> str:
        """``text`` with its Latin digits written in the page's digits (a label, a year, a date in ISO form).

        >>> Formats("bn", digits="native").in_digits("2024-07 (7+)"), Formats("hi").in_digits("7+")
        ('২০২৪-০৭ (৭+)', '7+')
        """
        return text.translate(self._digits) if self._digits else text

    # ------------------------------------------------------------------ helpers

    def _apply(self, pattern: numbers.NumberPattern, x: float, decimals: int, **kw) -> str:
        p = copy.copy(pattern)
        p.frac_prec = (decimals, decimals)
        if abs(x) * 10.0 ** p.scale <= 0.5 * 10.0 ** -decimals:  # rounds to zero: 0, never "-0.0"
            x = 0.0
        return self.in_digits(p.apply(x, self.locale, **kw))

    @functools.cached_property
    def _decimal(self) -> numbers.NumberPattern:
        return numbers.parse_pattern(self.locale.decimal_formats[None].pattern)

    @functools.cached_property
    def _percent(self) -> numbers.NumberPattern:
        return numbers.parse_pattern(self.locale.percent_formats[None].pattern)

    @functools.cached_property
    def _money(self) -> numbers.NumberPattern:
        """The locale's currency pattern with the ISO code (``¤¤``) in place of the symbol and a
        no-break space between code and digits (CLDR's currency spacing for letter codes)."""
        text = self.locale.currency_formats["standard"].pattern.split(";")[0]
        before = text.index("¤") < text.index("0")
        text = text.replace(_NBSP, "").replace("¤", "¤¤" + _NBSP if before else _NBSP + "¤¤")
        return numbers.parse_pattern(text)

    # ------------------------------------------------------------------ numbers
    def count(self, n) -> str:
        """A whole number of things (customers, orders), grouped as the locale groups."""
        if _is_missing(n):
            return MISSING
        return self._apply(self._decimal, round(float(n)), 0)

    def number(self, x, decimals: int | None = None) -> str:
        """A number with ``decimals`` (default :meth:`decimals` of ``[x]``)."""
        if _is_missing(x):
            return MISSING
        return self._apply(self._decimal, float(x), self.decimals([x]) if decimals is None else decimals)

    @staticmethod
    def decimals(values: Iterable) -> int:
        """Decimals for a column of plain numbers: 2 when all are below 100 in size or they differ
        by less than 1, else 0 (the same rule as money)."""
        return decimals_for(values, small=100, close=1, fine=2)

    def money(self, x, decimals: int | None = None) -> str:
        """An amount with the currency code where the locale puts it; ``decimals`` default
        :meth:`money_decimals` of ``[x]`` (pass the column's to write a column alike)."""
        if _is_missing(x):
            return MISSING
        decimals = self.money_decimals([x]) if decimals is None else decimals
        if self.currency is None:
            return self._apply(self._decimal, float(x), decimals)
        return self._apply(self._money, float(x), decimals, currency=self.currency, currency_digits=False)

    @staticmethod
    def money_decimals(values: Iterable) -> int:
        """Decimals for a set of amounts written together: 2 when every amount is below 100 in size
        or they all lie within 1 of each other, else 0."""
        return decimals_for(values, small=100, close=1, fine=2)

    def share(self, p, decimals: int | None = None) -> str:
        """A share given as a fraction (0.256) written as a per cent (``26%``)."""
        if _is_missing(p):
            return MISSING
        decimals = self.share_decimals([p]) if decimals is None else decimals
        return self._apply(self._percent, float(p), decimals)

    @staticmethod
    def share_decimals(values: Iterable) -> int:
        """Decimals for a set of shares (fractions): 1 when some non-zero share is below 10 % or
        they all lie within 1 percentage point of each other, else 0."""
        xs = [100 * x for x in _finite(values)]
        if any(0 < abs(x) < 10 for x in xs):
            return 1
        return decimals_for(xs, small=0, close=1, fine=1)

    def interval(self, lo, hi, kind: str = "number", decimals: int | None = None) -> str:
        """A range ``lo – hi`` (CLDR's interval pattern), both ends with the same decimals.

        ``kind``: ``number``, ``count``, ``money`` or ``share``.

        >>> Formats("en", currency="USD").interval(9.5, 1250.25, kind="money")
        'USD\\xa010\\u2009–\\u2009USD\\xa01,250'
        >>> Formats("hi").interval(-0.04, 0.12, kind="share")
        '-4.0% – 12.0%'
        """
        one = {"number": (self.number, self.decimals), "money": (self.money, self.money_decimals),
               "share": (self.share, self.share_decimals), "count": (lambda x, d: self.count(x), lambda v: 0)}
        if kind not in one:
            raise ValueError(f"kind={kind!r}: use one of {', '.join(one)}.")
        write, pick = one[kind]
        decimals = pick([lo, hi]) if decimals is None else decimals
        pattern = self.locale.interval_formats.get(None) or "{0} – {1}"
        return pattern.format(write(lo, decimals), write(hi, decimals))

    # ------------------------------------------------------------------ dates
    @staticmethod
    def _as_date(d):
        if hasattr(d, "to_pydatetime"):  # pandas Timestamp
            d = d.to_pydatetime()
        if isinstance(d, str):
            d = _dt.date.fromisoformat(d[:10])
        return d.date() if isinstance(d, _dt.datetime) else d

    def date(self, d, width: str = "long") -> str:
        """A day in the language: ``2 December 2026``, ``2 दिसंबर 2026``; ``width`` ``short``,
        ``medium``, ``long`` or ``full`` (CLDR's date formats)."""
        if _is_missing(d):
            return MISSING
        return self.in_digits(dates.format_date(self._as_date(d), width, locale=self.locale))

    def moment(self, stamp) -> str:
        """A time of day and its day, to the minute in UTC, as the locale joins them: the time a report ran.

        >>> Formats("en").moment("2026-12-04T10:59:22+00:00"), Formats("hi").moment("2026-12-04T16:29:22+05:30")
        ('4 Dec 2026, 10:59', '4 दिस॰ 2026, 10:59')

        Not a time (an index edited by hand): the text as it is.
        """
        if _is_missing(stamp):
            return MISSING
        try:
            moment = _dt.datetime.fromisoformat(str(stamp))
        except ValueError:
            return str(stamp)
        moment = (moment.replace(tzinfo=_dt.UTC) if moment.tzinfo is None
                  else moment.astimezone(_dt.UTC))
        pattern = str(self.locale.datetime_formats["medium"])
        day = dates.format_date(moment.date(), "medium", locale=self.locale)
        time = dates.format_time(moment, "HH:mm", tzinfo=_dt.UTC, locale=self.locale)
        return self.in_digits(pattern.replace("{1}", day).replace("{0}", time))

    def country(self, code: str) -> str:
        """A country by its ISO code, named in the language (CLDR): ``India``, ``भारत``, ``বাংলাদেশ``.

        >>> Formats("en").country("BD"), Formats("hi").country("IN"), Formats("bn").country("BD")
        ('Bangladesh', 'भारत', 'বাংলাদেশ')
        """
        return self.locale.territories.get(str(code).upper(), str(code))

    def month(self, d, width: str = "long") -> str:
        """A month and year: ``December 2026``, ``दिसंबर 2026``; ``width="short"`` ``दिस॰ 2026``."""
        if _is_missing(d):
            return MISSING
        skeleton = {"long": "yMMMM", "short": "yMMM"}[width]
        return self.in_digits(dates.format_skeleton(skeleton, self._as_date(d), locale=self.locale))

    def date_range(self, start, end) -> str:
        """A period from ``start`` to ``end`` as the locale writes a date interval.

        >>> Formats("hi").date_range("2026-12-02", "2027-03-05")
        '2 दिस॰ 2026 – 5 मार्च 2027'
        """
        if _is_missing(start) or _is_missing(end):
            return MISSING
        return self.in_digits(dates.format_interval(self._as_date(start), self._as_date(end), "yMMMd",
                                               locale=self.locale))

    # ------------------------------------------------------------------ figures
    def ticks(self, kind: str = "number"):
        """A matplotlib tick formatter writing an axis's ticks alike: one choice of decimals for all
        ticks shown (``kind``: ``number``, ``count``, ``money``, ``share``)."""
        from matplotlib.ticker import Formatter

        formats = self

        class _Ticks(Formatter):
            def __call__(self, x, pos=None):
                return self.format_ticks([x])[0]

            def format_ticks(self, values):
                values = list(values)
                if kind == "count":
                    return [formats.count(v) for v in values]
                if kind == "money":  # whole amounts, or cents
                    d = 0 if tick_decimals(values) == 0 else formats.money_decimals(values)
                else:
                    d = tick_decimals([100 * v for v in values] if kind == "share" else values)
                write = {"number": formats.number, "money": formats.money, "share": formats.share}[kind]
                return [write(v, d) for v in values]

        return _Ticks()
