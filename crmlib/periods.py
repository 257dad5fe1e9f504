"""Calendar periods: which frequency codes a period table takes, and which periods the data cover whole.

One rule for every period table, figure and sentence (the overview's months, the feedback trend, the retention
cohorts): a period whose first day falls before the data's start (an export taken from the 3rd) or whose last day
falls after the data's end (an export taken on the 3rd) holds only part of its days and is drawn and said as partial
(:func:`period_coverage`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError

__all__ = ["COVERAGE_COLUMNS", "PERIOD_CODES", "period_code", "period_coverage"]


#: The pandas period code of each frequency a period table or figure takes ("MS" and "M" are both months).
PERIOD_CODES = {"D": "D", "W": "W", "M": "M", "MS": "M", "Q": "Q", "QS": "Q", "Y": "Y", "YS": "Y"}
#: The columns :func:`period_coverage` adds to a period table, in order.
COVERAGE_COLUMNS = ("complete", "covered_from", "covered_to", "starts_late", "ends_early")


def period_code(freq: str) -> str:
    """The pandas period code of ``freq`` (:data:`PERIOD_CODES`); a DataError for any other."""
    code = PERIOD_CODES.get(freq)
    if code is None:
        raise DataError(f"freq={freq!r} is not a period; use 'D', 'W', 'M', 'Q' or 'Y' (days, weeks, months, "
                        "quarters, years).")
    return code


def period_coverage(starts, freq: str, end, start=None) -> pd.DataFrame:
    """Which periods the data cover from their first day to their last: the one rule of every period table, figure
    and sentence.

    ``starts`` are the periods' first days (a period table's index), ``freq`` their frequency
    (:data:`PERIOD_CODES`; a week runs Monday to Sunday), ``end`` the last day the data cover
    (:func:`crmlib.overview.data_end`) and ``start``, when given, the first (:func:`crmlib.overview.data_start`:
    the first transaction's day). A period is complete when the data cover every one of its days. Otherwise the
    data start inside it (an export of "the last two years" taken on 3 December starts on the 3rd: its first month
    is 3-31 December) or end inside it (an export taken on the 3rd), and its numbers count only the days the data
    cover: it is drawn as partial and left out of every peak, lowest, latest and trend statement.

    Returns, indexed by ``starts``, the columns :data:`COVERAGE_COLUMNS`: ``complete`` (bool); ``covered_from``
    and ``covered_to``, the period's first and last day with data (its own first and last day, or ``start`` and
    ``end``); ``starts_late`` (the data start after its first day) and ``ends_early`` (they end before its last).
    Without ``start`` no period starts late, as before the argument existed.

    >>> starts = pd.date_range("2024-04-01", periods=3, freq="MS")
    >>> period_coverage(starts, "M", "2024-06-03")["complete"].tolist()
    [True, True, False]
    >>> period_coverage(starts, "M", "2024-06-30")["complete"].tolist()
    [True, True, True]
    >>> taken = period_coverage(starts, "M", "2024-06-03", start="2024-04-03")  # from the 3rd to the 3rd
    >>> taken["complete"].tolist(), str(taken["covered_from"].iloc[0].date()), str(taken["covered_to"].iloc[-1].date())
    ([False, True, False], '2024-04-03', '2024-06-03')
    """
    code = period_code(freq)
    starts = pd.DatetimeIndex(starts)
    periods = starts.to_period(code)
    first, last = periods.start_time.normalize(), periods.end_time.normalize()
    end = pd.Timestamp(end).normalize()
    ends_early = last > end
    if start is None:
        starts_late, start = np.zeros(len(starts), dtype=bool), first
    else:
        start = pd.Timestamp(start).normalize()
        starts_late = first < start
    return pd.DataFrame({"complete": ~(starts_late | ends_early), "covered_from": first.where(~starts_late, start),
                         "covered_to": last.where(~ends_early, end), "starts_late": starts_late,
                         "ends_early": ends_early}, index=starts)
