"""Map an action list's pseudonyms back to real customer ids, for the holder of the key.

Every list a report writes (top customers and per-customer values of the CLV report, the win-back list,
the audiences and the user-data import of the segment report) names customers only by their keyed
pseudonym, ``crmlib.privacy.pseudonymise(customer_id)`` with the ``CRMLIB_SECRET`` key. Whoever holds
that key and the input files can get back to their own ids: :func:`reidentify` reads the customer ids
of the given files with crmlib's own loaders (the same id rule as the reports), pseudonymises each with
the same key, and joins the list's pseudonym column back to the real ids.

The result holds real customer ids, so it is written only on request, only to a path the user chose
outside every reports folder (a folder holding ``index.json``, and its sub-folders), readable by its
owner alone (mode 0600), with a first line saying what it holds. No report reads, links or lists it.

>>> import pandas as pd
>>> from crmlib.privacy import pseudonymise
>>> ids = pd.Series(["C1", "C2", "C3"])
>>> action = pd.DataFrame({"user_id": pseudonymise(ids, key="k").iloc[[2, 0]].tolist(), "segment": ["A", "B"]})
>>> mapped = join_real_ids(action, "user_id", pseudonym_map(ids, key="k"))
>>> list(mapped.columns), mapped["customer_id"].tolist()
(['user_id', 'customer_id', 'segment'], ['C3', 'C1'])
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pandas as pd

from crmlib.config import SECRET_ENV
from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.safe import write_csv

__all__ = ["PRIVATE_NOTE", "REAL_ID_COLUMN", "find_pseudonym_column", "join_real_ids", "pseudonym_map",
           "reidentify", "reports_folder_of", "write_private"]

#: The column of real ids added to the action list.
REAL_ID_COLUMN = "customer_id"
#: The first line of every file :func:`write_private` writes (a CSV comment: ``pd.read_csv(comment="#")``).
PRIVATE_NOTE = ("# PRIVATE: this file holds real customer ids (crmlib reidentify). Keep it out of the reports "
                "folder, do not forward it with the reports, delete it when the action is done.")
#: What a pseudonym made by crmlib.privacy.pseudonymise looks like.
PSEUDONYM = re.compile(r"^c_[0-9a-f]{16}$")
#: The file that marks a folder as a reports folder (written by crmlib.reports with index.html).
INDEX_FILE = "index.json"


def key_from_environment(allow_public_key: bool = False) -> str:
    """The ``CRMLIB_SECRET`` key; refused when it is unset, or is crmlib's public default key and
    ``allow_public_key`` is false (then anyone can re-identify, and the lists were never private)."""
    from crmlib import privacy

    key = os.environ.get(SECRET_ENV)
    if not key:
        raise DataError(f"{SECRET_ENV} is not set: pseudonyms can be mapped back only with the key the reports "
                        f"were made with. Set {SECRET_ENV} to that key and run again.")
    if privacy.using_default_key(key) and not allow_public_key:
        raise DataError(f"{SECRET_ENV} holds crmlib's public default key: lists made with it were never private. "
                        f"Set {SECRET_ENV} to your own secret, make the reports again and map those lists; "
                        f"or pass --allow-public-key to map lists made with the public key.")
    return key


def pseudonym_map(ids, key: str) -> pd.Series:
    """Real id for each pseudonym of ``ids`` (a Series indexed by pseudonym), made with ``key``.

    Two ids with one pseudonym (a 64-bit collision) would make a mapping ambiguous: refused."""
    from crmlib.privacy import pseudonymise

    real = pd.Series(pd.unique(pd.Series(ids, dtype="string").dropna()), dtype="string")
    with warnings.catch_warnings():  # the public key was allowed explicitly; the caller warns once
        warnings.simplefilter("ignore")
        pseud = pseudonymise(real, key=key)
    mapping = pd.Series(real.to_numpy(), index=pd.Index(pseud.to_numpy(), name="pseudonym"), name=REAL_ID_COLUMN)
    clashes = int(mapping.index.duplicated().sum())
    if clashes:
        raise DataError(f"{clashes} pseudonyms stand for more than one customer id in the given files; "
                        "the mapping would be ambiguous. Report this to the crmlib maintainers.")
    return mapping


def find_pseudonym_column(frame: pd.DataFrame, path, column: str | None = None) -> str:
    """The column of ``frame`` holding pseudonyms: ``column`` when given, else the first column
    whose non-blank values are all pseudonyms (``c_`` and 16 hex digits)."""
    if column is not None:
        require_columns(frame, (column,), str(path), "pseudonyms", "Name the column of pseudonyms with --column.")
        return column
    for name in frame.columns:
        values = frame[name].dropna().astype(str)
        if len(values) and values.str.fullmatch(PSEUDONYM).all():
            return name
    raise DataError(f"{path}: no column holds crmlib pseudonyms (c_ and 16 hex digits) in every row; its "
                    f"columns are {', '.join(map(str, frame.columns))}. Name the column with --column.")


def join_real_ids(action: pd.DataFrame, column: str, mapping: pd.Series) -> pd.DataFrame:
    """``action`` with :data:`REAL_ID_COLUMN` (blank where the pseudonym is not among the mapped ids)
    inserted right after ``column``; rows and their order unchanged."""
    out = action.copy()
    real = out[column].map(mapping)
    if REAL_ID_COLUMN in out.columns:
        out = out.drop(columns=REAL_ID_COLUMN)
    out.insert(list(out.columns).index(column) + 1, REAL_ID_COLUMN, real.astype("string"))
    return out


def reports_folder_of(path) -> Path | None:
    """The reports folder ``path`` would lie in (the nearest folder above it holding ``index.json``), or None."""
    folder = Path(path).resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / INDEX_FILE).is_file():
            return candidate
    return None


def write_private(frame: pd.DataFrame, out, *, overwrite: bool = False) -> Path:
    """Write ``frame`` as CSV to ``out`` with :data:`PRIVATE_NOTE` as its first line, mode 0600.

    Refused inside a reports folder (the pages and index live there, and folders of reports are
    forwarded whole), and over an existing file unless ``overwrite``."""
    out = Path(out)
    folder = reports_folder_of(out)
    if folder is not None:
        raise DataError(f"{out}: this lies inside the reports folder {folder} (it holds {INDEX_FILE}); a file of "
                        "real customer ids must not sit next to the reports. Choose a path outside it.")
    if out.exists() and not overwrite:
        raise DataError(f"{out} exists already; choose another path or pass --overwrite.")
    if not out.parent.is_dir():
        raise DataError(f"{out}: the folder {out.parent} does not exist; create it or choose another path.")
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file existed with a wider mode
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(PRIVATE_NOTE + "\n")
        write_csv(frame, fh)  # a person opens it in a spreadsheet: formulas neutralised
    return out


def _ids_of(customers=(), transactions=()) -> pd.Series:
    """Every customer id of the given files, read by crmlib's loaders (the reports' id rule)."""
    from crmlib import io

    frames = [io.read_customers(p)["customer_id"] for p in customers]
    frames += [io.read_transactions(p)["customer_id"] for p in transactions]
    if not frames:
        raise DataError("give the files the reports read: --customers and/or --transactions.")
    return pd.concat([f.astype("string") for f in frames], ignore_index=True)


def reidentify(action_list, out, *, customers=(), transactions=(), column: str | None = None,
               key: str | None = None, allow_public_key: bool = False, overwrite: bool = False) -> dict:
    """Map ``action_list`` (a CSV a report wrote) back to real ids and write it privately to ``out``.

    ``key`` defaults to ``CRMLIB_SECRET`` (see :func:`key_from_environment`). Returns counts only
    (``rows``, ``matched``, ``column``, ``out``): nothing about an id, so it can be printed."""
    if key is None:
        key = key_from_environment(allow_public_key)
    elif not allow_public_key:
        from crmlib.privacy import using_default_key

        if using_default_key(key):
            raise DataError("the key is crmlib's public default key; pass allow_public_key=True to use it.")
    action_list = Path(action_list)
    folder = reports_folder_of(out)  # checked again on writing; here before any file is read
    if folder is not None:
        write_private(pd.DataFrame(), out)  # raises, naming the folder
    if Path(out).resolve() == action_list.resolve():
        raise DataError(f"{out}: that is the action list itself; write the private file elsewhere.")
    action = pd.read_csv(action_list, dtype=str, keep_default_na=False, na_values=[""], comment=None)
    name = find_pseudonym_column(action, action_list, column)
    mapping = pseudonym_map(_ids_of(customers, transactions), key)
    joined = join_real_ids(action, name, mapping)
    matched = int(joined[REAL_ID_COLUMN].notna().sum())
    if len(action) and not matched:
        raise DataError(f"{action_list}: none of its {len(action)} pseudonyms (column {name!r}) matches an id of "
                        f"the given files with this key. Check that {SECRET_ENV} is the key the reports were "
                        "made with and that the files are the ones they read. Nothing was written.")
    written = write_private(joined, out, overwrite=overwrite)
    return {"rows": len(action), "matched": matched, "column": name, "out": written}
