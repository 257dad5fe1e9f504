"""The files around a report: its inputs (name, size, hash) and the files it wrote into its output folder."""

from __future__ import annotations

import contextlib
import csv
import glob
import hashlib
import itertools
import os
from pathlib import Path
from typing import Any

from crmlib.duck import expand
from crmlib.reidentify import PSEUDONYM
from crmlib.reports.params import INPUT_PARAMETERS, ReportPlan

#: At most this many files written by a report are listed on its page and in the index.
MAX_LISTED_FILES = 200
#: Data rows of a CSV read to tell whether a column holds pseudonyms (:func:`holds_pseudonyms`).
PSEUDONYM_ROWS = 50


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(plan: ReportPlan) -> dict[str, Path]:
    """The input files a report is given: ``--transactions``/``--customers``/``--feedback`` and the
    input parameters set on the command line or grid. Nothing else: no demo data stand in for a
    file not given. (What the notebook records with ``record(inputs=...)`` replaces this after the run.)"""
    files = {}
    for key in INPUT_PARAMETERS:
        if key not in plan.spec.parameters:
            continue
        value = plan.parameters.get(key) or plan.inputs.get(key)
        if value:
            files[key] = Path(value).expanduser().resolve()
    return files


def _file_info(path: Path) -> dict[str, Any]:
    """Name, path, size and sha256 of an input file; for a glob (a transactions log in several
    files) the total size and one hash over the matched files' hashes, in name order."""
    if not glob.has_magic(str(path)):
        return {"name": path.name, "path": str(path), "size": path.stat().st_size, "sha256": file_sha256(path)}
    found = [Path(p) for p in expand(path)]  # the one glob expansion (crmlib.duck)
    if not found:
        raise FileNotFoundError(2, "no file matches", str(path))
    joined = "\n".join(f"{p.name}:{file_sha256(p)}" for p in found)
    return {"name": path.name, "path": str(path), "size": sum(p.stat().st_size for p in found),
            "sha256": hashlib.sha256(joined.encode()).hexdigest()}


def fingerprint(files: dict[str, Path]) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """One short hash over all input files, and for each input its file ``name``, ``path``, ``size``
    (bytes) and ``sha256``. Raises OSError when a file cannot be read."""
    info = {k: _file_info(p) for k, p in sorted(files.items())}
    if not info:
        return None, info
    joined = "\n".join(f"{k}:{v['sha256']}" for k, v in info.items())
    return hashlib.sha256(joined.encode()).hexdigest()[:12], info


def written_files(folder: Path, out_dir: Path) -> list[dict[str, Any]]:
    """The files a report wrote into its ``output_dir`` (hidden ones skipped), by path: each one's path
    relative to ``out_dir`` (where the page is, so the path is the page's link), size, and row count
    for a CSV (rows after the header); ``pseudonyms: True`` for a CSV naming customers by pseudonym
    (an action list a key holder may map back with ``crmlib reidentify``)."""
    files = []
    with contextlib.suppress(OSError):
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            rel = path.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts):
                continue
            info: dict[str, Any] = {"path": os.path.relpath(path, out_dir), "size": path.stat().st_size}
            if path.suffix.lower() == ".csv":
                info["rows"] = _csv_rows(path)
                if holds_pseudonyms(path):
                    info["pseudonyms"] = True
            files.append(info)
            if len(files) >= MAX_LISTED_FILES:
                break
    return files


def _csv_rows(path: Path) -> int | None:
    """Rows of a CSV file after its header (quoted line breaks counted right); None if unreadable."""
    try:
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
    except (OSError, csv.Error):
        return None


def holds_pseudonyms(path: Path) -> bool:
    """Whether a CSV names customers by pseudonym: a column whose non-blank values in the first
    :data:`PSEUDONYM_ROWS` data rows are all crmlib pseudonyms (``c_`` and 16 hex digits,
    :data:`crmlib.reidentify.PSEUDONYM`, the rule ``crmlib reidentify`` finds the column by). The
    header is not read: its labels are in the page's language."""
    try:
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            rows = list(itertools.islice(csv.reader(fh), 1, PSEUDONYM_ROWS + 1))
    except (OSError, csv.Error):
        return False
    width = max((len(r) for r in rows), default=0)
    for i in range(width):
        values = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
        if values and all(PSEUDONYM.match(v) for v in values):
            return True
    return False
