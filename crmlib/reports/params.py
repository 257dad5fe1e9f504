"""Plan a batch before any kernel starts: read each notebook's parameters, type the values, expand grids.

Everything that can be refused is refused here, with a :class:`~crmlib.exceptions.DataError`
whose one-line message names the notebook, its parameters and their defaults.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from crmlib import config
from crmlib.exceptions import DataError
from crmlib.reports.checks import check_values, currency_code
from crmlib.reports.html import HEADING, temporary_name
from crmlib.reports.inputs import check_request, existing_file

#: Parameters that name input files: passed from --transactions/--customers/--feedback and checked to exist.
INPUT_PARAMETERS = ("transactions", "customers", "feedback")
#: Parameter that, when a notebook declares it, receives the report's own folder for extra files.
OUTPUT_DIR_PARAMETER = "output_dir"
#: Options (``run_reports(options=...)``) that name the report file, like a ``-p`` value, where they
#: are passed: ``dataset`` (``--dataset cdnow_master`` writes segments__dataset=cdnow_master.html).
NAMING_OPTIONS = ("dataset",)

#: Largest magnitude a numeric parameter may take (also numbers inside list or dict values).
#: A typo such as ``-p bins=99999999999999999999999`` would otherwise run for minutes and fill
#: memory. Raise it with the environment variable below, e.g. ``CRMLIB_MAX_PARAMETER=1e9``.
MAX_MAGNITUDE = 1_000_000
MAX_MAGNITUDE_ENV = "CRMLIB_MAX_PARAMETER"

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
    options: dict[str, Any] = field(default_factory=dict)  # e.g. currency: passed, not naming the report

    @property
    def name(self) -> str:
        return self.spec.name


def resolve_notebook(name: str | Path) -> Path:
    """``NAME`` -> crmlib/notebooks/NAME.ipynb; a path ending in .ipynb is taken as it is."""
    text = str(name)
    path = Path(text).expanduser() if text.endswith(".ipynb") else config.report_notebook(text)
    if path.is_dir():
        raise DataError(f"Report {text!r}: {path} is a folder, not a notebook; pass an .ipynb file.")
    if not path.is_file():
        known = sorted(p.stem for p in config.REPORT_NOTEBOOKS_DIR.glob("*.ipynb"))
        raise DataError(
            f"Report {text!r}: notebook {path} does not exist; "
            f"known reports: {', '.join(known) or '(none)'}; or pass a path to an .ipynb file."
        )
    return path.resolve()


def read_notebook(path: Path):
    """Read a notebook file; refuse an empty, unreadable or invalid one with one line."""
    try:
        if path.stat().st_size == 0:
            raise DataError(f"Report {path.stem!r} ({path}): the notebook file is empty (0 bytes).")
        nb = nbformat.read(path, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
    except DataError:
        raise
    except OSError as exc:
        raise DataError(f"Report {path.stem!r} ({path}): cannot be read ({exc.strerror or exc}).") from None
    except Exception as exc:  # not JSON, not a notebook, a wrong nbformat version
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise DataError(f"Report {path.stem!r} ({path}): not a valid Jupyter notebook ({reason}); "
                        "open and save it in Jupyter, or pass another .ipynb file.") from None
    return nb


def inspect_notebook(name: str | Path) -> NotebookSpec:
    """Read a notebook's ``parameters`` cell; refuse a notebook that has none."""
    from papermill.translators import PythonTranslator

    path = resolve_notebook(name)
    nb = read_notebook(path)
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
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
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
    """Type ``value`` (a string from ``-p`` or a YAML scalar) like the default of parameter ``name``.

    A parameter whose default is None takes a string, a number, None, or a list/mapping written as
    ``[...]``/``{...}``. Numbers must be finite and within :func:`max_magnitude`.
    """
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
            try:
                out = int(text)
            except ValueError:  # more digits than Python converts: far beyond any limit
                raise _beyond_limit(spec, name, text) from None
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
    else:  # default None or not a literal: a string, a number, None, or a list/dict literal
        if value is None or (text is not None and text in {"None", "null", ""}):
            out = None
        elif text is not None and text[:1] in "[{":
            out = _literal(spec, name, text)
        elif isinstance(value, dt.date):
            out = value.isoformat()
        elif isinstance(value, (str, int, float, list, dict)) and not isinstance(value, bool):
            out = value
    if out is _FAIL:
        want = kind.__name__ if kind else "str or None"
        raise DataError(
            f"Report {spec.name!r}: parameter {name!r} must be {want} (default {param.source}), "
            f"got {value!r}; its parameters (with defaults) are: {spec.describe_parameters()}."
        )
    _check_magnitude(spec, name, out)
    return out


def _literal(spec: NotebookSpec, name: str, text: str) -> Any:
    """A ``[...]`` or ``{...}`` value for a parameter whose default is None, parsed as YAML (which
    reads Python and JSON lists too); refused with the parameter's name when it does not parse."""
    import yaml

    kind = "list" if text.startswith("[") else "mapping"
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise DataError(
            f"Report {spec.name!r}: parameter {name!r} looks like a {kind} but is not one ({reason}): "
            f"{text[:60]!r}; close every bracket and quote, e.g. -p {name}='[a, b]', "
            f"or leave it out for the default {spec.parameters[name].source}."
        ) from None
    if not isinstance(parsed, (list, dict)):
        raise DataError(f"Report {spec.name!r}: parameter {name!r} looks like a {kind} but reads as "
                        f"{type(parsed).__name__}: {text[:60]!r}.")
    return parsed


def max_magnitude() -> float:
    """The largest magnitude a numeric parameter may take: ``$CRMLIB_MAX_PARAMETER`` or :data:`MAX_MAGNITUDE`."""
    raw = os.environ.get(MAX_MAGNITUDE_ENV, "").strip()
    if not raw:
        return MAX_MAGNITUDE
    try:
        limit = float(raw)
    except ValueError:
        raise DataError(f"{MAX_MAGNITUDE_ENV}={raw!r} is not a number; set it to e.g. 1e9.") from None
    return limit if limit > 0 else MAX_MAGNITUDE


def _numbers(value: Any):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)


def _check_magnitude(spec: NotebookSpec, name: str, value: Any) -> None:
    """Refuse NaN, infinity and numbers beyond :func:`max_magnitude`, naming how to raise the limit."""
    limit = max_magnitude()
    for number in _numbers(value):
        if isinstance(number, float) and not math.isfinite(number):
            raise DataError(f"Report {spec.name!r}: parameter {name!r} is {number!r}; give a finite number.")
        if abs(number) > limit:
            huge = isinstance(number, int) and number.bit_length() > 256  # str() refuses > 4300 digits
            shown = f"a number of about {int(number.bit_length() * 0.30103)} digits" if huge else str(number)
            raise _beyond_limit(spec, name, shown, limit)


def _beyond_limit(spec: NotebookSpec, name: str, shown: str, limit: float | None = None) -> DataError:
    limit = max_magnitude() if limit is None else limit
    shown = shown if len(shown) <= 30 else f"{shown[:27]}..."
    words = f"{limit:,.0f}" if limit < 1e15 and limit == int(limit) else f"{limit:g}"
    return DataError(
        f"Report {spec.name!r}: parameter {name!r} = {shown} is beyond the limit of {words} for numeric "
        f"parameters (default {spec.parameters[name].source}); if you really need it, set the "
        f"environment variable {MAX_MAGNITUDE_ENV} to a larger limit (e.g. {MAX_MAGNITUDE_ENV}=1e9) and run again."
    )


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


