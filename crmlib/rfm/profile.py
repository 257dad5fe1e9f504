"""Segment profiles (size, revenue, means, CLV and NPS per segment), the R x F grid of customers,
migration between two dates, and whether the customers form a single acquisition cohort."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.rfm.clusters import days_since_last
from crmlib.rfm.scores import spend_column


def profile(summary: pd.DataFrame, segments: pd.Series | None = None, clv: pd.Series | None = None,
            nps: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per segment: size, revenue, means of recency/frequency/spend, and optionally CLV and NPS.

    ``summary`` is a (scored) RFM summary; ``segments`` defaults to its ``segment`` column.
    Revenue is the ``revenue`` column (see :func:`add_spend`); without it the revenue of the
    repeat purchases, ``monetary_value * frequency``, is used and the column is called
    ``repeat_revenue``. ``clv`` is a Series of predicted lifetime value indexed by customer id
    (adds ``mean_predicted_clv``). ``nps`` is the NPS per segment as computed by
    :mod:`crmlib.feedback` (which owns the NPS definition and sits above this module)::

        answers = crmlib.feedback.join_value(feedback, scored)      # adds 'segment'
        profile(scored, nps=crmlib.feedback.nps_by(answers, by="segment"))

    a table with columns ``segment``, ``score`` and ``n`` (adds ``nps`` and ``nps_responses``;
    answers of customers in no segment are ignored). Rows follow the segment order; segments
    with no customers are left out.
    """
    if segments is None:
        if "segment" not in summary.columns:
            raise DataError("profile() needs segments: pass segments=segment(scored) or add a 'segment' column.")
        segments = summary["segment"]
    seg = pd.Series(segments).reindex(summary.index)
    if seg.isna().any():
        raise DataError(f"{int(seg.isna().sum())} customers of the summary have no segment, "
                        f"e.g. {list(summary.index[seg.isna().to_numpy()][:5])}.")
    spend_col = spend_column(summary)
    rev_name = "revenue" if "revenue" in summary.columns else "repeat_revenue"
    df = pd.DataFrame({
        "segment": seg.to_numpy(),
        "time_since_last": days_since_last(summary),
        "frequency": summary["frequency"].astype(float).to_numpy(),
        "spend": summary[spend_col].astype(float).to_numpy(),
        rev_name: (summary["revenue"] if rev_name == "revenue"
                   else summary["monetary_value"] * summary["frequency"]).astype(float).to_numpy(),
    }, index=summary.index)
    # "recency" in reports is days since the last purchase, whatever the summary's unit
    recency_name = "mean_days_since_last_purchase"
    g = df.groupby("segment", observed=True, sort=True)
    out = pd.DataFrame({
        "customers": g.size(),
        rev_name: g[rev_name].sum(),
        recency_name: g["time_since_last"].mean(),
        "mean_repeat_purchases": g["frequency"].mean(),
        f"mean_{spend_col}": g["spend"].mean(),
    })
    out.insert(1, "customer_share", out["customers"] / out["customers"].sum())
    total = out[rev_name].sum()
    out.insert(3, f"{rev_name}_share", out[rev_name] / total if total else np.nan)
    if clv is not None:
        c = pd.to_numeric(pd.Series(clv), errors="coerce").reindex(summary.index)
        out["mean_predicted_clv"] = c.groupby(df["segment"], observed=True).mean()
    if nps is not None:
        require_columns(getattr(nps, "columns", []), ("segment", "score", "n"), "profile(nps=...)", "NPS by segment",
                        "Pass the table of crmlib.feedback.nps_by(answers, by='segment').")
        table = nps.dropna(subset=["segment"]).assign(segment=lambda t: t["segment"].astype(str))
        table = table.set_index("segment")
        out["nps"] = table["score"].astype(float).reindex(out.index.astype(str)).to_numpy()
        out["nps_responses"] = table["n"].reindex(out.index.astype(str)).fillna(0).astype("int64").to_numpy()
    if isinstance(seg.dtype, pd.CategoricalDtype):
        out = out.reindex([c for c in seg.cat.categories if c in out.index])
    out.index.name = "segment"
    return out


NEW, GONE = "(new)", "(gone)"


def rf_grid(scored: pd.DataFrame, value: str = "customers") -> pd.DataFrame:
    """R x F table (R from bins at the top down to 1, F from 1 to bins) of customer counts or mean spend.

    ``value`` is ``"customers"`` or the name of a numeric column to average (e.g. ``"mean_spend"``).
    """
    require_columns(scored, ("R", "F"), "rf_grid()", "scored customers", "Score the summary with crmlib.rfm.score() first.")
    scale = scored.attrs.get("rfm_thresholds")
    bins = scale.bins if scale is not None else int(max(scored["R"].max(), scored["F"].max()))
    if value == "customers":
        grid = pd.crosstab(scored["R"], scored["F"])
    else:
        require_columns(scored, (value,), "rf_grid()", "scored customers",
                        "Pass value='customers' or a numeric column of the frame.")
        grid = scored.pivot_table(index="R", columns="F", values=value, aggfunc="mean", observed=True)
    grid = grid.reindex(index=range(bins, 0, -1), columns=range(1, bins + 1))
    if value == "customers":
        grid = grid.fillna(0).astype("int64")
    return grid


def migration(before: pd.Series, after: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Segment transitions between two dates: (counts, row shares).

    Rows are the segment at the earlier date, columns the segment at the later one. A customer
    present only later is counted in row ``"(new)"``, one present only earlier in column
    ``"(gone)"``; nobody is dropped. Row shares divide each row by its total (rows sum to 1).
    """
    for name, s in (("before", before), ("after", after)):
        if not isinstance(s, pd.Series):
            raise DataError(f"migration(): '{name}' must be a Series of segment names indexed by customer id.")
        if s.index.has_duplicates:
            raise DataError(f"migration(): '{name}' has duplicate customer ids, "
                            f"e.g. {list(s.index[s.index.duplicated()][:5])}.")

    def order(s):
        return list(s.cat.categories) if isinstance(s.dtype, pd.CategoricalDtype) else sorted(s.dropna().astype(str).unique())

    cats = list(dict.fromkeys(order(before) + order(after)))
    idx = before.index.union(after.index)
    b = before.astype(object).reindex(idx).fillna(NEW).astype(str)
    a = after.astype(object).reindex(idx).fillna(GONE).astype(str)
    rows = cats + [NEW]
    cols = cats + [GONE]
    counts = pd.crosstab(b, a).reindex(index=rows, columns=cols, fill_value=0).astype("int64")
    counts.loc[NEW, GONE] = 0
    counts.index.name, counts.columns.name = "segment before", "segment after"
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0)
    return counts, shares


@dataclass(frozen=True)
class SingleCohort:
    """Nearly every customer's first purchase in one short window (:func:`single_cohort`)."""

    share: float  #: the share of customers whose first purchase is in the window
    start: pd.Timestamp  #: the window's first day
    end: pd.Timestamp  #: the window's last day
    days: int  #: days of the window, both ends included
    span_days: int  #: days from the first purchase in the data to the last, both ends included


def single_cohort(transactions, *, window_share: float = 0.25, share: float = 0.95) -> SingleCohort | None:
    """The window holding ``share`` (95 %) of the customers' first purchases when it is shorter than
    ``window_share`` (a quarter) of the time from the first purchase in the data to the last, else
    None (also for fewer than 20 customers). Then no one is newly acquired at the end, and segment
    names built on recency ("New", "Promising") describe how recently a long-known customer bought.

    ``transactions``: a frame with ``customer_id`` and ``date``, or a
    :class:`crmlib.txlog.TransactionLog` (first days from DuckDB).
    """
    from crmlib.purchases import first_purchase, observation_end
    from crmlib.txlog import TransactionLog

    if isinstance(transactions, TransactionLog):
        first = first_purchase(transactions).sort_values()  # the one definition (crmlib.purchases)
        last = transactions.last_date
    else:
        require_columns(transactions, ("customer_id", "date"), "single_cohort()", "transactions")
        first = first_purchase(transactions).sort_values() if len(transactions) else pd.Series(dtype="datetime64[ns]")
        last = observation_end(transactions) if len(transactions) else None
    if len(first) < 20:
        return None
    span = (last - first.iloc[0]).days
    if span <= 0:
        return None
    k = max(1, math.ceil(share * len(first)))
    days = first.to_numpy().astype("datetime64[D]").astype(np.int64)
    widths = days[k - 1:] - days[:len(days) - k + 1]  # the shortest window holding k first purchases
    i = int(np.argmin(widths))
    width = int(widths[i])
    if width >= window_share * span:
        return None
    return SingleCohort(share=float(share), start=pd.Timestamp(days[i], unit="D"),
                        end=pd.Timestamp(days[i + k - 1], unit="D"), days=width + 1, span_days=span + 1)
