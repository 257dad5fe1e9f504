"""Plan a batch before any kernel starts: read each notebook's parameters, type the values, expand grids.

Everything that can be refused is refused here, with a :class:`~crmlib.exceptions.DataError`
whose one-line message names the notebook, its parameters and their defaults.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from crmlib import config
from crmlib.exceptions import DataError
from crmlib.reports.html import HEADING

#: Parameters that name input files: passed from --transactions/--customers/--feedback and checked to exist.
INPUT_PARAMETERS = ("transactions", "customers", "feedback")
#: Parameter that, when a notebook declares it, receives the report's own folder for extra files.
OUTPUT_DIR_PARAMETER = "output_dir"

_NO_DEFAULT = object()  # a default that is not a Python literal, e.g. ``config.DEMO_DIR / "x.csv"``
_FAIL = object()  # a value that could not be typed


@dataclass(frozen=True)
class Parameter:
    """One name of a notebook's ``parameters`` cell, with its default as source text and as a value."""

    name: str
    source: str  # the default as written in the cell
    default: Any  # the literal value, or _NO_DEFAULT when not a literal
    type_name: str  # papermill's inferred type from an annotation, "None" when absent

    def describe(self) -> str:
        return f"{self.name}={self.source}"


@dataclass(frozen=True)
class NotebookSpec:
    """A report notebook and the parameters its ``parameters`` cell declares."""

    name: str
    path: Path
    parameters: dict[str, Parameter]
    title: str

    def describe_parameters(self) -> str:
        return ", ".join(p.describe() for p in self.parameters.values()) or "(none)"


@dataclass
class ReportPlan:
    """One report to run: a notebook and one combination of typed parameter values."""

    spec: NotebookSpec
    parameters: dict[str, Any]  # the values chosen on the command line or grid (name the report)
    inputs: dict[str, Path] = field(default_factory=dict)  # input-file parameters actually passed
    stem: str = ""

    @property
    def name(self) -> str:
        return self.spec.name


def resolve_notebook(name: str | Path) -> Path:
    """``NAME`` -> notebooks/reports/NAME.ipynb; a path ending in .ipynb is taken as it is."""
    text = str(name)
    path = Path(text) if text.endswith(".ipynb") else config.report_notebook(text)
    if not path.is_file():
        known = sorted(p.stem for p in config.REPORT_NOTEBOOKS_DIR.glob("*.ipynb"))
        raise DataError(
            f"Report {text!r}: notebook {path} does not exist; "
            f"known reports: {', '.join(known) or '(none)'}; or pass a path to an .ipynb file."
        )
    return path.resolve()


def inspect_notebook(name: str | Path) -> NotebookSpec:
    """Read a notebook's ``parameters`` cell; refuse a notebook that has none."""
    from papermill.translators import PythonTranslator

    path = resolve_notebook(name)
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise DataError(
            f"Report {path.stem!r} ({path}): no cell is tagged 'parameters'; "
            "add the tag to the cell holding the notebook's knobs so that papermill can set them."
        )
    found = {}
    for p in PythonTranslator.inspect(cells[0]):
        try:
            default = ast.literal_eval(p.default)
        except (ValueError, SyntaxError):
            default = _NO_DEFAULT
        found[p.name] = Parameter(p.name, p.default, default, p.inferred_type_name)
    return NotebookSpec(path.stem, path, found, notebook_title(nb, path.stem))


def notebook_title(nb, fallback: str) -> str:
    """The text of the notebook's first markdown heading, else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = HEADING.search(cell.source)
            if m:
                return m.group(2)
    return fallback


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
_INT = re.compile(r"^[+-]?\d+$")


def coerce(spec: NotebookSpec, name: str, value: Any) -> Any:
    """Type ``value`` (a string from ``-p`` or a YAML scalar) like the default of parameter ``name``."""
    if name not in spec.parameters:
        raise DataError(
            f"Report {spec.name!r} has no parameter {name!r}; "
            f"its parameters (with defaults) are: {spec.describe_parameters()}."
        )
    param = spec.parameters[name]
    default = param.default
    kind = type(default) if default is not None and default is not _NO_DEFAULT else None
    if kind is None and param.type_name in {"int", "float", "bool", "str"}:
        kind = {"int": int, "float": float, "bool": bool, "str": str}[param.type_name]
    text = value.strip() if isinstance(value, str) else None
    out: Any = _FAIL
    if kind is bool:
        if isinstance(value, bool):
            out = value
        elif text is not None and text.lower() in _TRUE | _FALSE:
            out = text.lower() in _TRUE
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            out = value
        elif text is not None and _INT.match(text):
            out = int(text)
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out = float(value)
        elif text is not None:
            try:
                out = float(text)
            except ValueError:
                pass
    elif kind is str:
        if isinstance(value, str):
            out = value
        elif isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            out = value.isoformat() if isinstance(value, dt.date) else str(value)
    elif kind in (list, dict, tuple):
        parsed = value
        if text is not None:
            import yaml

            try:
                parsed = yaml.safe_load(text)
            except yaml.YAMLError:
                parsed = None
        if isinstance(parsed, (list, tuple) if kind is not dict else dict):
            out = list(parsed) if kind is list else parsed
    else:  # default None or not a literal: a string, a number or None
        if value is None or (text is not None and text in {"None", "null", ""}):
            out = None
        elif isinstance(value, dt.date):
            out = value.isoformat()
        elif isinstance(value, (str, int, float)):
            out = value
    if out is _FAIL:
        want = kind.__name__ if kind else "str or None"
        raise DataError(
            f"Report {spec.name!r}: parameter {name!r} must be {want} (default {param.source}), "
            f"got {value!r}; its parameters (with defaults) are: {spec.describe_parameters()}."
        )
    return out



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
    """File stem of a report: notebook name + sorted ``key=value`` pairs, safe for any file system.

    >>> report_stem("segments", {"region": "North East", "top_n": 10})
    'segments__region=North-East__top_n=10'
    """
    parts = [name] + [f"{k}={_short(v)}" for k, v in sorted(parameters.items())]
    stem = "__".join(re.sub(r"[^\w.=+-]+", "-", p, flags=re.ASCII).strip("-") for p in parts)
    if len(stem) > 150:  # long values (paths, lists): keep it readable and unique
        digest = hashlib.sha256(stem.encode()).hexdigest()[:10]
        stem = f"{stem[:130]}~{digest}"
    return stem


def _short(value: Any) -> str:
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return Path(value).name  # a file name names a report better than its directory
    return str(value)


def plan_reports(names, *, params=None, grid=None, inputs=None) -> list[ReportPlan]:
    """Check the whole request and return one :class:`ReportPlan` per report; start no kernel.

    Refused with :class:`DataError`: a missing notebook, a notebook without a ``parameters``
    cell, an unknown parameter, a value of the wrong type, an input file that does not exist.
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
    plans, seen = [], {}
    for name in names:
        spec = inspect_notebook(name)
        for combo in combos:
            typed = {k: coerce(spec, k, v) for k, v in combo.items()}
            for key in INPUT_PARAMETERS:
                if typed.get(key) is not None:
                    typed[key] = str(_existing_file(key, typed[key]))
            passed = {
                k: _existing_file(k, v) for k, v in inputs.items() if k in spec.parameters and k not in typed
            }
            plan = ReportPlan(spec, typed, passed, report_stem(spec.name, typed))
            if plan.stem in seen:
                raise DataError(
                    f"Two reports would be written to the same file {plan.stem}.html "
                    f"(parameters {seen[plan.stem]} and {typed}); give distinct values."
                )
            seen[plan.stem] = typed
            plans.append(plan)
    return plans


def _existing_file(name: str, value: Any) -> Path:
    path = Path(str(value)).expanduser()
    if not path.is_file():
        raise DataError(f"Input {name!r}: file {path} does not exist; check the path (relative to {Path.cwd()}).")
    return path.resolve()
