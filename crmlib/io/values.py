"""Values of a column: dates (formats, time zones, the accepted range), numbers (currencies, grouping,
decimal commas), customer ids and score scales."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.ids import ID_RULE, float_style, normalise_ids
from crmlib.io.files import _Source
from crmlib.io.messages import _problem, _show
from crmlib.ledger import Ledger, Note

#: The dates crmlib accepts, in every date column. Outside them a date is a typo or a placeholder.
DATE_MIN = pd.Timestamp("1900-01-01")
DATE_MAX = pd.Timestamp("2100-12-31 23:59:59.999999")


SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


#: Devanagari (०-९) and Bengali (০-৯) digits as the Latin digits they are, for numbers and dates written in
#: them (``৳ ১,২০০.৫০``, ``০১/০৭/২০২৪``). Ids keep the digits they were written with.
_NATIVE_DIGITS = str.maketrans({chr(zero + k): str(k) for zero in (0x0966, 0x09E6) for k in range(10)})


def _latin_digits(text: pd.Series) -> pd.Series:
    """``text`` with native digits written as Latin ones (the same object when there are none).

    >>> _latin_digits(pd.Series(["৳ ১,২০০.৫০", "१२", None], dtype="string")).tolist()
    ['৳ 1,200.50', '12', <NA>]
    """
    native = text.str.contains("[\u0966-\u096f\u09e6-\u09ef]", regex=True).fillna(False)
    if not native.any():
        return text
    return text.where(~native, text[native].str.translate(_NATIVE_DIGITS))


def _as_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(series):  # ids from Parquet or Excel: 1.0 is the id "1"
        whole = series.dropna()
        if (np.isfinite(whole) & (whole.abs() < 2 ** 53) & (whole == whole.round())).all():
            series = series.astype("Int64")
    out = series.astype("string").str.strip()
    return out.mask(out.isin(["", "nan", "NaN", "None", "NULL", "null", "NA", "N/A", "<NA>"]))


#: Text columns whose values are one whatever their upper/lower case: "Online", "online " and "ONLINE" are one
#: channel, "Electronics" and "electronics" one category, "Pune" and "PUNE" one city, shown as the file writes it
#: most often (:func:`spellings`), on the pandas and the SQL path alike.
ONE_SPELLING = ("channel", "category", "city", "loyalty_tier")


def spellings(counts: pd.DataFrame) -> dict[str, str]:
    """Each value -> the spelling it is shown in. ``counts`` has one row per distinct value (trimmed text, as
    :func:`_as_text` keeps it) with ``value``, ``rows`` (how many rows of the file hold it) and ``first`` (where
    it first appears: a number that sorts as the rows do). Values equal once case-folded are one value, spelt as
    most rows spell it; on a tie, as the first row of them does.

    >>> counts = pd.DataFrame({"value": ["online", "Store", "Online", "STORE", "store"],
    ...                        "rows": [1, 2, 2, 1, 2], "first": [0, 1, 2, 3, 4]})
    >>> spellings(counts)
    {'online': 'Online', 'Store': 'Store', 'Online': 'Online', 'STORE': 'Store', 'store': 'Store'}
    """
    keyed = counts.assign(key=counts["value"].map(str.casefold))
    best = keyed.sort_values(["rows", "first"], ascending=[False, True], kind="stable").drop_duplicates("key")
    chosen = dict(zip(best["key"], best["value"]))
    return {value: chosen[key] for value, key in zip(keyed["value"], keyed["key"])}


def one_spelling(text: pd.Series) -> pd.Series:
    """``text`` (as :func:`_as_text` keeps it) with each value in the spelling most of its rows use
    (:func:`spellings`; rows count in the order of ``text``).

    >>> one_spelling(pd.Series(["WhatsApp", "whatsapp", None, "Whatsapp", "WhatsApp"], dtype="string")).tolist()
    ['WhatsApp', 'WhatsApp', <NA>, 'WhatsApp', 'WhatsApp']
    """
    codes, values = pd.factorize(text)  # numbered in the order they first appear; missing -1
    if len(values) < 2:
        return text
    given = values.to_numpy(dtype=object)
    chosen = spellings(pd.DataFrame({"value": given, "rows": np.bincount(codes[codes >= 0], minlength=len(given)),
                                     "first": np.arange(len(given))}))
    if all(chosen[v] == v for v in given):  # each value spelt one way
        return text
    position = {v: i for i, v in enumerate(given)}
    to = np.array([position[chosen[v]] for v in given])
    # taken from the values themselves: no new strings to build and check, row by row
    return pd.Series(values.array.take(np.where(codes >= 0, to[codes], -1), allow_fill=True), index=text.index,
                     name=text.name)


_DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y",
    "%d.%m.%Y", "%d/%m/%y", "%m/%d/%y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
    "%d-%b-%Y", "%d-%b-%y",
)
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", "T%H:%M:%S", " %I:%M %p", " %I:%M:%S %p")


#: The ledger's note when a date column held times with a zone (text offsets, zoned Parquet or frames).
#: The notes of a date column whose dates all read both ways (01/07/2024): which way was taken.
READ_DAY_FIRST = "dates in '{column}' such as {example} fit both day-first and month-first; read day first (31/01/2024)"
READ_MONTH_FIRST = ("dates in '{column}' such as {example} fit both day-first and month-first; "
                    "read month first (01/31/2024)")
TZ_NOTE = "time-zone offsets in '{column}' were dropped; the local times are kept"
_TZ_SUFFIX = re.compile(r"(?<=\d)\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_PARTIAL_DATE = re.compile(r"^\d{4}([-/.]\d{1,2})?$")


_LOOSE = {"%Y": r"\d{4}", "%y": r"\d{2}", "%m": r"\s?\d{1,2}", "%d": r"\s?\d{1,2}", "%b": r"[^\W\d_]+",
          "%B": r"[^\W\d_]+"}


def _loose(date_format: str) -> re.Pattern:
    """A pattern every value that ``date_format`` reads starts with (looser than the format: a day or month of one
    or two digits, a leading space, any letters for a month's name, any run of spaces for a space), so a format
    whose pattern no value fits is one that reads none of them and need not be tried."""
    parts = re.split(r"(%[YymdbB]| )", date_format)
    body = "".join(_LOOSE.get(p, r"\s+" if p == " " else re.escape(p)) for p in parts if p)
    return re.compile(r"^\s*" + body, re.IGNORECASE)


_LOOSE_FORMATS = {date_format: _loose(date_format) for date_format in _DATE_FORMATS}


def _formats_to_try(values: pd.Series) -> tuple[str, ...]:
    """ISO 8601, then each format of :data:`_DATE_FORMATS` with each time of :data:`_TIME_SUFFIXES`, in that order,
    leaving out the formats no value can fit (:func:`_loose`): the same choice as trying them all (a format that
    reads no value is never chosen), without a parse of every value in each of the 97 formats."""
    out = ["ISO8601"]
    for date_format in _DATE_FORMATS:
        if len(values) and values.str.match(_LOOSE_FORMATS[date_format]).fillna(False).any():
            out += [date_format + t for t in _TIME_SUFFIXES]
    return tuple(out)


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "#").replace("%m", "%d").replace("#", "%m")


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series | None:
    """``values`` parsed in one format (NaT where they do not fit), at the resolution pandas picks
    (never narrower than the dates need), or None when the format does not apply at all."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return None
    if not pd.api.types.is_datetime64_any_dtype(parsed):
        return None
    return parsed.dt.tz_localize(None) if getattr(parsed.dt, "tz", None) else parsed


def _in_range(parsed: pd.Series) -> np.ndarray:
    """True for dates from DATE_MIN to DATE_MAX (and for NaT), judged on the calendar year, which
    every resolution gets right."""
    years = parsed.dt.year.to_numpy(dtype=float, na_value=np.nan)
    return ~((years < DATE_MIN.year) | (years > DATE_MAX.year))


def _finish_dates(src: _Source, column: str, parsed: pd.Series, values) -> tuple[pd.Series, str | None]:
    """Refuse dates outside the accepted range, then (only then) cast to the canonical ns dates."""
    ok = _in_range(parsed)
    problem = _problem(src, column, ~ok, values,
                       f"are outside {DATE_MIN.date()} to {DATE_MAX.date()}, the dates crmlib accepts; such a "
                       "date is usually a typo (2300 for 2030) or a placeholder (9999-12-31)")
    # the range is checked before the cast, so no date can wrap around
    return parsed.where(ok).astype("datetime64[ns]"), problem


def _parse_dates(src: _Source, column: str, required: bool) -> tuple[pd.Series, str | None]:
    """Dates in one format per column, chosen among common ones on the distinct values.

    Times are kept; a time-zone offset is dropped and the local time kept (the business day is
    the customer's), with a note. Years or year-months alone are not dates. Dates outside
    DATE_MIN to DATE_MAX are refused, and so is any value that is not a date in the column's format.
    """
    full, problem, _ = _dates(src, column, required, slips=False)
    return full, problem


def _parse_dates_with_slips(src: _Source, column: str) -> tuple[pd.Series, str | None, np.ndarray]:
    """Dates of an optional column as :func:`_parse_dates` reads them, except that a value that is no date in
    any format crmlib reads ("n/a", "soon", "31/02/2024") is missing, not a problem: returns the dates, the
    problems and where those slips are. A date in another format than the rest of the column is still refused
    (it holds a day the analyst can write in the column's format).

    >>> from crmlib.io.files import _Source
    >>> src = _Source(pd.DataFrame({"Joined": ["05/01/2024", "soon", "2024-02-01", "17/01/2024"]}), "c.csv", True)
    >>> dates, problem, slips = _parse_dates_with_slips(src, "Joined")
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), slips.tolist()
    (['2024-01-05', nan, nan, '2024-01-17'], [False, True, False, False])
    >>> problem  # doctest: +ELLIPSIS
    "column 'Joined': 1 value(s) are dates in another format than the rest of the column (%d/%m/%Y) (row 4: ..."
    """
    return _dates(src, column, required=False, slips=True)


def _a_date_in_some_format(values: pd.Series) -> np.ndarray:
    """True for the values that some format of :data:`_DATE_FORMATS` (with a time or not) reads as a date."""
    found = np.zeros(len(values), bool)
    for fmt in _formats_to_try(values):
        parsed = _to_datetime(values, fmt)
        if parsed is not None:
            found |= parsed.notna().to_numpy(dtype=bool)
        if found.all():
            break
    return found


def _dates(src: _Source, column: str, required: bool, slips: bool) -> tuple[pd.Series, str | None, np.ndarray]:
    """:func:`_parse_dates`, and with ``slips`` :func:`_parse_dates_with_slips`."""
    raw = src.frame[column]
    header = src.header_of(column)  # notes name the column as the file does ("Registered On")
    none = np.zeros(len(raw), bool)
    if pd.api.types.is_datetime64_any_dtype(raw):
        zoned = getattr(raw.dt, "tz", None) is not None
        if zoned:  # the same rule and the same note as offsets written in text
            src.notes.append(Note(TZ_NOTE, column=header))
        parsed = raw.dt.tz_localize(None) if zoned else raw
        shown = raw.astype(str).to_numpy()
        full, range_problem = _finish_dates(src, column, parsed, shown)
        bad = parsed.isna().to_numpy() if required else none
        problems = [_problem(src, column, bad, shown, "are missing; expected a date"), range_problem]
        return full, "; ".join(p for p in problems if p) or None, none
    text = _as_text(raw)
    present = text.notna().to_numpy()
    values = text.to_numpy(dtype=object)
    given = _latin_digits(text[present])
    has_time = given.str.contains(r"\d:\d\d", regex=True)  # an offset only ever follows a time
    cleaned = given.where(~has_time, given.str.replace(_TZ_SUFFIX, "", regex=True))
    if (cleaned != given).any():
        src.notes.append(Note(TZ_NOTE, column=header))
    uniq = pd.Series(cleaned.unique(), dtype="string")
    uniq = uniq[~uniq.str.match(_PARTIAL_DATE).fillna(False).to_numpy(dtype=bool)]
    if slips:  # the values no format reads take no part in choosing the column's format
        uniq = uniq[_a_date_in_some_format(uniq)]
    best, best_ok, best_fmt = None, 0, None
    for fmt in _formats_to_try(uniq):
        parsed = _to_datetime(uniq, fmt)
        if parsed is None:
            continue
        ok = int(parsed.notna().sum())
        if ok > best_ok:
            best, best_ok, best_fmt = parsed, ok, fmt
        if ok == len(uniq):
            break
    full = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if best is not None:
        lookup = pd.Series(best.to_numpy(), index=uniq.to_numpy(dtype=object))
        full = pd.Series(pd.NaT, index=raw.index, dtype=best.dtype)
        full[present] = cleaned.astype(object).map(lookup).to_numpy(dtype=best.dtype)
    if best_fmt and best_fmt[:2] in ("%d", "%m") and best_ok == len(uniq):
        swapped = _to_datetime(uniq, _swap_day_month(best_fmt))
        if swapped is not None and swapped.notna().all():
            src.notes.append(Note(READ_DAY_FIRST if best_fmt.startswith("%d") else READ_MONTH_FIRST,
                                  column=header, example=_show(uniq.iloc[0])))
    if best_fmt and "%y" in best_fmt:
        src.short_years.append(column)
    unparsed = present & full.isna().to_numpy()
    slipped = none
    if slips:
        slipped = unparsed.copy()
        slipped[present] = ~cleaned.isin(set(uniq.dropna())).to_numpy(dtype=bool)
        slipped &= unparsed
        unparsed &= ~slipped
        example = f"are dates in another format than the rest of the column ({best_fmt})"
    else:
        example = ("are not dates; " + (f"expected dates in the format of the rest of the column ({best_fmt})"
                                        if best_fmt else "expected full dates such as 2024-01-31, 31/01/2024 or "
                                                         "31 Jan 2024"))
    full, range_problem = _finish_dates(src, column, full, values)
    problems = [_problem(src, column, unparsed, values, example), range_problem]
    if required:
        problems.append(_problem(src, column, ~present, values, "are empty; expected a date"))
    return full, "; ".join(p for p in problems if p) or None, slipped


_CURRENCY = re.compile(r"(?i)(₹|\$|€|£|৳|\brs\.?|\binr\b|\busd\b|\beur\b|\bgbp\b|\btk\.?|\bbdt\b)")


_DECIMAL_POINT = re.compile(r"^[-+]?(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d*)?([eE][-+]?\d+)?$"
                            r"|^[-+]?\.\d+$")
_DECIMAL_COMMA = re.compile(r"^[-+]?(\d+|\d{1,3}(\.\d{3})+)(,\d*)?$")
_DIGIT_SPACE = re.compile(r"(?<=\d)[\s\u00a0\u202f']+(?=\d)")
_GROUP = "_"  # where spaces grouped digits (never part of a number)
_NUMBER_WORDS = re.compile(r"(?i)^[-+]?(inf|infinity|nan)$")


def _parse_numbers(src: _Source, column: str, decimal_comma: bool | None = None):
    """Numbers from text with currency symbols and separators.

    One convention per column (decimal point or decimal comma, chosen from the values and the
    delimiter); a value written in another convention, or with misplaced separators such as
    ``1,2,3``, is not a number rather than a silently wrong one. Returns (values, not-a-number
    mask, the convention in words).
    """
    raw = src.frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        vals = pd.to_numeric(raw, errors="coerce").astype("float64")
        return vals, np.zeros(len(raw), bool), "numbers"
    text = _latin_digits(_as_text(raw))
    # a space (or apostrophe) between digits groups them, under the same rule as a comma: kept
    # as a mark here, checked with the column's grammar below, so "5 5" is not silently 55
    spaced = text.str.replace(_CURRENCY, "", regex=True).str.replace(_DIGIT_SPACE, _GROUP, regex=True)
    s = spaced.str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    spaced = s
    s = s.str.replace(_GROUP, "", regex=False)
    negative = s.str.match(r"^\(.*\)$") | s.str.endswith("-")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.replace(r"^(.*[0-9])-$", r"\1", regex=True)
    if decimal_comma is None:
        comma_decimal = s.str.contains(r"^[-+]?[0-9.]*,[0-9]{1,2}$", regex=True)
        dot_decimal = s.str.contains(r"\.[0-9]{1,2}$|,[0-9]{3}", regex=True)
        decimal_comma = bool(comma_decimal.fillna(False).any()) and not bool(
            (dot_decimal.fillna(False) & s.str.contains(",", regex=False).fillna(False)).any())
        if getattr(src, "delimiter", ",") == ";" and bool(s.str.contains(r",[0-9]{1,2}$").fillna(False).any()):
            decimal_comma = True
    words = s.str.match(_NUMBER_WORDS).fillna(False)
    grammar = _DECIMAL_COMMA if decimal_comma else _DECIMAL_POINT
    grouped = spaced.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.replace(r"^(.*[0-9])-$", r"\1", regex=True)
    grouped = grouped.str.replace(_GROUP, "." if decimal_comma else ",", regex=False)
    wellformed = (s.str.match(grammar).fillna(False) & grouped.str.match(grammar).fillna(False) | words).to_numpy()
    if decimal_comma:
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        s = s.str.replace(",", "", regex=False)
    vals = pd.to_numeric(s.where(wellformed), errors="coerce").astype("float64")
    lowered = s.str.lower()
    vals[lowered.isin(["inf", "+inf", "infinity", "+infinity"]).fillna(False)] = np.inf
    vals[lowered.isin(["-inf", "-infinity"]).fillna(False)] = -np.inf
    vals = vals.where(~negative.fillna(False), -vals.abs())
    not_number = (text.notna() & vals.isna() & ~lowered.isin(["nan"]).fillna(False)).to_numpy()
    style = ("decimal comma, thousands grouped by points as in 1.234.567,89" if decimal_comma else
             "decimal point, thousands grouped by commas as in 1,234,567.89 or 12,34,567.89")
    return vals, not_number, style


def _customer_ids(src: _Source, ledger: Ledger) -> pd.Series:
    """The customer ids by :data:`crmlib.ids.ID_RULE`; ids written as ``81.0`` are counted as changed."""
    raw = src.frame["customer_id"]
    floaty = float_style(raw)
    ledger.add("customer id written as a whole-number float (81.0)", int(floaty.sum()), action="changed",
               detail=f"read as the whole number (81): {ID_RULE}", rows=src.rows[floaty])
    return normalise_ids(raw)


def as_date(value, what: str = "observation_end") -> pd.Timestamp:
    """A date argument as a Timestamp at midnight, or a DataError saying what was wrong."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise DataError(f"{what}={value!r} is not a date; give it as YYYY-MM-DD, e.g. '2025-06-30'.") from None
    if pd.isna(stamp):
        raise DataError(f"{what} is empty; give a date as YYYY-MM-DD.")
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def after_end(dates: pd.Series, end) -> np.ndarray:
    """True for dates on a day after ``end``: the whole end day (any time of it) is inside the period."""
    return (pd.to_datetime(dates).dt.normalize() > as_date(end)).to_numpy()
