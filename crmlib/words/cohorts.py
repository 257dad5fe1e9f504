"""The words of acquisition cohorts that hold customers from before the data began
(:func:`crmlib.retention.early_cohorts`), in English, Hindi and Bengali."""

from __future__ import annotations

from crmlib.formats import Formats
from crmlib.words import N_, Words

#: {ratio} "11.9"; {unit} a period in the singular ("month"), as the trend sentence before it writes it.
EARLY_COHORT = N_("The {first} cohort acquired customers {ratio} times as fast as the cohorts of the data's second "
                  "half ({size} customers in {days} days, against about {typical} a {unit}): customers who bought "
                  "before the data begin are first seen in it, so it mixes long-standing customers with new ones, and "
                  "its shares and the trend above are not those of new customers alone.")
EARLY_COHORTS = N_("The first {count} cohorts, {first} to {last}, acquired customers much faster than the cohorts of "
                   "the data's second half ({size} customers in the {days} days of {first}, {ratio} times the pace "
                   "of about {typical} a {unit}): customers who bought before the data begin are first seen in them, "
                   "so they mix long-standing customers with new ones, and their shares and the trend above are not "
                   "those of new customers alone.")


def early_sentence(early: dict, period: str, unit: str, *, w: Words, fmt: Formats) -> str:
    """The sentence after the cohort trend when its first cohorts hold customers from before the data began
    (``early``, :func:`crmlib.retention.early_cohorts` of a table of ``period``).

    >>> import pandas as pd
    >>> early = {"cohorts": 1, "first": pd.Period("2024-03", "M"), "last": pd.Period("2024-03", "M"), "size": 1226,
    ...          "days": 31, "ratio": 11.86, "typical": 103.0}
    >>> early_sentence(early, "M", "month", w=Words("en"), fmt=Formats("en"))[:86]
    'The March 2024 cohort acquired customers 11.9 times as fast as the cohorts of the data'
    """
    from crmlib.words.overview import period_name

    first = period_name(early["first"].start_time, period, fmt)
    values = dict(first=first, size=fmt.count(early["size"]), days=fmt.count(early["days"]),
                  ratio=fmt.number(early["ratio"], 1),
                  typical=fmt.count(round(early["typical"])), unit=unit)
    if early["cohorts"] == 1:
        return w(EARLY_COHORT, **values)
    return w(EARLY_COHORTS, **values, count=fmt.count(early["cohorts"]),
             last=period_name(early["last"].start_time, period, fmt))


__all__ = ["EARLY_COHORT", "EARLY_COHORTS", "early_sentence"]
