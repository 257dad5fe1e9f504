"""RFM: scores, named segments and the playbook (:mod:`crmlib.rfm.scores`), k-means clusters
(:mod:`crmlib.rfm.clusters`), segment profiles, the R x F grid and migration between two dates
(:mod:`crmlib.rfm.profile`). Every public name is importable from here: ``rfm.score(...)``.

How the scores and the default segment scheme are defined is written out in
:mod:`crmlib.rfm.scores`.
"""

from crmlib.rfm.clusters import RFMClusters, cluster
from crmlib.rfm.profile import migration, profile, rf_grid
from crmlib.rfm.scores import (
    SCHEME_COLUMNS, SUMMARY_COLUMNS, THRESHOLDS_ATTR, RFMScale, add_spend, check_scheme, default_scheme, playbook,
    score, segment, spend_column, thresholds_of,
)

__all__ = ["RFMClusters", "RFMScale", "SCHEME_COLUMNS", "SUMMARY_COLUMNS", "THRESHOLDS_ATTR", "add_spend",
           "check_scheme", "cluster", "default_scheme", "migration", "playbook", "profile", "rf_grid", "score",
           "segment", "spend_column", "thresholds_of"]
