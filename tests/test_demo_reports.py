"""End to end: the report suite runs on fresh demo data, and no generated page shows planted PII."""

import html
import re

import pytest

from crmlib import datasets, reports

REPORTS = ["overview", "segments", "clv", "feedback", "retention"]


@pytest.fixture(scope="module")
def demo(demo_suite):
    """The demo pages of the session (root conftest.py): 800 customers, seed 7, every report."""
    return demo_suite.data, demo_suite.batch, demo_suite.out


@pytest.mark.slow
def test_every_report_renders_on_demo_data(demo):
    _, batch, out = demo
    assert batch.ok, batch.summary()
    for name in REPORTS:
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        assert "<img" in page, f"{name} has no figure"
        assert "Traceback" not in page and "Error" not in re.sub(r"<[^>]+>", "", page)[:2000]


@pytest.mark.slow
def test_reports_agree_on_segments_and_model(demo):
    """One per-customer table feeds every report: the same data give the same segment counts and
    the same lifetime-value model in the segment, CLV and feedback reports."""
    _, batch, _ = demo
    recorded = {r.name: r.recorded for r in batch.reports if r.name in {"segments", "clv", "feedback", "retention"}}
    assert len(recorded) == 4
    counts = {name: rec["segment_counts"] for name, rec in recorded.items()}
    assert counts["segments"] == counts["clv"] == counts["feedback"] == counts["retention"]
    assert sum(counts["segments"].values()) == 800
    assert len({rec["model"] for rec in recorded.values()}) == 1


@pytest.mark.slow
def test_reports_name_exactly_their_input_files(demo):
    """Each report lists the files it was given, and a report given only transactions reads nothing else.

    clv takes the customers file for covariates (issue 23.3), named with -p covariates=...; without
    them it reads the file and says how to ask for their effects."""
    _, batch, _ = demo
    given = {r.name: sorted(r.inputs) for r in batch.reports}
    assert given == {"overview": ["customers", "transactions"], "segments": ["customers", "feedback", "transactions"],
                     "clv": ["customers", "transactions"], "feedback": ["customers", "feedback", "transactions"],
                     "retention": ["feedback", "transactions"]}


@pytest.mark.slow
def test_feedback_report_shows_themes_in_three_languages(demo):
    _, _, out = demo
    page = (out / "feedback.html").read_text(encoding="utf-8")
    themes = page[page.index("Themes"):page.index("A sample of comments")]
    for language in ("English", "Hindi", "Bengali"):
        assert language in themes, language
    # one theme holds comments of several languages (the lexicon is shared; themes no longer split by script)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", themes, re.S)]
    assert any(sum(lang in c for lang in ("English", "Hindi", "Bengali")) >= 2 for c in cells)
    assert re.search(r"[\u0900-\u097F]", themes) and re.search(r"[\u0980-\u09FF]", themes)


def occurring(values, text: str, k: int = 8) -> list[str]:
    """The values found in ``text`` as substrings, sorted: ``sorted(v for v in values if v in text)``, in a
    third of the time for thousands of values on pages of megabytes (the demo plants 2,900 on eleven
    pages): a value of ``k`` characters or more is searched only when its first ``k`` occur somewhere
    in ``text``, which one pass over ``text`` collects."""
    heads = {v[:k] for v in values if len(v) >= k}
    present = heads & {text[i:i + k] for i in range(len(text) - k + 1)}
    return sorted(v for v in values if (len(v) < k or v[:k] in present) and v in text)


def test_occurring_is_the_plain_substring_test():
    text = "Asha Rao wrote from asha@example.in; call +91 98450 12345. Ashok"
    values = ["Asha Rao", "asha@example.in", "+91 98450 12345", "Ashok Rao", "Ash", "", "+91 98450 99999", "zz",
              "Ashok", "12345."]
    assert occurring(values, text) == sorted(v for v in values if v in text)


@pytest.mark.slow
def test_no_generated_page_contains_planted_pii(demo):
    data, _, out = demo
    planted = data.pii_values()
    assert len(planted) > 100  # names, emails and phones, in customers and in comments
    pages = sorted(out.glob("*.html")) + sorted(out.glob("*.ipynb"))
    assert len(pages) >= 2 * len(REPORTS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        leaked = occurring(planted, text)
        assert not leaked, f"{page.name} shows PII: {leaked[:5]}"
        # emails in any spelling, and phone numbers written without separators
        # (the substring test first: the regex alone takes seconds on a page of base64 figures)
        assert "@example." not in text or not re.search(r"[\w.+-]+@example\.(com|in|org)", text), page.name
        numbers = set(re.findall(r"[0-9]+", text))  # every run of digits, found once, not once per phone
        phones = {re.sub(r"\D", "", v)[-10:] for v in planted if sum(ch.isdigit() for ch in v) >= 10}
        assert not phones & numbers, page.name


@pytest.mark.slow
def test_segment_report_renders_on_cdnow_master(demo_suite):
    """``crmlib demo`` also runs the segment report on CDNOW; the session's suite holds that page."""
    assert demo_suite.cdnow.ok, demo_suite.cdnow.summary()
    assert (demo_suite.out / "cdnow" / "segments__dataset=cdnow_master.html").is_file()


@pytest.mark.slow
def test_clv_report_finishes_on_240_customers_over_one_year(tmp_path):
    """Small real-sized data: the report fits what it can, says which model it uses and why, and
    never predicts with a model that could not be fitted (it used to stop with NotFittedError)."""
    data = datasets.make_crm_dataset(n_customers=240, seed=11, start="2025-01-01", end="2025-12-31")
    paths = data.write(tmp_path / "data")
    batch = reports.run_reports(["clv"], out_dir=tmp_path / "out", inputs={"transactions": str(paths["transactions"])})
    assert batch.ok, batch.summary()
    text = re.sub(r"<[^>]+>", " ", (tmp_path / "out" / "clv.html").read_text(encoding="utf-8"))
    model = batch.reports[0].recorded["model"]
    assert model in {"BetaGeo", "ModifiedBetaGeo", "ParetoNBD"}
    from crmlib.findings import MODEL_NAMES

    assert re.search(rf"The {re.escape(MODEL_NAMES[model])} model is used: the lowest BIC", text)


#: A code name: lower-case words joined by underscores (``horizon_days``, ``clv_share``), not part of a
#: file name (``user_data_import.csv``) or a path.
_SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-]|\.\w)")


def _prose(page: str) -> str:
    """What a reader sees between the header (with its parameter table) and the footer, without the
    body cells of data tables (pseudonyms, file kinds) but with their column headings."""
    body = page[page.index("</header>"):page.rindex("<footer")]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<tbody>.*?</tbody>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.slow
def test_pages_open_with_a_summary_and_show_no_code_names(demo):
    """Issue 11: every page opens with its findings, and no code name (parameter or column name)
    appears in its prose or table headings; parameters are named only in the header's table."""
    _, _, out = demo
    for name in REPORTS:
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        text = _prose(page)
        headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)
        assert headings and re.sub(r"<[^>]+>", "", headings[0]).strip().rstrip("¶").strip() == "Summary", name
        summary = text[text.index("Summary"):]
        assert re.search(r"\d", summary[:600]), name  # the findings carry numbers
        assert _SNAKE.findall(text) == [], (name, _SNAKE.findall(text)[:10])


@pytest.mark.slow
def test_segment_page_links_its_tables_as_csv(demo):
    _, _, out = demo
    page = (out / "segments.html").read_text(encoding="utf-8")
    assert 'href="segments/segments.csv"' in page and (out / "segments" / "segments.csv").is_file()
    written = (out / "segments" / "segments.csv").read_text(encoding="utf-8").splitlines()
    assert written[0].startswith("Segment,Rule,Customers")


@pytest.mark.slow
def test_demo_suite_keeps_cdnow_in_its_own_folder_and_index_as_crmlib_demo_does(demo_suite):
    """The fixture writes what ``crmlib demo`` writes: the demo index lists the five demo reports
    only; the CDNOW segments page sits in cdnow/ with an index of its own."""
    import inspect

    from crmlib import cli

    assert 'Path(out) / "cdnow"' in inspect.getsource(cli._demo)  # the command's own layout
    demo_index = (demo_suite.out / "index.html").read_text(encoding="utf-8")
    assert "cdnow" not in demo_index.lower()
    assert not (demo_suite.out / "segments__dataset=cdnow_master.html").exists()
    cdnow_index = (demo_suite.out / "cdnow" / "index.html").read_text(encoding="utf-8")
    assert "segments__dataset=cdnow_master.html" in cdnow_index
    assert demo_suite.cdnow.reports[0].html_path == demo_suite.out / "cdnow" / "segments__dataset=cdnow_master.html"


@pytest.mark.slow
def test_cdnow_pages_open_with_a_summary_and_show_no_code_names(tmp_path, demo_suite):
    """Issue 11: the CDNOW pages too (the overview from the bundled sample here; the segments page on
    CDNOW master comes from the shared demo suite)."""
    batch = reports.run_reports(["overview"], out_dir=tmp_path, params={"dataset": ["cdnow_sample"]}, jobs=1)
    assert batch.ok, batch.summary()
    for path in [batch.reports[0].html_path, demo_suite.out / "cdnow" / "segments__dataset=cdnow_master.html"]:
        page = path.read_text(encoding="utf-8")
        text = _prose(page)
        headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)
        assert re.sub(r"<[^>]+>", "", headings[0]).strip().rstrip("¶").strip() == "Summary", path.name
        assert _SNAKE.findall(text) == [], (path.name, _SNAKE.findall(text)[:10])
    overview = _prose(batch.reports[0].html_path.read_text(encoding="utf-8"))
    assert "2,357 customers" in overview  # the CDNOW sample's customers (Fader, Hardie & Lee 2005)


@pytest.mark.slow
def test_segment_page_names_audience_kinds_in_words(demo):
    """The table of audience files says what each holds in words (no kind codes such as
    hashed_email in its cells; the file names keep them)."""
    _, _, out = demo
    page = (out / "segments.html").read_text(encoding="utf-8")
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", page, flags=re.S)]
    assert "hashed emails (SHA-256)" in cells and "keyed pseudonyms" in cells
    assert not {"hashed_email", "hashed_phone", "ids"} & set(cells)
