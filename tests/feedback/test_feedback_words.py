"""Issue 21 for the feedback report: every sentence, name, table cell and figure text of the feedback page
from crmlib.words.feedback in English, Hindi and Bengali; channel names, comments and driver terms stay."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import datasets  # noqa: E402
from crmlib import feedback as fb  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.ids import join_rate  # noqa: E402
from crmlib.plots import feedback as pf  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import feedback as fw  # noqa: E402
from crmlib.words.check import stray_english  # noqa: E402

SCRIPT = {"hi": re.compile("[\u0900-\u097f]"), "bn": re.compile("[\u0980-\u09ff]")}


@pytest.fixture(scope="module")
def answers():
    return datasets.make_crm_dataset(1500, seed=7).feedback


def _figure_text(ax) -> str:
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    texts += [t.get_text() for t in ax.texts]
    if ax.get_legend() is not None:
        texts += [t.get_text() for t in ax.get_legend().get_texts()]
    return " ".join(texts)


def test_english_sentences_keep_their_words(answers):
    """The sentences moved out of crmlib.feedback and crmlib.ids read as before in English."""
    trend = fb.score_trend(fb.pooled_by(answers, "nps", "M"))
    assert fw.trend_sentence(trend).startswith("NPS ")
    assert re.search(r"\(95% interval -?\d+\.\d to -?\d+\.\d; \d+ (months|quarters)\)", fw.trend_sentence(trend))
    r = join_rate(["81", "000082", "90"], ["81", "82"])
    assert fw.join_sentence(r) == ("2 of 3 survey customers found among the customers with transactions. 1 of them "
                                   "was matched only once leading zeros were ignored. Value and segment are unknown "
                                   "(–) for the others, never 0.")
    # before: "971 of 971 survey customers found ... unknown (–) for the others" when there were no others
    assert fw.join_sentence(join_rate(["81", "082"], ["81", "82"])) == (
        "All 2 survey customers were found among the customers with transactions. 1 of them was matched only "
        "once leading zeros were ignored.")
    t = pd.DataFrame({"n": [40, 35]})
    t.attrs.update(period="Q", pooled_from="M", min_n=30, max_n_asked=20)
    assert fw.pooling_sentence(t, w=Words("hi"), fmt=Formats("hi", digits="native")) == (
        "अवधि के रूप में महीने लेने पर उत्तर बहुत कम हैं (अधिकतम २०, जबकि न्यूनतम ३० चाहिए); इसलिए अवधि के रूप में "
        "तिमाहियाँ ली गई हैं: २ में से २ अवधियों में कम से कम ३० उत्तर हैं (तिमाहियाँ)।")


@pytest.mark.parametrize("lang", ["hi", "bn"])
@pytest.mark.slow
def test_feedback_sentences_figures_and_tables_in_the_language(answers, lang):
    w, fmt = Words(lang), Formats(lang, currency="INR")
    nps_trend = fb.pooled_by(answers, "nps", "M")
    csat_trend = fb.pooled_by(answers, "csat", "M")
    headline = [fb.nps(answers["nps"]), fb.csat(answers["csat"])]
    sentences = fw.findings(headline, nps_trend, csat_trend, w=w, fmt=fmt)
    sentences.append(fw.join_sentence(join_rate(["1", "01", "C7"], ["1", "c7"]), w=w, fmt=fmt))
    sentences.append(fw.join_sentence(join_rate(["1", "02"], ["1", "2"]), w=w, fmt=fmt))
    sentences.append(fw.opening(answers, w=w, fmt=fmt))
    assert len(sentences) >= 5
    for s in sentences:
        assert SCRIPT[lang].search(s) and not stray_english(s), s
    channels = set(answers["channel"].dropna().astype(str))
    terms = fb.drivers(answers["comment"], fb.nps_category(answers["nps"]))
    by_theme = fb.theme_scores(answers)
    axes = [pf.trend(nps_trend, words=w, fmt=fmt), pf.trend(csat_trend, words=w, fmt=fmt),
            pf.by_group(fb.nps_by(answers, by="channel"), group="channel", words=w, fmt=fmt),
            pf.drivers(terms, k=8, words=w, fmt=fmt), pf.theme_nps(by_theme, words=w, fmt=fmt)]
    for ax in axes:
        text = _figure_text(ax)
        assert SCRIPT[lang].search(ax.get_title()), ax.get_title()
        assert not stray_english(text, channels | set(terms["term"])), text
    plt.close("all")
    shown = fw.on_page(by_theme, w=w, fmt=fmt)
    cells = " ".join(shown[["theme", "languages", "leans"]].astype(str).stack())
    assert all(SCRIPT[lang].search(v) for v in shown["theme"]) and not stray_english(cells), cells
    assert "English" not in fw.on_page(fb.top_drivers(terms, 5), w=w, fmt=fmt)["language"].to_list()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_feedback_report_in_the_language(lang, tmp_path):
    """The feedback page on the demo data in Hindi and Bengali: <html lang>, every table header in the
    script, no English left but data values (channels, comments, driver terms, file and column names)."""
    import html

    from crmlib import cli
    from crmlib.io import read_feedback

    paths = datasets.write_demo(tmp_path / "data", n_customers=400, seed=5)
    out = tmp_path / "reports"
    assert cli.main(["report", "feedback", "--feedback", str(paths["feedback"]), "--customers",
                     str(paths["customers"]), "--transactions", str(paths["transactions"]), "--currency", "INR",
                     "--lang", lang, "--out", str(out), "-q"]) == 0
    page = (out / "feedback.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    heads = [re.sub(r"<[^>]+>", "", h).strip()
             for h in re.findall(r'<th class="col_heading[^"]*"[^>]*>(.*?)</th>', page, re.S)]
    assert heads and all(SCRIPT[lang].search(h) or h in {"NPS", "CSAT", "CES"} for h in heads), heads
    main = page[page.index("</header>"):page.index('<footer class="crmlib-footer">')]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>|<img[^>]*>", " ", main, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", main))
    answers = read_feedback(paths["feedback"])
    values = {str(v) for v in answers["channel"].dropna()} | {str(v) for v in answers["comment"].dropna()}
    values |= set(fb.drivers(answers["comment"], fb.nps_category(answers["nps"]))["term"])
    values |= set(fb.other_terms(answers, 12)["term"])
    values |= {"comment", "customer_id", "CDNOW", "[email]", "[phone]", "[id]", "duplicates"}
    assert stray_english(text, values) == []


def test_headline_scores_are_written_in_their_own_scales(answers):
    """The headline table showed every score as a signed number: CSAT "+63.1" and CES "+5.0" read as
    NPS-like points. NPS keeps its sign; CSAT is a per cent and CES a mean effort, unsigned."""
    headline = [getattr(fb, m)(answers[m]) for m in ("nps", "csat", "ces")]
    table, _ = fw.scores_table(headline, fmt=Formats("en"))
    nps, csat, ces = table.to_dict("records")
    assert nps["score"] == fw.signed(Formats("en"), headline[0].score) and nps["score"][0] in "+-0"
    assert csat["score"] == f"{headline[1].score:.1f}%" and csat["lower"].endswith("%")
    assert ces["score"] == f"{headline[2].score:.1f}" and not ces["score"].startswith("+")
    hi, _ = fw.scores_table(headline, fmt=Formats("hi", digits="native"))
    assert SCRIPT["hi"].search(hi.loc[1, "score"])  # Devanagari digits
