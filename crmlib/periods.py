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

__all__ = ["COVERAGE_COLUMNS", "PERIOD_CODES", "early_acquisition", "period_code", "period_coverage"]


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


def early_acquisition(new: pd.Series, freq: str, end, start=None, factor: float = 2.0) -> dict | None:
    """The first periods of an export taken after the business began, whose "new" customers (first purchases in
    the data) include customers who bought before the data begin: they are first seen in those periods, which
    therefore acquire customers far faster than the periods a little later, the data's second quarter (over
    ``factor`` times their median customers a day, each period over the days the data cover of it,
    :func:`period_coverage` between ``start`` and ``end``). Judged against the second quarter, not the whole data,
    so that acquisition that slows over the years is not taken for it. The first period must also be too large for
    chance: fewer than 1 % of periods acquiring at the median rate would reach it (Poisson), so that a first period
    of a few days with a few customers is not one.

    ``new`` holds the customers first seen in each period of frequency ``freq``, indexed by the periods' first
    days; every calendar period from the first to the one of ``end`` counts, one missing from ``new`` (no customer
    first seen in it) as none, so that a cohort table (which has no row for such a period) and a line of new
    customers per month judge alike. Returns ``periods`` (how many, from the first), ``first`` and ``last`` (their
    first days), ``size`` (the first one's customers), ``days`` (the days the data cover of it), ``ratio`` (its
    customers a day over the median), ``typical`` (the median customers of the second quarter's whole periods) and
    ``reference`` (the first days of the second quarter's first and last periods); None when the first period is
    not such a period, or there are fewer than eight periods to judge by.

    >>> starts = pd.date_range("2024-01-01", periods=10, freq="MS")
    >>> early = early_acquisition(pd.Series([900, 300] + [100] * 8, index=starts), "M", "2024-12-31")
    >>> early["periods"], str(early["last"].date()), early["size"], early["typical"]
    (2, '2024-02-01', 900, 100.0)
    """
    from scipy import stats

    code = period_code(freq)
    every = pd.period_range(pd.Timestamp(new.index[0]).to_period(code), pd.Timestamp(end).to_period(code),
                            freq=code).start_time
    coverage = period_coverage(every, freq, end, start=start)
    sizes = new.reindex(every, fill_value=0).to_numpy(dtype=float)
    if len(sizes) < 8:
        return None
    days = ((coverage["covered_to"] - coverage["covered_from"]).dt.days + 1).clip(lower=1).to_numpy(dtype=float)
    rate, quarter = sizes / days, slice(len(sizes) // 4, len(sizes) // 2)
    whole = coverage["complete"].to_numpy()[quarter]
    median = float(np.median(rate[quarter]))
    if not whole.any() or median <= 0:
        return None
    high = rate[:quarter.start] > factor * median
    n = len(high) if high.all() else int(np.argmin(high))
    if n == 0 or stats.poisson.sf(sizes[0] - 1, median * days[0]) >= 0.01:
        return None
    return {"periods": n, "first": every[0], "last": every[n - 1], "size": int(sizes[0]), "days": int(days[0]),
            "ratio": float(rate[0] / median), "typical": float(np.median(sizes[quarter][whole])),
            "reference": (every[quarter.start], every[quarter.stop - 1])}
