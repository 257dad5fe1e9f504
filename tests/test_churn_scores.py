"""crmlib.churn_scores: the fast paths give the numbers of the plain computations, bit for bit.

``bootstrap`` counts how often each customer is drawn instead of ranking every resample, and
``importance`` scores only the permuted rows the gradient-boosting model can tell apart. The
references below are the plain computations the comparison made before (issue 24.3): every
resample ranked row by row, every permuted row scored.
"""

import numpy as np
import pandas as pd
import pytest

from crmlib import churn, churn_scores


def _bootstrap_rows(y, scores, n_boot, seed):
    """The resamples ranked row by row with :func:`churn_scores.auc` and :func:`churn_scores.average_precision`."""
    rng = np.random.default_rng(seed)
    out = {m: np.full((n_boot, scores.shape[1]), np.nan) for m in ("roc_auc", "average_precision")}
    values, y = scores.to_numpy(dtype=float), y.astype(bool)
    for b in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].all() or not y[idx].any():
            continue
        for j in range(values.shape[1]):
            out["roc_auc"][b, j] = churn_scores.auc(y[idx], values[idx, j])
            out["average_precision"][b, j] = churn_scores.average_precision(y[idx], values[idx, j])
    return out


def _scores(n, seed=3):
    """Scores with many ties (whole days, rounded probabilities), a continuous one and a constant one."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    return y, pd.DataFrame({"days": rng.integers(0, 40, n).astype(float) + 10 * y,
                            "rounded": np.round(rng.random(n) * 0.5 + 0.3 * y, 2),
                            "continuous": rng.normal(size=n) + y,
                            "constant": np.zeros(n)})


@pytest.mark.parametrize("n, n_boot", [(7, 60), (500, 40), (20_000, 5)])
def test_bootstrap_equals_ranking_every_resample_exactly(n, n_boot):
    """Exact equality, not a tolerance: both count (churner, non-churner) pairs in halves, which
    floating point holds exactly. n = 7 draws resamples with one class only (skipped, NaN)."""
    y, scores = _scores(n)
    fast, plain = churn_scores.bootstrap(y, scores, n_boot, seed=1), _bootstrap_rows(y, scores, n_boot, seed=1)
    for metric in ("roc_auc", "average_precision"):
        np.testing.assert_array_equal(fast[metric], plain[metric])
    assert np.isfinite(fast["roc_auc"]).any()


def test_bootstrap_with_missing_scores_ranks_the_rows():
    y, scores = _scores(300)
    scores.iloc[::7, 2] = np.nan
    fast, plain = churn_scores.bootstrap(y, scores, 10, seed=2), _bootstrap_rows(y, scores, 10, seed=2)
    for metric in ("roc_auc", "average_precision"):
        np.testing.assert_array_equal(fast[metric], plain[metric])


@pytest.fixture(scope="module")
def fitted():
    """The comparison's calibrated models fitted on simulated features with whole numbers, a
    continuous feature and missing values (as mean_gap_days of one-time buyers)."""
    rng = np.random.default_rng(0)
    n = 6000
    x = pd.DataFrame({"purchases": rng.integers(1, 9, n).astype(float),
                      "days_since_last_purchase": rng.integers(0, 400, n).astype(float),
                      "revenue": rng.gamma(2.0, 50.0, n)})
    x["mean_gap_days"] = np.where(x["purchases"] > 1, rng.gamma(2.0, 30.0, n), np.nan)
    logit = 0.01 * x["days_since_last_purchase"] - 0.4 * x["purchases"] + rng.normal(size=n)
    y = pd.Series(logit > 0.5)
    models = churn._models(n, seed=0)
    for clf in models.values():
        clf.fit(x, y)
    return x, y, models


@pytest.mark.slow
@pytest.mark.parametrize("block", [1 << 20, 1000])
def test_permuted_copies_get_the_probability_of_every_row(fitted, block, monkeypatch):
    """Also scored in blocks of 1,000 distinct rows (bounded memory), with the same result."""
    monkeypatch.setattr(churn_scores, "SCORE_BLOCK", block)
    x, _, models = fitted
    values = x.to_numpy()
    rng = np.random.default_rng(1)
    shuffles = [rng.permutation(len(x)) for _ in range(x.shape[1])]
    boost = models[churn.GRADIENT_BOOSTING]
    sides = churn_scores.threshold_sides(boost, values)
    every = churn_scores.permuted_proba(boost, values, x.columns, shuffles, None)
    assert sides is not None and len(np.unique(sides[0] @ sides[1])) < len(x)  # rows the model cannot tell apart
    np.testing.assert_array_equal(churn_scores.permuted_proba(boost, values, x.columns, shuffles, sides), every)
    stacked = np.tile(values, (x.shape[1], 1))
    for j, order in enumerate(shuffles):
        stacked[j * len(x):(j + 1) * len(x), j] = values[order, j]
    np.testing.assert_array_equal(every, boost.predict_proba(pd.DataFrame(stacked, columns=x.columns))[:, 1])
    assert churn_scores.threshold_sides(models[churn.LOGISTIC], values) is None  # no thresholds: scored row by row


@pytest.mark.slow
def test_importance_equals_scoring_every_permuted_row(fitted, monkeypatch):
    x, y, models = fitted
    boost = models[churn.GRADIENT_BOOSTING]
    fast = churn_scores.importance(boost, x, y, seed=4)
    monkeypatch.setattr(churn_scores, "threshold_sides", lambda clf, values: None)
    pd.testing.assert_frame_equal(fast, churn_scores.importance(boost, x, y, seed=4), check_exact=True)
