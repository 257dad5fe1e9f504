"""How well churn scores rank the churners, for :func:`crmlib.churn.compare_churn_models`: ROC AUC and
average precision (as sklearn computes them), their paired bootstrap over the test customers, and the
permutation importance of a model's features.

The bootstrap and the importance take exact shortcuts (issue 24.3): a resample is scored from how often
each customer is drawn, and a gradient-boosting model scores each combination of places among its split
thresholds once; both give the numbers of the plain computations bit for bit
(``tests/test_churn_scores.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def auc(y: np.ndarray, s: np.ndarray) -> float:
    """ROC AUC from average ranks (ties count one half), as sklearn's roc_auc_score."""
    from scipy.stats import rankdata

    pos = y.sum()
    return float((rankdata(s)[y].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos)))


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    """Average precision with tied scores taken together, as sklearn's average_precision_score."""
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # last row of each distinct score
    tp = np.cumsum(y)[last]
    precision, recall = tp / (last + 1), tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def bootstrap(y: np.ndarray, scores: pd.DataFrame, n_boot: int, seed: int) -> dict[str, np.ndarray]:
    """ROC AUC and average precision of every score on ``n_boot`` paired resamples of the customers.

    A resample is a multiset of the customers, so each metric is computed from how many times each
    customer was drawn (:func:`resample_metrics`): the same numbers as :func:`auc` and
    :func:`average_precision` of the resampled rows, bit for bit, in linear time per resample."""
    rng = np.random.default_rng(seed)
    out = {m: np.full((n_boot, scores.shape[1]), np.nan) for m in ("roc_auc", "average_precision")}
    values, y = scores.to_numpy(dtype=float), y.astype(bool)
    distinct = [np.unique(values[:, j], return_inverse=True)[1] for j in range(values.shape[1])]
    exact = not np.isnan(values).any()  # NaN scores: rank the resampled rows themselves
    for b in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].all() or not y[idx].any():
            continue
        drawn = np.bincount(idx, minlength=len(y)) if exact else None
        for j in range(values.shape[1]):
            out["roc_auc"][b, j], out["average_precision"][b, j] = (
                resample_metrics(distinct[j], y, drawn) if exact
                else (auc(y[idx], values[idx, j]), average_precision(y[idx], values[idx, j])))
    return out


def resample_metrics(codes: np.ndarray, y: np.ndarray, drawn: np.ndarray) -> tuple[float, float]:
    """:func:`auc` and :func:`average_precision` of the resample that holds customer ``i`` ``drawn[i]``
    times, from the customers' distinct-score numbers ``codes`` (ascending scores) and labels ``y``.

    The AUC is the Mann-Whitney count U / (P N): U, the churners' rank sum less P (P + 1) / 2, counts
    each (churner, non-churner) pair ordered right as 1 and each tie as 1/2, a sum of halves that is
    exact in floating point, as the rank sum is. Average precision walks the distinct scores present,
    highest first, with the same cumulative counts as the sorted rows: the same numbers in the same order.
    """
    n_codes = int(codes.max()) + 1
    total = np.bincount(codes, weights=drawn, minlength=n_codes)
    pos = np.bincount(codes, weights=drawn * y, minlength=n_codes)
    neg = total - pos
    n_pos = int(drawn[y].sum())
    below = np.cumsum(neg) - neg
    auc = float((pos * (below + 0.5 * neg)).sum() / (n_pos * (len(y) - n_pos)))
    present = total > 0
    tp, seen = np.cumsum(pos[present][::-1]), np.cumsum(total[present][::-1])
    precision, recall = tp / seen, tp / tp[-1]
    return auc, float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def importance(clf, x: pd.DataFrame, y: pd.Series, seed: int, n_repeats: int = 5) -> pd.DataFrame:
    """Permutation importance: the mean drop in ROC AUC when one feature's values are shuffled
    across the test customers (as sklearn's ``permutation_importance``). Each repeat scores the
    copies with every feature shuffled in one call, and only the copies the model can tell apart
    (:func:`permuted_proba`)."""
    rng = np.random.default_rng(seed)
    values, target = x.to_numpy(dtype=float), y.to_numpy(dtype=bool)
    base = auc(target, clf.predict_proba(x)[:, 1])
    n, k = values.shape
    sides = threshold_sides(clf, values)
    drops = np.empty((n_repeats, k))
    for r in range(n_repeats):
        shuffles = [rng.permutation(n) for _ in range(k)]
        p = permuted_proba(clf, values, x.columns, shuffles, sides).reshape(k, n)
        drops[r] = [base - auc(target, p[j]) for j in range(k)]
    return (pd.DataFrame({"importance": drops.mean(axis=0), "std": drops.std(axis=0)},
                         index=pd.Index(x.columns, name="feature")).sort_values("importance", ascending=False))


#: Rows scored per call by the permutation importance.
SCORE_BLOCK = 1 << 20


def permuted_proba(clf, values: np.ndarray, columns, shuffles: list, sides) -> np.ndarray:
    """Churn probability of the k copies of ``values``, copy j with column j in the order ``shuffles[j]``,
    one copy after the other. With the rows' places among the model's thresholds (``sides``, from
    :func:`threshold_sides`), each copy's row is scored once per distinct combination of places: rows
    in the same places take the same path down every tree, so they get the same raw score and the
    same calibrated probability. Without them, every row is scored."""
    n, k = values.shape
    if sides is None:
        stacked = np.tile(values, (k, 1))
        for j, order in enumerate(shuffles):
            stacked[j * n:(j + 1) * n, j] = values[order, j]
        return clf.predict_proba(pd.DataFrame(stacked, columns=columns))[:, 1]
    places, radix = sides
    key = places @ radix  # one number per combination of places (radix: mixed-radix weights)
    keys = np.concatenate([key + (places[order, j] - places[:, j]) * radix[j] for j, order in enumerate(shuffles)])
    codes, distinct = pd.factorize(keys)
    rank = np.empty(distinct.size, dtype=np.int64)
    rank[np.argsort(distinct)] = np.arange(distinct.size)
    codes = rank[codes]  # rows in the order of their places: neighbours take similar paths, 3x faster
    first = np.empty(distinct.size, dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.size - 1, -1, -1)  # a row of each combination
    copy, row = np.divmod(first, n)
    proba = np.empty(first.size)
    for start in range(0, first.size, SCORE_BLOCK):  # bounded memory: the model copies what it scores
        block = slice(start, start + SCORE_BLOCK)
        rows = values[row[block]]
        for j, order in enumerate(shuffles):
            mine = copy[block] == j
            rows[mine, j] = values[order[row[block][mine]], j]
        proba[block] = clf.predict_proba(pd.DataFrame(rows, columns=columns))[:, 1]
    return proba[codes]


def threshold_sides(clf, values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Where each row falls among the split thresholds of a calibrated
    :class:`~sklearn.ensemble.HistGradientBoostingClassifier`, feature by feature: ``(places, radix)``,
    ``places[i, j]`` the number of feature j's thresholds below row i's value (missing values one
    past the last), so that ``value <= threshold t`` is ``place <= t``'s rank; ``radix`` numbers the
    combinations of places (``places @ radix``) in lexicographic order. None for any other model, one with categorical
    splits, or too many combinations to number in 62 bits."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    fitted = getattr(clf, "calibrated_classifiers_", None)
    booster = fitted[0].estimator if fitted and len(fitted) == 1 else None
    if not isinstance(booster, HistGradientBoostingClassifier) or booster._preprocessor is not None:
        return None
    nodes = np.concatenate([tree.nodes for trees in booster._predictors for tree in trees])
    splits = nodes[nodes["is_leaf"] == 0]
    if splits["is_categorical"].any():
        return None
    places, sizes = np.empty(values.shape, dtype=np.int64), []
    for j in range(values.shape[1]):
        thresholds = np.unique(splits["num_threshold"][splits["feature_idx"] == j])
        places[:, j] = np.searchsorted(thresholds, values[:, j], side="left")
        places[np.isnan(values[:, j]), j] = thresholds.size + 1
        sizes.append(thresholds.size + 2)
    if np.prod(np.array(sizes, dtype=float)) >= 2.0 ** 62:
        return None
    radix = np.cumprod([1, *sizes[:0:-1]])[::-1].astype(np.int64)  # the first feature varies slowest
    return places, radix


__all__ = ["SCORE_BLOCK", "auc", "average_precision", "bootstrap", "importance", "permuted_proba",
           "resample_metrics", "threshold_sides"]
