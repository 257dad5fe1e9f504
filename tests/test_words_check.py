"""crmlib.words.check.stray_english: the no-stray-English checker of the browser test (issue 21.6)."""

from crmlib.words.check import stray_english


def test_allowed_kinds_are_stripped_and_english_words_are_left():
    page = ("सारांश: BG/NBD और MBG/NBD, Pareto/NBD, Gamma-Gamma, sBG मॉडल; NPS 42, CSAT, CES; P(alive) 0.8; "
            "राजस्व (INR) INR 12,34,567 और BDT; फ़ाइल data/orders.csv, segments/audience_champions.csv; "
            "ग्राहक c_1a2b3c4d5e; SHA-256 1a2b3c4d5e6f; चलाने का समय (UTC); crmlib 0.1.0; RFM, CLV")
    assert stray_english(page) == []
    assert stray_english(page + " Lifetime value of the top customers") == ["Lifetime", "value", "of", "the",
                                                                           "top", "customers"]


def test_data_values_given_as_allowed_stay():
    text = "खंड Champions और At Risk; शहर Pune; टिप्पणी: good service"
    assert stray_english(text) == ["Champions", "At", "Risk", "Pune", "good", "service"]
    assert stray_english(text, allowed=["Champions", "At Risk", "Pune", "good service"]) == []
    assert stray_english("At Riskier", allowed=["At Risk"]) == ["At", "Riskier"]  # whole names only
