"""What the CLV and retention pages show from the model layer and the segment keys, in the page's
words (issue 21): model notes by kind, parameters as the papers write them, segment names,
playbook actions and flags translated on the page (CSV files for platforms keep the keys)."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlib.clv import BetaGeo, ParetoNBD
from crmlib.exceptions import ConvergenceError, DataError
from crmlib.words import Words
from crmlib.words import clv as cw
from crmlib.words import retention as rw
from crmlib.words.check import stray_english


def _first_line(err) -> str:
    return str(err).splitlines()[0]


def test_runaway_parameters_note_is_said_in_words_with_symbols():
    # the model layer's message, as crmlib.clv._base.BaseModel._finish_fit writes it
    err = ConvergenceError("ParetoNBD", "parameters not identified: ['s', 'beta'] ran off towards 0 or infinity "
                           "({'r': 1.7, 's': 1e7}), so these data cannot tell the model's parameters apart")
    note = _first_line(err)
    assert cw.note_kind(note)[0] == "not_identified"
    for lang in ("hi", "bn"):
        said = cw.note_words(note, "ParetoNBD", w=Words(lang))
        assert "Pareto/NBD" in said and "β" in said and "ParetoNBD" not in said
        assert stray_english(said) == [], said
    assert cw.note_words(note, w=Words("en")).startswith("Pareto/NBD did not converge: the parameters s, β ran off")


def test_data_error_note_of_a_real_fit_is_recognised():
    data = pd.DataFrame({"frequency": [0, 0, 0], "recency": [0.0, 0.0, 0.0], "T": [5.0, 6.0, 7.0]})
    with pytest.raises(DataError) as info:
        ParetoNBD().fit(data)
    assert cw.note_kind(_first_line(info.value))[0] == "no_repeat"
    assert stray_english(cw.note_words(_first_line(info.value), w=Words("bn"))) == []


def test_unknown_note_falls_back_to_a_sentence_in_the_language_and_empty_stays_empty():
    assert cw.note_kind("MBG did not converge: something new")[0] == "other"
    assert stray_english(cw.note_words("ModifiedBetaGeo did not converge: xyz", w=Words("hi"))) == []
    assert cw.note_words("", w=Words("hi")) == "" and cw.note_words(float("nan")) == ""


def test_models_on_page_names_models_and_translates_notes():
    frame = pd.DataFrame({"BIC": [1.0, None], "note": ["", "ParetoNBD did not converge: parameters not identified: "
                                                           "['beta'] ran off towards 0 or infinity"]},
                         index=pd.Index(["BetaGeo", "ParetoNBD"], name="model"))
    out = cw.models_on_page(frame, w=Words("hi"))
    assert list(out.index) == ["BG/NBD", "Pareto/NBD"] and out["note"].iloc[0] == ""
    assert stray_english(" ".join(out["note"])) == []


def test_parameter_table_writes_greek_letters():
    m = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    assert cw.parameter_table(m, "W", w=Words("hi"))["parameter"].tolist() == ["r", "α", "a", "b"]


def test_winback_on_page_translates_segments_actions_and_flags_but_not_the_keys():
    winback = pd.DataFrame({"segment": ["Can't Lose Them", "At Risk"], "days_since_last_purchase": [300, 400],
                            "p_alive": [0.1, 0.6], "flagged_by": ["both", "inactivity only"],
                            "action": ["remind", "win back"]}, index=pd.Index(["c_1a2b3c4d", "c_5e6f7a8b"],
                                                                               name="customer"))
    for lang in ("hi", "bn"):
        w = Words(lang)
        shown = rw.winback_on_page(winback, w=w)
        reasons = rw.winback_reasons(winback, 120, 0.5, w=w)
        text = " ".join(shown.astype(str).to_numpy().ravel().tolist() + list(reasons))
        assert stray_english(text, {"P(alive)"}) == [], text
    assert winback["segment"].tolist() == ["Can't Lose Them", "At Risk"]  # the data keep the keys
    assert rw.winback_on_page(winback, w=Words("en")).equals(winback)  # English as before


def test_clv_findings_name_the_segment_in_the_language():
    table = pd.DataFrame({"clv": [1.0, 2.0]})
    table.attrs.update(model="BetaGeo", comparison={"BetaGeo": {"BIC": 1.0}}, freq="W", horizon=52)
    by_segment = pd.DataFrame({"clv_share": [0.5], "customer_share": [0.1]}, index=pd.Index(["Champions"]))
    said = " ".join(cw.findings(table, by_segment=by_segment, w=Words("hi")))
    assert "Champions" not in said
