"""How a report notebook hands facts to its HTML page: :func:`record`.

A notebook calls ``crmlib.reports.record(data_period=(start, end))`` (or any other
``key=value``); the values travel in an invisible output of MIME type
:data:`RECORD_MIME` and are read back from the executed notebook by the report runner.
Keys the runner uses:

- ``data_period``: shown in the page header and in the index, e.g. ``"1997-01-01 to 1998-06-30"``;
  a pair ``(start, end)`` of dates or strings is written that way.
- ``title``: overrides the page title (default: the notebook's first markdown heading).
- ``inputs``: ``{name: path}`` of the files the notebook really read (e.g. CDNOW chosen by a
  ``dataset`` parameter); the runner fingerprints these instead of the files it inferred from
  the parameters.

Other keys are kept in the index manifest (``index.json``) under ``recorded``.
"""

from __future__ import annotations

import json
from typing import Any

RECORD_MIME = "application/vnd.crmlib.record+json"


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):  # date, datetime, pandas Timestamp
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value


def record(**values: Any) -> None:
    """Record facts about this report run for its page header and the index; displays nothing.

    In a notebook cell::

        record(data_period=(transactions["date"].min(), transactions["date"].max()))
    """
    from IPython.display import display

    plain = {k: _plain(v) for k, v in values.items()}
    period = plain.get("data_period")
    if isinstance(period, list) and len(period) == 2:
        plain["data_period"] = f"{period[0]} to {period[1]}"
    display({RECORD_MIME: plain}, raw=True)


def read_records(nb) -> dict[str, Any]:
    """Every value recorded in an executed notebook (later calls win)."""
    found: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if RECORD_MIME in data and isinstance(data[RECORD_MIME], dict):
                found.update(data[RECORD_MIME])
    return found


__all__ = ["RECORD_MIME", "read_records", "record"]
