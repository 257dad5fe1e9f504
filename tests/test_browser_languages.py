"""The demo suite in Hindi and Bengali, read in headless Chromium as a reader would (issue 21.6).

Every page of ``crmlib demo --lang hi`` and ``--lang bn`` (the five reports and the index, on the
demo data of the shared ``demo_data``) is opened: the page says its language, no Latin-script word
is left once the data's own values and the names that stay (model names, metrics, currency codes,
file names, pseudonyms) are taken out, no text box is wider than its page, and every figure is an
image that loaded. The same page (segments) is saved as a screenshot in English, Hindi and Bengali
under the test's temporary folder so that a person can compare the three.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import papermill
import pytest
from test_browser import Browser  # the browser test's Chromium driver

from crmlib import reports
from crmlib.cli import DEMO_REPORTS
from crmlib.words.check import stray_english

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGS = ("hi", "bn")
SCRIPT = {"hi": re.compile(r"[\u0900-\u097F]"), "bn": re.compile(r"[\u0980-\u09FF]")}
#: The page's visible text, and the widest element against the page's width.
FACTS = """(() => ({
  lang: document.documentElement.lang,
  text: document.body.innerText,
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  images: Array.from(document.images).map(i => i.complete && i.naturalWidth > 0),
}))()"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module, as tests/test_browser.py starts it."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("headless Chromium is needed: apt-get install -y chromium (make test installs it)")
    b = Browser(binary, tmp_path_factory.mktemp("chromium") / "profile")
    yield b
    b.close()


@pytest.fixture(scope="module")
def translated(demo_data, tmp_path_factory):
    """The demo reports on the demo data, once per language, each language into its own folder, and the
    English segments page (``en``) for the screenshots: one pool of two kernels. Not taken from the
    ``demo_suite`` fixture, so that these eleven runs go to whichever worker is free, not to the demo
    suite's."""
    root = tmp_path_factory.mktemp("languages")
    inputs = {name: str(path) for name, path in demo_data.write(root / "data").items()}
    requests = [{"names": [name for name, _ in DEMO_REPORTS], "out_dir": root / lang, "inputs": inputs,
                 "options": {"lang": lang}} for lang in LANGS]
    requests.append({"names": ["segments"], "out_dir": root / "en", "inputs": inputs})
    batches = reports.run_suites(requests, jobs=2, progress=False)
    return dict(zip([*LANGS, "en"], batches))


def data_values(data) -> set[str]:
    """What the demo files hold as text: cities, tiers, categories, channels, and every word of the
    comments (driver terms and themes quote them)."""
    values: set[str] = set()
    for frame in (data.customers, data.transactions, data.feedback):
        for column in frame.columns:
            if pd.api.types.is_string_dtype(frame[column].dtype) or frame[column].dtype == object:
                if column in ("customer_id", "email", "phone", "name"):
                    continue
                texts = frame[column].dropna().astype(str)
                values.update(texts)
                words = {w for t in texts for w in re.findall(r"[A-Za-z][A-Za-z'’]*", t)}
                values.update(words | {w.lower() for w in words})  # driver terms are lower case
        values.update(map(str, frame.columns))  # the data-quality table names the file's columns
    values.update({"[id]", "[email]", "[phone]"})  # what redaction writes in place of a value
    return values


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_in_its_language_with_no_stray_english(translated, demo_data, browser, lang):
    batch = translated[lang]
    assert batch.ok, batch.summary()
    # the data's own values; the parameters as typed (names, values, paths) and the reports' names,
    # which the header and the index show as they are; the CDNOW data set's name
    allowed = data_values(demo_data) | {"CDNOW"}
    for r in batch.reports:  # the header lists each notebook parameter by name, with its value
        allowed |= {r.name, r.stem, lang, *papermill.inspect_notebook(str(r.notebook_path))}
        allowed |= {str(v) for v in r.parameters.values()}
    left = {}
    for path in [batch.index_path] + [r.html_path for r in batch.reports]:
        browser.open(path)
        facts = browser.evaluate(FACTS)
        assert facts["lang"] == lang, path.name
        assert SCRIPT[lang].search(facts["text"]), path.name
        assert facts["overflow"] <= 1, f"{path.name}: the page scrolls sideways by {facts['overflow']} px"
        assert all(facts["images"]), path.name
        stray = stray_english(facts["text"], allowed)
        if path != batch.index_path:  # every figure's Devanagari or Bengali drawn by a real font
            notebook = path.with_suffix(".ipynb").read_text(encoding="utf-8")
            assert "missing from font" not in notebook and "missing from current font" not in notebook, path.name
        if stray:
            left[path.name] = sorted(set(stray))[:40]
    assert not left, f"English left on the {lang} pages: {left}"


def test_one_page_in_three_languages_as_screenshots(translated, browser, tmp_path):
    """The segments page in English, Hindi and Bengali, saved side by side for a person to compare."""
    assert translated["en"].ok, translated["en"].summary()
    shots = {lang: next(r for r in translated[lang].reports if r.name == "segments").html_path
             for lang in ("en", *LANGS)}
    saved = []
    for lang, page in shots.items():
        browser.open(page)
        saved.append(browser.screenshot(tmp_path / f"segments-{lang}.png"))
    assert all(p.is_file() and p.stat().st_size > 10_000 for p in saved)
    print("screenshots:", *saved)
