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
days / 30), weeks for ``"W"``.

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

__all__ = ["Change", "Trend", "last_change", "score_trend", "trend_title"]

_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
_POINTS = {"nps": "points", "csat": "percentage points", "ces": "points"}
_UNITS = {f: (units.name(f, 1), units.name(f)) for f in ("M", "W")}  # the periods of a score trend


def _fmt(metric: str, v: float) -> str:
    if metric == "ces":
        return f"{v:.1f}"
    return f"{v:.0f}" + (" %" if metric == "csat" else "")


def _label(ts) -> str:
    return pd.Timestamp(ts).strftime("%b %Y")


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
        return f"from {_label(self.first)} to {_label(self.last)}"

    def sentence(self) -> str:
        """The trend in one sentence, with its interval."""
        name, pts = _NAMES[self.metric], _POINTS[self.metric]
        plural = self.unit + "s"
        if self.direction == "unknown":
            return (f"{name} has too few periods with enough answers ({self.periods}) to judge a trend; "
                    "at least 3 are needed.")
        interval = f"{100 * self.confidence:.0f} % interval {self.lower:.1f} to {self.upper:.1f}"
        if self.direction == "flat":
            return (f"{name} shows no clear change {self._span()}: it averaged {_fmt(self.metric, self.mean)}, "
                    f"and its fitted change of {self.slope:+.1f} {pts} a {self.unit} ({interval}) could be zero.")
        verb = "rose" if self.direction == "rising" else "fell"
        return (f"{name} {verb} by about {abs(self.slope):.1f} {pts} a {self.unit} {self._span()} "
                f"({interval}; {self.periods} {plural}).")

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
    if k < 3:
        return Trend(metric, nan, nan, nan, k, first, last, unit, float(np.mean(y)) if k else nan, conf)
    w = 1.0 / _se(ok, z) ** 2
    xm = np.sum(w * x) / w.sum()
    ym = np.sum(w * y) / w.sum()
    sxx = np.sum(w * (x - xm) ** 2)
    slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx)
    resid = y - (ym + slope * (x - xm))
    scale = max(1.0, float(np.sum(w * resid**2)) / (k - 2))
    se = math.sqrt(scale / sxx)
    t = float(stats.t.ppf(0.5 + conf / 2, k - 2))
    return Trend(metric, slope, slope - t * se, slope + t * se, k, first, last, unit, float(ym), conf)


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

    @property
    def direction(self) -> str:
        """'up' or 'down' only when the interval of the difference excludes 0, else 'same'."""
        return "up" if self.lower > 0 else "down" if self.upper < 0 else "same"

    def sentence(self) -> str:
        name, m = _NAMES[self.metric], self.metric
        now = (f"{name} was {_fmt(m, self.score)} in {_label(self.current)} "
               f"(interval {_fmt(m, self.score_lower)} to {_fmt(m, self.score_upper)})")
        diff = (f"{abs(self.difference):.1f} {_POINTS[m]} (interval {self.lower:.1f} to {self.upper:.1f})")
        if self.direction == "same":
            return (f"{now}; the change of {self.difference:+.1f} {_POINTS[m]} against {_label(self.previous)} "
                    f"is within the noise (interval {self.lower:.1f} to {self.upper:.1f}).")
        word = "up" if self.direction == "up" else "down"
        return f"{now}, {word} {diff} on {_label(self.previous)}."


def last_change(table: pd.DataFrame, confidence: float | None = None) -> Change | None:
    """The last reliable period against the one before, or None with fewer than two."""
    metric = str(table["metric"].iloc[0]) if "metric" in table.columns and len(table) else "nps"
    conf = float(confidence if confidence is not None else table.attrs.get("confidence", 0.95))
    z = float(stats.norm.ppf(0.5 + conf / 2))
    ok = _reliable(table)
    if len(ok) < 2:
        return None
    two = ok.iloc[-2:]
    se = _se(two, z)
    d = float(two["score"].iloc[1] - two["score"].iloc[0])
    half = z * math.sqrt(float(np.sum(se**2)))
    cur = two.iloc[1]
    return Change(metric, two["period"].iloc[0], cur["period"], float(two["score"].iloc[0]), float(cur["score"]),
                  float(cur["lower"]), float(cur["upper"]), d, d - half, d + half, conf)


def trend_title(table: pd.DataFrame) -> str:
    """The title of a trend figure, from :func:`score_trend` (all reliable periods)."""
    return score_trend(table).title()
