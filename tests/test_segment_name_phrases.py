"""Segment names inside Hindi and Bengali sentences: a name is quoted and a case ending attaches to a noun.

Segment names are phrases and whole clauses ("Can't Lose Them" is Bengali "এদের হারানো চলবে না"), so a
sentence that attaches a case ending to the name itself reads wrongly ("এদের হারানো চলবে না-এর করণীয়"), and
"সবচেয়ে বড় অংশ ঝুঁকিতে" reads as "the largest part is at risk". Every message a segment name is put into says
the glossary's word for a segment and quotes the name: "গ্রাহকগোষ্ঠী “এদের হারানো চলবে না”-এর করণীয়",
"खंड “इन्हें खो नहीं सकते” के लिए". And the pages call a segment by one word per language: the glossary's.
"""

import string
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from crmlib.words import Words, catalogue_path
from crmlib.words import clv as cw
from crmlib.words import clv_figures as cfw
from crmlib.words import feedback as fw
from crmlib.words import retention as rw
from crmlib.words import segment_rules as srw
from crmlib.words import segments as sw

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = yaml.safe_load((ROOT / "notebooks" / "teaching" / "glossary.yaml").read_text(encoding="utf-8"))
LANGS = ("hi", "bn")
#: The glossary's word for a segment: Bengali গ্রাহকগোষ্ঠী; Hindi ग्राहक खंड, whose noun खंड a page says alone
#: ("खंड का हिस्सा"), as the table headers say ग्राहक खंड.
SEGMENT_WORD = {lang: GLOSSARY["segment"][lang].split(" (")[0].split()[-1] for lang in LANGS}

#: Every message a segment name is put into, with the placeholders that receive one (and how the code
#: fills them: COHORT_NAMES and NO_OFFER_SEGMENTS get names the code has quoted already).
SEGMENT_MESSAGES = [
    (sw.LARGEST, ("segment",)), (sw.MOST_REVENUE, ("segment",)), (sw.UNDER_EARNS, ("segment",)),
    (sw.NPS_RANGE, ("high", "low")), (sw.SIZE_REVENUE_TITLE, ("segment",)),
    (sw.MIGRATION_STAYED, ("segment", "to")), (sw.MIGRATION_LARGEST, ("before", "after")),
    (srw.COHORT_NAMES, ("names",)),
    (rw.REASON_BELOW, ("segment",)), (rw.REASON_NOT_BELOW, ("segment",)), (rw.RISK_TITLE, ("segment",)),
    (rw.NO_OFFER_SEGMENTS, ("segments",)),
    (cw.SUMMARY_SEGMENT, ("segment",)), (cfw.SEGMENT_TITLE, ("segment",)),
    (fw.TITLE_BY, ("best", "worst")), (fw.TITLE_BY_OVERLAP, ("best", "worst")),
]
QUOTED_BY_CODE = {srw.COHORT_NAMES, rw.NO_OFFER_SEGMENTS}  # no_offer_sentence quotes each name of its list
ONE_NAME_ONLY = set()


def _fields(message) -> set[str]:
    texts = (message,) if isinstance(message, str) else message
    return {f for t in texts for _, f, _, _ in string.Formatter().parse(t) if f}


def _say(w: Words, message, n: int, **values) -> str:
    return w(message, **values) if isinstance(message, str) else w.plural(message, n, **values)


def _catalogue(lang):
    with catalogue_path(lang, ".po").open("rb") as f:
        return [m for m in read_po(f, locale=lang) if m.id]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("message", "slots"), SEGMENT_MESSAGES, ids=lambda v: str(v)[:40])
def test_a_segment_name_is_quoted_after_the_glossary_word_for_a_segment(lang, message, slots):
    w = Words(lang)
    word = SEGMENT_WORD[lang]
    counts = (1,) if isinstance(message, str) or message in ONE_NAME_ONLY else (1, 2)
    for key in sw.NAMES:
        name = sw.name(w, key)
        values = {f: f"[{f}]" for f in _fields(message)}
        values.update({s: (f"“{name}”" if message in QUOTED_BY_CODE else name) for s in slots})
        if "by" in values:  # the feedback figure's title by segment
            values["by"] = w(fw.BY["segment"])
        for n in counts:
            text = _say(w, message, n, **values)
            assert f"“{name}”" in text, (lang, key, text)
            assert word in text, (lang, key, text)
            assert f"{name}-" not in text, (lang, key, text)  # a case ending follows the closing quote


def test_every_message_with_a_segment_placeholder_is_checked():
    """A new message with {segment} or {segments} joins SEGMENT_MESSAGES (and is written the same way)."""
    checked = {m if isinstance(m, str) else m[0] for m, _ in SEGMENT_MESSAGES}
    with_slot = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue("hi")
                 if _fields(m.id) & {"segment", "segments"}}
    assert with_slot <= checked, sorted(with_slot - checked)


@pytest.mark.parametrize("lang", LANGS)
def test_a_segment_is_called_by_the_glossary_word_everywhere(lang):
    """Bengali said অংশ ("part", also "share") on the segments page and গ্রাহকগোষ্ঠী on the retention page;
    every message that speaks of a segment now says the glossary's word, in each of its forms."""
    word = SEGMENT_WORD[lang]
    wrong = []
    for m in _catalogue(lang):
        ids = (m.id,) if isinstance(m.id, str) else m.id
        strings = (m.string,) if isinstance(m.string, str) else m.string
        if any("segment" in i.lower() for i in ids):
            wrong += [(ids[0][:60], s[:80]) for s in strings if word not in s]
    assert not wrong, wrong
    assert SEGMENT_WORD == {"hi": "खंड", "bn": "গ্রাহকগোষ্ঠী"}


def test_the_win_back_reason_of_a_clause_like_name_reads_in_bengali():
    """The retention page's win-back reason: "playbook for Can't Lose Them" in Bengali."""
    import pandas as pd

    w = Words("bn")
    winback = pd.DataFrame({"days_since_last_purchase": [281], "p_alive": [0.0], "segment": ["Can't Lose Them"],
                            "action": ["remind"]})
    reason = rw.winback_reasons(winback, 122, 0.5, w=w).iloc[0]
    assert "গ্রাহকগোষ্ঠী “এদের হারানো চলবে না”-এর করণীয়" in reason, reason
    assert "না-এর" not in reason
