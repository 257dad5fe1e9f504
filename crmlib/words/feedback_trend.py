"""The words of the feedback report's periods and trends: each period named ("Jan 2024", "Q1 2024", a week by its
first day, "6 May 2024", the medium date of the partial markers and the opening line), the trend sentence and figure
title, the last period against the one before, the pooling and partial-period notes, and the period table's "Data
cover" and note, in English, Hindi and Bengali. A sentence names a week as a week ("in the week of 27 May 2024",
"27 मई 2024 से शुरू सप्ताह में"), never as if its first day were a period's name ("in 27 May 2024"); a table cell
and a figure tick keep the bare first day under their heading. :mod:`crmlib.words.feedback` writes the rest of the
page (and re-exports these functions).

The numbers come from :mod:`crmlib.feedback.trend` (:class:`~crmlib.feedback.trend.Trend`,
:class:`~crmlib.feedback.trend.Change`, pooling ``attrs``); every one is written by :class:`crmlib.formats.Formats`
before it goes into a sentence. NPS, CSAT and CES keep their English abbreviations, as practitioners say them.

>>> import pandas as pd
>>> from crmlib.feedback.trend import score_trend
>>> t = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=6, freq="MS"), "metric": "nps",
...                   "n": 100, "score": [10.0, 12, 14, 16, 18, 20], "lower": [8.0, 10, 12, 14, 16, 18],
...                   "upper": [12.0, 14, 16, 18, 20, 22], "too_few": False})
>>> trend_sentence(score_trend(t))
'NPS rose by about 2.0 points a month from Jan 2024 to Jun 2024 (95% interval 1.3 to 2.7; 6 months).'
"""

from __future__ import annotations

import pandas as pd

from crmlib.formats import MISSING, Formats
from crmlib.words import N_, NP_, Words

# ----------------------------------------------------------------------------- periods
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

# ----------------------------------------------------------------------------- trends
#: {metric} is NPS, CSAT or CES; {periods} and {needed} counts.
TREND_UNKNOWN = N_("{metric} has too few periods with enough answers ({periods}) to judge a trend; "
                   "at least {needed} are needed.")
#: The same when a partial period was left out: {periods} counts the complete ones with enough answers (two partial
#: half-years of 35 and 32 answers were said to be "too few periods with enough answers (0)" above a table saying
#: neither had too few).
TREND_UNKNOWN_COMPLETE = N_("{metric} has too few complete periods with enough answers ({periods}) to judge a trend; "
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
TITLE_UNKNOWN = N_("{metric}: too few periods with enough answers to show a trend")
TITLE_UNKNOWN_COMPLETE = N_("{metric}: too few complete periods with enough answers to show a trend")
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
#: After a trend whose first period the answers start inside of (a survey started on the 3rd): {period} its label,
#: {n} its answers, {date} the first answer's day.
PARTIAL_FIRST = NP_("{period} is partial, with {n} answer from {date}, so only the complete periods after it are "
                    "judged.",
                    "{period} is partial, with {n} answers from {date}, so only the complete periods after it are "
                    "judged.")
#: {first_answers} and {answers} in PARTIAL_BOTH: {n} a count of answers.
ANSWERS = NP_("{n} answer", "{n} answers")
#: After a trend whose first and last periods are both partial: {first} the first's label, {first_answers} its
#: ANSWERS, {first_date} the first answer's day; {period}, {answers} and {date} the same of the last period.
PARTIAL_BOTH = N_("{first} is partial, with {first_answers} from {first_date}, and so is {period}, with {answers} up "
                  "to {date}, so only the complete periods between them are judged.")
#: The same when no complete period lies between the two (two partial half-years, 3 Mar - 20 Sep 2024).
PARTIAL_BOTH_NONE = N_("{first} is partial, with {first_answers} from {first_date}, and so is {period}, with {answers} "
                       "up to {date}: both are left out, and no complete period lies between them.")
#: After a trend of answers that all fall inside one period: {period} its label, {n} its answers, {dates} the days
#: from the first answer's to the last's ("3–20 Jun 2024").
PARTIAL_ONLY = NP_("{period} is partial: its {n} answer covers only {dates}, so it is left out of the trend.",
                   "{period} is partial: its {n} answers cover only {dates}, so it is left out of the trend.")

# ----------------------------------------------------------------------------- the same, of weeks
#: The sentences and titles above when the periods are weeks: {first}, {last}, {current}, {previous} and {period} are
#: the weeks' first days ("27 May 2024"), said as weeks ("in the week of 27 May 2024", "the week starting 27 May
#: 2024"), since a bare "in 27 May 2024" reads as a day; the other placeholders as above.
TREND_FLAT_WEEKS = N_("{metric} shows no clear change from the week of {first} to the week of {last}: it averaged "
                      "{mean}, and its fitted change of {slope} {points} {per} ({interval}; {count}) could be zero.")
TREND_ROSE_WEEKS = N_("{metric} rose by about {slope} {points} {per} from the week of {first} to the week of {last} "
                      "({interval}; {count}).")
TREND_FELL_WEEKS = N_("{metric} fell by about {slope} {points} {per} from the week of {first} to the week of {last} "
                      "({interval}; {count}).")
TITLE_FLAT_WEEKS = N_("{metric} shows no clear change from the week of {first} to the week of {last} (about {mean})")
TITLE_ROSE_WEEKS = N_("{metric} rose by about {slope} {points} {per} from the week of {first} to the week of {last}")
TITLE_FELL_WEEKS = N_("{metric} fell by about {slope} {points} {per} from the week of {first} to the week of {last}")
CHANGE_UP_WEEKS = N_("{metric} was {value} in the week of {current} (interval {score_lower} to {score_upper}), up "
                     "{difference} {points} (interval {lower} to {upper}) on the week of {previous}.")
CHANGE_DOWN_WEEKS = N_("{metric} was {value} in the week of {current} (interval {score_lower} to {score_upper}), down "
                       "{difference} {points} (interval {lower} to {upper}) on the week of {previous}.")
CHANGE_SAME_WEEKS = N_("{metric} was {value} in the week of {current} (interval {score_lower} to {score_upper}); the "
                       "change of {difference} {points} against the week of {previous} is within the noise (interval "
                       "{lower} to {upper}).")
PARTIAL_WEEKS = NP_("The week of {period} is partial, with {n} answer up to {date}, so only the complete weeks before "
                    "it are judged.",
                    "The week of {period} is partial, with {n} answers up to {date}, so only the complete weeks before "
                    "it are judged.")
PARTIAL_FIRST_WEEKS = NP_("The week of {period} is partial, with {n} answer from {date}, so only the complete weeks "
                          "after it are judged.",
                          "The week of {period} is partial, with {n} answers from {date}, so only the complete weeks "
                          "after it are judged.")
PARTIAL_BOTH_WEEKS = N_("The week of {first} is partial, with {first_answers} from {first_date}, and so is the week of "
                        "{period}, with {answers} up to {date}, so only the complete weeks between them are judged.")
PARTIAL_BOTH_NONE_WEEKS = N_("The week of {first} is partial, with {first_answers} from {first_date}, and so is the "
                             "week of {period}, with {answers} up to {date}: both are left out, and no complete week "
                             "lies between them.")
PARTIAL_ONLY_WEEKS = NP_("The week of {period} is partial: its {n} answer covers only {dates}, so it is left out of "
                         "the trend.",
                         "The week of {period} is partial: its {n} answers cover only {dates}, so it is left out of "
                         "the trend.")
_WEEKS = {TREND_FLAT: TREND_FLAT_WEEKS, TREND_ROSE: TREND_ROSE_WEEKS, TREND_FELL: TREND_FELL_WEEKS,
          TITLE_FLAT: TITLE_FLAT_WEEKS, TITLE_ROSE: TITLE_ROSE_WEEKS, TITLE_FELL: TITLE_FELL_WEEKS,
          CHANGE_UP: CHANGE_UP_WEEKS, CHANGE_DOWN: CHANGE_DOWN_WEEKS, CHANGE_SAME: CHANGE_SAME_WEEKS,
          PARTIAL: PARTIAL_WEEKS, PARTIAL_FIRST: PARTIAL_FIRST_WEEKS, PARTIAL_BOTH: PARTIAL_BOTH_WEEKS,
          PARTIAL_BOTH_NONE: PARTIAL_BOTH_NONE_WEEKS, PARTIAL_ONLY: PARTIAL_ONLY_WEEKS}
#: The scores-by-period table's "Data cover" (as the overview's): this, "partial: from 3 Dec 2023" or "partial: to 3 Jun
#: 2024".
WHOLE_PERIOD = {"W": N_("whole week"), "M": N_("whole month"), "Q": N_("whole quarter"), "H": N_("whole half-year"),
                "Y": N_("whole year")}
#: Under the scores-by-period table when it has more periods than it shows: {shown} and {total} are counts of periods
#: (the months' note is the overview's revenue table's).
PERIODS_LATEST = {
    "W": N_("The table shows the latest {shown} of the {total} weeks; the CSV file holds every week, oldest first."),
    "M": N_("The table shows the latest {shown} of the {total} months; the CSV file holds every month, oldest first."),
    "Q": N_("The table shows the latest {shown} of the {total} quarters; the CSV file holds every quarter, oldest "
            "first."),
    "H": N_("The table shows the latest {shown} of the {total} half-years; the CSV file holds every half-year, oldest "
            "first."),
    "Y": N_("The table shows the latest {shown} of the {total} years; the CSV file holds every year, oldest first.")}
#: What pooled_by did: {asked}, {used} PERIODS; {max_n}, {min_n}, {ok}, {total} counts.
POOLING = N_("{asked} hold too few answers (at most {max_n}, against a minimum of {min_n}); {used} are used: "
             "{ok} of {total} {used} have at least {min_n}.")

# ----------------------------------------------------------------------------- the trend figure
AXIS_PERIOD_START = N_("period start (date)")
#: {level} a share.
LEGEND_INTERVAL = N_("{level} interval")
#: {min_n} a count.
LEGEND_TOO_FEW = N_("fewer than {min_n} answers (not reliable)")

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
    """A score as the page writes it: NPS whole points with their sign (as its tables), CSAT a per cent, CES one
    decimal."""
    return fmt.share(x / 100, 0) if metric == "csat" else signed(fmt, x, 0) if metric == "nps" else fmt.number(x, 1)


def period_label(ts, freq: str | None, w: Words, fmt: Formats) -> str:
    """A period as named in a table cell, a figure tick and a sentence: ``Jan 2024`` / ``Q1 2024`` / ``H2 2024`` /
    ``2024``; a week by its first day (``6 May 2024``, :func:`day`), which a sentence puts in its weekly wording
    (:func:`said`: "the week of 6 May 2024").

    >>> from crmlib.words import Words
    >>> en, bn = (Words("en"), Formats("en")), (Words("bn", digits="native"), Formats("bn", digits="native"))
    >>> period_label("2024-06-03", "W", *en), period_label("2024-06-03", "W", *bn), period_label("2024-04-01", "Q", *en)
    ('3 Jun 2024', '৩ জুন, ২০২৪', 'Q2 2024')
    """
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
        return day(t, fmt)
    return fmt.month(t, "short")


def said(message, freq: str | None):
    """The sentence or title ``message`` (a trend, a change, the partial note) in the words of ``freq``'s periods:
    of weeks its weekly version, which names each week "the week of 27 May 2024"; of the others ``message``.

    >>> said(CHANGE_UP, "W") is CHANGE_UP_WEEKS, said(CHANGE_UP, "M") is CHANGE_UP
    (True, True)
    """
    return _WEEKS.get(message, message) if freq == "W" else message


def day(ts, fmt: Formats) -> str:
    """A day as the feedback page writes every one (a week's label, the last day of a partial period, the partial
    markers of :func:`crmlib.words.overview.partial_label`): CLDR's medium date, ``3 Jun 2024``, ``3 जून 2024``,
    ``৩ জুন, ২০২৪``, in the page's digits; never the long ``3 June 2024`` beside it.

    >>> from crmlib.formats import Formats
    >>> day("2024-06-03", Formats("en")), day("2024-06-03", Formats("hi", digits="native"))
    ('3 Jun 2024', '३ जून २०२४')
    """
    return fmt.date(ts, "medium")


def _pooled(trend, w: Words) -> str:
    return "" if not trend.pooled_from or trend.pooled_from == trend.freq else " " + _cap(
        w(POOLED, asked=w(PERIODS[trend.pooled_from]), used=w(PERIODS[trend.freq])))


def _trend_values(trend, w: Words, fmt: Formats) -> dict:
    return dict(metric=_METRIC[trend.metric], first=period_label(trend.first, trend.freq, w, fmt),
                last=period_label(trend.last, trend.freq, w, fmt), points=w(POINTS[trend.metric]),
                per=w(PER.get(trend.freq, PER["M"])))


def _unknown(trend, message: str, complete: str) -> str:
    """``message`` (a trend too short to judge), or ``complete``, its words of complete periods, when a partial period
    was left out of it (said so once: the CSAT sentence after the NPS one names no partial period again)."""
    return complete if trend.complete_periods is not None else message


def _partial(trend, w: Words, fmt: Formats) -> str:
    """The sentence after a trend that says which of its periods are partial, and so left out: the last (the answers
    end inside it), the first (they start inside it), both, or the one period they start and end inside of."""
    first, last, freq = trend.partial_first, trend.partial, trend.freq
    if first is None and last is None:
        return ""
    if first is not None and first == last:
        text = w.plural(said(PARTIAL_ONLY, freq), trend.partial_n, n=fmt.count(trend.partial_n),
                        dates=fmt.date_range(trend.partial_from, trend.partial_to),
                        period=period_label(last, freq, w, fmt))
    elif first is not None and last is not None:
        between = PARTIAL_BOTH_NONE if trend.complete_periods == 0 else PARTIAL_BOTH
        text = w(said(between, freq), first=period_label(first, freq, w, fmt),
                 first_answers=w.plural(ANSWERS, trend.partial_first_n, n=fmt.count(trend.partial_first_n)),
                 first_date=day(trend.partial_from, fmt), period=period_label(last, freq, w, fmt),
                 answers=w.plural(ANSWERS, trend.partial_n, n=fmt.count(trend.partial_n)),
                 date=day(trend.partial_to, fmt))
    elif first is not None:
        text = w.plural(said(PARTIAL_FIRST, freq), trend.partial_first_n, n=fmt.count(trend.partial_first_n),
                        date=day(trend.partial_from, fmt), period=period_label(first, freq, w, fmt))
    else:
        text = w.plural(said(PARTIAL, freq), trend.partial_n, n=fmt.count(trend.partial_n),
                        date=day(trend.partial_to, fmt), period=period_label(last, freq, w, fmt))
    return " " + text


def trend_sentence(trend, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """A :class:`crmlib.feedback.trend.Trend` in one sentence, with its interval (and the pooling and partial notes)."""
    w, fmt = _pair(w, fmt)
    name = _METRIC[trend.metric]
    if trend.direction == "unknown":
        from crmlib.feedback.trend import MIN_PERIODS

        return w(_unknown(trend, TREND_UNKNOWN, TREND_UNKNOWN_COMPLETE), metric=name, periods=fmt.count(trend.periods),
                 needed=fmt.count(MIN_PERIODS)) + _pooled(trend, w) + _partial(trend, w, fmt)
    v = _trend_values(trend, w, fmt)
    # a signed change has a signed interval ("+1.0 ... (95% interval -4.2 to +6.1)", not "-4.2 to 6.1")
    bound = (lambda x: signed(fmt, x)) if trend.direction == "flat" else (lambda x: fmt.number(x, 1))
    interval = w(INTERVAL, level=fmt.share(trend.confidence, 0), lower=bound(trend.lower), upper=bound(trend.upper))
    count = w.plural(PERIOD_COUNT.get(trend.freq, PERIOD_COUNT["M"]), trend.periods, n=fmt.count(trend.periods))
    if trend.direction == "flat":
        text = w(said(TREND_FLAT, trend.freq), mean=score_text(trend.metric, trend.mean, fmt),
                 slope=signed(fmt, trend.slope), interval=interval, count=count, **v)
    else:
        text = w(said(TREND_ROSE if trend.direction == "rising" else TREND_FELL, trend.freq),
                 slope=fmt.number(abs(trend.slope), 1), interval=interval, count=count, **v)
    return text + _pooled(trend, w) + _partial(trend, w, fmt)


def trend_title(trend, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """A short figure title stating a :class:`~crmlib.feedback.trend.Trend`; its first and last period each held on
    one line by no-break spaces, so that a title wrapped to the figure's width never splits one ("27 May" above
    "2024")."""
    w, fmt = _pair(w, fmt)
    if trend.direction == "unknown":
        return w(_unknown(trend, TITLE_UNKNOWN, TITLE_UNKNOWN_COMPLETE), metric=_METRIC[trend.metric])
    v = _trend_values(trend, w, fmt)
    v.update(first=v["first"].replace(" ", "\u00a0"), last=v["last"].replace(" ", "\u00a0"))
    if trend.direction == "flat":
        return w(said(TITLE_FLAT, trend.freq), mean=score_text(trend.metric, trend.mean, fmt), **v)
    return w(said(TITLE_ROSE if trend.direction == "rising" else TITLE_FELL, trend.freq),
             slope=fmt.number(abs(trend.slope), 1), **v)


def change_sentence(change, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """The last period against the one before (:class:`crmlib.feedback.trend.Change`), in words."""
    w, fmt = _pair(w, fmt)
    m = change.metric
    values = dict(metric=_METRIC[m], value=score_text(m, change.score, fmt), points=w(POINTS[m]),
                  current=period_label(change.current, change.freq, w, fmt),
                  previous=period_label(change.previous, change.freq, w, fmt),
                  score_lower=score_text(m, change.score_lower, fmt),
                  score_upper=score_text(m, change.score_upper, fmt),
                  lower=fmt.number(change.lower, 1), upper=fmt.number(change.upper, 1))
    if change.direction == "same":  # a signed change, with a signed interval as the scores beside it have
        values.update(lower=signed(fmt, change.lower), upper=signed(fmt, change.upper))
        return w(said(CHANGE_SAME, change.freq), difference=signed(fmt, change.difference), **values)
    return w(said(CHANGE_UP if change.direction == "up" else CHANGE_DOWN, change.freq),
             difference=fmt.number(abs(change.difference), 1), **values)


def pooling_sentence(table: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> str | None:
    """What :func:`crmlib.feedback.pooled_by` did (its table's ``attrs``), or None when the periods asked
    for were used.

    >>> t = pd.DataFrame({"n": [40, 35]}); t.attrs.update(period="Q", pooled_from="M", min_n=30, max_n_asked=20)
    >>> pooling_sentence(t)
    'Months hold too few answers (at most 20, against a minimum of 30); quarters are used: 2 of 2 quarters have at
    least 30.'
    """
    w, fmt = _pair(w, fmt)
    asked, used = table.attrs.get("pooled_from"), table.attrs.get("period")
    if not asked or asked == used:
        return None
    min_n = table.attrs.get("min_n", 30)
    ok = int((table["n"] >= min_n).sum())
    return _cap(w(POOLING, asked=w(PERIODS[asked]), used=w(PERIODS[used]),
                  max_n=fmt.count(table.attrs.get("max_n_asked")), min_n=fmt.count(min_n), ok=fmt.count(ok),
                  total=fmt.count(len(table))))
