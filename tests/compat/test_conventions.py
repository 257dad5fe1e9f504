"""Conventions where crmlib and lifetimes differ are selectable in crmlib.compat.lifetimes."""

import numpy as np
import pandas as pd
import pytest

from crmlib.compat.lifetimes import BetaGeoFitter, GammaGammaFitter
from crmlib.exceptions import DataError


def test_clv_month_convention_is_selectable():
    """lifetimes' 30-day month against crmlib's 30.436875 days: with no discounting, twelve
    months of value equal spend times expected purchases over 360 and 365.2425 days."""
    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    f, r, T, m = pd.Series([2.0, 0.0]), pd.Series([30.0, 0.0]), pd.Series([38.0, 38.0]), pd.Series([20.0, 0.0])
    spend = ggf.conditional_expected_average_profit(f, m).to_numpy()
    for convention, days in (("lifetimes", 360.0), ("crmlib", 365.2425)):
        clv = ggf.customer_lifetime_value(bgf, f, r * 7, T * 7, m, time=12, discount_rate=0.0, freq="D",
                                          convention=convention)
        expected = spend * bgf.predict(days, f, r * 7, T * 7).to_numpy()
        np.testing.assert_allclose(clv.to_numpy(), expected, rtol=1e-10)
    with pytest.raises(DataError, match="convention='weekly'"):
        ggf.customer_lifetime_value(bgf, f, r, T, m, convention="weekly")
