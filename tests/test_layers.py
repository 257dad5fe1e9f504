"""Data flows one way: no module of crmlib imports one on a higher floor (issue 22, /work/shared/DESIGN.md).

::

    floor 6  command line        cli, __main__
    floor 5  reports             reports/ (runner, execute, results, inputs, checks, params, kernels, files, record,
                                 safety, tables, html: page / index / redact)
    floor 4  words and plots     words/, formats, plots/, indic_fonts, findings, segment_words,
                                 overview
    floor 3  models and the      clv/, rfm/, feedback/, retention, churn, basket, audiences,
             customer table      compat/ (the lifetimes-compatible API over clv/), customers,
                                 datasets (its large logs are drawn by clv's samplers), spark (scores
                                 and audience files on Spark)
    floor 2  data and summary    io/ (files, columns, messages, values, loaders), privacy (redaction,
                                 pii_columns), screening, ids, summary, summary_sql, txlog, logread,
                                 period_summary, spark.summary (the summary run by Spark)
    floor 1  foundations         crmlib (the package: lazy re-exports, imports only exceptions),
                                 units, ledger, exceptions, config, safe, interrupts, contacts, suffixes,
                                 datasets.cdnow and datasets.simulation

A module may import its own floor or any floor below. Every import counts, the ones inside functions
too (a deferred import is still a dependency; it only hides it from a reader), and so do
``from crmlib import name`` of the package's lazy names (resolved to the module that defines them),
``crmlib.x.y`` attribute chains after ``import crmlib`` and ``importlib.import_module("crmlib.x")``.

Every module is placed explicitly in ``FLOORS``: a new module fails the test until it is given a floor,
so this picture and the code cannot drift apart. Imports that break the rule today are listed in
``KNOWN_UPWARD`` with their reason and issue; an entry that is no longer needed fails the test too,
so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import crmlib

PACKAGE = Path(crmlib.__file__).parent

FLOOR_NAMES = {1: "foundations", 2: "data and summary", 3: "models and the customer table",
               4: "report words and plots", 5: "reports", 6: "command line"}

FLOORS: dict[str, int] = {
    # floor 1: foundations
    "crmlib": 1, "crmlib.units": 1, "crmlib.periods": 1, "crmlib.ledger": 1, "crmlib.exceptions": 1, "crmlib.config": 1,
    "crmlib.safe": 1, "crmlib.interrupts": 1,
    "crmlib.workfiles": 1,  # the files the reports of a batch share (the log's read, the customer table)
    "crmlib.contacts": 1,  # email and phone normal forms: the loaders' and the demo data's fake people's rule
    "crmlib.suffixes": 1,  # file suffixes by kind: the loaders', the DuckDB engine's and the reports' one list
    "crmlib.datasets.cdnow": 1, "crmlib.datasets.simulation": 1,
    # large logs are drawn by the models' own samplers (clv), so they and the package that re-exports
    # them sit with the models; only the reports and the command line import crmlib.datasets
    "crmlib.datasets": 3, "crmlib.datasets.large": 3,
    # floor 2: data and summary
    "crmlib.io": 2, "crmlib.io.files": 2, "crmlib.io.columns": 2, "crmlib.io.messages": 2,
    "crmlib.io.values": 2, "crmlib.io.loaders": 2,
    "crmlib.privacy": 2, "crmlib.redaction": 2, "crmlib.pii_columns": 2, "crmlib.screening": 2, "crmlib.ids": 2,
    "crmlib.summary": 2, "crmlib.logread": 2,
    "crmlib.summary_sql": 2, "crmlib.txlog": 2, "crmlib.period_summary": 2, "crmlib.spark.summary": 2,
    # floor 3: models and the customer table
    "crmlib.clv": 3, "crmlib.clv._base": 3, "crmlib.clv._summary": 3, "crmlib.clv._transaction": 3,
    "crmlib.clv._data": 3, "crmlib.clv.beta_geo": 3,
    "crmlib.clv.beta_geo_beta_binom": 3, "crmlib.clv.describe": 3, "crmlib.clv.gamma_gamma": 3,
    "crmlib.clv.modified_beta_geo": 3, "crmlib.clv.pareto_nbd": 3, "crmlib.clv.paths": 3,
    "crmlib.clv.shifted_beta_geo": 3, "crmlib.clv.simulate": 3, "crmlib.clv.survival": 3,
    "crmlib.clv.tables": 3, "crmlib.clv.validation": 3, "crmlib.clv.value": 3,
    "crmlib.rfm": 3, "crmlib.rfm.advice": 3, "crmlib.rfm.clusters": 3, "crmlib.rfm.limits": 3,
    "crmlib.rfm.profile": 3, "crmlib.rfm.scores": 3, "crmlib.rfm.segments": 3,
    "crmlib.feedback": 3, "crmlib.feedback.scores": 3, "crmlib.feedback.stopwords": 3,
    "crmlib.feedback.text": 3, "crmlib.feedback.topics": 3, "crmlib.feedback.trend": 3,
    "crmlib.compat": 3, "crmlib.compat.lifetimes": 3, "crmlib.compat.lifetimes.utils": 3,
    "crmlib.retention": 3, "crmlib.churn": 3, "crmlib.basket": 3, "crmlib.audiences": 3, "crmlib.customers": 3,
    # retention by job: cohorts, who is still a customer (sBG, the transaction model), churn risk and win-back
    "crmlib.retention.cohorts": 3, "crmlib.retention.survival": 3, "crmlib.retention.risk": 3,
    "crmlib.shared_table": 3,  # one customer table per batch of reports, in the batch's work folder
    "crmlib.shared_summary": 3,  # one summary in days per date and batch (migration, churn test cut-off)
    # customer scores and audience files on Spark (the package re-exports them with the summary)
    "crmlib.spark": 3, "crmlib.spark.scores": 3, "crmlib.spark.exports": 3,
    # floor 4: report words and plots
    "crmlib.words": 4, "crmlib.words.check": 4, "crmlib.words.notebooks": 4, "crmlib.words.page": 4,
    "crmlib.words.tables": 4, "crmlib.words.clv": 4, "crmlib.words.clv_covariates": 4, "crmlib.words.clv_figures": 4,
    "crmlib.words.clv_models": 4, "crmlib.words.clv_units": 4, "crmlib.words.overview": 4,
    "crmlib.words.quality": 4,
    "crmlib.words.retention": 4, "crmlib.words.cohorts": 4, "crmlib.words.segments": 4, "crmlib.words.segment_names": 4,
    "crmlib.words.reasons": 4,  # why a model refused the data (DataError.reason), in the page's language
    "crmlib.words.segment_rules": 4, "crmlib.words.segment_tables": 4, "crmlib.words.feedback": 4,
    "crmlib.words.feedback_trend": 4,  # the feedback page's periods and trends in words (split from words.feedback)
    # data floor: the one transactions engine, its DuckDB connection and the error helpers
    "crmlib.purchases": 2, "crmlib.logscreen": 2, "crmlib.log_tables": 2, "crmlib.duck": 2, "crmlib.errors": 2,
    "crmlib.churn_log": 3, "crmlib.churn_sample": 3, "crmlib.churn_scores": 3,
    # models: likelihood kernels and customer-level intervals
    "crmlib.clv._beta_geo_loglik": 3, "crmlib.clv._covariates": 3, "crmlib.clv.covariate_checks": 3,
    "crmlib.clv.covariate_effects": 3,
    "crmlib.clv.beta_geo_covariates": 3, "crmlib.clv.pareto_nbd_covariates": 3,
    "crmlib.clv._pareto_nbd_loglik": 3, "crmlib.clv.uncertainty": 3,
    # a key holder's way back from pseudonyms to ids: reads inputs like the reports, called by the command line
    "crmlib.reidentify": 5,
    "crmlib.formats": 4, "crmlib.findings": 4, "crmlib.segment_words": 4, "crmlib.overview": 4,
    "crmlib.indic_fonts": 4,  # fonts for figures and pages (shaping Hindi and Bengali labels)
    "crmlib.plots": 4, "crmlib.plots.clv": 4, "crmlib.plots.feedback": 4, "crmlib.plots.overview": 4,
    "crmlib.plots.retention": 4, "crmlib.plots.rfm": 4, "crmlib.plots.style": 4,
    # floor 5: reports
    "crmlib.reports": 5, "crmlib.reports.checks": 5, "crmlib.reports.command": 5, "crmlib.reports.files": 5,
    "crmlib.reports.html": 5, "crmlib.reports.page": 5, "crmlib.reports.exporters": 5,
    "crmlib.reports.index": 5, "crmlib.reports.redact": 5,
    "crmlib.reports.inputs": 5, "crmlib.reports.kernels": 5, "crmlib.reports.params": 5,
    "crmlib.reports.coerce": 5, "crmlib.reports.notebook_spec": 5, "crmlib.reports.atomic": 5,
    "crmlib.reports.number_columns": 5, "crmlib.reports.segments_page": 5, "crmlib.reports.clv_page": 5,
    "crmlib.reports.retention_page": 5, "crmlib.reports.page_parts": 5,
    "crmlib.reports.feedback_page": 5, "crmlib.reports.overview_page": 5,
    "crmlib.reports.record": 5, "crmlib.reports.runner": 5, "crmlib.reports.safety": 5, "crmlib.reports.tables": 5,
    "crmlib.reports.execute": 5, "crmlib.reports.results": 5,
    "crmlib.reports.kernel_server": 5, "crmlib.reports.kernel_client": 5, "crmlib.reports.kernel_env": 5,
    "crmlib.reports.png": 5,
    # floor 6: command line
    "crmlib.cli": 6, "crmlib.__main__": 6,
}

# Upward imports that exist today, each with its reason and the issue that removes it: (importer, imported).
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The module (or package) that ``name`` lives in: the longest dotted prefix that is a module."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[tuple[str, int]]:
    """Every crmlib module that ``module`` imports, with the line: module level and inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    base = module if is_package else module.rpartition(".")[0]
    found: set[tuple[str, int]] = set()
    binds_crmlib = False

    def add(name: str, line: int) -> None:
        owner = _owner(name, modules)
        if owner and owner != module:
            found.add((owner, line))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "crmlib" or alias.name.startswith("crmlib."):
                    add(alias.name, node.lineno)
                    binds_crmlib |= alias.asname is None
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.split(".")[: len(base.split(".")) - (node.level - 1)]
                source = ".".join(anchor + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source != "crmlib" and not source.startswith("crmlib."):
                continue
            for alias in node.names:
                target = f"{source}.{alias.name}"
                if target in modules:
                    add(target, node.lineno)
                elif source == "crmlib" and alias.name in crmlib._LAZY:  # lazy names of the package
                    add(f"crmlib.{crmlib._LAZY[alias.name]}", node.lineno)
                else:
                    add(source, node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and node.args[0].value.startswith("crmlib.")):
            add(node.args[0].value, node.lineno)
    if binds_crmlib:  # ``import crmlib`` then ``crmlib.reports.html...``: the package imports them on first use
        inner_parts = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and id(node) not in inner_parts:  # the whole chain only
                chain = []
                inner = node
                while isinstance(inner, ast.Attribute):
                    chain.append(inner.attr)
                    inner = inner.value
                if isinstance(inner, ast.Name) and inner.id == "crmlib":
                    add(".".join(["crmlib", *reversed(chain)]), node.lineno)
    return found


def upward_imports() -> dict[tuple[str, str], list[str]]:
    modules = all_modules()
    upward: dict[tuple[str, str], list[str]] = {}
    for module, path in modules.items():
        for target, line in sorted(imports_of(module, path, modules)):
            if target in FLOORS and module in FLOORS and FLOORS[target] > FLOORS[module]:
                upward.setdefault((module, target), []).append(
                    f"{path.relative_to(PACKAGE.parent)}:{line}: {module} (floor {FLOORS[module]}, "
                    f"{FLOOR_NAMES[FLOORS[module]]}) imports {target} (floor {FLOORS[target]}, "
                    f"{FLOOR_NAMES[FLOORS[target]]})")
    return upward


def test_every_module_has_a_floor():
    """A new module fails here until it is placed in FLOORS (and in the picture of the docstring)."""
    unplaced = sorted(set(all_modules()) - set(FLOORS))
    assert not unplaced, (f"tests/test_layers.py: {len(unplaced)} modules have no floor: {unplaced}. "
                          "Add each to FLOORS on the floor of its job (see the picture in the docstring).")


def test_floors_name_no_missing_module():
    """FLOORS lists no module that is gone (a renamed module is placed under its new name)."""
    gone = sorted(set(FLOORS) - set(all_modules()))
    assert not gone, f"tests/test_layers.py: FLOORS names modules that no longer exist: {gone}; remove them."


def test_no_module_imports_a_higher_floor():
    """Data flows one way (DESIGN.md): a lower floor never imports a higher one, not even inside a function."""
    new = {pair: where for pair, where in upward_imports().items() if pair not in KNOWN_UPWARD}
    lines = [line for where in new.values() for line in where]
    assert not lines, ("Upward imports (a lower floor must not import a higher one; move the code down, or "
                       "pass the value in from above):\n" + "\n".join(lines))


def test_known_exceptions_are_still_needed():
    """Once an exception of KNOWN_UPWARD is fixed, its entry goes, so the list cannot hide a new one."""
    modules = all_modules()
    stale = sorted(pair for pair in KNOWN_UPWARD if pair[0] in modules and pair not in upward_imports())
    assert not stale, f"tests/test_layers.py: KNOWN_UPWARD lists imports that no longer exist: {stale}; remove them."


@pytest.mark.parametrize("source, expected", [
    ("from crmlib.findings import x\n", {"crmlib.findings"}),
    ("def f():\n    from crmlib import customer_table\n", {"crmlib.customers"}),
    ("from crmlib import reports\n", {"crmlib.reports"}),
    ("import crmlib\ncrmlib.reports.html.render\n", {"crmlib", "crmlib.reports.html"}),
    ("import importlib\nimportlib.import_module('crmlib.plots.rfm')\n", {"crmlib.plots.rfm"}),
    ("from .html import x\n", {"crmlib.reports.html"}),
    ("from ..words import page\n", {"crmlib.words.page"}),
])
def test_imports_are_read_in_every_form(tmp_path, source, expected):
    """The reader catches each way of importing (else an upward import could hide behind one)."""
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert {name for name, _ in imports_of("crmlib.reports.probe", path, all_modules())} == expected


# ----------------------------------------------------------------------------- module size

#: No module past this many lines (DESIGN.md, issue 22 point 3): a module that passes it does more than one job.
MAX_LINES = 450

#: Modules over MAX_LINES today, each being changed by other work at the time of writing; split each by job when
#: that work lands. This list must shrink, never grow: an entry back under the limit fails the test below too.
OVERSIZE: dict[str, str] = {
}


def _line_counts() -> dict[str, int]:
    return {path.relative_to(PACKAGE.parent).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
            for path in all_modules().values()}


def test_no_module_is_over_the_line_limit():
    """Modules of one job: none past MAX_LINES, except the few of OVERSIZE."""
    over = {path: n for path, n in _line_counts().items() if n > MAX_LINES and path not in OVERSIZE}
    assert not over, (f"Modules over {MAX_LINES} lines: {over}. Split each by job into modules named for what "
                      "they hold (and place them in FLOORS); do not add it to OVERSIZE.")


def test_oversize_modules_are_still_over_the_limit():
    """Once a module of OVERSIZE is split (or gone), its entry goes, so the list only shrinks."""
    counts = _line_counts()
    stale = sorted(path for path in OVERSIZE if counts.get(path, 0) <= MAX_LINES)
    assert not stale, (f"tests/test_layers.py: OVERSIZE lists modules no longer over {MAX_LINES} lines: {stale}; "
                       "remove them.")
