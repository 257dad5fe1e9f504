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

Time is counted in the table's own periods: calendar months for ``period="M"`` (month numbers, not
days / 30), weeks for ``"W"``, quarters, half-years and years for ``"Q"``, ``"H"``, ``"Y"``.

:func:`pooled_by` is the table a page should plot when answers are thin: it starts at the period asked
for and pools adjacent periods (month -> quarter -> half-year -> year) until enough periods hold the
minimum number of answers, and :func:`pooling_sentence` says so on the page.

>>> import pandas as pd
>>> t = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=6, freq="MS"), "metric": "nps",
...                   "n": 100, "score": [10.0, 12, 14, 16, 18, 20], "lower": [8.0, 10, 12, 14, 16, 18],
...                   "upper": [12.0, 14, 16, 18, 20, 22], "too_few": False})
>>> tr = score_trend(t)
>>> round(tr.slope, 2), tr.direction
(2.0, 'rising')
>>> tr.sentence()
'NPS rose by about 2.0 points a month from Jan 2024 to Jun 2024 (95 % interval 1.3 to 2.7; 6 months).'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from crmlib import units
from crmlib.exceptions import DataError

__all__ = ["Change", "Trend", "last_change", "pooled_by", "pooling_sentence", "score_trend", "trend_title"]

_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
_POINTS = {"nps": "points", "csat": "percentage points", "ces": "points"}
_UNITS = {f: (units.name(f, 1), units.name(f)) for f in ("M", "W")}  # the periods of a score trend
_UNITS.update({"Q": ("quarter", "quarters"), "H": ("half-year", "half-years"), "Y": ("year", "years")})
#: Each period and the next longer one that :func:`pooled_by` pools it into.
LADDER = ("W", "M", "Q", "H", "Y")
#: The fewest answers in each of two periods for :func:`last_change` to compare them end to end.
CHANGE_MIN_N = 30


def _fmt(metric: str, v: float) -> str:
    if metric == "ces":
        return f"{v:.1f}"
    return f"{v:.0f}" + (" %" if metric == "csat" else "")


def _label(ts, freq: str | None = "M") -> str:
    t = pd.Timestamp(ts)
    if freq == "Q":
        return f"Q{(t.month - 1) // 3 + 1} {t.year}"
    if freq == "H":
        return f"H{(t.month - 1) // 6 + 1} {t.year}"
    if freq == "Y":
        return f"{t.year}"
    return t.strftime("%b %Y")


def _reliable(table: pd.DataFrame) -> pd.DataFrame:
    need = [c for c in ("period", "score", "lower", "upper") if c not in table.columns]
    if need:
        raise DataError(f"A trend needs a table of crmlib.feedback.score_by(..., period='M' or 'W'); this one "
                        f"has no column(s) {need}.")
    ok = table if "too_few" not in table.columns else table[~table["too_few"].astype(bool)]
    ok = ok.dropna(subset=["score", "lower", "upper"])
    return ok[ok["upper"] > ok["lower"]].sort_values("period")


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

    @property
    def direction(self) -> str:
        """'rising' or 'falling' when the interval excludes 0; 'flat' otherwise; 'unknown' when
        there are too few reliable periods."""
        if self.periods < 3 or not math.isfinite(self.lower):
            return "unknown"
        if self.lower > 0:
            return "rising"
        return "falling" if self.upper < 0 else "flat"

    def _span(self) -> str:
        return f"from {_label(self.first, self.freq)} to {_label(self.last, self.freq)}"

    def _pooled(self) -> str:
        if not self.pooled_from or self.pooled_from == self.freq:
            return ""
        return (f" {_UNITS[self.pooled_from][1].capitalize()} hold too few answers, so "
                f"{_UNITS[self.freq][1]} are used.")

    def sentence(self) -> str:
        """The trend in one sentence, with its interval."""
        name, pts = _NAMES[self.metric], _POINTS[self.metric]
        plural = self.unit + "s"
        if self.direction == "unknown":
            return (f"{name} has too few periods with enough answers ({self.periods}) to judge a trend; "
                    "at least 3 are needed." + self._pooled())
        interval = f"{100 * self.confidence:.0f} % interval {self.lower:.1f} to {self.upper:.1f}"
        if self.direction == "flat":
            return (f"{name} shows no clear change {self._span()}: it averaged {_fmt(self.metric, self.mean)}, "
                    f"and its fitted change of {self.slope:+.1f} {pts} a {self.unit} ({interval}; "
                    f"{self.periods} {plural}) could be zero." + self._pooled())
        verb = "rose" if self.direction == "rising" else "fell"
        return (f"{name} {verb} by about {abs(self.slope):.1f} {pts} a {self.unit} {self._span()} "
                f"({interval}; {self.periods} {plural})." + self._pooled())

    def title(self) -> str:
        """A short figure title stating the trend."""
        name = _NAMES[self.metric]
        if self.direction == "unknown":
            return f"{name}: too few answers per period to show a trend"
        if self.direction == "flat":
            return f"{name} shows no clear change {self._span()} (about {_fmt(self.metric, self.mean)})"
        verb = "rose" if self.direction == "rising" else "fell"
        return (f"{name} {verb} by about {abs(self.slope):.1f} {_POINTS[self.metric]} a {self.unit} "
                f"{self._span()}")


def score_trend(table: pd.DataFrame, confidence: float | None = None) -> Trend:
    """Weighted least-squares slope of the score across all reliable periods (see the module docstring).

    ``table`` is :func:`crmlib.feedback.score_by` with ``period=`` and no other grouping; periods
    flagged ``too_few`` are left out, as the trend figure greys them out.
    """
    metric = str(table["metric"].iloc[0]) if "metric" in table.columns and len(table) else table.attrs.get("metric", "nps")
    conf = float(confidence if confidence is not None else table.attrs.get("confidence", 0.95))
    z = float(stats.norm.ppf(0.5 + conf / 2))
    ok = _reliable(table)
    x, unit_code = _time(ok["period"], table.attrs.get("period")) if len(ok) else (np.array([]), "M")
    unit = _UNITS.get(unit_code, ("period", "periods"))[0]
    y = ok["score"].to_numpy(float)
    k = len(ok)
    first = ok["period"].iloc[0] if k else None
    last = ok["period"].iloc[-1] if k else None
    nan = float("nan")
    extra = dict(freq=unit_code or "M", pooled_from=table.attrs.get("pooled_from"))
    if k < 3:
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

    def sentence(self) -> str:
        name, m = _NAMES[self.metric], self.metric
        label = lambda ts: _label(ts, self.freq)  # noqa: E731
        now = (f"{name} was {_fmt(m, self.score)} in {label(self.current)} "
               f"(interval {_fmt(m, self.score_lower)} to {_fmt(m, self.score_upper)})")
        diff = (f"{abs(self.difference):.1f} {_POINTS[m]} (interval {self.lower:.1f} to {self.upper:.1f})")
        if self.direction == "same":
            return (f"{now}; the change of {self.difference:+.1f} {_POINTS[m]} against {label(self.previous)} "
                    f"is within the noise (interval {self.lower:.1f} to {self.upper:.1f}).")
        word = "up" if self.direction == "up" else "down"
        return f"{now}, {word} {diff} on {label(self.previous)}."


def last_change(table: pd.DataFrame, confidence: float | None = None, *,
                min_n: int = CHANGE_MIN_N) -> Change | None:
    """The last reliable period against the one before, or None with fewer than two.

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


def trend_title(table: pd.DataFrame) -> str:
    """The title of a trend figure, from :func:`score_trend` (all reliable periods)."""
    return score_trend(table).title()


def pooled_by(feedback: pd.DataFrame, metric: str = "nps", period: str = "M", *, min_n: int = 30,
              min_periods: int = 4, min_share: float = 0.5, **kw) -> pd.DataFrame:
    """:func:`crmlib.feedback.score_by` per ``period``, pooled into longer periods when it is too thin.

    Starts at ``period`` and moves up :data:`LADDER` (week -> month -> quarter -> half-year -> year)
    to the first period at which at least ``min_periods`` periods hold ``min_n`` answers and those
    periods hold at least ``min_share`` of all answers: enough reliable points for a fitted trend,
    and most answers inside them. When no period qualifies, the one with the most reliable periods
    is used (the shortest on a tie). ``attrs`` say what happened: ``period`` (used), ``pooled_from``
    (asked, when different), ``max_n_asked`` (the most answers any period asked for held);
    :func:`pooling_sentence` writes it for the page.
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


def pooling_sentence(table: pd.DataFrame) -> str | None:
    """What :func:`pooled_by` did, for the page, or None when the periods asked for were used.

    >>> t = pd.DataFrame({"n": [40, 35]}); t.attrs.update(period="Q", pooled_from="M", min_n=30, max_n_asked=20)
    >>> pooling_sentence(t)
    'Months hold too few answers (at most 20, against a minimum of 30); quarters are used: 2 of 2 quarters have at least 30.'
    """
    asked, used = table.attrs.get("pooled_from"), table.attrs.get("period")
    if not asked or asked == used:
        return None
    min_n = table.attrs.get("min_n", 30)
    ok = int((table["n"] >= min_n).sum())
    name = _UNITS[used][1]
    return (f"{_UNITS[asked][1].capitalize()} hold too few answers (at most {table.attrs.get('max_n_asked')}, "
            f"against a minimum of {min_n}); {name} are used: {ok} of {len(table)} {name} have at least {min_n}.")
