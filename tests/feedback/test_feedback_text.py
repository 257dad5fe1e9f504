"""Tests for crmlib.feedback.text: tokens and language by script, redaction, themes, drivers."""

import re

import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from crmlib.feedback import (comments_table, drivers, language, nps_category, stopwords,
                             themes, tokenize, top_drivers)


@pytest.mark.parametrize("word", ["डिलीवरी", "गुणवत्ता", "ग्राहक", "संबंध", "क़ीमत",
                                  "ডেলিভারি", "পরিষেবা", "দ্রুত", "ক্ষমা"])
def test_tokenize_keeps_indic_words_whole(word):
    assert tokenize(f"({word}), {word}।") == [word, word]


def test_default_sklearn_pattern_breaks_indic_words_but_ours_does_not():
    """The trap from STACK.md: the default token_pattern splits at vowel signs and viramas."""
    text = "ग्राहक संबंध डिलीवरी"
    default = CountVectorizer().build_analyzer()(text)
    assert "ग्राहक" not in default
    assert tokenize(text) == ["ग्राहक", "संबंध", "डिलीवरी"]


def test_tokenize_lowercases_latin_only_and_drops_numbers_and_placeholders():
    assert tokenize("Don’t LIKE the App, order 88231 [phone] [email]") == [
        "don't", "like", "the", "app", "order"]
    assert tokenize(None) == [] and tokenize(float("nan")) == []
    # NFC: a decomposed nukta letter becomes the same token as the composed one
    assert tokenize("\u0921\u093c") == tokenize("\u095c")


def test_tokenize_keeps_zero_width_joiners_inside_words():
    word = "র\u200d্যাব"  # Bengali ra-phala written with ZWJ
    assert tokenize(word) == [word]


def test_language_by_script():
    assert language("सेवा अच्छी थी") == "hi"
    assert language("পরিষেবা ভালো ছিল") == "bn"
    assert language("Great service") == "en"
    assert language("service बहुत अच्छी थी but slow delivery") == "mixed"
    assert language("") == "unknown" and language(None) == "unknown"


def test_stopwords_cover_three_languages_and_keep_negations():
    sw = stopwords()
    assert {"the", "है", "में", "और", "এবং", "আমি"} <= sw
    assert not ({"not", "नहीं", "না"} & sw)
    assert {"not", "नहीं", "না"} <= stopwords(drop_negations=True)
    with pytest.raises(ValueError, match="ta"):
        stopwords("ta")


def test_drivers_put_detractor_words_on_the_detractor_side(corpus):
    """Monroe, Colaresi & Quinn (2008) weighted log-odds on a corpus with known words."""
    table = drivers(corpus["comment"], nps_category(corpus["nps"]))
    side = table.set_index("term")["side"]
    for word in ["देर", "खराब", "দেরিতে", "খারাপ", "late", "refund"]:
        assert side[word] == "detractor", word
    for word in ["अच्छी", "शानदार", "দারুণ", "চমৎকার", "great", "friendly"]:
        assert side[word] == "promoter", word
    # counts are real counts: 'late' is only in detractor comments
    late = table.set_index("term").loc["late"]
    n_late = corpus["comment"].str.contains("late").sum()
    assert (late["count_a"], late["count_b"]) == (n_late, 0)
    # the negation stays a token; stopwords do not appear
    assert "नहीं" in side.index and "the" not in side.index
    top = top_drivers(table, 3)
    assert (top["z"] > 0).sum() == 3 and (top["z"] < 0).sum() == 3


def test_drivers_symmetric_and_prior_strength():
    texts = ["slow slow delivery"] * 5 + ["fast delivery"] * 5
    groups = ["detractor"] * 5 + ["promoter"] * 5
    t = drivers(texts, groups, min_count=1, redact=False).set_index("term")
    assert t.loc["slow", "z"] == pytest.approx(-drivers(texts, groups[::-1], min_count=1,
                                                        redact=False).set_index("term").loc["slow", "z"])
    assert abs(t.loc["delivery", "z"]) < abs(t.loc["slow", "z"])
    weak = drivers(texts, groups, min_count=1, prior=1.0, redact=False).set_index("term")
    assert abs(weak.loc["slow", "delta"]) > abs(t.loc["slow", "delta"])  # less shrinkage


def test_drivers_and_themes_never_see_pii(corpus):
    table = drivers(corpus["comment"], nps_category(corpus["nps"]), min_count=1)
    joined = " ".join(table["term"])
    assert "example" not in joined and "98765" not in joined and "email" not in joined
    result = themes(corpus["comment"], n_themes=4)
    shown = " ".join(result.comments) + " ".join(result.representative(5)["comment"])
    assert "@" not in shown and not re.search(r"98765", shown)
    assert "[phone]" in " ".join(result.comments)


def test_themes_find_language_and_topic_groups(corpus):
    result = themes(corpus["comment"], n_themes=6, n_terms=5)
    assert 3 <= len(result.summary) <= 7
    # mixed-script comments ("ठीक है, okay") are the only ones left unassigned (theme 0)
    mixed = corpus["comment"].map(language) == "mixed"
    assert (result.assignments["theme"] == 0).sum() == mixed.sum()
    assert result.summary["comments"].sum() == (~mixed).sum()
    # each of the three languages has a theme of its own, labelled in its own script
    by_lang = result.summary.set_index("languages")["label"]
    for name, code in (("Hindi", "hi"), ("Bengali", "bn"), ("English", "en")):
        assert language(by_lang[f"{name} 100%"].iloc[0] if isinstance(by_lang[f"{name} 100%"], pd.Series)
                        else by_lang[f"{name} 100%"]) == code
    # every theme's top terms are whole words from the corpus
    vocab = {t for c in corpus["comment"] for t in tokenize(c)}
    assert set(result.terms["term"]) <= vocab
    rep = result.representative(2, extra=corpus[["nps"]])
    assert rep.groupby("theme").size().max() == 2 and "nps" in rep.columns
    # reproducible
    again = themes(corpus["comment"], n_themes=6, n_terms=5)
    pd.testing.assert_frame_equal(result.terms, again.terms)


def test_comments_table_is_redacted_and_has_no_ids(corpus):
    table = comments_table(corpus, n=20)
    assert "customer_id" not in table.columns
    assert set(table["language"]) == {"Hindi", "Bengali", "English", "mixed"}
    text = " ".join(table["comment"])
    assert "@" not in text and "98765" not in text


def test_a_name_written_into_one_complaint_never_becomes_a_driver_term():
    """Issue 18: names inside comments became driver terms ("probewala · ishaan"). A term must be used in
    at least three comments; one customer naming someone three times is not a driver."""
    from crmlib.feedback.text import drivers

    texts = (["delivery late again"] * 5 + ["Ishaan Probewala Ishaan Probewala Ishaan Probewala rude"]
             + ["great quality staff"] * 5)
    groups = ["detractor"] * 6 + ["promoter"] * 5
    terms = set(drivers(texts, groups)["term"])
    assert {"delivery", "quality"} <= terms
    assert not {"ishaan", "probewala"} & terms
