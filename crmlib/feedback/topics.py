"""Comment themes across English, Hindi and Bengali, from a shared keyword lexicon, with NPS per theme.

Why a lexicon and not the topic model of :func:`crmlib.feedback.themes`: words of different scripts
never share a comment, so an unsupervised model over all comments splits them by script (on a
320-answer survey all 56 Bengali comments became one "theme"), and a model per language cannot put
a Bengali and an English complaint about delivery in one theme. It also mixes praise and complaint
about the same thing. The lexicon (``crmlib/data/feedback_lexicon.yaml``, topic -> keywords in the
three languages) needs no translation service and no model download: a comment belongs to every
topic whose keyword it uses, and to "other" when it uses none. Each theme then gets the NPS of the
answers behind its comments, with its interval, and the shares of detractors and promoters, so
"the staff were very helpful" (NPS 9) counts as praise of the staff, not as a complaint.

>>> lex = load_lexicon()
>>> lex.topics_of("ডেলিভারিতে দুই সপ্তাহ লেগেছে"), lex.topics_of("Delivery took two weeks")
(['delivery'], ['delivery'])
>>> lex.topics_of("स्टाफ़ बहुत मददगार था, पर कीमत ज़्यादा"), lex.topics_of("nothing to add")
(['price', 'staff'], [])
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from crmlib.exceptions import DataError
from crmlib.feedback.scores import nps, nps_category
from crmlib.feedback.text import LANGUAGE_NAMES, _PLACEHOLDER, language, redact_comments, tokenize
from crmlib.errors import require_columns

__all__ = ["Lexicon", "OTHER", "load_lexicon", "other_terms", "theme_comments", "theme_scores", "topic_table"]

#: The theme of comments that use no keyword of the lexicon.
OTHER = "other"
_LANGS = ("en", "hi", "bn")
# nukta (Devanagari, Bengali) dropped and chandrabindu read as anusvara: spellings vary freely
_FOLD = str.maketrans({"\u093c": None, "\u09bc": None, "\u0901": "\u0902"})


def fold(word: str) -> str:
    """A word as the lexicon compares it: NFC, casefolded, without nukta, chandrabindu as anusvara."""
    return unicodedata.normalize("NFC", word).casefold().translate(_FOLD)


@dataclass(frozen=True)
class Lexicon:
    """Topic -> whole-word keywords and prefixes (folded), and each topic's label."""

    exact: dict[str, frozenset[str]]
    prefixes: dict[str, tuple[str, ...]]
    labels: dict[str, str]

    @classmethod
    def from_mapping(cls, mapping: dict, where: str = "the lexicon") -> Lexicon:
        """Build from ``{topic: {"label": ..., "en": [...], "hi": [...], "bn": [...]}}``."""
        exact, prefixes, labels = {}, {}, {}
        for topic, entry in mapping.items():
            if not isinstance(entry, dict) or not any(entry.get(lang) for lang in _LANGS):
                raise DataError(f"Topic {topic!r} of {where} has no keywords; give lists under en, hi and/or bn.")
            words = [str(w) for lang in _LANGS for w in entry.get(lang) or []]
            exact[topic] = frozenset(fold(w) for w in words if not w.endswith("*"))
            prefixes[topic] = tuple(fold(w[:-1]) for w in words if w.endswith("*"))
            labels[topic] = str(entry.get("label", topic))
        return cls(exact, prefixes, labels)

    @property
    def topics(self) -> list[str]:
        return list(self.labels)

    def topics_of(self, text) -> list[str]:
        """The topics whose keywords ``text`` uses, in alphabetical order ([] for none)."""
        words = {fold(w) for w in tokenize(text)}
        return sorted(t for t in self.labels
                      if words & self.exact[t] or any(w.startswith(self.prefixes[t]) for w in words))


def load_lexicon(path=None) -> Lexicon:
    """The shipped lexicon (``crmlib/data/feedback_lexicon.yaml``), or one of your own at ``path``."""
    if path is None:
        text = resources.files("crmlib").joinpath("data/feedback_lexicon.yaml").read_text(encoding="utf-8")
        where = "crmlib/data/feedback_lexicon.yaml"
    else:
        with open(path, encoding="utf-8") as f:
            text, where = f.read(), str(path)
    return Lexicon.from_mapping(yaml.safe_load(text), where)


def _texts(feedback: pd.DataFrame, text_col: str) -> pd.Series:
    require_columns(feedback, (text_col,), "topics", "feedback", "Pass text_col= the column of comments.")
    s = feedback[text_col]
    return s[s.notna() & (s.astype("string").str.strip() != "")]


def topic_table(feedback: pd.DataFrame, *, text_col: str = "comment", lexicon: Lexicon | None = None) -> pd.DataFrame:
    """One row per non-empty comment (the input's index): a True/False column per topic and ``other``,
    the comment redacted (``comment``) and its ``language`` (by script, redaction marks ignored)."""
    lex = lexicon or load_lexicon()
    shown = redact_comments(_texts(feedback, text_col))
    found = shown.map(lex.topics_of)
    out = pd.DataFrame({t: found.map(lambda ts, t=t: t in ts) for t in lex.topics}, index=shown.index)
    out[OTHER] = found.map(len) == 0
    out["comment"] = shown
    out["language"] = shown.map(lambda c: language(_PLACEHOLDER.sub(" ", str(c))))
    return out


def theme_scores(feedback: pd.DataFrame, *, text_col: str = "comment", score_col: str = "nps",
                 lexicon: Lexicon | None = None, min_n: int = 30, confidence: float = 0.95) -> pd.DataFrame:
    """NPS per theme: one row per topic of the lexicon (and ``other``) with the comments in it.

    Columns: ``theme`` (label), ``topic``, ``comments`` and ``share`` (of all comments; a comment
    naming two topics counts in both, so shares add to more than 100 %), ``languages`` (mix),
    ``n`` (answers with a score), ``score``/``lower``/``upper`` (NPS and its Rocks 2016 interval),
    ``promoters``/``detractors`` (shares, 0-1), ``too_few`` (n < ``min_n``), ``leans``
    ("complaints" when the interval lies below 0, "praise" above 0, "mixed" otherwise, None without answers) and
    ``metric`` ("nps"), so :func:`crmlib.plots.feedback.by_group` draws it. Sorted by comments.
    ``attrs["language_mix"]`` holds each topic's language shares as numbers ({topic: {code: share}}),
    from which :func:`crmlib.words.feedback.on_page` writes ``languages`` in the page's language.
    """
    lex = lexicon or load_lexicon()
    table = topic_table(feedback, text_col=text_col, lexicon=lex)
    scores = feedback.loc[table.index, score_col]
    rows, mixes = [], {}
    for topic in [*lex.topics, OTHER]:
        mask = table[topic].to_numpy()
        r = nps(scores[mask], confidence=confidence)
        mix = table.loc[mask, "language"].value_counts(normalize=True)
        mixes[topic] = {str(k): float(p) for k, p in mix.items()}
        # a theme no answer named leans nowhere: blank, as its score is (it was called "mixed")
        leans = (None if not r.n else "complaints" if r.upper < 0 else "praise" if r.lower > 0 else "mixed")
        rows.append({"theme": lex.labels.get(topic, "other (no topic word)"), "topic": topic,
                     "comments": int(mask.sum()), "share": mask.mean() if len(mask) else np.nan,
                     "languages": ", ".join(f"{LANGUAGE_NAMES[k]} {p:.0%}" for k, p in mix.items() if p >= 0.05),
                     "n": r.n, "score": r.score, "lower": r.lower, "upper": r.upper,
                     "promoters": r.promoters, "detractors": r.detractors, "too_few": r.n < min_n,
                     "leans": leans, "metric": "nps"})
    out = pd.DataFrame(rows).sort_values("comments", ascending=False, kind="stable", ignore_index=True)
    out.attrs.update(metric="nps", min_n=min_n, confidence=confidence, comments=len(table), language_mix=mixes)
    return out


def theme_comments(feedback: pd.DataFrame, k: int = 2, *, text_col: str = "comment", score_col: str = "nps",
                   lexicon: Lexicon | None = None, date_col: str = "date") -> pd.DataFrame:
    """Up to ``k`` redacted comments per theme and side: complaints (detractors, 0-6) and praise
    (promoters, 9-10), the latest first. A comment is shown under the side its own answer takes,
    so praise never sits among complaints. Columns: theme, side, nps, language, comment."""
    lex = lexicon or load_lexicon()
    table = topic_table(feedback, text_col=text_col, lexicon=lex)
    group = nps_category(feedback.loc[table.index, score_col])
    table["side"] = group.map({"detractor": "complaint", "promoter": "praise"})
    table["nps"] = feedback.loc[table.index, score_col]
    if date_col in feedback.columns:
        table = table.assign(_d=feedback.loc[table.index, date_col]).sort_values("_d", ascending=False, kind="stable")
    table["language"] = table["language"].map(LANGUAGE_NAMES)
    parts = []
    for topic in [*lex.topics, OTHER]:
        sub = table[table[topic] & table["side"].notna()].drop_duplicates("comment")
        for side in ("complaint", "praise"):
            pick = sub[sub["side"] == side].head(k)
            parts.append(pick.assign(theme=lex.labels.get(topic, "other (no topic word)"))[
                ["theme", "side", "nps", "language", "comment"]])
    return pd.concat(parts, ignore_index=True)


def other_terms(feedback: pd.DataFrame, k: int = 15, *, text_col: str = "comment",
                lexicon: Lexicon | None = None) -> pd.DataFrame:
    """The most used words (stop-words and filler left out) of comments in no topic: candidates
    for the lexicon. Columns: term, comments (how many use it), language."""
    from crmlib.feedback.stopwords import stopwords

    table = topic_table(feedback, text_col=text_col, lexicon=lexicon)
    stop = stopwords()
    words = table.loc[table[OTHER], "comment"].map(lambda c: {w for w in tokenize(c) if w not in stop})
    counts = pd.Series([w for ws in words for w in ws], dtype="object").value_counts().head(k)
    return pd.DataFrame({"term": counts.index, "comments": counts.to_numpy(),
                         "language": counts.index.map(lambda w: LANGUAGE_NAMES[language(w)])})
