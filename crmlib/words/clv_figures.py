"""The titles, axis labels and legends of the lifetime-value figures (:mod:`crmlib.plots.clv`), in English,
Hindi and Bengali. Re-exported by :mod:`crmlib.words.clv`.
"""

from __future__ import annotations

from crmlib.words import N_, NP_

# ----------------------------------------------------------------------------- figures
ACTUAL = N_("actual")
EXPECTED = N_("{model} (expected)")
PREDICTED = N_("predicted")
END_OF_CALIBRATION = N_("end of calibration")
TRACK_CUMULATIVE = N_("{model} expects {expected} repeat transactions by {unit} {t}, against {actual} actual ({gap})")
TRACK_AFTER = N_("{model} is off by {mae} repeat transactions a {unit} on average after calibration ({actual} "
                 "actual a {unit})")
TRACK_OVERALL = N_("{model} is off by {mae} repeat transactions a {unit} on average overall ({actual} actual a "
                   "{unit})")
#: {units} is a time unit's name ("weeks").
TIME_SINCE_START = N_("Time since the start ({units})")
CUMULATIVE_REPEATS = N_("Cumulative repeat transactions (count)")
REPEATS_PER = N_("Repeat transactions per {unit} (count)")
HOLDOUT_TITLE = N_("{model} predicts {predicted} holdout purchases against {actual} actual ({gap})")
REPEATS_IN_CALIBRATION_AXIS = N_("Repeat purchases in the calibration period (count)")
MEAN_IN_HOLDOUT = N_("Mean purchases in the holdout of {holdout} (count)")
MEAN_IN_HOLDOUT_PERIOD = N_("Mean purchases in the holdout period (count)")
ALIVE_TITLE = N_("A customer with {n} repeat purchases is {recent} likely active if the last was recent, {ago} if "
                 "it was {days} days ago")
ALIVE_LABEL = N_("P(active)")
EXPECTED_TITLE = N_("Recent frequent buyers are expected to buy {most} times in the next {horizon}; lapsed ones "
                    "hardly at all")
EXPECTED_LABEL = N_("Expected purchases in {horizon}")
DAYS_SINCE_LAST = N_("Days since the last purchase (customers first bought {days} days ago)")
REPEAT_PURCHASES_AXIS = N_("Repeat purchases (count)")
#: {value} is money written by Formats.
MEDIAN = N_("median {value}")
#: {amount} is money written by Formats (INR 1): customers worth less are left out of the log-scale histogram.
WORTH_LESS_THAN = NP_("{n} customer worth less than {amount} is left out of the chart",
                      "{n} customers worth less than {amount} are left out of the chart")
DISTRIBUTION_TITLE = N_("The top 10% of customers hold {share} of the expected value of the next {horizon}")
VALUE_AXIS = N_("Customer lifetime value, discounted; log scale")
VALUE_AXIS_MONEY = N_("Customer lifetime value ({currency}), discounted; log scale")
CUSTOMERS_AXIS = N_("Customers (count)")
CUSTOMERS = N_("customers")
LIFETIME_VALUE = N_("lifetime value")
SEGMENT_TITLE = N_("'{segment}' hold {value} of expected value with {customers} of customers")
SHARES_AXIS = N_("Share of all customers / of total lifetime value (%)")
RFM_SEGMENT = N_("RFM segment")
