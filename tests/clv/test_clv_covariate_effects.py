"""The covariate section of the CLV report: numbers (crmlib/clv/covariate_effects.py) and words
(crmlib/words/clv_covariates.py), on cohorts simulated with known coefficients."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from crmlib.clv import BetaGeoCovariates, ParetoNBDCovariates, covariate_effects, parse_covariates
from crmlib.clv.covariate_effects import covariate_frame, effects_of
from crmlib.exceptions import DataError
from crmlib.formats import Formats
from crmlib.words import Words
from crmlib.words import clv_covariates as words

TRUTH = {"r": 0.6, "alpha": 6.0, "s": 0.7, "beta": 10.0, "purchase:gold": 0.5, "dropout:gold": -0.7}
ONE = {"purchase_covariates": ("gold",), "dropout_covariates": ("gold",)}


@pytest.fixture(scope="module")
def cohort():
    """A per-customer table (ids as strings, Pareto/NBD chosen) and a customers file with ``gold``."""
    rng = np.random.default_rng(11)
    z = pd.DataFrame({"gold": (rng.random(3000) < 0.4).astype(float)})
    T = rng.uniform(20, 60, 3000).round()
    sim = ParetoNBDCovariates.from_params(TRUTH, **ONE).sample(covariates=z, T=T, seed=4)
    ids = [f"C{i:05d}" for i in range(len(sim))]
    table = sim[["frequency", "recency", "T"]].set_axis(pd.Index(ids, name="customer_id"))
    table.attrs.update(model="ParetoNBD", freq="W")
    customers = pd.DataFrame({"customer_id": ids[::-1], "gold": sim["gold"].to_numpy()[::-1].astype(int),
                              "email": "x@example.com"})
    return table, customers


@pytest.mark.slow
def test_effects_are_ratios_per_unit_with_intervals_holding_the_truth(cohort):
    table, customers = cohort
    effects, model, why = covariate_effects(table, customers, "gold")
    assert why is None and isinstance(model, ParetoNBDCovariates)
    row = effects.iloc[0]
    assert row["covariate"] == "gold"
    assert row["purchase"] == pytest.approx(np.exp(model.params_["purchase:gold"]))
    assert row["dropout"] == pytest.approx(np.exp(model.params_["dropout:gold"]))
    assert row["purchase_lower"] < np.exp(0.5) < row["purchase_upper"]  # gold buy 1.65 times as often
    assert row["dropout_lower"] < np.exp(-0.7) < row["dropout_upper"]  # and leave 0.50 times as fast
    assert row["purchase_lower"] > 1 > row["dropout_upper"]  # both effects clear at 3,000 customers


def test_beta_geo_dropout_ratio_is_the_ratio_of_mean_dropout_chances():
    p = {"r": 0.4, "alpha": 5.0, "a": 0.8, "b": 3.0, "purchase:gold": 0.2, "dropout_a:gold": 0.4,
         "dropout_b:gold": -0.3}
    model = BetaGeoCovariates.from_params(p, **ONE)
    covariates = pd.DataFrame({"gold": [0.0, 1.0, 0.0, 1.0]})  # mean 0.5
    row = effects_of(model, covariates).iloc[0]
    a0, b0 = 0.8 * np.exp(0.5 * 0.4), 3.0 * np.exp(-0.5 * 0.3)
    a1, b1 = a0 * np.exp(0.4), b0 * np.exp(-0.3)
    assert row["dropout"] == pytest.approx((a1 / (a1 + b1)) / (a0 / (a0 + b0)), rel=1e-12)
    assert row["purchase"] == pytest.approx(np.exp(0.2))
    assert np.isnan(row["dropout_lower"])  # parameters set by hand: no covariance, no interval


def test_covariate_inputs_are_refused_with_a_clear_line(cohort):
    table, customers = cohort
    assert parse_covariates(" gold, tier ,gold") == ("gold", "tier")
    with pytest.raises(DataError, match="no customers file was given: pass --customers FILE"):
        covariate_frame(table, None, "gold")
    with pytest.raises(DataError, match=r"\['tier'\] are not in the file; its other columns are \['gold'\]"):
        covariate_frame(table, customers, "gold,tier")
    with pytest.raises(DataError, match="personal data"):
        covariate_frame(table, customers, "email")
    with pytest.raises(DataError) as info:
        covariate_frame(table, customers.iloc[5:], "gold")
    assert "5 of the 3000 customers" in str(info.value) and "C0" not in str(info.value)


def test_no_model_and_purchase_only_are_said_in_every_language(cohort):
    table, customers = cohort
    unfitted = table.copy()
    unfitted.attrs = {"model": None}
    assert covariate_effects(unfitted, customers, "gold") == (None, None, "no_model")
    for lang, script in (("hi", "[\u0900-\u097f]"), ("bn", "[\u0980-\u09ff]")):
        for reason in (None, "no_model", "not_fitted", "purchase_only"):
            assert re.search(script, words.left_out(reason, "BetaGeo", ("gold",), w=Words(lang)))


def test_sentences_say_each_effect_in_words(cohort):
    table, customers = cohort
    effects, _, _ = covariate_effects(table, customers, "gold")
    row = effects.iloc[0]
    text = words.sentences(effects, "ParetoNBD", "W")[0]
    assert text.startswith(f"Customers with gold one unit higher buy {row['purchase']:.2f} times as often")
    assert f"are {row['dropout']:.2f} times as likely to stop buying in any week" in text
    bg = words.sentences(effects.assign(dropout=np.nan), "BetaGeo", "W")[0]
    assert "stop" not in bg and "times as often" in bg
    shown = words.table(effects)
    assert list(shown.columns)[:2] == ["Covariate", "Purchase rate (ratio per unit)"] and shown.shape == (1, 5)
    assert words.table(effects.assign(dropout=np.nan)).shape == (1, 3)
    hi = words.sentences(effects, "ParetoNBD", "W", w=Words("hi"), fmt=Formats("hi"))[0]
    assert re.search("[\u0900-\u097f]", hi) and f"{row['purchase']:.2f}" in hi
