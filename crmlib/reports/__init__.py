"""Report notebooks run with papermill into offline HTML pages, with an index of every run.

Python use (the ``crmlib report`` command does the same)::

    from crmlib.reports import run_reports
    batch = run_reports(["segments"], "reports", params={"region": ["North", "South"]}, jobs=2)
    print(batch.summary())   # batch.ok is False when a report failed; see batch.index_path

Modules: :mod:`~crmlib.reports.params` (check and plan a request before any kernel starts),
:mod:`~crmlib.reports.inputs` (the one rule for which files a report reads, loads and records),
:mod:`~crmlib.reports.runner` (papermill runs, index), :mod:`~crmlib.reports.html` (pages),
:mod:`~crmlib.reports.record` (what a notebook tells its page), :mod:`~crmlib.reports.command`
(the ``crmlib report`` command).
"""

from crmlib.reports.command import add_report_arguments, parse_params, run_from_args
from crmlib.reports.params import NotebookSpec, ReportPlan, inspect_notebook, plan_reports, report_stem
from crmlib.reports.record import RECORD_MIME, read_records, record
from crmlib.reports.inputs import Inputs, load_inputs
from crmlib.reports.runner import BatchResult, Interrupted, ReportResult, run_reports, update_index

__all__ = [
    "RECORD_MIME",
    "BatchResult",
    "Inputs",
    "Interrupted",
    "NotebookSpec",
    "ReportPlan",
    "ReportResult",
    "add_report_arguments",
    "inspect_notebook",
    "load_inputs",
    "parse_params",
    "plan_reports",
    "read_records",
    "record",
    "report_stem",
    "run_from_args",
    "run_reports",
    "update_index",
]
