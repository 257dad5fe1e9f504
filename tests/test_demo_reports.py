"""End to end: the report suite runs on fresh demo data, and no generated page shows planted PII."""

import re

import pytest

from crmlib import datasets, reports

REPORTS = ["overview", "segments", "clv", "feedback"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    data = datasets.make_crm_dataset(n_customers=800, seed=7)
    paths = data.write(root / "data")
    batch = reports.run_reports(REPORTS, out_dir=root / "reports",
                                inputs={k: str(v) for k, v in paths.items()}, jobs=2)
    return data, batch, root / "reports"


@pytest.mark.slow
def test_every_report_renders_on_demo_data(demo):
    _, batch, out = demo
    assert batch.ok, batch.summary()
    for name in REPORTS:
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        assert "<img" in page, f"{name} has no figure"
        assert "Traceback" not in page and "Error" not in re.sub(r"<[^>]+>", "", page)[:2000]


@pytest.mark.slow
def test_feedback_report_shows_themes_in_three_languages(demo):
    _, _, out = demo
    page = (out / "feedback.html").read_text(encoding="utf-8")
    themes = page[page.index("Themes"):page.index("Representative comments")]
    for language in ("English", "Hindi", "Bengali"):
        assert f"{language} 100%" in themes, language
    assert re.search(r"[\u0900-\u097F]", themes) and re.search(r"[\u0980-\u09FF]", themes)


@pytest.mark.slow
def test_no_generated_page_contains_planted_pii(demo):
    data, _, out = demo
    planted = data.pii_values()
    assert len(planted) > 100  # names, emails and phones, in customers and in comments
    pages = sorted(out.glob("*.html")) + sorted(out.glob("*.ipynb"))
    assert len(pages) >= 2 * len(REPORTS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        leaked = sorted(v for v in planted if v in text)
        assert not leaked, f"{page.name} shows PII: {leaked[:5]}"
        # emails in any spelling, and phone numbers written without separators
        assert not re.search(r"[\w.+-]+@example\.(com|in|org)", text), page.name
        digits = re.sub(r"[^0-9]", " ", text)
        phones = {re.sub(r"\D", "", v)[-10:] for v in planted if sum(ch.isdigit() for ch in v) >= 10}
        assert not [p for p in phones if p in digits.split()], page.name


@pytest.mark.slow
def test_segment_report_renders_on_cdnow_master(tmp_path):
    batch = reports.run_reports(["segments"], out_dir=tmp_path, params={"dataset": ["cdnow_master"]})
    assert batch.ok, batch.summary()
