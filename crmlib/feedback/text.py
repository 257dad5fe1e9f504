"""Comment text in English, Hindi (Devanagari) and Bengali: tokens, language, themes, drivers.

Why a tokenizer of our own: scikit-learn's default ``token_pattern`` ``(?u)\\b\\w\\w+\\b`` uses
the standard library's ``\\w``, which does not match combining marks, so Indic words are cut at
every vowel sign and virama (``"ग्राहक"`` -> ``["हक"]``). :func:`tokenize` uses the ``regex``
package, whose ``\\w`` follows Unicode (letters *and* marks), and every vectoriser here is
built with it (``tokenizer=tokenize, token_pattern=None``).

Privacy: comments may hold emails and phone numbers. Every function that shows or models
text first passes it through :func:`crmlib.privacy.redact` (emails -> ``[email]``, phones ->
``[phone]``); the placeholders are not tokens.

>>> tokenize("डिलीवरी बहुत धीमी थी। Delivery was SLOW!")
['डिलीवरी', 'बहुत', 'धीमी', 'थी', 'delivery', 'was', 'slow']
>>> tokenize("ডেলিভারি দেরিতে এসেছে")
['ডেলিভারি', 'দেরিতে', 'এসেছে']
>>> language("पैकेजिंग अच्छी थी"), language("প্যাকেজিং ভালো"), language("great app"), language("123")
('hi', 'bn', 'en', 'unknown')
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import regex

from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.feedback.stopwords import stopwords

# A word starts with a letter and runs on through letters, combining marks (vowel signs,
# virama, nukta, anusvara), digits, joiners (ZWJ/ZWNJ, used in Bengali and Hindi spellings)
# and inner apostrophes (don't).
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}\p{N}\u200c\u200d]*(?:['’][\p{L}\p{M}]+)*")
_PLACEHOLDER = regex.compile(r"\[(?:email|phone|[a-z_]+)\]")
_SCRIPTS = {"hi": regex.compile(r"\p{Devanagari}"), "bn": regex.compile(r"\p{Bengali}"),
            "en": regex.compile(r"\p{Latin}")}
LANGUAGE_NAMES = {"en": "English", "hi": "Hindi", "bn": "Bengali", "mixed": "mixed",
                  "unknown": "unknown"}


def tokenize(text) -> list[str]:
    """Whole words of ``text``: Unicode NFC, marks kept with their letters, Latin casefolded.

    Devanagari and Bengali have no case and are left as written; ``[email]``/``[phone]``
    placeholders left by redaction and bare numbers are dropped. Missing text gives [].
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    text = _PLACEHOLDER.sub(" ", unicodedata.normalize("NFC", str(text)))
    return [w.replace("’", "'").casefold() for w in _WORD.findall(text)]


def language(text, *, threshold: float = 0.8) -> str:
    """'hi' (Devanagari), 'bn' (Bengali), 'en' (Latin), 'mixed' or 'unknown', by script.

    A script wins when it holds at least ``threshold`` of the letters. Hindi typed in Latin
    letters ("bahut accha") is tagged 'en': script cannot tell it apart.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return "unknown"
    counts = {lang: len(pat.findall(str(text))) for lang, pat in _SCRIPTS.items()}
    total = sum(counts.values())
    if total == 0:
        return "unknown"
    lang, top = max(counts.items(), key=lambda kv: kv[1])
    return lang if top / total >= threshold else "mixed"


def redact_comments(comments) -> pd.Series:
    """Comments with emails and phone numbers replaced, via :func:`crmlib.privacy.redact`."""
    from crmlib.privacy import redact  # floor 2; imported here so text tools load without it

    s = pd.Series(comments, copy=False)
    return redact(s.astype("string"))


def _comments(feedback, text_col: str) -> pd.Series:
    if isinstance(feedback, pd.DataFrame):
        require_columns(feedback, (text_col,), "comments", "feedback", "Pass text_col= the column of comments.")
        return feedback[text_col]
    return pd.Series(feedback)


def _analyzer(stop: frozenset[str]):
    def analyse(text):
        return [t for t in tokenize(text) if t not in stop]
    return analyse


# ----------------------------------------------------------------------------- drivers

#: A term's z-score beyond which its lean to one side is unlikely by chance (two-sided p < 0.05), the bound
#: Monroe, Colaresi & Quinn (2008) draw their "fightin' words" against; below it a term's lean is noise.
SIGNIFICANT_Z = 1.96

def drivers(texts, groups, *, group_a="detractor", group_b="promoter", prior=None,
            min_count: int = 3, min_comments: int = 3, drop_negations: bool = False,
            redact: bool = True) -> pd.DataFrame:
    """Terms that separate ``group_a`` from ``group_b`` comments (default detractors vs promoters).

    Weighted log-odds ratio with an informative Dirichlet prior, Monroe, Colaresi & Quinn
    (2008), "Fightin' Words", *Political Analysis* 16(4), eq. 16-22. For term w with counts
    y_a, y_b in the two groups (totals n_a, n_b) and prior counts alpha_w (total alpha_0)::

        delta_w = log((y_a + a_w) / (n_a + a_0 - y_a - a_w))
                - log((y_b + a_w) / (n_b + a_0 - y_b - a_w))
        var_w   = 1 / (y_a + a_w) + 1 / (y_b + a_w)
        z_w     = delta_w / sqrt(var_w)

    The prior is the term's frequency in *all* comments given (both groups and any others, such
    as passives), scaled to ``prior`` pseudo-counts in total (default: the corpus's own token
    count, i.e. alpha_w = the term's count in all comments). Positive z leans to ``group_a``.

    Returns one row per term seen at least ``min_count`` times in at least ``min_comments`` comments of
    the two groups (a word that only one or two comments use, such as a name written into a complaint,
    describes a person, not the customers: it is never shown), sorted by z:
    ``term, z, delta, count_a, count_b, docs_a, docs_b, side, language``, where counts are
    token counts, docs the number of comments using the term, and ``side`` the group it leans
    to. Stopwords (:mod:`crmlib.feedback.stopwords`) are dropped; negations are kept unless
    ``drop_negations``.
    """
    texts = pd.Series(texts).reset_index(drop=True)
    groups = pd.Series(groups).reset_index(drop=True).astype("string")
    if len(texts) != len(groups):
        raise ValueError(f"texts ({len(texts)}) and groups ({len(groups)}) differ in length")
    if redact:
        texts = redact_comments(texts)
    stop = stopwords(drop_negations=drop_negations)
    analyse = _analyzer(stop)
    tokens = texts.map(analyse)
    bg = pd.Series([t for toks in tokens for t in toks], dtype="object").value_counts()
    cols = ["term", "z", "delta", "count_a", "count_b", "docs_a", "docs_b", "side", "language"]
    if bg.empty:
        return pd.DataFrame(columns=cols)

    def counts(mask):
        toks = tokens[mask.fillna(False).to_numpy()]
        c = pd.Series([t for ts in toks for t in ts], dtype="object").value_counts()
        d = pd.Series([t for ts in toks for t in set(ts)], dtype="object").value_counts()
        return c.reindex(bg.index, fill_value=0), d.reindex(bg.index, fill_value=0)

    ya, da = counts(groups == group_a)
    yb, db = counts(groups == group_b)
    a0 = float(bg.sum()) if prior is None else float(prior)
    alpha = bg / bg.sum() * a0
    na, nb = ya.sum(), yb.sum()
    delta = (np.log((ya + alpha) / (na + a0 - ya - alpha))
             - np.log((yb + alpha) / (nb + a0 - yb - alpha)))
    z = delta / np.sqrt(1 / (ya + alpha) + 1 / (yb + alpha))
    out = pd.DataFrame({"term": bg.index, "z": z.to_numpy(), "delta": delta.to_numpy(),
                        "count_a": ya.to_numpy(), "count_b": yb.to_numpy(),
                        "docs_a": da.to_numpy(), "docs_b": db.to_numpy()})
    used = (out["count_a"] + out["count_b"] >= min_count) & (out["docs_a"] + out["docs_b"] >= min_comments)
    out = out[used]
    out["side"] = np.where(out["z"] > 0, group_a, group_b)
    out["language"] = out["term"].map(language)
    out = out.sort_values("z", ascending=False, ignore_index=True)
    out.attrs.update(group_a=group_a, group_b=group_b, method="weighted log-odds, "
                     "informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)")
    return out


def top_drivers(table: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """The ``k`` strongest terms on each side of a :func:`drivers` table."""
    if table.empty:
        return table
    a = table.head(k)
    b = table.tail(k).iloc[::-1]
    return pd.concat([a[a["z"] > 0], b[b["z"] < 0]], ignore_index=True)


# ----------------------------------------------------------------------------- themes

@dataclass
class Themes:
    """Result of :func:`themes`.

    ``terms``: theme, rank, term, weight (top terms per theme). ``summary``: one row per theme
    with its label (top 3 terms), number of comments whose main theme it is, share, and the
    languages of those comments. ``assignments``: per comment (index of the input) the main
    theme and its weight share. ``comments`` holds the redacted texts.
    """

    terms: pd.DataFrame
    summary: pd.DataFrame
    assignments: pd.DataFrame
    comments: pd.Series
    reconstruction_err: float

    def representative(self, k: int = 3, extra: pd.DataFrame | None = None) -> pd.DataFrame:
        """The ``k`` distinct comments most typical of each theme (highest weight share), redacted.

        ``extra`` (indexed like the input comments) adds columns such as nps or channel.
        """
        a = self.assignments.join(self.comments.rename("comment"))
        if extra is not None:
            a = a.join(extra)
        a = a[a["theme"] > 0].sort_values(["theme", "weight"], ascending=[True, False], kind="stable")
        a = a.drop_duplicates(["theme", "comment"])
        out = a.groupby("theme", sort=True).head(k).merge(
            self.summary[["theme", "label"]], on="theme", how="left")
        cols = ["theme", "label", "weight", "language", "comment"]
        return out[cols + [c for c in out.columns if c not in cols]].reset_index(drop=True)


def _nmf(shown: pd.Series, k: int, stop, *, n_terms, min_df, max_df, random_state):
    """TF-IDF + NMF on one set of comments: (top-term rows, doc-theme weights, error)."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=_analyzer(stop), min_df=min_df, max_df=max_df,
                          sublinear_tf=True)
    x = vec.fit_transform(shown.fillna(""))  # ValueError when the vocabulary is empty
    distinct = len(pd.unique(shown.fillna("")))
    k = max(1, min(k, distinct - 1, x.shape[1] - 1))
    model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=2000)
    w = model.fit_transform(x)
    vocab = np.asarray(vec.get_feature_names_out())
    rows = [(t, r + 1, vocab[j], float(comp[j]))
            for t, comp in enumerate(model.components_)
            for r, j in enumerate(np.argsort(comp)[::-1][:n_terms])]
    return rows, w, float(model.reconstruction_err_)


def themes(texts, n_themes: int = 6, *, by_language: bool = True, n_terms: int = 8,
           min_df: int = 2, max_df: float = 0.5, min_comments: int = 20, random_state: int = 0,
           redact: bool = True, drop_negations: bool = False) -> Themes:
    """Topics of the comments by TF-IDF + non-negative matrix factorisation (scikit-learn).

    The vectoriser uses :func:`tokenize` (so Hindi and Bengali words stay whole) and the three
    stopword lists; NMF is initialised with NNDSVDa and a fixed ``random_state`` so a report
    gives the same themes on the same data. With ``by_language`` (the default) each language
    with at least ``min_comments`` comments gets its own model and a share of the ``n_themes``
    in proportion to its comments (at least one): words of different languages never share a
    document, so one joint model spends its themes on the largest language. Comments of a
    language with too few comments, and mixed-script ones, get theme 0 ("unassigned").
    """
    raw = pd.Series(texts)
    keep = raw.notna() & (raw.astype("string").str.strip() != "")
    raw = raw[keep]
    shown = redact_comments(raw) if redact else raw.astype("string")
    langs = shown.map(language)
    stop = stopwords(drop_negations=drop_negations)
    if by_language:
        sizes = langs[langs.isin(["en", "hi", "bn"])].value_counts()
        sizes = sizes[sizes >= min_comments]
    else:
        sizes = pd.Series({"all": len(shown)})
    if sizes.empty:
        raise DataError(f"Too few comments to find themes: {len(raw)} non-empty comments, and "
                        f"no language has {min_comments}. Pass more comments or lower min_comments.")
    quota = {lang: max(1, int(round(n_themes * n / sizes.sum()))) for lang, n in sizes.items()}
    rows, err, next_id = [], 0.0, 1
    assign = pd.DataFrame({"theme": 0, "weight": 0.0, "language": langs.to_numpy()},
                          index=raw.index)
    for lang in sizes.index:
        mask = (langs == lang).to_numpy() if by_language else np.ones(len(shown), bool)
        try:
            part_rows, w, e = _nmf(shown[mask], quota[lang], stop, n_terms=n_terms,
                                   min_df=min_df, max_df=max_df, random_state=random_state)
        except ValueError:  # empty vocabulary for this language: leave its comments unassigned
            continue
        rows += [(t + next_id, r, term, wt) for t, r, term, wt in part_rows]
        total = w.sum(axis=1)
        share = np.divide(w, total[:, None], out=np.zeros_like(w), where=total[:, None] > 0)
        assign.loc[mask, "theme"] = np.where(total > 0, share.argmax(axis=1) + next_id, 0)
        assign.loc[mask, "weight"] = share.max(axis=1)
        next_id += w.shape[1]
        err += e
    terms = pd.DataFrame(rows, columns=["theme", "rank", "term", "weight"])
    labels = terms[terms["rank"] <= 3].groupby("theme")["term"].agg(" · ".join)
    counted = assign[assign["theme"] > 0]
    summ = pd.DataFrame({"theme": np.arange(1, next_id)})
    summ["label"] = summ["theme"].map(labels)
    summ["comments"] = summ["theme"].map(counted["theme"].value_counts()).fillna(0).astype(int)
    summ["share"] = summ["comments"] / max(len(assign), 1)
    mix = counted.groupby("theme")["language"].agg(
        lambda s: ", ".join(f"{LANGUAGE_NAMES[lang]} {p:.0%}"
                            for lang, p in s.value_counts(normalize=True).items() if p >= 0.05))
    summ["languages"] = summ["theme"].map(mix).fillna("")
    summ["top_terms"] = summ["theme"].map(terms.groupby("theme")["term"].agg(", ".join))
    return Themes(terms, summ, assign, shown.rename("comment"), err)


def comments_table(feedback: pd.DataFrame, *, text_col: str = "comment", n: int = 10,
                   columns=("date", "channel", "nps", "csat"), seed: int = 0) -> pd.DataFrame:
    """A sample of ``n`` comments per language, redacted, without customer ids, for display."""
    comments = _comments(feedback, text_col)
    df = feedback.loc[comments.notna() & (comments.astype("string").str.strip() != "")]
    df = df[[c for c in columns if c in df.columns]].assign(
        comment=redact_comments(df[text_col]).to_numpy(),
        language=df[text_col].map(language).map(LANGUAGE_NAMES).to_numpy())
    parts = [g.sample(min(n, len(g)), random_state=seed) for _, g in df.groupby("language")]
    return pd.concat(parts).reset_index(drop=True) if parts else df.reset_index(drop=True)
