"""Issue 20, finding 10: a page whose report wrote a pseudonymised action list says, under its files, how
a key holder maps it back to customer ids (``crmlib reidentify``) and that the resulting file must stay
private; pages whose files name no customer carry no such note. Never a link to the private file."""

from __future__ import annotations

import re

import pytest

from crmlib import datasets
from crmlib.privacy import pseudonymise
from crmlib.reports import run_reports
from crmlib.reports.files import holds_pseudonyms, written_files
from crmlib.reports.html import files_html
from crmlib.words import Words
from crmlib.words import page as page_words

DEVANAGARI = re.compile("[\u0900-\u097f]")
COMMAND = "crmlib reidentify --list FILE --customers FILE --out PATH"


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_with_a_pseudonym_column_is_marked_whatever_its_header_language(tmp_path):
    ids = pseudonymise(__import__("pandas").Series(["A1", "B2", "C3"]), key="k").tolist()
    hindi = _write(tmp_path / "out" / "clv" / "value.csv",
                   "ग्राहक (छद्मनाम),मूल्य\n" + "".join(f"{p},{i}\n" for i, p in enumerate(ids)))
    plain = _write(tmp_path / "out" / "overview" / "revenue-by-month.csv", "month,revenue\n2026-01,5\nc_zz,4\n")
    empty = _write(tmp_path / "out" / "segments" / "none.csv", "customer,segment\n")
    assert holds_pseudonyms(hindi) and not holds_pseudonyms(plain) and not holds_pseudonyms(empty)
    files = written_files(tmp_path / "out", tmp_path / "out")
    assert [f.get("pseudonyms", False) for f in files] == [True, False, False], files


def test_the_note_follows_the_files_and_the_language():
    action = [{"path": "segments/segments.csv", "size": 10, "rows": 2, "pseudonyms": True}]
    plain = [{"path": "overview/revenue-by-month.csv", "size": 10, "rows": 2}]
    en = files_html(action, Words("en"))
    assert "These files name customers by pseudonym" in en and f"<code>{COMMAND}</code>" in en
    assert "CRMLIB_SECRET" in en and "never forward it" in en
    assert "reidentify" not in files_html(plain, Words("en"))
    for lang in ("hi", "bn"):
        text = files_html(action, Words(lang))
        assert f"<code>{COMMAND}</code>" in text and "CRMLIB_SECRET" in text
        assert "These files" not in text
        assert Words(lang)(page_words.REIDENTIFY_NOTE, secret_env="X", command="Y") != \
            Words("en")(page_words.REIDENTIFY_NOTE, secret_env="X", command="Y")


@pytest.mark.slow
def test_segments_page_has_the_note_in_hindi_and_the_overview_page_none(tmp_path):
    paths = datasets.write_demo(tmp_path / "data", n_customers=60, seed=7)
    out = tmp_path / "reports"
    batch = run_reports(["overview", "segments"], out, params={"lang": "hi"},
                        inputs={"transactions": str(paths["transactions"])})
    assert batch.ok, batch.summary()
    segments = next(out.glob("segments*.html")).read_text(encoding="utf-8")  # segments__lang=hi.html
    overview = next(out.glob("overview*.html")).read_text(encoding="utf-8")
    note = re.search(r'<p class="crmlib-reidentify">(.*?)</p>', segments, re.S)
    assert note, "no re-identification note on the segments page"
    assert f"<code>{COMMAND}</code>" in note.group(1)
    assert len(DEVANAGARI.findall(note.group(1))) > 40 and "These files" not in note.group(1)
    assert "crmlib-reidentify" not in overview and "reidentify" not in overview
    links = re.findall(r'href="([^"]+)"', segments)
    assert links and not any("private" in h or "with-ids" in h for h in links)
