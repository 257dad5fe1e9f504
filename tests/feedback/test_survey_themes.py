"""Issue 20, finding 14 (text part): on a 320-answer survey in English, Hindi and Bengali, themes
hold comments of all three scripts about one topic, carry their NPS with an interval, keep praise
apart from complaints, and driver terms are not led by "please" and "email"."""

import pandas as pd
import pytest

from crmlib import feedback as fb
from crmlib.exceptions import DataError
from crmlib.feedback.topics import OTHER, load_lexicon, theme_comments, theme_scores, topic_table

from trilingual_survey import make_survey  # tests/feedback/trilingual_survey.py (rootdir on sys.path)

TOPICS = ["delivery", "price", "staff", "quality", "app"]


@pytest.fixture(scope="module")
def survey():
    return make_survey()


def test_a_bengali_and_an_english_delivery_complaint_share_a_theme():
    lex = load_lexicon()
    for text in ("ডেলিভারিতে দুই সপ্তাহ লেগেছে", "পার্সেল দেরিতে পৌঁছেছে", "Delivery took two weeks",
                 "my parcel arrived late", "पार्सल देर से पहुँचा", "डिलीवरी में दो हफ़्ते लग गए"):
        assert lex.topics_of(text) == ["delivery"], text


def test_every_comment_lands_in_its_true_topics_or_other(survey):
    table = topic_table(survey)
    truth = pd.Series(survey.attrs["topics"], index=survey.index)
    for i, row in table.iterrows():
        assert sorted(t for t in TOPICS if row[t]) == sorted(truth[i]), row["comment"]
        assert row[OTHER] == (not truth[i])


def test_themes_span_the_three_languages_with_nps_per_theme(survey):
    table = theme_scores(survey, min_n=10).set_index("topic")
    assert {"theme", "comments", "languages", "n", "score", "lower", "upper", "promoters", "detractors",
            "leans"} <= set(table.columns)
    for topic in TOPICS:
        row = table.loc[topic]
        assert all(lang in row["languages"] for lang in ("English", "Hindi", "Bengali")), (topic, row["languages"])
        assert row["lower"] <= row["score"] <= row["upper"] and row["n"] == row["comments"]
    # the same NPS as the answers behind the theme's comments
    staff = topic_table(survey)["staff"]
    assert table.loc["staff", "score"] == pytest.approx(fb.nps(survey.loc[staff[staff].index, "nps"]).score)
    assert table.loc[OTHER, "comments"] > 0
    # no script forms a theme of its own: the largest language share of any topic is below 60 %
    assert (topic_table(survey).groupby("language")[TOPICS].sum().div(table.loc[TOPICS, "comments"]) < 0.6).all().all()


def test_helpful_staff_is_praise_not_a_complaint(survey):
    shown = theme_comments(survey, k=50)
    helpful = shown[shown["comment"].str.contains("staff were very helpful")]
    assert len(helpful) and (helpful["side"] == "praise").all() and (helpful["nps"] >= 9).all()
    assert (shown.loc[shown["side"] == "complaint", "nps"] <= 6).all()
    assert (shown.loc[shown["side"] == "praise", "nps"] >= 9).all()


def test_pages_see_no_addresses(survey):
    text = " ".join(theme_comments(survey, k=50)["comment"]) + " ".join(topic_table(survey)["comment"])
    assert "example.com" not in text and "[email]" in text


def test_a_lexicon_of_ones_own(tmp_path):
    path = tmp_path / "lex.yaml"
    path.write_text("fit:\n  label: size and fit\n  en: [size*, fit, tight]\n  hi: [साइज़*]\n", encoding="utf-8")
    lex = load_lexicon(path)
    assert lex.topics_of("Size too small") == ["fit"] and lex.topics_of("साइज छोटा है") == ["fit"]
    path.write_text("fit:\n  label: size\n", encoding="utf-8")
    with pytest.raises(DataError, match="no keywords"):
        load_lexicon(path)


def test_lexicon_ships_as_package_data():
    from importlib import resources

    assert resources.files("crmlib").joinpath("data/feedback_lexicon.yaml").is_file()
    assert set(TOPICS) <= set(load_lexicon().topics)


def test_driver_terms_are_not_led_by_filler(survey):
    """The finding: detractors write "please email me at ..." more, so "please" and "email" led."""
    terms = fb.drivers(survey["comment"], fb.nps_category(survey["nps"]))
    filler = {"please", "email", "कृपया", "ईमेल", "करें", "দয়া", "ইমেইল", "করুন", "ঠিকানায়"}
    assert not filler & set(terms["term"])
    assert not {"[email]", "[phone]", "phone"} & set(terms["term"])
    top = fb.top_drivers(terms, 5)
    assert set(top.loc[top["z"] > 0, "term"]) & {"expensive", "महंगा", "far", "चेकआउट", "बंद"}


def test_topic_words_are_not_filler():
    stop = fb.stopwords()
    assert not {"delivery", "phone", "call", "দিন", "staff"} & stop  # দিন is "day" as well as "give"


def test_lexicon_reads_the_simulated_demo_comments():
    """crmlib.datasets writes its comments from its own phrases (not the lexicon's words): detractors'
    comments about a planted problem land in that problem's topic, and few land in "other"."""
    from crmlib import datasets

    d = datasets.make_crm_dataset(600, seed=1)
    table = topic_table(d.feedback)
    hidden = d.experience.loc[table.index]
    detractor = (d.feedback.loc[table.index, "nps"] <= 6).to_numpy()
    assert table.loc[detractor, OTHER].mean() < 0.1
    # (the simulator writes at most two problems per comment, so "support" is often not in the text)
    for problem, topic in [("delivery", "delivery"), ("price", "price"), ("quality", "quality"), ("app", "app")]:
        had = hidden[f"problem_{problem}"].to_numpy() & detractor
        assert table.loc[had, topic].mean() >= 0.6, problem


def test_a_theme_no_comment_names_leans_nowhere(survey):
    """Before: a theme without comments ("app and website 0 0.0% … – – – mixed") was judged "mixed"; its lean is
    blank, as its score is, on the page too."""
    from crmlib.words import Words
    from crmlib.words.feedback import on_page

    no_app = survey[~topic_table(survey)["app"].reindex(survey.index, fill_value=False)]
    table = theme_scores(no_app, min_n=10).set_index("topic")
    assert table.loc["app", "comments"] == 0 and pd.isna(table.loc["app", "leans"])
    assert table.loc["delivery", "leans"] in ("complaints", "praise", "mixed")
    assert pd.isna(on_page(table, w=Words("bn")).loc["app", "leans"])


def test_service_is_staff_and_customer_care_in_every_script():
    """A reviewer's survey: 31 comments about "service"/"সেবা" fell in "other (no topic word)"."""
    lex = load_lexicon()
    for text in ("Good service", "service was slow at the counter", "सेवा अच्छी थी", "সেবা ভালো ছিল", "সেবায় খুশি"):
        assert lex.topics_of(text) == ["staff"], text
