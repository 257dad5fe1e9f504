"""The churn models on a fixed random sample of customers when there are many (issue 24.3): below
:data:`crmlib.churn_sample.MAX_CUSTOMERS` nothing changes (the demo data and the CDNOW master give the
numbers of the code before the sample, pinned below); above it the models learn from and are tested on
a reproducible sample, the same for a frame and a log, and the page says so in every language."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib import TransactionLog, churn, churn_sample, datasets
from crmlib.formats import Formats
from crmlib.words import Words
from crmlib.words import retention as rw


# ---------------------------------------------------------------------------------------------- the sample
@pytest.mark.slow
def test_sample_is_seeded_and_independent_of_the_order_of_the_ids():
    ids = pd.Index([f"C{i:06d}" for i in range(50_000)], name="customer_id")
    picked = churn_sample.sample_customers(ids, 5_000, seed=3)
    shuffled = ids[np.random.default_rng(42).permutation(len(ids))]
    assert len(picked) == 5_000 and picked.is_unique and picked.isin(ids).all()
    assert picked.is_monotonic_increasing  # in the order of the ids given, here sorted
    assert picked.equals(churn_sample.sample_customers(shuffled, 5_000, seed=3).sort_values())
    other = churn_sample.sample_customers(ids, 5_000, seed=4)
    assert 0.05 < picked.isin(other).mean() < 0.15  # another seed, another sample (10 % overlap expected)
    assert churn_sample.sample_customers(ids[:100], 5_000).equals(ids[:100])  # few: all of them
    # nested: the sample of a set's superset holds the set's sample wherever the superset's is no fuller
    small = churn_sample.sample_customers(ids[:25_000], 2_500, seed=3)
    assert small.isin(churn_sample.sample_customers(ids, 5_000, seed=3)).mean() > 0.9


def test_sample_is_uniform_over_the_customers():
    """A random sample recovers a known share: 30 % of the ids carry a mark; the sample's share lies
    within 4 standard errors of it (sd of a share of 20,000 draws: 0.0032)."""
    rng = np.random.default_rng(42)
    ids = pd.Index([f"{'m' if rng.random() < 0.3 else 'x'}{i}" for i in range(200_000)])
    share = ids.str.startswith("m").mean()
    picked = churn_sample.sample_customers(ids, 20_000, seed=0)
    assert abs(picked.str.startswith("m").mean() - share) < 4 * np.sqrt(share * (1 - share) / 20_000)


def test_sample_limit_refuses_what_is_not_a_count():
    assert churn_sample.sample_limit("auto") == churn_sample.MAX_CUSTOMERS == 200_000
    assert churn_sample.sample_limit(None) is None and churn_sample.sample_limit(50) == 50
    for bad in (0, -3, 2.5, True, "all"):
        with pytest.raises(ValueError, match="max_customers"):
            churn_sample.sample_limit(bad)


# ---------------------------------------------------------------------------------------------- below it
#: ROC AUC of each score on the time split of compare_churn_models(window_days=90), computed by the code of
#: main before the sample (commit 1f4f266) and equal bit for bit after it; the tolerance (1e-12) only allows
#: another CPU's last bit in sklearn's sums.
BEFORE = {
    "demo": {"gradient boosting": 0.8098238381730362, "logistic regression": 0.7900528637556311,
             "P(alive)": 0.6945635376954022, "days since last purchase": 0.7862322612796093},
    "cdnow": {"gradient boosting": 0.8336881814481621, "logistic regression": 0.8385427750766131,
              "P(alive)": 0.7897935371495136, "days since last purchase": 0.8279869323189291},
}


@pytest.fixture(scope="module")
def demo():
    return datasets.make_crm_dataset(n_customers=2000, seed=0)


def _same(a: churn.ChurnComparison, b: churn.ChurnComparison) -> None:
    for name in ("metrics", "scores", "importance", "differences"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.rule == b.rule and a.winner == b.winner and a.notes == b.notes and a.n_train == b.n_train


@pytest.mark.slow
@pytest.mark.parametrize("name", ["demo", "cdnow"])
def test_below_the_threshold_the_comparison_is_the_one_before_the_sample(name, demo):
    """2,000 demo customers and the 23,570 of the CDNOW master (Fader, Hardie & Lee 2005) are below
    MAX_CUSTOMERS: every customer is used, the numbers are those of the code before, and no note says
    "sampled"; the same as with the sample switched off."""
    tx, feedback = (demo.transactions, demo.feedback) if name == "demo" else (datasets.load_cdnow("master"), None)
    got = churn.compare_churn_models(tx, feedback=feedback, window_days=90)
    assert got.metrics["roc_auc"].to_dict() == pytest.approx(BEFORE[name], rel=1e-12)
    assert "sampled" not in [kind for kind, _ in got.notes]
    _same(got, churn.compare_churn_models(tx, feedback=feedback, window_days=90, max_customers=None))


# ---------------------------------------------------------------------------------------------- above it
@pytest.mark.slow
def test_above_the_threshold_the_models_learn_and_test_on_a_reproducible_sample(demo, monkeypatch):
    """With the threshold at 500, the 2,000 demo customers are sampled to 500 at each cut-off: the
    scores are those of the sample (seeded by ``seed``), the note gives the counts, and the same rows
    in another order give the same comparison."""
    monkeypatch.setattr(churn_sample, "MAX_CUSTOMERS", 500)
    got = churn.compare_churn_models(demo.transactions, feedback=demo.feedback, window_days=90, n_boot=50)
    known = churn.churn_features(demo.transactions, got.test_cutoff).index
    assert got.n_train == len(got.scores) == 500
    assert got.scores.index.equals(churn_sample.sample_customers(known, 500, seed=0))
    assert got.notes[0] == ("sampled", {"train": 500, "train_known": 2000, "test": 500, "test_known": 2000})
    shuffled = demo.transactions.sample(frac=1.0, random_state=1)
    _same(got, churn.compare_churn_models(shuffled, feedback=demo.feedback, window_days=90, n_boot=50))
    other = churn.compare_churn_models(demo.transactions, feedback=demo.feedback, window_days=90, n_boot=50, seed=1)
    assert not other.scores.index.equals(got.scores.index)


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    path = datasets.make_transactions(8_000, tmp_path_factory.mktemp("sample") / "log.parquet", seed=5,
                                      chunk_rows=4_000)
    tx = pd.read_parquet(path)
    tx["date"] = tx["date"].dt.normalize()  # days: the frame's and the log's cut-offs agree
    tx.loc[tx.index[:40], "channel"] = None
    tx.to_parquet(path)
    return path


@pytest.mark.slow
def test_sampled_features_are_the_features_of_all_for_the_sample_on_a_frame_and_a_log(log_path):
    """The features of a sample are each sampled customer's features among all (a channel no sampled
    customer used has no column), and a log, whose line features are aggregated for the sample only in
    DuckDB, gives the frame's."""
    from crmlib import read_transactions

    frame, log, cutoff = read_transactions(log_path), TransactionLog(str(log_path)), "2024-10-15"
    full = churn.churn_features(frame, cutoff)
    part = churn.churn_features(frame, cutoff, max_customers=300, seed=2)
    assert len(part) == 300 and part.attrs["known"] == len(full) > 300
    assert part.index.equals(churn_sample.sample_customers(full.index, 300, seed=2))
    absent = full.columns.difference(part.columns)
    assert (full.loc[part.index, absent] == 0).all().all()
    pd.testing.assert_frame_equal(part, full.loc[part.index, part.columns], check_exact=True)
    from_log = churn.churn_features(log, cutoff, max_customers=300, seed=2)
    pd.testing.assert_frame_equal(from_log, part, check_exact=False, rtol=1e-9, check_index_type=False)


# ---------------------------------------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def plain_and_sampled(demo):
    """The demo comparison on every customer, and with at most 500 sampled (computed once for the languages)."""
    plain = churn.compare_churn_models(demo.transactions, window_days=90, n_boot=20)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(churn_sample, "MAX_CUSTOMERS", 500)
        sampled = churn.compare_churn_models(demo.transactions, window_days=90, n_boot=20)
    return plain, sampled


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_the_page_says_the_models_were_sampled_only_when_they_were(lang, plain_and_sampled):
    w, fmt = Words(lang), Formats(lang)
    plain, sampled = plain_and_sampled
    said = rw.churn_notes(sampled, w=w, fmt=fmt)
    assert said[0] == w(rw.CHURN_SAMPLED, train=fmt.count(500), train_known=fmt.count(2000), test=fmt.count(500),
                        test_known=fmt.count(2000))
    assert fmt.count(2000) in said[0] and fmt.count(500) in said[0]
    assert (said[0].startswith("The churn models were learnt on a random sample")) == (lang == "en")
    unsampled = rw.churn_notes(plain, w=w, fmt=fmt)  # the one sentence more, only when sampled
    assert len(said) == len(unsampled) + 1 and not any(s.startswith(said[0][:20]) for s in unsampled)
    assert [kind for kind, _ in sampled.notes] == ["sampled"] + [kind for kind, _ in plain.notes]


@pytest.mark.slow
def test_built_page_shows_the_sample_sentence_beside_the_comparison(tmp_path, monkeypatch):
    from crmlib.reports import retention_page

    data = datasets.make_crm_dataset(n_customers=300, seed=5).write(tmp_path / "data")
    monkeypatch.setattr(churn_sample, "MAX_CUSTOMERS", 200)
    page = retention_page.build(transactions=str(data["transactions"]), output_dir=tmp_path / "out")
    comparison = page.comparison[0]
    sentence = page.words(rw.CHURN_SAMPLED, **{k: page.fmt.count(v) for k, v in comparison.notes[0][1].items()})
    finding = [item for item in page.churn_models() if isinstance(item, str) and sentence in item]
    assert finding and finding[0].startswith(rw.churn_finding(comparison, w=page.words, fmt=page.fmt))
    assert comparison.notes[0][1]["test"] == 200 < comparison.notes[0][1]["test_known"]


@pytest.mark.parametrize("model", ["auto", "ParetoNBD", None])
@pytest.mark.slow
def test_p_alive_of_the_test_customers_is_the_customer_tables(demo, model):
    """The comparison's P(alive) is the per-customer table's at the test cut-off, to the last bit, for
    any customers asked for, without the table of all; the model named as the table names it."""
    from crmlib.customers import customer_table, spend_summary

    cutoff = pd.Timestamp("2025-10-02")
    table = customer_table(demo.transactions, observation_end=cutoff, freq="W", model=model, spend=False)
    some = table.index[::7]
    days = spend_summary(demo.transactions, observation_end=cutoff)
    p_alive, fitted = churn.p_alive_at(days, "W", model, some)
    assert fitted == {"model": table.attrs["model"], "comparison": table.attrs["comparison"]}
    if model is None:
        assert p_alive is None and "p_alive" not in table.columns
    else:
        np.testing.assert_array_equal(p_alive, table.loc[some, "p_alive"].to_numpy())
