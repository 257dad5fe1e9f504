"""Segments in words: each segment's rule, its typical customer, and when its name misleads.

:func:`rule_words` reads a segment scheme (rectangles over the R x F grid, see :mod:`crmlib.rfm`)
through the score thresholds the data produced (:func:`crmlib.rfm.thresholds_of`), so a rule such as
"R 5, F 4-5" becomes "last purchase at most 12 days ago and at least 4 repeat purchases".
:func:`segment_table` puts the rule next to each segment's size, revenue share and median days since
the last purchase, repeat purchases and spend per purchase, as R's ``rfm`` package report does.
:func:`cohort_note` says when the data make segment names misleading: when nearly every customer
was acquired in one short window (CDNOW: the first quarter of 1997), nobody is a newcomer, and
"New" or "Promising" describe recency only.

>>> import numpy as np
>>> from crmlib.rfm import RFMScale, default_scheme
>>> scale = RFMScale(bins=5, r=np.array([-200.0, -100.0, -40.0, -12.0]), f=np.array([0.0, 1.0, 3.0, 6.0]),
...                  m=np.array([1.0, 2.0, 3.0, 4.0]), freq="D")
>>> words = rule_words(default_scheme(), scale)
>>> words["Champions"]
'last purchase at most 11 days ago and at least 4 repeat purchases'
>>> words["Lost"]
'last purchase at least 200 days ago and at most 1 repeat purchase'
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.units import UNIT_DAYS, UNIT_NAMES

__all__ = ["cohort_note", "rule_words", "scheme_note", "segment_table"]



def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _recency_words(cuts: np.ndarray, r_min: int, r_max: int, bins: int, unit: str) -> str:
    """Time since the last purchase for scores r_min..r_max (R is scored on minus that time)."""
    # score s <=> cuts[s-2] < -gap <= cuts[s-1]  =>  -cuts[r_max-1] <= gap < -cuts[r_min-2]
    lo = 0.0 if r_max == bins else max(0.0, -float(cuts[r_max - 1]))  # +inf cut: the scores above are empty
    hi = math.inf if r_min == 1 else -float(cuts[r_min - 2])
    if not lo < hi:
        return "no customer (empty recency band)"
    whole = unit == "days" and float(lo).is_integer() and (math.isinf(hi) or float(hi).is_integer())
    top = hi - 1 if whole else hi
    if math.isinf(hi):
        return f"last purchase at least {_n(lo)} {unit} ago"
    if lo <= 0:
        return f"last purchase at most {_n(top)} {unit} ago" if whole else f"last purchase under {_n(hi)} {unit} ago"
    if whole:
        return f"last purchase {_n(lo)} to {_n(top)} {unit} ago"
    return f"last purchase {_n(lo)} to under {_n(hi)} {unit} ago"


def _plural(n: float) -> str:
    return "repeat purchase" if n == 1 else "repeat purchases"


def _frequency_words(cuts: np.ndarray, f_min: int, f_max: int, bins: int) -> str:
    """Repeat purchases (whole numbers) for scores f_min..f_max: cuts[f_min-2] < f <= cuts[f_max-1]."""
    # a cut is +inf when the data hold fewer distinct frequencies than scores: that score is empty
    lo_cut = -math.inf if f_min == 1 else float(cuts[f_min - 2])
    hi_cut = math.inf if f_max == bins else float(cuts[f_max - 1])
    lo = 0.0 if math.isinf(lo_cut) and lo_cut < 0 else (math.inf if math.isinf(lo_cut) else math.floor(lo_cut) + 1)
    hi = math.inf if math.isinf(hi_cut) else math.floor(hi_cut)
    if math.isinf(lo):
        return "no customer (empty frequency band)"
    if not lo <= hi:
        return "no customer (empty frequency band)"
    if math.isinf(hi):
        return f"at least {_n(lo)} {_plural(lo)}" if lo > 0 else "any number of repeat purchases"
    if hi == 0:
        return "no repeat purchase"
    if lo == hi:
        return f"{_n(lo)} {_plural(lo)}"
    if lo == 0:
        return f"at most {_n(hi)} {_plural(hi)}"
    return f"{_n(lo)} to {_n(hi)} repeat purchases"


def rule_words(scheme: pd.DataFrame, scale) -> pd.Series:
    """Each segment's rule in words (a Series indexed by segment), from a scheme table
    (``segment, r_min, r_max, f_min, f_max``, e.g. :func:`crmlib.rfm.default_scheme`) and an
    :class:`crmlib.rfm.RFMScale`. A segment covering several rectangles lists them with "or". The
    scheme's absolute recency limits (:mod:`crmlib.rfm.limits`), if any, are part of the words."""
    need = [c for c in ("segment", "r_min", "r_max", "f_min", "f_max") if c not in scheme.columns]
    if need:
        raise DataError(f"A segment scheme needs columns segment, r_min, r_max, f_min, f_max; missing {need}.")
    from crmlib.rfm.limits import limits_of, named_cuts

    unit = UNIT_NAMES.get(scale.freq or "", "periods")
    r_cuts = named_cuts(scale.r, scale.bins, limits_of(scheme), UNIT_DAYS.get(scale.freq or "D", 1.0))
    words: dict[str, list[str]] = {}
    for row in scheme.itertuples(index=False):
        text = (f"{_recency_words(r_cuts, int(row.r_min), int(row.r_max), scale.bins, unit)} and "
                f"{_frequency_words(scale.f, int(row.f_min), int(row.f_max), scale.bins)}")
        words.setdefault(str(row.segment), []).append(text)
    return pd.Series({k: "; or ".join(v) for k, v in words.items()}, name="rule")


def scheme_note(scheme) -> str:
    """Which segment scheme named the customers, in a sentence for the page."""
    from crmlib.rfm.limits import limits_of

    limits = limits_of(scheme)
    if limits is not None:
        return ("Segments are named by the default scheme with absolute recency limits: the R score is cut at "
                "quantiles of these data, and a name is kept only where the days since the last purchase "
                f"fit it ({limits.describe()}); a customer outside a row's limits is named from the nearest row "
                "that fits. So nobody silent for over a year is named Champions, Loyal, Potential Loyalist, New "
                "or Promising. The pure quantile scheme is the parameter scheme=\"quantile\".")
    return ("Segments are named from quantile cut-offs only (scheme=\"quantile\" or a scheme of your own), so a name "
            "describes a customer relative to the others in these data, not in days: on data where most customers "
            "lapsed long ago, a \u201crecent\u201d name can hold customers silent for a long time; read the rule and "
            "the median days of each segment below.")


def segment_table(scored: pd.DataFrame, profile: pd.DataFrame, scheme: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per segment: ``rule`` in words, ``customers``, ``customer_share``, revenue share (as
    in ``profile``), and the medians ``median_days_since_last_purchase``,
    ``median_repeat_purchases`` and ``median_spend`` (spend per purchase).

    ``scored`` is the per-customer table (:func:`crmlib.customer_table`: ``segment``,
    ``days_since_last_purchase``, ``frequency``, ``mean_spend`` and the RFM thresholds in its
    attrs); ``profile`` is :func:`crmlib.rfm.profile` of it, whose sizes and shares are reused;
    ``scheme`` defaults to :func:`crmlib.rfm.default_scheme` for the thresholds' number of scores.
    """
    from crmlib import rfm

    scale = rfm.thresholds_of(scored)
    scheme = rfm.default_scheme(scale.bins) if scheme is None else scheme
    words = rule_words(scheme, scale)
    seg = scored["segment"].astype(str)
    recency = (scored["days_since_last_purchase"] if "days_since_last_purchase" in scored.columns
               else scored["T"] - scored["recency"])
    spend = scored[rfm.spend_column(scored)]
    medians = pd.DataFrame({
        "median_days_since_last_purchase": recency.astype(float).groupby(seg).median(),
        "median_repeat_purchases": scored["frequency"].astype(float).groupby(seg).median(),
        "median_spend": spend.astype(float).groupby(seg).median(),
    })
    share = "revenue_share" if "revenue_share" in profile.columns else "repeat_revenue_share"
    out = profile[["customers", "customer_share", share]].copy()
    out.index = out.index.astype(str)
    out.insert(0, "rule", words.reindex(out.index).fillna("").to_numpy())
    out = out.join(medians)
    out.index.name = "segment"
    return out


def cohort_note(transactions, segments=None, *, window_share: float = 0.25,
                share: float = 0.95) -> str | None:
    """A note when nearly all customers were acquired in one short window, else None.

    Single cohort: ``share`` (95 %) of the customers made their first purchase within a window
    shorter than ``window_share`` (a quarter) of the time from the first purchase in the data to
    the last. Then no one is newly acquired at the end, and segment names built on recency ("New",
    "Promising") describe how recently a long-known customer bought, not newcomers. ``segments``
    (names present) narrows the names the note mentions.
    """
    from crmlib.purchases import first_purchase, observation_end
    from crmlib.txlog import TransactionLog

    if isinstance(transactions, TransactionLog):  # a large log: first days from DuckDB, per customer
        first = first_purchase(transactions).sort_values()
        last = transactions.last_date
    else:
        for col in ("customer_id", "date"):
            if col not in transactions.columns:
                raise DataError(f"cohort_note needs transactions with column {col!r}.")
        first = first_purchase(transactions).sort_values() if len(transactions) else pd.Series(dtype="datetime64[ns]")
        last = observation_end(transactions) if len(transactions) else None
    if len(first) < 20:
        return None
    start, end = first.iloc[0], last
    span = (end - start).days
    if span <= 0:
        return None
    k = max(1, math.ceil(share * len(first)))
    # the shortest window holding k first purchases
    days = (first.to_numpy().astype("datetime64[D]").astype(np.int64))
    widths = days[k - 1:] - days[:len(days) - k + 1]
    i = int(np.argmin(widths))
    width = int(widths[i])
    if width >= window_share * span:
        return None
    lo = pd.Timestamp(days[i], unit="D")
    hi = pd.Timestamp(days[i + k - 1], unit="D")
    names = ["New", "Promising"]
    if segments is not None:
        present = set(pd.Series(segments).astype(str))
        names = [n for n in names if n in present]
    head = (f"{share:.0%} of customers made their first purchase between {lo:%d %b %Y} and {hi:%d %b %Y}, "
            f"{width + 1:,} of the {span + 1:,} days in the data: they form a single acquisition cohort. ")
    if not names:
        return head + ("No customer is new at the end, so the segments describe how recently long-known "
                       "customers bought (recency), not when they were acquired.")
    quoted = " and ".join(f"\u201c{n}\u201d" for n in names)
    return head + (f"No customer is new at the end, so {quoted} here describe how recently a long-known "
                   "customer bought (recency only), not newly acquired customers.")
