"""Shared data for the CLV tests: the published CDNOW, donation and sBG data sets."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlib.clv import BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNBD, ShiftedBetaGeo
from crmlib.config import CDNOW_DIR

from clv_published import DONATION_PATTERNS  # noqa: E402


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


# Published estimates, set without a fit where a test needs a model but not a fit: BG/NBD and
# Pareto/NBD on CDNOW (Fader, Hardie & Lee 2005; Fader & Hardie 2005 note), BG/BB on the
# donations (Fader, Hardie & Shang 2010); MBG/NBD borrows the BG/NBD values.
PUBLISHED_PARAMS = {
    BetaGeo: dict(r=0.243, alpha=4.414, a=0.793, b=2.426),
    ModifiedBetaGeo: dict(r=0.243, alpha=4.414, a=0.793, b=2.426),
    ParetoNBD: dict(r=0.553, alpha=10.578, s=0.606, beta=11.669),
    BetaGeoBetaBinom: dict(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783),
}

#: Every public method of a transaction model that reads a summary (besides fit), called on
#: ``data``. test_every_method_reading_data_is_listed keeps this list complete.
PREDICTIONS = {
    "probability_alive": lambda m, d: m.probability_alive(d),
    "expected_purchases": lambda m, d: m.expected_purchases(3, d),
    "log_likelihood": lambda m, d: m.log_likelihood(d),
    "customer_lifetime_value": lambda m, d: m.customer_lifetime_value(
        d, GammaGamma.from_params(p=6.25, q=3.74, v=15.44), 3, 0.01),
}


@pytest.fixture(params=list(PUBLISHED_PARAMS), ids=lambda cls: cls.__name__)
def published_model(request):
    """Each transaction model with published parameters set (no fit)."""
    return request.param.from_params(**PUBLISHED_PARAMS[request.param])


@pytest.fixture(params=list(PREDICTIONS))
def prediction(request):
    """Each prediction method of a transaction model: ``prediction(model, data)``."""
    return PREDICTIONS[request.param]


@pytest.fixture
def prediction_methods() -> dict:
    return PREDICTIONS


#: Every CLV model class, for invariants that hold across all of them.
ALL_MODELS = [BetaGeo, ModifiedBetaGeo, ParetoNBD, BetaGeoBetaBinom, GammaGamma, ShiftedBetaGeo]


@pytest.fixture(params=ALL_MODELS, ids=lambda cls: cls.__name__)
def model_class(request):
    """Each CLV model class (not fitted)."""
    return request.param
