"""Churn with labels: who bought nothing in a window after a cut-off, and whether a supervised model
ranks them better than the scores that need no labels.

* :func:`churn_labels`, :func:`churn_features`: labels and RFM, channel and feedback features at a
  cut-off;
* :func:`compare_churn_models`: gradient boosting and logistic regression trained on one cut-off and
  tested on the next, which none has seen, against P(alive) of the per-customer table every report
  uses and the inactivity rule of :func:`crmlib.retention.inactivity_days`, with bootstrap intervals;
  it says which ranks churners best, and whether the gap is more than noise; above
  :data:`crmlib.churn_sample.MAX_CUSTOMERS` customers the models learn and are tested on a fixed random
  sample of that many (:mod:`crmlib.churn_sample` says why that is enough);
* :func:`curve_points`: ROC and precision-recall points of a comparison, for its figure.

What counts as a purchase is the rule of :mod:`crmlib.summary`, as in :mod:`crmlib.retention`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.churn_scores import auc as _auc
from crmlib.churn_scores import bootstrap as _bootstrap
from crmlib.churn_scores import importance as _importance
from crmlib.exceptions import DataError
from crmlib.purchases import purchase_days
from crmlib.retention import inactivity_days

#: Names of the scores compared by :func:`compare_churn_models`, in the order they are listed.
GRADIENT_BOOSTING, LOGISTIC, P_ALIVE, INACTIVITY = (
    "gradient boosting", "logistic regression", "P(alive)", "days since last purchase")
SUPERVISED = (GRADIENT_BOOSTING, LOGISTIC)


def churn_labels(transactions: pd.DataFrame, cutoff, window_days: int, only: pd.Index | None = None) -> pd.Series:
    """True for each customer known by ``cutoff`` (first purchase on or before it) who makes no
    purchase in the ``window_days`` days after it; indexed by ``customer_id``. On a log, ``only``
    (customer ids, e.g. a sample) labels these customers alone, with the labels all customers' rows
    give them."""
    cutoff = pd.Timestamp(cutoff)
    if _is_log(transactions):  # per customer in DuckDB (crmlib.purchases)
        from crmlib.purchases import purchase_day_counts

        counts = purchase_day_counts(transactions, cutoff, cutoff + pd.Timedelta(days=window_days), only=only)
        return (counts["within"] == 0).rename("churned")
    days = purchase_days(transactions, cutoff + pd.Timedelta(days=window_days))
    bought = days[days["is_purchase"]]
    known = bought.loc[bought["day"] <= cutoff, "customer_id"].unique()
    came_back = bought.loc[bought["day"] > cutoff, "customer_id"].unique()
    out = pd.Series(~pd.Index(known).isin(came_back), index=pd.Index(known, name="customer_id"), name="churned")
    return out.sort_index()


def _slog(x: pd.Series) -> pd.Series:
    return np.sign(x) * np.log1p(np.abs(x))


def churn_features(transactions: pd.DataFrame, cutoff, feedback: pd.DataFrame | None = None,
                   recent_days: int = 90, *, max_customers: int | None = None, seed: int = 0,
                   summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """Features of each customer known by ``cutoff``, from data up to ``cutoff`` only.

    RFM: ``purchases`` (purchase days), ``days_since_last_purchase``, ``tenure_days``, ``revenue``,
    ``mean_spend``, ``mean_gap_days`` (between purchase days; missing for one-time buyers) and
    ``recent_purchases`` (purchase days in the last ``recent_days`` days); ``categories`` and
    ``return_share`` when the columns exist; ``channel_*``: share of the customer's purchases in
    each channel; with ``feedback``: ``responses``, ``mean_nps``, ``last_nps``, ``mean_csat``,
    ``mean_ces`` (missing for customers who never answered).

    With ``max_customers``, when more customers are known: only those of the fixed random sample of
    :func:`crmlib.churn_sample.sample_customers` (``seed``), with the features they have among all;
    on a log, the features counted on lines are computed for them only.

    ``summary``: :func:`crmlib.customers.spend_summary` at ``cutoff``, when the caller has it.
    ``attrs["known"]``: the number of customers known by ``cutoff`` (sampled or not).
    """
    from crmlib.churn_sample import sample_customers
    from crmlib.customers import spend_summary

    cutoff = pd.Timestamp(cutoff)
    # the summary in days: the columns customer_table(freq="D") takes from it, without scores and segments
    base = spend_summary(transactions, observation_end=cutoff) if summary is None else summary
    known = len(base)
    sample = sample_customers(base.index, max_customers, seed)
    sampled = len(sample) < known
    if sampled:
        base = base.loc[sample]
    out = pd.DataFrame({"purchases": base["frequency"] + 1,
                        "days_since_last_purchase": (base["T"] - base["recency"]).astype("int64"),
                        "tenure_days": base["T"], "revenue": base["revenue"], "mean_spend": base["mean_spend"],
                        "mean_gap_days": (base["recency"] / base["frequency"]).where(base["frequency"] > 0)},
                       index=base.index)
    del base
    if _is_log(transactions):  # a log: per-customer tables from DuckDB, then the same joins
        from crmlib.churn_log import line_features
        from crmlib.purchases import purchase_day_counts

        recent = purchase_day_counts(transactions, cutoff - pd.Timedelta(days=recent_days), cutoff, known=False,
                                     only=out.index if sampled else None)["within"]
        out["recent_purchases"] = recent.reindex(out.index, fill_value=0).to_numpy()
        del recent
        out = out.join(line_features(transactions, cutoff, out.index, only=out.index if sampled else None))
        return _with_feedback(out, feedback, cutoff, known)
    if sampled:  # every feature below is counted per customer: the sample's rows give the sample's values
        transactions = transactions[transactions["customer_id"].astype(str).isin(out.index.astype(str))]
    days = purchase_days(transactions, cutoff)
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
    return _with_feedback(out, feedback, cutoff, known)


def _with_feedback(out: pd.DataFrame, feedback, cutoff, known: int) -> pd.DataFrame:
    if feedback is not None:
        out = out.join(_feedback_features(feedback, cutoff).reindex(out.index))
        out["responses"] = out["responses"].fillna(0)
    out = out.astype(float)
    out.attrs["known"] = int(known)
    return out


def _is_log(transactions) -> bool:
    from crmlib.txlog import TransactionLog

    return isinstance(transactions, TransactionLog)


#: The churn features (columns of :func:`churn_features`); :func:`crmlib.words.retention.feature_label`
#: says them in words (``channel_X`` reads "share of purchases in channel X").
FEATURES = ("purchases", "days_since_last_purchase", "tenure_days", "revenue", "mean_spend", "mean_gap_days",
            "recent_purchases", "categories", "return_share", "responses", "mean_nps", "last_nps", "mean_csat",
            "mean_ces")


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


#: The folds of the calibrated models' cross-validation (stratified, unshuffled: those sklearn makes for ``cv=3``),
#: and so the customers of each class (churned, came back) it needs.
FOLDS = MIN_PER_CLASS = 3


def learnable(x: pd.DataFrame, y: pd.Series) -> pd.Index:
    """The features the churn models learn from: more than one value among the training customers ``x`` and a
    value in every fold the calibration learns from (gradient boosting's binning fails on a feature with none,
    issue 18: "window shape cannot be larger than input array shape"; so on ``mean_gap_days`` when the few repeat
    buyers all fall in one fold).

    >>> x = pd.DataFrame({"one": 1.0, "days": [0.0, 1, 2, 3, 4, 5], "gap": [np.nan] * 4 + [2.0, 3.0]})
    >>> learnable(x, pd.Series([True, False] * 3)).tolist()
    ['days']
    """
    from sklearn.model_selection import StratifiedKFold

    keep = x.nunique(dropna=True) > 1
    if min(int(y.sum()), int((~y.astype(bool)).sum())) >= FOLDS:  # else the models are not fitted
        for rows, _ in StratifiedKFold(FOLDS).split(x, y):
            keep &= x.iloc[rows].notna().any()
    return x.columns[keep.to_numpy(bool)]


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
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    method = "isotonic" if n_train >= 5000 else "sigmoid"
    boost = HistGradientBoostingClassifier(learning_rate=0.05, max_iter=100, max_leaf_nodes=15,
                                           min_samples_leaf=20, l2_regularization=1.0, random_state=seed)
    logistic = make_pipeline(FunctionTransformer(_slog, feature_names_out="one-to-one"),
                             SimpleImputer(strategy="median", add_indicator=True), StandardScaler(),
                             LogisticRegression(C=1.0, max_iter=2000))
    return {name: CalibratedClassifierCV(m, method=method, cv=StratifiedKFold(FOLDS), ensemble=False)
            for name, m in ((GRADIENT_BOOSTING, boost), (LOGISTIC, logistic))}


@dataclass
class ChurnComparison:
    """What :func:`compare_churn_models` found. ``metrics``: one row per score (ROC AUC and average
    precision with 95 % bootstrap intervals, Brier score of the calibrated probabilities); ``scores``:
    the test customers' label ``churned`` and each score (higher = more likely to churn);
    ``importance``: permutation importance of the gradient-boosting features on the test window
    (drop in ROC AUC); ``rule``: precision and recall of the inactivity rule; ``winner``: the best
    score by ``metric``; ``differences``: best supervised model minus each unsupervised baseline
    (P(alive), the days-since-last-purchase ranking) by ``metric``, with 95 % bootstrap intervals
    of the paired difference; ``notes``: what the reader must know to read the numbers, as
    ``(kind, numbers)`` pairs (``"sampled"``, ``"p_alive_left_out"``, ``"one_time_buyers"``, ``"not_learnt"``)
    that :func:`crmlib.words.retention.churn_notes` says in words; the finding is
    :func:`crmlib.words.retention.churn_finding`."""

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


def compare_churn_models(transactions: pd.DataFrame, *, feedback: pd.DataFrame | None = None, window_days: int = 90,
                         test_cutoff=None, observation_end=None, freq: str = "W", model: str | None = "auto",
                         inactive_days: int | None = None, metric: str = "roc_auc", n_boot: int = 200,
                         seed: int = 0, max_customers: int | str | None = "auto") -> ChurnComparison:
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

    When more than ``max_customers`` customers are known at a cut-off ("auto":
    :data:`crmlib.churn_sample.MAX_CUSTOMERS`; None: never), the models learn from, and every score
    is tested on, a fixed random sample of that many (:func:`crmlib.churn_sample.sample_customers`,
    seeded by ``seed``); P(alive) still comes from a model fitted on every customer. ``notes`` then
    hold ``("sampled", {"train", "train_known", "test", "test_known"})``. Below it nothing changes.

    The models learn from the features of :func:`learnable`; ``("not_learnt", {"cutoff", "features"})`` names those
    left out that vary among the test customers. A DataError says when they could not learn from repeat purchases.
    """
    from threadpoolctl import threadpool_limits

    from crmlib.churn_sample import sample_limit
    from crmlib.shared_summary import spend_summary  # in a batch, made once with the segments page's migration

    limit = sample_limit(max_customers)
    if metric not in ("roc_auc", "average_precision"):
        raise DataError(f"metric={metric!r}: use 'roc_auc' or 'average_precision'.")
    if not (isinstance(window_days, (int, np.integer)) and window_days >= 1):
        raise DataError(f"window_days must be a whole number of days >= 1, got {window_days!r}.")
    end = (pd.Timestamp(observation_end) if observation_end is not None
           else transactions.last_date if _is_log(transactions) else pd.to_datetime(transactions["date"]).max())
    test = pd.Timestamp(test_cutoff) if test_cutoff is not None else end - pd.Timedelta(days=window_days)
    if test + pd.Timedelta(days=window_days) > end:
        raise DataError(f"The test window {test.date()} + {window_days} days runs past the data ({end.date()}); "
                        "choose an earlier test_cutoff or a shorter window_days.",
                        reason=("test_window_past_data", {"test": test, "days": int(window_days), "end": end}))
    train = test - pd.Timedelta(days=window_days)
    x_train, y_train = _labelled(transactions, feedback, train, window_days, limit, seed)
    # the summary at the test cut-off, once: the test customers' features and the P(alive) model's data
    days_test = spend_summary(transactions, observation_end=test)
    x_test, y_test = _labelled(transactions, feedback, test, window_days, limit, seed, days_test)
    notes = []
    if len(x_train) < x_train.attrs["known"] or len(x_test) < x_test.attrs["known"]:
        notes.append(("sampled", {"train": len(x_train), "train_known": x_train.attrs["known"],
                                  "test": len(x_test), "test_known": x_test.attrs["known"]}))
    used = learnable(x_train, y_train)  # x_test keeps every feature: the baselines and notes read them by name
    few = int(min(y_train.sum(), (~y_train).sum()))
    if few < MIN_PER_CLASS or len(used) == 0:
        raise DataError(f"At the training cut-off {train.date()} only {few} of the {len(y_train):,} customers are in the "
                        f"smaller class (churned or came back) and {len(used)} feature(s) vary; the churn "
                        f"models need at least {MIN_PER_CLASS} of each and one varying feature.",
                        reason=("too_few_in_class", {"cutoff": train, "few": int(few), "customers": len(y_train),
                                                     "features": len(used), "minimum": MIN_PER_CLASS}))
    _refuse_one_time_buyers(x_train, x_test, train)
    unlearnt = [c for c in x_train.columns if c not in used and c in x_test and x_test[c].nunique(dropna=True) > 1]
    if unlearnt:
        notes.append(("not_learnt", {"cutoff": train, "features": unlearnt}))
    x_train, x_model = x_train[used], x_test.reindex(columns=used, fill_value=0.0)
    inactive_days = inactivity_days(transactions, observation_end=test) if inactive_days is None else int(inactive_days)
    p_alive, fitted = p_alive_at(days_test, freq, model, y_test.index)
    del days_test  # every customer's summary: not kept while the models learn
    models = _models(len(y_train), seed)
    scores = pd.DataFrame({"churned": y_test.astype(int)}, index=y_test.index)
    with threadpool_limits(limits=1):  # small data: threads cost more than they save on shared cores
        for name, clf in models.items():
            clf.fit(x_train, y_train)
            scores[name] = clf.predict_proba(x_model)[:, 1]
        importance = _importance(models[GRADIENT_BOOSTING], x_model, y_test, seed)
    if p_alive is not None:
        scores[P_ALIVE] = 1.0 - p_alive
    else:
        notes.append(("p_alive_left_out", fitted))
    scores[INACTIVITY] = x_test["days_since_last_purchase"]
    metrics, boot = _metrics(scores, n_boot, seed)
    repeat = x_test["purchases"].to_numpy() >= 2
    if 0 < scores.loc[repeat, "churned"].mean() < 1:
        y = scores["churned"].to_numpy(bool)[repeat]
        metrics["roc_auc_repeat_buyers"] = [_auc(y, scores[c].to_numpy(float)[repeat]) for c in metrics.index]
    if P_ALIVE in scores.columns and (~repeat).any() and np.allclose(scores.loc[~repeat, P_ALIVE], 0.0):
        notes.append(("one_time_buyers", {"model": fitted["model"], "share": float((~repeat).mean())}))
    return ChurnComparison(metrics, scores, importance, _rule(scores, inactive_days), metrics[metric].idxmax(), metric,
                           _differences(metrics, boot, metric), train, test, int(window_days), len(y_train), models,
                           notes)


def _refuse_one_time_buyers(x_train: pd.DataFrame, x_test: pd.DataFrame, cutoff: pd.Timestamp) -> None:
    """A DataError when every customer known at the training cut-off bought on one day only (early in a short export):
    the models would be judged on repeat purchases, which P(alive) ranks by, without having seen one."""
    if x_train["purchases"].nunique() > 1:
        return
    repeat, customers = int((x_test["purchases"] >= 2).sum()), len(x_train)
    raise DataError(f"At the training cut-off {cutoff.date()} each of the {customers:,} customers had bought on one "
                    f"day only, so the churn models could not learn from repeat purchases, which {repeat:,} of the "
                    f"{len(x_test):,} customers at the test cut-off had made; use a shorter window_days or a longer "
                    "history.",
                    reason=("one_purchase_day_each", {"cutoff": cutoff, "customers": customers, "repeat": repeat,
                                                      "test_customers": len(x_test)}))


def p_alive_at(days: pd.DataFrame, freq: str, model, index: pd.Index) -> tuple[np.ndarray | None, dict]:
    """P(alive) of the customers of ``index`` (in its order) and ``{"model", "comparison"}`` as
    :func:`crmlib.customer_table`'s attrs say them, from the summary in days at a cut-off
    (:func:`crmlib.customers.spend_summary`) of every customer: the model customer_table chooses and fits
    on that summary in ``freq`` (:func:`crmlib.customers.in_unit`, :func:`crmlib.customers.choose_model`), predicting
    for these customers only; the same numbers, without the scores, segments and predictions of all.
    (None, ...) when no model is used."""
    from crmlib.customers import choose_model, in_unit, transaction_model

    if model is not None and model != "auto":
        transaction_model(model)  # an unknown name is refused before any work, as customer_table does
    summary = in_unit(days, freq)
    chosen, _, comparison = choose_model(summary, model)
    fitted = {"model": type(chosen).__name__ if chosen is not None else None,
              "comparison": comparison.to_dict(orient="index")}
    if chosen is None:
        return None, fitted
    return np.asarray(chosen.probability_alive(summary.loc[index]), dtype=float), fitted


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


def _labelled(transactions, feedback, cutoff, window_days, limit: int | None = None,
              seed: int = 0, summary: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.Series]:
    x = churn_features(transactions, cutoff, feedback=feedback, max_customers=limit, seed=seed, summary=summary)
    sampled = len(x) < x.attrs["known"]  # the sample's labels alone (each customer's own rows)
    y = churn_labels(transactions, cutoff, window_days, only=x.index if sampled else None).reindex(x.index)
    if len(y) == 0:
        raise DataError(f"At the cut-off {pd.Timestamp(cutoff).date()} no customer had bought yet: learning churn over "
                        f"{window_days} days and testing it on a later {window_days} days needs more than "
                        f"{2 * window_days} days of transactions. Use a shorter window_days or a longer history.",
                        reason=("nobody_bought_yet", {"cutoff": pd.Timestamp(cutoff), "days": int(window_days),
                                                      "total": 2 * int(window_days)}))
    if y.isna().any() or y.nunique() < 2:
        raise DataError(f"At the cut-off {pd.Timestamp(cutoff).date()} the {len(y):,} customers all "
                        f"{'churned' if bool(y.all()) else 'came back'} in the next {window_days} days; a churn model "
                        "needs both. Choose another window_days or test_cutoff.",
                        reason=("all_churned" if bool(y.all()) else "all_came_back",
                                {"cutoff": pd.Timestamp(cutoff), "customers": len(y), "days": int(window_days)}))
    return x, y.astype(bool)


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
