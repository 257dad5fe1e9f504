"""Shared data for the CLV tests: the published CDNOW, donation and sBG data sets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.config import CDNOW_DIR

# Fader, Hardie & Shang (2010), Marketing Science 29(6): the donation data, 11,104 donors of the
# 1995 cohort, 6 opportunities (1996-2001): (x, t_x) patterns and number of donors.
DONATION_PATTERNS = [
    (0, 0, 3464), (1, 1, 1091), (1, 2, 277), (1, 3, 129), (1, 4, 78), (1, 5, 119), (1, 6, 129),
    (2, 2, 613), (2, 3, 255), (2, 4, 155), (2, 5, 173), (2, 6, 234), (3, 3, 322), (3, 4, 181),
    (3, 5, 225), (3, 6, 357), (4, 4, 240), (4, 5, 284), (4, 6, 512), (5, 5, 335), (5, 6, 728),
    (6, 6, 1203),
]

# Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing 21(1):
# customers surviving of 1000 at years 0..12.
SURVIVAL_REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
SURVIVAL_HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


@pytest.fixture(scope="session")
def cdnow_summary() -> pd.DataFrame:
    data = pd.read_csv(CDNOW_DIR / "cdnow_customers_summary.csv", index_col="ID")
    data.attrs["freq"] = "W"
    return data


@pytest.fixture(scope="session")
def cdnow_spend() -> pd.DataFrame:
    data = pd.read_csv(CDNOW_DIR / "cdnow_customers_summary_with_transactions.csv", index_col="ID")
    return data.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="session")
def cdnow_transactions() -> pd.DataFrame:
    """The CDNOW 1/10 sample, one row per customer-day (several orders on a day count once)."""
    raw = pd.read_csv(CDNOW_DIR / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "cds", "amount"], dtype=str)
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw[["customer_id", "date"]].drop_duplicates().reset_index(drop=True)


@pytest.fixture(scope="session")
def cdnow_holdout(cdnow_transactions) -> pd.DataFrame:
    """Calibration to 1997-09-30 (39 weeks from 1997-01-01) and holdout to 1998-06-30, in weeks."""
    tx = cdnow_transactions
    cal_end, hold_end = pd.Timestamp("1997-09-30"), pd.Timestamp("1998-06-30")
    first = tx.groupby("customer_id")["date"].min()
    cal = tx[tx["date"] <= cal_end]
    last = cal.groupby("customer_id")["date"].max()
    out = pd.DataFrame({
        "frequency": cal.groupby("customer_id").size() - 1,
        "recency": (last - first).dt.days / 7,
        "T": (cal_end - first).dt.days / 7,
    })
    hold = tx[(tx["date"] > cal_end) & (tx["date"] <= hold_end)].groupby("customer_id").size()
    out["frequency_holdout"] = hold.reindex(out.index, fill_value=0).astype(float)
    out["duration_holdout"] = (hold_end - cal_end).days / 7
    return out


@pytest.fixture(scope="session")
def donations() -> pd.DataFrame:
    frame = pd.DataFrame(DONATION_PATTERNS, columns=["frequency", "recency", "weight"])
    return frame.assign(T=6)


def survival_to_cohort(survivors: list[int], years: int) -> pd.DataFrame:
    """Churn counts at years 1..years and the survivors censored at ``years``, as weighted rows."""
    s = np.asarray(survivors[: years + 1])
    lost = -np.diff(s)
    return pd.DataFrame({
        "T": list(range(1, years + 1)) + [years],
        "churned": [True] * years + [False],
        "weight": list(lost) + [int(s[-1])],
    })
