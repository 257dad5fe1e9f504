"""Retention and churn: acquisition cohorts, the sBG projection of a cohort, churn risk without labels.

* :func:`cohort_table`: customers (or their share, or revenue) of each acquisition cohort in each
  period since acquisition;
* :func:`project_retention`: the shifted-beta-geometric model (:class:`crmlib.clv.ShiftedBetaGeo`)
  fitted to a cohort's first periods, projected over the periods that followed, beside what did;
* :func:`churn_risk`, :func:`churn_by_segment`: P(alive) of the per-customer table every report uses
  (:func:`crmlib.customer_table`) beside a simple inactivity rule, without any churn labels;
* churn with labels (a supervised model against P(alive) and the inactivity rule) is in :mod:`crmlib.churn`;
* :func:`winback_list`: lapsed repeat buyers in segments the value playbook says to win back, with
  the reason for each and pseudonyms only;
* the sentences the retention report opens with are :mod:`crmlib.words.retention`'s.

What counts as a purchase is the rule of :mod:`crmlib.summary`: a customer-day with a transaction
that is not a return and a net amount >= 0. A customer's cohort is the period of their first
purchase. Periods are calendar periods: ``"W"`` weeks (ending Sunday), ``"M"`` months,
``"Q"`` quarters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.periods import period_coverage
from crmlib.purchases import first_purchase, first_purchase_sql, observation_end as last_transaction_day, purchase_days
from crmlib.units import UNIT_NAMES
from crmlib.errors import require_columns

#: Cohort periods and their names on axes.
PERIOD_NAMES = {"W": UNIT_NAMES["W"], "M": UNIT_NAMES["M"], "Q": "quarters"}
#: Values a cohort table can hold.
COHORT_VALUES = ("customers", "share", "revenue")


# --------------------------------------------------------------------------- cohorts
def _purchase_days(transactions: pd.DataFrame, observation_end=None) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Customer-days of :mod:`crmlib.purchases` up to ``observation_end`` and the end used."""
    end = pd.Timestamp(observation_end) if observation_end is not None else last_transaction_day(transactions)
    return purchase_days(transactions, end), end


def _check_period(period: str) -> None:
    if period not in PERIOD_NAMES:
        raise DataError(f"period={period!r} is not a cohort period crmlib knows; use 'W' (weeks), 'M' (months) "
                        "or 'Q' (quarters).")


def _frame_cohorts(transactions: pd.DataFrame, period: str, value: str, observation_end):
    """Cells (cohort ordinal x periods since acquisition), cohort sizes and the end, from a frame."""
    days, end = _purchase_days(transactions, observation_end)
    bought = days[days["is_purchase"]]
    if bought.empty:
        raise DataError(f"cohort_table: no purchase up to {end.date()}; check observation_end and the amounts.")
    first = first_purchase(transactions, end)
    days = days[days["customer_id"].isin(first.index)]
    ordinal = pd.PeriodIndex(days["day"], freq=period).asi8
    cohort = pd.PeriodIndex(first.reindex(days["customer_id"]).to_numpy(), freq=period).asi8
    frame = pd.DataFrame({"cohort": cohort, "k": ordinal - cohort, "customer_id": days["customer_id"].to_numpy(),
                          "amount": days["amount"].to_numpy(), "is_purchase": days["is_purchase"].to_numpy()})
    if value == "revenue":
        table = frame.pivot_table(index="cohort", columns="k", values="amount", aggfunc="sum", fill_value=0.0)
    else:
        table = (frame[frame["is_purchase"]].groupby(["cohort", "k"])["customer_id"].nunique()
                 .unstack(fill_value=0))
    size = pd.Series(pd.PeriodIndex(first.to_numpy(), freq=period).asi8).value_counts()
    return table, size, end


#: SQL for the pandas Period ordinal of a day number (days since 1970-01-01), by period.
_PERIOD_SQL = {
    "W": "CAST(floor(({d} + 10) / 7.0) AS BIGINT)",  # weeks ending on Sunday, as pandas' "W"
    "M": "(year(DATE '1970-01-01' + CAST({d} AS INTEGER)) - 1970) * 12 + month(DATE '1970-01-01' + CAST({d} AS INTEGER)) - 1",
    "Q": "(year(DATE '1970-01-01' + CAST({d} AS INTEGER)) - 1970) * 4 + quarter(DATE '1970-01-01' + CAST({d} AS INTEGER)) - 1",
}


def _log_cohorts(log, period: str, value: str, observation_end):
    """As :func:`_frame_cohorts`, in DuckDB on a :class:`crmlib.TransactionLog`: only the cells
    (cohorts x periods) enter pandas."""
    from crmlib.summary_sql import to_day, to_timestamp

    len(log)
    end_day = to_day(observation_end) if observation_end is not None else log.last_day
    end = pd.Timestamp(observation_end) if observation_end is not None else to_timestamp(end_day)
    ordinal = _PERIOD_SQL[period].format(d="day")
    cells = log.per_customer(f"""
        WITH d AS (SELECT customer_id, day, amount, {ordinal} AS p FROM {{days}} WHERE day <= {end_day}),
        f AS (SELECT customer_id, {_PERIOD_SQL[period].format(d="first_day")} AS cohort
              FROM ({first_purchase_sql("{days}", end_day)}))
        SELECT cohort, p - cohort AS k,
               COUNT(DISTINCT CASE WHEN amount >= 0 THEN customer_id END) AS customers,
               FSUM(amount) AS revenue, COUNT(DISTINCT CASE WHEN p = cohort THEN customer_id END) AS size
        FROM d JOIN f USING (customer_id) GROUP BY 1, 2""")
    if cells.empty:
        raise DataError(f"cohort_table: no purchase up to {end.date()}; check observation_end and the amounts.")
    column = "revenue" if value == "revenue" else "customers"
    table = cells.pivot_table(index="cohort", columns="k", values=column, aggfunc="sum", fill_value=0)
    size = cells[cells["k"] == 0].set_index("cohort")["size"].astype("int64")
    return table, size[size > 0], end


def cohort_table(transactions, period: str = "M", value: str = "customers",
                 observation_end=None) -> pd.DataFrame:
    """One row per acquisition cohort, one column per number of periods since acquisition.

    Row ``c`` (a :class:`pandas.Period`, the period of the cohort's first purchases), column ``k``
    (0, 1, 2, ...) holds, for ``value="customers"``, how many of the cohort's customers made a
    purchase in period ``c + k``; ``"share"`` divides by the cohort's size (column 0 is 1);
    ``"revenue"`` is the cohort's net amount in that period, returns included. Cells after
    ``observation_end`` (default: the last transaction) are missing, not 0. ``attrs``: ``period``,
    ``value``, ``cohort_size`` (cohort -> customers; :func:`cohort_sizes` gives it as a Series),
    ``observation_end``, ``last_period_complete`` (False when the observation ends inside its
    last period, whose cells then count part of a period) and ``first_cohort_complete`` (False when
    the data start after the first day of the first cohort's period: a partial cohort).

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c"], "amount": [5.0, 7.0, 3.0, 2.0, 4.0],
    ...                    "date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-01-20",
    ...                                            "2024-02-02", "2024-03-09"])})
    >>> cohort_table(tx, observation_end="2024-03-31")
    periods_since_acquisition  0  1     2
    cohort
    2024-01                    2  0     1
    2024-02                    1  1  <NA>
    """
    _check_period(period)
    if value not in COHORT_VALUES:
        raise DataError(f"value={value!r}: a cohort table holds one of {list(COHORT_VALUES)}.")
    from crmlib.txlog import TransactionLog

    from crmlib.summary import date_range

    start = date_range(transactions)[0]
    if isinstance(transactions, TransactionLog):
        table, size, end = _log_cohorts(transactions, period, value, observation_end)
    else:
        table, size, end = _frame_cohorts(transactions, period, value, observation_end)
    last = pd.Period(end, freq=period).ordinal
    # the data start inside the first cohort's period when no one bought on its first day
    first_complete = start is None or pd.Timestamp(start) <= pd.Period(pd.Timestamp(start), freq=period).start_time
    cohorts = np.arange(size.index.min(), last + 1)
    table = table.reindex(index=cohorts, columns=range(int(last - cohorts.min()) + 1), fill_value=0)
    observed = cohorts[:, None] + table.columns.to_numpy()[None, :] <= last
    size = size.reindex(cohorts, fill_value=0)
    table = table.astype(float).where(observed)
    if value == "share":
        table = table.div(size.replace(0, np.nan).to_numpy(), axis=0)
    elif value == "customers":
        table = table.astype("Int64")
    table.index = pd.PeriodIndex.from_ordinals(cohorts, freq=period).rename("cohort")
    table.columns = pd.RangeIndex(table.shape[1], name="periods_since_acquisition")
    size.index = table.index
    table, size = table[size.to_numpy() > 0], size[size > 0]  # a period without acquisitions has no cohort
    # attrs hold plain values only: pandas compares attrs when it combines frames, and a Series there fails
    whole = period_coverage([pd.Period(end, freq=period).start_time], period, end)["complete"].iloc[0]
    table.attrs.update(period=period, value=value, cohort_size=dict(zip(table.index, size.tolist())),
                       observation_end=end, first_cohort_complete=bool(first_complete), last_period_complete=bool(whole))
    return table


def cohort_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`cohort_table`'s ``value="share"`` from its ``value="customers"`` table: the same division."""
    sizes = np.array([counts.attrs["cohort_size"][c] for c in counts.index], dtype=float)  # row by row
    out = counts.astype(float).div(sizes, axis=0)
    out.attrs = {**counts.attrs, "value": "share"}
    return out


def cohort_sizes(cohorts: pd.DataFrame) -> pd.Series:
    """Customers acquired in each cohort of a :func:`cohort_table`, indexed like its rows."""
    if "cohort_size" not in cohorts.attrs:
        raise DataError("cohort_sizes needs a table made by crmlib.retention.cohort_table.")
    return pd.Series(cohorts.attrs["cohort_size"], dtype="int64").reindex(cohorts.index).rename("customers")


def first_period_trend(cohorts: pd.DataFrame) -> dict:
    """How the share of a cohort buying again in its first period after acquisition moves across cohorts.

    ``cohorts`` is a ``"customers"`` table of :func:`cohort_table`. Judged on every cohort whose
    period 1 is complete, by a least-squares line weighted by cohort size: ``mean`` (pooled share),
    ``low``/``high`` (the lowest and highest cohort), ``slope`` (change per cohort, in share),
    ``slope_low``/``slope_high`` (its 95 % interval), ``direction`` ("rising", "falling" or
    "flat" when the interval holds 0) and ``cohorts`` (how many were used).
    """
    counts, size = _counts(cohorts)
    col = counts[1].astype(float) if 1 in counts.columns else pd.Series(dtype=float)
    if not cohorts.attrs.get("last_period_complete", True) and col.notna().any():
        col.iloc[np.flatnonzero(col.notna().to_numpy())[-1]] = np.nan  # a partial period 1
    ok = col.notna() & (size > 0)
    share, w = (col[ok] / size[ok]).to_numpy(), size[ok].to_numpy(dtype=float)
    out = {"cohorts": int(ok.sum()), "mean": float(col[ok].sum() / w.sum()) if ok.any() else np.nan,
           "low": float(share.min()) if ok.any() else np.nan, "high": float(share.max()) if ok.any() else np.nan,
           "slope": np.nan, "slope_low": np.nan, "slope_high": np.nan, "direction": "flat"}
    if ok.sum() >= 3:
        x = np.arange(len(share), dtype=float)
        X = np.column_stack([np.ones_like(x), x - np.average(x, weights=w)])
        beta, *_ = np.linalg.lstsq(X * np.sqrt(w)[:, None], share * np.sqrt(w), rcond=None)
        resid = share - X @ beta
        sigma2 = float(np.sum(w * resid**2) / (len(share) - 2))
        se = float(np.sqrt(sigma2 / np.sum(w * X[:, 1] ** 2)))
        from scipy import stats

        half = stats.t.ppf(0.975, len(share) - 2) * se
        out.update(slope=float(beta[1]), slope_low=float(beta[1] - half), slope_high=float(beta[1] + half))
        out["direction"] = "rising" if out["slope_low"] > 0 else "falling" if out["slope_high"] < 0 else "flat"
    return out


def _counts(cohorts: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    if cohorts.attrs.get("value") != "customers":
        raise DataError("This needs a cohort table of customer counts: cohort_table(transactions, value='customers').")
    return cohorts, cohort_sizes(cohorts)


# --------------------------------------------------------------------------- sBG projection
def default_cohort(cohorts: pd.DataFrame, periods: int = 8) -> pd.Period:
    """The cohort the sBG projection follows when none is named: the earliest whose acquisition
    period lies wholly inside the data (a first cohort whose period began before the data did is
    partial, and usually small) and that has ``periods`` complete periods; else the largest cohort
    with that many; else the earliest complete cohort."""
    counts, size = _counts(cohorts)
    complete = size.index[1:] if not cohorts.attrs.get("first_cohort_complete", True) else size.index
    seen = counts.notna().sum(axis=1) - (0 if cohorts.attrs.get("last_period_complete", True) else 1)
    long_enough = [c for c in complete if seen.loc[c] >= periods and size.loc[c] > 0]
    if long_enough:
        return long_enough[0]
    candidates = size.loc[complete] if len(complete) else size
    return candidates.idxmax()


def _cohort_row(cohorts: pd.DataFrame, cohort, periods: int = 8) -> tuple[pd.Period, pd.Series]:
    counts, size = _counts(cohorts)
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
    partial first period). The sBG model describes contracts, where a lost customer never comes back; in purchase data customers skip a
    period and return, so the counts are first made non-increasing (each period keeps at most the
    previous period's count): ``n_t`` customers still "on the books" at period ``t``. Those lost at
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
                        reason=("cohort_too_short_earlier", {**fields, "first": long_enough[0], "last": long_enough[-1]})
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
#: Days in one cohort period, for converting cohort ages to the transaction model's unit.
def _period_days(period: str) -> float:
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
    from crmlib.clv import alive_share
    from crmlib import units

    model = table.attrs.get("fitted_model")
    if model is None:
        raise DataError("model_retention needs a per-customer table with a fitted transaction model "
                        f"(crmlib.customer_table); {table.attrs.get('model_reason', 'none was fitted')}")
    counts, size = _counts(cohorts)
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


# --------------------------------------------------------------------------- churn risk without labels
def inactivity_days(transactions: pd.DataFrame, quantile: float = 0.9, observation_end=None) -> int:
    """Days without a purchase after which a customer counts as lapsed: the ``quantile`` of the gaps
    between a customer's consecutive purchase days, over every repeat purchase (rounded up).

    A customer silent for longer than 90 % of all observed gaps is unlikely to be between purchases.

    >>> tx = pd.DataFrame({"customer_id": ["a"] * 4, "amount": 1.0,
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-31", "2024-03-01"])})
    >>> inactivity_days(tx, quantile=0.5)
    20
    """
    if not 0 < quantile < 1:
        raise DataError(f"quantile must be between 0 and 1, got {quantile!r}.")
    from crmlib.purchases import gap_quantile

    value, n = gap_quantile(transactions, quantile, observation_end)  # crmlib.purchases, in SQL
    if not n:
        raise DataError("inactivity_days: no customer bought twice, so there is no gap between purchases to learn "
                        "from; give the number of days yourself (the retention report's inactive_days).",
                        reason=("no_repeat_buyer", {}))
    return int(np.ceil(value))


def churn_risk(table: pd.DataFrame, inactive_days: int, alive_below: float = 0.5) -> pd.DataFrame:
    """P(alive) and the inactivity rule side by side, one row per customer.

    ``table`` is :func:`crmlib.customer_table`'s result (``p_alive``, ``days_since_last_purchase``,
    ``segment``). Columns: those three, ``likely_lost`` (P(alive) below ``alive_below``),
    ``inactive`` (no purchase for more than ``inactive_days`` days) and ``flagged_by`` ("both",
    "P(alive) only", "inactivity only", "neither").
    """
    need = ["p_alive", "days_since_last_purchase", "segment"]
    require_columns(table, need, "churn_risk", "customer table",
                    f"Pass crmlib.customer_table's result. {table.attrs.get('model_reason', '')}".strip())
    out = table[need].copy()
    out.attrs = {}  # not the models and tables of customer_table's attrs
    out["likely_lost"] = out["p_alive"] < alive_below
    out["inactive"] = out["days_since_last_purchase"] > inactive_days
    out["flagged_by"] = np.select([out["likely_lost"] & out["inactive"], out["likely_lost"], out["inactive"]],
                                  ["both", "P(alive) only", "inactivity only"], "neither")
    out.attrs.update(inactive_days=int(inactive_days), alive_below=float(alive_below),
                     model=table.attrs.get("model"))
    return out


def churn_by_segment(risk: pd.DataFrame) -> pd.DataFrame:
    """Per segment of :func:`churn_risk`: customers, median P(alive), share likely lost, share
    inactive, share flagged by both; the segments most at risk first."""
    g = risk.groupby(risk["segment"].astype(str))
    out = pd.DataFrame({"customers": g.size(), "median_p_alive": g["p_alive"].median(),
                        "likely_lost_share": g["likely_lost"].mean(), "inactive_share": g["inactive"].mean(),
                        "both_share": g["flagged_by"].apply(lambda s: float((s == "both").mean()))})
    return out.rename_axis("segment").sort_values("median_p_alive")


# --------------------------------------------------------------------------- acting on it
def winback_list(risk: pd.DataFrame, table: pd.DataFrame, n: int | None = 100,
                 offers: pd.DataFrame | None = None, key=None, book: pd.DataFrame | None = None) -> pd.DataFrame:
    """Repeat buyers lapsed by the inactivity rule in segments the playbook says to win back, those
    who spent the most first; ids replaced by keyed pseudonyms (:func:`crmlib.privacy.pseudonymise`).

    ``risk`` is :func:`churn_risk`'s result, ``table`` :func:`crmlib.customer_table`'s, ``book``
    :func:`crmlib.rfm.value_playbook`'s (default: made from ``table`` with the same P(alive)
    threshold as ``risk``), ``offers`` :func:`crmlib.basket.next_best_category`'s (adds ``offer``
    and ``because``, why that offer). A customer is on the list when all hold: they bought on more
    than one day; they have not bought for more than the rule's ``inactive_days`` (a customer the
    rule calls recent is never on it, whatever P(alive) says); their segment is not Champions and
    its playbook action is "win back" or "remind" (so no "let go" or "reward" segment is on it).
    :func:`crmlib.words.retention.winback_reasons` says why each one is (``attrs``: ``inactive_days``,
    ``alive_below``). ``n=None`` keeps every such customer. Columns: ``rank,
    segment, purchases, revenue, days_since_last_purchase, p_alive, flagged_by, action``
    and the offer; indexed by ``customer``. No raw id, name or contact.
    """
    from crmlib import rfm
    from crmlib.privacy import pseudonymise

    if book is None:
        book = rfm.value_playbook(table, alive_below=risk.attrs.get("alive_below", 0.5))
    action = risk["segment"].astype(str).map(book["action"]).fillna("")
    days_rule = int(risk.attrs.get("inactive_days", 0))
    keep = ((table["frequency"].reindex(risk.index) >= 1) & risk["inactive"]
            & (risk["segment"].astype(str) != "Champions") & action.isin(rfm.WINBACK_ACTIONS))
    lapsing = risk[keep]
    out = pd.DataFrame({"segment": lapsing["segment"].astype(str),
                        "purchases": table["frequency"].reindex(lapsing.index) + 1,
                        "revenue": table["revenue"].reindex(lapsing.index),
                        "days_since_last_purchase": lapsing["days_since_last_purchase"],
                        "p_alive": lapsing["p_alive"], "flagged_by": lapsing["flagged_by"],
                        "action": action[keep]})
    alive_below = float(risk.attrs.get("alive_below", 0.5))
    if offers is not None:
        out["offer"] = offers["category"].reindex(out.index).fillna("")
        out["because"] = offers["because"].reindex(out.index).fillna("")
    out = out.sort_values(["revenue", "p_alive"], ascending=[False, True], kind="stable")
    if n is not None:
        out = out.head(n)
    ids = pseudonymise(out.index.to_series(), key=key)
    out = out.set_axis(pd.Index(ids.to_numpy(), name="customer"))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.attrs.update(inactive_days=days_rule, alive_below=alive_below)
    return out
