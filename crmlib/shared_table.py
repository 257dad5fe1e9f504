"""One per-customer table per batch of reports: :func:`customer_table`.

A batch (``crmlib report overview segments clv retention --transactions LOG``) runs every report in a
kernel of its own, and each of them builds :func:`crmlib.customers.customer_table` of the same log: at
10M rows, the summary of 4.1M customers, their scores, three model fits and the value, 20-30 s of CPU
each time. The runner gives its kernels a work folder (:data:`crmlib.config.WORK_ENV`, made for the
batch, private to the user, removed when the batch ends). In it, the first report that needs a table
builds it and writes it with its attrs (fitted models, ledger, score thresholds, the model's reasons),
named by a fingerprint of its inputs; a later report with the same inputs reads it instead. The
fingerprint covers the log's files (path, size, modification time), the log's own observation end and
duplicate rule, and every option of ``customer_table``; anything else builds a table of its own.

Two steps are shared apart: the scored summary (summary, spend, scores, segment: the same for every
report with the same observation end, time unit and scores, the overview's table without a model
included) and the finished table (the model's columns and attrs on top). While one report builds a
step, another that needs the same step waits for it (a lock per fingerprint) rather than build it
twice. A table read back is the table that was written, bit for bit, so every page is the one a
report alone would make. Outside a batch, or when the folder cannot be read or written, a report
builds its table itself, as before.

A DataFrame (a CSV or Excel file the reports load, the demo's data) is shared the same way, named by
its content instead of its files (:func:`frame_fingerprint`: values, types, index and attrs), so two
reports share a table only when they hold the same frame, value for value. A frame whose values or
attrs cannot be hashed builds its own table. The overview's scored summary is shared with the others' only for a
log, whose observation end is known before the summary is made.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path

import pandas as pd

from crmlib import config, workfiles
from crmlib.customers import complete_table, scored_summary
from crmlib.txlog import TransactionLog


def customer_table(transactions, *, observation_end=None, freq: str = "W", bins: int = 5, scheme=None,
                   model: str | None = "auto", horizon_days: float = 365, annual_discount: float = 0.10,
                   spend: bool = True) -> pd.DataFrame:
    """:func:`crmlib.customers.customer_table`, built once per batch of reports (module docstring)."""
    from crmlib.customers import transaction_model

    if model is not None and model != "auto":
        transaction_model(model)  # an unknown name is refused before any work
    folder = config.work_dir()
    scoring = dict(observation_end=observation_end, freq=freq, bins=bins, scheme=scheme)
    valuing = dict(model=model, horizon_days=horizon_days, annual_discount=annual_discount, spend=spend)
    if folder is None or not isinstance(transactions, (TransactionLog, pd.DataFrame)):
        return complete_table(scored_summary(transactions, **scoring), **valuing)
    if isinstance(transactions, pd.DataFrame):
        content = frame_fingerprint(transactions)
        if content is None:
            return complete_table(scored_summary(transactions, **scoring), **valuing)
        same = {**scoring, "scheme": None if _is_default(scheme, bins) else scheme}
        scored_key = _frame_key(content, same)
        table_key = _frame_key(content, {**same, **valuing})
        return _shared(folder, table_key, lambda: complete_table(
            _shared(folder, scored_key, lambda: scored_summary(transactions, **scoring)), **valuing))
    # the same table under the names the reports give it: no observation end is the log's last day (the
    # overview passes None, the others the date), and the default scheme is no scheme (segments passes it)
    end = next(d for d in (observation_end, transactions.observation_end, transactions.last_date) if d is not None)
    same = {**scoring, "observation_end": end,
            "scheme": None if _is_default(scheme, bins) else scheme}
    scored_key = fingerprint(transactions, same)
    table_key = fingerprint(transactions, {**same, **valuing})

    def scored():
        return _shared(folder, scored_key, lambda: scored_summary(transactions, **scoring))

    return _shared(folder, table_key, lambda: complete_table(scored(), **valuing))


def fingerprint(log: TransactionLog, options: dict) -> str:
    """A name for the table of ``log`` with ``options``: the same only for the same files, read the
    same way, and the same options."""
    return workfiles.fingerprint({"log": log.fingerprint(),
                                  "options": {k: _text(v) for k, v in sorted(options.items())}})


def frame_fingerprint(frame: pd.DataFrame) -> str | None:
    """A name for the content of ``frame``, or None when its values cannot be hashed: the SHA-256 of
    its columns and their types (a categorical's categories included), pandas' hash of every row
    and index value, each object value's type (pandas hashes 1 and "1" alike) and its pickled attrs.
    Two frames get the same name only when they hold the same values of the same types."""
    try:
        digest = hashlib.sha256(repr((list(frame.columns), [repr(t) for t in frame.dtypes], repr(frame.index.dtype),
                                      list(frame.index.names))).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=True, categorize=False).to_numpy().tobytes())
        for position in [i for i, t in enumerate(frame.dtypes) if pd.api.types.is_object_dtype(t)]:
            types = frame.iloc[:, position].map(lambda v: type(v).__qualname__)
            digest.update(pd.util.hash_pandas_object(types, index=False).to_numpy().tobytes())
        digest.update(pickle.dumps(frame.attrs, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # an unhashable value or an attr that does not pickle: the report builds its own table
        return None
    return digest.hexdigest()


def _frame_key(content: str, options: dict) -> str:
    return workfiles.fingerprint({"frame": content, "options": {k: _text(v) for k, v in sorted(options.items())}})


def _is_default(scheme, bins) -> bool:
    """Whether ``scheme`` is :func:`crmlib.rfm.default_scheme` of ``bins``, its limits included."""
    from crmlib.rfm import default_scheme

    if not isinstance(scheme, pd.DataFrame):
        return False
    try:
        default = default_scheme(bins)
    except Exception:  # bins the default cannot take: customer_table says so
        return False
    return scheme.equals(default) and _text(scheme) == _text(default)


def _text(value) -> str:
    """An option as text that tells its values apart: a table by its values, a date as a date."""
    if isinstance(value, pd.DataFrame):  # the rows, and the attrs that carry a scheme's recency limits
        return value.to_json(orient="split", date_format="iso") + repr(sorted(value.attrs.items()))
    if value is not None and not isinstance(value, (str, int, float, bool)):
        with contextlib.suppress(ValueError, TypeError):
            return f"date {pd.Timestamp(value).isoformat()}"
    return repr(value)


def _shared(folder: Path, key: str, build):
    """The table named ``key`` in ``folder``: read when a report wrote it, else built and written."""
    path = folder / f"table-{key}.pickle"
    with workfiles.locked(folder / f"table-{key}.lock"):
        table = workfiles.read_pickle(path)
        if table is None:
            table = build()
            workfiles.write_pickle(table, path)
    return table


__all__ = ["customer_table", "fingerprint", "frame_fingerprint"]
