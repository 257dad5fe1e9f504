"""Calendar periods: which frequency codes a period table takes, and which periods the data cover to their end.

One rule for every period table, figure and sentence (the overview's months, the feedback trend, the retention
cohorts): a period whose last day falls after the data's end (an export taken on the 3rd) holds only part of its
days and is drawn and said as partial (:func:`period_coverage`).
"""

from __future__ import annotations

import pandas as pd

from crmlib.exceptions import DataError

__all__ = ["PERIOD_CODES", "period_code", "period_coverage"]


#: The pandas period code of each frequency a period table or figure takes ("MS" and "M" are both months).
PERIOD_CODES = {"D": "D", "W": "W", "M": "M", "MS": "M", "Q": "Q", "QS": "Q", "Y": "Y", "YS": "Y"}


def period_code(freq: str) -> str:
    """The pandas period code of ``freq`` (:data:`PERIOD_CODES`); a DataError for any other."""
    code = PERIOD_CODES.get(freq)
    if code is None:
        raise DataError(f"freq={freq!r} is not a period; use 'D', 'W', 'M', 'Q' or 'Y' (days, weeks, months, "
                        "quarters, years).")
    return code


def period_coverage(starts, freq: str, end) -> pd.DataFrame:
    """Which periods the data cover to their last day: the one rule of every period table, figure and sentence.

    ``starts`` are the periods' first days (a period table's index), ``freq`` their frequency
    (:data:`PERIOD_CODES`; a week runs Monday to Sunday) and ``end`` the last day the data cover
    (:func:`crmlib.overview.data_end`). A period is complete when its last day is on or before ``end``;
    otherwise the data end inside it (an export taken on the 3rd) and its numbers count only its days up to
    ``end``: it is drawn as partial and left out of every peak, latest and trend statement. Returns, indexed by
    ``starts``: ``complete`` (bool) and ``covered_to``, the period's last day with data (its last day, or ``end``).

    >>> starts = pd.date_range("2024-04-01", periods=3, freq="MS")
    >>> period_coverage(starts, "M", "2024-06-03")["complete"].tolist()
    [True, True, False]
    >>> period_coverage(starts, "M", "2024-06-30")["complete"].tolist()
    [True, True, True]
    """
    code = period_code(freq)
    starts = pd.DatetimeIndex(starts)
    last = starts.to_period(code).end_time.normalize()
    end = pd.Timestamp(end).normalize()
    return pd.DataFrame({"complete": last <= end, "covered_to": last.where(last <= end, end)}, index=starts)
