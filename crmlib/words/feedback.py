"""The words of the feedback report: trend sentences and titles, the pooling note, the summary
findings, the join of survey and customers, theme names, table cells and figure texts, in English,
Hindi and Bengali.

The numbers come from :mod:`crmlib.feedback` (scores, :class:`~crmlib.feedback.trend.Trend`,
:class:`~crmlib.feedback.trend.Change`, pooling ``attrs``) and :func:`crmlib.ids.join_rate`; every one is
written by :class:`crmlib.formats.Formats` before it goes into a sentence. NPS, CSAT and CES keep their
English abbreviations, as practitioners say them; channel names and comments are data and stay.

>>> import pandas as pd
>>> from crmlib.feedback.trend import score_trend
>>> t = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=6, freq="MS"), "metric": "nps",
...                   "n": 100, "score": [10.0, 12, 14, 16, 18, 20], "lower": [8.0, 10, 12, 14, 16, 18],
...                   "upper": [12.0, 14, 16, 18, 20, 22], "too_few": False})
>>> trend_sentence(score_trend(t))
'NPS rose by about 2.0 points a month from Jan 2024 to Jun 2024 (95% interval 1.3 to 2.7; 6 months).'
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from crmlib.formats import MISSING, Formats
from crmlib.words import N_, NP_, Words
from crmlib.words import tables as table_words

# ----------------------------------------------------------------------------- names
#: The unit a score moves in: {points} in the trend sentences.
POINTS = {"nps": N_("points"), "csat": N_("percentage points"), "ces": N_("points")}
#: "a month": how often the fitted change happens, {per} in the trend sentences.
PER = {"W": N_("a week"), "M": N_("a month"), "Q": N_("a quarter"), "H": N_("a half-year"), "Y": N_("a year")}
#: The periods of a trend, counted: {n} is a count.
PERIOD_COUNT = {"W": NP_("{n} week", "{n} weeks"), "M": NP_("{n} month", "{n} months"),
                "Q": NP_("{n} quarter", "{n} quarters"), "H": NP_("{n} half-year", "{n} half-years"),
                "Y": NP_("{n} year", "{n} years")}
#: The periods of a trend, named in the pooling sentences (English capitalises the first word).
PERIODS = {"W": N_("weeks"), "M": N_("months"), "Q": N_("quarters"), "H": N_("half-years"), "Y": N_("years")}
#: A quarter and a half-year as a period label: {number} 1-4 (or 1-2), {year} the year.
QUARTER = N_("Q{number} {year}")
HALF_YEAR = N_("H{number} {year}")
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

# ----------------------------------------------------------------------------- trends
#: {metric} is NPS, CSAT or CES; {periods} and {needed} counts.
TREND_UNKNOWN = N_("{metric} has too few periods with enough answers ({periods}) to judge a trend; "
                   "at least {needed} are needed.")
#: {first} and {last} are period labels, {mean} a score, {slope} a signed number, {points} a POINTS,
#: {per} a PER, {interval} an INTERVAL, {count} a PERIOD_COUNT.
TREND_FLAT = N_("{metric} shows no clear change from {first} to {last}: it averaged {mean}, and its fitted "
                "change of {slope} {points} {per} ({interval}; {count}) could be zero.")
TREND_ROSE = N_("{metric} rose by about {slope} {points} {per} from {first} to {last} ({interval}; {count}).")
TREND_FELL = N_("{metric} fell by about {slope} {points} {per} from {first} to {last} ({interval}; {count}).")
#: {level} is a share (95%); {lower}, {upper} numbers.
INTERVAL = N_("{level} interval {lower} to {upper}")
#: After a trend sentence when pooled_by pooled its periods: {asked} and {used} are PERIODS.
POOLED = N_("{asked} hold too few answers, so {used} are used.")
#: Figure titles of a trend.
TITLE_UNKNOWN = N_("{metric}: too few answers per period to show a trend")
TITLE_FLAT = N_("{metric} shows no clear change from {first} to {last} (about {mean})")
TITLE_ROSE = N_("{metric} rose by about {slope} {points} {per} from {first} to {last}")
TITLE_FELL = N_("{metric} fell by about {slope} {points} {per} from {first} to {last}")
#: The last period against the one before: {value} a score, {current}/{previous} period labels,
#: {score_lower}/{score_upper} the score's interval, {difference} a number, {lower}/{upper} its interval.
CHANGE_UP = N_("{metric} was {value} in {current} (interval {score_lower} to {score_upper}), up {difference} "
               "{points} (interval {lower} to {upper}) on {previous}.")
CHANGE_DOWN = N_("{metric} was {value} in {current} (interval {score_lower} to {score_upper}), down {difference} "
                 "{points} (interval {lower} to {upper}) on {previous}.")
CHANGE_SAME = N_("{metric} was {value} in {current} (interval {score_lower} to {score_upper}); the change of "
                 "{difference} {points} against {previous} is within the noise (interval {lower} to {upper}).")
#: After a trend whose last period the answers end inside of: {period} its label, {n} its answers, {date} the last day.
PARTIAL = NP_("{period} is partial, with {n} answer up to {date}, so only the complete periods before it are judged.",
              "{period} is partial, with {n} answers up to {date}, so only the complete periods before it are judged.")
#: The scores-by-period table's "Data cover" (as the overview's): this, or "partial: to 3 Jun 2024".
WHOLE_PERIOD = {"W": N_("whole week"), "M": N_("whole month"), "Q": N_("whole quarter"), "H": N_("whole half-year"),
                "Y": N_("whole year")}
#: What pooled_by did: {asked}, {used} PERIODS; {max_n}, {min_n}, {ok}, {total} counts.
POOLING = N_("{asked} hold too few answers (at most {max_n}, against a minimum of {min_n}); {used} are used: "
             "{ok} of {total} {used} have at least {min_n}.")

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

# ----------------------------------------------------------------------------- tables
#: The headline table's columns and the scales of its scores.
COLUMN_SCORE = N_("Score")
COLUMN_VALUE = N_("Value")
COLUMN_SCALE = N_("Scale")
SCALES = {"nps": N_("points, -100 to 100"), "csat": N_("% answering 4 or 5 of 5"), "ces": N_("mean effort, 1 to 7")}
COLUMN_SHARE_OF_COMMENTS = N_("Share of comments")
COLUMN_LEANS = N_("Leans to")
COLUMN_CSAT = N_("CSAT (%)")

# ----------------------------------------------------------------------------- figures
AXIS_NPS = N_("NPS (points, {low} to {high})")
AXIS_CSAT = N_("CSAT (% answering 4-5 of 5)")
AXIS_CES = N_("CES (mean effort score, {low}-{high})")
AXIS_PERIOD_START = N_("period start (date)")
#: {level} a share.
LEGEND_INTERVAL = N_("{level} interval")
#: {min_n} a count.
LEGEND_TOO_FEW = N_("fewer than {min_n} answers (not reliable)")
#: By a point of a group: {n} a count of answers.
POINT_N = N_("n={n}")
POINT_N_TOO_FEW = N_("n={n} (too few)")
#: A group whose name has no font: {number} a count.
GROUP_NUMBER = N_("group {number}")
#: {metric} NPS/CSAT/CES, {by} a BY; {best}/{worst} group names (data values or segment names),
#: {best_score}/{worst_score} scores.
TITLE_BY = N_("{metric} by {by}: highest {best} ({best_score}), lowest {worst} ({worst_score})")
TITLE_BY_FEW = N_("{metric} by {by}: too few answers to compare")
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

_METRIC = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}


def _pair(w: Words | None, fmt: Formats | None) -> tuple[Words, Formats]:
    fmt = fmt or Formats("en")
    return (w or Words.of(fmt)), fmt


def _cap(text: str) -> str:
    """The first letter upper case (English sentences that start with a placeholder)."""
    return text[:1].upper() + text[1:]


def signed(fmt: Formats, x: float, decimals: int = 1) -> str:
    """A number with its sign: ``+2.0``, ``-3.5``, ``0.0``."""
    text = fmt.number(x, decimals)
    return ("+" + text) if x > 0 and not text.startswith("+") else text


def score_text(metric: str, x: float, fmt: Formats) -> str:
    """A score as the page writes it: NPS whole points with their sign (as its tables), CSAT a per cent, CES one decimal."""
    return fmt.share(x / 100, 0) if metric == "csat" else signed(fmt, x, 0) if metric == "nps" else fmt.number(x, 1)


def period_label(ts, freq: str | None, w: Words, fmt: Formats) -> str:
    """A period as named on the page: ``Jan 2024`` / ``Q1 2024`` / ``H2 2024`` / ``2024``; a week by its first
    day (``6 May 2024``)."""
    if ts is None or (not isinstance(ts, str) and pd.isna(ts)):
        return MISSING
    t = pd.Timestamp(ts)
    year = fmt.in_digits(str(t.year))
    if freq == "Q":
        return w(QUARTER, number=fmt.count((t.month - 1) // 3 + 1), year=year)
    if freq == "H":
        return w(HALF_YEAR, number=fmt.count((t.month - 1) // 6 + 1), year=year)
    if freq == "Y":
        return year
    if freq == "W":
        return fmt.date(t)
    return fmt.month(t, "short")


def _pooled(trend, w: Words) -> str:
    return "" if not trend.pooled_from or trend.pooled_from == trend.freq else " " + _cap(
        w(POOLED, asked=w(PERIODS[trend.pooled_from]), used=w(PERIODS[trend.freq])))


def _trend_values(trend, w: Words, fmt: Formats) -> dict:
    return dict(metric=_METRIC[trend.metric], first=period_label(trend.first, trend.freq, w, fmt),
                last=period_label(trend.last, trend.freq, w, fmt), points=w(POINTS[trend.metric]),
                per=w(PER.get(trend.freq, PER["M"])))


def _partial(trend, w: Words, fmt: Formats) -> str:
    return "" if trend.partial is None else " " + w.plural(
        PARTIAL, trend.partial_n, n=fmt.count(trend.partial_n), date=fmt.date(trend.partial_to, "medium"),
        period=period_label(trend.partial, trend.freq, w, fmt))


def trend_sentence(trend, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """A :class:`crmlib.feedback.trend.Trend` in one sentence, with its interval (and the pooling and partial notes)."""
    w, fmt = _pair(w, fmt)
    name = _METRIC[trend.metric]
    if trend.direction == "unknown":
        from crmlib.feedback.trend import MIN_PERIODS

        return w(TREND_UNKNOWN, metric=name, periods=fmt.count(trend.periods),
                 needed=fmt.count(MIN_PERIODS)) + _pooled(trend, w) + _partial(trend, w, fmt)
    v = _trend_values(trend, w, fmt)
    interval = w(INTERVAL, level=fmt.share(trend.confidence, 0), lower=fmt.number(trend.lower, 1),
                 upper=fmt.number(trend.upper, 1))
    count = w.plural(PERIOD_COUNT.get(trend.freq, PERIOD_COUNT["M"]), trend.periods, n=fmt.count(trend.periods))
    if trend.direction == "flat":
        text = w(TREND_FLAT, mean=score_text(trend.metric, trend.mean, fmt), slope=signed(fmt, trend.slope),
                 interval=interval, count=count, **v)
    else:
        text = w(TREND_ROSE if trend.direction == "rising" else TREND_FELL, slope=fmt.number(abs(trend.slope), 1),
                 interval=interval, count=count, **v)
    return text + _pooled(trend, w) + _partial(trend, w, fmt)


def trend_title(trend, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """A short figure title stating a :class:`~crmlib.feedback.trend.Trend`."""
    w, fmt = _pair(w, fmt)
    if trend.direction == "unknown":
        return w(TITLE_UNKNOWN, metric=_METRIC[trend.metric])
    v = _trend_values(trend, w, fmt)
    if trend.direction == "flat":
        return w(TITLE_FLAT, mean=score_text(trend.metric, trend.mean, fmt), **v)
    return w(TITLE_ROSE if trend.direction == "rising" else TITLE_FELL, slope=fmt.number(abs(trend.slope), 1), **v)


def change_sentence(change, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """The last period against the one before (:class:`crmlib.feedback.trend.Change`), in words."""
    w, fmt = _pair(w, fmt)
    m = change.metric
    values = dict(metric=_METRIC[m], value=score_text(m, change.score, fmt), points=w(POINTS[m]),
                  current=period_label(change.current, change.freq, w, fmt),
                  previous=period_label(change.previous, change.freq, w, fmt),
                  score_lower=score_text(m, change.score_lower, fmt), score_upper=score_text(m, change.score_upper, fmt),
                  lower=fmt.number(change.lower, 1), upper=fmt.number(change.upper, 1))
    if change.direction == "same":
        return w(CHANGE_SAME, difference=signed(fmt, change.difference), **values)
    return w(CHANGE_UP if change.direction == "up" else CHANGE_DOWN,
             difference=fmt.number(abs(change.difference), 1), **values)


def pooling_sentence(table: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> str | None:
    """What :func:`crmlib.feedback.pooled_by` did (its table's ``attrs``), or None when the periods asked
    for were used.

    >>> t = pd.DataFrame({"n": [40, 35]}); t.attrs.update(period="Q", pooled_from="M", min_n=30, max_n_asked=20)
    >>> pooling_sentence(t)
    'Months hold too few answers (at most 20, against a minimum of 30); quarters are used: 2 of 2 quarters have at least 30.'
    """
    w, fmt = _pair(w, fmt)
    asked, used = table.attrs.get("pooled_from"), table.attrs.get("period")
    if not asked or asked == used:
        return None
    min_n = table.attrs.get("min_n", 30)
    ok = int((table["n"] >= min_n).sum())
    return _cap(w(POOLING, asked=w(PERIODS[asked]), used=w(PERIODS[used]), max_n=fmt.count(table.attrs.get("max_n_asked")),
                  min_n=fmt.count(min_n), ok=fmt.count(ok), total=fmt.count(len(table))))


def join_sentence(rate, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """How many survey customers a :func:`crmlib.ids.join_rate` found among the customers with
    transactions, and that the others' value is unknown, not 0."""
    w, fmt = _pair(w, fmt)
    every = rate.matched == rate.total
    out = [w.plural(JOIN_ALL, rate.total, total=fmt.count(rate.total)) if every else
           w.plural(JOIN, rate.total, matched=fmt.count(rate.matched), total=fmt.count(rate.total))]
    if rate.by_padding:
        out.append(w.plural(JOIN_PADDING, rate.by_padding, n=fmt.count(rate.by_padding)))
    if rate.case_only:
        out.append(w.plural(JOIN_CASE, rate.case_only, n=fmt.count(rate.case_only)))
    if not every:  # there are others, whose value is not known
        out.append(w(JOIN_UNKNOWN, dash=MISSING))
    return " ".join(out)


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
        csat = score_trend(csat_trend)  # a partial period the NPS sentence named is not named again
        said = nps is not None and (nps.partial, nps.freq) == (csat.partial, csat.freq)
        out.append(trend_sentence(replace(csat, partial=None) if said else csat, w=w, fmt=fmt))
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
            return fmt.share(x / 100, 1)
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
