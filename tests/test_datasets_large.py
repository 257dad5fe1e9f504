"""crmlib.datasets.make_transactions writes logs whose customers buy and drop out as BG/NBD says and
spend as Gamma-Gamma says (issue 24.6), so that a model fitted on a log can be checked against the truth.

Before, customers bought at a constant rate and never dropped out: BG/NBD fitted on a calibration
period raised ConvergenceError ("a, b are not identified"), so the large-log benchmarks and reports
only exercised the failure path.
"""

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, ledger_of, read_transactions, rfm_summary
from crmlib.clv import BetaGeo, GammaGamma
from crmlib.datasets import make_transactions
from crmlib.datasets.large import CDNOW_PURCHASES, CDNOW_SPEND

OTHER_PURCHASES = {"r": 0.8, "alpha": 6.0, "a": 0.5, "b": 4.0}
OTHER_SPEND = {"p": 3.0, "q": 5.0, "v": 200.0}


def z_scores(model, truth: dict) -> pd.Series:
    return (model.params_ - pd.Series(truth)) / model.standard_errors_


@pytest.mark.slow
@pytest.mark.parametrize("purchases, spend", [(CDNOW_PURCHASES, CDNOW_SPEND), (OTHER_PURCHASES, OTHER_SPEND)],
                         ids=["cdnow_defaults", "given"])
def test_bgnbd_and_gamma_gamma_fitted_on_a_calibration_period_recover_the_parameters(tmp_path, purchases, spend):
    """Truth: the CDNOW estimates (Fader, Hardie & Lee 2005: BG/NBD in weeks r=0.243, alpha=4.414,
    a=0.793, b=2.426; "RFM and CLV": Gamma-Gamma p=6.25, q=3.74, v=15.44), the defaults, and a
    second set given as keywords. A 40,000-row log (12,000 customers, 5,500 for the second set, first buying before the
    calibration end) fitted on its weekly summary to 2024-06-30 gives every parameter within 3
    standard errors of the truth.

    Why 3 and this size: the summary counts purchase days, and the model's purchases fall in
    continuous time, so two purchases on one day are one purchase day (about 1.7% of repeat
    purchases with the CDNOW values, mostly of heavy buyers). Measured on 150,000 customers, that
    raises alpha by about 6% (4.59 against 4.33 for the same customers in continuous time), about
    one standard error at this size; larger logs resolve that bias, smaller ones resolve nothing."""
    path = make_transactions(40_000, tmp_path / "log.parquet", seed=11, chunk_rows=15_000, **purchases, **spend)
    summary = rfm_summary(path, freq="W", calibration_end="2024-06-30")
    calibration = summary[summary["T"] > 0]
    assert len(calibration) > 5_000
    bg = BetaGeo().fit(calibration[["frequency", "recency", "T"]])
    assert (z_scores(bg, purchases).abs() < 3).all(), (bg.params_.to_dict(), z_scores(bg, purchases).to_dict())
    repeat = calibration[calibration["frequency"] > 0]
    gg = GammaGamma().fit(repeat[["frequency", "monetary_value"]])
    assert (z_scores(gg, spend).abs() < 3).all(), (gg.params_.to_dict(), z_scores(gg, spend).to_dict())


@pytest.mark.slow
def test_flaws_are_extra_rows_that_change_no_purchase_day(tmp_path):
    """Returns (about 3%), free items (0.5%) and exact copies (0.1%) are rows added to the purchases:
    the summary of the whole log equals the summary of its purchases alone (positive amounts, each
    row once), so the flaws exercise the loader's rules without changing what the models see."""
    path = make_transactions(30_000, tmp_path / "log.parquet", seed=4, chunk_rows=7_000)
    tx = pd.read_parquet(path)
    assert len(tx) == 30_000
    assert tx["amount"].lt(0).mean() == pytest.approx(0.03, abs=0.002)
    assert tx["amount"].eq(0).mean() == pytest.approx(0.005, abs=0.001)
    assert tx.duplicated().sum() == 4 * 7 + 2  # n // 1000 per chunk of 7,000 and the last of 2,000
    returned = tx[tx["amount"] < 0]
    bought = tx[tx["amount"] > 0].drop_duplicates()
    paired = returned.merge(bought, on=["order_id", "customer_id"], suffixes=("", "_purchase"))
    assert len(paired) == len(returned)  # every return carries the order of a purchase of its customer
    assert (paired["amount"] == -paired["amount_purchase"]).all()
    assert (paired["date"] > paired["date_purchase"]).all()
    whole = rfm_summary(path, freq="D")
    purchases = rfm_summary(bought[["customer_id", "date", "amount"]], freq="D",
                            observation_end=whole.attrs["observation_end"])
    pd.testing.assert_frame_equal(whole, purchases, check_like=False, check_exact=False, rtol=1e-12)
    assert ledger_of(read_transactions(path)).rows_read == 30_000


def test_customers_drop_out_and_the_same_seed_gives_the_same_file(tmp_path):
    """Most customers buy once or twice (CDNOW: 60% never come back in 39 weeks), a few buy often;
    the old logs had one customer per 7 rows, nearly all buying again."""
    a = pd.read_parquet(make_transactions(20_000, tmp_path / "a.parquet", seed=3, chunk_rows=6_000))
    b = pd.read_parquet(make_transactions(20_000, tmp_path / "b.parquet", seed=3, chunk_rows=6_000))
    pd.testing.assert_frame_equal(a, b)
    days = a[a["amount"] > 0].assign(day=a["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    assert 2.0 < len(a) / len(days) < 2.8
    assert 0.45 < (days == 1).mean() < 0.75 and days.max() > 20
    assert a["date"].between("2023-01-01", "2024-12-31 23:59:59").all()
    assert a["customer_id"].str.fullmatch(r"C\d{8}").all() and a["order_id"].str.fullmatch(r"O\d{10}").all()


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(DataError, match="n_rows >= 1"):
        make_transactions(0, tmp_path / "x.parquet")
    with pytest.raises(DataError, match="end on or after start"):
        make_transactions(10, tmp_path / "x.parquet", start="2024-01-01", end="2023-01-01")
    with pytest.raises(DataError, match="positive"):
        make_transactions(10, tmp_path / "x.parquet", b=0)
    assert not (tmp_path / "x.parquet").exists()


def test_gamma_gamma_purchases_have_the_model_mean():
    """sample_purchases: the mean purchase is p v / (q - 1) (35.2 for CDNOW) and each customer's
    amounts share one spend rate (their mean varies between customers more than chance would)."""
    gg = GammaGamma.from_params(**CDNOW_SPEND)
    z = gg.sample_purchases(np.full(100_000, 3), seed=0)
    assert z.shape == (300_000,)
    assert z.mean() == pytest.approx(6.25 * 15.44 / 2.74, rel=0.02)
    per_customer = z.reshape(-1, 3).mean(axis=1)
    assert per_customer.var() > 1.5 * z.var() / 3  # independent amounts would give var / 3
