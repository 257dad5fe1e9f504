"""Figures and tables for the customer-lifetime-value report (``notebooks/reports/clv.ipynb``).

The per-customer values themselves (model choice, P(alive), CLV, ``clv_decile``) come from
:func:`crmlib.customer_table`; this module draws them.

Each figure function returns a matplotlib Figure whose title states what the data show, with
labelled axes and units; tables are plain DataFrames. Time units are the summary's ``freq``
("D", "W", "M") and are named in every label. Customer ids leave this module only pseudonymised.
Nothing global is changed: seaborn styles apply inside each function only.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from crmlib.clv._data import UNIT_NAMES
# Model choice and the decile table moved to crmlib.customers (one per-customer table for every
# report); the names stay importable from here for existing callers.
from crmlib.customers import TRANSACTION_MODELS, clv_deciles, fittable, transaction_model  # noqa: F401
from crmlib.exceptions import DataError
from crmlib.privacy import pseudonymise


def unit_name(freq: str | None) -> str:
    """'weeks' for "W" etc.; the unit label used on every axis.

    >>> unit_name("W")
    'weeks'
    """
    if freq not in UNIT_NAMES:
        raise DataError(f"time unit {freq!r} is not one of {sorted(UNIT_NAMES)} ('D' days, 'W' weeks, 'M' months).")
    return UNIT_NAMES[freq]


def default_calibration_end(transactions, fraction: float = 2 / 3,
                            observation_end=None) -> pd.Timestamp:
    """The day ``fraction`` of the way from the first transaction to ``observation_end``.

    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-31"])})
    >>> default_calibration_end(tx, 0.5)
    Timestamp('2024-01-16 00:00:00')
    """
    if not 0 < fraction < 1:
        raise DataError(f"fraction must be between 0 and 1, got {fraction!r}.")
    from crmlib.summary import date_range

    start, last = date_range(transactions)  # a DataFrame or a crmlib.TransactionLog
    end = pd.Timestamp(observation_end) if observation_end is not None else last
    return (start + (end - start) * fraction).normalize()


# --------------------------------------------------------------------------- model checks
def calibration_holdout_figure(table: pd.DataFrame, model_name: str, duration: float, freq: str,
                               ax=None) -> plt.Figure:
    """Actual against predicted mean holdout purchases by calibration frequency.

    ``table`` is :func:`crmlib.clv.calibration_holdout`'s result (customers, actual, predicted).
    """
    actual = float((table["actual"] * table["customers"]).sum())
    predicted = float((table["predicted"] * table["customers"]).sum())
    gap = (predicted - actual) / actual if actual else np.nan
    long = (table.reset_index().melt(id_vars=["frequency", "customers"], value_vars=["actual", "predicted"],
                                     var_name="series", value_name="purchases"))
    with sns.axes_style("whitegrid"):
        fig, ax = _axes(ax, (8, 4.5))
        sns.lineplot(long, x="frequency", y="purchases", hue="series", style="series", markers=True,
                     dashes=False, palette="colorblind", ax=ax, sort=False)
        ax.set(title=f"{model_name} predicts {predicted:,.0f} holdout purchases against {actual:,.0f} "
                     f"actual ({gap:+.0%})",
               xlabel="Repeat purchases in the calibration period (count)",
               ylabel=f"Mean purchases in the {duration:.0f}-{unit_name(freq)[:-1]} holdout")
        ax.legend(title=None)
        fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- frequency x recency
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
    out.attrs.update(what=what, T=float(T), t=t)
    return out


def frequency_recency_heatmap(grid: pd.DataFrame, freq: str, ax=None) -> plt.Figure:
    """Heatmap of :func:`frequency_recency_grid`, titled with what it shows for frequent buyers."""
    what, T, t = grid.attrs.get("what"), grid.attrs.get("T"), grid.attrs.get("t")
    unit = unit_name(freq)
    top = grid.iloc[0]  # the most frequent buyers
    if what == "probability_alive":
        title = (f"A customer with {grid.index[0]} repeat purchases is {top.iloc[-1]:.0%} likely active if "
                 f"the last was recent, {top.iloc[1]:.0%} if it was {T - grid.columns[1]:.0f} {unit} ago")
        label = "P(active)"
    else:
        title = (f"Recent frequent buyers are expected to buy {np.nanmax(grid.to_numpy()):.1f} times "
                 f"in the next {t:g} {unit}; lapsed ones hardly at all")
        label = f"Expected purchases in {t:g} {unit}"
    with sns.axes_style("white"):
        fig, ax = _axes(ax, (9, 5.5))
        sns.heatmap(grid, cmap="viridis", ax=ax, cbar_kws={"label": label},
                    vmin=0, vmax=1 if what == "probability_alive" else None)
        if what == "probability_alive":
            ax.collections[0].colorbar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set(title=title, xlabel=f"Recency: age at last purchase ({unit}; customers aged {T:.0f} {unit})",
               ylabel="Repeat purchases (count)")
        ax.title.set_fontsize(10)
        fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- CLV
def clv_distribution(values: pd.Series, horizon: int, freq: str, currency: str = "", ax=None) -> plt.Figure:
    """Histogram of CLV on a log scale, titled with the share held by the top 10%."""
    v = pd.Series(values, dtype=float)
    share = clv_deciles(v).loc[1, "share"]
    floor = max(float(v.quantile(0.01)), 1e-9)  # a log axis would otherwise stretch to near-zero values
    shown = v[v >= floor]
    with sns.axes_style("whitegrid"):
        fig, ax = _axes(ax, (8, 4.5))
        sns.histplot(shown, bins=40, log_scale=True, color=sns.color_palette("colorblind")[0], ax=ax)
        ax.axvline(v.median(), color="0.3", linestyle="--", label=f"median {v.median():,.0f}")
        ax.plot([], [], " ", label=f"{len(v) - len(shown):,} customers below {floor:,.2g} not shown")
        ax.legend()
        ax.set(title=f"The top 10% of customers hold {share:.0%} of the expected value "
                     f"of the next {horizon} {unit_name(freq)}",
               xlabel=f"Customer lifetime value ({currency or 'currency units'}, discounted; log scale)",
               ylabel="Customers (count)")
        fig.tight_layout()
    return fig


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


def clv_by_segment_figure(table: pd.DataFrame, ax=None) -> plt.Figure:
    """Share of customers against share of CLV per segment (from :func:`clv_by_segment`)."""
    top = table.index[0]
    long = (table[["customer_share", "clv_share"]].rename(columns={"customer_share": "customers",
                                                                   "clv_share": "lifetime value"})
            .reset_index().melt(id_vars="segment", var_name="share of", value_name="share"))
    long["segment"] = long["segment"].astype(str)
    with sns.axes_style("whitegrid"):
        fig, ax = _axes(ax, (8, 0.45 * len(table) + 1.5))
        sns.barplot(long, y="segment", x="share", hue="share of", palette="colorblind", ax=ax,
                    order=[str(s) for s in table.index])
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set(title=f"'{top}' hold {table['clv_share'].iloc[0]:.0%} of expected value with "
                     f"{table['customer_share'].iloc[0]:.0%} of customers",
               xlabel="Share of all customers / of total lifetime value (%)", ylabel="RFM segment")
        ax.legend(title=None)
        fig.tight_layout()
    return fig


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


def _axes(ax, size):
    if ax is None:
        fig, ax = plt.subplots(figsize=size)
    else:
        fig = ax.figure
    return fig, ax
