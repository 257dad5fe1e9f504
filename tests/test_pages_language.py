"""Issue 21: a report run with --lang hi writes its page, header, footer, tables and index in Hindi;
other languages and digits are refused before any kernel starts."""

from __future__ import annotations

import re

import pytest

from crmlib import cli, datasets
from crmlib.exceptions import DataError
from crmlib.reports import run_reports

DEVANAGARI = re.compile("[\u0900-\u097f]")


@pytest.fixture(scope="module")
def hindi_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hi")
    paths = datasets.write_demo(tmp / "data", n_customers=60, seed=7)
    out = tmp / "reports"
    code = cli.main(["report", "overview", "--transactions", str(paths["transactions"]), "--currency", "INR",
                     "--lang", "hi", "--out", str(out), "-q"])
    return code, out


def _headers(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th class="col_heading[^"]*"[^>]*>(.*?)</th>', page, re.S)]


@pytest.mark.slow  # runs the overview notebook (a kernel): make test, not make check
def test_overview_in_hindi_has_hindi_html_lang_header_footer_and_tables(hindi_run):
    code, out = hindi_run
    assert code == 0
    page = (out / "overview.html").read_text(encoding="utf-8")
    assert '<html lang="hi">' in page
    header = page[page.index('<header class="crmlib-header">'):page.index("</header>")]
    assert "डेटा की अवधि:" in header and "इनपुट फ़ाइलें:" in header and "प्राचल (पैरामीटर)" in header
    footer = page[page.index('<footer class="crmlib-footer">'):page.index("</footer>")]
    assert "स्रोत-विवरण (प्रोवेनेंस)" in footer and "<td>सफल</td>" in footer and "Provenance" not in footer
    headers = _headers(page)
    assert headers and "Customers" not in headers
    assert sum(bool(DEVANAGARI.search(h)) for h in headers) >= len(headers) - 2  # RFM, NPS-like names may stay


@pytest.mark.slow  # runs the overview notebook (a kernel): make test, not make check
def test_index_of_a_hindi_run_is_in_hindi(hindi_run):
    _, out = hindi_run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="hi">' in index and "<h1>crmlib की रिपोर्टें</h1>" in index
    assert "1 रिपोर्ट: 1 सफल, 0 विफल।" in index and "Report and parameters" not in index


def test_other_languages_and_digits_are_refused_before_any_kernel(monkeypatch, tmp_path, capsys):
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: pytest.fail("a kernel was started"))
    with pytest.raises(SystemExit):
        cli.main(["report", "overview", "--demo", "--lang", "ta", "--out", str(tmp_path)])
    assert "invalid choice: 'ta'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["demo", "--digits", "roman", "--out", str(tmp_path)])
    with pytest.raises(DataError, match=r"-p lang='ta' is not supported; use one of 'en', 'hi', 'bn'"):
        run_reports(["overview"], tmp_path, params={"lang": "ta"}, inputs={"transactions": __file__})
    assert not list(tmp_path.glob("*.html"))


def test_a_native_digit_page_writes_its_input_files_sizes_in_its_digits():
    """Before: the header of a Bengali page with native digits named its inputs 'sales.xlsx (23.6 kB, ...)' and
    the files it wrote '(1.2 kB, ৪০টি সারি)', the size in Latin digits beside Bengali ones."""
    from crmlib.reports.page import file_link, header_html, page_language

    parameters = {"lang": "bn", "digits": "native"}
    inputs = {"transactions": {"name": "sales.xlsx", "size": 23_612, "sha256": "98650e1ca05d" * 5},
              "customers": {"name": "customers.csv", "size": 532, "sha256": "29a658be5536" * 5}}
    header = header_html("t", parameters, "2024-01-01 to 2024-12-31", None, inputs=inputs)
    assert "sales.xlsx (২৩.৬ kB, sha256 98650e1ca05d)" in header and "customers.csv (৫৩২ B," in header, header
    # the files' roles in the page's words (before: "customers: customers.csv; transactions: sales.xlsx")
    assert "লেনদেন: sales.xlsx" in header and "transactions:" not in header and "customers:" not in header, header
    english = header_html("t", {}, None, None, inputs=inputs)
    assert "customers: customers.csv" in english and "transactions: sales.xlsx" in english
    w, fmt = page_language(parameters)
    link = file_link({"path": "clv/scores.csv", "size": 1_234, "rows": 40}, w, fmt)
    assert "(১.২ kB, ৪০টি সারি)" in link, link
    assert "(1.2 kB, 40 rows)" in file_link({"path": "clv/scores.csv", "size": 1_234, "rows": 40})
