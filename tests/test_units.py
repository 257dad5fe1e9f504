"""crmlib.units: the one definition of days, weeks and months."""

import pytest

from crmlib import units
from crmlib.exceptions import DataError


def test_unit_lengths_are_the_documented_ones():
    """A week is 7 days and a month 1/12 of the mean Gregorian year (365.2425 / 12 days)."""
    assert units.days("D") == 1.0 and units.days("W") == 7.0
    assert units.days("M") == 30.436875 == units.YEAR_DAYS / 12
    assert units.days("H") * 24 == 1.0  # an hour (issue 23: hourly units)


def test_every_module_uses_the_same_tables():
    from crmlib import summary
    from crmlib.clv import _data, value

    assert summary.UNIT_DAYS is units.UNIT_DAYS and value.UNIT_DAYS is units.UNIT_DAYS
    assert _data.UNIT_NAMES is units.UNIT_NAMES and _data.FREQS == units.FREQS == ("H", "D", "W", "M")
    assert units.REPORT_FREQS == ("D", "W", "M")  # report pages stay in days, weeks and months


def test_names_and_labels():
    assert [units.name(f) for f in units.FREQS] == ["hours", "days", "weeks", "months"]
    assert units.name("M", 1) == "month" and units.name("M", 2) == "months"
    assert units.axis_label("W", "Recency") == "Recency (weeks)"


@pytest.mark.parametrize("freq, periods", [("H", 8760), ("D", 365), ("W", 52), ("M", 12)])
def test_a_year_of_discounting_is_the_yearly_rate(freq, periods):
    """Compounding the per-period rate over a mean year gives back the yearly rate exactly."""
    rate = units.rate_per_period(0.10, freq)
    assert (1 + rate) ** (units.YEAR_DAYS / units.days(freq)) == pytest.approx(1.10, rel=1e-12)
    assert units.periods(365, freq) == periods
    assert units.periods(1, "M") == 1  # at least one period


def test_unknown_units_and_rates_are_refused_with_the_known_ones_named():
    with pytest.raises(DataError, match=r"'Q' is not a time unit.*'M' \(months of 30.436875 days\)"):
        units.name("Q")
    with pytest.raises(DataError, match="above -1"):
        units.rate_per_period(-1.5, "W")
