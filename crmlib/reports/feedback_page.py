"""The feedback report, section by section: what each cell of ``crmlib/notebooks/feedback.ipynb`` shows.

The notebook holds the parameters, the prose and one call per section; the decisions live here, where
tests reach them: the output folder, which scores the file holds (NPS always, CSAT and CES when their
columns are there), whether a channel, a city (from a customers file) and transactions (segments and
lifetime value) are given and what the page says when they are not, whether there are enough comments
for driver terms and themes, and which periods the answers start or end inside of (:func:`with_coverage`: drawn
partial, left out of the trends and the comparison). Each section returns the items it shows, in order, as
:mod:`crmlib.reports.segments_page` does: a ``str`` is Markdown, a matplotlib ``Figure`` is drawn where it
stands, anything else (a table of :func:`show`) is displayed; :func:`show_items` shows them in a notebook.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.feedback.scores import join_city as with_city  # the answers' cities, ids matched as crmlib matches them
from crmlib.reports import page_parts
from crmlib.reports.page_parts import show_items

#: The scores a feedback file may hold, in the order the page shows them.
METRICS = ("nps", "csat", "ces")
#: Comments needed before driver terms and themes are shown.
MIN_COMMENTS = 20
#: Terms shown in the driver chart and table, and in the list of words of no topic.
TOP_TERMS = 12
#: Periods the table of scores by period shows, the latest (its CSV holds every one).
MAX_PERIODS = 12


#: Where the page's tables and files go: ``output_dir``, else ``reports/feedback`` of the working folder.
output_folder = functools.partial(page_parts.output_folder, "feedback")


def with_coverage(table: pd.DataFrame, end, start=None) -> pd.DataFrame:
    """A table of scores by period (:func:`crmlib.feedback.pooled_by`) with :func:`crmlib.periods.period_coverage`'s
    columns (:data:`crmlib.periods.COVERAGE_COLUMNS`) against ``end``, the last day the answers cover (the last
    answer's day: the report's ``observation_end`` cuts the transactions, not the answers), and ``start``, the first
    (the first answer's day, :func:`crmlib.overview.data_start`). A period the answers start or end inside of (a
    survey started or exported on the 3rd) is drawn partial and left out of the trend and of the comparison of the
    last two periods (:mod:`crmlib.feedback.trend`). pandas has no half-year period: a half-year starts late when its
    first quarter does and ends early when its second quarter does.

    >>> t = pd.DataFrame({"period": pd.date_range("2023-12-01", periods=3, freq="MS"), "n": [40, 400, 45]})
    >>> t.attrs["period"] = "M"
    >>> with_coverage(t, pd.Timestamp("2024-02-03"), pd.Timestamp("2023-12-03"))["complete"].tolist()
    [False, True, False]
    """
    from crmlib.periods import COVERAGE_COLUMNS, period_coverage

    period = table.attrs.get("period") or "M"
    starts = pd.DatetimeIndex(table["period"])
    coverage = period_coverage(starts, "Q" if period == "H" else period, end, start=start)
    if period == "H":  # its first quarter says whether the answers start inside it, its second whether they end
        second = period_coverage(starts + pd.DateOffset(months=3), "Q", end)
        early = second["ends_early"].to_numpy()
        coverage = coverage.assign(ends_early=early, covered_to=second["covered_to"].to_numpy(),
                                   complete=~(coverage["starts_late"].to_numpy() | early))
    out = table.assign(**{c: coverage[c].to_numpy() for c in COVERAGE_COLUMNS})
    out.attrs = dict(table.attrs)
    return out


def coverage_column(table: pd.DataFrame, w, fmt) -> pd.DataFrame:
    """A table of :func:`with_coverage` as the page shows it: its coverage columns become one last column
    ``coverage`` in words ("whole month", "partial: from 3 Dec 2023" or "partial: to 3 Jun 2024", as the overview's
    revenue table and the figures say it, :func:`crmlib.words.overview.coverage_label`, under the overview's heading
    "Data cover"); a table without them as it is."""
    from crmlib.words import feedback_trend as ft
    from crmlib.words import overview as ow

    if "complete" not in table.columns:
        return table
    rest, said = ow.coverage_words(table, w(ft.WHOLE_PERIOD[table.attrs.get("period") or "M"]), w, fmt)
    return rest.assign(coverage=said)


def period_table(trend: pd.DataFrame, show, w, fmt, *, csv=None, csv_name: str | None = None,
                 max_rows: int = MAX_PERIODS, names=None, kinds=None):
    """The page's table of scores by period (a :func:`with_coverage` table of :func:`crmlib.feedback.pooled_by`),
    oldest first as the trend figure draws it and as every period table of crmlib reads (the overview's revenue
    table, the retention cohorts): each period named as the sentences name it ("Jun 2024", "Q2 2024"; a week by its
    first day, "3 Jun 2024", under "Period" and beside "whole week", where a sentence says "the week of 3 Jun 2024"),
    "Data cover" last (:func:`coverage_column`); of a longer table the latest ``max_rows`` with a note that says so.
    The CSV (``csv``, a folder, with ``csv_name``) holds every period, oldest first. ``names`` and ``kinds`` go to
    ``show``.

    >>> from crmlib.formats import Formats
    >>> from crmlib.reports.tables import show
    >>> from crmlib.words import Words
    >>> t = pd.DataFrame({"period": pd.date_range("2024-04-01", periods=3, freq="MS"), "metric": "nps", "n": 40,
    ...                   "score": [10.0, 20.0, 30.0]})
    >>> t.attrs["period"] = "M"
    >>> html = period_table(t, show, Words("en"), Formats("en"), max_rows=2).to_html()
    >>> "Apr 2024" in html, html.index("May 2024") < html.index("Jun 2024"), "latest 2 of the 3 months" in html
    (False, True, True)
    """
    from crmlib.reports.tables import show_latest
    from crmlib.words import feedback_trend as ft

    freq = trend.attrs.get("period") or "M"
    table = coverage_column(trend.drop(columns="metric", errors="ignore"), w, fmt).sort_values("period")
    table["period"] = [ft.period_label(p, freq, w, fmt) for p in table["period"]]
    return show_latest(show, table, max_rows=max_rows, said=ft.PERIODS_LATEST[freq], w=w, fmt=fmt, names=names,
                       kinds=kinds, csv=csv, csv_name=csv_name)


def headline_scores(answers: pd.DataFrame) -> list:
    """:func:`crmlib.feedback.nps`, ``csat`` and ``ces`` of the answers, for the score columns present."""
    from crmlib import feedback as fb

    return [getattr(fb, m)(answers[m]) for m in METRICS if m in answers.columns]


def has_comments(answers: pd.DataFrame, minimum: int = MIN_COMMENTS) -> bool:
    """Whether the answers hold at least ``minimum`` comments: enough for driver terms and themes.

    >>> has_comments(pd.DataFrame({"comment": ["late", None, "good"]}), minimum=2)
    True
    >>> has_comments(pd.DataFrame({"nps": [9]}))
    False
    """
    return "comment" in answers.columns and bool(answers["comment"].notna().sum() >= minimum)


def with_channel_csat(by_channel: pd.DataFrame, answers: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """NPS by channel (:func:`crmlib.feedback.nps_by`) with each channel's CSAT in ``csat`` when the answers
    have a CSAT column; else as given."""
    from crmlib import feedback as fb

    if "csat" not in answers.columns:
        return by_channel
    csat_channel = fb.csat_by(answers, by="channel", min_n=min_n)
    return by_channel.merge(csat_channel[["channel", "score"]].rename(columns={"score": "csat"}), on="channel")


def value_of_answers(transactions, answers: pd.DataFrame, **table_options) -> tuple:
    """The per-customer table of the transactions (:func:`crmlib.customers.customer_table` with
    ``table_options``), the answers joined to it, and the value held by each NPS group (None when no
    lifetime value could be computed); three None without transactions."""
    from crmlib import feedback as fb
    from crmlib.shared_table import customer_table  # built once per batch of reports

    if transactions is None:
        return None, None, None
    value = customer_table(transactions, **table_options)
    joined = fb.join_value(answers, value)
    return value, joined, (fb.value_at_risk(joined) if "clv" in joined.columns else None)



def driver_table(terms: pd.DataFrame, k: int) -> pd.DataFrame:
    """The page's table of driver terms: the ``k`` strongest of each side (:func:`crmlib.feedback.top_drivers`),
    those leaning no further than chance (|z| at most :data:`crmlib.feedback.text.SIGNIFICANT_Z`) on side
    "chance", said as separating neither group (a term of z 0.00 was listed as the detractors')."""
    from crmlib import feedback as fb
    from crmlib.feedback.text import SIGNIFICANT_Z

    top = fb.top_drivers(terms, k)[["term", "language", "side", "z", "count_a", "count_b"]]
    return top.assign(side=top["side"].where(top["z"].abs() > SIGNIFICANT_Z, "chance"))

@dataclass
class FeedbackPage:
    """One run of the feedback report: its inputs, the answers (with cities), their scores and trends, the
    per-customer table when transactions were given, and the page's words and formats. Made by
    :func:`build`; each method is one section of the page."""

    data: Any  # crmlib.reports.inputs.Inputs
    answers: pd.DataFrame
    headline: list
    nps_trend: pd.DataFrame
    csat_trend: pd.DataFrame | None
    value: pd.DataFrame | None
    joined: pd.DataFrame | None
    at_risk: pd.DataFrame | None
    out: Path
    words: Any
    fmt: Any
    min_responses: int = 30
    lexicon: Any = None
    annual_discount: float = 0.10

    # ------------------------------------------------------------------ shared helpers
    @property
    def show(self):
        from crmlib.reports.tables import show

        return functools.partial(show, fmt=self.fmt)  # every table in the page's language and digits

    @property
    def signed(self):
        """Scores with their sign, in whole points as the sentences write them (+7, in the page's digits; the
        tables said +6.5 under a summary saying +7)."""
        from crmlib.words import feedback_trend as ft

        return functools.partial(ft.signed, self.fmt, decimals=0)

    @property
    def _score_kinds(self) -> dict:
        return {"score": self.signed, "lower": self.signed, "upper": self.signed}

    def _on_page(self, frame: pd.DataFrame) -> pd.DataFrame:
        from crmlib.words import feedback as fw

        return fw.on_page(frame, w=self.words, fmt=self.fmt)

    def _by_group(self, table: pd.DataFrame, group: str):
        from crmlib.plots import feedback as pf

        return pf.by_group(table, group=group, words=self.words, fmt=self.fmt).figure

    @property
    def has_comments(self) -> bool:
        return has_comments(self.answers)

    @functools.cached_property
    def lexicon_table(self):
        """The topic lexicon (:func:`crmlib.feedback.load_lexicon`): the shipped one unless given."""
        from crmlib import feedback as fb

        return fb.load_lexicon(self.lexicon)

    # ------------------------------------------------------------------ sections
    def opening(self) -> list:
        from crmlib.words import feedback as fw

        return [fw.opening(self.answers, w=self.words, fmt=self.fmt)]

    def summary(self) -> list:
        from crmlib import findings

        return [findings.as_markdown(findings.feedback(self.headline, self.nps_trend, self.csat_trend, self.at_risk,
                                                       w=self.words, fmt=self.fmt))]

    def data_quality(self) -> list:
        from crmlib.words import quality

        return [page_parts.ledger_item(quality.ledger_frame(*self.data.frames), self.show, self.words, self.fmt,
                                       csv=self.out, csv_name="data-quality.csv")]

    def scores(self) -> list:
        from crmlib.words import feedback as fw

        scores, names = fw.scores_table(self.headline, w=self.words, fmt=self.fmt)
        return [self.show(scores, names=names, kinds=dict.fromkeys(("score", "lower", "upper"), str))]

    def nps_over_time(self) -> list:
        """Whether periods were pooled (a sentence, else nothing), the trend and the table of the latest periods,
        oldest first as the figure draws them."""
        from crmlib.plots import feedback as pf
        from crmlib.words import feedback_trend as ft
        from crmlib.words import overview as ow

        w, fmt, trend = self.words, self.fmt, self.nps_trend
        return [ft.pooling_sentence(trend, w=w, fmt=fmt), pf.trend(trend, words=w, fmt=fmt).figure,
                period_table(trend, self.show, w, fmt, csv=self.out, csv_name="nps-by-period.csv",
                             names={"score": "NPS", "coverage": w(ow.COVERAGE)}, kinds=self._score_kinds)]

    def csat_over_time(self) -> list:
        from crmlib.plots import feedback as pf
        from crmlib.words import feedback as fw

        if self.csat_trend is None:
            return [self.words(fw.NO_CSAT)]
        return [pf.trend(self.csat_trend, words=self.words, fmt=self.fmt).figure]

    def by_channel(self) -> list:
        """NPS by channel (a figure), then a table with each channel's CSAT beside it when there is one, written as
        the headline table writes CSAT (73.4%) under the CSAT figure's axis label (it read 74.49 under "CSAT (%)")."""
        from crmlib import feedback as fb
        from crmlib.words import feedback as fw

        w, fmt = self.words, self.fmt
        if "channel" not in self.answers.columns:
            return [w(fw.NO_CHANNEL)]
        by_channel = fb.nps_by(self.answers, by="channel", min_n=self.min_responses)
        table = with_channel_csat(by_channel, self.answers, self.min_responses)
        return [self._by_group(by_channel, "channel"),
                self.show(table.drop(columns="metric"),
                          names={"score": "NPS", "csat": w(fw.AXIS_CSAT)},  # as the CSAT figure's axis
                          kinds={**self._score_kinds, "csat": lambda v: fw.csat_text(v, fmt)})]

    def by_city(self) -> list:
        """NPS by city (a figure), said first when some survey customers are not in the customers file, and in its
        stead when none is (:func:`crmlib.words.feedback.join_none`): ids matched by :func:`crmlib.ids.join_rate`."""
        from crmlib import feedback as fb
        from crmlib.ids import join_rate
        from crmlib.overview import BLANK, NOT_IN_FILE
        from crmlib.words import feedback as fw

        w, fmt, customers = self.words, self.fmt, self.data.customers
        if "city" not in self.answers.columns:  # no customers file, or one without cities
            return [w(fw.LEFT_OUT_CITY, file="customers", flag="--customers") if customers is None else w(fw.NO_CITY)]
        rate = join_rate(self.answers["customer_id"], customers["customer_id"])
        if not rate.matched:
            held = int(customers["customer_id"].dropna().nunique())
            return [fw.join_none(fw.CITY_JOIN_NONE, rate, len(self.answers), held, w=w, fmt=fmt)]
        # a city not known is "(not in the customers file)" or "(blank)", as the overview's attribute tables say
        grouped = with_city(self.answers.drop(columns="city"), customers, not_found=NOT_IN_FILE, blank=BLANK)
        figure = self._by_group(fb.nps_by(grouped, by="city", min_n=self.min_responses), "city")
        return [item for item in (fw.city_join_sentence(rate, w=w, fmt=fmt), figure) if item is not None]

    def _value_sentence(self) -> str:
        """How lifetime value was made, or why it is left out, pointing to the lifetime-value report's model table
        (this page has none: it said "the table says why")."""
        from crmlib import findings
        from crmlib.words import clv as clv_words

        if "clv" in self.value.columns:
            return findings.value_sentence(self.value, self.annual_discount, w=self.words, fmt=self.fmt)
        return clv_words.model_and_value_sentence(self.value, w=self.words, fmt=self.fmt, model_table=False)

    def best_customers(self) -> list:
        """How many survey customers were found among the transactions, NPS by segment, the value sentence,
        and with a lifetime value NPS by value decile and the value each NPS group holds; when none was found, that
        alone (a figure of one group "–" said "too few answers to compare" of thousands)."""
        from crmlib import feedback as fb
        from crmlib.ids import join_rate
        from crmlib.plots import feedback as pf
        from crmlib.words import feedback as fw

        w, fmt, joined, n = self.words, self.fmt, self.joined, self.min_responses
        if self.value is None:
            return [w(fw.LEFT_OUT_VALUE, file="transactions", flag="--transactions")]
        rate = join_rate(self.answers["customer_id"], self.value.index)
        if not rate.matched:
            return [fw.join_none(fw.JOIN_NONE, rate, len(self.answers), len(self.value), w=w, fmt=fmt)]
        items = [fw.join_sentence(rate, w=w, fmt=fmt),
                 self._by_group(fb.nps_by(joined, by="segment", min_n=n), "segment"), self._value_sentence()]
        if self.at_risk is None:
            return items
        return [*items, self._by_group(fb.nps_by(joined, by="clv_decile", min_n=n), "clv_decile"),
                pf.value_by_nps_group(self.at_risk, words=w, fmt=fmt).figure, self.show(self._on_page(self.at_risk))]

    def drivers(self) -> list:
        from crmlib import feedback as fb
        from crmlib.plots import feedback as pf
        from crmlib.words import feedback as fw

        if not self.has_comments:
            return [self.words(fw.FEW_COMMENTS)]
        terms = fb.drivers(self.answers["comment"], fb.nps_category(self.answers["nps"]))
        top = driver_table(terms, TOP_TERMS)
        return [pf.drivers(terms, k=TOP_TERMS, words=self.words, fmt=self.fmt).figure, self.show(self._on_page(top))]

    def themes(self) -> list:
        from crmlib import feedback as fb
        from crmlib.plots import feedback as pf
        from crmlib.words import feedback as fw

        if not self.has_comments:
            return []
        by_theme = fb.theme_scores(self.answers, lexicon=self.lexicon_table, min_n=self.min_responses)
        columns = ["theme", "comments", "share", "languages", "n", "score", "lower", "upper", "promoters",
                   "detractors", "leans"]
        return [pf.theme_nps(by_theme, words=self.words, fmt=self.fmt).figure,
                self.show(self._on_page(by_theme)[columns], csv=self.out, csv_name="nps-by-theme.csv",
                          names=fw.theme_names(self.words),
                          kinds={**self._score_kinds, "share": "share", "promoters": "share", "detractors": "share"})]

    @property
    def _answer_names(self) -> dict:
        """The comment tables' NPS and CSAT: the answers (3 of 0-10), never the scores above them (+32 sat over 3)."""
        from crmlib.words import feedback as fw

        return {"nps": self.words(fw.COLUMN_NPS_ANSWER), "csat": self.words(fw.COLUMN_CSAT_ANSWER)}

    def theme_comments(self) -> list:
        """The latest complaints and praise per theme, then the words most used in comments of no topic, or why
        there are none (it showed the list's heading over an empty table)."""
        from crmlib import feedback as fb
        from crmlib.words import feedback as fw

        if not self.has_comments:
            return []
        w, lex = self.words, self.lexicon_table
        items = [self.show(self._on_page(fb.theme_comments(self.answers, 2, lexicon=lex)), max_rows=None,
                           names=self._answer_names)]
        terms = fb.other_terms(self.answers, TOP_TERMS, lexicon=lex)
        if len(terms):
            return [*items, w(fw.OTHER_TERMS), self.show(self._on_page(terms))]
        others = int(fb.topic_table(self.answers, lexicon=lex)["other"].sum())
        return [*items, w.plural(fw.OTHER_TERMS_COMMON, others, n=self.fmt.count(others)) if others
                else w(fw.NO_OTHER_TERMS)]

    def comment_sample(self) -> list:
        from crmlib import feedback as fb

        if not self.has_comments:
            return []
        return [self.show(self._on_page(fb.comments_table(self.answers, n=5)), max_rows=None,
                          names=self._answer_names)]


def build(*, feedback=None, customers=None, transactions=None, period: str = "M", min_responses: int = 30,
          lexicon=None, observation_end=None, freq: str = "W", model: str = "auto", horizon_days: int = 365,
          annual_discount: float = 0.10, currency: str | None = None, lang: str = "en", digits: str = "latin",
          output_dir=None) -> FeedbackPage:
    """Load the inputs, score the answers and their trends, join them to the per-customer table when
    transactions are given, and record the run (the notebook's parameters)."""
    from crmlib import feedback as fb
    from crmlib import overview
    from crmlib.errors import require_columns, show_names
    from crmlib.formats import Formats
    from crmlib.ledger import ledger_of
    from crmlib.plots.style import use_page_fonts
    from crmlib.reports.inputs import load_inputs
    from crmlib.reports.record import record
    from crmlib.words import Words

    fmt = Formats(lang, currency=currency, digits=digits)  # every number on the page
    use_page_fonts()  # figures draw Devanagari and Bengali with real fonts
    words = Words(lang, digits=digits)  # every sentence, label and title on the page
    data = load_inputs("feedback", feedback=feedback, customers=customers, transactions=transactions,
                       observation_end=observation_end, out_of_core=True)  # large transactions stay on disk
    answers = with_city(data.feedback, data.customers)
    ledger = ledger_of(data.feedback)
    unused = ledger.unused_columns if ledger is not None else []
    require_columns(data.feedback, ["nps"], Path(data.files.get("feedback", "feedback")).name, "feedback",
                    (f"Not used from the file: {show_names(unused)}. " if unused else "")
                    + "The feedback report is built on NPS: name the column of answers 0-10 to 'how likely are you "
                    "to recommend us' 'nps' (or 'How likely to recommend') and run it again.")
    record(data_period=(answers["date"].min(), answers["date"].max()))
    end = overview.data_end(answers)  # the last answer's day: observation_end cuts the transactions only
    start = overview.data_start(answers)  # the first answer's day: a survey started on the 3rd
    nps_trend = with_coverage(fb.pooled_by(answers, "nps", period, min_n=min_responses), end, start)
    csat_trend = (with_coverage(fb.pooled_by(answers, "csat", period, min_n=min_responses), end, start)
                  if "csat" in answers.columns else None)
    value, joined, at_risk = value_of_answers(data.transactions, answers, observation_end=observation_end, freq=freq,
                                              model=model, horizon_days=horizon_days, annual_discount=annual_discount)
    if value is not None:
        record(segment_counts=value["segment"].astype(str).value_counts().to_dict(), model=value.attrs["model"])
    return FeedbackPage(data=data, answers=answers, headline=headline_scores(answers), nps_trend=nps_trend,
                        csat_trend=csat_trend, value=value, joined=joined, at_risk=at_risk,
                        out=output_folder(output_dir), words=words, fmt=fmt, min_responses=min_responses,
                        lexicon=lexicon, annual_discount=annual_discount)


__all__ = ["MAX_PERIODS", "METRICS", "MIN_COMMENTS", "FeedbackPage", "build", "coverage_column", "has_comments",
           "headline_scores", "output_folder", "period_table", "show_items", "value_of_answers", "with_channel_csat",
           "with_city", "with_coverage"]
