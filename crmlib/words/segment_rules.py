"""Segment rules in words: what each segment's R and F bands mean in days and purchases, and the notes on
which scheme named the customers and on a single acquisition cohort.

>>> import numpy as np
>>> from crmlib.formats import Formats
>>> from crmlib.words import Words
>>> from crmlib.rfm import RFMScale, default_scheme
>>> scale = RFMScale(bins=5, r=np.array([-200.0, -100.0, -40.0, -12.0]), f=np.array([0.0, 1.0, 3.0, 6.0]),
...                  m=np.array([1.0, 2.0, 3.0, 4.0]), freq="D")
>>> rule_words(default_scheme(), scale)["Champions"]
'last purchase at most 11 days ago and at least 4 repeat purchases'
>>> rule_words(default_scheme(), scale, Words("hi"), Formats("hi"))["Lost"]
'पिछली ख़रीद कम से कम 200 दिन पहले और अधिक से अधिक 1 दोबारा ख़रीद'
"""

from __future__ import annotations

import math

import pandas as pd
from babel.lists import format_list

from crmlib.errors import require_columns
from crmlib.formats import Formats
from crmlib.words import N_, NP_, Words
from crmlib.words.segment_names import name, words_formats

TIME = {"days": NP_("{n} day", "{n} days"), "weeks": NP_("{n} week", "{n} weeks"),
        "months": NP_("{n} month", "{n} months"), "periods": NP_("{n} period", "{n} periods")}
R_EMPTY = N_("no customer (empty recency band)")
R_AT_LEAST = N_("last purchase at least {time} ago")
R_AT_MOST = N_("last purchase at most {time} ago")
R_UNDER = N_("last purchase under {time} ago")
#: {low} is a number, {time} a number with its unit: "last purchase 12 to 39 days ago".
R_BETWEEN = N_("last purchase {low} to {time} ago")
R_BETWEEN_UNDER = N_("last purchase {low} to under {time} ago")
F_EMPTY = N_("no customer (empty frequency band)")
F_AT_LEAST = NP_("at least {n} repeat purchase", "at least {n} repeat purchases")
F_ANY = N_("any number of repeat purchases")
F_NONE = N_("no repeat purchase")
F_EXACTLY = NP_("{n} repeat purchase", "{n} repeat purchases")
F_AT_MOST = NP_("at most {n} repeat purchase", "at most {n} repeat purchases")
F_BETWEEN = N_("{low} to {high} repeat purchases")
#: One rectangle of the R x F grid in words; a segment of several rectangles joins them with RULE_OR.
RULE = N_("{when} and {how_often}")
RULE_OR = N_("{first}; or {second}")


LIMITS_NOTE = N_(
    "Segments are named by the default scheme with absolute recency limits: the R score is cut at quantiles of "
    "these data, and a name is kept only where the days since the last purchase fit it ({limits}); a customer "
    "outside a row's limits is named from the nearest row that fits. So nobody silent for over a year is named "
    "{names}. The pure quantile scheme is the parameter scheme=\"quantile\".")
LIMIT_AT_MOST = N_("R {r} at most {time}")
LIMIT_AT_LEAST = N_("R {r} at least {time}")
QUANTILE_NOTE = N_(
    "Segments are named from quantile cut-offs only (scheme=\"quantile\" or a scheme of your own), so a name "
    "describes a customer relative to the others in these data, not in days: on data where most customers lapsed "
    "long ago, a \u201crecent\u201d name can hold customers silent for a long time; read the rule and the median "
    "days of each segment below.")
#: {share} a percentage, {start}/{end} dates, {days} a count of days, {span} the days in the data.
COHORT = NP_(
    "{share} of customers made their first purchase between {start} and {end}, {days} of the {span} day in the "
    "data: they form a single acquisition cohort.",
    "{share} of customers made their first purchase between {start} and {end}, {days} of the {span} days in the "
    "data: they form a single acquisition cohort.")
COHORT_RECENCY = N_("No customer is new at the end, so the segments describe how recently long-known customers "
                    "bought (recency), not when they were acquired.")
#: {names}: one or two quoted segment names.
COHORT_NAMES = NP_(
    "No customer is new at the end, so {names} here describes how recently a long-known customer bought "
    "(recency only), not newly acquired customers.",
    "No customer is new at the end, so {names} here describe how recently a long-known customer bought "
    "(recency only), not newly acquired customers.")


def _list(fmt: Formats, items, style: str = "standard") -> str:
    return format_list(list(items), style=style, locale=fmt.locale)


def _number(fmt: Formats, x: float) -> str:
    return fmt.count(x) if float(x).is_integer() else fmt.number(x, 1)


def _time(w: Words, fmt: Formats, unit: str, x: float) -> str:
    return w.plural(TIME.get(unit, TIME["periods"]), int(x) if float(x).is_integer() else 2, n=_number(fmt, x))


def _recency(w, fmt, cuts, r_min: int, r_max: int, bins: int, unit: str) -> str:
    """Time since the last purchase for scores r_min..r_max (R is scored on minus that time)."""
    # score s <=> cuts[s-2] < -gap <= cuts[s-1]  =>  -cuts[r_max-1] <= gap < -cuts[r_min-2]
    lo = 0.0 if r_max == bins else max(0.0, -float(cuts[r_max - 1]))  # +inf cut: the scores above are empty
    hi = math.inf if r_min == 1 else -float(cuts[r_min - 2])
    if not lo < hi:
        return w(R_EMPTY)
    whole = unit == "days" and float(lo).is_integer() and (math.isinf(hi) or float(hi).is_integer())
    top = hi - 1 if whole else hi
    if math.isinf(hi):
        return w(R_AT_LEAST, time=_time(w, fmt, unit, lo))
    if lo <= 0:
        return w(R_AT_MOST, time=_time(w, fmt, unit, top)) if whole else w(R_UNDER, time=_time(w, fmt, unit, hi))
    if whole:
        return w(R_BETWEEN, low=_number(fmt, lo), time=_time(w, fmt, unit, top))
    return w(R_BETWEEN_UNDER, low=_number(fmt, lo), time=_time(w, fmt, unit, hi))


def _frequency(w, fmt, cuts, f_min: int, f_max: int, bins: int) -> str:
    """Repeat purchases (whole numbers) for scores f_min..f_max: cuts[f_min-2] < f <= cuts[f_max-1]."""
    # a cut is +inf when the data hold fewer distinct frequencies than scores: that score is empty
    lo_cut = -math.inf if f_min == 1 else float(cuts[f_min - 2])
    hi_cut = math.inf if f_max == bins else float(cuts[f_max - 1])
    lo = 0.0 if math.isinf(lo_cut) and lo_cut < 0 else (math.inf if math.isinf(lo_cut) else math.floor(lo_cut) + 1)
    hi = math.inf if math.isinf(hi_cut) else math.floor(hi_cut)
    if math.isinf(lo) or not lo <= hi:
        return w(F_EMPTY)
    if math.isinf(hi):
        return w.plural(F_AT_LEAST, lo, n=_number(fmt, lo)) if lo > 0 else w(F_ANY)
    if hi == 0:
        return w(F_NONE)
    if lo == hi:
        return w.plural(F_EXACTLY, lo, n=_number(fmt, lo))
    if lo == 0:
        return w.plural(F_AT_MOST, hi, n=_number(fmt, hi))
    return w(F_BETWEEN, low=_number(fmt, lo), high=_number(fmt, hi))


def rule_words(scheme: pd.DataFrame, scale, w: Words | None = None, fmt: Formats | None = None) -> pd.Series:
    """Each segment's rule in words (a Series indexed by the segment keys), from a scheme table
    (``segment, r_min, r_max, f_min, f_max``, e.g. :func:`crmlib.rfm.default_scheme`) and an
    :class:`crmlib.rfm.RFMScale`, read through the scheme's absolute recency limits if any."""
    from crmlib.rfm.limits import limits_of, named_cuts
    from crmlib.units import UNIT_DAYS, UNIT_NAMES

    w, fmt = words_formats(w, fmt)
    require_columns(scheme, ("segment", "r_min", "r_max", "f_min", "f_max"), "rule_words()", "segment scheme",
                    "Start from crmlib.rfm.default_scheme().copy().")
    unit = UNIT_NAMES.get(scale.freq or "", "periods")
    r_cuts = named_cuts(scale.r, scale.bins, limits_of(scheme), UNIT_DAYS.get(scale.freq or "D", 1.0))
    words: dict[str, str] = {}
    for row in scheme.itertuples(index=False):
        text = w(RULE, when=_recency(w, fmt, r_cuts, int(row.r_min), int(row.r_max), scale.bins, unit),
                 how_often=_frequency(w, fmt, scale.f, int(row.f_min), int(row.f_max), scale.bins))
        key = str(row.segment)
        words[key] = w(RULE_OR, first=words[key], second=text) if key in words else text
    return pd.Series(words, name="rule")


def limits_words(limits, w: Words | None = None, fmt: Formats | None = None) -> str:
    """A scheme's :class:`crmlib.rfm.RecencyLimits` in words (rows of the 5-score grid)."""
    w, fmt = words_formats(w, fmt)
    parts = []
    for r in range(5, 0, -1):
        cap, floor = limits.cap(r, 5), limits.floor(r, 5)
        if math.isfinite(cap):
            parts.append(w(LIMIT_AT_MOST, r=fmt.count(r), time=_time(w, fmt, "days", cap)))
        if floor > 0:
            parts.append(w(LIMIT_AT_LEAST, r=fmt.count(r), time=_time(w, fmt, "days", floor)))
    return ", ".join(parts)


def scheme_note(scheme, w: Words | None = None, fmt: Formats | None = None) -> str:
    """Which segment scheme named the customers, in a sentence for the page."""
    from crmlib.rfm.limits import limits_of

    w, fmt = words_formats(w, fmt)
    limits = limits_of(scheme)
    if limits is None:
        return w(QUANTILE_NOTE)
    recent = ["\u201c" + name(w, k) + "\u201d"  # quoted: a name may be a phrase
              for k in ("Champions", "Loyal", "Potential Loyalist", "New", "Promising")]
    return w(LIMITS_NOTE, limits=limits_words(limits, w, fmt), names=_list(fmt, recent, "or"))


def cohort_note(transactions, segments=None, w: Words | None = None, fmt: Formats | None = None, *,
                window_share: float = 0.25, share: float = 0.95) -> str | None:
    """A note when nearly all customers were acquired in one short window
    (:func:`crmlib.rfm.single_cohort`), else None. ``segments`` (names present) narrows the
    recency names ("New", "Promising") the note mentions."""
    from crmlib.rfm.profile import single_cohort

    w, fmt = words_formats(w, fmt)
    cohort = single_cohort(transactions, window_share=window_share, share=share)
    if cohort is None:
        return None
    keys = ["New", "Promising"]
    if segments is not None:
        present = set(pd.Series(segments).astype(str))
        keys = [k for k in keys if k in present]
    head = w.plural(COHORT, cohort.span_days, share=fmt.share(cohort.share, 0), start=fmt.date(cohort.start, "medium"),
                    end=fmt.date(cohort.end, "medium"), days=fmt.count(cohort.days), span=fmt.count(cohort.span_days))
    if not keys:
        return f"{head} {w(COHORT_RECENCY)}"
    quoted = _list(fmt, ["\u201c" + name(w, k) + "\u201d" for k in keys])
    return f"{head} {w.plural(COHORT_NAMES, len(keys), names=quoted)}"
