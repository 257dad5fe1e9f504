"""crmlib's figures, one module per subject, one style (:mod:`crmlib.plots.style`).

Every figure function has the signature ``f(data, *, ax=None, ...) -> Axes``: it draws ``data``
(a crmlib table) on ``ax``, or on the Axes of a new figure when ``ax`` is None, and returns the
Axes; multi-panel pictures are composed by the caller with ``plt.subplots``. Titles state what
the data show. Names say what is drawn, without ``plot_`` or ``_figure``; a figure of one crmlib
table takes that table's name (:func:`crmlib.plots.clv.tracking` draws
:func:`crmlib.clv.tracking`). Tables are never made here: they come from :mod:`crmlib.rfm`,
:mod:`crmlib.clv`, :mod:`crmlib.feedback`, :mod:`crmlib.retention` and :mod:`crmlib.overview`.

* :mod:`crmlib.plots.overview`: customer_base, frequency_distribution, spend_distribution, channel_mix
* :mod:`crmlib.plots.rfm`: rf_heatmap, segment_size_revenue, migration_heatmap, silhouette_by_k
* :mod:`crmlib.plots.clv`: tracking, calibration_holdout, frequency_recency_heatmap,
  clv_distribution, clv_by_segment
* :mod:`crmlib.plots.feedback`: trend, by_group, drivers, themes, value_by_nps_group
* :mod:`crmlib.plots.retention`: cohort_heatmap, retention_projection, churn_risk_by_segment,
  churn_curves, feature_importance

Submodules are imported on first use (``from crmlib.plots import clv``), so importing one subject
does not pull in the others' dependencies.
"""

import importlib

SUBJECTS = ("overview", "rfm", "clv", "feedback", "retention")


def __getattr__(name):
    if name in (*SUBJECTS, "style"):
        return importlib.import_module(f"crmlib.plots.{name}")
    raise AttributeError(f"module 'crmlib.plots' has no attribute {name!r}")


__all__ = [*SUBJECTS, "style"]
