"""Named RFM segments: the scheme of rules over the R x F grid, the playbook of actions per segment.

Scores come from :func:`crmlib.rfm.scores.score`.

Segment scheme
--------------
:func:`segment` names each customer from a *scheme*: a table of rectangles over the R x F
grid, one row per rule with columns ``segment, r_min, r_max, f_min, f_max`` (inclusive).
Every cell of the grid must be covered by exactly one rule; a gap or an overlap is refused
with a :class:`~crmlib.exceptions.DataError` naming the cells, so no customer is ever filed
under a catch-all "Others". The default scheme (``default_scheme()``, for 5 bins)::

    segment             R     F     intent
    Champions           5     4-5   bought recently, buy often: reward, ask for reviews, early access
    Loyal               3-4   4-5   buy often, a little less recently: loyalty programme, upsell
    Potential Loyalist  4-5   2-3   recent with a few repeat purchases: membership, recommendations
    New                 5     1     first purchase just now: onboarding, second-purchase offer
    Promising           4     1     recent one-time buyers: build awareness, free trials
    Need Attention      3     3     middling on both: time-limited offers on their history
    About to Sleep      3     1-2   few purchases and going quiet: reactivate before they lapse
    At Risk             1-2   3-4   used to buy fairly often, long ago: personal win-back
    Can't Lose Them     1-2   5     used to be the best customers, long gone: personal win-back
    Hibernating         2     1-2   few purchases, long ago: low-cost reminders
    Lost                1     1-2   few purchases, longest ago: do not spend, or one last try

Names speak of recency ("New", "Lost"), so the default scheme caps and floors the R row a customer
is named from by days since the last purchase (:mod:`crmlib.rfm.limits`: nobody silent for over a
year is Champions, Loyal, Potential Loyalist, New or Promising; nobody who bought in the last 90
days is Lost). ``default_scheme(limits=None)`` is the pure quantile scheme. The R *score* itself
stays the quantile score; only the name uses the limits.

Edit a copy of the table (``default_scheme().copy()``) to change the rules. For ``bins``
other than 5 the default scheme is scaled: a cell (r, f) of the finer or coarser grid takes
the rule of the 5-grid cell (ceil(5 r / bins), ceil(5 f / bins)); with fewer than 5 bins
some segments vanish. A scheme written for 5 bins is refused for another number of bins.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.rfm.limits import LIMITS_ATTR, RecencyLimits, limits_of, named_rows
from crmlib.rfm.scores import THRESHOLDS_ATTR
from crmlib.units import UNIT_DAYS

SCHEME_COLUMNS = ("segment", "r_min", "r_max", "f_min", "f_max")

# segment, r_min, r_max, f_min, f_max, action (the recommendation in words: crmlib.words.segments)
_DEFAULT_RULES = [
    ("Champions", 5, 5, 4, 5, "reward"),
    ("Loyal", 3, 4, 4, 5, "retain"),
    ("Potential Loyalist", 4, 5, 2, 3, "cross-sell"),
    ("New", 5, 5, 1, 1, "onboard"),
    ("Promising", 4, 4, 1, 1, "cross-sell"),
    ("Need Attention", 3, 3, 3, 3, "retain"),
    ("About to Sleep", 3, 3, 1, 2, "win back"),
    ("At Risk", 1, 2, 3, 4, "win back"),
    ("Can't Lose Them", 1, 2, 5, 5, "win back"),
    ("Hibernating", 2, 2, 1, 2, "win back"),
    ("Lost", 1, 1, 1, 2, "let go"),
]

DEFAULT_LIMITS = RecencyLimits()
#: ``scheme`` names a report parameter can take, besides a list of rules.
SCHEME_NAMES = ("default", "quantile")


def default_scheme(bins: int = 5, limits: RecencyLimits | None = DEFAULT_LIMITS) -> pd.DataFrame:
    """The default segment rules for ``bins`` scores (see the module docstring), carrying the absolute
    recency ``limits`` in ``attrs["recency_limits"]`` (None: names from quantile scores only)."""
    df = pd.DataFrame([r[:5] for r in _DEFAULT_RULES], columns=list(SCHEME_COLUMNS))
    if bins != 5:
        if not isinstance(bins, (int, np.integer)) or bins < 2:
            raise DataError(f"bins must be an integer >= 2, got {bins!r}.")

        def lo(v):
            return math.floor((v - 1) * bins / 5) + 1

        def hi(v):
            return math.floor(v * bins / 5)

        scaled = pd.DataFrame({
            "segment": df["segment"],
            "r_min": df["r_min"].map(lo), "r_max": df["r_max"].map(hi),
            "f_min": df["f_min"].map(lo), "f_max": df["f_max"].map(hi),
        })
        keep = (scaled["r_min"] <= scaled["r_max"]) & (scaled["f_min"] <= scaled["f_max"])
        df = scaled[keep].reset_index(drop=True)
    if limits is not None:
        df.attrs[LIMITS_ATTR] = limits
    return df


def scheme_for(spec=None, bins: int = 5) -> pd.DataFrame:
    """The scheme a report parameter asks for: None or "default" (quantiles with absolute recency
    limits), "quantile" (quantile scores only), or a table / list of ``[segment, r_min, r_max,
    f_min, f_max]`` rules (used as written: no limits unless its ``attrs`` carry them)."""
    if spec is None or (isinstance(spec, str) and spec == "default"):
        return default_scheme(bins)
    if isinstance(spec, str):
        if spec == "quantile":
            return default_scheme(bins, limits=None)
        raise DataError(f"scheme={spec!r} is not a scheme crmlib knows: use None or one of {list(SCHEME_NAMES)}, "
                        f"or a list of [segment, r_min, r_max, f_min, f_max] rules.")
    return spec if isinstance(spec, pd.DataFrame) else pd.DataFrame(spec, columns=list(SCHEME_COLUMNS))


def playbook(segments=None) -> pd.DataFrame:
    """Recommended action per default segment: ``segment, action`` (the recommendation in words, in
    the page's language: :func:`crmlib.words.segments.playbook`).

    ``action`` is one of reward, retain, cross-sell, onboard, win back, let go. With
    ``segments`` (names or a Series of names) only those present are listed, in scheme order.
    """
    df = pd.DataFrame([(r[0], r[5]) for r in _DEFAULT_RULES], columns=["segment", "action"])
    if segments is not None:
        present = set(pd.Series(segments).astype(str))
        df = df[df["segment"].isin(present)].reset_index(drop=True)
    return df


def check_scheme(scheme: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """Validate a scheme table; return it with integer bounds. Raises DataError naming bad cells."""
    if not isinstance(scheme, pd.DataFrame):
        raise DataError(f"A segment scheme is a DataFrame with columns {list(SCHEME_COLUMNS)}, "
                        f"got {type(scheme).__name__}.")
    require_columns(scheme, SCHEME_COLUMNS, "check_scheme()", "segment scheme",
                    "Bounds are inclusive; start from crmlib.rfm.default_scheme().copy().")
    problems = []
    bounds = {}
    for col in SCHEME_COLUMNS[1:]:
        x = pd.to_numeric(scheme[col], errors="coerce")
        bad = x.isna() | (x != x.round()) | (x < 1) | (x > bins)
        if bad.any():
            values = scheme[col].tolist()  # Python scalars: messages read 6, not np.int64(6)
            rows = [f"{scheme['segment'].iloc[i]!r} ({values[i]!r})" for i in np.flatnonzero(bad.to_numpy())[:5]]
            problems.append(f"column '{col}' must hold whole numbers 1..{bins}; bad in rows {', '.join(rows)}")
        bounds[col] = x
    if problems:
        raise DataError("Segment scheme: " + "; ".join(problems) + ".")
    s = scheme.copy()
    for col, x in bounds.items():
        s[col] = x.astype("int64")
    bad = (s["r_min"] > s["r_max"]) | (s["f_min"] > s["f_max"])
    if bad.any():
        raise DataError("Segment scheme: rule min > max in rows for segment(s) "
                        f"{list(s.loc[bad, 'segment'])}; bounds are inclusive, min <= max.")
    cover: dict[tuple[int, int], list[str]] = {(r, f): [] for r in range(1, bins + 1) for f in range(1, bins + 1)}
    for row in s.itertuples(index=False):
        for r in range(row.r_min, row.r_max + 1):
            for f in range(row.f_min, row.f_max + 1):
                cover[(r, f)].append(str(row.segment))
    gaps = [c for c, segs in cover.items() if not segs]
    overlaps = {c: segs for c, segs in cover.items() if len(segs) > 1}
    if gaps or overlaps:
        msg = []
        if gaps:
            msg.append(f"{len(gaps)} cell(s) of the R x F grid covered by no rule: "
                       + ", ".join(f"(R={r}, F={f})" for r, f in gaps[:10]) + (" ..." if len(gaps) > 10 else ""))
        if overlaps:
            msg.append(f"{len(overlaps)} cell(s) covered by more than one rule: "
                       + ", ".join(f"(R={r}, F={f}) by {segs}" for (r, f), segs in list(overlaps.items())[:10])
                       + (" ..." if len(overlaps) > 10 else ""))
        raise DataError("Segment scheme: " + "; ".join(msg)
                        + f". Every (R, F) cell in 1..{bins} x 1..{bins} must be covered by exactly one "
                        "rule; change r_min/r_max/f_min/f_max so that the rules tile the grid.")
    return s


@functools.lru_cache(maxsize=16)
def _checked_default(bins: int) -> pd.DataFrame:
    """The default scheme for ``bins`` scores, checked, built once per scale: :func:`segment` only reads
    it, and building and checking it was two thirds of a segment call on a small table (3 of 4.5 ms)."""
    return check_scheme(default_scheme(bins), bins)


def _gap_days(scores: pd.DataFrame, limits: RecencyLimits) -> np.ndarray:
    """Days since the last purchase of each scored customer, to apply a scheme's recency limits."""
    if "days_since_last_purchase" in scores.columns:
        return scores["days_since_last_purchase"].astype(float).to_numpy()
    if "T" in scores.columns and "recency" in scores.columns:
        freq = scores.attrs.get("freq") or "D"
        gap = (scores["T"].astype(float) - scores["recency"].astype(float)).to_numpy() * UNIT_DAYS[freq]
        return np.round(gap, 6)  # 90 days in weeks and back is 90.00000000000001: not over a 90-day limit
    raise DataError(
        "segment(): the scheme carries absolute recency limits (" + limits.describe() + ") but the scores "
        "have no 'days_since_last_purchase' nor 'T' and 'recency' columns to apply them. Pass the scored "
        "summary of crmlib.rfm.score, or scheme=crmlib.rfm.default_scheme(limits=None) for quantile names only.")


def segment(scores: pd.DataFrame, scheme: pd.DataFrame | None = None, bins: int | None = None) -> pd.Series:
    """Segment name per customer (a categorical Series named ``segment``, indexed like ``scores``).

    ``scores`` needs integer ``R`` and ``F`` columns (from :func:`score`). ``bins`` defaults to
    the scale stored by :func:`score`, else 5. ``scheme`` defaults to :func:`default_scheme`
    for that number of bins; any scheme is checked to cover each grid cell exactly once. A scheme
    with recency limits (the default) names each customer from the R row its days since the last
    purchase allow (:mod:`crmlib.rfm.limits`), read from ``days_since_last_purchase`` or from
    ``T - recency`` in the unit ``attrs["freq"]`` (days when unset).
    """
    require_columns(getattr(scores, "columns", []), ("R", "F"), "segment()", "scores",
                    "Score the summary first with crmlib.rfm.score().")
    if bins is None:
        scale = scores.attrs.get(THRESHOLDS_ATTR)
        bins = scale.bins if scale is not None else 5
    if scheme is None and isinstance(bins, int):
        s = _checked_default(bins)
    else:
        s = check_scheme(default_scheme(bins) if scheme is None else scheme, bins)
    r = pd.to_numeric(scores["R"], errors="coerce")
    f = pd.to_numeric(scores["F"], errors="coerce")
    bad = r.isna() | f.isna() | ~r.between(1, bins) | ~f.between(1, bins)
    if bad.any():
        raise DataError(f"Columns 'R'/'F' must hold scores 1..{bins}; {int(bad.sum())} customers do not, "
                        f"e.g. {list(scores.index[bad.to_numpy()][:5])}. Score with crmlib.rfm.score(bins={bins}).")
    rows = r.to_numpy(dtype=int)
    limits = limits_of(s)
    if limits is not None:
        rows = named_rows(rows, _gap_days(scores, limits), bins, limits)
    grid = np.empty((bins + 1, bins + 1), dtype=object)
    for row in s.itertuples(index=False):
        grid[row.r_min:row.r_max + 1, row.f_min:row.f_max + 1] = str(row.segment)
    names = grid[rows, f.to_numpy(dtype=int)]
    order = list(dict.fromkeys(s["segment"].astype(str)))
    return pd.Series(pd.Categorical(names, categories=order), index=scores.index, name="segment")
