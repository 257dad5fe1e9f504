"""The speed work of issue 24.1 changes no number: fits equal those recorded before it.

``data/fits_before_speed_work.json`` holds BG/NBD, MBG/NBD and Pareto/NBD fitted on CDNOW (weeks)
and on the demo data set (``make_crm_dataset(2000, seed=42)``, summaries in weeks and in days) by
the code before the speed work (``data/record_fits.py``). Parameters and log-likelihoods must agree
to 1e-6 relative (the issue's bound; the optimisers' own tolerance is about 1e-8), standard errors
to 1e-5 (they were central differences of the gradient with step 1e-4, good to about 1e-7).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from crmlib.clv import BetaGeo, ModifiedBetaGeo, ParetoNBD
from crmlib.clv._data import Columns
from crmlib.datasets import make_crm_dataset
from crmlib.summary import rfm_summary

REFERENCE = json.loads((Path(__file__).parent / "data" / "fits_before_speed_work.json").read_text())
MODELS = {cls.__name__: cls for cls in (BetaGeo, ModifiedBetaGeo, ParetoNBD)}


@pytest.fixture(scope="module")
def demo_summaries():
    transactions = make_crm_dataset(n_customers=2000, seed=42).transactions
    return {f"demo_{freq}": rfm_summary(transactions, freq=freq) for freq in ("W", "D")}


@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_fits_equal_those_before_the_speed_work(key, cdnow_summary, demo_summaries):
    name, data_name = key.split("/")
    data = cdnow_summary if data_name == "cdnow" else demo_summaries[data_name]
    model = MODELS[name]().fit(data[["frequency", "recency", "T"]])
    ref = REFERENCE[key]
    for p, value in ref["params"].items():
        assert model.params_[p] == pytest.approx(value, rel=1e-6), p
    for p, value in ref["se"].items():
        assert model.standard_errors_[p] == pytest.approx(value, rel=1e-5), p
    assert model.log_likelihood_ == pytest.approx(ref["log_likelihood"], rel=1e-9)


@pytest.mark.parametrize("cls", [BetaGeo, ModifiedBetaGeo])
def test_exact_hessian_matches_differences_of_the_gradient(cls, cdnow_summary):
    """The analytic Hessian (used for the standard errors) equals central differences of the
    exact gradient, and its total and gradient equal the per-row formulas. Tolerance 1e-7 of the
    largest entry of each column: the differences with step 1e-6 are good to about 1e-9."""
    model = cls()
    table = model._prepare(cdnow_summary, fitting=True)
    arrays = Columns(table[c].to_numpy() for c in model.columns)
    w = table["weight"].to_numpy()
    params = np.array([0.3, 4.0, 0.9, 2.1])
    total, grad, hess = model._total_hessian(params, arrays, w)
    ll, g_rows = model._loglik_grad(params, list(arrays))
    assert total == pytest.approx(float(w @ ll), rel=1e-12)
    assert np.allclose(grad, w @ g_rows, rtol=1e-10)
    numeric = np.empty((4, 4))
    for i in range(4):
        step = np.zeros(4)
        step[i] = 1e-6 * params[i]
        numeric[:, i] = (model._total(params + step, arrays, w)[1]
                         - model._total(params - step, arrays, w)[1]) / (2 * step[i])
    assert np.allclose(hess, hess.T)
    assert np.all(np.abs(hess - numeric) <= 1e-7 * np.abs(numeric).max(axis=0))
