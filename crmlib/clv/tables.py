"""Tables of a fitted model's predictions for reports: the frequency x recency grid, lifetime
value by segment and the top customers (pseudonymised). Figures of them are in
:mod:`crmlib.plots.clv`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.privacy import pseudonymise


def frequency_recency_grid(model, T: float, what: str = "probability_alive", t: float | None = None,
                           max_frequency: int = 20, n_recency: int = 12) -> pd.DataFrame:
    """A prediction for customers of age ``T`` over a grid of frequency (rows) and recency (columns).

    ``what`` is "probability_alive" or "expected_purchases" (then ``t`` is the horizon). Rows run
    from ``max_frequency`` down to 0; recency from 0 to ``T`` in ``n_recency`` steps. Cells that no
    customer can occupy (repeat purchases without recency, or recency without repeat purchases)
    are NaN.
    """
    if what not in ("probability_alive", "expected_purchases"):
        raise DataError(f"what={what!r}: use 'probability_alive' or 'expected_purchases'.")
    if what == "expected_purchases" and t is None:
        raise DataError("what='expected_purchases' needs the horizon t.")
    if not T > 0:
        raise DataError(f"T must be > 0, got {T!r}.")
    freqs = np.arange(max_frequency, -1, -1)
    recs = np.linspace(0.0, T, n_recency + 1)
    x, r = np.meshgrid(freqs, recs, indexing="ij")
    grid = pd.DataFrame({"frequency": x.ravel().astype(float), "recency": r.ravel(), "T": float(T)})
    possible = (grid["frequency"] == 0) == (grid["recency"] == 0)
    values = np.full(len(grid), np.nan)
    cells = grid[possible]
    pred = (model.probability_alive(cells) if what == "probability_alive"
            else model.expected_purchases(t, cells))
    values[possible.to_numpy()] = pred.to_numpy()
    out = pd.DataFrame(values.reshape(x.shape), index=pd.Index(freqs, name="frequency"),
                       columns=pd.Index(np.round(recs, 1), name="recency"))
    out.attrs.update(what=what, T=float(T), t=t, freq=getattr(model, "freq_", None))
    return out


def clv_by_segment(values: pd.Series, segments: pd.Series) -> pd.DataFrame:
    """Per segment: customers, share of customers, total and mean CLV, share of total CLV;
    sorted by total CLV."""
    frame = pd.DataFrame({"clv": pd.Series(values, dtype=float), "segment": segments})
    if frame["segment"].isna().any():
        raise DataError(f"clv_by_segment: {int(frame['segment'].isna().sum())} customers have CLV but no segment; "
                        "segment the same customers the CLV was computed for.")
    out = frame.groupby("segment", observed=True)["clv"].agg(customers="size", total="sum", mean="mean")
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["clv_share"] = out["total"] / out["total"].sum()
    return out.sort_values("total", ascending=False)


def top_customers(table: pd.DataFrame, by: str = "clv", n: int = 20, key=None) -> pd.DataFrame:
    """The ``n`` customers with the highest ``by``, ids replaced by keyed pseudonyms.

    ``table`` is indexed by customer id; the result is indexed by ``customer`` (a pseudonym from
    :func:`crmlib.privacy.pseudonymise`) with a ``rank`` column first. Columns that look like
    PII are never passed through: only numeric columns and ``segment`` are kept.
    """
    if by not in table.columns:
        raise DataError(f"top_customers: column {by!r} missing; the table has {list(table.columns)}.")
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise DataError(f"top_customers: n must be a whole number >= 1, got {n!r}.")
    keep = [c for c in table.columns if c == "segment" or pd.api.types.is_numeric_dtype(table[c])]
    top = table[keep].sort_values(by, ascending=False).head(n)
    ids = pseudonymise(top.index.to_series(), key=key)
    out = top.set_axis(pd.Index(ids.to_numpy(), name="customer"))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out
