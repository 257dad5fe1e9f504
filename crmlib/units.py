"""Time units: the one place where days, weeks and months are defined and named.

A summary counts time in the unit ``freq`` (``attrs["freq"]``): ``"H"`` hours (1/24 of a day,
for logs with times of day), ``"D"`` days, ``"W"`` weeks of exactly 7 days, ``"M"`` months of 1/12 of the mean Gregorian year (365.2425 / 12 = 30.436875
days). Horizons are given in days and discount rates per year; :func:`periods` and
:func:`rate_per_period` convert them to a unit. Nothing else converts time.

>>> name("W"), name("W", 1), axis_label("M", "Age")
('weeks', 'week', 'Age (months)')
>>> periods(365, "W"), round(rate_per_period(0.10, "M"), 6)
(52, 0.007974)
>>> name("H"), periods(2, "H")
('hours', 48)
"""

from __future__ import annotations

from crmlib.exceptions import DataError

#: Length of one time unit in days.
UNIT_DAYS = {"H": 1.0 / 24, "D": 1.0, "W": 7.0, "M": 365.2425 / 12}
#: Time units crmlib knows, shortest first.
FREQS = tuple(UNIT_DAYS)
#: Time units of the report pages (hours are for model fits on logs with times of day).
REPORT_FREQS = ("D", "W", "M")
#: Days in the mean Gregorian year; discount rates are given per year of this length.
YEAR_DAYS = 365.2425
#: Plural names of the units, as written on axes and in sentences.
UNIT_NAMES = {"H": "hours", "D": "days", "W": "weeks", "M": "months"}

_DESCRIBED = "'H' (hours), 'D' (days), 'W' (weeks of 7 days) or 'M' (months of 30.436875 days)"


def check(freq, where: str = "freq") -> str:
    """``freq`` itself when it is a unit crmlib knows; a :class:`DataError` saying which ones otherwise."""
    if freq not in UNIT_DAYS:
        raise DataError(f"{where}={freq!r} is not a time unit crmlib knows; use {_DESCRIBED}.")
    return freq


def days(freq: str) -> float:
    """Days in one period of ``freq`` (30.436875 for a month)."""
    return UNIT_DAYS[check(freq)]


def name(freq: str, n: float | None = None) -> str:
    """The unit's name: plural, or singular when ``n`` is 1 (``name("W", 1) == "week"``)."""
    plural = UNIT_NAMES[check(freq)]
    return plural[:-1] if n == 1 else plural


def axis_label(freq: str, what: str) -> str:
    """``what`` with the unit in brackets, the way every time axis is labelled."""
    return f"{what} ({name(freq)})"


def periods(horizon_days: float, freq: str) -> int:
    """A horizon in days as whole periods of ``freq`` (at least one)."""
    return max(1, round(horizon_days / days(freq)))


def rate_per_period(annual_discount: float, freq: str) -> float:
    """The discount rate per period of ``freq`` equal to ``annual_discount`` a year (compounded)."""
    if not annual_discount > -1:
        raise DataError(f"annual_discount must be above -1 (e.g. 0.10 for 10% a year), got {annual_discount!r}.")
    return (1 + annual_discount) ** (days(freq) / YEAR_DAYS) - 1
