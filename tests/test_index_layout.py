"""Issue 20, finding 11 (index part): the index of a run fits about two screens at 1280 px, its file
lists are readable (one line per file, grouped and collapsible), and the demo's CDNOW page has its own index.

The height is measured in headless Chromium with the driver of tests/test_browser.py.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from crmlib import config
from crmlib.reports.html import index_html

#: One screen of a 1280 px wide laptop window; the index of a five-report run may be about two.
SCREEN = 800
FILES = {
    "overview": ["data-quality.csv", "revenue-by-month.csv", "customers-by-city.csv"],
    "segments": ["segments.csv", "audience-champions.csv", "audience-at-risk.csv", "audience-cant-lose-them.csv",
                 "audience-about-to-sleep.csv", "user-data-champions-hashed-emails.csv",
                 "user-data-at-risk-hashed-phones.csv", "migration.csv"],
    "clv": ["customer-value.csv", "deciles.csv", "by-segment.csv"],
    "feedback": ["nps-by-period.csv", "themes.csv", "nps-by-segment.csv"],
    "retention": ["winback.csv", "cohorts.csv", "churn-risk.csv", "cross-sell.csv"],
}


def demo_entries() -> list[dict]:
    """Index entries as a five-report demo run writes them (names, parameters, inputs, files)."""
    inputs = {n: {"name": f"{n}.csv", "path": f"/home/analyst/data/demo/{n}.csv", "size": 812_345,
                  "sha256": "ab" * 32} for n in ("transactions", "customers", "feedback")}
    return [{"name": name, "stem": name, "title": f"The {name} report of the customer base", "status": "ok",
             "parameters": {"currency": "INR", "output_dir": f"/home/analyst/reports/{name}"},
             "html_path": f"{name}.html", "notebook_path": f"{name}.ipynb", "inputs": inputs,
             "data_period": "2024-01-01 to 2025-12-31", "fingerprint": "0123456789ab", "crmlib_version": "0.9.0",
             "run_at": "2026-12-01T10:00:00+00:00", "duration": 41.3,
             "files": [{"path": f"{name}/{f}", "size": 45_678, "rows": 1234} for f in files]}
            for name, files in FILES.items()]


def test_index_groups_each_reports_files_one_per_line():
    page = index_html(demo_entries())
    assert page.count("<details") >= len(FILES)  # file lists fold away
    assert 'class="files"' in page and page.count("<li>") >= sum(map(len, FILES.values()))
    assert "white-space: nowrap" in page  # a file name never breaks over lines


def test_the_index_and_the_footer_write_the_run_time_as_people_read_it():
    """Before: 2026-12-01T10:00:00+00:00 under a Hindi or Bengali heading; now the day as the sentences write it and
    the minute (UTC, as the column says), with the exact time kept for programs in the datetime attribute."""
    from crmlib.reports.page import footer_html

    stamp = "2026-12-01T10:00:00+00:00"
    for lang, digits, shown in [("en", "latin", "1 Dec 2026, 10:00"), ("hi", "latin", "1 दिस॰ 2026, 10:00"),
                                ("bn", "native", "১ ডিসেঃ, ২০২৬ ১০:০০")]:
        body = index_html(demo_entries(), lang=lang, digits=digits).split("<body", 1)[1]
        assert f'<time datetime="{stamp}">{shown}</time>' in body and "T10:00:00" not in body.replace(stamp, ""), lang
        footer = footer_html({"run_at": stamp, "parameters": {"lang": lang, "digits": digits}})
        assert f'<time datetime="{stamp}">{shown}</time>' in footer, footer


def test_the_index_of_a_native_digit_run_writes_its_numbers_in_those_digits():
    """Before: the pages of `crmlib report ... --lang bn --digits native` wrote ১২০ while their index said
    '5টির মধ্যে 5টি', '2024-01-01 থেকে' and '(45.7 kB, 1234টি সারি)' in Latin digits."""
    from types import SimpleNamespace

    from crmlib.reports.index import run_digits

    entries = [dict(e, default_key=True) for e in demo_entries()]
    page = index_html(entries, lang="bn", digits="native")
    body = page.split("<body", 1)[1]
    assert "৫টির মধ্যে ৫টি" in body and "১ জানু, ২০২৪ – ৩১ ডিসেঃ, ২০২৫" in body and "(৪৫.৭ kB, ১,২৩৪টি সারি)" in body, body
    assert "(812.3 kB" not in body and "(৮১২.৩ kB, sha256" in body
    assert "গ্রাহক: customers.csv" in body and "customers: customers.csv" not in body  # the files' roles too
    assert "5টির মধ্যে 5টি" in index_html(entries, lang="bn")  # Latin digits stay the default
    runs = [SimpleNamespace(parameters={"lang": "bn", "digits": "native"}), SimpleNamespace(parameters={})]
    assert run_digits(runs) == "native" and run_digits(runs[1:]) == "latin"
    assert run_digits([SimpleNamespace(parameters={"digits": "roman"})]) == "latin"


def test_a_run_with_native_digits_writes_its_index_in_them(tmp_path):
    """The runner's result carries the report's digits (--digits or -p digits) to the index it merges into."""
    from crmlib.reports.index import update_index
    from crmlib.reports.results import ReportResult

    (tmp_path / "overview.html").write_text("<html></html>", encoding="utf-8")
    result = ReportResult(name="overview", stem="overview", parameters={}, status="ok",
                          html_path=tmp_path / "overview.html", notebook_path=tmp_path / "overview.ipynb",
                          lang="hi", digits="native", data_period="2024-01-01 to 2024-12-31")
    page = update_index(tmp_path, [result]).read_text(encoding="utf-8")
    assert "१ रिपोर्ट: १ सफल, ० विफल" in page and "१ जन॰ – ३१ दिस॰ २०२४" in page, page


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("_browser", Path(__file__).parent / "test_browser.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("headless Chromium is needed: apt-get install -y chromium (make setup does it)")
    b = module.Browser(binary, tmp_path_factory.mktemp("chromium") / "profile")
    yield b
    b.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("open_files", [False, True])
def test_index_of_a_five_report_run_fits_two_screens(tmp_path, browser, open_files):
    """Before: the "Files written" column was ~60 px wide and this index 1,862 px tall (the demo's, six
    reports, 5,012 px); now 608 px folded, 1,105 px with every file list open."""
    path = tmp_path / "index.html"
    path.write_text(index_html(demo_entries()), encoding="utf-8")
    browser.open(path)
    if open_files:  # the reader opens every file list: still readable, one line per file
        browser.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    height = browser.evaluate("Math.ceil(document.body.getBoundingClientRect().bottom + window.scrollY)")
    print(f"index height at 1280 px ({'files open' if open_files else 'folded'}): {height} px")
    assert height <= 2 * SCREEN
    if open_files:
        lines = browser.evaluate(
            "Array.from(document.querySelectorAll('.files li')).map(li => "
            "Math.round(li.getBoundingClientRect().height / parseFloat(getComputedStyle(li).lineHeight || 20)))")
        heights = browser.evaluate("Array.from(document.querySelectorAll('.files li')).map(li => li.getBoundingClientRect().height)")
        assert max(heights) < 2 * min(heights), lines  # no file name wraps
    assert browser.evaluate("document.documentElement.scrollWidth") <= 1280


def test_demo_writes_the_cdnow_page_into_its_own_index(tmp_path, monkeypatch):
    """The demo index mixed a CDNOW segments page in under the demo's title."""
    from crmlib import cli, datasets, reports

    calls = []

    class Done:
        ok, failed, index_path = True, [], None

    def fake_run(names, out_dir=None, **kw):
        calls.append((list(names), Path(out_dir), kw.get("params")))
        done = Done()
        done.index_path = Path(out_dir) / "index.html"
        return done

    def fake_suites(requests, **kw):  # crmlib demo runs both batches through one pool (run_suites)
        return [fake_run(**request) for request in requests]

    monkeypatch.setattr(reports, "run_reports", fake_run)
    monkeypatch.setattr(reports, "run_suites", fake_suites)
    written = []
    monkeypatch.setattr(datasets, "write_demo", lambda folder, **k: written.append(folder) or {"t": tmp_path / "t.csv"})
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    assert cli.main(["demo", "--out", str(tmp_path / "out")]) == 0
    assert written == [tmp_path / "out" / "data"]  # the demo's data go with its pages, not into the working folder
    (demo_names, demo_out, _), (cdnow_names, cdnow_out, cdnow_params) = calls
    assert cdnow_params == {"dataset": ["cdnow_master"]} and demo_out == tmp_path / "out"
    assert cdnow_out != demo_out and cdnow_out.parent == demo_out
