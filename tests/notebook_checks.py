"""Checks that a report notebook is calls and prose (issue 22, point 2), shared by the page tests of the
reports whose notebooks take the form: the parameters cell, one ``from crmlib.reports.<report>_page
import build, show_items``, ``page = build(...)`` with every parameter, then one call a section."""

from __future__ import annotations

import ast

import nbformat

from crmlib import config


def notebook(report: str):
    return nbformat.read(config.report_notebook(report), as_version=4)


def code_cells(report: str) -> list[str]:
    """The sources of the report's code cells, the parameters cell left out."""
    return [c.source for c in notebook(report).cells
            if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]


#: Nodes that would hide a decision in a notebook cell.
DECISIONS = (ast.If, ast.For, ast.While, ast.Try, ast.IfExp, ast.ListComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)


def assert_calls_only_and_short(report: str, imports: list[str] | None = None, build: str = "build") -> None:
    """Every statement of a code cell is one of ``imports`` (default: ``from crmlib.reports.<report>_page
    import build, show_items``), a call, or the one ``page = <build>(...)``; no ``if``, loop, ``try``,
    conditional expression, comprehension or lambda anywhere; one call a section; under 40 lines of code
    with the parameters."""
    cells = code_cells(report)
    assigned, found = [], []
    for source in cells:
        for stmt in ast.parse(source).body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                found.append(ast.unparse(stmt))
                continue
            for node in ast.walk(stmt):
                assert not isinstance(node, DECISIONS), ast.unparse(stmt)
            if isinstance(stmt, ast.Assign):
                assigned.append(ast.unparse(stmt.targets[0]))
                assert ast.unparse(stmt.value.func) == build, ast.unparse(stmt)
                continue
            assert isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call), ast.unparse(stmt)
    assert found == (imports or [f"from crmlib.reports.{report}_page import build, show_items"])
    assert assigned == ["page"]
    assert max(len(ast.parse(s).body) for s in cells[1:]) == 1  # one call a section
    lines = [line for c in notebook(report).cells if c.cell_type == "code"
             for line in c.source.splitlines() if line.strip()]
    assert len(lines) < 40


def assert_every_parameter_reaches_build(report: str, parameters: list[str]) -> None:
    """The parameters cell holds ``parameters`` in order and each reaches ``build`` under its own name."""
    params = next(c.source for c in notebook(report).cells if "parameters" in c.metadata.get("tags", []))
    names = [ast.unparse(s.targets[0]) for s in ast.parse(params).body]
    assert names == parameters
    call = next(s.value for s in ast.parse(code_cells(report)[0]).body if isinstance(s, ast.Assign))
    assert {k.arg: ast.unparse(k.value) for k in call.keywords} == {n: n for n in names}
