"""The contract of crmlib.customers.customer_table, the one per-customer table every report uses.

Recovering known parameters is tested with the models (tests/clv); here: the same data give the
same answer whatever the time unit, decile 1 is the most valuable, the model is chosen by BIC
among those that could be fitted, and a model that cannot be fitted is never used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.findings import MODEL_NAMES
from crmlib import ConvergenceError, clv, datasets, ledger_of, rfm_summary
from crmlib.clv._base import BaseModel
from crmlib.customers import (TRANSACTION_MODELS, clv_deciles, comparison_of, customer_table, fittable, transaction_model,
                              value_deciles)
from crmlib.exceptions import DataError
from crmlib.summary import last_purchase

SUMMARY = ["frequency", "recency", "T", "monetary_value"]
PREDICTIONS = ["p_alive", "expected_purchases", "expected_spend", "clv", "clv_decile"]


@pytest.fixture(scope="module")
def demo():
    """The demo data (``crmlib demo``: 2,000 customers, seed 42). Scored in weeks or months by
    hand, their segments differ from the scores in days (Loyal 195 against 194, At Risk 121
    against 123): rounding in ``T - recency`` splits customers whose gaps are equal in days."""
    return datasets.make_crm_dataset(2000, seed=42).transactions


@pytest.fixture(scope="module")
def weekly(demo):
    return customer_table(demo, freq="W")


@pytest.fixture(scope="module")
def small():
    """240 customers over one year: the case on which the CLV report crashed."""
    return datasets.make_crm_dataset(n_customers=240, seed=0, start="2024-01-01", end="2024-12-31").transactions


_FIT = BaseModel.fit


def _fail_for(*classes):
    """A replacement for BaseModel.fit that raises ConvergenceError for exactly these classes."""
    def fit(self, data, initial_params=None):
        if type(self) in classes:
            raise ConvergenceError(type(self).__name__, "forced to fail by the test")
        return _FIT(self, data, initial_params)
    return fit


# --------------------------------------------------------------------------- one answer per customer
@pytest.mark.slow
def test_segments_and_summary_do_not_depend_on_the_time_unit(demo):
    tables = {f: customer_table(demo, freq=f, model=None) for f in "DWM"}
    for f, table in tables.items():
        counts = table["segment"].value_counts().sort_index()
        pd.testing.assert_series_equal(counts, tables["D"]["segment"].value_counts().sort_index(), obj=f)
        for col in ("R", "F", "M", "segment", "days_since_last_purchase"):
            pd.testing.assert_series_equal(table[col], tables["D"][col], obj=f"{col} in {f}")
        # the summary columns are exactly those of rfm_summary in that unit
        pd.testing.assert_frame_equal(table[SUMMARY], rfm_summary(demo, freq=f)[SUMMARY], obj=f)
        assert table.attrs["freq"] == f and not set(PREDICTIONS) & set(table.columns)
    w = tables["W"]["segment"].value_counts()
    assert (w["Loyal"], w["At Risk"]) == (194, 123)  # the day-based counts of the segments report


def test_days_since_last_purchase_is_days_from_the_last_purchase_to_the_end(demo, weekly):
    end = weekly.attrs["observation_end"]
    expected = (end - last_purchase(demo)).dt.days.reindex(weekly.index)
    np.testing.assert_array_equal(weekly["days_since_last_purchase"].to_numpy(), expected.to_numpy())
    assert weekly["days_since_last_purchase"].dtype == "int64"


@pytest.mark.slow
def test_predictions_agree_across_time_units(demo, weekly):
    """P(alive) and CLV do not depend on the unit: the models' likelihoods only rescale alpha (and
    beta), and a daily table is valued in weekly steps. Tolerance 1e-4: two separate fits, each
    converged to about 1e-6."""
    days = customer_table(demo, freq="D")
    assert days.attrs["model"] == weekly.attrs["model"] and days.attrs["horizon"] == 7 * weekly.attrs["horizon"]
    for col in ("p_alive", "expected_purchases", "clv"):
        np.testing.assert_allclose(days[col], weekly[col], rtol=1e-4, err_msg=col)


# --------------------------------------------------------------------------- columns, attrs, deciles
def test_columns_and_attrs(weekly):
    assert list(weekly.columns) == [*SUMMARY, "revenue", "mean_spend", "days_since_last_purchase",
                                    "R", "F", "M", "RFM", "segment", *PREDICTIONS]
    assert weekly.index.name == "customer_id" and str(weekly["clv_decile"].dtype) == "Int64"
    a = weekly.attrs
    assert a["freq"] == "W" and a["horizon"] == 52 and a["rate"] == pytest.approx(1.10 ** (7 / 365.2425) - 1)
    assert ledger_of(weekly) is not None and a["rfm_thresholds"].freq == "D"
    assert a["model"] == type(a["fitted_model"]).__name__ and a["spend_model"] is not None
    assert "52 weeks" in a["clv_note"] and a["model"] in a["clv_note"]
    assert weekly["p_alive"].between(0, 1).all() and (weekly["clv"] >= 0).all()
    model = a["fitted_model"]
    np.testing.assert_allclose(weekly["expected_purchases"], model.expected_purchases(52, weekly))


def test_clv_is_the_value_crmlib_clv_computes(weekly):
    value = clv.predicted_clv(weekly[SUMMARY], model=weekly.attrs["fitted_model"],
                              spend_model=weekly.attrs["spend_model"])
    np.testing.assert_allclose(weekly["clv"], value, rtol=1e-12)


def test_decile_1_is_the_most_valuable(weekly):
    by_decile = weekly.groupby("clv_decile")["clv"].agg(["mean", "min", "max", "size"])
    assert list(by_decile.index) == list(range(1, 11))
    assert by_decile["mean"].idxmax() == 1 and by_decile["mean"].is_monotonic_decreasing
    assert (by_decile["min"].iloc[:-1].to_numpy() >= by_decile["max"].iloc[1:].to_numpy()).all()
    assert by_decile["size"].max() - by_decile["size"].min() <= 1
    table = clv_deciles(weekly["clv"])  # the CLV report's table numbers them the same way
    np.testing.assert_allclose(table["mean"], by_decile["mean"])


def test_value_deciles_keep_missing_values_missing():
    d = value_deciles(pd.Series([1.0, np.nan, 3.0, 2.0], index=list("abcd")), n=3)
    assert d.dtype == "Int64" and d.isna().tolist() == [False, True, False, False]
    assert d.dropna().tolist() == [3, 1, 2]


# --------------------------------------------------------------------------- model choice
@pytest.mark.slow
def test_auto_picks_the_lowest_bic_and_says_so(weekly):
    comparison, a = comparison_of(weekly), weekly.attrs
    assert set(comparison.index) == set(TRANSACTION_MODELS) and (comparison["note"] == "").all()
    bics = {name: transaction_model(name).fit(fittable(weekly)[["frequency", "recency", "T"]]).bic_
            for name in TRANSACTION_MODELS}
    best = min(bics, key=bics.get)
    assert a["model"] == best == comparison["BIC"].idxmin()
    np.testing.assert_allclose(comparison.loc[list(bics), "BIC"], list(bics.values()), rtol=1e-9)
    assert a["model_reason"] == f"{MODEL_NAMES[best]}: lowest BIC ({bics[best]:,.1f}) of the 3 models that could be fitted."


@pytest.mark.slow
def test_a_model_that_cannot_be_fitted_is_never_used(small, monkeypatch):
    fitted = customer_table(small, model="auto")
    best = fitted.attrs["model"]
    monkeypatch.setattr(BaseModel, "fit", _fail_for(getattr(clv, best)))
    table = customer_table(small)
    assert table.attrs["model"] not in (None, best)
    reason = table.attrs["model_reason"]
    assert f"{MODEL_NAMES[best]} could not be fitted (did not converge: forced to fail by the test)" in reason
    row = comparison_of(table).loc[best]
    assert np.isnan(row["BIC"]) and "forced to fail" in row["note"]
    # asked for by name, it is reported and not replaced by another model
    named = customer_table(small, model=best)
    assert named.attrs["model"] is None and named.attrs["fitted_model"] is None
    assert not set(PREDICTIONS) & set(named.columns) and named["segment"].notna().all()
    assert "could not be fitted" in named.attrs["model_reason"] and "Set the model parameter to auto" in named.attrs["model_reason"]
    assert "left out" in named.attrs["clv_note"]


def test_when_no_model_can_be_fitted_the_segments_remain(small, monkeypatch):
    monkeypatch.setattr(BaseModel, "fit", _fail_for(*(getattr(clv, n) for n in TRANSACTION_MODELS)))
    table = customer_table(small)
    assert table.attrs["model"] is None and not set(PREDICTIONS) & set(table.columns)
    pd.testing.assert_series_equal(table["segment"], customer_table(small, model=None)["segment"])
    reason = table.attrs["model_reason"]
    assert reason.startswith("No transaction model could be fitted")
    assert all(f"{MODEL_NAMES[n]} could not be fitted" in reason for n in TRANSACTION_MODELS)
    assert comparison_of(table)["BIC"].isna().all() and len(comparison_of(table)) == 3


@pytest.mark.slow
def test_when_spend_cannot_be_fitted_clv_is_left_out_with_the_reason(small, monkeypatch):
    monkeypatch.setattr(BaseModel, "fit", _fail_for(clv.GammaGamma))
    table = customer_table(small)
    assert {"p_alive", "expected_purchases"} <= set(table.columns)
    assert not {"expected_spend", "clv", "clv_decile"} & set(table.columns)
    assert "Gamma-Gamma spend model could not be fitted" in table.attrs["clv_note"]
    assert "clv" not in customer_table(small, spend=False).columns


def test_an_unknown_model_or_unit_is_refused_before_any_work(small):
    with pytest.raises(DataError, match="ParetoNBD"):
        customer_table(small, model="Pareto")
    with pytest.raises(DataError, match="freq='Q'"):
        customer_table(small, freq="Q")


# --------------------------------------------------------------------------- small and real data
@pytest.mark.parametrize("freq", ["D", "W", "M"])
@pytest.mark.slow
def test_240_customers_over_one_year(small, freq):
    """The CLV report failed here with NotFittedError. Every model that fits is compared, those
    that do not are named with their reason, and the value comes from a model that fitted."""
    table = customer_table(small, freq=freq)
    comparison, a = comparison_of(table), table.attrs
    fitted = comparison.index[comparison["note"] == ""]
    assert len(table) == 240 and a["model"] in fitted
    assert comparison.loc[a["model"], "BIC"] == comparison.loc[fitted, "BIC"].min()
    for name in comparison.index.difference(fitted):
        assert f"{MODEL_NAMES[name]} could not be fitted" in a["model_reason"]
    assert np.isfinite(table["clv"]).all() and table["clv_decile"].notna().all()


def test_a_scheme_given_as_rows(small):
    rows = [["Top", 4, 5, 1, 5], ["Rest", 1, 3, 1, 5]]
    table = customer_table(small, model=None, scheme=rows)
    assert set(table["segment"].astype(str)) <= {"Top", "Rest"}
    assert (table.loc[table["R"] >= 4, "segment"] == "Top").all()


@pytest.mark.slow
def test_cdnow_master_one_time_buyers_are_not_all_alive():
    """CDNOW master (23,570 customers): under BG/NBD every one-time buyer is alive with
    probability 1. Its BIC is the highest of the three; auto picks MBG/NBD, under which a one-time
    buyer's P(alive) depends on their age and is about 0.3."""
    tx = datasets.load_cdnow("master")
    table = customer_table(tx, freq="W")
    assert table.attrs["model"] == "ModifiedBetaGeo"
    assert comparison_of(table)["BIC"].idxmax() == "BetaGeo"
    once = table.loc[(table["frequency"] == 0) & (table["T"] > 0), "p_alive"]
    assert len(once) > 12_000 and once.max() < 0.5 and once.nunique() > 1
    days = customer_table(tx, freq="D", model=None)
    pd.testing.assert_series_equal(days["segment"], table["segment"])


def test_two_customer_tables_concatenate():
    """attrs hold no DataFrame, so pandas can compare them when concatenating tables."""
    tx = datasets.make_crm_dataset(n_customers=150, seed=4).transactions
    a = customer_table(tx, model=None)
    both = pd.concat([a, a])
    assert len(both) == 2 * len(a)
    assert list(comparison_of(a).columns) == ["params", "log_likelihood", "AIC", "BIC", "note"]


@pytest.mark.slow
def test_the_models_are_chosen_on_the_distinct_histories_grouped_once(demo, monkeypatch):
    """choose_model groups the customers into distinct histories once; each model's fit and likelihood then
    works on those (five groupings of every customer row before: 5 s at 4M customers), with the same fits."""
    from crmlib import customers
    from crmlib.clv import _base

    grouped = []
    real = _base.compress

    def counting(data, columns):
        grouped.append(len(data))
        return real(data, columns)

    summary = fittable(customer_table(demo, freq="W", model=None))
    before = {name: transaction_model(name).fit(summary[["frequency", "recency", "T"]]) for name in TRANSACTION_MODELS}
    monkeypatch.setattr(_base, "compress", counting)
    monkeypatch.setattr(customers, "compress", counting)
    chosen, _reason, comparison = customers.choose_model(summary)
    distinct = len(summary[["frequency", "recency", "T"]].drop_duplicates())
    assert grouped[0] == len(summary) > distinct and all(n == distinct for n in grouped[1:]), grouped
    for name in comparison.index:
        fitted = before[name]
        assert comparison.loc[name, "log_likelihood"] == fitted.log_likelihood_
    assert chosen.params_.equals(before[type(chosen).__name__].params_)
