"""One summary in days per date and batch of reports: :func:`spend_summary`.

Two reports of a batch need the same summary of every customer at a date before the observation end:
the segments page's migration (segments 90 days before the end, :data:`crmlib.reports.segments_page.
COMPARE_DAYS`) and the retention page's churn comparison (its test cut-off, ``churn_window_days``
before the end; 90 by default). At 10M rows that summary of 3.6M customers costs 10-13 s of CPU. In a
batch (:func:`crmlib.config.work_dir`), the first report that needs the summary of a log at a date
makes it and writes it (pickled with its attrs, the ledger included) under a fingerprint of the log
(:meth:`crmlib.TransactionLog.fingerprint`) and the date; the other reads it, bit for bit the table
that was written, as :mod:`crmlib.shared_table` shares the customer table. Outside a batch, on a
DataFrame, or when the folder cannot be read or written, :func:`crmlib.customers.spend_summary` is
called as before.
"""

from __future__ import annotations

import pandas as pd

from crmlib import config, workfiles
from crmlib.customers import spend_summary as _spend_summary


def spend_summary(transactions, observation_end) -> pd.DataFrame:
    """:func:`crmlib.customers.spend_summary` of ``transactions`` up to ``observation_end`` (a date),
    made once per batch of reports (module docstring)."""
    from crmlib.txlog import TransactionLog

    folder = config.work_dir()
    if folder is None or not isinstance(transactions, TransactionLog) or observation_end is None:
        return _spend_summary(transactions, observation_end=observation_end)
    try:
        day = pd.Timestamp(observation_end).isoformat()
    except (ValueError, TypeError):  # not a date: spend_summary says so
        return _spend_summary(transactions, observation_end=observation_end)
    key = workfiles.fingerprint({"log": transactions.fingerprint(), "what": "spend_summary", "observation_end": day})
    path = folder / f"summary-{key}.pickle"
    with workfiles.locked(folder / f"summary-{key}.lock"):
        summary = workfiles.read_pickle(path)
        if summary is None:
            summary = _spend_summary(transactions, observation_end=observation_end)
            workfiles.write_pickle(summary, path)
    return summary


__all__ = ["spend_summary"]
