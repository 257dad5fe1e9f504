"""RFM scores: R, F and M on a scale of ``bins``, from thresholds kept with the scores.

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

Named segments from the scores: :mod:`crmlib.rfm.segments`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.units import UNIT_NAMES

THRESHOLDS_ATTR = "rfm_thresholds"
SUMMARY_COLUMNS = ("frequency", "recency", "T")


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
    require_columns(summary, need, "score()", "RFM summary", "Build it with crmlib.summary.rfm_summary(transactions).")
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
    require_columns(transactions, ("customer_id", "date", "amount"), "add_spend()", "transactions",
                    "Read them with crmlib.io.read_transactions.")
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
