"""The one rule for which files a report reads: resolve, check, load and record its inputs.

Every report notebook loads its data with :func:`load_inputs`, and the runner checks a request
with :func:`check_request` before any kernel starts, so both follow the same rule:

* a report uses exactly the files it is given (``--transactions``, ``--customers``,
  ``--feedback``, or the notebook parameters of the same names) - never demo data as a fallback;
  demo data reach a report only through ``crmlib demo`` or ``crmlib report --demo``, which pass
  the demo files like any others;
* a report missing an input it needs stops with one line naming the input and the flag;
* an optional input that is not given leaves its section out, and :meth:`Inputs.left_out` writes
  the sentence that says which input would enable it;
* the files read are recorded (:func:`crmlib.reports.record`) so the page and the index name them.

``dataset="cdnow_master"`` or ``"cdnow_sample"`` stands for the CDNOW transactions shipped with
crmlib (no personal data), for reports that want a real public data set.

Large logs (:func:`uses_log`). A report whose notebook asks for it (``load_inputs(...,
out_of_core=True)``: overview, segments and clv) gets its transactions as a :class:`crmlib.TransactionLog`,
read out-of-core by DuckDB, when they are

* a glob such as ``'logs/*.parquet'`` (the files must have crmlib's column names),
* a Parquet file whose columns have crmlib's names (``customer_id``, ``date``, ``amount``), or
* a CSV file with those names larger than :data:`LARGE_FILE_BYTES`;

everything else (a CSV, TSV or Excel export with other headers, encodings or number formats, a
small CSV, the bundled CDNOW data) is read by :func:`crmlib.read_transactions` into a DataFrame,
which reads aliases and messy values. Both give the same per-customer numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmlib.exceptions import DataError

if TYPE_CHECKING:  # pandas is imported where a file is read: the command's parser (DATASETS) needs none of it
    import pandas as pd

#: The input files a report can take, in the order they are listed.
INPUT_NAMES = ("transactions", "customers", "feedback")
#: Inputs each shipped report cannot run without; the others are optional.
REQUIRED = {
    "overview": ("transactions",),
    "segments": ("transactions",),
    "clv": ("transactions",),
    "feedback": ("feedback",),
    "retention": ("transactions",),
}
#: Bundled data sets a ``dataset`` parameter may name, standing for the transactions input.
DATASETS = {"cdnow_master": "CDNOW_master.txt", "cdnow_sample": "CDNOW_sample.txt"}
#: A CSV file larger than this (with crmlib's column names) is read out-of-core by reports that can.
LARGE_FILE_BYTES = 200 * 1024 ** 2
_NEEDED = ("customer_id", "date", "amount")


def _flag(name: str) -> str:
    return f"--{name} FILE"


def missing_message(report: str, name: str) -> str:
    """The one line a report missing a required input stops with."""
    extra = " (or --dataset cdnow for the bundled CDNOW data)" if name == "transactions" else ""
    return (f"The {report} report needs a {name} file: pass {_flag(name)}{extra}; "
            f"'crmlib report {report} --demo' runs it on the demo data.")


def check_request(report: str, given: dict[str, Any]) -> None:
    """Refuse, before any kernel starts, a request that lacks an input the report needs.

    ``given`` maps parameter names to the values passed (``None`` or absent: not given).

    >>> check_request("clv", {"transactions": "orders.csv"})
    >>> check_request("clv", {})
    Traceback (most recent call last):
    ...
    crmlib.exceptions.DataError: The clv report needs a transactions file: ...
    """
    for name in REQUIRED.get(report, ()):
        if given.get(name) is None and not (name == "transactions" and given.get("dataset")):
            raise DataError(missing_message(report, name))


def existing_file(name: str, value: Any) -> Path:
    """The absolute path of an input file that exists and can be read; else one line saying why.

    A transactions glob (``'logs/*.parquet'``) is returned as an absolute pattern when it matches
    files (read by :class:`crmlib.TransactionLog`)."""
    import glob

    text = str(value)
    if name == "transactions" and glob.has_magic(text):
        pattern = Path(text).expanduser().absolute()
        found = sorted(p for p in glob.glob(str(pattern)) if Path(p).is_file())
        if not found:
            raise DataError(f"Input {name!r}: no file matches {pattern}; check the pattern (relative to {Path.cwd()}).")
        return pattern
    path = Path(text).expanduser()
    if path.is_dir():
        raise DataError(f"Input {name!r}: {path} is a folder, not a file; pass the {name} file inside it.")
    if path.exists() and not path.is_file():  # a device (/dev/zero), a pipe or a socket
        from crmlib.io import not_a_file

        raise DataError(f"Input {name!r}: {not_a_file(path, name)}")
    if not path.is_file():
        raise DataError(f"Input {name!r}: file {path} does not exist; check the path (relative to {Path.cwd()}).")
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise DataError(f"Input {name!r}: file {path} cannot be read ({exc.strerror or exc}); "
                        "check its permissions.") from None
    return path.resolve()


def _header(path: Path) -> list[str]:
    """Column names of a Parquet or CSV file ([] when they cannot be read cheaply)."""
    import csv

    name = path.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        if name.endswith((".csv", ".csv.gz")):
            import gzip

            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8", newline="") as fh:
                return next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    return []


def uses_log(path: Path) -> bool:
    """True when transactions at ``path`` are read out-of-core (the rule in the module docstring).

    >>> uses_log(Path("logs/*.parquet"))
    True
    """
    import glob

    if glob.has_magic(str(path)):
        return True
    name = path.name.lower()
    if not name.endswith((".parquet", ".pq", ".csv", ".csv.gz")):
        return False
    if not set(_NEEDED) <= set(_header(path)):
        return False
    return name.endswith((".parquet", ".pq")) or path.stat().st_size > LARGE_FILE_BYTES


def _load_dataset(dataset: str, observation_end) -> tuple[pd.DataFrame, Path]:
    """A bundled data set read through the same loader as a user's file
    (:func:`crmlib.io.read_transactions`), so its ledger counts the same things: duplicates, zero
    amounts, returns and rows after ``observation_end``. Example rows are the file's line numbers."""
    import pandas as pd

    from crmlib import config, datasets, io
    from crmlib.ledger import ledger_of

    if dataset not in DATASETS:
        raise DataError(f"dataset={dataset!r} is not a bundled data set; use one of {sorted(DATASETS)}.")
    raw = datasets.load_cdnow(dataset.removeprefix("cdnow_")).drop(columns="is_return")
    header_lines = 1 if dataset == "cdnow_master" else 0  # lines before the first record in the file
    raw.index = pd.RangeIndex(1 + header_lines, len(raw) + 1 + header_lines)
    tx = io.read_transactions(raw, observation_end=observation_end)
    path = config.CDNOW_DIR / DATASETS[dataset]
    ledger = ledger_of(tx)
    ledger.source = path.name
    ledger.note("example rows are line numbers of the file")
    return tx, path


@dataclass
class Inputs:
    """The loaded inputs of one report run; ``None`` for an input that was not given."""

    report: str
    transactions: Any = None  # a DataFrame, or a crmlib.TransactionLog (see uses_log)
    customers: pd.DataFrame | None = None
    feedback: pd.DataFrame | None = None
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def frames(self) -> list:
        """The loaded tables (and transaction log), for the data-quality ledger."""
        return [f for f in (self.transactions, self.customers, self.feedback) if f is not None]

    def left_out(self, name: str, message: str, w) -> str:
        """The sentence a page shows where a section needs the optional input ``name``: ``message``
        (a message of :mod:`crmlib.words` with the fields ``{file}`` and ``{flag}``) in the words ``w``."""
        return w(message, file=name, flag=_flag(name))


def load_inputs(report: str, *, transactions=None, customers=None, feedback=None, dataset=None,
                observation_end=None, record: bool = True, out_of_core: bool = False) -> Inputs:
    """Load exactly the inputs given to ``report``, refuse missing required ones, record the files.

    Transactions after ``observation_end`` are dropped and counted in the ledger. Customers and
    feedback are read as they are (comments redacted as they are read). With ``out_of_core``
    (a report whose code takes a :class:`crmlib.TransactionLog`), large logs stay on disk
    (:func:`uses_log`); without it, a glob is refused.
    """
    import glob

    from crmlib import io
    from crmlib.txlog import TransactionLog

    def read_transactions(path: Path):
        if out_of_core and uses_log(path):
            log = TransactionLog(str(path), observation_end=observation_end)
            len(log)  # read now, so bad files stop here with their one-line error
            return log
        if glob.has_magic(str(path)):
            raise DataError(f"The {report} report reads one transactions file, not a pattern ({path}); "
                            "the overview, segments and clv reports read globs of Parquet or CSV files.")
        return io.read_transactions(path, observation_end=observation_end)

    given = {"transactions": transactions, "customers": customers, "feedback": feedback, "dataset": dataset}
    check_request(report, given)
    out = Inputs(report)
    if transactions is not None and dataset is not None:
        raise DataError(f"The {report} report was given both a transactions file and dataset={dataset!r}; "
                        "pass one of them.")
    if dataset is not None:
        out.transactions, out.files["transactions"] = _load_dataset(dataset, observation_end)
    loaders = {"transactions": read_transactions,
               "customers": io.read_customers, "feedback": io.read_feedback}
    for name, value in given.items():
        if name in loaders and value is not None:
            path = existing_file(name, value)
            setattr(out, name, loaders[name](path))
            out.files[name] = path
    if record:
        from crmlib.reports.record import record as record_facts

        record_facts(inputs={k: str(v) for k, v in out.files.items()})
    return out


__all__ = ["DATASETS", "INPUT_NAMES", "LARGE_FILE_BYTES", "REQUIRED", "Inputs", "check_request", "existing_file",
           "load_inputs", "missing_message", "uses_log"]
