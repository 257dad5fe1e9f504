"""How many of a cohort are still customers: the sBG projection of one cohort (contractual data) and the share of
every cohort still active under the lifetime-value page's transaction model (non-contractual data), beside the
share that bought in each period. The cohorts are :func:`crmlib.retention.cohorts.cohort_table`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.retention.cohorts import cohort_counts


def default_cohort(cohorts: pd.DataFrame, periods: int = 8) -> pd.Period:
    """The cohort the sBG projection follows when none is named: the earliest whose acquisition
    period lies wholly inside the data (a first cohort whose period began before the data did is
    partial, and usually small) and that has ``periods`` complete periods; else the largest cohort
    with that many; else the earliest complete cohort."""
    counts, size = cohort_counts(cohorts)
    complete = size.index[1:] if not cohorts.attrs.get("first_cohort_complete", True) else size.index
    seen = counts.notna().sum(axis=1) - (0 if cohorts.attrs.get("last_period_complete", True) else 1)
    long_enough = [c for c in complete if seen.loc[c] >= periods and size.loc[c] > 0]
    if long_enough:
        return long_enough[0]
    candidates = size.loc[complete] if len(complete) else size
    return candidates.idxmax()


def _cohort_row(cohorts: pd.DataFrame, cohort, periods: int = 8) -> tuple[pd.Period, pd.Series]:
    counts, size = cohort_counts(cohorts)
    if cohort is None:
        cohort = default_cohort(cohorts, periods)
    try:
        key = pd.Period(cohort, freq=cohorts.attrs["period"])
        row = counts.loc[key]
    except (KeyError, ValueError, TypeError):
        raise DataError(f"cohort {cohort!r} is not in the table; the cohorts run from {counts.index[0]} to "
                        f"{counts.index[-1]}.") from None
    row = row.dropna().astype(float)
    if not cohorts.attrs.get("last_period_complete", True):
        row = row.iloc[:-1]  # the partial last period would look like churn
    return key, row


def project_retention(cohorts: pd.DataFrame, cohort=None, fit_periods: int = 6):
    """Fit the sBG model to a cohort's first ``fit_periods`` periods and project the rest.

    ``cohorts`` is a ``"customers"`` table of :func:`cohort_table`; ``cohort`` a period (or its
    text, e.g. ``"2024-01"``), by default :func:`default_cohort` (the earliest cohort that is not a
    partial first period). The sBG model describes contracts, where a lost customer never comes back; in
    purchase data customers skip a period and return, so the counts are first made non-increasing (each period
    keeps at most the previous period's count): ``n_t`` customers still "on the books" at period ``t``. Those lost at
    ``t`` (``n_{t-1} - n_t``) churned at ``T = t``; the ``n_k`` left at ``k = fit_periods`` are
    censored. The projection is the model's survival ``S(t)``, the share of the cohort expected to
    be active ``t`` periods after acquisition. A projection above the actual share means
    customers lapse faster than the first periods suggested.

    Returns a DataFrame indexed by ``periods_since_acquisition`` with ``actual`` (share of the
    cohort buying in the period), ``projected`` and ``fitted`` (True for the periods the model
    saw). ``attrs``: ``model`` (the fitted :class:`~crmlib.clv.ShiftedBetaGeo`), ``cohort``,
    ``cohort_size``, ``fit_periods``, ``period``, ``mae`` (mean absolute error of the
    projection over the periods it did not see, in share points) and ``bias`` (projected minus
    actual, mean over those periods).
    """
    from crmlib.clv import ShiftedBetaGeo

    if not (isinstance(fit_periods, (int, np.integer)) and fit_periods >= 2):
        raise DataError(f"fit_periods must be a whole number >= 2, got {fit_periods!r}.")
    key, row = _cohort_row(cohorts, cohort, fit_periods + 2)
    if len(row) < fit_periods + 2:  # also a cohort with no complete period (one day of data)
        long_enough = [str(c) for c, r in cohorts.iterrows() if r.notna().sum() >= fit_periods + 3]
        fields = {"cohort": str(key), "periods": len(row), "fit_periods": fit_periods, "needed": fit_periods + 2}
        raise DataError(f"cohort {key} has {len(row)} complete periods; fitting {fit_periods} and checking the "
                        f"projection needs at least {fit_periods + 2}. Use a shorter fit_periods or an earlier cohort"
                        + (f" ({long_enough[0]} to {long_enough[-1]})." if long_enough else "."),
                        reason=("cohort_too_short_earlier",
                                {**fields, "first": long_enough[0], "last": long_enough[-1]})
                        if long_enough else ("cohort_too_short", fields))
    size = float(row.iloc[0])
    alive = np.minimum.accumulate(row.to_numpy()[: fit_periods + 1])
    lost = alive[:-1] - alive[1:]
    data = pd.DataFrame({"T": np.r_[np.arange(1, fit_periods + 1), fit_periods].astype(float),
                         "churned": np.r_[np.ones(fit_periods, bool), False],
                         "weight": np.r_[lost, alive[-1]]})
    model = ShiftedBetaGeo().fit(data[data["weight"] > 0])
    t = row.index.to_numpy(dtype=float)
    out = pd.DataFrame({"actual": row.to_numpy() / size, "projected": model.survival(t).to_numpy(),
                        "fitted": t <= fit_periods}, index=row.index.rename("periods_since_acquisition"))
    later = out[~out["fitted"]]
    out.attrs.update(model=model, cohort=key, cohort_size=int(size), fit_periods=int(fit_periods),
                     period=cohorts.attrs["period"], mae=float((later["projected"] - later["actual"]).abs().mean()),
                     bias=float((later["projected"] - later["actual"]).mean()))
    return out


# --------------------------------------------------------------------------- non-contractual retention
def _period_days(period: str) -> float:
    """Days in one cohort period, for converting cohort ages to the transaction model's unit."""
    from crmlib import units

    return {"W": units.days("W"), "M": units.days("M"), "Q": 3 * units.days("M")}[period]


def model_retention(table: pd.DataFrame, cohorts: pd.DataFrame, periods: int | None = None) -> pd.DataFrame:
    """Non-contractual retention: the share of a cohort still active at each age under the fitted
    transaction model of the per-customer table (the model the lifetime-value page uses), beside
    the share of the cohorts that bought in that period.

    ``table`` is :func:`crmlib.customer_table`'s (its ``attrs['fitted_model']`` and ``freq``),
    ``cohorts`` a ``"customers"`` :func:`cohort_table` of the same data. In a non-contractual
    business a customer who buys nothing in a period has not left: ``bought`` (pooled over the
    cohorts observed for a complete period at that age, weighted by size) is always below
    ``alive`` (:func:`crmlib.clv.alive_share`, the model's share not yet dropped out for good).
    Indexed by ``periods_since_acquisition`` 0, 1, ... (default: as far as any cohort is seen).
    ``attrs``: ``model`` (class name), ``fitted_model``, ``period``, ``freq``.
    """
    from crmlib import units
    from crmlib.clv import alive_share

    model = table.attrs.get("fitted_model")
    if model is None:
        raise DataError("model_retention needs a per-customer table with a fitted transaction model "
                        f"(crmlib.customer_table); {table.attrs.get('model_reason', 'none was fitted')}")
    counts, size = cohort_counts(cohorts)
    if not cohorts.attrs.get("last_period_complete", True):
        counts = counts.copy()
        for c in counts.index:  # a partial last period would look like customers not buying
            seen = np.flatnonzero(counts.loc[c].notna().to_numpy())
            if len(seen):
                counts.loc[c, counts.columns[seen[-1]]] = pd.NA
    if not cohorts.attrs.get("first_cohort_complete", True) and len(counts) > 1:
        counts, size = counts.iloc[1:], size.iloc[1:]
    observed = counts.notna()
    bought = counts.astype(float).fillna(0).sum() / observed.mul(size.to_numpy(), axis=0).sum().replace(0, np.nan)
    k = np.arange(int(periods) + 1 if periods is not None else len(bought))
    bought = bought.reindex(k)
    freq = table.attrs.get("freq") or getattr(model, "freq_", None)
    age = k * _period_days(cohorts.attrs["period"]) / units.days(freq)
    out = pd.DataFrame({"alive": alive_share(model, age), "bought": bought.to_numpy()},
                       index=pd.Index(k, name="periods_since_acquisition"))
    out.attrs.update(model=type(model).__name__, fitted_model=model, period=cohorts.attrs["period"], freq=freq)
    return out
