"""The teaching notebooks (notebooks/teaching, issue 14) are built the same way: six of them, each
opening with a learning goal, with prose between the code, at least one figure, exercises with worked
solutions, and a closing glossary whose terms come from the one shared file ``glossary.yaml`` in
English, Hindi and Bengali. nbval runs them (``make test``); these tests check how they are made,
without running them."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "notebooks" / "teaching"
GLOSSARY = TEACHING / "glossary.yaml"
NOTEBOOKS = sorted(TEACHING.glob("*.ipynb"))
LANGUAGES = ("en", "hi", "bn")

# Letters of each script: a Hindi entry is written in Devanagari only, a Bengali one in Bengali only
# (brackets, hyphens, commas and spaces allowed), so that the two can never be swapped or left in English.
SCRIPT = {"hi": re.compile(r"[\u0900-\u097F]"), "bn": re.compile(r"[\u0980-\u09FF]"), "en": re.compile(r"[A-Za-z]")}
# A call that draws a figure: matplotlib/seaborn directly or one of crmlib's figure modules.
FIGURE = re.compile(r"\bplt\.subplots\(|\bsns\.\w+\(|\bplots(?:\.\w+)+\(|\.plot(?:\.\w+)?\(")
# Code that writes a file; such a notebook must write into a temporary folder.
WRITES = re.compile(r"\.to_csv\(|\.write_text\(|audiences\.export|user_data_import\(|open\([^)]*['\"]w")


def _cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [{"type": c["cell_type"], "source": "".join(c["source"])} for c in nb["cells"]]


def _glossary_terms(path: Path) -> list[str]:
    """The list assigned to GLOSSARY_TERMS in the notebook's last code cell."""
    last = [c for c in _cells(path) if c["type"] == "code"][-1]["source"]
    tree = ast.parse("\n".join(line for line in last.splitlines() if not line.startswith("%")))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "GLOSSARY_TERMS" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name}: the last code cell assigns no GLOSSARY_TERMS list")


@pytest.fixture(scope="module")
def glossary() -> dict:
    return yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))


def test_six_numbered_teaching_notebooks():
    assert [p.name[:3] for p in NOTEBOOKS] == [f"{i:02d}_" for i in range(1, 7)], [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_a_title_and_a_learning_goal(path):
    first = _cells(path)[0]
    assert first["type"] == "markdown" and first["source"].startswith("# ")
    assert "**Learning goal.**" in first["source"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_between_the_code(path):
    """Never more than two code cells in a row (the parameters cell and the set-up may follow each other)."""
    run = longest = 0
    for cell in _cells(path):
        run = run + 1 if cell["type"] == "code" else 0
        longest = max(longest, run)
    assert longest <= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_draws_a_figure(path):
    assert any(FIGURE.search(c["source"]) for c in _cells(path) if c["type"] == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_come_with_worked_solutions(path):
    """An Exercises section after the lesson, with exercises and solutions, at least one solution in code."""
    cells = _cells(path)
    start = next((i for i, c in enumerate(cells) if c["type"] == "markdown" and "## Exercises" in c["source"]), None)
    assert start is not None, "no '## Exercises' section"
    after = cells[start:]
    text = "\n".join(c["source"] for c in after if c["type"] == "markdown")
    assert len(re.findall(r"\*\*Exercise \d", text)) >= 2
    assert len(re.findall(r"\*\*Solution", text)) == len(re.findall(r"\*\*Exercise \d", text))
    assert any(c["type"] == "markdown" and "**Solution" in c["source"] and nxt["type"] == "code"
               for c, nxt in zip(after, after[1:]))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_a_glossary_from_the_shared_file(path, glossary):
    cells = _cells(path)
    assert cells[-2]["type"] == "markdown" and "Glossary" in cells[-2]["source"]
    assert cells[-1]["type"] == "code" and '"glossary.yaml"' in cells[-1]["source"]
    assert "yaml.safe_load" in cells[-1]["source"]
    terms = _glossary_terms(path)
    assert terms and len(terms) == len(set(terms)), terms
    missing = [t for t in terms if t not in glossary]
    assert not missing, f"{path.name} uses terms missing from glossary.yaml: {missing}"


def test_every_glossary_entry_has_three_languages_in_their_own_scripts(glossary):
    problems = []
    for key, entry in glossary.items():
        for lang in (*LANGUAGES, "meaning"):
            value = entry.get(lang)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{key}: no '{lang}'")
        for lang in LANGUAGES:
            value = entry.get(lang) or ""
            # every letter or vowel sign of the three scripts in the entry belongs to its own script
            written = [ch for ch in value if any(script.match(ch) for script in SCRIPT.values())]
            if not written or any(not SCRIPT[lang].match(ch) for ch in written):
                problems.append(f"{key}: '{lang}' is not written in its own script: {value!r}")
    assert not problems, "\n".join(problems)


def test_every_glossary_entry_is_used_by_a_notebook(glossary):
    used = {t for path in NOTEBOOKS for t in _glossary_terms(path)}
    assert not set(glossary) - used, f"glossary.yaml has entries no notebook uses: {sorted(set(glossary) - used)}"


def test_crm_is_named_as_in_the_course_notes(glossary):
    """The seed documents' own words for customer relationship management."""
    assert glossary["crm"]["hi"].startswith("ग्राहक संबंध प्रबंधन")
    assert glossary["crm"]["bn"].startswith("গ্রাহক সম্পর্ক ব্যবস্থাপনা")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_writes_files_only_to_a_temporary_folder_and_never_selects_raw_pii(path):
    code = "\n".join(c["source"] for c in _cells(path) if c["type"] == "code")
    if WRITES.search(code):
        assert "tempfile.mkdtemp()" in code
    assert not re.search(r"""\[\s*["'](name|email|phone)["']\s*\]""", code), "shows a raw PII column"


def test_readme_lists_every_teaching_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in NOTEBOOKS
               if f"notebooks/teaching/{p.name}" not in readme and f"`{p.name}`" not in readme]
    assert not missing, f"README.md does not list {missing}"
