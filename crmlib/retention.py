"""Retention and churn: acquisition cohorts, the sBG projection of a cohort, churn risk with and without labels.

* :func:`cohort_table`: customers (or their share, or revenue) of each acquisition cohort in each
  period since acquisition;
* :func:`project_retention`: the shifted-beta-geometric model (:class:`crmlib.clv.ShiftedBetaGeo`)
  fitted to a cohort's first periods, projected over the periods that followed, beside what did;
* :func:`churn_risk`, :func:`churn_by_segment`: P(alive) of the per-customer table every report uses
  (:func:`crmlib.customer_table`) beside a simple inactivity rule, without any churn labels;
* :func:`compare_churn_models`: gradient boosting and logistic regression on RFM, channel and
  feedback features, trained and tested on a time split, against P(alive) and the inactivity rule
  on the same test window; it says which ranks churners best, and whether the gap is more than noise;
* :func:`winback_list`: lapsed customers who used to spend, with pseudonyms only;
* :func:`summary_sentences`: the sentences the retention report opens with.

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
from crmlib.summary import _daily
from crmlib.units import UNIT_NAMES

#: Cohort periods and their names on axes.
PERIOD_NAMES = {"W": UNIT_NAMES["W"], "M": UNIT_NAMES["M"], "Q": "quarters"}
#: Values a cohort table can hold.
COHORT_VALUES = ("customers", "share", "revenue")
#: Names of the scores compared by :func:`compare_churn_models`, in the order they are listed.
GRADIENT_BOOSTING, LOGISTIC, P_ALIVE, INACTIVITY = (
    "gradient boosting", "logistic regression", "P(alive)", "days since last purchase")
SUPERVISED = (GRADIENT_BOOSTING, LOGISTIC)


# --------------------------------------------------------------------------- cohorts
def _purchase_days(transactions: pd.DataFrame, observation_end=None) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Customer-days of :mod:`crmlib.summary` up to ``observation_end`` and the end used."""
    daily = _daily(transactions)
    end = pd.Timestamp(observation_end) if observation_end is not None else daily["day"].max()
    return daily[daily["day"] <= end], end


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
    first = bought.groupby("customer_id")["day"].min()
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
        f AS (SELECT customer_id, MIN(p) AS cohort FROM d WHERE amount >= 0 GROUP BY 1)
        SELECT cohort, p - cohort AS k,
               COUNT(DISTINCT CASE WHEN amount >= 0 THEN customer_id END) AS customers,
               SUM(amount) AS revenue, COUNT(DISTINCT CASE WHEN p = cohort THEN customer_id END) AS size
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
    ``observation_end`` and ``last_period_complete`` (False when the observation ends inside its
    last period, whose cells then count part of a period).

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
    # attrs hold plain values only: pandas compares attrs when it combines frames, and a Series there fails
    table.attrs.update(period=period, value=value, cohort_size=dict(zip(table.index, size.tolist())),
                       observation_end=end,
                       last_period_complete=bool((end + pd.Timedelta(days=1)).to_period(period).ordinal > last))
    return table


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
def _cohort_row(cohorts: pd.DataFrame, cohort) -> tuple[pd.Period, pd.Series]:
    counts, size = _counts(cohorts)
    if cohort is None:
        cohort = size[size > 0].index[0]
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
    text, e.g. ``"2024-01"``), by default the earliest cohort (observed the longest). The sBG model
    describes contracts, where a lost customer never comes back; in purchase data customers skip a
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
    key, row = _cohort_row(cohorts, cohort)
    size = float(row.iloc[0])
    if len(row) < fit_periods + 2:
        long_enough = [str(c) for c, r in cohorts.iterrows() if r.notna().sum() >= fit_periods + 3]
        raise DataError(f"cohort {key} has {len(row)} complete periods; fitting {fit_periods} and checking the "
                        f"projection needs at least {fit_periods + 2}. Use a shorter fit_periods or an earlier cohort"
                        + (f" ({long_enough[0]} to {long_enough[-1]})." if long_enough else "."))
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
    days, _ = _purchase_days(transactions, observation_end)
    bought = days[days["is_purchase"]].sort_values(["customer_id", "day"])
    gaps = bought.groupby("customer_id")["day"].diff().dropna().dt.days
    if gaps.empty:
        raise DataError("inactivity_days: no customer bought twice, so there is no gap between purchases to learn "
                        "from; pass the number of days yourself.")
    return int(np.ceil(np.quantile(gaps, quantile)))


def churn_risk(table: pd.DataFrame, inactive_days: int, alive_below: float = 0.5) -> pd.DataFrame:
    """P(alive) and the inactivity rule side by side, one row per customer.

    ``table`` is :func:`crmlib.customer_table`'s result (``p_alive``, ``days_since_last_purchase``,
    ``segment``). Columns: those three, ``likely_lost`` (P(alive) below ``alive_below``),
    ``inactive`` (no purchase for more than ``inactive_days`` days) and ``flagged_by`` ("both",
    "P(alive) only", "inactivity only", "neither").
    """
    need = ["p_alive", "days_since_last_purchase", "segment"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        why = table.attrs.get("model_reason", "")
        raise DataError(f"churn_risk needs the columns {missing} of crmlib.customer_table; {why}".strip())
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


# --------------------------------------------------------------------------- churn with labels
def churn_labels(transactions: pd.DataFrame, cutoff, window_days: int) -> pd.Series:
    """True for each customer known by ``cutoff`` (first purchase on or before it) who makes no
    purchase in the ``window_days`` days after it; indexed by ``customer_id``."""
    cutoff = pd.Timestamp(cutoff)
    days, _ = _purchase_days(transactions, cutoff + pd.Timedelta(days=window_days))
    bought = days[days["is_purchase"]]
    known = bought.loc[bought["day"] <= cutoff, "customer_id"].unique()
    came_back = bought.loc[bought["day"] > cutoff, "customer_id"].unique()
    out = pd.Series(~pd.Index(known).isin(came_back), index=pd.Index(known, name="customer_id"), name="churned")
    return out.sort_index()


def _slog(x: pd.Series) -> pd.Series:
    return np.sign(x) * np.log1p(np.abs(x))


def churn_features(transactions: pd.DataFrame, cutoff, feedback: pd.DataFrame | None = None,
                   recent_days: int = 90) -> pd.DataFrame:
    """Features of each customer known by ``cutoff``, from data up to ``cutoff`` only.

    RFM: ``purchases`` (purchase days), ``days_since_last_purchase``, ``tenure_days``, ``revenue``,
    ``mean_spend``, ``mean_gap_days`` (between purchase days; missing for one-time buyers) and
    ``recent_purchases`` (purchase days in the last ``recent_days`` days); ``categories`` and
    ``return_share`` when the columns exist; ``channel_*``: share of the customer's purchases in
    each channel; with ``feedback``: ``responses``, ``mean_nps``, ``last_nps``, ``mean_csat``,
    ``mean_ces`` (missing for customers who never answered).
    """
    from crmlib.customers import customer_table

    cutoff = pd.Timestamp(cutoff)
    base = customer_table(transactions, observation_end=cutoff, freq="D", model=None, spend=False)
    out = pd.DataFrame({"purchases": base["frequency"] + 1,
                        "days_since_last_purchase": base["days_since_last_purchase"],
                        "tenure_days": base["T"], "revenue": base["revenue"], "mean_spend": base["mean_spend"],
                        "mean_gap_days": (base["recency"] / base["frequency"]).where(base["frequency"] > 0)},
                       index=base.index)
    days, _ = _purchase_days(transactions, cutoff)
    recent = days[days["is_purchase"] & (days["day"] > cutoff - pd.Timedelta(days=recent_days))]
    out["recent_purchases"] = recent.groupby("customer_id").size().reindex(out.index, fill_value=0)
    tx = transactions[pd.to_datetime(transactions["date"]) <= cutoff]
    ids = tx["customer_id"].astype(str)
    if "category" in tx.columns:
        out["categories"] = tx.groupby(ids)["category"].nunique().reindex(out.index, fill_value=0)
    out["return_share"] = (tx["amount"] < 0).groupby(ids).mean().reindex(out.index, fill_value=0.0)
    if "channel" in tx.columns and tx["channel"].notna().any():
        shares = pd.crosstab(ids, tx["channel"].fillna("unknown").astype(str), normalize="index")
        out = out.join(shares.add_prefix("channel_").reindex(out.index, fill_value=0.0))
    if feedback is not None:
        out = out.join(_feedback_features(feedback, cutoff).reindex(out.index))
        out["responses"] = out["responses"].fillna(0)
    return out.astype(float)


def _feedback_features(feedback: pd.DataFrame, cutoff) -> pd.DataFrame:
    fb = feedback[pd.to_datetime(feedback["date"]) <= cutoff].sort_values("date")
    ids = fb["customer_id"].astype(str)
    out = pd.DataFrame({"responses": fb.groupby(ids).size()})
    for col, names in (("nps", ("mean_nps", "last_nps")), ("csat", ("mean_csat",)), ("ces", ("mean_ces",))):
        if col in fb.columns:
            values = pd.to_numeric(fb[col], errors="coerce").astype(float)
            out[names[0]] = values.groupby(ids).mean()
            if len(names) > 1:
                out[names[1]] = values.groupby(ids).last()
    return out


def _models(n_train: int, seed: int) -> dict:
    """The two calibrated classifiers. The calibration map is learnt from 3-fold out-of-fold
    predictions and applied to one classifier fitted on all training customers (``ensemble=False``:
    one model to predict with, five times faster to score than an average of fold models).
    Sigmoid calibration below 5,000 training customers, where isotonic calibration overfits;
    isotonic above."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    method = "isotonic" if n_train >= 5000 else "sigmoid"
    boost = HistGradientBoostingClassifier(learning_rate=0.05, max_iter=100, max_leaf_nodes=15,
                                           min_samples_leaf=20, l2_regularization=1.0, random_state=seed)
    logistic = make_pipeline(FunctionTransformer(_slog, feature_names_out="one-to-one"),
                             SimpleImputer(strategy="median", add_indicator=True), StandardScaler(),
                             LogisticRegression(C=1.0, max_iter=2000))
    return {name: CalibratedClassifierCV(m, method=method, cv=3, ensemble=False)
            for name, m in ((GRADIENT_BOOSTING, boost), (LOGISTIC, logistic))}


def _auc(y: np.ndarray, s: np.ndarray) -> float:
    """ROC AUC from average ranks (ties count one half), as sklearn's roc_auc_score."""
    from scipy.stats import rankdata

    pos = y.sum()
    return float((rankdata(s)[y].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos)))


def _average_precision(y: np.ndarray, s: np.ndarray) -> float:
    """Average precision with tied scores taken together, as sklearn's average_precision_score."""
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # last row of each distinct score
    tp = np.cumsum(y)[last]
    precision, recall = tp / (last + 1), tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _bootstrap(y: np.ndarray, scores: pd.DataFrame, n_boot: int, seed: int) -> dict[str, np.ndarray]:
    """ROC AUC and average precision of every score on ``n_boot`` paired resamples of the customers."""
    rng = np.random.default_rng(seed)
    out = {m: np.full((n_boot, scores.shape[1]), np.nan) for m in ("roc_auc", "average_precision")}
    values, y = scores.to_numpy(dtype=float), y.astype(bool)
    for b in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].all() or not y[idx].any():
            continue
        for j in range(values.shape[1]):
            out["roc_auc"][b, j] = _auc(y[idx], values[idx, j])
            out["average_precision"][b, j] = _average_precision(y[idx], values[idx, j])
    return out


@dataclass
class ChurnComparison:
    """What :func:`compare_churn_models` found. ``metrics``: one row per score (ROC AUC and average
    precision with 95 % bootstrap intervals, Brier score of the calibrated probabilities); ``scores``:
    the test customers' label ``churned`` and each score (higher = more likely to churn);
    ``importance``: permutation importance of the gradient-boosting features on the test window
    (drop in ROC AUC); ``rule``: precision and recall of the inactivity rule; ``winner``: the best
    score by ``metric``; ``differences``: best supervised model minus each unsupervised baseline
    (P(alive), the days-since-last-purchase ranking) by ``metric``, with 95 % bootstrap intervals
    of the paired difference; ``notes``: what the reader must know to read the numbers."""

    metrics: pd.DataFrame
    scores: pd.DataFrame
    importance: pd.DataFrame
    rule: dict
    winner: str
    metric: str
    differences: pd.DataFrame
    train_cutoff: pd.Timestamp
    test_cutoff: pd.Timestamp
    window_days: int
    n_train: int
    models: dict = field(repr=False, default_factory=dict)
    notes: list = field(default_factory=list)

    @property
    def difference(self) -> dict:
        """Best supervised model minus P(alive) (or the inactivity ranking when P(alive) is left out):
        ``model``, ``against``, ``value``, ``low``, ``high`` (95 % bootstrap interval)."""
        against = self.differences.index[0]
        return {"against": against, **self.differences.loc[against].to_dict()}

    @property
    def churn_rate(self) -> float:
        return float(self.scores["churned"].mean())

    @property
    def supervised_wins(self) -> bool:
        """True when the best supervised model beats the baseline by more than the bootstrap noise."""
        return bool(self.difference["low"] > 0)

    @property
    def finding(self) -> str:
        """Who ranks churners best, and whether the supervised model beats P(alive) and the plain
        days-since-last-purchase ranking by more than the bootstrap noise."""
        m, d = self.metrics, self.difference
        label = {"roc_auc": "ROC AUC", "average_precision": "average precision"}[self.metric]
        low, high = ("roc_auc_low", "roc_auc_high") if self.metric == "roc_auc" else ("ap_low", "ap_high")
        end = self.test_cutoff + pd.Timedelta(days=self.window_days)
        out = [f"On the test window {self.test_cutoff:%Y-%m-%d} to {end:%Y-%m-%d} ({len(self.scores):,} customers, "
               f"{self.churn_rate:.0%} of whom bought nothing), {self.winner} ranks the churners best by {label}: "
               f"{m.loc[self.winner, self.metric]:.3f} (95% interval {m.loc[self.winner, low]:.3f} to "
               f"{m.loc[self.winner, high]:.3f})."]
        for against, row in self.differences.iterrows():
            gap = f"{row['value']:+.3f} (95% interval {row['low']:+.3f} to {row['high']:+.3f})"
            if row["low"] > 0:
                out.append(f"The supervised {row['model']} beats {against} by {gap}.")
            elif row["value"] > 0:
                out.append(f"Against {against}, the supervised {row['model']} scores {gap}, an interval that holds 0: "
                           f"it does not clearly beat {against}.")
            else:
                out.append(f"The supervised models do not beat {against}: the best, {row['model']}, scores {gap}.")
        if "roc_auc_repeat_buyers" in m.columns and P_ALIVE in m.index:
            r = m["roc_auc_repeat_buyers"]
            out.append(f"Among repeat buyers alone, P(alive) reaches a ROC AUC of {r[P_ALIVE]:.3f} against "
                       f"{r[list(SUPERVISED)].max():.3f} for the better supervised model.")
        return " ".join(out)


def compare_churn_models(transactions: pd.DataFrame, *, feedback: pd.DataFrame | None = None, window_days: int = 90,
                         test_cutoff=None, observation_end=None, freq: str = "W", model: str | None = "auto",
                         inactive_days: int | None = None, metric: str = "roc_auc", n_boot: int = 200,
                         seed: int = 0) -> ChurnComparison:
    """Supervised churn models against P(alive) and the inactivity rule on one time split.

    A customer churns when they make no purchase in the ``window_days`` days after a cut-off. The
    test cut-off defaults to ``window_days`` before ``observation_end`` (the last transaction); the
    training cut-off is ``window_days`` earlier, so training labels end where the test window
    begins and nothing after the test cut-off is seen by any model. Gradient boosting and logistic
    regression (calibrated, see :func:`churn_features` for the features) learn from the training
    cut-off; P(alive) comes from :func:`crmlib.customer_table` fitted on data up to the test
    cut-off (``freq``, ``model``), and the inactivity rule ranks customers by days since their last
    purchase and flags those above ``inactive_days`` (default :func:`inactivity_days` up to the
    test cut-off). ``metric`` ("roc_auc" or "average_precision") picks the winner; intervals come
    from ``n_boot`` paired bootstrap resamples of the test customers.
    """
    from threadpoolctl import threadpool_limits

    from crmlib.customers import customer_table

    if metric not in ("roc_auc", "average_precision"):
        raise DataError(f"metric={metric!r}: use 'roc_auc' or 'average_precision'.")
    if not (isinstance(window_days, (int, np.integer)) and window_days >= 1):
        raise DataError(f"window_days must be a whole number of days >= 1, got {window_days!r}.")
    end = pd.Timestamp(observation_end) if observation_end is not None else pd.to_datetime(transactions["date"]).max()
    test = pd.Timestamp(test_cutoff) if test_cutoff is not None else end - pd.Timedelta(days=window_days)
    if test + pd.Timedelta(days=window_days) > end:
        raise DataError(f"The test window {test.date()} + {window_days} days runs past the data ({end.date()}); "
                        "choose an earlier test_cutoff or a shorter window_days.")
    train = test - pd.Timedelta(days=window_days)
    x_train, y_train = _labelled(transactions, feedback, train, window_days)
    x_test, y_test = _labelled(transactions, feedback, test, window_days)
    x_test = x_test.reindex(columns=x_train.columns, fill_value=0.0)
    inactive_days = inactivity_days(transactions, observation_end=test) if inactive_days is None else int(inactive_days)
    models, notes = _models(len(y_train), seed), []
    scores = pd.DataFrame({"churned": y_test.astype(int)}, index=y_test.index)
    with threadpool_limits(limits=1):  # small data: threads cost more than they save on shared cores
        for name, clf in models.items():
            clf.fit(x_train, y_train)
            scores[name] = clf.predict_proba(x_test)[:, 1]
        importance = _importance(models[GRADIENT_BOOSTING], x_test, y_test, seed)
    table = customer_table(transactions, observation_end=test, freq=freq, model=model, spend=False)
    if "p_alive" in table.columns:
        scores[P_ALIVE] = 1.0 - table["p_alive"].reindex(scores.index).to_numpy()
    else:
        from crmlib.findings import model_sentence

        notes.append(f"P(alive) left out. {model_sentence(table)}")
    scores[INACTIVITY] = x_test["days_since_last_purchase"]
    metrics, boot = _metrics(scores, n_boot, seed)
    repeat = x_test["purchases"].to_numpy() >= 2
    if 0 < scores.loc[repeat, "churned"].mean() < 1:
        y = scores["churned"].to_numpy(bool)[repeat]
        metrics["roc_auc_repeat_buyers"] = [_auc(y, scores[c].to_numpy(float)[repeat]) for c in metrics.index]
    if P_ALIVE in scores.columns and (~repeat).any() and np.allclose(scores.loc[~repeat, P_ALIVE], 0.0):
        from crmlib.findings import MODEL_NAMES

        notes.append(f"Under the {MODEL_NAMES.get(table.attrs['model'], table.attrs['model'])} model, P(alive) is 1 for every customer who has bought only once "
                     f"({(~repeat).mean():.0%} of the test customers), so it cannot rank them; "
                     "compare the ROC AUC among repeat buyers.")
    return ChurnComparison(metrics, scores, importance, _rule(scores, inactive_days), metrics[metric].idxmax(), metric,
                           _differences(metrics, boot, metric), train, test, int(window_days), len(y_train), models,
                           notes)


def _differences(metrics: pd.DataFrame, boot: dict, metric: str) -> pd.DataFrame:
    """The better supervised model minus each unsupervised baseline, with paired bootstrap intervals."""
    best = metrics.loc[list(SUPERVISED), metric].idxmax()
    j = {c: i for i, c in enumerate(metrics.index)}
    rows = {}
    for against in (c for c in (P_ALIVE, INACTIVITY) if c in j):
        diff = boot[metric][:, j[best]] - boot[metric][:, j[against]]
        rows[against] = {"model": best, "value": float(metrics.loc[best, metric] - metrics.loc[against, metric]),
                         "low": float(np.nanpercentile(diff, 2.5)), "high": float(np.nanpercentile(diff, 97.5))}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("against")


def _rule(scores: pd.DataFrame, inactive_days: int) -> dict:
    """Share flagged, precision and recall of "no purchase for more than ``inactive_days`` days"."""
    flagged = scores[INACTIVITY] > inactive_days
    churned = scores["churned"].astype(bool)
    return {"inactive_days": int(inactive_days), "flagged_share": float(flagged.mean()),
            "precision": float(churned[flagged].mean()) if flagged.any() else np.nan,
            "recall": float(flagged[churned].mean()) if churned.any() else np.nan}


def _labelled(transactions, feedback, cutoff, window_days) -> tuple[pd.DataFrame, pd.Series]:
    x = churn_features(transactions, cutoff, feedback=feedback)
    y = churn_labels(transactions, cutoff, window_days).reindex(x.index)
    if y.isna().any() or y.nunique() < 2:
        raise DataError(f"At the cut-off {pd.Timestamp(cutoff).date()} the {len(y):,} customers all "
                        f"{'churned' if bool(y.all()) else 'came back'} in the next {window_days} days; a churn model "
                        "needs both. Choose another window_days or test_cutoff.")
    return x, y.astype(bool)


def _importance(clf, x: pd.DataFrame, y: pd.Series, seed: int, n_repeats: int = 5) -> pd.DataFrame:
    """Permutation importance: the mean drop in ROC AUC when one feature's values are shuffled
    across the test customers (as sklearn's ``permutation_importance``). Each repeat scores the
    copies with every feature shuffled in one call to the model, which costs one call's overhead
    instead of one per feature."""
    rng = np.random.default_rng(seed)
    values, target = x.to_numpy(dtype=float), y.to_numpy(dtype=bool)
    base = _auc(target, clf.predict_proba(x)[:, 1])
    n, k = values.shape
    drops = np.empty((n_repeats, k))
    for r in range(n_repeats):
        stacked = np.tile(values, (k, 1))
        for j in range(k):
            stacked[j * n:(j + 1) * n, j] = values[rng.permutation(n), j]
        p = clf.predict_proba(pd.DataFrame(stacked, columns=x.columns))[:, 1].reshape(k, n)
        drops[r] = [base - _auc(target, p[j]) for j in range(k)]
    return (pd.DataFrame({"importance": drops.mean(axis=0), "std": drops.std(axis=0)},
                         index=pd.Index(x.columns, name="feature")).sort_values("importance", ascending=False))


def _metrics(scores: pd.DataFrame, n_boot: int, seed: int) -> tuple[pd.DataFrame, dict]:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = scores["churned"].to_numpy()
    cols = scores.drop(columns="churned")
    boot = _bootstrap(y, cols, n_boot, seed)
    rows = {}
    for j, name in enumerate(cols.columns):
        s = cols[name].to_numpy(dtype=float)
        auc, ap = boot["roc_auc"][:, j], boot["average_precision"][:, j]
        rows[name] = {"roc_auc": roc_auc_score(y, s), "roc_auc_low": np.nanpercentile(auc, 2.5),
                      "roc_auc_high": np.nanpercentile(auc, 97.5), "average_precision": average_precision_score(y, s),
                      "ap_low": np.nanpercentile(ap, 2.5), "ap_high": np.nanpercentile(ap, 97.5),
                      "brier": brier_score_loss(y, s) if name in SUPERVISED else np.nan}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("score"), boot


def curve_points(result: ChurnComparison, kind: str = "roc") -> pd.DataFrame:
    """Points of the ROC (``x`` false-positive rate, ``y`` true-positive rate) or precision-recall
    (``x`` recall, ``y`` precision) curve of every score, in long form with a ``score`` column."""
    from sklearn.metrics import precision_recall_curve, roc_curve

    if kind not in ("roc", "pr"):
        raise DataError(f"kind={kind!r}: use 'roc' or 'pr'.")
    y = result.scores["churned"].to_numpy()
    parts = []
    for name in result.scores.columns.drop("churned"):
        s = result.scores[name].to_numpy(dtype=float)
        if kind == "roc":
            x, v, _ = roc_curve(y, s)
        else:
            v, x, _ = precision_recall_curve(y, s)
        parts.append(pd.DataFrame({"score": name, "x": x, "y": v}))
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- acting on it
def winback_list(risk: pd.DataFrame, table: pd.DataFrame, n: int | None = 100,
                 offers: pd.DataFrame | None = None, key=None) -> pd.DataFrame:
    """Repeat buyers flagged as lapsing (by P(alive), the inactivity rule or both), those who spent
    the most first; ids replaced by keyed pseudonyms (:func:`crmlib.privacy.pseudonymise`).

    ``risk`` is :func:`churn_risk`'s result, ``table`` :func:`crmlib.customer_table`'s, ``offers``
    :func:`crmlib.basket.next_best_category`'s (adds ``offer`` and ``because``). ``n=None`` keeps
    every such customer. Columns: ``rank, segment, purchases, revenue, days_since_last_purchase,
    p_alive, flagged_by`` and the offer; indexed by ``customer``. No raw id, name or contact.
    """
    from crmlib.privacy import pseudonymise

    lapsing = risk[(risk["flagged_by"] != "neither") & (table["frequency"].reindex(risk.index) >= 1)]
    out = pd.DataFrame({"segment": lapsing["segment"].astype(str),
                        "purchases": table["frequency"].reindex(lapsing.index) + 1,
                        "revenue": table["revenue"].reindex(lapsing.index),
                        "days_since_last_purchase": lapsing["days_since_last_purchase"],
                        "p_alive": lapsing["p_alive"], "flagged_by": lapsing["flagged_by"]})
    if offers is not None:
        out["offer"] = offers["category"].reindex(out.index).fillna("")
        out["because"] = offers["because"].reindex(out.index).fillna("")
    out = out.sort_values(["revenue", "p_alive"], ascending=[False, True], kind="stable")
    if n is not None:
        out = out.head(n)
    ids = pseudonymise(out.index.to_series(), key=key)
    out = out.set_axis(pd.Index(ids.to_numpy(), name="customer"))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def summary_sentences(trend: dict | None = None, projection: pd.DataFrame | None = None,
                      risk: pd.DataFrame | None = None, comparison: ChurnComparison | None = None,
                      rule_table: pd.DataFrame | None = None, period: str = "M") -> list[str]:
    """The sentences the retention report opens with, each from one of its tables; parts given as
    None are left out. ``trend`` is :func:`first_period_trend`'s, ``projection``
    :func:`project_retention`'s, ``risk`` :func:`churn_risk`'s, ``rule_table``
    :func:`crmlib.basket.rules`'."""
    unit = PERIOD_NAMES[period][:-1]
    out = []
    if trend is not None and trend["cohorts"]:
        move = {"rising": "rises", "falling": "falls", "flat": "shows no clear trend"}[trend["direction"]]
        slope = (f" ({100 * trend['slope']:+.1f} points a cohort, 95% interval {100 * trend['slope_low']:+.1f} to "
                 f"{100 * trend['slope_high']:+.1f})" if np.isfinite(trend["slope"]) else "")
        out.append(f"{trend['mean']:.1%} of new customers buy again in the {unit} after the one they were acquired in "
                   f"(cohorts range from {trend['low']:.1%} to {trend['high']:.1%}); across the {trend['cohorts']} "
                   f"cohorts this share {move}{slope}.")
    if projection is not None:
        a = projection.attrs
        last, unseen = projection.index[-1], len(projection) - a["fit_periods"] - 1
        out.append(f"Fitted to the first {a['fit_periods']} {unit}s of the {a['cohort']} cohort ({a['cohort_size']:,} "
                   f"customers), the sBG model projects {projection['projected'].iloc[-1]:.1%} of it active in {unit} "
                   f"{last}; {projection['actual'].iloc[-1]:.1%} were, and over the {unseen} "
                   f"{unit}s it did not see the projection is off by {100 * a['mae']:.1f} points on average "
                   f"({'too high' if a['bias'] > 0 else 'too low'} by {100 * abs(a['bias']):.1f} points net).")
    if risk is not None:
        both = float((risk["flagged_by"] == "both").mean())
        out.append(f"{risk['likely_lost'].mean():.0%} of customers have P(alive) below {risk.attrs['alive_below']:.0%} "
                   f"and {risk['inactive'].mean():.0%} have not bought for more than "
                   f"{risk.attrs['inactive_days']} days; "
                   f"{both:.0%} are flagged by both.")
    if comparison is not None:
        out.append(comparison.finding)
    if rule_table is not None:
        out.append(rule_sentence(rule_table))
    return out


def rule_sentence(rule_table: pd.DataFrame) -> str:
    """The strongest rule of :func:`crmlib.basket.rules` with lift above 1, in words, or why there is none."""
    a = rule_table.attrs
    what = f"{a.get('multi_item_baskets', 0):,} of {a.get('baskets', 0):,} baskets ({a.get('basket', 'baskets')})"
    up = rule_table[rule_table["lift"] > 1]
    if up.empty:
        return (f"No two categories are bought together more often than chance at this minimum support; "
                f"{what} hold more than one category.")
    top = up.iloc[0]
    return (f"The strongest cross-sell rule: of the baskets with {top['antecedent']}, {top['confidence']:.0%} also "
            f"hold {top['consequent']}, {top['lift']:.2f} times the usual rate ({int(top['baskets']):,} baskets; "
            f"{what} hold more than one category).")
