"""lifetimes' public-API tests, ported to run against crmlib.compat.lifetimes (issue 23 point 2).

Ported from lifetimes (https://github.com/CamDavidsonPilon/lifetimes), tests/test_estimation.py
and tests/test_utils.py. Changes: imports (one line), fixtures read the shared CDNOW and donation
data, params_ is a Series (as in lifetimes 0.11), save/load uses tmp_path. Tests left out are
listed with reasons in tests/compat/README.md.

The MIT License (MIT)

Copyright (c) 2015, Cameron Davidson-Pilon

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

from collections import OrderedDict

import numpy as np
import numpy.testing as npt
import pandas as pd
import pytest

import crmlib.compat.lifetimes as estimation  # was: import lifetimes.estimation as estimation
from crmlib.compat.lifetimes import utils  # was: from lifetimes import utils
from crmlib.config import CDNOW_DIR

from tests_compat_data import DONATION_PATTERNS


@pytest.fixture(scope="module")
def cdnow_customers():
    return pd.read_csv(CDNOW_DIR / "cdnow_customers_summary.csv", index_col="ID")


@pytest.fixture(scope="module")
def cdnow_customers_with_monetary_value():
    data = pd.read_csv(CDNOW_DIR / "cdnow_customers_summary_with_transactions.csv", index_col="ID")
    return data.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def donations():
    frame = pd.DataFrame(DONATION_PATTERNS, columns=["frequency", "recency", "weights"])
    return frame.assign(periods=6)


@pytest.fixture(scope="module")
def fitted_bgf(cdnow_customers):
    return estimation.BetaGeoFitter().fit(cdnow_customers["frequency"], cdnow_customers["recency"],
                                          cdnow_customers["T"])


@pytest.fixture()
def large_transaction_level_data():
    d = [[1, "2015-01-01"], [1, "2015-02-06"], [2, "2015-01-01"], [3, "2015-01-01"], [3, "2015-01-02"],
         [3, "2015-01-05"], [4, "2015-01-16"], [4, "2015-02-02"], [4, "2015-02-05"], [5, "2015-01-16"],
         [5, "2015-01-17"], [5, "2015-01-18"], [6, "2015-02-02"]]
    return pd.DataFrame(d, columns=["id", "date"])


@pytest.fixture()
def transaction_level_data():
    d = [[1, "2015-02-01"], [1, "2015-02-06"], [2, "2015-01-01"], [3, "2015-01-01"], [3, "2015-01-02"],
         [3, "2015-01-05"]]
    return pd.DataFrame(d, columns=["id", "date"])


# ---------------------------------------------------------------- TestBaseFitter
def test_repr():
    base_fitter = estimation.BaseFitter()
    assert repr(base_fitter) == "<lifetimes.BaseFitter>"
    base_fitter.params_ = pd.Series(dict(x=12.3, y=42))
    base_fitter.data = np.array([1, 2, 3])
    assert repr(base_fitter) == "<lifetimes.BaseFitter: fitted with 3 subjects, x: 12.30, y: 42.00>"
    base_fitter.data = None
    assert repr(base_fitter) == "<lifetimes.BaseFitter: x: 12.30, y: 42.00>"


def test_unload_params():
    base_fitter = estimation.BaseFitter()
    with pytest.raises(ValueError):
        base_fitter._unload_params()
    base_fitter.params_ = pd.Series(dict(x=12.3, y=42))
    npt.assert_array_almost_equal([12.3, 42], base_fitter._unload_params("x", "y"))


# ---------------------------------------------------------------- TestBetaGeoBetaBinomFitter
def test_bgbb_params_out_is_close_to_Hardie_paper(donations):
    bbtf = estimation.BetaGeoBetaBinomFitter()
    bbtf.fit(donations["frequency"], donations["recency"], donations["periods"], donations["weights"])
    expected = np.array([1.204, 0.750, 0.657, 2.783])
    npt.assert_array_almost_equal(expected, np.array(bbtf._unload_params("alpha", "beta", "gamma", "delta")), decimal=2)


def test_bgbb_prob_alive_is_close_to_Hardie_paper_table_6(donations):
    """Table 6: P(Alive in 2002) as a Function of Recency and Frequency"""
    bbtf = estimation.BetaGeoBetaBinomFitter()
    bbtf.fit(donations["frequency"], donations["recency"], donations["periods"], donations["weights"])
    bbtf.data["prob_alive"] = bbtf.conditional_probability_alive(1, donations["frequency"], donations["recency"],
                                                                 donations["periods"])
    expected = np.array([0.11, 0.59, 0.93])
    prob_list = np.zeros(3)
    prob_list[0] = bbtf.data[(bbtf.data["frequency"] == 0) & (bbtf.data["recency"] == 0)]["prob_alive"].iloc[0]
    prob_list[1] = bbtf.data[(bbtf.data["frequency"] == 2) & (bbtf.data["recency"] == 4)]["prob_alive"].iloc[0]
    prob_list[2] = bbtf.data[(bbtf.data["frequency"] == 6) & (bbtf.data["recency"] == 6)]["prob_alive"].iloc[0]
    npt.assert_array_almost_equal(expected, prob_list, decimal=2)


def test_bgbb_conditional_expectation_returns_same_value_as_Hardie_excel_sheet(donations):
    """Total from Hardie's Conditional Expectations (II) sheet."""
    bbtf = estimation.BetaGeoBetaBinomFitter()
    bbtf.fit(donations["frequency"], donations["recency"], donations["periods"], donations["weights"])
    pred_purchases = bbtf.conditional_expected_number_of_purchases_up_to_time(
        5, donations["frequency"], donations["recency"], donations["periods"]) * donations["weights"]
    expected = 12884.2  # Sum of column F Exp Tot
    npt.assert_almost_equal(expected, pred_purchases.sum(), decimal=0)


def test_bgbb_expected_purchases_in_n_periods_returns_same_value_as_Hardie_excel_sheet(donations):
    """Total expected from Hardie's In-Sample Fit sheet."""
    bbtf = estimation.BetaGeoBetaBinomFitter()
    bbtf.fit(donations["frequency"], donations["recency"], donations["periods"], donations["weights"])
    expected = np.array([3454.9, 1253.1])  # Cells C18 and C24
    estimated = bbtf.expected_number_of_transactions_in_first_n_periods(6).loc[[0, 6]].values.flatten()
    npt.assert_almost_equal(expected, estimated, decimal=0)


def test_bgbb_fit_with_index(donations):
    bbtf = estimation.BetaGeoBetaBinomFitter()
    index = range(len(donations), 0, -1)
    bbtf.fit(donations["frequency"], donations["recency"], donations["periods"], donations["weights"], index=index)
    assert (bbtf.data.index == index).all() == True  # noqa: E712
    bbtf = estimation.BetaGeoBetaBinomFitter()
    bbtf.fit(donations["frequency"], donations["recency"], donations["periods"], donations["weights"], index=None)
    assert (bbtf.data.index == index).all() == False  # noqa: E712


def test_bgbb_fit_with_and_without_weights(donations):
    exploded = donations.loc[donations.index.repeat(donations["weights"])]
    assert exploded.shape[0] == donations["weights"].sum()
    bbtf_noweights = estimation.BetaGeoBetaBinomFitter()
    bbtf_noweights.fit(exploded["frequency"], exploded["recency"], exploded["periods"])
    bbtf = estimation.BetaGeoBetaBinomFitter()
    bbtf.fit(donations["frequency"], donations["recency"], donations["periods"], donations["weights"])
    npt.assert_array_almost_equal(np.array(bbtf_noweights._unload_params("alpha", "beta", "gamma", "delta")),
                                  np.array(bbtf._unload_params("alpha", "beta", "gamma", "delta")), decimal=4)


# ---------------------------------------------------------------- TestGammaGammaFitter
def test_gg_params_out_is_close_to_Hardie_paper(cdnow_customers_with_monetary_value):
    returning = cdnow_customers_with_monetary_value[cdnow_customers_with_monetary_value["frequency"] > 0]
    ggf = estimation.GammaGammaFitter()
    ggf.fit(returning["frequency"], returning["monetary_value"], iterative_fitting=3)
    expected = np.array([6.25, 3.74, 15.44])
    npt.assert_array_almost_equal(expected, np.array(ggf._unload_params("p", "q", "v")), decimal=2)


def test_gg_conditional_expected_average_profit(cdnow_customers_with_monetary_value):
    ggf = estimation.GammaGammaFitter()
    ggf.params_ = pd.Series(OrderedDict({"p": 6.25, "q": 3.74, "v": 15.44}))
    summary = cdnow_customers_with_monetary_value.head(10)
    estimates = ggf.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
    expected = np.array([24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17])  # Hardie note 025
    npt.assert_allclose(estimates.values, expected, atol=0.1)


@pytest.mark.slow
def test_gg_customer_lifetime_value_with_bgf(cdnow_customers_with_monetary_value, fitted_bgf):
    ggf = estimation.GammaGammaFitter()
    ggf.params_ = pd.Series(OrderedDict({"p": 6.25, "q": 3.74, "v": 15.44}))
    d = cdnow_customers_with_monetary_value
    for freq in ("D", "H"):
        ggf_clv = ggf.customer_lifetime_value(fitted_bgf, d["frequency"], d["recency"], d["T"], d["monetary_value"],
                                              freq=freq)
        utils_clv = utils.customer_lifetime_value(
            fitted_bgf, d["frequency"], d["recency"], d["T"],
            ggf.conditional_expected_average_profit(d["frequency"], d["monetary_value"]), freq=freq)
        npt.assert_equal(ggf_clv.values, utils_clv.values)


def test_gg_fit_with_index(cdnow_customers_with_monetary_value):
    returning = cdnow_customers_with_monetary_value[cdnow_customers_with_monetary_value["frequency"] > 0]
    ggf = estimation.GammaGammaFitter()
    index = range(len(returning), 0, -1)
    ggf.fit(returning["frequency"], returning["monetary_value"], iterative_fitting=1, index=index)
    assert (ggf.data.index == index).all() == True  # noqa: E712


def test_gg_params_out_is_close_to_Hardie_paper_with_q_constraint(cdnow_customers_with_monetary_value):
    returning = cdnow_customers_with_monetary_value[cdnow_customers_with_monetary_value["frequency"] > 0]
    ggf = estimation.GammaGammaFitter()
    ggf.fit(returning["frequency"], returning["monetary_value"], iterative_fitting=3, q_constraint=True)
    npt.assert_array_almost_equal(np.array([6.25, 3.74, 15.44]), np.array(ggf._unload_params("p", "q", "v")), decimal=2)


# ---------------------------------------------------------------- TestParetoNBDFitter
def test_pnbd_params_out_is_close_to_Hardie_paper(cdnow_customers):
    ptf = estimation.ParetoNBDFitter()
    ptf.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"], iterative_fitting=3)
    expected = np.array([0.553, 10.578, 0.606, 11.669])
    npt.assert_array_almost_equal(expected, np.array(ptf._unload_params("r", "alpha", "s", "beta")), decimal=2)


def test_pnbd_expectation_returns_same_value_as_R_BTYD(cdnow_customers):
    """From https://cran.r-project.org/web/packages/BTYD/BTYD.pdf"""
    ptf = estimation.ParetoNBDFitter()
    ptf.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"], tol=1e-6)
    expected = np.array([0.00000000, 0.05077821, 0.09916088, 0.14542507, 0.18979930,
                         0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211])
    actual = ptf.expected_number_of_purchases_up_to_time(range(10))
    npt.assert_allclose(expected, actual, atol=0.01)


def test_pnbd_conditional_expectation_returns_same_value_as_R_BTYD(cdnow_customers):
    """From https://cran.r-project.org/web/packages/BTYD/vignettes/BTYD-walkthrough.pdf"""
    ptf = estimation.ParetoNBDFitter()
    ptf.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"])
    actual = ptf.conditional_expected_number_of_purchases_up_to_time(52, 26.00, 30.86, 31)
    assert abs(25.46 - actual) < 0.01


def test_pnbd_conditional_expectation_underflow():
    ptf = estimation.ParetoNBDFitter()
    ptf.params_ = pd.Series(OrderedDict({"alpha": 10.58, "beta": 11.67, "r": 0.55, "s": 0.61}))
    left = ptf.conditional_expected_number_of_purchases_up_to_time(10, 132, 200, 200)
    right = ptf.conditional_expected_number_of_purchases_up_to_time(10, 133, 200, 200)
    assert abs(left - right) < 0.05


@pytest.mark.slow
def test_pnbd_conditional_probability_alive_is_between_0_and_1(cdnow_customers):
    ptf = estimation.ParetoNBDFitter()
    ptf.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"])
    for freq in np.arange(0, 100, 10.0):
        for recency in np.arange(0, 100, 10.0):
            for t in np.arange(recency, 100, 10.0):
                assert 0.0 <= ptf.conditional_probability_alive(freq, recency, t) <= 1.0


def test_pnbd_conditional_probability_alive():
    """Target taken from page 8, BTYD walkthrough."""
    ptf = estimation.ParetoNBDFitter()
    ptf.params_ = pd.Series(OrderedDict(zip(["r", "alpha", "s", "beta"], [0.5534, 10.5802, 0.6061, 11.6562])))
    p_alive = ptf.conditional_probability_alive(26.00, 30.86, 31.00)
    assert abs(p_alive - 0.9979) < 0.001


def test_pnbd_conditional_probability_alive_overflow_error():
    ptf = estimation.ParetoNBDFitter()
    ptf.params_ = pd.Series(OrderedDict(zip(["r", "alpha", "s", "beta"], [10.465, 7.98565181e-03, 3.0516, 2.820])))
    freq = np.array([40.0, 50.0, 50.0])
    rec = np.array([5.0, 1.0, 4.0])
    age = np.array([6.0, 37.0, 37.0])
    assert all([r <= 1 and r >= 0 and not np.isinf(r) and not pd.isnull(r)
                for r in ptf.conditional_probability_alive(freq, rec, age)])


@pytest.mark.slow
def test_pnbd_conditional_probability_alive_matrix(cdnow_customers):
    ptf = estimation.ParetoNBDFitter()
    ptf.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"])
    Z = ptf.conditional_probability_alive_matrix()
    max_t = int(ptf.data["T"].max())
    for t_x in range(Z.shape[0]):
        for x in range(Z.shape[1]):
            assert Z[t_x][x] == pytest.approx(ptf.conditional_probability_alive(x, t_x, max_t), rel=1e-12)


@pytest.mark.slow
def test_pnbd_conditional_probability_of_n_purchases_up_to_time_adds_up_to_1(cdnow_customers):
    ptf = estimation.ParetoNBDFitter()
    ptf.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"])
    rng = np.random.RandomState(0)
    for freq in rng.choice(10, 3):
        for recency in rng.choice(9, 3):
            for age in rng.choice(np.arange(recency, 10, 1), 2):
                for t in 1 + rng.choice(9, 2):
                    total = np.sum([ptf.conditional_probability_of_n_purchases_up_to_time(n, t, freq, recency, age)
                                    for n in np.arange(0, 20, 1)])
                    npt.assert_almost_equal(total, 1.0, decimal=2)


def test_pnbd_fit_with_and_without_weights(cdnow_customers):
    weighted = cdnow_customers.groupby(["frequency", "recency", "T"]).size().reset_index().rename(columns={0: "weights"})
    pnbd_noweights = estimation.ParetoNBDFitter().fit(cdnow_customers["frequency"], cdnow_customers["recency"],
                                                      cdnow_customers["T"])
    pnbd = estimation.ParetoNBDFitter().fit(weighted["frequency"], weighted["recency"], weighted["T"], weighted["weights"])
    npt.assert_array_almost_equal(np.array(pnbd_noweights._unload_params("r", "alpha", "s", "beta")),
                                  np.array(pnbd._unload_params("r", "alpha", "s", "beta")), decimal=2)


# ---------------------------------------------------------------- TestBetaGeoFitter
def test_bgf_params_out_is_close_to_Hardie_paper(fitted_bgf):
    expected = np.array([0.243, 4.414, 0.793, 2.426])
    npt.assert_array_almost_equal(expected, np.array(fitted_bgf._unload_params("r", "alpha", "a", "b")), decimal=3)


def test_bgf_conditional_expectation_returns_same_value_as_Hardie_excel_sheet(fitted_bgf):
    actual = fitted_bgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86)
    assert abs(1.226 - actual) < 0.001


def test_bgf_expectation_returns_same_value_Hardie_excel_sheet(fitted_bgf):
    times = np.array([0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00])
    expected = np.array([0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576])
    npt.assert_array_almost_equal(fitted_bgf.expected_number_of_purchases_up_to_time(times), expected, decimal=3)


def test_bgf_conditional_probability_alive_returns_1_if_no_repeat_purchases(fitted_bgf):
    assert fitted_bgf.conditional_probability_alive(0, 1, 1) == 1.0


@pytest.mark.slow
def test_bgf_conditional_probability_alive_is_between_0_and_1(fitted_bgf):
    for i in range(0, 100, 10):
        for j in range(0, 100, 10):
            for k in range(j, 100, 10):
                assert 0 <= fitted_bgf.conditional_probability_alive(i, j, k) <= 1.0


def test_bgf_penalizer_term_will_shrink_coefs_to_0(cdnow_customers, fitted_bgf):
    params_1 = fitted_bgf.params_.to_numpy()
    bfg_with_penalizer = estimation.BetaGeoFitter(penalizer_coef=0.1)
    bfg_with_penalizer.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"])
    params_2 = bfg_with_penalizer.params_.to_numpy()
    assert np.all(params_2 < params_1)
    bfg_with_more_penalizer = estimation.BetaGeoFitter(penalizer_coef=10)
    bfg_with_more_penalizer.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"])
    params_3 = bfg_with_more_penalizer.params_.to_numpy()
    assert np.all(params_3 < params_2)


@pytest.mark.slow
def test_bgf_conditional_probability_alive_matrix(fitted_bgf):
    Z = fitted_bgf.conditional_probability_alive_matrix()
    max_t = int(fitted_bgf.data["T"].max())
    assert Z[0][0] == 1
    for t_x in range(Z.shape[0]):
        for x in range(Z.shape[1]):
            assert Z[t_x][x] == pytest.approx(fitted_bgf.conditional_probability_alive(x, t_x, max_t), rel=1e-12)


def test_bgf_probability_of_n_purchases_up_to_time_same_as_R_BTYD():
    bgf = estimation.BetaGeoFitter()
    bgf.params_ = pd.Series(OrderedDict({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}))
    assert abs(1.07869e-07 - bgf.probability_of_n_purchases_up_to_time(2, 10)) < 10e-5
    assert abs(0.5737864 - bgf.probability_of_n_purchases_up_to_time(39, 0)) < 10e-5
    expected = np.array([0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                         0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260])
    actual = np.array([bgf.probability_of_n_purchases_up_to_time(30, n) for n in range(11, 21)])
    npt.assert_array_almost_equal(expected, actual, decimal=5)


def test_bgf_save_load(fitted_bgf, tmp_path):
    path = tmp_path / "betageo_fitter.pkl"
    fitted_bgf.save_model(path)
    bgf_new = estimation.BetaGeoFitter()
    bgf_new.load_model(path)
    assert bgf_new.penalizer_coef == fitted_bgf.penalizer_coef
    assert bgf_new.params_.equals(fitted_bgf.params_)
    assert (bgf_new.data == fitted_bgf.data).all().all()
    assert bgf_new.predict(1, 1, 2, 5) == fitted_bgf.predict(1, 1, 2, 5)
    fitted_bgf.save_model(path, save_data=False)
    bgf_new.load_model(path)
    assert bgf_new.data is None


# ---------------------------------------------------------------- TestModifiedBetaGeoFitter
def test_mbgf_params_out_is_close_to_BTYDplus(cdnow_customers):
    """See https://github.com/mplatzer/BTYDplus"""
    mbfg = estimation.ModifiedBetaGeoFitter()
    mbfg.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"], iterative_fitting=3)
    expected = np.array([0.525, 6.183, 0.891, 1.614])
    npt.assert_array_almost_equal(expected, np.array(mbfg._unload_params("r", "alpha", "a", "b")), decimal=3)


def test_mbgf_conditional_probability_alive_returns_lessthan_1_if_no_repeat_purchases(cdnow_customers):
    mbfg = estimation.ModifiedBetaGeoFitter()
    mbfg.fit(cdnow_customers["frequency"], cdnow_customers["recency"], cdnow_customers["T"])
    assert mbfg.conditional_probability_alive(0, 1, 1) < 1.0


# ---------------------------------------------------------------- test_utils.py
def test_summary_data_from_transaction_data_returns_correct_results(transaction_level_data):
    actual = utils.summary_data_from_transaction_data(transaction_level_data, "id", "date",
                                                      observation_period_end="2015-02-07")
    expected = pd.DataFrame([[1, 1.0, 5.0, 6.0], [2, 0.0, 0.0, 37.0], [3, 2.0, 4.0, 37.0]],
                            columns=["id", "frequency", "recency", "T"]).set_index("id")
    pd.testing.assert_frame_equal(actual, expected)


def test_summary_data_from_transaction_data_works_with_int_customer_ids_and_doesnt_coerce_to_float():
    d = [[1, "2015-02-01"], [1, "2015-02-06"], [1, "2015-01-01"], [2, "2015-01-01"], [2, "2015-01-02"],
         [2, "2015-01-05"]]
    actual = utils.summary_data_from_transaction_data(pd.DataFrame(d, columns=["id", "date"]), "id", "date")
    assert actual.index.dtype == "int64"


def test_summary_data_from_transaction_data_with_specific_datetime_format(transaction_level_data):
    transaction_level_data["date"] = transaction_level_data["date"].map(lambda x: x.replace("-", ""))
    actual = utils.summary_data_from_transaction_data(transaction_level_data, "id", "date",
                                                      observation_period_end="20150207", datetime_format="%Y%m%d")
    expected = pd.DataFrame([[1, 1.0, 5.0, 6.0], [2, 0.0, 0.0, 37.0], [3, 2.0, 4.0, 37.0]],
                            columns=["id", "frequency", "recency", "T"]).set_index("id")
    pd.testing.assert_frame_equal(actual, expected)


def test_summary_date_from_transaction_data_with_specific_non_daily_frequency(large_transaction_level_data):
    actual = utils.summary_data_from_transaction_data(large_transaction_level_data, "id", "date",
                                                      observation_period_end="20150207", freq="W")
    expected = pd.DataFrame([[1, 1.0, 5.0, 5.0], [2, 0.0, 0.0, 5.0], [3, 1.0, 1.0, 5.0], [4, 1.0, 3.0, 3.0],
                             [5, 0.0, 0.0, 3.0], [6, 0.0, 0.0, 0.0]],
                            columns=["id", "frequency", "recency", "T"]).set_index("id")
    pd.testing.assert_frame_equal(actual, expected)


def test_summary_date_from_transaction_with_monetary_values(large_transaction_level_data):
    data = large_transaction_level_data.assign(monetary_value=[1, 2, 2, 3, 1, 5, 6, 3, 3, 3, 1, 8, 5])
    actual = utils.summary_data_from_transaction_data(data, "id", "date", monetary_value_col="monetary_value",
                                                      observation_period_end="20150207")
    expected = pd.DataFrame([[1, 1.0, 36.0, 37.0, 2], [2, 0.0, 0.0, 37.0, 0], [3, 2.0, 4.0, 37.0, 3],
                             [4, 2.0, 20.0, 22.0, 3], [5, 2.0, 2.0, 22.0, 4.5], [6, 0.0, 0.0, 5.0, 0]],
                            columns=["id", "frequency", "recency", "T", "monetary_value"]).set_index("id")
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)


def test_summary_data_from_transaction_data_will_choose_the_correct_first_order_to_drop_in_monetary_transactions():
    cust = pd.Series([2, 2, 2])
    sales = pd.Series([10, 20, 25])
    ordered = pd.DataFrame({"date": pd.to_datetime(pd.Series(["2014-03-14", "2014-04-09", "2014-05-21"])),
                            "id": cust, "sales": sales})
    unordered = pd.DataFrame({"date": pd.to_datetime(pd.Series(["2014-04-09", "2014-03-14", "2014-05-21"])),
                              "id": cust, "sales": pd.Series([20, 10, 25])})
    a = utils.summary_data_from_transaction_data(ordered, "id", "date", "sales")
    b = utils.summary_data_from_transaction_data(unordered, "id", "date", "sales")
    pd.testing.assert_frame_equal(a, b)
    assert a["monetary_value"].loc[2] == 22.5


def test_summary_statistics_are_indentical_to_hardies_paper_confirming_correct_aggregations():
    df = pd.read_csv(CDNOW_DIR / "CDNOW_sample.txt", sep=r"\s+", header=None,
                     names=["_id", "id", "date", "cds_bought", "spent"])
    df["date"] = pd.to_datetime(df["date"].astype(str), format="%Y%m%d")
    df_train = df[df["date"] < "1997-10-01"]
    summary = utils.summary_data_from_transaction_data(df_train, "id", "date", "spent")
    results = summary[summary["frequency"] > 0]["monetary_value"].describe()
    assert np.round(results.loc["mean"]) == 35
    assert np.round(results.loc["std"]) == 30
    assert np.round(results.loc["min"]) == 3
    assert np.round(results.loc["50%"]) == 27
    assert np.round(results.loc["max"]) == 300
    assert np.round(results.loc["count"]) == 946


def test_calibration_and_holdout_data(large_transaction_level_data):
    actual = utils.calibration_and_holdout_data(large_transaction_level_data, "id", "date", "2015-02-01",
                                                observation_period_end="2015-02-07")
    assert actual.loc[1]["frequency_holdout"] == 1
    assert actual.loc[2]["frequency_holdout"] == 0
    with pytest.raises(KeyError):
        actual.loc[6]


def test_calibration_and_holdout_data_works_with_specific_frequency(large_transaction_level_data):
    actual = utils.calibration_and_holdout_data(large_transaction_level_data, "id", "date", "2015-02-01",
                                                observation_period_end="2015-02-07", freq="W")
    expected_cols = ["id", "frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    expected = pd.DataFrame([[1, 0.0, 0.0, 4.0, 1, 1], [2, 0.0, 0.0, 4.0, 0, 1], [3, 1.0, 1.0, 4.0, 0, 1],
                             [4, 0.0, 0.0, 2.0, 1, 1], [5, 0.0, 0.0, 2.0, 0, 1]], columns=expected_cols).set_index("id")
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)


def test_expected_cumulative_transactions_dedups_inside_a_time_period(fitted_bgf, large_transaction_level_data):
    # lifetimes compares 10 weeks with 10 days of its example data; on these 13 rows, purchases in one
    # week count once, so a week counts at most the days it holds
    by_week = utils.expected_cumulative_transactions(fitted_bgf, large_transaction_level_data, "date", "id", 5,
                                                     freq="W")
    by_day = utils.expected_cumulative_transactions(fitted_bgf, large_transaction_level_data, "date", "id", 35,
                                                    freq="D")
    assert (by_week["actual"].to_numpy() <= by_day["actual"].iloc[6::7].to_numpy()).all()
    assert by_week["actual"].iloc[-1] < by_day["actual"].iloc[-1]


@pytest.fixture(scope="module")
def cdnow_transactions():
    transactions = pd.read_csv(CDNOW_DIR / "CDNOW_sample.txt", header=None, sep=r"\s+")
    transactions.columns = ["id_total", "id_sample", "date", "num_cd_purc", "total_value"]
    return transactions[["id_sample", "date"]]


@pytest.fixture(scope="module")
def df_cum_transactions(cdnow_transactions):
    transactions_summary = utils.summary_data_from_transaction_data(
        cdnow_transactions, "id_sample", "date", datetime_format="%Y%m%d", freq="D", freq_multiplier=7,
        observation_period_end="19970930").reset_index()
    model = estimation.ParetoNBDFitter()
    model.fit(transactions_summary["frequency"], transactions_summary["recency"], transactions_summary["T"])
    return utils.expected_cumulative_transactions(model, cdnow_transactions, "date", "id_sample", 25 * 7, "%Y%m%d",
                                                  "D", set_index_date=False, freq_multiplier=7)


def test_expected_cumulative_transactions_equals_r_btyd_walktrough(df_cum_transactions):
    """BTYD walkthrough (https://cran.r-project.org/web/packages/BTYD/vignettes/BTYD-walkthrough.pdf),
    cum.tracking[, 20:25]."""
    actual_btyd = [1359, 1414, 1484, 1517, 1573, 1672]
    expected_btyd = [1309, 1385, 1460, 1533, 1604, 1674]
    npt.assert_allclose(df_cum_transactions["actual"].iloc[19:25].to_numpy(), actual_btyd)
    npt.assert_allclose(df_cum_transactions["predicted"].iloc[19:25].to_numpy().round(), expected_btyd)


def test_incremental_transactions_equals_r_btyd_walktrough(df_cum_transactions):
    """BTYD walkthrough, inc.tracking[, 20:25]."""
    increments = df_cum_transactions.diff()
    npt.assert_allclose(increments["actual"].iloc[19:25].to_numpy(), [73.00, 55.00, 70.00, 33.00, 56.00, 99.00])
    npt.assert_allclose(increments["predicted"].iloc[19:25].to_numpy().round(2),
                        [78.31, 76.42, 74.65, 72.98, 71.41, 69.93], atol=1e-2)


def test_expected_cumulative_transactions_date_index_on_cdnow(cdnow_transactions):
    """lifetimes' test_expected_cumulative_transactions_date_index: the first 14 days of CDNOW."""
    summary = utils.summary_data_from_transaction_data(cdnow_transactions, "id_sample", "date",
                                                       datetime_format="%Y%m%d", freq="D",
                                                       observation_period_end="19970930").reset_index()
    model = estimation.BetaGeoFitter()
    model.fit(summary["frequency"], summary["recency"], summary["T"])
    df_cum = utils.expected_cumulative_transactions(model, cdnow_transactions, "date", "id_sample", 14, "%Y%m%d",
                                                    "D", set_index_date=True, freq_multiplier=1)
    assert [d.strftime("%Y-%m-%d") for d in df_cum.index[-4:]] == ["1997-01-11", "1997-01-12", "1997-01-13",
                                                                   "1997-01-14"]
    npt.assert_allclose(df_cum["actual"].iloc[-4:].to_numpy(), [11, 12, 15, 19])
    npt.assert_allclose(df_cum["predicted"].iloc[-4:].to_numpy().round(2), [10.67, 12.67, 14.87, 17.24], atol=1e-2)


def test_expected_cumulative_transactions_date_index(fitted_bgf, large_transaction_level_data):
    out = utils.expected_cumulative_transactions(fitted_bgf, large_transaction_level_data, "date", "id", 3,
                                                 freq="W", set_index_date=True)
    assert out.index.tolist() == [pd.Timestamp("2014-12-29"), pd.Timestamp("2015-01-05"), pd.Timestamp("2015-01-12")]
    assert list(out.columns) == ["actual", "predicted"]


def test_calculate_alive_path(fitted_bgf, large_transaction_level_data):
    one = large_transaction_level_data[large_transaction_level_data["id"] == 4]
    summary = utils.summary_data_from_transaction_data(large_transaction_level_data, "id", "date",
                                                       observation_period_end="2015-02-05")
    frequency, recency, T = summary.loc[4, ["frequency", "recency", "T"]]
    path = utils.calculate_alive_path(fitted_bgf, one, "date", int(T))
    assert len(path) == int(T) + 1  # ages 0..t, as lifetimes returns
    assert path.iloc[0] == 1
    assert path.iloc[int(T)] == pytest.approx(fitted_bgf.conditional_probability_alive(frequency, recency, T),
                                              rel=1e-12)
