"""Absolute recency limits that keep segment names true on any data.

R scores are quantiles, so on data where most customers lapsed long ago (CDNOW: one cohort of
early 1997, watched for 18 months) the "recent" scores hold customers silent for over a year, and
"Potential Loyalist" or "Loyal" say the opposite of their customers. The default segment scheme
therefore names customers from the R score *capped and floored by days since the last purchase*:

==========================  ==========================================================  =========
rows of the 5-score grid    names there (default scheme)                                 limit
==========================  ==========================================================  =========
R = 5                       Champions, Potential Loyalist, New                           <= 90 days
R >= 4                      ... and Loyal, Promising                                     <= 180 days
R >= 3                      ... and Need Attention, About to Sleep                       <= 365 days
R <= 2                      At Risk, Can't Lose Them, Hibernating                        >= 31 days
R = 1                       Lost, At Risk, Can't Lose Them                               >= 91 days
==========================  ==========================================================  =========

A customer whose quantile row breaks a limit is named from the nearest row that keeps it: silent
for 400 days with R = 4 and F = 5, they are named from row R = 2 (Can't Lose Them), not Loyal;
bought 10 days ago with R = 1 (a business where everyone bought this month), from row R = 3. Why
these numbers: a quarter is the usual window of "recent" in retail RFM practice, nobody silent for
a year is "recent" in any trade that repeats more often than yearly, and nobody who bought this
month (30 days) or this quarter (90 days) is "long gone" or "lost". Change them with
``default_scheme(limits=RecencyLimits(...))``; ``limits=None`` gives the pure quantile scheme.

For ``bins`` other than 5, score row ``s`` takes the limits of the 5-grid row ``ceil(5 s / bins)``,
as the default scheme's rules do. The limits are kept in the scheme's ``attrs["recency_limits"]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from crmlib.exceptions import DataError

LIMITS_ATTR = "recency_limits"


@dataclass(frozen=True)
class RecencyLimits:
    """Day limits per row of the 5-score R axis: ``max_days[r]``: a customer named in row ``r`` or
    above bought at most that many days ago; ``min_days[r]``: named in row ``r`` or below, at least
    that many days ago. Rows not listed have no limit."""

    max_days: dict = field(default_factory=lambda: {5: 90, 4: 180, 3: 365})
    min_days: dict = field(default_factory=lambda: {2: 31, 1: 91})

    def __post_init__(self):
        for name, table in (("max_days", self.max_days), ("min_days", self.min_days)):
            for r, d in table.items():
                if r not in range(1, 6) or not isinstance(d, (int, float)) or not d >= 0:
                    raise DataError(f"RecencyLimits.{name}: rows are R scores 1..5 of the 5-score grid and "
                                    f"limits are days >= 0; got {r!r}: {d!r}.")
        caps = [self.cap(r, 5) for r in range(1, 6)]
        floors = [self.floor(r, 5) for r in range(1, 6)]
        if any(a < b for a, b in zip(caps, caps[1:])) or any(a < b for a, b in zip(floors, floors[1:])):
            raise DataError(f"RecencyLimits: a higher R row must allow fewer days, not more; got max_days "
                            f"{self.max_days} and min_days {self.min_days}.")
        for r in range(1, 6):
            if self.floor(r, 5) > self.cap(r, 5):
                raise DataError(f"RecencyLimits: row R={r} would need at least {self.floor(r, 5)} and at most "
                                f"{self.cap(r, 5)} days since the last purchase; no customer could be named there.")

    def cap(self, s: int, bins: int) -> float:
        """Most days since the last purchase allowed in score row ``s`` of ``bins`` (inf: no limit)."""
        row = math.ceil(5 * s / bins)
        return float(min([d for r, d in self.max_days.items() if r <= row], default=math.inf))

    def floor(self, s: int, bins: int) -> float:
        """Fewest days since the last purchase allowed in score row ``s`` of ``bins`` (0: no limit)."""
        row = math.ceil(5 * s / bins)
        return float(max([d for r, d in self.min_days.items() if r >= row], default=0.0))

    def describe(self) -> str:
        """The limits in one sentence (rows of the 5-score grid)."""
        parts = []
        for r in range(5, 0, -1):
            cap, floor = self.cap(r, 5), self.floor(r, 5)
            if math.isfinite(cap):
                parts.append(f"R {r} at most {cap:,.0f} days")
            if floor > 0:
                parts.append(f"R {r} at least {floor:,.0f} days")
        return ", ".join(parts)


def limits_of(scheme) -> RecencyLimits | None:
    """The recency limits a scheme carries (``attrs["recency_limits"]``), or None (pure quantiles)."""
    return getattr(scheme, "attrs", {}).get(LIMITS_ATTR)


def named_rows(r_scores: np.ndarray, gap_days: np.ndarray, bins: int, limits: RecencyLimits) -> np.ndarray:
    """The R row each customer is named from: the quantile R score, lowered until the row's
    ``max_days`` holds and raised until its ``min_days`` holds."""
    r = np.asarray(r_scores, dtype=int)
    gap = np.asarray(gap_days, dtype=float)
    cap_row = np.ones_like(r)
    floor_row = np.ones_like(r)
    for s in range(2, bins + 1):
        cap_row = np.where(gap <= limits.cap(s, bins), s, cap_row)
        floor_row = np.where(gap < limits.floor(s - 1, bins), s, floor_row)
    return np.maximum(np.minimum(r, cap_row), floor_row)


def named_cuts(cuts: np.ndarray, bins: int, limits: RecencyLimits | None, unit_days: float = 1.0) -> np.ndarray:
    """The R cut points (on minus the time since the last purchase, in a unit of ``unit_days``
    days, as :class:`crmlib.rfm.RFMScale` keeps them) after the limits: a customer is named in row
    ``s`` or above exactly when minus their time is above cut ``s - 2``. Whole days: at most ``d``
    days is "under ``d + 1``"."""
    cuts = np.asarray(cuts, dtype=float)
    if limits is None:
        return cuts.copy()
    out = []
    for s in range(2, bins + 1):
        cap, floor = limits.cap(s, bins), limits.floor(s - 1, bins)
        cap_cut = -(cap + 1) / unit_days if math.isfinite(cap) else -math.inf
        floor_cut = -floor / unit_days if floor > 0 else math.inf
        out.append(min(max(float(cuts[s - 2]), cap_cut), floor_cut))
    return np.asarray(out, dtype=float)
