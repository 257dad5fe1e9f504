"""A small multilingual feedback corpus for the feedback tests (independent of crmlib.datasets)."""

import numpy as np
import pandas as pd
import pytest

DETRACTOR_TEXTS = [
    "डिलीवरी बहुत देर से आई, पैसे वापस चाहिए",
    "गुणवत्ता खराब थी और रिफंड नहीं मिला",
    "ডেলিভারি অনেক দেরিতে এসেছে, টাকা ফেরত চাই",
    "পণ্যের মান খারাপ, রিফান্ড পাইনি",
    "delivery was late and the refund never came",
    "broken item, refund still pending, call me on +91 98765 43210",
]
PROMOTER_TEXTS = [
    "बहुत अच्छी सेवा, तेज़ डिलीवरी",
    "उत्पाद की गुणवत्ता शानदार है",
    "দারুণ পরিষেবা, দ্রুত ডেলিভারি",
    "দাম ভালো, মান চমৎকার",
    "great app, friendly staff, fast checkout",
    "excellent prices, write to happy.buyer@example.com",
]
CHANNELS = ["store", "web", "app", "phone", "email", "sms"]


def make_corpus(n: int = 400, seed: int = 42, n_customers: int = 150) -> pd.DataFrame:
    """``n`` answers over 2024 with NPS, CSAT, CES, channel and a comment chosen by NPS group."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        score = int(rng.integers(0, 11))
        pool = DETRACTOR_TEXTS if score <= 6 else PROMOTER_TEXTS if score >= 9 else None
        rows.append({
            "customer_id": f"C{i % n_customers:04d}",
            "date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 366))),
            "nps": score,
            "csat": int(rng.integers(1, 6)),
            "ces": int(rng.integers(1, 8)),
            "channel": CHANNELS[int(rng.choice(6, p=[0.3, 0.3, 0.2, 0.1, 0.07, 0.03]))],
            "comment": pool[int(rng.integers(len(pool)))] if pool else "ठीक है, okay",
        })
    df = pd.DataFrame(rows)
    df["nps"] = df["nps"].astype("Int64")
    return df


def make_transactions(n_customers: int = 150, seed: int = 7) -> pd.DataFrame:
    """Two years of purchases for customers C0000..: BG/NBD-like buyers (a Poisson rate per
    customer, a chance to drop out after each purchase) with spend growing with the id."""
    rng = np.random.default_rng(seed)
    rows = []
    end = pd.Timestamp("2024-12-31")
    for c in range(n_customers):
        day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 200)))
        rate, drop = rng.gamma(2.0, 1 / 60), rng.beta(1.0, 4.0)
        while day <= end:
            rows.append({"customer_id": f"C{c:04d}", "date": day,
                         "amount": round(float(rng.gamma(4.0, 5.0 + c / 5)), 2)})
            if rng.random() < drop:
                break
            day += pd.Timedelta(days=int(1 + rng.exponential(1 / rate)))
    return pd.DataFrame(rows)


@pytest.fixture
def corpus() -> pd.DataFrame:
    return make_corpus()


@pytest.fixture
def feedback_csv(tmp_path):
    path = tmp_path / "feedback.csv"
    make_corpus().to_csv(path, index=False)
    return path


@pytest.fixture
def transactions_csv(tmp_path):
    path = tmp_path / "transactions.csv"
    make_transactions().to_csv(path, index=False)
    return path
