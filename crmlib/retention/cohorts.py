"""Acquisition cohorts: each cohort's customers (or their share, or revenue) in each period since acquisition, the
sizes and the days each cohort's acquisition covers, and how the share buying again moves across cohorts.

What counts as a purchase is the rule of :mod:`crmlib.summary`: a customer-day with a transaction that is not a
return and a net amount >= 0. A customer's cohort is the period of their first purchase. Periods are calendar
periods: ``"W"`` weeks (ending Sunday), ``"M"`` months, ``"Q"`` quarters; a first or last period the data cover in
part is judged by the one rule of every period table (:func:`crmlib.periods.period_coverage`).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.periods import early_acquisition, period_coverage
from crmlib.purchases import first_purchase, first_purchase_sql, purchase_days
from crmlib.purchases import observation_end as last_transaction_day
from crmlib.units import UNIT_NAMES

#: Cohort periods and their names on axes.
PERIOD_NAMES = {"W": UNIT_NAMES["W"], "M": UNIT_NAMES["M"], "Q": "quarters"}
#: Values a cohort table can hold.
COHORT_VALUES = ("customers", "share", "revenue")


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
_DATE = "DATE '1970-01-01' + CAST({d} AS INTEGER)"
_PERIOD_SQL = {
    "W": "CAST(floor(({d} + 10) / 7.0) AS BIGINT)",  # weeks ending on Sunday, as pandas' "W"
    "M": f"(year({_DATE}) - 1970) * 12 + month({_DATE}) - 1",
    "Q": f"(year({_DATE}) - 1970) * 4 + quarter({_DATE}) - 1",
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
    ``observation_end``, ``data_start`` (the first transaction's day), ``last_period_complete`` (False when the
    observation ends inside its last period, whose cells then count part of a period) and ``first_cohort_complete``
    (False when the data start after the first day of the first cohort's period: a partial cohort, whose size is not
    a whole period's acquisition; :func:`cohort_coverage` gives the days each cohort's acquisition covers).

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
    from crmlib.summary import date_range
    from crmlib.txlog import TransactionLog

    start = date_range(transactions)[0]  # the first transaction's day: the overview's data_start
    if isinstance(transactions, TransactionLog):
        table, size, end = _log_cohorts(transactions, period, value, observation_end)
    else:
        table, size, end = _frame_cohorts(transactions, period, value, observation_end)
    last = pd.Period(end, freq=period).ordinal
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
    # the first cohort is partial when the data start after its period's first day (the overview's rule)
    first = period_coverage(table.index[:1].start_time, period, end, start=start)["starts_late"]
    whole = period_coverage([pd.Period(end, freq=period).start_time], period, end)["complete"].iloc[0]
    # attrs hold plain values only: pandas compares attrs when it combines frames, and a Series there fails
    table.attrs.update(period=period, value=value, cohort_size=dict(zip(table.index, size.tolist())),
                       observation_end=end, data_start=None if start is None else pd.Timestamp(start),
                       first_cohort_complete=not bool(first.any()), last_period_complete=bool(whole))
    return table


def cohort_coverage(cohorts: pd.DataFrame) -> pd.DataFrame:
    """The days each cohort's acquisition covers: :func:`crmlib.periods.period_coverage` of the cohorts' periods
    between the table's ``data_start`` and ``observation_end``, indexed like its rows. A first cohort whose period
    began before the data did (an export taken from the 3rd) ``starts_late``: it holds the customers acquired from
    ``covered_from`` on, so its size is not a whole period's acquisition, while its shares are those of the customers
    it holds; a cohort of the period the data end inside of ``ends_early``.

    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a"], "amount": [5.0, 3.0, 7.0],
    ...                    "date": pd.to_datetime(["2024-01-03", "2024-02-10", "2024-03-31"])})
    >>> cohort_coverage(cohort_table(tx))[["covered_from", "starts_late"]]
             covered_from  starts_late
    cohort
    2024-01    2024-01-03         True
    2024-02    2024-02-01        False
    """
    if "observation_end" not in cohorts.attrs:
        raise DataError("cohort_coverage needs a table made by crmlib.retention.cohort_table.")
    period = cohorts.attrs["period"]
    out = period_coverage(cohorts.index.start_time, period, cohorts.attrs["observation_end"],
                          start=cohorts.attrs.get("data_start"))
    return out.set_axis(cohorts.index)


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
    "flat" when the interval holds 0), ``cohorts`` (how many were used) and ``early`` (:func:`early_cohorts`).
    """
    counts, size = cohort_counts(cohorts)
    col = counts[1].astype(float) if 1 in counts.columns else pd.Series(dtype=float)
    if not cohorts.attrs.get("last_period_complete", True) and col.notna().any():
        col.iloc[np.flatnonzero(col.notna().to_numpy())[-1]] = np.nan  # a partial period 1
    ok = col.notna() & (size > 0)
    share, w = (col[ok] / size[ok]).to_numpy(), size[ok].to_numpy(dtype=float)
    early = early_cohorts(cohorts) if "observation_end" in cohorts.attrs else None  # a table made by hand: no days
    out = {"cohorts": int(ok.sum()), "early": early,
           "mean": float(col[ok].sum() / w.sum()) if ok.any() else np.nan,
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


def early_cohorts(cohorts: pd.DataFrame, factor: float = 2.0) -> dict | None:
    """The first cohorts of an export taken after the business began: customers who bought before the data begin
    are first seen in them (:func:`crmlib.periods.early_acquisition` of the cohort sizes over the days each
    cohort's acquisition covers, against the cohorts of the data's second quarter; a period without acquisitions
    counts as a cohort of none). Such cohorts mix long-standing
    customers with new ones: their shares, and a trend across cohorts, are not those of new customers alone. The
    dictionary of ``early_acquisition`` with ``cohorts`` for its ``periods`` (``first``, ``last`` and ``reference``
    are cohorts' periods), or None.
    """
    sizes = cohort_sizes(cohorts)
    early = early_acquisition(sizes.set_axis(sizes.index.start_time), cohorts.attrs["period"],
                              cohorts.attrs["observation_end"], start=cohorts.attrs.get("data_start"), factor=factor)
    if early is None:
        return None
    as_cohort = functools.partial(pd.Period, freq=cohorts.index.freq)
    early.update(cohorts=early.pop("periods"), first=as_cohort(early["first"]), last=as_cohort(early["last"]),
                 reference=tuple(map(as_cohort, early["reference"])))
    return early


def cohort_counts(cohorts: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """A ``"customers"`` table of :func:`cohort_table` and its cohort sizes; a DataError for any other table."""
    if cohorts.attrs.get("value") != "customers":
        raise DataError("This needs a cohort table of customer counts: cohort_table(transactions, value='customers').")
    return cohorts, cohort_sizes(cohorts)


