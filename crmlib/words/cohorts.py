"""The words of acquisition cohorts, and first months of new customers, that hold customers from before the data
began (:func:`crmlib.retention.early_cohorts`, :func:`crmlib.periods.early_acquisition`), in English, Hindi and
Bengali."""

from __future__ import annotations

import pandas as pd

from crmlib.formats import Formats
from crmlib.words import N_, Words

#: {ratio} "11.9"; {unit} a period in the singular ("month"), as the trend sentence before it writes it; {ref_first}
#: and {ref_last} the cohorts of the data's second quarter it is compared with.
EARLY_COHORT = N_("The {first} cohort acquired customers {ratio} times as fast as the cohorts of {ref_first} to "
                  "{ref_last} ({size} customers in {days} days, against about {typical} a {unit}): customers who "
                  "bought before the data begin are first seen in it, so it mixes long-standing customers with new "
                  "ones, and its shares and the trend above are not those of new customers alone.")
EARLY_COHORTS = N_("The first {count} cohorts, {first} to {last}, acquired customers much faster than the cohorts of "
                   "{ref_first} to {ref_last} ({size} customers in the {days} days of {first}, {ratio} times the "
                   "pace of about {typical} a {unit}): customers who bought before the data begin are first seen in "
                   "them, so they mix long-standing customers with new ones, and their shares and the trend above are "
                   "not those of new customers alone.")
#: Under the customer-base figure (monthly): {first}, {last}, {after}, {ref_first}, {ref_last} months ("January
#: 2024"); {after} follows {last}.
EARLY_NEW = N_("The {size} new customers of {first} ({days} days, {ratio} times the pace of about {typical} a month "
               "in {ref_first} to {ref_last}) include customers who bought before the data begin and are first seen "
               "there: the new-customer line shows acquisition from {after} on.")
EARLY_NEW_SEVERAL = N_("The new customers of {first} to {last} ({size} in the {days} days of {first}, {ratio} times "
                       "the pace of about {typical} a month in {ref_first} to {ref_last}) include customers who bought "
                       "before the data begin and are first seen there: the new-customer line shows acquisition from "
                       "{after} on.")


def _values(early: dict, freq: str, fmt: Formats) -> dict:
    """The numbers and periods both sentences write, the periods (first days or :class:`pandas.Period`) named as
    titles name them."""
    from crmlib.words.overview import period_name

    def name(label) -> str:
        return period_name(label.start_time if isinstance(label, pd.Period) else label, freq, fmt)

    return dict(first=name(early["first"]), last=name(early["last"]), size=fmt.count(early["size"]),
                days=fmt.count(early["days"]), ratio=fmt.number(early["ratio"], 1),
                typical=fmt.count(round(early["typical"])), ref_first=name(early["reference"][0]),
                ref_last=name(early["reference"][1]))


def early_new_sentence(early: dict, *, w: Words, fmt: Formats) -> str:
    """The sentence under the overview's customer-base figure when its first months' new customers include
    customers from before the data began (``early``, :func:`crmlib.periods.early_acquisition` of monthly new
    customers)."""
    from crmlib.words.overview import period_name

    values = _values(early, "MS", fmt)
    after = period_name(early["last"] + pd.offsets.MonthBegin(1), "MS", fmt)
    return w(EARLY_NEW if early["periods"] == 1 else EARLY_NEW_SEVERAL, **values, after=after)


def early_sentence(early: dict, period: str, unit: str, *, w: Words, fmt: Formats) -> str:
    """The sentence after the cohort trend when its first cohorts hold customers from before the data began
    (``early``, :func:`crmlib.retention.early_cohorts` of a table of ``period``).

    >>> import pandas as pd
    >>> early = {"cohorts": 1, "first": pd.Period("2024-03", "M"), "last": pd.Period("2024-03", "M"), "size": 1226,
    ...          "days": 31, "ratio": 11.86, "typical": 103.0,
    ...          "reference": (pd.Period("2024-09", "M"), pd.Period("2025-02", "M"))}
    >>> early_sentence(early, "M", "month", w=Words("en"), fmt=Formats("en"))[:95]
    'The March 2024 cohort acquired customers 11.9 times as fast as the cohorts of September 2024 to'
    """
    values = _values(early, period, fmt)
    return w(EARLY_COHORT if early["cohorts"] == 1 else EARLY_COHORTS, **values, unit=unit,
             count=fmt.count(early["cohorts"]))


__all__ = ["EARLY_COHORT", "EARLY_COHORTS", "EARLY_NEW", "EARLY_NEW_SEVERAL", "early_new_sentence", "early_sentence"]
