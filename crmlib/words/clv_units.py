"""Time units in words for the lifetime-value pages: "week", "18 weeks", "weeks", and round numbers of them.

Shared by :mod:`crmlib.words.clv`, :mod:`crmlib.words.clv_models`, the figures' words and the retention and
covariate pages; re-exported by :mod:`crmlib.words.clv`.

>>> from crmlib.formats import Formats
>>> unit_count(Words("en"), Formats("en"), 18.2, "W")
'18 weeks'
"""

from __future__ import annotations

import math

from crmlib.formats import Formats
from crmlib.words import N_, NP_, Words

__all__ = ["UNIT_COUNT", "UNIT_NAME", "UNIT_ONE", "parameter_number", "round_number", "unit_count", "unit_name",
           "unit_one"]

# ----------------------------------------------------------------------------- time units
#: One unit of time, as in "0.055 purchases a {unit}" or "in the second {unit}".
UNIT_ONE = {"H": N_("hour"), "D": N_("day"), "W": N_("week"), "M": N_("month"), "Q": N_("quarter"),
            None: N_("period")}
#: A number of units; {n} is already written by Formats.
UNIT_COUNT = {"H": NP_("{n} hour", "{n} hours"), "D": NP_("{n} day", "{n} days"),
              "W": NP_("{n} week", "{n} weeks"), "M": NP_("{n} month", "{n} months"),
              "Q": NP_("{n} quarter", "{n} quarters"), None: NP_("{n} period", "{n} periods")}
#: A number of time units without bound, as in "an unbounded number of weeks".
UNBOUNDED = N_("an unbounded number of")

#: The time unit of a parameter's scale, plural ("weeks").
UNIT_NAME = {"H": N_("hours"), "D": N_("days"), "W": N_("weeks"), "M": N_("months"), "Q": N_("quarters"),
             None: N_("periods")}


# ----------------------------------------------------------------------------- helpers
def _wf(w: Words | None, fmt: Formats | None, currency: str | None = None) -> tuple[Words, Formats]:
    fmt = fmt if fmt is not None else Formats(getattr(w, "lang", "en"), currency=currency)
    return (w if w is not None else Words.of(fmt)), fmt


def _freq(freq):
    return freq if freq in UNIT_ONE else None


def unit_one(w: Words, freq) -> str:
    """One time unit in words: ``week``."""
    return w(UNIT_ONE[_freq(freq)])


def unit_name(w: Words, freq) -> str:
    """A time unit's name, plural: ``weeks``."""
    return w(UNIT_NAME[_freq(freq)])


def round_number(fmt: Formats, x: float) -> str:
    """A round, readable number: 18, 3.4, 0.62 (two significant digits below 1)."""
    if abs(x) >= 10:
        return fmt.number(x, 0)
    if abs(x) >= 1:
        return fmt.number(x, 1)
    if x == 0:
        return fmt.number(0, 0)
    return fmt.number(float(f"{x:.2g}"), max(0, 1 - math.floor(math.log10(abs(x)))))


def parameter_number(fmt: Formats, x) -> str:
    """A fitted parameter as a plain number in the page's digits: four significant digits, whole numbers
    above 1,000 in full and grouped, never Python's ``1.733e+04``.

    >>> [parameter_number(Formats("en"), x) for x in (1.7891, 61.2, 17334.4, 354812.9, 0.0000123456, 0)]
    ['1.789', '61.2', '17,334', '354,813', '0.00001235', '0']
    >>> parameter_number(Formats("bn", digits="native"), 13830000.0)
    '১,৩৮,৩০,০০০'
    """
    if x is None or not math.isfinite(float(x)) or float(x) == 0:
        return fmt.number(x, 0)  # a dash when missing, 0 when zero
    x = float(x)
    decimals = max(0, 3 - math.floor(math.log10(abs(x))))
    x = round(x, decimals)
    while decimals and round(x, decimals - 1) == x:  # no trailing zeros: 61.2, not 61.20
        decimals -= 1
    return fmt.number(x, decimals)


def unit_count(w: Words, fmt: Formats, n: float, freq) -> str:
    """A number of time units: ``18 weeks``, ``1 week``; unbounded numbers in words."""
    if not math.isfinite(n):
        return w.plural(UNIT_COUNT[_freq(freq)], 2, n=w(UNBOUNDED))
    text = round_number(fmt, n)
    return w.plural(UNIT_COUNT[_freq(freq)], 1 if n == 1 else 2, n=text)


def _g(fmt: Formats, x: float) -> str:
    """A number as Python's ``:g`` writes it (52, 12, 364), in the page's digits."""
    x = float(x)
    return fmt.number(x, 0 if x == round(x) else fmt.decimals([x]))
