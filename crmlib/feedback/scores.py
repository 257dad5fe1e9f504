"""Survey scores with honest intervals: NPS, CSAT and CES, overall, by period and by group.

Scales and definitions
----------------------
* **NPS** ("How likely are you to recommend us?", 0-10): promoters answer 9-10, passives 7-8,
  detractors 0-6; NPS = %promoters - %detractors, in points from -100 to +100.
* **CSAT** (1-5): the top-2-box share, the percentage answering 4 or 5.
* **CES** (customer effort, 1-7): the mean score (on the common 2013 CEB wording a higher score
  means an easier experience; crmlib does not reverse it).

Intervals
---------
* NPS: adjusted Wald for the difference of two trinomial proportions, Rocks (2016),
  "Interval Estimation for the 'Net Promoter Score'", *The American Statistician* 70(4),
  365-372 (arXiv:1601.07235). Add ``T`` pseudo-respondents, a quarter as detractors, half as
  passives and a quarter as promoters (a prior centred on NPS = 0), then use the Wald
  variance of a difference of two proportions of one multinomial sample::

      n~   = n + T
      d~   = (x_det + T/4) / n~          p~ = (x_pro + T/4) / n~
      nps~ = p~ - d~
      var  = (p~ + d~ - (p~ - d~)**2) / n~
      CI   = nps~ -/+ z * sqrt(var), clipped to [-1, 1], times 100

  The interval is centred on the adjusted ``nps~``, which is pulled towards 0, while the point
  NPS reported is the plain sample NPS. For a handful of answers all on one side the sample NPS
  can therefore fall outside the interval (``nps([10])``: 100 against [-46.0, 87.3]). crmlib
  keeps Rocks' method and extends the bound on that side to the sample NPS
  (``[-46.0, 100.0]``), so an interval always contains its own estimate; the extension only
  happens for tiny groups (n of a few), which :func:`score_by` flags as too few anyway.
  ``T = z**2`` by default (``pseudo="z2"``, the analogue of Agresti-Coull: 3.84 at 95 %);
  ``pseudo=3`` gives the "+3" form that Lewis & Sauro (MeasuringU, 2021) found to cover well
  on real survey data. The point NPS reported is the plain sample NPS; only the interval uses
  the adjusted counts (see above for how the two are kept consistent).
* CSAT (a proportion): Wilson score interval (Wilson 1927, JASA 22; see Agresti & Coull 1998,
  *The American Statistician* 52(2)).
* CES (a mean of a 1-7 scale): Student t interval ``mean -/+ t(n-1) * s / sqrt(n)``.

>>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 0])
>>> r.score, r.n, r.promoters, r.detractors
(20.0, 10, 0.5, 0.3)
>>> round(r.lower, 1), round(r.upper, 1)
(-29.5, 58.4)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.io import SCORE_RANGES

NPS_GROUPS = ("detractor", "passive", "promoter")


@dataclass(frozen=True)
class Score:
    """One score with its interval. ``score``, ``lower``, ``upper`` are in the metric's unit
    (NPS points, CSAT percent top-2-box, CES mean on 1-7)."""

    metric: str
    score: float
    lower: float
    upper: float
    n: int
    confidence: float
    method: str
    promoters: float | None = None  # NPS only: shares in [0, 1]
    passives: float | None = None
    detractors: float | None = None

    def as_series(self) -> pd.Series:
        return pd.Series(asdict(self))

    def __str__(self) -> str:
        unit = {"nps": " points", "csat": " % top-2-box", "ces": " (mean, 1-7)"}[self.metric]
        return (f"{self.metric.upper()} {self.score:.1f}{unit}, {self.confidence:.0%} CI "
                f"[{self.lower:.1f}, {self.upper:.1f}] ({self.method}), n={self.n}")

    def _repr_html_(self) -> str:
        return f"<p>{self}</p>"


# ----------------------------------------------------------------------------- validation

def _clean(scores, metric: str, *, name: str | None = None) -> np.ndarray:
    """Scores as a float array without missing values; DataError for values off the scale."""
    lo, hi = SCORE_RANGES[metric]
    s = pd.Series(scores, copy=False)
    label = name or getattr(scores, "name", None) or metric
    num = pd.to_numeric(s, errors="coerce")
    not_numbers = s.notna() & num.isna()
    bad = num.notna() & ((num < lo) | (num > hi) | (num != np.floor(num)))
    if not_numbers.any() or bad.any():
        problems = []
        for mask, rule in ((not_numbers, "are not numbers"),
                           (bad, f"are not whole numbers from {lo} to {hi}")):
            if mask.any():
                idx = list(s.index[mask][:5])
                vals = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in s[mask][:5])
                problems.append(f"{int(mask.sum())} values {rule}, at index {idx}: {vals}")
        raise DataError(f"Column {label!r} ({metric.upper()} on a {lo}-{hi} scale): "
                        + "; ".join(problems)
                        + ". Fix or blank these answers (blanks are ignored).")
    return num.dropna().to_numpy(dtype=float)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


# ----------------------------------------------------------------------------- one sample

def nps_category(scores) -> pd.Series:
    """'detractor' (0-6), 'passive' (7-8) or 'promoter' (9-10) per answer; NA where blank."""
    s = pd.to_numeric(pd.Series(scores), errors="coerce")
    _clean(s, "nps")
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    out[s <= 6] = "detractor"
    out[(s >= 7) & (s <= 8)] = "passive"
    out[s >= 9] = "promoter"
    return out


def nps_interval(x_det: float, x_pas: float, x_pro: float, confidence: float = 0.95,
                 pseudo="z2") -> tuple[float, float]:
    """Adjusted-Wald interval (Rocks 2016) for the NPS from counts, in points.

    See the module docstring for the formula. ``pseudo`` is ``"z2"`` (T = z**2) or a number T.
    The interval always contains the sample NPS ``100 * (x_pro - x_det) / n``: when the
    adjusted interval misses it (a few answers, all promoters or all detractors) the bound on
    that side is moved to it.

    >>> [round(b, 1) for b in nps_interval(0, 0, 1)]  # one promoter: upper bound 87.3 -> 100
    [-46.0, 100.0]
    """
    z = _z(confidence)
    t = z * z if pseudo == "z2" else float(pseudo)
    n_adj = x_det + x_pas + x_pro + t
    p_pro = (x_pro + t / 4) / n_adj
    p_det = (x_det + t / 4) / n_adj
    centre = p_pro - p_det
    var = (p_pro + p_det - centre**2) / n_adj
    half = z * math.sqrt(max(var, 0.0))
    lo, hi = max(-1.0, centre - half), min(1.0, centre + half)
    n = x_det + x_pas + x_pro
    if n > 0:
        observed = (x_pro - x_det) / n
        lo, hi = min(lo, observed), max(hi, observed)
    return 100 * lo, 100 * hi


def nps(scores, confidence: float = 0.95, pseudo="z2") -> Score:
    """Net Promoter Score of 0-10 answers, with the Rocks (2016) adjusted-Wald interval.

    Blank answers are ignored. Returns a :class:`Score` with ``score`` in points (-100..100),
    ``lower``/``upper``, ``n`` and the shares ``promoters``, ``passives``, ``detractors`` (0-1).
    An empty input gives NaN score and interval with n = 0.
    """
    x = _clean(scores, "nps")
    n = len(x)
    det, pro = int((x <= 6).sum()), int((x >= 9).sum())
    pas = n - det - pro
    if n == 0:
        nan = float("nan")
        return Score("nps", nan, nan, nan, 0, confidence, "adjusted Wald (Rocks 2016)", nan, nan, nan)
    lo, hi = nps_interval(det, pas, pro, confidence, pseudo)
    return Score("nps", 100 * (pro - det) / n, lo, hi, n, confidence,
                 "adjusted Wald (Rocks 2016)", pro / n, pas / n, det / n)


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as fractions in [0, 1]."""
    if n == 0:
        return float("nan"), float("nan")
    z = _z(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    # the Wilson bounds at p = 0 and p = 1 are 0 and 1 exactly; keep rounding from moving them
    return (0.0 if successes == 0 else lo), (1.0 if successes == n else hi)


def csat(scores, confidence: float = 0.95) -> Score:
    """CSAT as the top-2-box share (answers 4 or 5 on 1-5), in percent, with a Wilson interval."""
    x = _clean(scores, "csat")
    n = len(x)
    k = int((x >= 4).sum())
    lo, hi = wilson_interval(k, n, confidence)
    score = 100 * k / n if n else float("nan")
    return Score("csat", score, 100 * lo, 100 * hi, n, confidence, "Wilson")


def ces(scores, confidence: float = 0.95) -> Score:
    """Customer Effort Score: the mean of 1-7 answers, with a Student t interval."""
    x = _clean(scores, "ces")
    n = len(x)
    _z(confidence)
    if n == 0:
        nan = float("nan")
        return Score("ces", nan, nan, nan, 0, confidence, "t")
    mean = float(x.mean())
    if n == 1:
        return Score("ces", mean, float("nan"), float("nan"), 1, confidence, "t")
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return Score("ces", mean, max(1.0, mean - half), min(7.0, mean + half), n, confidence, "t")


METRICS = {"nps": nps, "csat": csat, "ces": ces}


# ----------------------------------------------------------------------------- grouped

#: Periods a score can be grouped by, shortest first, with their names.
PERIOD_NAMES = {"W": "weeks", "M": "months", "Q": "quarters", "H": "half-years", "Y": "years"}
PERIODS = tuple(PERIOD_NAMES)


def period_start(dates, period: str) -> pd.Series:
    """The first day of the week (Monday), month, quarter, half-year or year of each date.

    >>> period_start(pd.Series(pd.to_datetime(["2024-05-03", "2024-11-30"])), "H").dt.date.astype(str).tolist()
    ['2024-01-01', '2024-07-01']
    """
    d = pd.to_datetime(pd.Series(dates))
    if period == "H":
        month = ((d.dt.month - 1) // 6) * 6 + 1
        return pd.to_datetime(pd.DataFrame({"year": d.dt.year, "month": month, "day": 1}))
    return d.dt.to_period({"Y": "Y", "Q": "Q", "M": "M", "W": "W"}[period]).dt.start_time

def score_by(feedback: pd.DataFrame, metric: str = "nps", by=None, period: str | None = None,
             *, min_n: int = 30, confidence: float = 0.95, date_col: str = "date",
             score_col: str | None = None) -> pd.DataFrame:
    """One row per cell (group x period) with ``n``, ``score``, ``lower``, ``upper``, ``too_few``.

    ``metric`` is "nps", "csat" or "ces" (the answers are read from the column of that name
    unless ``score_col`` says otherwise). ``by`` is a column name or a list of them (e.g.
    "channel", ["city", "segment"]); ``period`` is None or one of :data:`PERIODS` ("W" weeks
    starting Monday, "M" calendar months, "Q" calendar quarters, "H" half-years starting January
    and July, "Y" calendar years) and adds a ``period`` column with the period's first day. Cells with
    fewer than ``min_n`` answers are kept but flagged ``too_few=True``: plot them greyed, never
    as facts. For NPS the three shares are added. Rows with a blank answer do not count in n.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, not {metric!r}")
    col = score_col or metric
    by = [] if by is None else ([by] if isinstance(by, str) else list(by))
    if period is not None and period not in PERIODS:
        raise ValueError(f"period must be None or one of {', '.join(map(repr, PERIODS))} "
                         f"({', '.join(PERIOD_NAMES.values())}), not {period!r}")
    require_columns(feedback, [col, *by, *([date_col] if period is not None else [])], "score_by()", "feedback",
                    "Pass the right names (score_col=, by=, date_col=).")
    _clean(feedback[col], metric, name=col)  # validate the whole column once, with row numbers
    df = feedback[[*by, col] + ([date_col] if period else [])].copy()
    df = df[pd.to_numeric(df[col], errors="coerce").notna()]
    keys = list(by)
    if period:
        df["period"] = period_start(df[date_col], period)
        keys.append("period")
    func = METRICS[metric]
    rows = []
    groups = df.groupby(keys, sort=True, dropna=False, observed=True) if keys else [((), df)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        r = func(part[col], confidence=confidence)
        row = dict(zip(keys, key))
        row.update(n=r.n, score=r.score, lower=r.lower, upper=r.upper)
        if metric == "nps":
            row.update(promoters=r.promoters, passives=r.passives, detractors=r.detractors)
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*keys, "n", "score", "lower", "upper"]
                       + (["promoters", "passives", "detractors"] if metric == "nps" else []))
    out["n"] = out["n"].astype("int64")
    out["too_few"] = out["n"] < min_n
    out.insert(len(keys), "metric", metric)
    out.attrs.update(metric=metric, min_n=min_n, confidence=confidence, period=period)
    return out


def nps_by(feedback: pd.DataFrame, by=None, period: str | None = None, **kw) -> pd.DataFrame:
    """:func:`score_by` for NPS."""
    return score_by(feedback, "nps", by, period, **kw)


def csat_by(feedback: pd.DataFrame, by=None, period: str | None = None, **kw) -> pd.DataFrame:
    """:func:`score_by` for CSAT (top-2-box percent)."""
    return score_by(feedback, "csat", by, period, **kw)


def ces_by(feedback: pd.DataFrame, by=None, period: str | None = None, **kw) -> pd.DataFrame:
    """:func:`score_by` for CES (mean 1-7)."""
    return score_by(feedback, "ces", by, period, **kw)


# --------------------------------------------------------------------------- words

def format_score(metric: str, v: float) -> str:
    """A score as written in titles: CES with one decimal, NPS and CSAT whole."""
    return f"{v:.1f}" if metric == "ces" else f"{v:.0f}"


def join_city(feedback: pd.DataFrame, customers: pd.DataFrame | None, *, not_found=np.nan,
              blank=np.nan) -> pd.DataFrame:
    """Feedback rows with their customer's ``city`` from a customers file (``customer_id`` and ``city`` columns); the
    feedback as given without a file or a city column. Ids are matched by the rule of :mod:`crmlib.ids`, as
    :func:`join_value` matches them (``81.0`` is ``81``; ``000081`` finds ``81`` when no other id fits; a plain merge
    found neither). An answer whose customer is not in the file gets ``not_found``, one whose customer has no city
    there ``blank`` (NaN both; the feedback page names them as the overview's attribute tables do).

    >>> answers = pd.DataFrame({"customer_id": ["a", "b", "007"], "nps": [9, 3, 7]})
    >>> cities = pd.DataFrame({"customer_id": ["a", "7", "b"], "city": ["Pune", "Kolkata", None]})
    >>> join_city(answers, cities)["city"].tolist(), join_city(answers, cities, blank="-")["city"].tolist()
    (['Pune', nan, 'Kolkata'], ['Pune', '-', 'Kolkata'])
    >>> join_city(answers.assign(customer_id=["x", "b", "a"]), cities, not_found="?")["city"].tolist()
    ['?', nan, 'Pune']
    """
    from crmlib.ids import matched_ids, normalise_ids

    if customers is None or "city" not in customers.columns:
        return feedback
    table = customers.assign(customer_id=normalise_ids(customers["customer_id"]).to_numpy())
    cities = table.dropna(subset=["customer_id"]).drop_duplicates("customer_id").set_index("customer_id")["city"]
    found = matched_ids(feedback["customer_id"], cities.index)  # exact ids, then zero padding when it names one id
    city = found.map(cities).astype(object)
    unknown = np.where(found.isna().to_numpy(), np.array(not_found, dtype=object), np.array(blank, dtype=object))
    city = city.where(city.notna(), unknown)
    return feedback.assign(city=city.to_numpy())


def join_value(feedback: pd.DataFrame, customers: pd.DataFrame, *,
               columns=("segment", "clv"), n_deciles: int = 10) -> pd.DataFrame:
    """Feedback rows with the customer's RFM ``segment``, ``clv`` and ``clv_decile``.

    ``customers`` is indexed by ``customer_id``: the table of :func:`crmlib.customer_table` (or
    any table with a ``segment`` and/or ``clv`` column). ``clv_decile`` numbers the customers of
    that table by CLV, **1 = the most valuable tenth**, 10 = the least, exactly as
    ``customer_table`` and the CLV report's decile table do: deciles are taken over every customer
    of the table, not only over those who answered, so decile 1 here is decile 1 there. The
    table's own ``clv_decile`` is used when it has one (and ``n_deciles`` is 10); otherwise it is
    computed from ``clv`` by :func:`crmlib.customers.value_deciles`. Ids are matched by the rule of
    :mod:`crmlib.ids` (``81.0`` is ``81``; ``000081`` finds ``81`` when no other id fits); feedback
    from customers missing in ``customers`` keeps NA in the new columns, and
    :func:`crmlib.ids.join_rate` says how many were found.
    """
    from crmlib.customers import value_deciles
    from crmlib.ids import matched_ids, normalise_ids

    require_columns(feedback, ("customer_id",), "join_value()", "feedback",
                    "The id joins answers to customer value; load it with crmlib.io.read_feedback.")
    cols = [c for c in columns if c in customers.columns and c != "clv_decile"]
    if not cols:
        raise DataError(f"The customer table has none of the columns {list(columns)}; it has "
                        f"{list(customers.columns)}. Build it with crmlib.customer_table(transactions), "
                        "which adds 'segment' and 'clv'.")
    table = customers[cols].copy()
    if "clv" in cols:
        own = "clv_decile" in customers.columns and n_deciles == 10
        table["clv_decile"] = (customers["clv_decile"] if own
                               else value_deciles(customers["clv"], n_deciles)).astype("Int64")
    table.index = normalise_ids(pd.Series(table.index)).to_numpy()
    out = feedback.copy()
    found = matched_ids(out["customer_id"], table.index)  # exact ids, then zero padding when it names one id
    for c in table.columns:
        out[c] = found.map(table[c]).to_numpy()
    if "clv_decile" in table.columns:
        out["clv_decile"] = out["clv_decile"].astype("Int64")
    return out


def value_at_risk(feedback: pd.DataFrame, *, clv_col: str = "clv") -> pd.DataFrame:
    """Customer lifetime value held by detractors, passives and promoters.

    Each customer counts once, in the NPS group of their latest answer (by ``date`` when
    present). Returns one row per group: ``customers``, ``clv`` (sum), ``clv_share`` (0-1),
    ``clv_mean``. A group whose customers have no known value (not found among the customers of
    the value table) has NA, not 0: unknown is not nothing.
    """
    require_columns(feedback, ("customer_id", "nps", clv_col), "value by NPS group", "feedback",
                    "Run join_value(feedback, customers) first.")
    df = feedback[pd.to_numeric(feedback["nps"], errors="coerce").notna()]
    if "date" in df.columns:
        df = df.sort_values("date", kind="stable")
    last = df.groupby("customer_id", sort=False).tail(1)
    group = nps_category(last["nps"])
    clv = pd.to_numeric(last[clv_col], errors="coerce")
    out = (pd.DataFrame({"nps_group": group.to_numpy(), "clv": clv.to_numpy()})
           .groupby("nps_group").agg(customers=("clv", "size"), clv=("clv", lambda v: v.sum(min_count=1)),
                                     clv_mean=("clv", "mean"))
           .reindex(list(NPS_GROUPS)))
    empty = out["customers"].isna()
    out["customers"] = out["customers"].fillna(0)
    out.loc[empty, "clv"] = 0.0  # no one in the group: truly nothing; NaN stays where value is unknown
    total = out["clv"].sum(min_count=1)
    out["clv_share"] = out["clv"] / total if total and np.isfinite(total) else np.nan
    out["customers"] = out["customers"].astype("int64")
    return out[["customers", "clv", "clv_share", "clv_mean"]]


def customer_value(transactions: pd.DataFrame, *, observation_end=None, horizon_weeks: int = 52,
                   annual_discount: float = 0.10) -> pd.DataFrame:
    """Deprecated: call :func:`crmlib.customer_table`, the one per-customer table of every report.

    Returns ``customer_table(transactions, observation_end=observation_end, freq="W",
    horizon_days=7 * horizon_weeks, annual_discount=annual_discount)``: segments, and ``clv`` with
    ``clv_decile`` (1 = most valuable) when the models can be fitted (``attrs['clv_note']`` says
    why not).
    """
    import warnings

    from crmlib.customers import customer_table

    warnings.warn("crmlib.feedback.customer_value is deprecated: use crmlib.customer_table(transactions), "
                  "the per-customer table every report shares.", DeprecationWarning, stacklevel=2)
    return customer_table(transactions, observation_end=observation_end, freq="W",
                          horizon_days=7 * horizon_weeks, annual_discount=annual_discount)
