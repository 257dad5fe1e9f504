"""RFM scores, the segment scheme and the playbook of actions per segment.

Input is the canonical RFM summary of :func:`crmlib.summary.rfm_summary`: one row per
customer indexed by ``customer_id`` with ``frequency`` (repeat purchase periods),
``recency`` (age of the customer at the last purchase), ``T`` (age at the end of the
observation) and ``monetary_value`` (mean of the repeat purchases), all times in the unit
held in ``summary.attrs["freq"]``.

What the three scores measure
-----------------------------
R
    Time since the last purchase, ``T - recency``, in the summary's unit (days for
    ``freq="D"``). Marketing's "recency" is this gap; the lifetimes ``recency`` column
    is the customer's age at the last purchase, so it is not scored directly. A *smaller*
    gap is better, so R is reversed: R = bins for the most recent buyers.
F
    ``frequency``, the number of repeat purchase periods (total purchases minus one). Any
    customer who bought once has frequency 0 and gets F = 1.
M
    Mean spend per purchase. By the lifetimes convention ``monetary_value`` is the mean of
    the *repeat* purchases and is 0 for one-time buyers, which would put every one-time
    buyer in M = 1 whatever they spent. :func:`add_spend` adds ``mean_spend`` (mean over
    all purchases, first one included) and ``revenue``; :func:`score` scores M on
    ``mean_spend`` when that column is present and on ``monetary_value`` otherwise. The
    column used is recorded in the thresholds (``RFMScale.monetary``).

How ties are scored
-------------------
Most customers buy once, so F (and M on repeat spend) is mostly ties. Scores come from
thresholds, not from row positions: the lowest score takes the values up to the 1/bins
quantile *including every value equal to it*; the next score is cut the same way from
the values left over, with the bins left over, and so on. Equal values therefore always
get equal scores, the row order never matters, and a big block of ties (60 % one-time
buyers) takes one score while the remaining scores spread evenly over the rest. When there
are fewer distinct values than scores, the top scores stay empty. The thresholds are kept
in ``scored.attrs["rfm_thresholds"]`` (an :class:`RFMScale`); ``score(later, thresholds=...)``
scores a later period on the same scale, so that segments at two dates can be compared.

>>> import pandas as pd
>>> summary = pd.DataFrame(
...     {"frequency": [0, 0, 0, 1, 2, 5], "recency": [0, 0, 10, 30, 50, 90],
...      "T": [100, 20, 90, 60, 55, 95], "monetary_value": [0, 0, 0, 20.0, 35.0, 50.0]},
...     index=pd.Index(list("abcdef"), name="customer_id"))
>>> print(score(summary, bins=3)[["R", "F", "M"]].T.to_string())
customer_id  a  b  c  d  e  f
R            1  2  1  2  3  3
F            1  1  1  2  2  3
M            1  1  1  2  2  3

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

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.rfm.limits import LIMITS_ATTR, RecencyLimits, limits_of, named_rows
from crmlib.units import UNIT_DAYS, UNIT_NAMES

THRESHOLDS_ATTR = "rfm_thresholds"
SUMMARY_COLUMNS = ("frequency", "recency", "T")
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


# --------------------------------------------------------------------------- scores


@dataclass(eq=False)  # holds arrays: equal when the same object, so pandas can compare frames' attrs
class RFMScale:
    """Score thresholds learnt by :func:`score`, to score another period on the same scale.

    ``r``, ``f`` and ``m`` hold ``bins - 1`` cut points each on a "higher is better" axis:
    a value gets score ``1 + (number of cut points strictly below it)``. For R that axis is
    minus the time since the last purchase, in the unit ``freq``; ``+inf`` marks an
    unused top score.
    """

    bins: int
    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    freq: str | None = None
    monetary: str = "monetary_value"
    n_customers: int = 0
    extra: dict = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """The value range of every score, in the data's own units (for reports)."""
        unit = UNIT_NAMES.get(self.freq or "", "periods")
        rows = []
        for s in range(1, self.bins + 1):
            rows.append({
                "score": s,
                f"time since last purchase ({unit})": _band_reversed(self.r, s),
                "repeat purchases": _band(self.f, s),
                f"spend ({self.monetary})": _band(self.m, s),
            })
        return pd.DataFrame(rows).set_index("score")


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def band_limits(cuts: np.ndarray, s: int, reverse: bool = False) -> tuple[float, float] | None:
    """The values taking score ``s`` as ``(lo, hi)``, None when the score is empty.

    On a higher-is-better axis (``reverse=False``) the band is ``lo < x <= hi``; for R, whose
    cuts are on minus the time since the last purchase (``reverse=True``), it is
    ``lo <= time < hi``. An open end is ``-inf`` or ``inf``.
    """
    if reverse:
        hi = np.inf if s == 1 else -cuts[s - 2]
        lo = -np.inf if s == len(cuts) + 1 else -cuts[s - 1]
    else:
        lo = -np.inf if s == 1 else cuts[s - 2]
        hi = np.inf if s == len(cuts) + 1 else cuts[s - 1]
    return None if lo >= hi else (float(lo), float(hi))


def _band(cuts: np.ndarray, s: int) -> str:
    """Values taking score ``s``: (cut[s-1], cut[s]] on a higher-is-better axis."""
    band = band_limits(cuts, s)
    if band is None:
        return "(empty)"
    lo, hi = band
    if np.isinf(lo):
        return f"<= {_fmt(hi)}"
    return f"> {_fmt(lo)}" if np.isinf(hi) else f"> {_fmt(lo)} to {_fmt(hi)}"


def _band_reversed(cuts: np.ndarray, s: int) -> str:
    """Band of score ``s`` on the original axis x when the cuts are on -x: [-cut[s], -cut[s-1])."""
    band = band_limits(cuts, s, reverse=True)
    if band is None:
        return "(empty)"
    lo, hi = band
    if np.isinf(hi):
        return f">= {_fmt(lo)}"
    return f"< {_fmt(hi)}" if np.isinf(lo) else f"{_fmt(lo)} to < {_fmt(hi)}"


def _cut_points(values: np.ndarray, bins: int) -> np.ndarray:
    """``bins - 1`` ascending cut points: each bin takes the next 1/(bins left) of the rest, ties kept."""
    return cut_points_of_counts(*np.unique(np.asarray(values, dtype=float), return_counts=True), bins)


def cut_points_of_counts(values: np.ndarray, counts: np.ndarray, bins: int) -> np.ndarray:
    """:func:`_cut_points` of the values ``values`` (distinct, ascending) held ``counts`` times each:
    the same cut points from a table of distinct values, as an engine that keeps the customers
    (Spark) sends it. Each cut is the ``1/(bins left)`` quantile of the rest (numpy's
    ``inverted_cdf``: the value at 1-based position ``ceil(n / left)`` of the ``n`` sorted values left).

    >>> cut_points_of_counts(np.array([0.0, 1.0, 2.0]), np.array([6, 2, 2]), 3).tolist()
    [0.0, 1.0]
    """
    values = np.asarray(values, dtype=float)
    cum = np.cumsum(np.asarray(counts, dtype="int64"))
    cuts, taken = [], 0  # taken: how many values lie at or below the last cut
    for left in range(bins, 1, -1):
        n = int(cum[-1]) - taken if cum.size else 0
        if n <= 0:
            cuts.append(np.inf)
            continue
        position = max(int(np.ceil(n * (1.0 / left))), 1)  # 1-based, among the values left
        k = int(np.searchsorted(cum, taken + position, side="left"))
        cuts.append(float(values[k]))
        taken = int(cum[k])
    return np.asarray(cuts, dtype=float)


def _assign(values: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return 1 + np.searchsorted(cuts, values, side="left")


def spend_column(summary: pd.DataFrame) -> str:
    """The spend column to use: ``mean_spend`` (see :func:`add_spend`) if present, else ``monetary_value``."""
    return "mean_spend" if "mean_spend" in getattr(summary, "columns", []) else "monetary_value"


def _check_summary(summary: pd.DataFrame, monetary: str) -> None:
    if not isinstance(summary, pd.DataFrame):
        raise DataError(f"score() needs the RFM summary DataFrame, got {type(summary).__name__}.")
    need = [*SUMMARY_COLUMNS, monetary]
    missing = [c for c in need if c not in summary.columns]
    if missing:
        raise DataError(
            f"RFM summary: missing column(s) {missing}; it has {list(summary.columns)}. "
            "Build it with crmlib.summary.rfm_summary(transactions).")
    problems = []
    for col in need:
        x = pd.to_numeric(summary[col], errors="coerce")
        bad = x.isna() | ~np.isfinite(x.astype(float).fillna(0))
        if bad.any():
            ex = list(summary.index[bad.to_numpy()][:5])
            problems.append(f"column '{col}': {int(bad.sum())} missing or non-numeric values, "
                            f"customers {ex}")
    if not problems:
        gap = summary["T"].astype(float) - summary["recency"].astype(float)
        bad = gap < 0
        if bad.any():
            problems.append(f"rule T >= recency broken for {int(bad.sum())} customers, "
                            f"e.g. {list(summary.index[bad.to_numpy()][:5])}")
        bad = summary["frequency"].astype(float) < 0
        if bad.any():
            problems.append(f"column 'frequency' is negative for {int(bad.sum())} customers")
    if problems:
        raise DataError("RFM summary cannot be scored: " + "; ".join(problems)
                        + ". Rebuild it with crmlib.summary.rfm_summary from clean transactions.")


def _features(summary: pd.DataFrame, monetary: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gap = summary["T"].astype(float).to_numpy() - summary["recency"].astype(float).to_numpy()
    return -gap, summary["frequency"].astype(float).to_numpy(), summary[monetary].astype(float).to_numpy()


def score(summary: pd.DataFrame, bins: int = 5, thresholds: RFMScale | None = None,
          monetary: str | None = None) -> pd.DataFrame:
    """The summary with integer columns ``R``, ``F``, ``M`` (1..bins, higher is better) added.

    R scores the time since the last purchase (``T - recency``, reversed), F the repeat
    purchases, M ``monetary`` (default: ``mean_spend`` if present, else ``monetary_value``).
    Ties get equal scores and row order does not matter (see the module docstring). The
    thresholds are in ``result.attrs["rfm_thresholds"]``; pass them back as ``thresholds``
    to score a later period on the same scale (``bins`` and ``monetary`` then come from
    them). The input is not modified.
    """
    if thresholds is not None:
        bins, monetary = thresholds.bins, thresholds.monetary
    elif monetary is None:
        monetary = spend_column(summary)
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool) or bins < 2:
        raise DataError(f"bins must be an integer >= 2, got {bins!r}.")
    _check_summary(summary, monetary)
    freq = summary.attrs.get("freq")
    if thresholds is not None and thresholds.freq and freq and thresholds.freq != freq:
        raise DataError(
            f"The thresholds were learnt on a summary in unit '{thresholds.freq}' but this summary "
            f"is in '{freq}': rebuild it with rfm_summary(..., freq='{thresholds.freq}').")
    r, f, m = _features(summary, monetary)
    if thresholds is None:
        thresholds = RFMScale(bins=int(bins), r=_cut_points(r, bins), f=_cut_points(f, bins),
                              m=_cut_points(m, bins), freq=freq, monetary=monetary,
                              n_customers=len(summary))
    out = summary.copy()
    for name, vals, cuts in (("R", r, thresholds.r), ("F", f, thresholds.f), ("M", m, thresholds.m)):
        out[name] = _assign(vals, cuts).astype("int64")
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    out.attrs[THRESHOLDS_ATTR] = thresholds
    return out


def thresholds_of(scored: pd.DataFrame) -> RFMScale:
    """The :class:`RFMScale` that :func:`score` stored on ``scored``."""
    scale = scored.attrs.get(THRESHOLDS_ATTR)
    if scale is None:
        raise DataError("This frame carries no RFM thresholds: score it with crmlib.rfm.score(summary).")
    return scale


def add_spend(summary: pd.DataFrame, transactions: pd.DataFrame, observation_end=None) -> pd.DataFrame:
    """The summary with ``revenue`` and ``mean_spend`` added from the transactions.

    ``revenue`` is the customer's net amount (returns included) up to and including the day
    ``observation_end``; ``mean_spend = revenue / (frequency + 1)``, the mean over all purchase
    periods of the summary, first one included. ``observation_end`` defaults to the end of the
    period the summary counts: ``summary.attrs["calibration_end"]`` for a summary with a
    holdout (so holdout purchases never enter calibration spend), else
    ``summary.attrs["observation_end"]``, else the last transaction. Customers of the summary
    without transactions get 0.
    """
    for col in ("customer_id", "date", "amount"):
        if col not in transactions.columns:
            raise DataError(f"transactions: missing column '{col}'; read them with crmlib.io.read_transactions.")
    calibration_end = summary.attrs.get("calibration_end")
    if observation_end is None:
        observation_end = calibration_end if calibration_end is not None else summary.attrs.get("observation_end")
    elif calibration_end is not None and pd.Timestamp(observation_end) > pd.Timestamp(calibration_end):
        raise DataError(
            f"add_spend(observation_end={str(observation_end)!r}): the summary counts purchases only up to its "
            f"calibration_end {pd.Timestamp(calibration_end).date()}, so spend after it would be divided by "
            "calibration purchases. Leave observation_end out (it defaults to calibration_end).")
    from crmlib.purchases import revenue as net_revenue  # the one definition of revenue

    revenue = net_revenue(transactions, observation_end)
    out = summary.copy()
    revenue.index = revenue.index.astype(str)
    out["revenue"] = revenue.reindex(out.index.astype(str)).fillna(0.0).to_numpy(dtype=float)
    out["mean_spend"] = mean_spend(out["revenue"], out["frequency"].astype(float))
    return out


def mean_spend(revenue, frequency):
    """Mean spend per purchase day, first one included: ``revenue / (frequency + 1)``. Written
    with operators only, so pandas Series and Spark columns compute it alike."""
    return revenue / (frequency + 1.0)


# --------------------------------------------------------------------------- segments


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
    missing = [c for c in SCHEME_COLUMNS if c not in scheme.columns]
    if missing:
        raise DataError(f"Segment scheme: missing column(s) {missing}; it needs {list(SCHEME_COLUMNS)} "
                        "(bounds inclusive). Start from crmlib.rfm.default_scheme().copy().")
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
    for col in ("R", "F"):
        if col not in getattr(scores, "columns", []):
            raise DataError(f"segment() needs column '{col}': score the summary first with crmlib.rfm.score().")
    if bins is None:
        scale = scores.attrs.get(THRESHOLDS_ATTR)
        bins = scale.bins if scale is not None else 5
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
