"""The feedback report, section by section: what each cell of ``crmlib/notebooks/feedback.ipynb`` shows.

The notebook holds the parameters, the prose and one call per section; the decisions live here, where
tests reach them: the output folder, which scores the file holds (NPS always, CSAT and CES when their
columns are there), whether a channel, a city (from a customers file) and transactions (segments and
lifetime value) are given and what the page says when they are not, whether there are enough comments
for driver terms and themes, and which period the answers end inside of (:func:`with_coverage`: drawn partial,
left out of the trends and the comparison). Each section returns the items it shows, in order, as
:mod:`crmlib.reports.segments_page` does: a ``str`` is Markdown, a matplotlib ``Figure`` is drawn where it
stands, anything else (a table of :func:`show`) is displayed; :func:`show_items` shows them in a notebook.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.reports import page_parts
from crmlib.reports.page_parts import show_items

#: The scores a feedback file may hold, in the order the page shows them.
METRICS = ("nps", "csat", "ces")
#: Comments needed before driver terms and themes are shown.
MIN_COMMENTS = 20
#: Terms shown in the driver chart and table, and in the list of words of no topic.
TOP_TERMS = 12


#: Where the page's tables and files go: ``output_dir``, else ``reports/feedback`` of the working folder.
output_folder = functools.partial(page_parts.output_folder, "feedback")


def with_city(answers: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """The answers with each customer's ``city`` from the customers file, when it has one; else as given.

    >>> answers = pd.DataFrame({"customer_id": ["a", "b"], "nps": [9, 3]})
    >>> with_city(answers, pd.DataFrame({"customer_id": ["a"], "city": ["Pune"]}))["city"].tolist()
    ['Pune', nan]
    >>> list(with_city(answers, None).columns)
    ['customer_id', 'nps']
    """
    if customers is None or "city" not in customers.columns:
        return answers
    return answers.merge(customers[["customer_id", "city"]], on="customer_id", how="left")


def with_coverage(table: pd.DataFrame, end) -> pd.DataFrame:
    """A table of scores by period (:func:`crmlib.feedback.pooled_by`) with :func:`crmlib.overview.period_coverage`'s
    ``complete`` and ``covered_to`` against ``end``, the last day the answers cover (the last answer's day: the
    report's ``observation_end`` cuts the transactions, not the answers). A period the answers end inside of
    is drawn partial and left out of the trend and of the comparison of the last two periods
    (:mod:`crmlib.feedback.trend`). pandas has no half-year period: a half-year is complete when its second
    quarter is.

    >>> t = pd.DataFrame({"period": pd.to_datetime(["2024-05-01", "2024-06-01"]), "n": [400, 45]})
    >>> t.attrs["period"] = "M"
    >>> with_coverage(t, pd.Timestamp("2024-06-03"))["complete"].tolist()
    [True, False]
    """
    from crmlib import overview

    period = table.attrs.get("period") or "M"
    starts = pd.DatetimeIndex(table["period"])
    if period == "H":
        coverage = overview.period_coverage(starts + pd.DateOffset(months=3), "Q", end)
    else:
        coverage = overview.period_coverage(starts, period, end)
    out = table.assign(complete=coverage["complete"].to_numpy(), covered_to=coverage["covered_to"].to_numpy())
    out.attrs = dict(table.attrs)
    return out


def coverage_column(table: pd.DataFrame, w, fmt) -> pd.DataFrame:
    """A table of :func:`with_coverage` as the page shows it: ``complete`` and ``covered_to`` become one last
    column ``coverage`` in words ("whole month", or "partial: to 3 Jun 2024" as the overview's revenue table
    and the figures say it, under the overview's heading "Data cover"); a table without them as it is."""
    from crmlib.words import feedback as fw
    from crmlib.words import overview as ow

    if "complete" not in table.columns:
        return table
    whole = w(fw.WHOLE_PERIOD[table.attrs.get("period") or "M"])
    said = [whole if done else ow.partial_label(to, w, fmt) for done, to in zip(table["complete"], table["covered_to"])]
    return table.drop(columns=["complete", "covered_to"]).assign(coverage=said)


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
        from crmlib.words import feedback as fw

        return functools.partial(fw.signed, self.fmt, decimals=0)

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
        """Whether periods were pooled (a sentence, else nothing), the trend and the latest periods."""
        from crmlib.plots import feedback as pf
        from crmlib.words import feedback as fw
        from crmlib.words import overview as ow

        w, fmt, trend = self.words, self.fmt, self.nps_trend
        latest = coverage_column(trend.drop(columns="metric"), w, fmt).sort_values("period", ascending=False)
        # each period named as the sentences name it ("Jun 2025", "Q2 2025"), not its first day
        latest["period"] = [fw.period_label(p, trend.attrs.get("period"), w, fmt) for p in latest["period"]]
        return [fw.pooling_sentence(trend, w=w, fmt=fmt), pf.trend(trend, words=w, fmt=fmt).figure,
                self.show(latest, max_rows=12, csv=self.out, csv_name="nps-by-period.csv",
                          names={"score": "NPS", "coverage": w(ow.COVERAGE)}, kinds=self._score_kinds)]

    def csat_over_time(self) -> list:
        from crmlib.plots import feedback as pf
        from crmlib.words import feedback as fw

        if self.csat_trend is None:
            return [self.words(fw.NO_CSAT)]
        return [pf.trend(self.csat_trend, words=self.words, fmt=self.fmt).figure]

    def by_channel(self) -> list:
        """NPS by channel (a figure), then a table with each channel's CSAT beside it when there is one."""
        from crmlib import feedback as fb
        from crmlib.words import feedback as fw

        w = self.words
        if "channel" not in self.answers.columns:
            return [w(fw.NO_CHANNEL)]
        by_channel = fb.nps_by(self.answers, by="channel", min_n=self.min_responses)
        table = with_channel_csat(by_channel, self.answers, self.min_responses)
        return [self._by_group(by_channel, "channel"),
                self.show(table.drop(columns="metric"), names={"score": "NPS", "csat": w(fw.COLUMN_CSAT)},
                          kinds={**self._score_kinds, "csat": "number"})]

    def by_city(self) -> list:
        from crmlib import feedback as fb
        from crmlib.words import feedback as fw

        w = self.words
        if "city" in self.answers.columns:
            return [self._by_group(fb.nps_by(self.answers, by="city", min_n=self.min_responses), "city")]
        if self.data.customers is None:
            return [w(fw.LEFT_OUT_CITY, file="customers", flag="--customers")]
        return [w(fw.NO_CITY)]

    def best_customers(self) -> list:
        """How many survey customers were found among the transactions, NPS by segment, the value sentence,
        and with a lifetime value NPS by value decile and the value each NPS group holds."""
        from crmlib import feedback as fb
        from crmlib import findings
        from crmlib.ids import join_rate
        from crmlib.plots import feedback as pf
        from crmlib.words import feedback as fw

        w, fmt, joined, n = self.words, self.fmt, self.joined, self.min_responses
        if self.value is None:
            return [w(fw.LEFT_OUT_VALUE, file="transactions", flag="--transactions")]
        items = [fw.join_sentence(join_rate(self.answers["customer_id"], self.value.index), w=w, fmt=fmt),
                 self._by_group(fb.nps_by(joined, by="segment", min_n=n), "segment"),
                 findings.value_sentence(self.value, self.annual_discount, w=w, fmt=fmt)]
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

    def theme_comments(self) -> list:
        """The latest complaints and praise per theme, then the words most used in comments of no topic."""
        from crmlib import feedback as fb
        from crmlib.words import feedback as fw

        if not self.has_comments:
            return []
        lex = self.lexicon_table
        return [self.show(self._on_page(fb.theme_comments(self.answers, 2, lexicon=lex)), max_rows=None),
                self.words(fw.OTHER_TERMS),
                self.show(self._on_page(fb.other_terms(self.answers, TOP_TERMS, lexicon=lex)))]

    def comment_sample(self) -> list:
        from crmlib import feedback as fb

        if not self.has_comments:
            return []
        return [self.show(self._on_page(fb.comments_table(self.answers, n=5)), max_rows=None)]


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
    nps_trend = with_coverage(fb.pooled_by(answers, "nps", period, min_n=min_responses), end)
    csat_trend = (with_coverage(fb.pooled_by(answers, "csat", period, min_n=min_responses), end)
                  if "csat" in answers.columns else None)
    value, joined, at_risk = value_of_answers(data.transactions, answers, observation_end=observation_end, freq=freq,
                                              model=model, horizon_days=horizon_days, annual_discount=annual_discount)
    if value is not None:
        record(segment_counts=value["segment"].astype(str).value_counts().to_dict(), model=value.attrs["model"])
    return FeedbackPage(data=data, answers=answers, headline=headline_scores(answers), nps_trend=nps_trend,
                        csat_trend=csat_trend, value=value, joined=joined, at_risk=at_risk,
                        out=output_folder(output_dir), words=words, fmt=fmt, min_responses=min_responses,
                        lexicon=lexicon, annual_discount=annual_discount)


__all__ = ["METRICS", "MIN_COMMENTS", "FeedbackPage", "build", "coverage_column", "has_comments", "headline_scores",
           "output_folder", "show_items", "value_of_answers", "with_channel_csat", "with_city", "with_coverage"]
