"""How well a fitted model predicts: holdout comparison, tracking over time, model comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.clv._data import check_columns
from crmlib import units
from crmlib.exceptions import ConvergenceError, DataError

HOLDOUT = ("frequency", "recency", "T", "frequency_holdout", "duration_holdout")


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


def calibration_holdout(model, data: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Mean actual against predicted holdout purchases, by calibration frequency.

    ``data`` is a calibration/holdout summary (``crmlib.summary.rfm_summary(...,
    calibration_end=...)``) with ``frequency, recency, T, frequency_holdout, duration_holdout``;
    ``model`` is a fitted transaction model. Frequencies above ``max_frequency`` are pooled in
    the last row (labelled ``"7+"`` by default). Columns: customers, actual, predicted; ``attrs``
    hold ``model`` (class name), ``freq`` and the holdout ``duration`` (None when it varies).
    This is figure 4 of Fader, Hardie & Lee (2005), drawn by :func:`crmlib.plots.clv.calibration_holdout`.
    """
    check_columns(data, HOLDOUT, "calibration_holdout")
    predicted = model.expected_purchases(data["duration_holdout"], data)
    freq = data["frequency"].astype(float).clip(upper=max_frequency).astype(int)
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    group = pd.Categorical.from_codes(freq.to_numpy(), categories=labels)
    frame = pd.DataFrame({"frequency": group, "actual": data["frequency_holdout"].astype(float),
                          "predicted": predicted.to_numpy()}, index=data.index)
    out = frame.groupby("frequency", observed=True).agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
    duration = data["duration_holdout"].astype(float)
    out.attrs.update(model=type(model).__name__, freq=data.attrs.get("freq", getattr(model, "freq_", None)),
                     duration=float(duration.iloc[0]) if duration.nunique() == 1 else None)
    return out


def holdout_check(models: dict, calibration: pd.DataFrame, preferred: str | None = None,
                  max_frequency: int = 7):
    """Fit ``models`` on the calibration period and score them on the holdout, for every customer
    known at the calibration end.

    ``calibration`` is a calibration/holdout summary (``crmlib.rfm_summary(...,
    calibration_end=...)``). Models learn from the customers with some history (``T > 0``), but
    the scores and the holdout table count every customer of the summary, including those whose
    first purchase falls on the calibration end day (``T == 0``: the model predicts them as new
    customers), so the holdout table's actual purchases add up to all holdout purchases of the
    cohort. Returns ``(comparison, table, name)``: the table of :func:`compare_models`, the table of
    :func:`calibration_holdout` for ``preferred`` (or the best model that could be fitted; None
    when none could) and that model's name.
    """
    check_columns(calibration, HOLDOUT, "holdout_check")
    learn = calibration[calibration["T"] > 0]
    learn.attrs = dict(calibration.attrs)
    comparison = compare_models(models, learn[["frequency", "recency", "T"]], holdout=calibration)
    usable = comparison.index[comparison["note"] == ""].tolist()
    name = preferred if preferred in usable else (usable[0] if usable else None)
    table = None if name is None else calibration_holdout(models[name], calibration, max_frequency)
    return comparison, table, name


def tracking_inputs(transactions, freq: str = "W", start=None, end=None, customers=None):
    """Per-customer first-purchase times and repeat transactions per period, for :func:`tracking`.

    ``transactions`` has ``customer_id`` and ``date``; purchases on one day count once (as in the
    published CDNOW summaries) and rows flagged ``is_return`` are left out. ``freq`` is a unit of
    :mod:`crmlib.units` ("D", "W" or "M", a month of 30.436875 days); times are measured from
    ``start`` (default: the first date). Returns ``(first_purchase, actual)``: a Series of
    first-purchase times per customer and a Series of repeat transactions in each period, indexed
    by period end 1, 2, ... up to ``end`` (default: the last date); ``actual.attrs`` hold ``freq``
    and ``start``. ``customers`` (ids) keeps only those customers, e.g. a calibration cohort.
    ``transactions`` may be a :class:`crmlib.TransactionLog`: the same counts then come from DuckDB
    and only the per-customer and per-period results enter pandas.
    """
    from crmlib.purchases import first_purchase as first_purchases, purchase_days
    from crmlib.txlog import TransactionLog

    if isinstance(transactions, TransactionLog):
        return _log_tracking_inputs(transactions, freq, start, end, customers)
    if customers is not None:
        transactions = transactions[transactions["customer_id"].isin(pd.Index(customers))]
    if end is not None:
        transactions = transactions[pd.to_datetime(transactions["date"]).dt.normalize() <= pd.Timestamp(end)]
    check_columns(transactions.assign(_=0), ("_",), "tracking_inputs")
    for col in ("customer_id", "date"):
        if col not in transactions.columns:
            raise DataError(f"tracking_inputs: column '{col}' missing; got {list(transactions.columns)}.")
    unit = pd.Timedelta(days=units.days(units.check(freq, "tracking_inputs: freq")))
    days = purchase_days(transactions)  # crmlib.purchases: the one purchase-day rule
    days = days.loc[days["is_purchase"], ["customer_id", "day"]].rename(columns={"day": "date"})
    # days, as a TransactionLog counts them: an end of "2024-01-15 18:30" is the day 2024-01-15
    start = pd.Timestamp(start).normalize() if start is not None else days["date"].min()
    end = pd.Timestamp(end).normalize() if end is not None else days["date"].max()
    firsts = first_purchases(transactions)
    first = firsts.reindex(days["customer_id"]).to_numpy()
    first_purchase = firsts.sub(start) / unit
    repeats = days.loc[(days["date"] > first) & (days["date"] <= end), "date"]
    n_periods = int(np.ceil((end - start) / unit))
    # a repeat at time u (in units since start) falls in period ceil(u), at least 1
    period = np.maximum(np.ceil((repeats - start) / unit).astype(int), 1)
    actual = period.value_counts().reindex(range(1, n_periods + 1), fill_value=0).sort_index()
    actual.index.name = "period"
    actual = actual.rename("actual")
    seen = end.normalize() - start.normalize() + pd.Timedelta(days=1)  # whole days observed
    actual.attrs.update(freq=freq, start=start, observed_end=seen / unit)
    return first_purchase.rename("first_purchase"), actual


def _log_tracking_inputs(log, freq: str, start, end, customers):
    """:func:`tracking_inputs` of a :class:`crmlib.TransactionLog`, in SQL: purchase days are days
    with a transaction of amount >= 0 (returns left out, as on a frame), each counted once."""
    from crmlib.summary_sql import double as _double, purchase_days_sql, to_day, to_timestamp

    unit_days = units.days(units.check(freq, "tracking_inputs: freq"))
    end_day = to_day(end) if end is not None else None
    con = log.con
    keep = ""
    if customers is not None:
        con.register("crmlib_tracking_ids", pd.DataFrame({"customer_id": pd.Index(customers).astype(str)}))
        keep = "AND customer_id IN (SELECT customer_id FROM crmlib_tracking_ids)"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE crmlib_tracking_days AS
        SELECT customer_id, day FROM {purchase_days_sql(log.relation(end_day, daily=False))}
        WHERE is_purchase = 1 {keep}""")
    lo, hi = con.execute("SELECT MIN(day), MAX(day) FROM crmlib_tracking_days").fetchone()
    if lo is None:
        raise DataError("tracking_inputs: no purchases in the transactions log for these customers.")
    start_day = to_day(start) if start is not None else int(lo)
    end_day = end_day if end_day is not None else int(hi)
    unit = _double(unit_days)
    firsts = con.execute(f"""SELECT customer_id, (MIN(day) - {start_day}) / {unit} AS first_purchase
        FROM crmlib_tracking_days GROUP BY 1 ORDER BY 1""").df()
    counts = con.execute(f"""WITH f AS (SELECT customer_id, MIN(day) AS first FROM crmlib_tracking_days GROUP BY 1)
        SELECT GREATEST(CAST(ceil((d.day - {start_day}) / {unit}) AS BIGINT), 1) AS period, COUNT(*) AS n
        FROM crmlib_tracking_days d JOIN f USING (customer_id)
        WHERE d.day > f.first AND d.day <= {end_day} GROUP BY 1""").df()
    con.execute("DROP TABLE crmlib_tracking_days")
    if customers is not None:
        con.unregister("crmlib_tracking_ids")
    n_periods = int(np.ceil((end_day - start_day) / unit_days))
    actual = (pd.Series(counts["n"].to_numpy(), index=counts["period"].astype(int).to_numpy())
              .reindex(range(1, n_periods + 1), fill_value=0).sort_index().astype("int64"))
    actual.index.name = "period"
    actual = actual.rename("actual")
    actual.attrs.update(freq=freq, start=to_timestamp(start_day), observed_end=(end_day - start_day + 1) / unit_days)
    first_purchase = pd.Series(firsts["first_purchase"].to_numpy(dtype=float),
                               index=pd.Index(firsts["customer_id"].astype("string"), name="customer_id"),
                               name="first_purchase")
    return first_purchase, actual


def tracking(model, first_purchase, actual: pd.Series) -> pd.DataFrame:
    """Expected against actual repeat transactions of a cohort, per period and cumulated.

    ``first_purchase``: each customer's first-purchase time, in the model's time unit, measured
    from the start of the tracking window (customers acquired later join later).
    ``actual``: repeat transactions of the cohort in each period, indexed by period end times
    (e.g. 1, 2, ..., 78 weeks). Expected cumulative repeats at time t are
    ``sum_i E[X(max(t - first_i, 0))]`` from ``model.expected_purchases_new_customer``.
    Columns: actual, expected, cumulative_actual, cumulative_expected; ``attrs`` hold ``model``
    (the class name), the ``freq`` and ``start`` of ``actual.attrs`` and ``partial_last``: when the
    data end inside the last period (``actual.attrs["observed_end"]``, from :func:`tracking_inputs`:
    the whole days observed, in periods), that period's expectation covers only the part observed,
    and ``partial_last`` is True. CDNOW's 546 days from 1997-01-01 are 78 whole weeks.

    This is the tracking of Fader, Hardie & Lee (2005), "Counting your customers the easy way",
    Marketing Science 24(2), figures 2 and 3 (cumulative and weekly repeat transactions), drawn by
    :func:`crmlib.plots.clv.tracking`.
    """
    model._check_fitted()
    first = np.asarray(first_purchase, dtype=float)
    if first.size == 0 or np.any(~np.isfinite(first)):
        raise DataError("tracking: first_purchase must be non-empty and finite.")
    ends = np.asarray(actual.index, dtype=float)
    observed = actual.attrs.get("observed_end")
    if observed is not None:  # the data may end inside the last period: expect only the whole days seen
        ends = np.minimum(ends, float(observed))
    starts, counts = np.unique(first, return_counts=True)
    cumulative = np.array([
        counts @ model.expected_purchases_new_customer(np.maximum(t - starts, 0.0)) for t in ends
    ])
    out = pd.DataFrame({"actual": actual.to_numpy(dtype=float),
                        "expected": np.diff(cumulative, prepend=0.0)}, index=actual.index)
    out["cumulative_actual"] = out["actual"].cumsum()
    out["cumulative_expected"] = cumulative
    out.attrs.update(model=type(model).__name__, freq=actual.attrs.get("freq"), start=actual.attrs.get("start"),
                     partial_last=bool(len(ends) and ends[-1] < float(actual.index[-1])))
    return out


def compare_models(models, data: pd.DataFrame, holdout: pd.DataFrame | None = None) -> pd.DataFrame:
    """Fit statistics of several models on the same data, best (lowest BIC) first.

    ``models``: a dict name -> model, or a list of models (named by class). Unfitted models are
    fitted on ``data``. ``holdout`` (optional): rows with ``frequency, recency, T,
    frequency_holdout, duration_holdout``; then per-customer MAE and RMSE of predicted against
    actual holdout purchases are added. Columns: params, log_likelihood, AIC, BIC[, MAE, RMSE],
    note. A model that does not converge on these data stays in the table with empty figures and
    the reason in ``note`` (last), so one misspecified model does not stop a comparison; so does a
    model the data are too few or too degenerate to fit (one customer, nobody bought twice).
    """
    if not isinstance(models, dict):
        models = {type(m).__name__: m for m in models}
    if not models:
        raise DataError("compare_models: no models given.")
    rows = {}
    for name, model in models.items():
        if not hasattr(model, "params_"):
            try:
                model.fit(data)
            except (ConvergenceError, DataError) as err:  # DataError: data too few for it (issue 18)
                rows[name] = {"params": model.n_params, "note": str(err).splitlines()[0]}
                continue
        ll = model.log_likelihood(data)
        n = float(data["weight"].sum()) if "weight" in data.columns else float(len(data))
        k = model.n_params
        row = {"params": k, "log_likelihood": ll, "AIC": 2 * k - 2 * ll, "BIC": k * np.log(n) - 2 * ll}
        if holdout is not None:
            check_columns(holdout, HOLDOUT, "compare_models holdout")
            error = (model.expected_purchases(holdout["duration_holdout"], holdout)
                     - holdout["frequency_holdout"].astype(float))
            row["MAE"] = float(error.abs().mean())
            row["RMSE"] = float(np.sqrt((error**2).mean()))
        rows[name] = {**row, "note": ""}
    columns = ["params", "log_likelihood", "AIC", "BIC"]
    columns += ["MAE", "RMSE", "note"] if holdout is not None else ["note"]
    # reindex: when every model failed, the figures' columns exist (empty) all the same
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
    out.index.name = "model"
    return out.sort_values("BIC", na_position="last")
