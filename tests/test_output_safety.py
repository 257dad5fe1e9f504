"""Output safety (issue 18.1, 18.2, 18.4): values from data reach pages only as text, CSV files only
as values (never spreadsheet formulas), and reruns give the same page. The browser half (hostile
inputs through the real reports, opened in Chromium) is in tests/test_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import crmlib
from crmlib import audiences, findings
from crmlib.reports import html as pages
from crmlib.reports import safety
from crmlib.reports.tables import show
from crmlib.safe import markdown_text, neutralise_formulas, write_csv

HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>',
           '=HYPERLINK("http://x")', '@SUM(1)']
PACKAGE = Path(crmlib.__file__).parent


def _render(*outputs, markdown: str | None = None) -> str:
    cells = [nbformat.v4.new_markdown_cell(markdown or "# Page\n\nProse.")]
    cells.append(nbformat.v4.new_code_cell("x", outputs=list(outputs)))
    nb = nbformat.v4.new_notebook(cells=cells)
    return pages.render(nb, title="Page", parameters={"currency": HOSTILE[0]}, data_period=None,
                        provenance={"parameters": {"currency": HOSTILE[0]}})


def _display(mime: str, text: str):
    return nbformat.v4.new_output("display_data", data={mime: text, "text/plain": "x"})


@pytest.mark.slow
def test_page_keeps_no_script_from_html_or_markdown_outputs():
    """The page writer's safety net: a notebook output holding script, on* handlers or a
    javascript: link reaches the page inert, whatever produced it (before: passed through as is)."""
    page = _render(_display("text/html", "<p onclick='alert(1)'>hi</p><script>alert(2)</script>"
                                         "<a href='javascript:alert(3)'>x</a>" + HOSTILE[1]),
                   _display("text/markdown", "- " + " ".join(HOSTILE) + " [link](javascript:alert(4))"),
                   _display("application/javascript", "alert(5)"))
    body = page[page.index("<body"):]
    assert not re.search(r"<script", page, re.I)
    assert not re.search(r"<[^>]+\son\w+\s*=", page, re.I)
    assert "javascript:" not in re.sub(r">[^<]*<", "><", body)  # in no tag, only as text
    assert "alert(5)" not in page  # a JavaScript output is dropped
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as text
    assert "<p>hi</p>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_page_carries_a_policy_that_runs_no_script():
    page = _render(_display("text/html", "<b>ok</b>"))
    head = page[:page.index("</head>")]
    policy = re.search(r'<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>', head).group(0)
    assert "default-src &#x27;none&#x27;" in policy or "default-src 'none'" in policy
    assert "script-src" not in policy and "img-src data:" in policy
    assert safety.CONTENT_SECURITY_POLICY == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def test_tables_survive_the_sanitizer():
    """A table from show() keeps its scoped style, ids and classes through the allow-list."""
    styler = show(pd.DataFrame({"city": ["Pune"], "revenue": [1200.0]}), currency="INR")
    page = _render(_display("text/html", styler.to_html()))
    table_id = re.search(r'<table id="(T_\w+)"', page).group(1)
    assert f"#{table_id} th" in page and 'class="data row0 col0' in page and "INR\xa01,200" in page


def test_markdown_text_shows_values_as_text():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune as to_html

    for value in HOSTILE + ["**b** _i_ [l](javascript:x) ![i](x.png) `c` $x$ http://x.io", "1. one", "- item"]:
        rendered = to_html("- " + markdown_text(value))
        assert re.sub(r"</?(ul|li)>|\n", "", rendered) == value.replace("&", "&amp;").replace(
            "<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_summary_sentences_escape_the_values_they_quote():
    """Before: findings.as_markdown put data into Markdown raw (the summary kept '<script></script>')."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune as to_html

    rendered = to_html(findings.as_markdown([f"Top category: {HOSTILE[0]}.", f"Tier {HOSTILE[1]} leads."]))
    assert "<script" not in rendered and "<img" not in rendered
    assert "Top category: &lt;script&gt;alert(1)&lt;/script&gt;." in rendered


def test_neutralise_formulas_touches_text_only():
    frame = pd.DataFrame({"t": ["-5", "=1+1", "ok", None], "n": [-5.0, 1, 2, 3],
                          "c": pd.Categorical(["@x", "a", "a", "a"])}, index=pd.Index(["+1", "a", "b", "c"]))
    out = neutralise_formulas(frame)
    assert out["t"].tolist()[:3] == ["'-5", "'=1+1", "ok"] and pd.isna(out["t"].iloc[3])
    assert out["n"].tolist() == [-5.0, 1, 2, 3] and out["c"].iloc[0] == "'@x" and out.index[0] == "'+1"


def test_audience_files_neutralise_formulas(tmp_path):
    """Issue 18.2: a loyalty tier or segment name starting a formula reached user_data_import.csv
    (the file meant for an analytics platform) and the audience files live."""
    ids = [f"C{i}" for i in range(1, 6)]
    scored = pd.DataFrame({"R": [1, 2, 3, 4, 5], "F": [1, 2, 3, 4, 5], "M": [1, 2, 3, 4, 5],
                           "segment": HOSTILE}, index=pd.Index(ids, name="customer_id"))
    customers = pd.DataFrame({"customer_id": ids, "loyalty_tier": HOSTILE[::-1]})
    path = tmp_path / "user_data_import.csv"
    audiences.user_data_import(scored, path, customers=customers, key="test-key")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert not [c for c in back.to_numpy().ravel() if c.startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK(\"http://x\")" in set(back["segment"]) and "'@SUM(1)" in set(back["loyalty_tier"])


def test_write_csv_quotes_a_bare_carriage_return(tmp_path):
    path = write_csv(pd.DataFrame({"a": ["x\ry", "\rz"], "b": [1, -2]}), tmp_path / "t.csv")
    back = pd.read_csv(path)
    assert len(back) == 2 and back["b"].tolist() == [1, -2] and back["a"].iloc[1] == "'\rz"


#: Where crmlib writes files for people: every CSV goes through crmlib.safe.write_csv.
REPORT_CODE = ([p for p in sorted(PACKAGE.rglob("*.py")) if p.relative_to(PACKAGE).parts[0] != "datasets"]
               + sorted((PACKAGE / "notebooks").glob("*.ipynb")))


def test_no_report_path_writes_a_csv_around_the_safe_writer():
    """Issue 18.2: one CSV writer. crmlib.datasets writes the simulated inputs (not a report's output)."""
    offenders = []
    for path in REPORT_CODE:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "code")
        if path.name == "safe.py":
            text = text.replace("safe.to_csv(path", "")  # the writer itself
        offenders += [f"{path.relative_to(PACKAGE)}: {line.strip()}" for line in text.splitlines() if ".to_csv(" in line]
    assert offenders == []


def _without_run_time(page: str) -> str:
    return re.sub(r"<tr><th>Run (?:at \(UTC\)|time)</th><td>(?:<time [^>]*>[^<]*</time>|[^<]*)</td></tr>", "", page)


@pytest.mark.slow
def test_same_inputs_give_the_same_page(tmp_path):
    """Issue 18.4: two runs of the overview report (tables, figures, summary) on the same small
    files give byte-identical pages apart from the footer's run time; before, pandas Styler's random
    table ids differed in every table."""
    from crmlib import datasets
    from crmlib.reports import run_reports

    paths = datasets.make_crm_dataset(n_customers=60, seed=2).write(tmp_path / "data")
    inputs = {"transactions": str(paths["transactions"]), "customers": str(paths["customers"])}
    pages_ = []
    for _ in range(2):  # into one folder, as a scheduler reruns a report (the page names its folder)
        result = run_reports(["overview"], tmp_path / "reports", inputs=inputs, progress=False).reports[0]
        assert result.status == "ok"
        pages_.append(result.html_path.read_text(encoding="utf-8"))
    first, second = (_without_run_time(p) for p in pages_)
    assert first.count("<table id=\"T_") >= 2  # the page has Styler tables to compare
    assert first == second


def _write_csv_mapping_every_cell(frame, path, *, index=False, **options):
    """crmlib.safe.write_csv as written before it neutralised string columns vectorised and shared the
    columns it leaves alone: a deep copy, every text cell through neutralise. The reference below."""
    import csv

    from crmlib.safe import _is_text, _neutralise_index, neutralise

    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            out.isetitem(i, column.cat.rename_categories(lambda c: neutralise(c)))
        elif _is_text(column):
            out.isetitem(i, column.map(neutralise, na_action="ignore"))
    out.columns = _neutralise_index(out.columns)
    out.index = _neutralise_index(out.index)
    if any(_is_text(out.iloc[:, i]) and out.iloc[:, i].astype(str).str.contains("\r", regex=False).any()
           for i in range(out.shape[1])):
        options.setdefault("quoting", csv.QUOTE_NONNUMERIC)
    out.to_csv(path, index=index, **options)


def _frames():
    rng = np.random.default_rng(42)
    n = 3000
    ids = pd.Series([f"c_{i:016x}" for i in rng.integers(0, 2**62, n)], dtype="str")
    text = pd.Series(rng.choice(["Gold", "=SUM(A1)", "-5", "+91 98", "@x", "\tTab", "ok", None], n), dtype="str")
    yield "clean", pd.DataFrame({"customer": ids, "clv": rng.gamma(2.0, 50.0, n), "decile": rng.integers(1, 11, n)})
    yield "formulas", pd.DataFrame({"customer": ids, "tier": text, "p": rng.random(n)})
    yield "categorical", pd.DataFrame({"segment": pd.Categorical(rng.choice(["Lost", "=x", "New"], n)),
                                       "x": np.arange(n)}, index=pd.Index(ids.to_numpy(), name="-id"))
    yield "object", pd.DataFrame({"mixed": pd.Series([1, 2.5, None, 4] * 5, dtype=object),
                                  "words": pd.Series(["a", "=b", None, 3] * 5, dtype=object)})
    yield "carriage return", pd.DataFrame({"note": pd.Series(["a\rb", "ok", None] * 4, dtype="str"), "n": 1.5})
    yield "unused carriage return", pd.DataFrame(
        {"c": pd.Categorical(["a", "b"] * 3, categories=["a", "b", "x\ry"]), "n": range(6)})
    yield "dates", pd.DataFrame({"day": pd.date_range("2024-01-01", periods=50), "who": ["=1"] * 50})


@pytest.mark.parametrize("index", [False, True])
def test_write_csv_writes_the_bytes_of_mapping_every_cell(tmp_path, index):
    """The vectorised writer (string columns checked at once, unchanged columns shared, not copied) writes
    every file byte for byte as the writer that mapped every cell of a deep copy."""
    for name, frame in _frames():
        before = frame.copy()
        write_csv(frame, tmp_path / "new.csv", index=index)
        _write_csv_mapping_every_cell(frame, tmp_path / "old.csv", index=index)
        assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes(), name
        pd.testing.assert_frame_equal(frame, before)  # the caller's frame is never changed


def test_neutralise_formulas_shares_the_columns_it_leaves_alone():
    frame = pd.DataFrame({"customer": pd.Series(["c_1", "c_2"], dtype="str"), "x": [1.0, 2.0],
                          "tier": pd.Series(["=1", "ok"], dtype="str")})
    out = neutralise_formulas(frame)
    assert out["tier"].tolist() == ["'=1", "ok"] and frame["tier"].tolist() == ["=1", "ok"]
    assert np.shares_memory(out["x"].to_numpy(), frame["x"].to_numpy())


def _plain_frames(n: int = 2500):
    """Frames of every kind of column the plain writer takes (and some it must hand to pandas); the
    first two have ``n`` rows, whose last 12 floats are the special ones (zeros, infinities, NaN, extremes)."""
    rng = np.random.default_rng(7)
    floats = np.concatenate([rng.standard_normal(n - 12) * 10.0 ** rng.integers(-30, 30, n - 12),
                             [0.0, -0.0, np.inf, -np.inf, np.nan, 1e16, 1e-5, 0.1, 1 / 3, 5e-324, 1e308, 123456.0]])
    ids = pd.Series([f"c_{i:016x}" for i in rng.integers(0, 2**62, n)], dtype="str")
    yield pd.DataFrame({"customer": ids, "clv": floats, "decile": rng.integers(1, 11, n),
                        "p": rng.random(n).round(3)})
    yield pd.DataFrame({"user_id": ids.astype(object), "segment": rng.choice(["Lost", "Can't Lose Them"], n).astype(object),
                        "r_score": rng.integers(1, 6, n), "last": pd.Series(rng.choice(["2024-01-02", None], n))})
    yield pd.DataFrame({"a": pd.Series(["x", None, "z"], dtype="str"), "b": [1.5, np.nan, 2.0]})
    yield pd.DataFrame({"a": pd.Series([None, None], dtype=object), "b": np.array([1, 2], dtype="uint8")})
    yield pd.DataFrame({"a": ["x,y", "z"], "b": [1, 2]})                    # quoted: pandas writes it
    yield pd.DataFrame({"a": ['say "hi"', "z"], "b": [1, 2]})
    yield pd.DataFrame({"a": ["x", "y"], "b": [True, False]})               # bool: pandas
    yield pd.DataFrame({"a": ["x", "y", "z"], "b": pd.array([1, None, -3], dtype="Int64"),
                        "c": pd.array([None, 2, 255], dtype="UInt8"), "d": pd.array([2**63, None, 1], dtype="UInt64")})
    yield pd.DataFrame({"user_id": ids})                                   # one column, no empty cell
    yield pd.DataFrame({"user_id": pd.Series(["a", None], dtype="str")})   # one column with a missing cell
    yield pd.DataFrame({"user_id": pd.Series(["a", ""], dtype="str")})
    yield pd.DataFrame({"x": [1.5, np.nan]})
    yield pd.DataFrame({"x": pd.array([1, None], dtype="Int64")})
    yield pd.DataFrame({"x": pd.array([True, None], dtype="boolean"), "y": pd.array([0.5, None], dtype="Float64")})
    yield pd.DataFrame({"a": ["x", "y"], "b": np.array([1.5, 2.25], dtype="float32")})
    yield pd.DataFrame({"one column": [1.0, 2.0]})
    yield pd.DataFrame({"one column": [3, 4]})
    yield pd.DataFrame({"a,b": [1.0], 'say "hi"': [2.0], "line\nbreak": [3.0], "plain": [4.0]})
    yield pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype=float)})


@pytest.mark.slow
@pytest.mark.parametrize("chunk", [1, 7, 100_000])
def test_chunked_plain_writer_writes_the_bytes_of_pandas_to_csv(tmp_path, monkeypatch, chunk):
    """The every-customer and user-data files are written a chunk of rows at a time with Python's own float
    repr: byte for byte what DataFrame.to_csv(index=False) writes, for every kind of column and cell; a
    column it does not take (quotes needed, bools, nullable floats, float32, a one-column file with an
    empty cell) goes to pandas."""
    from crmlib import safe

    monkeypatch.setattr(safe, "CHUNK_ROWS", chunk)
    # chunks of one row: 60 rows of each frame (its special floats included) cross 60 chunk boundaries, as
    # many as needed; 2,500 of them cost 10 s
    for i, frame in enumerate(_plain_frames(60 if chunk == 1 else 2500)):
        frame.to_csv(tmp_path / "pandas.csv", index=False)
        write_csv(frame, tmp_path / "crmlib.csv")
        assert (tmp_path / "crmlib.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes(), i
    plain = next(_plain_frames())
    assert safe._write_plain(plain, tmp_path / "x.csv") is True
    assert safe._write_plain(pd.DataFrame({"a": ["x,y"], "b": [1]}), tmp_path / "y.csv") is False
    assert not (tmp_path / "y.csv").exists()
