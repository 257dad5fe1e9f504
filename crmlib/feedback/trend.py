"""Is a score rising? Judged on every period, never on two end points.

:func:`score_trend` fits a weighted least-squares line through the scores of all reliable periods of
a :func:`crmlib.feedback.score_by` table (``period=``), each weighted by the precision its own
interval gives (``1 / se**2`` with ``se = (upper - lower) / (2 z)``). The slope's standard error is
the weighted-least-squares one with the residual scale ``max(1, chi2 / (k - 2))``: the periods'
sampling intervals set a floor, and months that scatter more than those intervals allow (changes
in who answers, seasons) widen it. The interval uses Student's t with ``k - 2`` degrees of freedom.
A trend whose interval includes 0 is "no clear change", however far apart the end points are.

:func:`last_change` compares the last two reliable periods: the difference with the interval
``diff -/+ z sqrt(se1**2 + se2**2)``, called a rise or a fall only when that interval excludes 0.

A period the answers end inside of (a survey exported on the 3rd) holds only its first days' answers, and one they
start inside of (a survey started on the 3rd) only its last days': when the table has a ``complete`` column (the
feedback page adds it by :func:`crmlib.periods.period_coverage`, the rule of every period table), a period marked
False is left out of both, as a too-few one is, so "the last period" is the last complete one and the trend starts
at the first complete one. The :class:`Trend` names each (``partial``, the last period, when the answers end inside
it; ``partial_first``, the first, when they start inside it) for the sentence that says why.

Time is counted in the table's own periods: calendar months for ``period="M"`` (month numbers, not
days / 30), weeks for ``"W"``, quarters, half-years and years for ``"Q"``, ``"H"``, ``"Y"``.

:func:`pooled_by` is the table a page should plot when answers are thin: it starts at the period asked
for and pools adjacent periods (month -> quarter -> half-year -> year) until enough periods hold the
minimum number of answers (its ``attrs`` say so).

Numbers and names only: the sentences and titles of a trend, a change and the pooling are written by
:mod:`crmlib.words.feedback_trend` (``trend_sentence``, ``trend_title``, ``change_sentence``,
``pooling_sentence``) in the page's language.

>>> import pandas as pd
>>> t = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=6, freq="MS"), "metric": "nps",
...                   "n": 100, "score": [10.0, 12, 14, 16, 18, 20], "lower": [8.0, 10, 12, 14, 16, 18],
...                   "upper": [12.0, 14, 16, 18, 20, 22], "too_few": False})
>>> tr = score_trend(t)
>>> round(tr.slope, 2), tr.direction, tr.periods, tr.freq
(2.0, 'rising', 6, 'M')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from crmlib import units
from crmlib.errors import require_columns

__all__ = ["Change", "Trend", "last_change", "pooled_by", "score_trend"]

_UNITS = {f: (units.name(f, 1), units.name(f)) for f in ("M", "W")}  # the periods of a score trend
_UNITS.update({"Q": ("quarter", "quarters"), "H": ("half-year", "half-years"), "Y": ("year", "years")})
#: Each period and the next longer one that :func:`pooled_by` pools it into.
LADDER = ("W", "M", "Q", "H", "Y")
#: The fewest answers in each of two periods for :func:`last_change` to compare them end to end.
CHANGE_MIN_N = 30


def _reliable(table: pd.DataFrame) -> pd.DataFrame:
    require_columns(table, ("period", "score", "lower", "upper"), "trend", "scores by period",
                    "Pass the table of crmlib.feedback.score_by(..., period='M' or 'W').")
    ok = table if "too_few" not in table.columns else table[~table["too_few"].astype(bool)]
    if "complete" in ok.columns:  # a period the answers end inside of: its first days only
        ok = ok[ok["complete"].astype(bool)]
    ok = ok.dropna(subset=["score", "lower", "upper"])
    return ok[ok["upper"] > ok["lower"]].sort_values("period")


def _partial(table: pd.DataFrame) -> dict:
    """The :class:`Trend` fields of the periods the answers start and end inside of: the first period when it
    ``starts_late`` and the last when it ``ends_early`` (:func:`crmlib.periods.period_coverage`); one period the
    answers both start and end inside of is both, and so is the one period of a table, however it is partial (its
    first and last period are one: "Jun 2024 is partial: its answers cover only 1-20 Jun 2024", never "only the
    complete periods before it are judged" of none). A table with only ``complete`` (and ``covered_to``), made before
    the answers' start was judged, has its last period not ``complete`` end early, as before. ``complete_periods``
    counts the complete ones, so that two partial periods with none between are not said to leave "the complete
    periods between them"."""
    if "complete" not in table.columns or table["complete"].astype(bool).all():
        return {}
    t = table.sort_values("period")
    out = {"complete_periods": int(t["complete"].astype(bool).sum())}
    if len(t) == 1 and {"covered_from", "covered_to"} <= set(t.columns):  # its one period is the first and the last
        row = t.iloc[0]
        n = int(row["n"]) if "n" in row else None
        period = pd.Timestamp(row["period"])
        return {**out, "partial_first": period, "partial_first_n": n, "partial_from": pd.Timestamp(row["covered_from"]),
                "partial": period, "partial_n": n, "partial_to": pd.Timestamp(row["covered_to"])}
    if "starts_late" in t.columns and t["starts_late"].astype(bool).iloc[0]:
        row = t.iloc[0]
        out.update(partial_first=pd.Timestamp(row["period"]), partial_first_n=int(row["n"]) if "n" in row else None,
                   partial_from=pd.Timestamp(row["covered_from"]) if "covered_from" in row else None)
    early = t["ends_early"] if "ends_early" in t.columns else ~t["complete"].astype(bool)
    if early.astype(bool).iloc[-1]:
        row = t.iloc[-1]
        out.update(partial=pd.Timestamp(row["period"]), partial_n=int(row["n"]) if "n" in row else None,
                   partial_to=pd.Timestamp(row["covered_to"]) if "covered_to" in row else None)
    return out


def _se(part: pd.DataFrame, z: float) -> np.ndarray:
    return (part["upper"].to_numpy(float) - part["lower"].to_numpy(float)) / (2 * z)


def _time(periods: pd.Series, period: str | None) -> tuple[np.ndarray, str | None]:
    p = pd.to_datetime(periods)
    if period == "M":
        return (p.dt.year * 12 + p.dt.month).to_numpy(float), "M"
    if period == "W":
        return ((p - p.iloc[0]).dt.days / 7.0).to_numpy(float), "W"
    if period in ("Q", "H", "Y"):
        per_year = {"Q": 4, "H": 2, "Y": 1}[period]
        return (p.dt.year * per_year + (p.dt.month - 1) // (12 // per_year)).to_numpy(float), period
    # unknown: guess from the spacing of the periods
    gap = float(np.median(np.diff(p.to_numpy()).astype("timedelta64[D]").astype(float))) if len(p) > 1 else 30
    return _time(periods, "W" if gap < 20 else "M")


@dataclass(frozen=True)
class Trend:
    """The fitted slope of a score over its reliable periods, per period, with its interval."""

    metric: str
    slope: float
    lower: float
    upper: float
    periods: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    unit: str  # "month" or "week"
    mean: float
    confidence: float = 0.95
    freq: str = "M"  # the table's period code: "W", "M", "Q", "H" or "Y"
    pooled_from: str | None = None  # the period asked for, when pooled_by pooled it into ``freq``
    # the last period when the answers end inside it (``ends_early``): left out, its first day, answers and the
    # answers' last day (its ``covered_to``)
    partial: pd.Timestamp | None = None
    partial_n: int | None = None
    partial_to: pd.Timestamp | None = None
    # the first period when the answers start inside it (``starts_late``): left out, its first day, answers and the
    # answers' first day (its ``covered_from``)
    partial_first: pd.Timestamp | None = None
    partial_first_n: int | None = None
    partial_from: pd.Timestamp | None = None
    # how many periods of the table the answers cover whole, when any is partial (None otherwise)
    complete_periods: int | None = None

    @property
    def direction(self) -> str:
        """'rising' or 'falling' when the interval excludes 0; 'flat' otherwise; 'unknown' when
        there are too few reliable periods."""
        if self.periods < MIN_PERIODS or not math.isfinite(self.lower):
            return "unknown"
        if self.lower > 0:
            return "rising"
        return "falling" if self.upper < 0 else "flat"


#: A trend is judged on at least this many periods with enough answers.
MIN_PERIODS = 3


def score_trend(table: pd.DataFrame, confidence: float | None = None) -> Trend:
    """Weighted least-squares slope of the score across all reliable periods (see the module docstring).

    ``table`` is :func:`crmlib.feedback.score_by` with ``period=`` and no other grouping; periods
    flagged ``too_few`` are left out, as the trend figure greys them out, and so are partial ones
    (``complete`` False, the first or the last, see the module docstring), which the figure draws hollow and labels.
    """
    metric = str(table["metric"].iloc[0]) if "metric" in table.columns and len(table) else table.attrs.get("metric", "nps")
    conf = float(confidence if confidence is not None else table.attrs.get("confidence", 0.95))
    z = float(stats.norm.ppf(0.5 + conf / 2))
    ok = _reliable(table)
    asked = table.attrs.get("period")  # the periods' own names even when none is reliable (two partial half-years)
    x, unit_code = _time(ok["period"], asked) if len(ok) else (np.array([]), asked if asked in _UNITS else "M")
    unit = _UNITS.get(unit_code, ("period", "periods"))[0]
    y = ok["score"].to_numpy(float)
    k = len(ok)
    first = ok["period"].iloc[0] if k else None
    last = ok["period"].iloc[-1] if k else None
    nan = float("nan")
    extra = dict(freq=unit_code or "M", pooled_from=table.attrs.get("pooled_from"), **_partial(table))
    if k < MIN_PERIODS:
        return Trend(metric, nan, nan, nan, k, first, last, unit, float(np.mean(y)) if k else nan, conf, **extra)
    w = 1.0 / _se(ok, z) ** 2
    xm = np.sum(w * x) / w.sum()
    ym = np.sum(w * y) / w.sum()
    sxx = np.sum(w * (x - xm) ** 2)
    slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx)
    resid = y - (ym + slope * (x - xm))
    scale = max(1.0, float(np.sum(w * resid**2)) / (k - 2))
    se = math.sqrt(scale / sxx)
    t = float(stats.t.ppf(0.5 + conf / 2, k - 2))
    return Trend(metric, slope, slope - t * se, slope + t * se, k, first, last, unit, float(ym), conf, **extra)


@dataclass(frozen=True)
class Change:
    """The difference between the last two reliable periods, with its interval."""

    metric: str
    previous: pd.Timestamp
    current: pd.Timestamp
    previous_score: float
    score: float
    score_lower: float
    score_upper: float
    difference: float
    lower: float
    upper: float
    confidence: float = 0.95
    freq: str = "M"
    previous_n: int | None = None
    n: int | None = None

    @property
    def direction(self) -> str:
        """'up' or 'down' only when the interval of the difference excludes 0, else 'same'."""
        return "up" if self.lower > 0 else "down" if self.upper < 0 else "same"


def last_change(table: pd.DataFrame, confidence: float | None = None, *,
                min_n: int = CHANGE_MIN_N) -> Change | None:
    """The last reliable complete period against the one before, or None with fewer than two.

    Also None when either of the two holds fewer than ``min_n`` answers (30 by default, whatever
    minimum the table was made with): two thin end points are never a headline (17 against 17
    answers once read "down 70.6 points" while the fitted trend over all months was flat); the
    trend of :func:`score_trend` speaks for them.
    """
    metric = str(table["metric"].iloc[0]) if "metric" in table.columns and len(table) else "nps"
    conf = float(confidence if confidence is not None else table.attrs.get("confidence", 0.95))
    z = float(stats.norm.ppf(0.5 + conf / 2))
    ok = _reliable(table)
    if len(ok) < 2:
        return None
    two = ok.iloc[-2:]
    if "n" in two.columns and (two["n"] < min_n).any():
        return None
    se = _se(two, z)
    d = float(two["score"].iloc[1] - two["score"].iloc[0])
    half = z * math.sqrt(float(np.sum(se**2)))
    cur = two.iloc[1]
    ns = [int(v) for v in two["n"]] if "n" in two.columns else [None, None]
    freq = _time(ok["period"], table.attrs.get("period"))[1] or "M"
    return Change(metric, two["period"].iloc[0], cur["period"], float(two["score"].iloc[0]), float(cur["score"]),
                  float(cur["lower"]), float(cur["upper"]), d, d - half, d + half, conf, freq, ns[0], ns[1])


def pooled_by(feedback: pd.DataFrame, metric: str = "nps", period: str = "M", *, min_n: int = 30,
              min_periods: int = 4, min_share: float = 0.5, **kw) -> pd.DataFrame:
    """:func:`crmlib.feedback.score_by` per ``period``, pooled into longer periods when it is too thin.

    Starts at ``period`` and moves up :data:`LADDER` (week -> month -> quarter -> half-year -> year)
    to the first period at which at least ``min_periods`` periods hold ``min_n`` answers and those
    periods hold at least ``min_share`` of all answers: enough reliable points for a fitted trend,
    and most answers inside them. When no period qualifies, the one with the most reliable periods
    is used (the shortest on a tie). ``attrs`` say what happened: ``period`` (used), ``pooled_from``
    (asked, when different), ``max_n_asked`` (the most answers any period asked for held);
    :func:`crmlib.words.feedback_trend.pooling_sentence` writes it for the page.
    """
    from crmlib.feedback.scores import score_by

    if period not in LADDER:
        raise ValueError(f"period must be one of {', '.join(map(repr, LADDER))}, not {period!r}")
    tried = []
    for p in LADDER[LADDER.index(period):]:
        table = score_by(feedback, metric, None, p, min_n=min_n, **kw)
        ok = ~table["too_few"]
        good = int(ok.sum()) >= min_periods and table.loc[ok, "n"].sum() >= min_share * table["n"].sum()
        tried.append((int(ok.sum()), -len(tried), table))
        if good:
            break
    else:
        table = max(tried, key=lambda t: t[:2])[2]
    first = tried[0][2]
    table.attrs["max_n_asked"] = int(first["n"].max()) if len(first) else 0
    if table.attrs["period"] != period:
        table.attrs["pooled_from"] = period
    return table

