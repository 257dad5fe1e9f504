"""crmlib.datasets: the real CDNOW transactions and the simulated, linked CRM data set."""

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from crmlib import config
from crmlib.datasets import (CATEGORIES, CHANNELS, expected_repeat_purchases, load_cdnow, make_crm_dataset,
                             write_demo)
from crmlib.ledger import ledger_of
from crmlib.privacy import normalise_phone, redact

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
BENGALI = re.compile(r"[\u0980-\u09FF]")
LATIN = re.compile(r"^[\x00-\x7F₹]+$")


@pytest.fixture(scope="module")
def ds():
    return make_crm_dataset(n_customers=3000, seed=11)


# ----------------------------------------------------------------------------- CDNOW

@pytest.mark.parametrize("which, rows, customers", [("sample", 6919, 2357), ("master", 69659, 23570)])
def test_load_cdnow_sizes_match_fader_hardie_lee_2005(which, rows, customers):
    """Fader, Hardie & Lee (2005) describe 23,570 customers; the sample is a 1/10 of them."""
    tx = load_cdnow(which)
    assert len(tx) == rows and tx["customer_id"].nunique() == customers
    assert list(tx.columns) == ["customer_id", "date", "amount", "quantity", "is_return"]
    assert pd.api.types.is_string_dtype(tx["customer_id"]) and tx["date"].dtype == "datetime64[ns]"
    assert tx["amount"].dtype == "float64" and tx["quantity"].dtype == "int64" and not tx["is_return"].any()
    assert tx["date"].min() == pd.Timestamp("1997-01-01") and tx["date"].max() == pd.Timestamp("1998-06-30")
    led = ledger_of(tx)
    assert led.table == "transactions" and led.source == f"CDNOW_{which}.txt" and led.rows_read == rows


def test_load_cdnow_first_rows_as_in_the_file():
    tx = load_cdnow("sample")
    assert tx.iloc[0].to_dict() == {"customer_id": "00004", "date": pd.Timestamp("1997-01-01"), "amount": 29.33,
                                    "quantity": 2, "is_return": False}
    assert tx["customer_id"].str.fullmatch(r"\d{5}").all()


def test_load_cdnow_sample_matches_fader_hardie_lee_2005_calibration_summary():
    """The paper's per-customer summary of the sample (cdnow_customers_summary.csv: repeat purchase
    days in the 39 weeks to 1997-09-30, recency and age in weeks, 2 decimals) recomputed from our
    load: frequency exactly, recency and T within the file's rounding (0.005 weeks)."""
    tx = load_cdnow("sample")
    end = pd.Timestamp("1997-09-30")
    cal = tx[tx["date"] <= end].groupby("customer_id")["date"].agg(["min", "max", "nunique"])
    summary = pd.read_csv(config.CDNOW_DIR / "cdnow_customers_summary.csv")
    assert len(cal) == len(summary) == 2357
    # the summary's ID is the sample's second column (running number of the sampled customers)
    raw = pd.read_csv(config.CDNOW_DIR / "CDNOW_sample.txt", sep=r"\s+", header=None, dtype=str)
    sample_id = raw.drop_duplicates(0).set_index(0)[1].astype(int)
    cal = cal.set_axis(sample_id.reindex(cal.index).to_numpy()).sort_index()
    assert cal.index.tolist() == summary["ID"].tolist()
    np.testing.assert_array_equal(cal["nunique"].to_numpy() - 1, summary["frequency"].to_numpy())
    np.testing.assert_allclose((cal["max"] - cal["min"]).dt.days.to_numpy() / 7, summary["recency"], atol=0.0051)
    np.testing.assert_allclose((end - cal["min"]).dt.days.to_numpy() / 7, summary["T"], atol=0.0051)


def test_load_cdnow_rejects_other_names():
    with pytest.raises(ValueError, match="sample' or 'master"):
        load_cdnow("full")


# ----------------------------------------------------------------------------- make_crm_dataset: shape

def test_make_crm_dataset_is_deterministic_for_a_seed():
    a, b, c = make_crm_dataset(300, seed=5), make_crm_dataset(300, seed=5), make_crm_dataset(300, seed=6)
    for name in ("customers", "transactions", "feedback"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.pii_values() == b.pii_values() and a.imperfections == b.imperfections
    assert not a.transactions["amount"].equals(c.transactions["amount"])
    assert not a.customers["name"].equals(c.customers["name"])


def test_tables_are_linked(ds):
    ids = set(ds.customers["customer_id"])
    assert ds.customers["customer_id"].is_unique and len(ids) == 3000
    assert set(ds.transactions["customer_id"]) == ids  # every customer bought at least once
    assert set(ds.feedback["customer_id"]) <= ids
    first = ds.transactions.groupby("customer_id")["date"].min()
    assert (ds.customers.set_index("customer_id")["signup_date"] <= first).all()


def test_customer_columns(ds):
    c = ds.customers
    assert list(c.columns) == ["customer_id", "signup_date", "city", "loyalty_tier", "name", "email", "phone"]
    assert c["customer_id"].iloc[0] == "C000001" and c["customer_id"].str.fullmatch(r"C\d{6}").all()
    assert {"Mumbai", "Delhi", "Kolkata", "Dhaka", "Chattogram"} <= set(c["city"])
    assert c["email"].dropna().str.fullmatch(r"[a-z._]+\d+@example\.(com|org)").all()
    assert c["email"].dropna().is_unique
    regions = np.where(c["city"].isin(["Dhaka", "Chattogram", "Khulna", "Sylhet", "Rajshahi"]), "BD", "IN")
    e164 = [normalise_phone(p, r) for p, r in zip(c["phone"], regions) if isinstance(p, str)]
    assert all(e is not None and e.startswith(("+91", "+880")) for e in e164)
    assert 0 < c["email"].isna().mean() < 0.1 and 0 < c["phone"].isna().mean() < 0.1


def test_loyalty_tier_follows_spend(ds):
    spend = ds.transactions.drop_duplicates().groupby("customer_id")["amount"].sum()
    tier = ds.customers.set_index("customer_id")["loyalty_tier"]
    means = spend.groupby(tier).mean()
    assert list(means.sort_values().index) == ["Bronze", "Silver", "Gold", "Platinum"]
    assert tier.value_counts(normalize=True)["Bronze"] == pytest.approx(0.5, abs=0.01)


def test_transaction_columns(ds):
    tx = ds.transactions
    assert list(tx.columns) == ["order_id", "customer_id", "date", "amount", "quantity", "category", "channel",
                                "is_return"]
    assert set(tx["channel"]) == set(CHANNELS) and set(tx["category"]) <= set(CATEGORIES)
    assert tx["date"].between("2024-01-01", "2025-12-31").all() and tx["date"].is_monotonic_increasing
    assert (tx["quantity"] >= 1).all() and (tx["is_return"] == (tx["amount"] < 0)).all()


def test_planted_flaws_are_rare_and_counted(ds):
    tx, flaws = ds.transactions, ds.imperfections
    assert tx.duplicated().sum() == flaws["duplicate_rows"] >= 3
    returns = tx[tx["amount"] < 0]
    assert len(returns) == flaws["returns"] and 0 < len(returns) < 0.02 * len(tx)
    assert (tx.drop_duplicates()["amount"] == 0).sum() == flaws["zero_amounts"] == 2
    sales = tx[tx["amount"] > 0].drop_duplicates("order_id").set_index("order_id")
    orig = sales.loc[returns["order_id"]]
    assert (orig["customer_id"].to_numpy() == returns["customer_id"].to_numpy()).all()
    assert (orig["date"].to_numpy() < returns["date"].to_numpy()).all()
    assert (-returns["amount"].to_numpy() <= orig["amount"].to_numpy() + 1e-9).all()


# ----------------------------------------------------------------------------- make_crm_dataset: the truth

def test_purchases_follow_the_bgnbd_truth(ds):
    """Repeat purchases per customer against the BG/NBD expectation E[X(T)] (Fader, Hardie & Lee 2005,
    eq. 9) for each customer's observed weeks T, averaged. With 3,000 customers the standard error
    of the mean is about 0.15 purchases (sd about 8); the tolerance of 0.6 is four of them."""
    tx = ds.transactions
    sales = tx[(tx["amount"] >= 0)].drop_duplicates()
    repeats = sales.groupby("customer_id").size() - 1
    np.testing.assert_array_equal(repeats.reindex(ds.latent.index).to_numpy(), ds.latent["x"].to_numpy())
    t = ds.truth
    expected = expected_repeat_purchases(ds.latent["T"], t["r"], t["alpha"], t["a"], t["b"])
    assert repeats.mean() == pytest.approx(expected.mean(), abs=0.6)
    assert 4 <= repeats.mean() + 1 <= 6.5  # about five purchases per customer in two years
    assert 0.7 < (repeats > 0).mean() < 0.95


def test_spend_follows_the_gamma_gamma_truth(ds):
    """Mean spend per purchase against p*v/(q-1) (gamma-gamma, Fader, Hardie & Lee 2005 JMR):
    2,000 rupees for the defaults. Spend is correlated within a customer, so the tolerance is 8%."""
    t = ds.truth
    sales = ds.transactions[ds.transactions["amount"] > 0].drop_duplicates()
    per_customer = sales.groupby("customer_id")["amount"].mean()
    assert per_customer.mean() == pytest.approx(t["p"] * t["v"] / (t["q"] - 1), rel=0.08)
    assert ds.latent["lambda"].mean() == pytest.approx(t["r"] / t["alpha"], rel=0.1)
    assert ds.latent["p"].mean() == pytest.approx(t["a"] / (t["a"] + t["b"]), rel=0.1)


def test_truth_holds_the_simulation_parameters(ds):
    assert {"r", "alpha", "a", "b", "p", "q", "v", "time_unit"} <= set(ds.truth)
    assert ds.truth["time_unit"] == "W" and ds.truth["seed"] == 11


# ----------------------------------------------------------------------------- feedback

def test_feedback_scores_and_response_rate(ds):
    fb = ds.feedback
    assert list(fb.columns) == ["customer_id", "date", "nps", "csat", "ces", "channel", "comment"]
    assert fb["nps"].between(0, 10).all() and fb["nps"].notna().all()
    assert fb["csat"].dropna().between(1, 5).all() and fb["ces"].dropna().between(1, 7).all()
    assert fb["csat"].isna().any() and fb["ces"].isna().any()
    assert set(fb["channel"]) <= set(CHANNELS) | {"email", "sms"}
    assert 0.4 <= fb["customer_id"].nunique() / len(ds.customers) <= 0.6
    assert fb["customer_id"].duplicated().any()
    assert fb["date"].is_monotonic_increasing and (fb["date"] <= "2025-12-31").all()
    assert fb["nps"].nunique() >= 9


def test_scores_follow_experience(ds):
    fb, exp = ds.feedback, ds.experience
    for theme in ("delivery", "quality", "support"):
        hit = exp[f"problem_{theme}"].to_numpy()
        assert fb["nps"][hit].mean() < fb["nps"][~hit].mean() - 1, theme
        assert fb["csat"][hit].mean() < fb["csat"][~hit].mean(), theme
    assert fb["ces"][exp["problem_support"].to_numpy()].mean() < fb["ces"][~exp["problem_support"].to_numpy()].mean()
    assert np.corrcoef(fb["nps"].astype(float), exp["trait"])[0, 1] > 0.4


def test_comments_in_three_languages_with_matching_sentiment(ds):
    comments = ds.feedback["comment"]
    text = comments.dropna()
    assert 0.1 < comments.isna().mean() < 0.4
    assert text.str.contains(DEVANAGARI).mean() > 0.1
    assert text.str.contains(BENGALI).mean() > 0.05
    assert text.str.match(LATIN).mean() > 0.3
    phrases = yaml.safe_load((config.PACKAGE_DIR / "data" / "feedback_phrases.yaml").read_text(encoding="utf-8"))
    bad = [x for lang in phrases.values() for x in sum(lang["negative"].values(), []) + lang["closing_negative"]]
    good = [x for lang in phrases.values() for x in sum(lang["positive"].values(), []) + lang["closing_positive"]]
    negative = text.map(lambda c: any(x in c for x in bad))
    positive = text.map(lambda c: any(x in c for x in good))
    nps = ds.feedback.loc[text.index, "nps"]
    assert (negative & ~positive)[nps <= 6].all()  # detractors complain
    assert (positive & ~negative)[nps >= 9].all()  # promoters praise


def test_pii_is_planted_in_comments_and_listed(ds):
    planted = ds.comment_pii
    comments = ds.feedback["comment"].dropna()
    n = len(comments)
    assert 0.01 * n < len(planted) < 0.06 * n and ds.imperfections["comments_with_pii"] == len(planted)
    assert all(comments.str.contains(v, regex=False).any() for v in planted)
    assert any(DEVANAGARI.search(v) or BENGALI.search(v) for v in planted)  # phones in Indic digits too
    values = ds.pii_values()
    assert set(planted) <= values
    assert set(ds.customers["name"]) | set(ds.customers["email"].dropna()) | set(ds.customers["phone"].dropna()) <= values
    assert any(v.startswith("+91") and v[1:].isdigit() for v in values)  # E.164 forms included


def test_redaction_removes_every_planted_value(ds):
    """crmlib.privacy.redact on the comments leaves none of the planted PII and changes no other comment."""
    comments = ds.feedback["comment"]
    cleaned = redact(comments)
    planted = ds.pii_values()
    assert not any(v in c for c in cleaned.dropna() for v in ds.comment_pii)
    changed = cleaned.fillna("") != comments.fillna("")
    holds = comments.fillna("").map(lambda c: any(v in c for v in ds.comment_pii))
    assert (changed == holds).all()
    assert len(planted) > 1000


# ----------------------------------------------------------------------------- files and speed

def test_write_round_trips(ds, tmp_path):
    paths = ds.write(tmp_path / "demo")
    assert set(paths) == {"customers", "transactions", "feedback"}
    tx = pd.read_csv(paths["transactions"], dtype={"order_id": str})
    assert len(tx) == len(ds.transactions) and "is_return" not in tx.columns
    assert tx["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    np.testing.assert_allclose(tx["amount"], ds.transactions["amount"])
    fb_text = paths["feedback"].read_text(encoding="utf-8")
    assert DEVANAGARI.search(fb_text) and BENGALI.search(fb_text)
    fb = pd.read_csv(paths["feedback"])
    assert fb["nps"].tolist() == ds.feedback["nps"].tolist()
    cust = pd.read_csv(paths["customers"])
    assert cust["customer_id"].tolist() == ds.customers["customer_id"].tolist()


@pytest.mark.slow
def test_written_files_load_with_crmlib_io_and_the_ledger_reports_the_flaws(tmp_path):
    from crmlib import io

    data = make_crm_dataset(500, seed=2)
    paths = data.write(tmp_path)
    tx = io.read_transactions(paths["transactions"])
    led = ledger_of(tx)
    assert led.rows_read == len(data.transactions)
    dropped = sum(e.rows for e in led.entries if "duplicate" in e.reason)
    assert dropped == data.imperfections["duplicate_rows"]
    assert tx["is_return"].sum() == data.imperfections["returns"]
    fb = io.read_feedback(paths["feedback"])
    text = " ".join(fb["comment"].dropna())
    assert not [v for v in data.comment_pii if v in text]


def test_write_demo(tmp_path):
    paths = write_demo(tmp_path, n_customers=100, seed=42)
    assert all(p.exists() and p.parent == tmp_path for p in paths.values())


@pytest.mark.slow
def test_make_crm_dataset_makes_twenty_thousand_customers():
    """Ten times the demo's customers, every one with a row and their purchases in the period. (This test timed
    the generator; speed belongs in benchmarks, a timed unit test fails on a busy machine.)"""
    big = make_crm_dataset(20000, seed=0)
    assert len(big.customers) == big.customers["customer_id"].nunique() == 20000
    assert big.transactions["customer_id"].isin(big.customers["customer_id"]).all()


def test_make_crm_dataset_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_customers"):
        make_crm_dataset(0)
    with pytest.raises(ValueError, match="after start"):
        make_crm_dataset(10, start="2025-01-01", end="2024-01-01")
