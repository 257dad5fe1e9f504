"""crmlib.words and its catalogues: complete, placeholders kept, compiled in step, agreeing with the
teaching glossary, each language in its own script."""

import functools
import io
import re
import string
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import crmlib.words
from crmlib.words import Words, catalogue_path, page, translator
from crmlib.words.notebooks import extract_markdown

ROOT = Path(__file__).resolve().parents[1]
WORDS_DIR = ROOT / "crmlib" / "words"
NOTEBOOKS_DIR = ROOT / "crmlib" / "notebooks"
POT = ROOT / "crmlib" / "locale" / "crmlib.pot"
GLOSSARY = ROOT / "notebooks" / "teaching" / "glossary.yaml"
LANGS = ("hi", "bn")
SCRIPTS = {"hi": re.compile("[\u0900-\u0963\u0966-\u097f]"), "bn": re.compile("[\u0980-\u09ff]")}


def _read(path, lang=None):
    with open(path, "rb") as f:
        return read_po(f, locale=lang)


def _messages(catalog):
    return [m for m in catalog if m.id]


def _ids(message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def _strings(message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.fixture(scope="module")
def template():
    return _read(POT)


@pytest.fixture(scope="module", params=LANGS)
def catalog(request):
    return request.param, _read(catalogue_path(request.param, ".po"), request.param)


def test_template_holds_every_message_of_the_words_package(template):
    """The template is in step with the code: `make messages` was run after the last change."""
    keywords = {**DEFAULT_KEYWORDS, "NP_": (1, 2)}
    in_code = set()
    for path in sorted(WORDS_DIR.rglob("*.py")):
        for _, msgid, _, _ in extract_from_file("python", path, keywords=keywords):
            in_code.add(msgid if isinstance(msgid, str) else tuple(msgid))
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):  # the report notebooks' Markdown prose
        with open(path, "rb") as fh:
            in_code.update(message for _, _, message, _ in extract_markdown(fh, None, None, None))
    in_template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _messages(template)}
    assert in_code == in_template, f"run `make messages`; differ: {sorted(map(str, in_code ^ in_template))}"
    assert len(in_template) >= 50


def test_every_message_has_a_checked_translation(template, catalog):
    lang, cat = catalog
    missing = [m.id for m in _messages(template) if m.id not in cat]
    fuzzy = [m.id for m in _messages(cat) if m.fuzzy]
    empty = [m.id for m in _messages(cat) if not all(s.strip() for s in _strings(m))]
    assert not missing and not fuzzy and not empty, (lang, missing, fuzzy, empty)
    assert not cat.fuzzy
    assert len(_strings(cat[page.ROWS[0]])) == cat.num_plurals == 2


def test_every_placeholder_is_kept(catalog):
    lang, cat = catalog
    for m in _messages(cat):
        wanted = set().union(*(_placeholders(i) for i in _ids(m)))
        for s in _strings(m):
            assert _placeholders(s) == wanted, (lang, m.id, s)


def test_each_translation_is_in_its_own_script(catalog):
    lang, cat = catalog
    other = SCRIPTS["bn" if lang == "hi" else "hi"]
    for m in _messages(cat):
        for s in _strings(m):
            assert SCRIPTS[lang].search(s) and not other.search(s), (lang, m.id, s)


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_is_in_step_with_its_source(lang):
    """The shipped .mo is what `pybabel compile` makes of the .po today."""
    buffer = io.BytesIO()
    write_mo(buffer, _read(catalogue_path(lang, ".po"), lang), use_fuzzy=False)
    assert catalogue_path(lang, ".mo").read_bytes() == buffer.getvalue(), "run `make messages`"


@functools.cache  # read and compiled once: the check calls it for every message (it cost about a minute)
def _glossary_terms():
    """(English pattern, Hindi word, Bengali word) for every glossary entry: the English term
    without its bracketed abbreviation (and each of its comma-separated names), the Hindi and
    Bengali everyday word (before the bracket). Longest English terms first."""
    terms = []
    for key, entry in yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")).items():
        main = {lang: re.sub(r"\s*\(.*?\)", "", entry[lang]).strip() for lang in ("hi", "bn")}
        for name in re.sub(r"\s*\([^)]*\)", "", entry["en"]).split(","):
            name = name.strip()
            if len(name) > 1:  # "P(alive)" leaves "P", a letter (as in -p), not a term
                # not a command-line option such as --customers, which stays as typed in every language
                pattern = re.compile(r"(?<!--)\b" + re.escape(name).replace(r"\ ", r"[\s-]+") + r"(?:s|es)?\b", re.I)
                terms.append((key, name, pattern, main))
    return tuple(sorted(terms, key=lambda t: -len(t[1])))


def _shared_terms(text: str):
    """Glossary terms in an English message, longest first, each stretch of text counted once."""
    found, taken = [], []
    for key, name, pattern, main in _glossary_terms():
        for hit in pattern.finditer(text):
            if not any(a < hit.end() and hit.start() < b for a, b in taken):
                taken.append(hit.span())
                found.append((key, main))
    return found


def test_glossary_terms_are_found_in_english_messages():
    assert [k for k, _ in _shared_terms("Parameters of the customer segments")] == ["segment", "parameter"]
    assert [k for k, _ in _shared_terms("the confidence interval and its confidence")] == \
        ["confidence_interval", "confidence"]
    assert [k for k, _ in _shared_terms("run it with --customers FILE")] == []


def test_catalogue_and_glossary_agree_on_every_shared_term(catalog):
    """A student meets the same word in the teaching notebooks and on the pages."""
    lang, cat = catalog
    checked = 0
    for m in _messages(cat):
        for english, translated in zip(_ids(m), _strings(m)):
            for key, main in _shared_terms(english):
                assert main[lang] in translated, (lang, key, main[lang], translated)
                checked += 1
    assert checked >= 2  # customer (ids), parameters at least


def test_words_translate_and_fill_placeholders():
    assert Words("hi")(page.INPUT_FILES, files="orders.csv") == "इनपुट फ़ाइलें: orders.csv"
    assert Words("bn")(page.FAILED_AT, place=Words("bn")(page.CELL, cell="৩"), error="DataError") == \
        "এই রিপোর্টটি ব্যর্থ হয়েছে (সেল ৩): DataError"
    assert Words("en")(page.CELL_LINE, cell=3, line=2) == "cell 3, line 2"
    hi = Words("hi")
    assert [hi.plural(page.ROWS, n, rows=str(n)) for n in (1, 5)] == ["1 पंक्ति", "5 पंक्तियाँ"]
    assert Words("en").plural(page.ROWS, 1, rows="1") == "1 row"
    assert Words("en").plural(page.ROWS, 0, rows="0") == "0 rows"


def test_english_is_the_message_ids_and_a_missing_message_falls_back_to_english():
    assert translator("en").gettext(page.PROVENANCE) == "Provenance"
    assert translator("hi").gettext("A message nobody translated") == "A message nobody translated"


def test_unknown_language_says_which_exist():
    with pytest.raises(ValueError, match="use one of en, hi, bn"):
        translator("ta")


def test_catalogues_ship_as_package_data():
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["crmlib"]
    assert "locale/*/LC_MESSAGES/*.mo" in data
    assert crmlib.words.LOCALE_DIR.joinpath("hi", "LC_MESSAGES", "crmlib.mo").is_file()


#: What keeps Latin digits on a page with native digits: names and formats typed as they are.
LATIN_KEPT = re.compile(r"SHA-256|UTF-8|UTF-16|cp1252|\+880|\+91|31/01/2024|01/31/2024|81\.0|0/1")


def test_native_digits_reach_the_numbers_in_each_translations_own_text(catalog):
    """Before: a Bengali page with --digits native wrote "95 %", "0-10", "দশমাংশ 1" in Latin digits beside
    the values' Bengali ones (69 Bengali and 68 Hindi messages)."""
    lang, cat = catalog
    w = Words(lang, digits="native")
    for m in _messages(cat):
        for s in _strings(m):
            own = re.sub(r"\{[^{}]*\}", "", w._own(s))
            assert not re.search(r"[0-9]", LATIN_KEPT.sub("", own)), (lang, m.id, own)
            assert set(re.findall(r"\{[^{}]*\}", w._own(s))) == set(re.findall(r"\{[^{}]*\}", s))  # fields kept
    assert Words(lang, digits="latin").text("95 %") == Words(lang).text("95 %")


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_the_winback_tables_reason_and_because_columns_read_differently(lang):
    """Before: the Bengali win-back table had two columns headed "কারণ" ("Reason" why a customer is on the list,
    "Because" the category the offer follows from)."""
    from crmlib.words import tables

    w = Words(lang)
    assert w(tables.LABELS["reason"]) != w(tables.LABELS["because"])
