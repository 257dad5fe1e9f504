"""Report notebooks run with papermill into offline HTML pages, with an index of every run.

Python use (the ``crmlib report`` command does the same)::

    from crmlib.reports import run_reports
    batch = run_reports(["segments"], "reports", params={"region": ["North", "South"]}, jobs=2)
    print(batch.summary())   # batch.ok is False when a report failed; see batch.index_path

Modules: :mod:`~crmlib.reports.params` (check and plan a request before any kernel starts),
:mod:`~crmlib.reports.inputs` (the one rule for which files a report reads, loads and records),
:mod:`~crmlib.reports.runner` (batches, index), :mod:`~crmlib.reports.execute` (one papermill run and its
page), :mod:`~crmlib.reports.results` (what runs end as), :mod:`~crmlib.reports.html` (pages),
:mod:`~crmlib.reports.record` (what a notebook tells its page), :mod:`~crmlib.reports.command`
(the ``crmlib report`` command).
"""

import importlib

# The function ``record`` shares its name with its module: imported here, before anything else can
# import the module, so ``from crmlib.reports import record`` is always the function.
from crmlib.reports.record import RECORD_MIME, read_records, record

#: Public name -> the submodule defining it. Imported on first use, so a report kernel that needs
#: only ``record``, ``load_inputs`` or ``tables.show`` does not load papermill, nbconvert and
#: nbformat (about 2 s per kernel); ``from crmlib.reports import run_reports`` works as before.
_WHERE = {
    "add_report_arguments": "command", "parse_params": "command", "run_from_args": "command",
    "add_language_arguments": "command", "language_options": "command",
    "NotebookSpec": "notebook_spec", "ReportPlan": "params", "inspect_notebook": "notebook_spec",
    "plan_reports": "params", "report_stem": "params",
    "Inputs": "inputs", "load_inputs": "inputs",
    "BatchResult": "runner", "Interrupted": "runner", "ReportResult": "runner",
    "run_reports": "runner", "run_suites": "runner", "update_index": "runner",
}


_SUBMODULES = ("command", "execute", "files", "html", "inputs", "kernels", "params", "results", "runner", "tables")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"crmlib.reports.{name}")
    if name not in _WHERE:
        raise AttributeError(f"module 'crmlib.reports' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"crmlib.reports.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))


__all__ = [
    "RECORD_MIME",
    "BatchResult",
    "Inputs",
    "Interrupted",
    "NotebookSpec",
    "ReportPlan",
    "ReportResult",
    "add_language_arguments",
    "add_report_arguments",
    "inspect_notebook",
    "language_options",
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
