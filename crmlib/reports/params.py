"""Plan a batch before any kernel starts: read each notebook's parameters, type the values, expand grids.

Everything that can be refused is refused here, with a :class:`~crmlib.exceptions.DataError`
whose one-line message names the notebook, its parameters and their defaults. What a notebook
declares is read by :mod:`crmlib.reports.notebook_spec`, a value is typed by :mod:`crmlib.reports.coerce`
(both re-exported here).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmlib import config
from crmlib.exceptions import DataError
from crmlib.reports.atomic import temporary_name
from crmlib.reports.checks import check_values, currency_code
from crmlib.reports.coerce import MAX_MAGNITUDE, MAX_MAGNITUDE_ENV, coerce, max_magnitude
from crmlib.reports.inputs import check_request, existing_file
from crmlib.reports.notebook_spec import (
    NotebookSpec,
    Parameter,
    inspect_notebook,
    notebook_title,
    read_notebook,
    resolve_notebook,
)

__all__ = [
    "INPUT_PARAMETERS", "MAX_MAGNITUDE", "MAX_MAGNITUDE_ENV", "NAMING_OPTIONS", "OUTPUT_DIR_PARAMETER",
    "NotebookSpec", "Parameter", "ReportPlan", "check_out_dir", "coerce", "combinations", "inspect_notebook",
    "max_magnitude", "notebook_title", "plan_reports", "read_grid", "read_notebook", "report_stem",
    "resolve_notebook",
]

#: Parameters that name input files: passed from --transactions/--customers/--feedback and checked to exist.
INPUT_PARAMETERS = ("transactions", "customers", "feedback")
#: Parameter that, when a notebook declares it, receives the report's own folder for extra files.
OUTPUT_DIR_PARAMETER = "output_dir"
#: Options (``run_reports(options=...)``) that name the report file, like a ``-p`` value, where they
#: are passed: ``dataset`` (``--dataset cdnow_master`` writes segments__dataset=cdnow_master.html).
NAMING_OPTIONS = ("dataset",)


@dataclass
class ReportPlan:
    """One report to run: a notebook and one combination of typed parameter values."""

    spec: NotebookSpec
    parameters: dict[str, Any]  # the values chosen on the command line or grid (name the report)
    inputs: dict[str, Path] = field(default_factory=dict)  # input-file parameters actually passed
    stem: str = ""
    options: dict[str, Any] = field(default_factory=dict)  # e.g. currency: passed, not naming the report

    @property
    def name(self) -> str:
        return self.spec.name


def combinations(params: dict[str, Any] | None, grid) -> list[dict[str, Any]]:
    """Every combination of ``params`` and ``grid``, in a stable order.

    ``params`` maps a name to one value, or to a list of values when the name was repeated
    (``-p region=North -p region=South``). ``grid`` is a mapping name -> list of values
    (their product is taken), or a list of mappings (each one combination), or None.
    """
    axes: list[list[dict[str, Any]]] = []
    for name, values in (params or {}).items():
        values = values if isinstance(values, list) and values else [values]
        axes.append([{name: v} for v in values])
    if grid:
        if isinstance(grid, dict):
            for name, values in grid.items():
                if name in (params or {}):
                    raise DataError(f"Parameter {name!r} is given both with -p and in the grid; give it once.")
                values = values if isinstance(values, list) and values else [values]
                axes.append([{name: v} for v in values])
        elif isinstance(grid, list) and all(isinstance(g, dict) for g in grid):
            clash = sorted(set().union(*grid) & set(params or {}))
            if clash:
                raise DataError(f"Parameters {clash} are given both with -p and in the grid; give them once.")
            axes.append([dict(g) for g in grid])
        else:
            raise DataError(
                "A grid is a mapping of parameter name -> list of values, or a list of mappings "
                f"(one per report); got {type(grid).__name__}."
            )
    combos = []
    for parts in itertools.product(*axes):
        merged: dict[str, Any] = {}
        for part in parts:
            merged.update(part)
        combos.append(merged)
    return combos or [{}]


def read_grid(path: str | Path):
    """Load a grid YAML file (see :func:`combinations` for its two shapes)."""
    import yaml

    path = Path(path)
    if path.is_dir():
        raise DataError(f"Grid file {path} is a folder, not a file; pass --grid the YAML file itself.")
    if not path.is_file():
        raise DataError(f"Grid file {path} does not exist.")
    try:
        grid = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(f"Grid file {path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if grid is None:
        return None
    if not isinstance(grid, (dict, list)):
        raise DataError(f"Grid file {path}: expected a mapping or a list of mappings, got {type(grid).__name__}.")
    return grid


def report_stem(name: str, parameters: dict[str, Any]) -> str:
    """File stem of a report: notebook name + sorted ``key=value`` pairs, safe for any file system,
    readable, and unique for every distinct name and parameter values.

    Letters and digits of every script are kept (two Hindi report names give two files); other
    characters become ``-``. When that loses anything (a space, a symbol, the folders of a path,
    whose file name alone is kept), the stem ends in ``~`` and the first 8 hex digits of a SHA-256 of
    the exact name and values, so ``North East`` and ``North-East``, or two files of one name in
    different folders, never share a page (issue 18). A stem longer than 150 bytes is cut before
    that ending.

    >>> report_stem("segments", {"region": "North-East", "top_n": 10})
    'segments__region=North-East__top_n=10'
    >>> report_stem("segments", {"region": "North East", "top_n": 10})
    'segments__region=North-East__top_n=10~68dd53ef'
    >>> report_stem("बिक्री", {"क्षेत्र": "उत्तर"})
    'बिक्री__क्षेत्र=उत्तर'
    """
    exact = [name] + [f"{k}={v}" for k, v in sorted(parameters.items())]
    cleaned = [_safe(p) for p in [name] + [f"{k}={_short(v)}" for k, v in sorted(parameters.items())]]
    if not cleaned[0]:  # a name of symbols only: named by its hash
        cleaned[0] = "report-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    stem = "__".join(cleaned).lstrip(".")
    lossless = cleaned == exact and stem == "__".join(exact) and not any("__" in p for p in exact[1:])
    if lossless and len(stem.encode()) <= 150:
        return stem
    key = json.dumps([name, sorted((k, repr(v)) for k, v in parameters.items())], ensure_ascii=False)
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    cut = stem.encode()[:140].decode("utf-8", errors="ignore").rstrip("-_.=")
    return f"{cut}~{digest}"


def _safe(part: str) -> str:
    """Keep letters, marks and digits of any script and ``._=+-``; each other run becomes ``-``."""
    part = unicodedata.normalize("NFC", part)
    kept = "".join(c if c in "._=+-" or unicodedata.category(c)[0] in "LMN" else "\0" for c in part)
    return re.sub("\0+", "-", kept).strip("-")


def _short(value: Any) -> str:
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return Path(value).name  # a file name names a report better than its directory
    return str(value)


def plan_reports(names, *, params=None, grid=None, inputs=None, options=None) -> list[ReportPlan]:
    """Check the whole request and return one :class:`ReportPlan` per report; start no kernel.

    ``options`` (e.g. ``{"currency": "INR"}``) are passed to the notebooks that declare them and
    do not name the report files. Refused with :class:`DataError`: a missing notebook, a notebook
    without a ``parameters`` cell, an unknown parameter, a value of the wrong type, an input file
    that does not exist, a shipped report without an input it needs (:mod:`crmlib.reports.inputs`).
    """

    if isinstance(names, (str, Path)):
        names = [names]
    if not names:
        raise DataError("No report named: give one or more report names, e.g. overview segments.")
    if isinstance(grid, (str, Path)):
        grid = read_grid(grid)
    inputs = {k: v for k, v in (inputs or {}).items() if v is not None}
    unknown = sorted(set(inputs) - set(INPUT_PARAMETERS))
    if unknown:
        raise DataError(f"Unknown input {unknown}: inputs are {', '.join(INPUT_PARAMETERS)}.")
    combos = combinations(params, grid)
    options = dict(options or {})
    if options.get("currency") is not None:
        options["currency"] = currency_code(options["currency"])
    plans, seen = [], {}
    for name in names:
        spec = inspect_notebook(name)
        for combo in combos:
            typed = {k: coerce(spec, k, v) for k, v in combo.items()}
            shared = {k: coerce(spec, k, v) for k, v in options.items()
                      if v is not None and k in spec.parameters and k not in typed}
            typed.update({k: shared.pop(k) for k in NAMING_OPTIONS if k in shared})
            for key in INPUT_PARAMETERS:
                if typed.get(key) is not None:
                    typed[key] = str(existing_file(key, typed[key]))
            passed = {
                k: existing_file(k, v) for k, v in inputs.items() if k in spec.parameters and k not in typed
            }
            if spec.path.parent == config.REPORT_NOTEBOOKS_DIR:
                check_request(spec.name, {**typed, **passed})
                if typed.get("dataset") is not None and (typed.get("transactions") or passed.get("transactions")):
                    raise DataError(f"Report {spec.name!r} was given both a transactions file and the bundled "
                                    f"data set {typed['dataset']!r}; pass one of them.")
                typed, shared = check_values(spec.name, typed), check_values(spec.name, shared)
            plan = ReportPlan(spec, typed, passed, report_stem(spec.name, typed), shared)
            if plan.stem in seen:
                raise DataError(
                    f"Two reports would be written to the same file {plan.stem}.html "
                    f"(parameters {seen[plan.stem]} and {typed}); give distinct values."
                )
            seen[plan.stem] = typed
            plans.append(plan)
    return plans


def check_out_dir(out_dir: str | Path) -> Path:
    """The output folder, created if missing; refused with one line when it is a file, cannot be
    created or cannot be written (a file is written and removed to know)."""
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise DataError(f"Output folder {out} is a file; give --out a folder (it is created when missing).")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"Output folder {out} cannot be created ({exc.strerror or exc}); "
                        "give --out a folder you can write to.") from None
    probe = temporary_name(out / "write-test")
    try:
        open(probe, "x").close()
    except OSError as exc:
        raise DataError(f"Output folder {out} is not writable ({exc.strerror or exc}); "
                        "give --out a folder you can write to.") from None
    finally:  # on a read-only file system even removing a file that is not there fails
        with contextlib.suppress(OSError):
            probe.unlink(missing_ok=True)
    return out.resolve()
