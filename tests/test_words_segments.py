"""Issue 21, segments: every word of the segments page from crmlib.words.segments, in en/hi/bn."""

import string
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from crmlib import plots, rfm  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.words import Words, catalogue_path  # noqa: E402
from crmlib.words import segments as sw  # noqa: E402
from crmlib.words.check import stray_english  # noqa: E402
from tests.test_words import SCRIPTS, _shared_terms  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = yaml.safe_load((ROOT / "notebooks" / "teaching" / "glossary.yaml").read_text(encoding="utf-8"))
MINE = ("crmlib/words/segments.py", "crmlib/words/segment_names.py", "crmlib/words/segment_rules.py",
        "crmlib/words/segment_tables.py", "crmlib/notebooks/segments.ipynb")


def _mine(lang):
    with catalogue_path(lang, ".po").open("rb") as f:
        cat = read_po(f, locale=lang)
    return [m for m in cat if m.id and any(loc[0] in MINE for loc in m.locations)]


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_segment_messages_translated_in_script_with_placeholders_and_glossary_terms(lang):
    msgs = _mine(lang)
    assert len(msgs) > 120
    for m in msgs:
        ids = (m.id,) if isinstance(m.id, str) else tuple(m.id)
        strings = (m.string,) if isinstance(m.string, str) else tuple(m.string)
        assert all(strings) and not m.fuzzy, (lang, m.id)
        fields = {f for i in ids for _, f, _, _ in string.Formatter().parse(i) if f is not None}
        for s in strings:
            assert SCRIPTS[lang].search(s) or not any(c.isalpha() for c in s.replace("R", "")), (lang, m.id, s)
            assert fields <= {f for _, f, _, _ in string.Formatter().parse(s) if f is not None}, (lang, m.id, s)
            for key, main in _shared_terms(ids[0]):
                assert main[lang] in s, (lang, m.id, key, s)


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_segment_names_on_pages_are_the_glossary_terms_and_keys_stay_english(lang):
    w = Words(lang)
    for key, gkey in sw.GLOSSARY_KEYS.items():
        expected = GLOSSARY[gkey][lang].split(" (")[0].strip("“”") if lang != "en" else key
        assert sw.name(w, key) == expected
    assert sw.name(w, "My own segment") == "My own segment"  # a scheme of your own: a data value
    assert list(rfm.playbook()["segment"]) == list(sw.GLOSSARY_KEYS)  # data keep the English keys


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(42)
    n = 400
    summary = pd.DataFrame({"frequency": rng.poisson(1.5, n).astype(float),
                            "recency": rng.uniform(0, 300, n), "T": np.full(n, 365.0),
                            "monetary_value": rng.gamma(2, 30, n)},
                           index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"))
    summary["recency"] = np.where(summary["frequency"] == 0, 0, summary["recency"])
    summary["mean_spend"] = summary["monetary_value"] + 5
    summary["revenue"] = summary["mean_spend"] * (summary["frequency"] + 1)
    summary["days_since_last_purchase"] = summary["T"] - summary["recency"]
    out = rfm.score(summary)
    out["segment"] = rfm.segment(out)
    return out


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_rules_notes_findings_and_playbook_have_no_english_left(scored, lang):
    w, fmt = Words(lang), Formats(lang, currency="INR")
    prof = rfm.profile(scored)
    texts = list(sw.findings(prof, scored, w, fmt)) + [sw.scheme_note(rfm.scheme_for(None), w, fmt)]
    texts += list(sw.rule_words(rfm.default_scheme(), rfm.thresholds_of(scored), w, fmt))
    book = scored.assign(clv=scored["revenue"], p_alive=0.4)
    texts += [" ".join(map(str, row)) for row in sw.value_playbook(rfm.value_playbook(book), w).itertuples()]
    texts += [" ".join(sw.score_table(rfm.thresholds_of(scored), w, fmt).columns)]
    left = stray_english("\n".join(texts), allowed=["R", "F", "P", "alive", "NPS", "scheme", "quantile"])
    assert not left, left
    # English is as it was
    assert sw.findings(prof, scored)[0].startswith("The largest segment is ")


@pytest.mark.parametrize("lang", ["hi", "bn"])
@pytest.mark.slow
def test_figures_speak_the_page_language(scored, lang):
    import matplotlib.pyplot as plt

    w, fmt = Words(lang), Formats(lang, currency="INR", digits="native")
    prof = rfm.profile(scored)
    counts, shares = rfm.migration(scored["segment"].iloc[:300], scored["segment"].iloc[100:])
    axes = [plots.rfm.rf_heatmap(scored, words=w, fmt=fmt),
            plots.rfm.rf_heatmap(scored, value="mean_spend", words=w, fmt=fmt),
            plots.rfm.segment_size_revenue(prof, words=w, fmt=fmt),
            plots.rfm.migration_heatmap(shares, counts=counts, words=w, fmt=fmt)]
    for ax in axes:
        texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.get_yticklabels()]
        assert all(SCRIPTS[lang].search(t) for t in texts[:3] if t), texts
        assert not stray_english("\n".join(texts), allowed=["R", "F", "INR"]), texts
    assert sw.name(w, "Champions") in " ".join(t.get_text() for t in axes[3].get_yticklabels())
    assert not any(c in axes[0].get_title() for c in "0123456789")  # native digits in the title
    plt.close("all")
    en = plots.rfm.rf_heatmap(scored)
    assert en.get_xlabel() == "F score (1 = fewest purchases)" and en.get_title().startswith("The largest cell")


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_segment_names_of_many_customers_are_each_keys_name_and_keep_the_shape(lang):
    """Each distinct key is named once (a Series of 4.1 million segments took 4 s value by value): every value
    gets its own key's name, a key of a scheme of one's own stays as it is, and a Series keeps its index, name
    and text type, an Index its name; missing values and categories are named as before, value by value."""
    from crmlib.words import segment_names

    w = Words(lang)
    keys = ["Champions", "Lost", "My own segment", "(new)", "Can't Lose Them"]
    values = pd.Series(np.random.default_rng(3).choice(keys, 500), index=range(1000, 1500), name="segment",
                       dtype="str")
    named = segment_names.names(w, values)
    assert named.tolist() == [segment_names.name(w, v) for v in values]
    assert named.index.equals(values.index) and named.name == "segment" and named.dtype == values.dtype
    assert named.iloc[0] == w.text(segment_names.NAMES[values.iloc[0]]) or values.iloc[0] == "My own segment"
    index = segment_names.names(w, pd.Index(values.to_numpy(), name="segment before"))
    assert isinstance(index, pd.Index) and index.name == "segment before" and index.tolist() == named.tolist()
    assert segment_names.names(w, pd.Series(["Lost", None], dtype=object)).tolist() == [
        segment_names.name(w, "Lost"), "None"]
    categorical = segment_names.names(w, pd.Series(pd.Categorical(["Lost", "New"])))
    assert isinstance(categorical.dtype, pd.CategoricalDtype)
