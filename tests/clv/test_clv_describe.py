"""crmlib.clv.describe: plain-language readings of fitted parameters (issue 11.5)."""

import math

import pytest

from crmlib.clv import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD, ShiftedBetaGeo
from crmlib.clv.describe import readings
from crmlib.exceptions import DataError
from crmlib.words.clv import describe, parameter_table


def test_bgnbd_reading_matches_fader_hardie_lee_2005_cdnow_parameters():
    """Fader, Hardie & Lee (2005), CDNOW: r 0.243, alpha 4.414, a 0.793, b 2.426 (weeks).
    Mean rate r/alpha = 0.0551/week, one purchase every 18.2 weeks; drop-out a/(a+b) = 24.6 %.
    Tolerance: the published parameters have 3 decimals."""
    m = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    r = readings(m, "W")
    assert r["purchase_rate"] == pytest.approx(0.0551, abs=5e-4)
    assert r["periods_between_purchases"] == pytest.approx(18.16, abs=0.05)
    assert r["dropout"] == pytest.approx(0.2463, abs=5e-4)
    text = " ".join(describe(m, freq="W"))
    assert "once every 18 weeks" in text and "25% of customers stop buying" in text
    assert "repeat purchase" in text


def test_mbgnbd_says_dropout_also_after_the_first_purchase():
    text = " ".join(describe(ModifiedBetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426), freq="D"))
    assert "first one included" in text and "days" in text


def test_pareto_nbd_reading_from_published_cdnow_parameters():
    """Fader & Hardie (2005 note) CDNOW Pareto/NBD: r 0.553, alpha 10.578, s 0.606, beta 11.669 (weeks).
    s <= 1: the mean lifetime is unbounded, so the median beta (2^(1/s) - 1) is quoted; share active
    after a year (beta / (beta + 52.18))^s."""
    m = ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
    r = readings(m, "W")
    assert r["periods_between_purchases"] == pytest.approx(10.578 / 0.553)
    assert math.isinf(r["mean_lifetime"])
    assert r["median_lifetime"] == pytest.approx(11.669 * (2 ** (1 / 0.606) - 1))
    assert r["active_after_year"] == pytest.approx((11.669 / (11.669 + 52.18)) ** 0.606)
    text = " ".join(describe(m, freq="W"))
    assert "median customer lifetime of about 25 weeks" in text
    assert "36% of customers are still active a year" in text
    finite = readings(ParetoNBD.from_params(r=1, alpha=1, s=3, beta=20), "W")
    assert finite["mean_lifetime"] == pytest.approx(10.0)


def test_gamma_gamma_mean_spend_is_p_v_over_q_minus_1():
    """Fader & Hardie's Gamma-Gamma note, CDNOW: p 6.25, q 3.74, gamma 15.44 -> mean 35.22."""
    m = GammaGamma.from_params(p=6.25, q=3.74, v=15.44)
    assert readings(m)["mean_spend"] == pytest.approx(35.22, abs=0.01)
    assert "USD\xa035.22" in describe(m, currency="USD")[0]  # Formats: no-break space after the code


def test_sbg_reading_matches_fader_hardie_2007_regular_customers():
    """Fader & Hardie (2007), regular segment: alpha 0.704, beta 1.182; P(churn at 1) = 0.373,
    and of the 631 left, 163 more leave in year 2 (retention (beta+1)/(alpha+beta+1) = 0.756)."""
    m = ShiftedBetaGeo.from_params(alpha=0.704, beta=1.182)
    r = readings(m)
    assert r["first_period_churn"] == pytest.approx(0.3733, abs=1e-3)
    assert r["retention_period_2"] == pytest.approx(0.756, abs=1e-3)
    words = describe(m, freq="M")
    assert words[0] == "About 37% of a cohort leave after the first month."
    assert "24% leave in the second month" in words[1]


def test_fitted_model_table_has_intervals_and_meanings():
    data = BetaGeo.from_params(r=0.5, alpha=5.0, a=0.8, b=2.5).sample(800, seed=42, T=52)
    fitted = BetaGeo().fit(data)
    table = parameter_table(fitted, "W")
    assert list(table.columns) == ["parameter", "estimate", "lower", "upper", "meaning"]
    assert (table["lower"] < table["estimate"]).all() and (table["estimate"] < table["upper"]).all()
    assert "weeks" in table.set_index("parameter").loc["α", "meaning"]  # the papers write alpha as α


def test_unfitted_model_is_refused():
    with pytest.raises(DataError, match="not fitted"):
        describe(BetaGeo())
