"""RFM: scores (:mod:`crmlib.rfm.scores`), named segments and the playbook (:mod:`crmlib.rfm.segments`), k-means clusters
(:mod:`crmlib.rfm.clusters`), segment profiles, the R x F grid and migration between two dates
(:mod:`crmlib.rfm.profile`), absolute recency limits on names (:mod:`crmlib.rfm.limits`) and the
playbook from value and P(alive) (:mod:`crmlib.rfm.advice`). Every public name is importable from here: ``rfm.score(...)``.

How the scores are defined is written out in :mod:`crmlib.rfm.scores`, the default segment scheme in
:mod:`crmlib.rfm.segments`.
"""

from crmlib.rfm.advice import WINBACK_ACTIONS, value_playbook
from crmlib.rfm.clusters import RFMClusters, cluster, cluster_or_reason, days_since_last
from crmlib.rfm.limits import RecencyLimits, limits_of, named_cuts
from crmlib.rfm.profile import SingleCohort, migration, profile, rf_grid, single_cohort
from crmlib.rfm.scores import (
    SUMMARY_COLUMNS, THRESHOLDS_ATTR, RFMScale, add_spend, cut_points_of_counts, mean_spend, score, spend_column,
    thresholds_of,
)
from crmlib.rfm.segments import (
    DEFAULT_LIMITS, SCHEME_COLUMNS, SCHEME_NAMES, check_scheme, default_scheme, playbook, scheme_for, segment,
)

__all__ = ["SingleCohort", "single_cohort", "WINBACK_ACTIONS", "value_playbook", "DEFAULT_LIMITS", "RFMClusters", "RFMScale", "RecencyLimits", "SCHEME_COLUMNS", "SCHEME_NAMES", "SUMMARY_COLUMNS", "THRESHOLDS_ATTR", "add_spend",
           "check_scheme", "cut_points_of_counts", "mean_spend", "cluster", "cluster_or_reason", "days_since_last", "default_scheme", "limits_of", "migration", "named_cuts", "playbook", "profile", "rf_grid", "scheme_for", "score",
           "segment", "spend_column", "thresholds_of"]
