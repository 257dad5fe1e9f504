"""crmlib.formats: one way to write counts, money, shares, intervals and dates per page language."""

import datetime
import math

import numpy as np
import pandas as pd
import pytest
from babel import numbers as babel_numbers
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib.formats import MISSING, Formats, locale_for

DAY = datetime.date(2026, 12, 2)


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_hindi_and_bengali_group_digits_the_indian_way(lang):
    f = Formats(lang, currency="INR")
    assert f.count(1234567) == "12,34,567"
    assert f.count(123456789) == "12,34,56,789"
    assert f.money(1234567) == "INR\u00a012,34,567"


def test_english_in_india_groups_the_indian_way_and_plain_english_does_not():
    assert Formats(locale="en_IN").count(1234567) == "12,34,567"
    assert Formats("en").count(1234567) == "1,234,567"


def test_english_default_keeps_the_code_before_the_amount():
    """lang="en" keeps the pages' look "INR 1,234" (with a no-break space, so it never wraps)."""
    f = Formats("en", currency="INR")
    assert f.money(1234) == "INR\u00a01,234"
    assert f.money(12.5) == "INR\u00a012.50"
    assert Formats("en").money(1234) == "1,234"  # no currency: a plain number


@pytest.mark.parametrize("lang, currency, expected", [
    ("en", "INR", "-INR\u00a01,234"),
    ("hi", "INR", "-INR\u00a01,234"),
    ("bn", "INR", "-INR\u00a01,234"),
    ("bn", "BDT", "-1,234\u00a0BDT"),  # Bangladesh writes the currency after the amount
    ("en", None, "-1,234"),
])
def test_negative_money_is_written_one_way(lang, currency, expected):
    """The five ways on today's pages ("INR -1,234", "-INR 1,234", "-1,234.50 INR", ...) become one."""
    assert Formats(lang, currency=currency).money(-1234.4) == expected


def test_currency_goes_where_the_locale_puts_it():
    assert Formats("bn", currency="BDT").money(50000) == "50,000\u00a0BDT"
    assert Formats("bn", currency="INR").money(50000) == "INR\u00a050,000"
    assert locale_for("bn", "BDT") == "bn_BD" and locale_for("bn", "USD") == "bn_IN"


def test_native_digits_for_hindi_and_bengali():
    assert Formats("hi", digits="native").count(1234567) == "१२,३४,५६७"
    assert Formats("bn", digits="native").count(1234567) == "১২,৩৪,৫৬৭"
    assert Formats("hi", currency="INR", digits="native").money(-12.5) == "-INR\u00a0१२.५०"
    assert Formats("bn", digits="native").share(0.25) == "২৫%"
    assert Formats("bn", digits="native").date(DAY) == "২ ডিসেম্বর, ২০২৬"
    assert Formats("hi", digits="native").month(DAY) == "दिसंबर २०२६"
    # English has no digits of its own: native asks for nothing new
    assert Formats("en", digits="native").count(2026) == "2,026"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_native_digits_are_the_latin_ones_transliterated(n):
    """Same grouping and signs as Latin digits; only the digits change, each to its own script's."""
    latin, native = Formats("bn").count(n), Formats("bn", digits="native").count(n)
    assert len(latin) == len(native)
    for a, b in zip(latin, native):
        assert (a == b) if not a.isdigit() else (b.isdigit() and int(b) == int(a) and a != b)


@pytest.mark.parametrize("lang, long, month", [
    ("en", "2 December 2026", "December 2026"),
    ("hi", "2 दिसंबर 2026", "दिसंबर 2026"),
    ("bn", "2 ডিসেম্বর, 2026", "ডিসেম্বর 2026"),
])
def test_dates_and_months_in_the_language(lang, long, month):
    f = Formats(lang)
    assert f.date(DAY) == long
    assert f.date(pd.Timestamp(DAY)) == long and f.date("2026-12-02") == long
    assert f.month(datetime.datetime(2026, 12, 31, 23)) == month


def test_money_decimals_are_chosen_once_for_a_column():
    assert Formats.money_decimals([12.5, 99.99]) == 2           # small amounts
    assert Formats.money_decimals([1234.2, 1234.6]) == 2        # differ below 1
    assert Formats.money_decimals([12.5, 1234.0]) == 0          # one choice for the whole set
    assert Formats.money_decimals([np.nan, None, 150.0, 90000.0]) == 0
    assert Formats.money_decimals([]) == 0


@given(st.lists(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), min_size=2, max_size=30))
def test_a_column_never_shows_its_lowest_above_its_highest(values):
    f = Formats("hi", currency="INR")
    d = f.money_decimals(values)
    shown = [f.money(v, d) for v in sorted(values)]
    as_numbers = [float(s.replace("INR\u00a0", "").replace(",", "")) for s in shown]
    assert as_numbers == sorted(as_numbers)
    assert len({len(s.partition(".")[2]) for s in shown}) == 1  # the same decimals in every cell


def test_per_value_decimals_would_disorder_an_interval_but_interval_does_not():
    """Each end on its own picks different decimals (2 for 99.996, 0 for 100.4) and shows the lower
    end as 100.00 beside an upper end of 100; the interval picks once for both ends."""
    f = Formats("en")
    assert (f.number(99.996), f.number(100.4)) == ("100.00", "100")
    assert f.interval(99.996, 100.4) == "100.00\u2009–\u2009100.40"


def test_shares_as_per_cents_with_one_choice_of_decimals():
    f = Formats("en")
    assert f.share(0.256) == "26%"
    assert f.share(0.034) == "3.4%"
    assert Formats.share_decimals([0.034, 0.5]) == 1
    assert f.interval(0.034, 0.5, kind="share") == "3.4%\u2009–\u200950.0%"
    assert Formats("hi").share(0.1234, decimals=1) == "12.3%"


def test_missing_values_are_a_dash():
    f = Formats("hi", currency="INR")
    assert [f.count(None), f.money(math.nan), f.share(pd.NA), f.date(pd.NaT)] == [MISSING] * 4


def test_agrees_with_babel_for_plain_numbers():
    for loc in ("en_001", "hi_IN", "bn_IN"):
        f = Formats(locale=loc)
        assert f.number(1234567.891, 2) == babel_numbers.format_decimal(1234567.891, "#,##,##0.00" if "IN" in loc
                                                                        else "#,##0.00", locale=loc)


def test_bad_arguments_say_what_to_give():
    with pytest.raises(ValueError, match="use one of en, hi, bn"):
        Formats("fr")
    with pytest.raises(ValueError, match="'latin'.*'native'"):
        Formats("hi", digits="deva")
    with pytest.raises(ValueError, match="ISO 4217"):
        Formats("hi", currency="  ")
    with pytest.raises(ValueError, match="kind='percent'"):
        Formats("hi").interval(1, 2, kind="percent")


def test_figure_ticks_share_one_choice_of_decimals():
    ticks = Formats("hi", currency="INR").ticks("money")
    assert ticks.format_ticks([0, 50, 100, 150]) == ["INR\u00a00", "INR\u00a050", "INR\u00a0100", "INR\u00a0150"]
    assert ticks.format_ticks([0, 25.5, 51]) == ["INR\u00a00.00", "INR\u00a025.50", "INR\u00a051.00"]
    assert Formats("bn", digits="native").ticks("count")(1500000) == "১৫,০০,০০০"
    # plain numbers and shares take the fewest decimals that write every tick exactly: 0, 5, 10, not 0.00, 5.00
    number = Formats("en").ticks("number")
    assert number.format_ticks([0, 5, 10, 15]) == ["0", "5", "10", "15"]
    assert number.format_ticks([0.0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"]
    assert Formats("en").ticks("share").format_ticks([0.0, 0.125, 0.25]) == ["0.0%", "12.5%", "25.0%"]


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_what_rounds_to_zero_is_written_without_a_minus(lang):
    """Before: the retention summary read "(-0.0 points a cohort, ...)" for a slope of -0.0003."""
    fmt = Formats(lang)
    assert fmt.number(-0.0003, 1) == fmt.number(0.0, 1)
    assert fmt.share(-0.00004, 1) == fmt.share(0.0, 1) and fmt.money(-0.004, 2) == fmt.money(0.0, 2)
    assert fmt.number(-0.06, 1) != fmt.number(0.06, 1) and fmt.share(0.04, 0) != fmt.share(0.0, 0)


def test_a_flat_cohort_slope_has_no_sign():
    from crmlib.words.retention import _points

    assert _points(Formats("en"), -0.03, True) == "+0.0" and _points(Formats("en"), -0.2, True) == "-0.2"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                          st.floats(min_value=-200, max_value=200), st.sampled_from([0.0, -0.0, 99.99, 100.0, 1e300])),
                max_size=40),
       st.sampled_from(["float64", "float32", "int64"]))
@pytest.mark.slow
def test_decimals_of_a_numeric_array_equal_those_of_its_values_one_by_one(values, dtype):
    """decimals_for takes a numeric array or column in numpy (a column of millions of amounts): the same
    answer as for the same values as a list, one by one."""
    from crmlib.formats import decimals_for

    array = np.array(values, dtype=float)
    if dtype == "int64":
        array = np.nan_to_num(array, nan=0, posinf=0, neginf=0).clip(-1e15, 1e15).astype("int64")
    else:
        array = array.astype(dtype)
    for small, close, fine in ((100, 1, 2), (1, 0.01, 1)):
        expected = decimals_for(array.tolist(), small=small, close=close, fine=fine)
        assert decimals_for(array, small=small, close=close, fine=fine) == expected
        assert decimals_for(pd.Series(array), small=small, close=close, fine=fine) == expected
