"""One list of the shipped reports and one of file suffixes (issue 22, point 3).

Before, the report names were written four times (the demo's list, the index's reading order, the help
text, the notebooks) and ``report --help`` named four of the five; suffix lists were written in the
loaders, the DuckDB engine and the reports' input rules."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest
from command_line import crmlib as run_crmlib

import crmlib
from crmlib import cli, config
from crmlib.reports import index, inputs

PACKAGE = Path(crmlib.__file__).parent


def test_one_list_holds_the_reports_their_order_and_whether_the_demo_runs_them():
    assert config.REPORTS == tuple(name for name, _ in config.SHIPPED_REPORTS)
    assert config.DEMO_REPORTS == tuple(name for name, about in config.SHIPPED_REPORTS if about["demo"])
    assert [name for name, _ in cli.DEMO_REPORTS] == list(config.DEMO_REPORTS)
    assert index.READING_ORDER == config.REPORTS
    assert sorted(p.stem for p in config.REPORT_NOTEBOOKS_DIR.glob("*.ipynb")) == sorted(config.REPORTS)
    assert set(inputs.REQUIRED) == set(config.REPORTS)  # each shipped report says which input it needs


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"]])
def test_help_text_names_all_five_reports(args):
    out = run_crmlib(*args)
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert len(config.REPORTS) == 5
    for name in config.REPORTS:
        assert name in text, (args, name)


#: Suffix lists still written outside crmlib/suffixes.py, each by other work at the time of writing;
#: the list must shrink (an entry that no longer holds one fails the test).
SUFFIX_LISTS_ELSEWHERE = {"crmlib/reports/inputs.py": "issue 22: the reports' input rules, being changed by other work"}
_SUFFIXES = {".parquet", ".pq", ".csv", ".csv.gz", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".gz", ".bz2", ".xz",
             ".zip"}
#: A suffix written as a string literal; a file with fewer than two holds no list of two (and is not parsed).
_QUOTED_SUFFIX = re.compile("[\"'](?:" + "|".join(re.escape(s) for s in sorted(_SUFFIXES)) + ")[\"']", re.IGNORECASE)


@functools.cache
def _suffix_lists() -> dict[str, list[int]]:
    """Files of crmlib with a tuple, list or set literal of two or more file suffixes, and the lines."""
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(_QUOTED_SUFFIX.findall(text)) < 2:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                values = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                if len([v for v in values if v.lower() in _SUFFIXES]) >= 2:
                    found.setdefault(path.relative_to(PACKAGE.parent).as_posix(), []).append(node.lineno)
    return found


def test_file_suffixes_are_defined_once():
    found = {f: lines for f, lines in _suffix_lists().items()
             if f != "crmlib/suffixes.py" and f not in SUFFIX_LISTS_ELSEWHERE}
    assert not found, f"File-suffix lists outside crmlib/suffixes.py: {found}; import them from crmlib.suffixes."
    stale = [f for f in SUFFIX_LISTS_ELSEWHERE if f not in _suffix_lists()]
    assert not stale, f"SUFFIX_LISTS_ELSEWHERE names files without a suffix list: {stale}; remove them."
