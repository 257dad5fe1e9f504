"""The churn-model comparison learns from the features that vary at its training cut-off, and reads every other
feature from the test customers' own table: before, a feature dropped as constant at the training cut-off was
then read by name (``KeyError: 'purchases'`` on the retention report of a six-month export: early in a short
export every customer known at the training cut-off has bought once). Whether that leaves the models enough
to be compared with P(alive) is said in one sentence, which the retention page shows."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlib import TransactionLog, churn
from crmlib.exceptions import DataError


def _frame(rows) -> pd.DataFrame:
    """Transactions from (customer, day, amount) rows."""
    out = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    return out.assign(date=pd.to_datetime(out["date"]))


def _compare(tx, window_days):
    # model=None: no P(alive) model is fitted (what is tested here is the supervised models' features)
    return churn.compare_churn_models(tx, window_days=window_days, model=None, inactive_days=30, n_boot=10)


def short_export() -> pd.DataFrame:
    """1 Jan to 30 Jun 2024: with a 90-day window the training cut-off is 2 Jan, when the 30 customers known
    have bought on one day each; half of them buy again within 90 days, so at the test cut-off (1 Apr) those
    15 and 10 customers acquired later have bought on two days."""
    rows = []
    for i in range(30):
        rows.append((f"a{i:02d}", "2024-01-01" if i % 2 else "2024-01-02", 20.0 + i))
        if i % 2:  # came back within the training window, and again (or not) within the test window
            rows.append((f"a{i:02d}", "2024-02-15", 15.0))
            if i % 4 == 1:
                rows.append((f"a{i:02d}", "2024-05-10", 12.0))
        elif i % 3 == 0:  # churned at the training cut-off, came back in the test window
            rows.append((f"a{i:02d}", "2024-06-01", 30.0))
    for i in range(10):
        rows += [(f"b{i:02d}", "2024-03-01", 10.0 + i), (f"b{i:02d}", "2024-03-20", 11.0)]
        if i % 2:
            rows.append((f"b{i:02d}", "2024-06-20", 9.0))
    rows.append(("z", "2024-06-30", 5.0))
    return _frame(rows)


def test_a_short_export_whose_training_customers_all_bought_once_says_why_it_is_not_compared():
    """Before: KeyError 'purchases' (constant at the training cut-off, dropped, then read for the repeat buyers)."""
    with pytest.raises(DataError) as caught:
        _compare(short_export(), 90)
    err = caught.value
    assert err.reason == ("one_purchase_day_each", {"cutoff": pd.Timestamp("2024-01-02"), "customers": 30,
                                                    "repeat": 25, "test_customers": 40})
    assert str(err) == ("At the training cut-off 2024-01-02 each of the 30 customers had bought on one day only, so "
                        "the churn models could not learn from repeat purchases, which 25 of the 40 customers at the "
                        "test cut-off had made; use a shorter window_days or a longer history.")


def test_a_short_export_read_as_a_log_says_the_same(tmp_path):
    path = tmp_path / "tx.csv"
    short_export().assign(date=lambda d: d["date"].dt.date).to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        _compare(TransactionLog(str(path)), 90)
    assert caught.value.reason[0] == "one_purchase_day_each" and caught.value.reason[1]["repeat"] == 25


@pytest.mark.slow
def test_days_since_the_last_purchase_constant_at_training_is_read_from_the_test_customers():
    """Every customer known at the training cut-off bought on its very day: the feature has one value there and is
    left out of the models, but the inactivity ranking still reads it for the test customers (before: KeyError
    'days_since_last_purchase'), and the note names it."""
    rows = []
    for i in range(40):
        rows.append((f"c{i:02d}", "2024-03-03", 20.0 + i))  # the training cut-off (end 1 Jul, 60-day windows)
        if i % 2:
            rows.append((f"c{i:02d}", "2024-02-01", 10.0))
        if i % 3:
            rows.append((f"c{i:02d}", f"2024-04-{1 + i % 25:02d}", 12.0))
        if i % 5 in (0, 1):
            rows.append((f"c{i:02d}", "2024-06-01", 14.0))
    result = _compare(_frame(rows + [("z", "2024-07-01", 5.0)]), 60)
    assert result.train_cutoff == pd.Timestamp("2024-03-03")
    assert "days_since_last_purchase" not in result.importance.index and "purchases" in result.importance.index
    days = result.scores[churn.INACTIVITY]  # 60 for those who bought last on the training cut-off
    assert days.max() == 60 and days.nunique() > 1
    notes = dict(result.notes)
    assert notes["not_learnt"]["cutoff"] == pd.Timestamp("2024-03-03")
    assert "days_since_last_purchase" in notes["not_learnt"]["features"]


@pytest.mark.slow
def test_a_feature_missing_in_a_calibration_fold_is_left_out():
    """The two repeat buyers of the training cut-off both churned and come first: the first fold of the
    calibration's cross-validation learns from customers whose mean gap between purchases is all missing.
    Before: ValueError "window shape cannot be larger than input array shape" from gradient boosting's binning."""
    rows = [("c00", "2024-01-10", 20.0), ("c00", "2024-01-15", 20.0),
            ("c01", "2024-01-10", 30.0), ("c01", "2024-01-19", 30.0)]
    for i in range(2, 60):
        rows.append((f"c{i:02d}", f"2024-01-{1 + i % 28:02d}", 10.0 + i))
        if i >= 30:  # c30.. came back within the training window, some of them in the test window too
            rows.append((f"c{i:02d}", "2024-03-10", 11.0))
            if i % 2:
                rows.append((f"c{i:02d}", "2024-05-20", 12.0))
    result = _compare(_frame(rows + [("z", "2024-06-30", 5.0)]), 60)  # training cut-off 2 Mar
    assert "mean_gap_days" not in result.importance.index and "purchases" in result.importance.index
    assert dict(result.notes)["not_learnt"]["features"] == ["mean_gap_days"]


def test_learnable_keeps_what_varies_and_is_seen_in_every_fold():
    x = pd.DataFrame({"one": 1.0, "days": [float(i) for i in range(9)],
                      "gap": [1.0, 2.0] + [float("nan")] * 7, "nps": [float("nan"), 5.0, 7.0] * 3})
    y = pd.Series([True, False, True] * 3)
    assert churn.learnable(x, y).tolist() == ["days", "nps"]  # gap: both values in the first fold's held-out part
    assert churn.learnable(x, pd.Series([True, False] + [False] * 7)).tolist() == ["days", "gap", "nps"]  # no folds


# ---------------------------------------------------------------------------------------------- on the page
def _page(tmp_path, tx, lang="en", digits="latin"):
    """A retention page of ``tx`` whose comparison runs as the report's does (no per-customer table needed)."""
    from crmlib.formats import Formats
    from crmlib.reports.inputs import Inputs
    from crmlib.reports.retention_page import RetentionPage
    from crmlib.words import Words

    table = pd.DataFrame({"segment": "New"}, index=pd.Index(sorted(tx["customer_id"].unique()), name="customer_id"))
    table.attrs = {"model": None, "fitted_model": None, "freq": "W", "comparison": {}}
    return RetentionPage(data=Inputs("retention", transactions=tx), first=tx["date"].min(), end=tx["date"].max(),
                         table=table, out=tmp_path, words=Words(lang, digits=digits),
                         fmt=Formats(lang, digits=digits), inactive_days=30)


SHORT_EXPORT_SENTENCE = (
    "The churn-model comparison is left out: At the training cut-off 2024-01-02 each of the 30 customers had bought "
    "on one day only, so the churn models could not learn from repeat purchases, which 25 of the 40 customers at the "
    "test cut-off had made; use a shorter window_days or a longer history.")


def test_the_retention_page_of_a_short_export_says_in_one_sentence_why_churn_models_are_not_compared(tmp_path):
    """Before: the page failed with KeyError 'purchases'."""
    page = _page(tmp_path, short_export())
    assert page.comparison == (None, SHORT_EXPORT_SENTENCE)
    assert page.churn_models()[-1] == SHORT_EXPORT_SENTENCE and SHORT_EXPORT_SENTENCE in page.notes()


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_the_short_export_sentence_is_in_the_pages_language(tmp_path, lang):
    sentence = _page(tmp_path, short_export(), lang, "native").comparison[1]
    assert "training" not in sentence and "window_days" in sentence  # the parameter's name stays as typed
    digits = {"hi": "३०", "bn": "৩০"}[lang]
    assert digits in sentence and "30" not in sentence


def test_the_note_names_the_features_the_models_learn_without():
    from crmlib.formats import Formats
    from crmlib.words import Words
    from crmlib.words import retention as rw

    def noted(*features):
        return churn.ChurnComparison(*[None] * 7, train_cutoff=None, test_cutoff=None, window_days=90, n_train=0,
                                     notes=[("not_learnt", {"cutoff": pd.Timestamp("2024-04-04"),
                                                            "features": list(features)})])

    assert rw.churn_notes(noted("responses", "mean_nps")) == [
        "The churn models learn without survey answers and mean NPS score (0-10): at the training cut-off 4 Apr 2024 "
        "too few customers differed in them."]
    assert rw.churn_notes(noted("mean_gap_days"))[0].endswith("too few customers differed in it.")
    for lang in ("hi", "bn"):
        said = rw.churn_notes(noted("mean_gap_days"), w=Words(lang), fmt=Formats(lang))[0]
        assert "{" not in said and "learn" not in said and "2024" in said
