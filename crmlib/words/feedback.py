"""The words of the feedback report: the summary findings, the opening line, the join of survey and customers,
theme names, table cells and figure texts, in English, Hindi and Bengali. The periods and trends (period names,
trend, change, pooling and partial-period sentences, the trend figure's texts) are written by
:mod:`crmlib.words.feedback_trend`, whose functions are importable from here too.

The numbers come from :mod:`crmlib.feedback` (scores, trends, pooling ``attrs``) and :func:`crmlib.ids.join_rate`;
every one is written by :class:`crmlib.formats.Formats` before it goes into a sentence. NPS, CSAT and CES keep their
English abbreviations, as practitioners say them; channel names and comments are data and stay.

>>> from crmlib.ids import join_rate
>>> join_sentence(join_rate(["81", "000082", "90"], ["81", "82"]))
'2 of 3 survey customers found among the customers with transactions. 1 of them was matched only once leading
zeros were ignored. Value and segment are unknown (–) for the others, never 0.'
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from crmlib.formats import MISSING, Formats
from crmlib.words import N_, NP_, Words
from crmlib.words import tables as table_words
from crmlib.words.feedback_trend import (  # noqa: F401 (the findings write with them; importable from here as before)
    _METRIC,
    ANSWERS,
    PARTIAL,
    WHOLE_PERIOD,
    _cap,
    _pair,
    change_sentence,
    period_label,
    pooling_sentence,
    score_text,
    signed,
    trend_sentence,
    trend_title,
)

# ----------------------------------------------------------------------------- names
#: The NPS groups as the page names them (tables, figures, driver sides).
GROUPS = {"detractor": N_("detractors"), "passive": N_("passives"), "promoter": N_("promoters")}
#: The side of a comment in the table of complaints and praise.
SIDES = {"complaint": N_("complaint"), "praise": N_("praise"),
         # a driver term whose lean is within chance (|z| at most 1.96): it separates neither group
         "chance": N_("neither (within chance)")}
#: Which way a theme leans (its NPS interval below 0, above 0, or neither).
LEANS = {"complaints": N_("complaints"), "praise": N_("praise"), "mixed": N_("mixed")}
#: The language of a comment (found by its script).
LANGUAGES = {"en": N_("English"), "hi": N_("Hindi"), "bn": N_("Bengali"), "mixed": N_("mixed"),
             "unknown": N_("unknown")}
#: The themes of the shipped lexicon (crmlib/data/feedback_lexicon.yaml), by topic; a lexicon of your
#: own keeps its labels as written.
THEMES = {"delivery": N_("delivery"), "price": N_("price"), "staff": N_("staff and customer care"),
          "quality": N_("product quality"), "app": N_("app and website"),
          "returns": N_("returns and refunds"), "other": N_("other (no topic word)")}
#: The groups a score is shown by, as named in the figures' titles and axes.
BY = {"channel": N_("channel"), "city": N_("city"), "segment": N_("segment"),
      "clv_decile": N_("lifetime-value decile"), "theme": N_("theme")}


# ----------------------------------------------------------------------------- findings
#: {value}, {lower}, {upper} signed numbers; {level} a share; {answers} a count; {promoters}, {detractors} shares.
FINDING_NPS = NP_("NPS is {value} ({level} interval {lower} to {upper}) from {answers} answer: {promoters} "
                  "promoters and {detractors} detractors.",
                  "NPS is {value} ({level} interval {lower} to {upper}) from {answers} answers: {promoters} "
                  "promoters and {detractors} detractors.")
#: {value}, {lower}, {upper} shares.
FINDING_CSAT = N_("CSAT is {value} ({level} interval {lower} to {upper}).")
#: {share} a share.
FINDING_AT_RISK = N_("Detractors hold {share} of the predicted lifetime value of the customers who answered.")

# ----------------------------------------------------------------------------- page lines
#: Under the title: {answers}, {customers} counts; {period} a date range.
OPENING = N_("{answers} answers from {customers} customers, {period}.")
#: How many survey customers the transactions know: {matched}, {total} counts.
JOIN = NP_("{matched} of {total} survey customer found among the customers with transactions.",
           "{matched} of {total} survey customers found among the customers with transactions.")
#: When every survey customer is found: {total} a count.
JOIN_ALL = NP_("The {total} survey customer was found among the customers with transactions.",
               "All {total} survey customers were found among the customers with transactions.")
#: {n} a count: matched ids that differ only by leading zeros.
JOIN_PADDING = NP_("{n} of them was matched only once leading zeros were ignored.",
                   "{n} of them were matched only once leading zeros were ignored.")
#: {n} a count: ids not matched that equal an id of the transactions but for upper/lower case.
JOIN_CASE = NP_("{n} id not found differs from an id there only in upper/lower case and was left apart.",
                "{n} ids not found differ from an id there only in upper/lower case and were left apart.")
#: {dash} is the dash of an empty cell.
JOIN_UNKNOWN = N_("Value and segment are unknown ({dash}) for the others, never 0.")
#: When no survey customer has transactions: {total} the survey's customers, {answers} an ANSWERS, {held} a
#: BAR_CUSTOMERS (the customers with transactions).
JOIN_NONE = NP_("The {total} customer who gave {answers} is not among the {held} with transactions, so the comparison "
                "with segments and lifetime value cannot be shown.",
                "None of the {total} customers who gave {answers} is among the {held} with transactions, so the "
                "comparison with segments and lifetime value cannot be shown.")
#: Above NPS by city when some survey customers are not in the customers file: {matched}, {total} counts.
CITY_JOIN = NP_("{matched} of {total} survey customer found in the customers file.",
                "{matched} of {total} survey customers found in the customers file.")
#: After it: {label} the figure's group of the others' answers (NOT_IN_FILE of crmlib.words.overview).
CITY_OTHERS = N_("The answers of the others are shown as “{label}”.")
#: When no survey customer is in the customers file: {total} the survey's customers, {answers} an ANSWERS, {held} a
#: BAR_CUSTOMERS (the customers of the customers file).
CITY_JOIN_NONE = NP_("The {total} customer who gave {answers} is not in the customers file, which holds {held}, so "
                     "no city can be shown.",
                     "None of the {total} customers who gave {answers} is in the customers file, which holds {held}, "
                     "so no city can be shown.")
NO_CSAT = N_("This feedback file has no CSAT column.")
NO_CHANNEL = N_("This feedback file has no channel column.")
NO_CITY = N_("The customers file has no city column, so NPS by city is left out.")
#: {file} is the input's name and {flag} its option, as they are.
LEFT_OUT_CITY = N_("No {file} file was given, so NPS by city cannot be shown; run the report with {flag} "
                   "to include it.")
LEFT_OUT_VALUE = N_("No {file} file was given, so the comparison with segments and lifetime value cannot be "
                    "shown; run the report with {flag} to include it.")
FEW_COMMENTS = N_("Too few comments (fewer than 20) to find driver terms.")
OTHER_TERMS = N_("Words most used in comments of no topic (candidates for the lexicon):")
#: In its stead when every comment uses a keyword of a topic.
NO_OTHER_TERMS = N_("No words to suggest for the lexicon: every comment uses a keyword of some topic.")
#: In its stead when the comments of no topic hold only function words: {n} a count of comments.
OTHER_TERMS_COMMON = NP_("No words to suggest for the lexicon: the {n} comment of no topic uses only function words.",
                         "No words to suggest for the lexicon: the {n} comments of no topic use only function words.")

# ----------------------------------------------------------------------------- tables
#: The headline table's columns and the scales of its scores.
COLUMN_SCORE = N_("Score")
COLUMN_VALUE = N_("Value")
COLUMN_SCALE = N_("Scale")
SCALES = {"nps": N_("points, -100 to 100"), "csat": N_("% answering 4 or 5 of 5"), "ces": N_("mean effort, 1 to 7")}
COLUMN_SHARE_OF_COMMENTS = N_("Share of comments")
COLUMN_LEANS = N_("Leans to")
#: The comment tables' answers to the two questions, beside each comment.
COLUMN_NPS_ANSWER = N_("NPS answer (0-10)")
COLUMN_CSAT_ANSWER = N_("CSAT answer (1-5)")

# ----------------------------------------------------------------------------- figures
AXIS_NPS = N_("NPS (points, {low} to {high})")
AXIS_CSAT = N_("CSAT (% answering 4-5 of 5)")
AXIS_CES = N_("CES (mean effort score, {low}-{high})")
#: By a point of a group: {n} a count of answers.
POINT_N = N_("n={n}")
POINT_N_TOO_FEW = N_("n={n} (too few)")
#: A group whose name has no font: {number} a count.
GROUP_NUMBER = N_("group {number}")
#: {metric} NPS/CSAT/CES, {by} a BY; {best}/{worst} group names (data values or segment names),
#: {best_score}/{worst_score} scores.
TITLE_BY = N_("{metric} by {by}: highest {best} ({best_score}), lowest {worst} ({worst_score})")
#: When the highest group's interval reaches the lowest group's: the two are named, as in TITLE_BY, and their gap
#: is not read as a difference (the notebook's prose: channels whose intervals do not overlap really differ).
TITLE_BY_OVERLAP = N_("{metric} by {by}: highest {best} ({best_score}), lowest {worst} ({worst_score}), but their "
                      "intervals overlap, so the gap may be chance")
TITLE_BY_FEW = N_("{metric} by {by}: too few answers to compare")
#: When the answers hold one group only (one channel, one city besides those not known): {group} its name.
TITLE_BY_ONE = N_("{metric} by {by}: one {by} only ({group}), so nothing to compare")
#: {low}/{high} theme names, {low_score}/{high_score} signed NPS.
TITLE_THEME_NPS = N_("Comments on {low} come with the lowest NPS ({low_score}), on {high} the highest ({high_score})")
#: {a} and {b} are GROUPS.
AXIS_DRIVERS = N_("z-score of weighted log-odds (> 0: {a}, < 0: {b})")
#: {hidden} a count.
AXIS_DRIVERS_HIDDEN = N_("z-score of weighted log-odds (> 0: {a}, < 0: {b}); {hidden} terms in scripts without a "
                         "font are in the table")
AXIS_TERM = N_("term (uses by {a}/{b})")
#: {a}, {b} GROUPS; {top_a}, {top_b} terms of the comments (data) or NOTHING_DISTINCTIVE.
TITLE_DRIVERS = N_("{a} mention {top_a}; {b} mention {top_b}")
NOTHING_DISTINCTIVE = N_("nothing distinctive")
#: The dashed lines of the drivers figure, at -{z} and {z} (crmlib.feedback.text.SIGNIFICANT_Z, 1.96); {p} 0.05.
LINE_SIGNIFICANT = N_("beyond the dashed lines (|z| > {z}) a term leans to one side more than chance would (p < {p})")
#: Themes figure (topic model).
AXIS_THEME_SHARE = N_("share of comments whose main theme it is (%)")
AXIS_THEME_TERMS = N_("theme: top terms")
SEE_TABLE = N_("(see table)")
THEME_NUMBER = N_("theme {number}")
TITLE_THEMES = N_("The largest theme, {name}, holds {share} of the comments")
#: Value by NPS group: {n} a count of customers.
BAR_CUSTOMERS = NP_("{n} customer", "{n} customers")
AXIS_NPS_GROUP = N_("NPS group of the customer's latest answer")
AXIS_VALUE_SHARE = N_("share of predicted lifetime value (%)")
TITLE_VALUE_AT_RISK = N_("Detractors hold {share} of the lifetime value of customers who answered")


def join_sentence(rate, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """How many survey customers a :func:`crmlib.ids.join_rate` found among the customers with
    transactions, and that the others' value is unknown, not 0."""
    w, fmt = _pair(w, fmt)
    every = rate.matched == rate.total
    out = [w.plural(JOIN_ALL, rate.total, total=fmt.count(rate.total)) if every else
           w.plural(JOIN, rate.total, matched=fmt.count(rate.matched), total=fmt.count(rate.total))]
    out += _join_notes(rate, w, fmt)
    if not every:  # there are others, whose value is not known
        out.append(w(JOIN_UNKNOWN, dash=MISSING))
    return " ".join(out)


def _join_notes(rate, w: Words, fmt: Formats) -> list[str]:
    out = []
    if rate.by_padding:
        out.append(w.plural(JOIN_PADDING, rate.by_padding, n=fmt.count(rate.by_padding)))
    if rate.case_only:
        out.append(w.plural(JOIN_CASE, rate.case_only, n=fmt.count(rate.case_only)))
    return out


def join_none(message, rate, answers: int, held: int, *, w: Words | None = None,
              fmt: Formats | None = None) -> str:
    """That no survey customer of a :func:`crmlib.ids.join_rate` is in the other file (``message``: :data:`JOIN_NONE`,
    the customers with transactions, or :data:`CITY_JOIN_NONE`, the customers file), of how many ``answers``, against
    the ``held`` customers of that file, and why the section shows nothing (a figure of one group, "–" or "(blank)",
    said "too few answers to compare" of thousands); ids that differ only in case are counted after it.

    >>> from crmlib.ids import join_rate
    >>> join_none(CITY_JOIN_NONE, join_rate(["C0234", "c001"], ["C001", "C002"]), 5, 2)
    'None of the 2 customers who gave 5 answers is in the customers file, which holds 2 customers, so no city can be
    shown. 1 id not found differs from an id there only in upper/lower case and was left apart.'
    """
    w, fmt = _pair(w, fmt)
    text = w.plural(message, rate.total, total=fmt.count(rate.total), answers=w.plural(ANSWERS, answers,
                                                                                         n=fmt.count(answers)),
                    held=w.plural(BAR_CUSTOMERS, held, n=fmt.count(held)))
    return " ".join([text, *_join_notes(rate, w, fmt)])


def city_join_sentence(rate, *, w: Words | None = None, fmt: Formats | None = None) -> str | None:
    """Above NPS by city: how many survey customers of a :func:`crmlib.ids.join_rate` the customers file holds, and
    under which group the others' answers are drawn (None when it holds every one: nothing to say).

    >>> from crmlib.ids import join_rate
    >>> city_join_sentence(join_rate(["a", "b", "007"], ["a", "7"]))
    '2 of 3 survey customers found in the customers file. 1 of them was matched only once leading zeros were ignored.
    The answers of the others are shown as “(not in the customers file)”.'
    """
    from crmlib.words import overview as ow

    w, fmt = _pair(w, fmt)
    if rate.matched == rate.total:
        return None
    text = w.plural(CITY_JOIN, rate.total, matched=fmt.count(rate.matched), total=fmt.count(rate.total))
    return " ".join([text, *_join_notes(rate, w, fmt), w(CITY_OTHERS, label=w(ow.NOT_IN_FILE))])


def opening(answers: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """The line under the title: answers, customers and the dates they span."""
    w, fmt = _pair(w, fmt)
    return w(OPENING, answers=fmt.count(len(answers)), customers=fmt.count(answers["customer_id"].nunique()),
             period=fmt.date_range(answers["date"].min(), answers["date"].max()))


def findings(headline: list | None = None, nps_trend: pd.DataFrame | None = None,
             csat_trend: pd.DataFrame | None = None, at_risk: pd.DataFrame | None = None, *,
             w: Words | None = None, fmt: Formats | None = None) -> list[str]:
    """The feedback report's findings (at most five): overall NPS with its interval, its trend over all
    periods and the last period against the one before, the CSAT trend (or overall CSAT), and the
    value held by detractors. See :func:`crmlib.findings.feedback` for the inputs."""
    from crmlib.feedback.trend import last_change, score_trend

    w, fmt = _pair(w, fmt)
    out = []
    scores = {s.metric: s for s in (headline or [])}
    if "nps" in scores and scores["nps"].n:
        s = scores["nps"]
        out.append(w.plural(FINDING_NPS, s.n, value=signed(fmt, s.score, 0), level=fmt.share(s.confidence, 0),
                            lower=signed(fmt, s.lower, 0), upper=signed(fmt, s.upper, 0), answers=fmt.count(s.n),
                            promoters=fmt.share(s.promoters, 0), detractors=fmt.share(s.detractors, 0)))
    nps = score_trend(nps_trend) if nps_trend is not None and len(nps_trend) else None
    if nps is not None:
        out.append(trend_sentence(nps, w=w, fmt=fmt))
        change = last_change(nps_trend)
        if change is not None:
            out.append(change_sentence(change, w=w, fmt=fmt))
    if csat_trend is not None and len(csat_trend):
        csat = score_trend(csat_trend)  # partial periods the NPS sentence named are not named again
        said = nps is not None and (nps.partial, nps.partial_first, nps.freq) == (csat.partial, csat.partial_first,
                                                                                  csat.freq)
        out.append(trend_sentence(replace(csat, partial=None, partial_first=None) if said else csat, w=w, fmt=fmt))
    elif "csat" in scores and scores["csat"].n:
        s = scores["csat"]
        out.append(w(FINDING_CSAT, value=fmt.share(s.score / 100, 0), level=fmt.share(s.confidence, 0),
                     lower=fmt.share(s.lower / 100, 0), upper=fmt.share(s.upper / 100, 0)))
    if at_risk is not None and "clv_share" in at_risk.columns and "detractor" in at_risk.index:
        share = float(at_risk.loc["detractor", "clv_share"])
        if math.isfinite(share):
            out.append(w(FINDING_AT_RISK, share=fmt.share(share, 0)))
    return out[:5]


# ----------------------------------------------------------------------------- names in tables
def _say(mapping: dict, w: Words):
    return lambda v: w.text(mapping[v]) if isinstance(v, str) and v in mapping else v


def language_name(code: str, w: Words) -> str:
    """A language code (``en``, ``hi``, ``bn``, ``mixed``, ``unknown``) or its English name, in words."""
    code = {english: c for c, english in LANGUAGES.items()}.get(code, code)  # "Hindi" -> "hi"
    return w.text(LANGUAGES[code]) if code in LANGUAGES else code


def theme_name(theme: str, w: Words, lexicon=None) -> str:
    """A theme's page name: a topic of the shipped lexicon (or its English label) in the language;
    a label of a lexicon of your own as written."""
    labels = {label: topic for topic, label in THEMES.items()}  # "staff and customer care" -> "staff"
    topic = theme if theme in THEMES else labels.get(theme)
    return w.text(THEMES[topic]) if topic else theme


def language_mix(mix: dict, w: Words, fmt: Formats) -> str:
    """``{"en": 0.6, "hi": 0.4}`` as ``English 60%, Hindi 40%`` in the language (shares under 5 % left out)."""
    return ", ".join(f"{language_name(k, w)} {fmt.share(p, 0)}" for k, p in mix.items() if p >= 0.05)


def on_page(frame: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> pd.DataFrame:
    """A copy of a feedback table with crmlib's own names in words: NPS groups (index or ``nps_group``,
    ``side`` of drivers), comment sides, theme names, ``leans``, ``language`` and the ``languages`` mix
    (from ``attrs["language_mix"]`` of :func:`crmlib.feedback.theme_scores`), segment names. Channels,
    terms and comments are data and stay."""
    from crmlib.words import segments

    w, fmt = _pair(w, fmt)
    out = frame.copy()
    if out.index.name == "nps_group":
        out.index = out.index.map(_say(GROUPS, w)).rename("nps_group")
    for column, say in (("nps_group", _say(GROUPS, w)), ("leans", _say(LEANS, w)), ("side", _say({**GROUPS, **SIDES}, w)),
                        ("language", lambda v: language_name(v, w)), ("theme", lambda v: theme_name(v, w)),
                        ("segment", lambda v: segments.name(w, v))):
        if column in out.columns:
            out[column] = out[column].map(say)
    mixes = frame.attrs.get("language_mix")
    if "languages" in out.columns and mixes and "topic" in frame.columns:
        out["languages"] = [language_mix(mixes.get(t, {}), w, fmt) for t in frame["topic"]]
    return out


def csat_text(x: float, fmt: Formats) -> str:
    """CSAT (a per cent, 0-100) as every table of the page writes it: the headline's and the channels' ``73.4%``.

    >>> csat_text(74.4898, Formats("en")), csat_text(74.4898, Formats("bn", digits="native"))
    ('74.5%', '৭৪.৫%')
    """
    return fmt.share(x / 100, 1)


def scores_table(headline: list, *, w: Words | None = None, fmt: Formats | None = None) -> tuple[pd.DataFrame, dict]:
    """The headline scores (a list of :class:`crmlib.feedback.Score`) as a table with its scale in words,
    and the column names for ``show(names=...)``. Each row is written in its own scale: NPS in signed
    points (+13.5), CSAT as a per cent (63.1%), CES as a mean effort (5.0); show the value columns
    with ``kinds=dict.fromkeys(("score", "lower", "upper"), str)`` to keep them right-aligned."""
    w, fmt = _pair(w, fmt)

    def text(metric, x):
        if x is None or pd.isna(x):
            return MISSING
        if metric == "csat":
            return csat_text(x, fmt)
        return signed(fmt, x) if metric == "nps" else fmt.number(x, 1)

    rows = [{"metric": _METRIC.get(s.metric, s.metric), "score": text(s.metric, s.score),
             "lower": text(s.metric, s.lower), "upper": text(s.metric, s.upper),
             "n": s.n, "scale": w(SCALES[s.metric]) if s.metric in SCALES else ""} for s in headline]
    names = {"metric": w(COLUMN_SCORE), "score": w(COLUMN_VALUE), "scale": w(COLUMN_SCALE)}
    return pd.DataFrame(rows, columns=["metric", "score", "lower", "upper", "n", "scale"]), names


def theme_names(w: Words) -> dict:
    """The column names of the theme table for ``show(names=...)``."""
    return {"share": w(COLUMN_SHARE_OF_COMMENTS), "n": w(table_words.LABELS["n"]), "score": "NPS",
            "promoters": w(table_words.LABELS["promoters"]), "detractors": w(table_words.LABELS["detractors"]),
            "leans": w(COLUMN_LEANS)}
