"""crmlib: CRM analytics for Jupyter - loaders, RFM, lifetime value, feedback and reports.

Everything public is one step from here:

* loading: :func:`read_transactions`, :func:`read_customers`, :func:`read_feedback`,
  :func:`ledger_of` (the data-quality ledger that travels with loaded data);
* the RFM summary: :func:`rfm_summary`;
* the per-customer table every report uses (summary, RFM segment, P(alive), CLV, CLV decile):
  :func:`customer_table` (from ``crmlib.customers``, imported on first use);
* errors: :class:`DataError`, :class:`NotFittedError`, :class:`ConvergenceError`;
* submodules, imported on first use: ``crmlib.privacy``, ``crmlib.datasets``, ``crmlib.rfm``,
  ``crmlib.audiences``, ``crmlib.clv``, ``crmlib.feedback``, ``crmlib.reports``, ``crmlib.plots``,
  ``crmlib.spark`` (the RFM summary computed in Spark, for data too large for pandas), ``crmlib.units``
  (days, weeks, months), ``crmlib.overview`` (the overview report's headline table),
  ``crmlib.findings`` (the sentences each report opens with), ``crmlib.segment_words`` (segment
  rules in words), ``crmlib.retention`` (cohorts, churn risk) and ``crmlib.churn`` (churn with labels).
"""

import importlib
import importlib.util

from crmlib.exceptions import ConvergenceError, DataError, NotFittedError

__version__ = "0.1.0"

_SUBMODULES = {"audiences", "basket", "churn", "clv", "config", "customers", "datasets", "feedback", "indic_fonts", "io",
               "ledger", "overview", "plots", "privacy", "reports", "retention", "rfm", "spark", "summary", "txlog", "units"}
_SUBMODULES |= {"findings", "segment_words"}  # a report's opening sentences; segments in words
# Public functions, imported on first use like the submodules: ``import crmlib`` costs no pandas, so
# the ``crmlib`` command answers Ctrl-C from its first moments with one line (issue 18).
_LAZY = {"customer_table": "customers", "read_customers": "io", "read_feedback": "io", "read_transactions": "io",
         "Ledger": "ledger", "ledger_of": "ledger", "rfm_summary": "summary", "TransactionLog": "txlog"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f"crmlib.{_LAZY[name]}"), name)
    if name in _SUBMODULES or (not name.startswith("_") and importlib.util.find_spec(f"crmlib.{name}")):
        return importlib.import_module(f"crmlib.{name}")
    raise AttributeError(f"module 'crmlib' has no attribute {name!r}")


__all__ = ["ConvergenceError", "DataError", "Ledger", "NotFittedError", "__version__", "customer_table",
           "ledger_of", "read_customers", "read_feedback", "read_transactions", "rfm_summary", "TransactionLog"]
