"""Files the reports of one batch share in its work folder (:func:`crmlib.config.work_dir`).

The read of a transaction log (:class:`crmlib.TransactionLog`) and the per-customer table
(:mod:`crmlib.shared_table`) are made by the first report of a batch that needs them and read by the
others. Each is named by a fingerprint of what it is made from (:func:`fingerprint`), written under a
temporary name moved into place (no report reads half a file), and made under a lock (a report that
needs a file another is making waits for it instead of making it twice). A file that cannot be read is
made again; one that cannot be written (a full disk) is left out, and every report still has its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from pathlib import Path


def sweep_left_folders(where: Path, prefix: str) -> list[Path]:
    """Remove the folders ``<prefix><pid>-...`` in ``where`` whose process is gone: left by a process killed
    before its exit handlers ran (a batch's work folder holds raw customer ids, DuckDB's spill folder rows
    of the files). Only this user's folders, never one of a live process or of this one. Returns the
    folders removed."""
    import shutil

    removed = []
    for folder in where.glob(f"{prefix}*-*"):
        pid = folder.name[len(prefix):].split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid() or int(pid) == os.getpid():
                continue
            os.kill(int(pid), 0)  # the process is alive (or another user's): leave its folder
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        except (PermissionError, OSError):
            continue
    return removed


def fingerprint(facts) -> str:
    """A name for what ``facts`` (plain values: text, numbers, lists, mappings) describe."""
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def file_facts(files) -> list:
    """Each file's resolved path, size and modification time: a changed file is another input."""
    out = []
    for f in files:
        st = os.stat(f)
        out.append([str(Path(f).resolve()), st.st_size, st.st_mtime_ns])
    return out


@contextlib.contextmanager
def locked(path: Path):
    """An exclusive lock on ``path`` while the block runs (none where locks are not available)."""
    try:
        import fcntl

        handle = open(path, "a+b")
    except (ImportError, OSError):
        yield
        return
    with handle:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def temporary(path: Path) -> Path:
    """A temporary name beside ``path`` for this process, to be moved into place with :func:`os.replace`."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def read_pickle(path: Path):
    """The object pickled at ``path``, or None when there is none or it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, or half a file: made again, never trusted
        return None


def write_pickle(value, path: Path) -> bool:
    """Pickle ``value`` to ``path`` (moved into place when complete); False when it could not be written."""
    tmp = temporary(path)
    try:
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except (OSError, pickle.PicklingError):
        tmp.unlink(missing_ok=True)
        return False


__all__ = ["file_facts", "fingerprint", "locked", "read_pickle", "temporary", "write_pickle"]
