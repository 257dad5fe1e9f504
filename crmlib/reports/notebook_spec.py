"""A report notebook's parameters: which notebook a name means, and what its ``parameters`` cell declares.

Refusals are :class:`~crmlib.exceptions.DataError` with one line naming the notebook.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from crmlib import config
from crmlib.exceptions import DataError
from crmlib.reports.html import HEADING

NO_DEFAULT = object()  # a default that is not a Python literal, e.g. ``config.DEMO_DIR / "x.csv"``


@dataclass(frozen=True)
class Parameter:
    """One name of a notebook's ``parameters`` cell, with its default as source text and as a value."""

    name: str
    source: str  # the default as written in the cell
    default: Any  # the literal value, or NO_DEFAULT when not a literal
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
            default = NO_DEFAULT
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
