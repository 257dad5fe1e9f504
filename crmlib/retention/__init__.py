"""Retention and churn: acquisition cohorts, the sBG projection of a cohort, churn risk without labels.

* :mod:`crmlib.retention.cohorts`: :func:`cohort_table` (customers, or their share, or revenue, of each
  acquisition cohort in each period since acquisition), :func:`cohort_sizes`, :func:`cohort_shares`,
  :func:`cohort_coverage` (the days each cohort's acquisition covers: a first cohort the data start inside of is
  partial), :func:`first_period_trend` and :func:`early_cohorts` (first cohorts that hold customers from before
  the data);
* :mod:`crmlib.retention.survival`: :func:`project_retention`, the shifted-beta-geometric model
  (:class:`crmlib.clv.ShiftedBetaGeo`) fitted to a cohort's first periods, projected over the periods that followed,
  beside what did, and :func:`model_retention`, the share of a cohort still active under the transaction model;
* :mod:`crmlib.retention.risk`: :func:`inactivity_days`, :func:`churn_risk` and :func:`churn_by_segment` (P(alive)
  of the per-customer table every report uses, :func:`crmlib.customer_table`, beside a simple inactivity rule,
  without any churn labels) and :func:`winback_list` (lapsed repeat buyers in segments the value playbook says to
  win back, with the reason for each and pseudonyms only);
* churn with labels (a supervised model against P(alive) and the inactivity rule) is in :mod:`crmlib.churn`;
* the sentences the retention report opens with are :mod:`crmlib.words.retention`'s.

What counts as a purchase is the rule of :mod:`crmlib.summary`: a customer-day with a transaction
that is not a return and a net amount >= 0. A customer's cohort is the period of their first
purchase. Periods are calendar periods: ``"W"`` weeks (ending Sunday), ``"M"`` months,
``"Q"`` quarters.
"""

from crmlib.retention.cohorts import (
    COHORT_VALUES,
    PERIOD_NAMES,
    cohort_coverage,
    cohort_shares,
    cohort_sizes,
    cohort_table,
    early_cohorts,
    first_period_trend,
)
from crmlib.retention.risk import churn_by_segment, churn_risk, inactivity_days, winback_list
from crmlib.retention.survival import default_cohort, model_retention, project_retention

__all__ = ["COHORT_VALUES", "PERIOD_NAMES", "churn_by_segment", "churn_risk", "cohort_coverage", "cohort_shares",
           "cohort_sizes", "cohort_table", "default_cohort", "early_cohorts", "first_period_trend", "inactivity_days",
           "model_retention", "project_retention", "winback_list"]
