"""The segments report, section by section: what each cell of ``crmlib/notebooks/segments.ipynb`` shows.

The notebook holds the parameters, the prose and one call per section; the decisions live here, where
tests reach them: the observation end and the date migration is compared with, the output folder,
which sections an optional input (customers, feedback) adds or leaves out, the migration table, and
whether clusters are shown. Each section returns the items it shows, in order: a ``str`` is Markdown,
a matplotlib ``Figure`` is drawn where it stands, anything else (a table of :func:`show`) is displayed.
:func:`show_items` shows them in a notebook.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.reports import page_parts
from crmlib.reports.page_parts import show_items

#: Days before the observation end that migration compares with, unless ``compare_to`` is given.
COMPARE_DAYS = 90


def observation_dates(last, observation_end=None, compare_to=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The last day of the analysis (``observation_end``, else the last transaction date) and the earlier
    date migration is compared with (``compare_to``, else :data:`COMPARE_DAYS` days before the end).

    >>> observation_dates(pd.Timestamp("2024-06-30"))
    (Timestamp('2024-06-30 00:00:00'), Timestamp('2024-04-01 00:00:00'))
    """
    end = pd.Timestamp(observation_end) if observation_end is not None else last
    before = pd.Timestamp(compare_to) if compare_to is not None else end - pd.Timedelta(days=COMPARE_DAYS)
    return end, before


#: Where the page's tables and files go: ``output_dir``, else ``reports/segments`` of the working folder.
output_folder = functools.partial(page_parts.output_folder, "segments")


def migration_moves(counts: pd.DataFrame) -> pd.DataFrame:
    """The moves of a migration table (:func:`crmlib.rfm.migration`'s counts): one row per pair of a
    segment before and a different segment after with at least one customer, largest first.

    >>> counts = pd.DataFrame([[5, 2], [0, 3]], index=pd.Index(["New", "Lost"], name="segment before"),
    ...                       columns=pd.Index(["New", "Lost"], name="segment after"))
    >>> migration_moves(counts).to_dict("records")
    [{'segment before': 'New', 'segment after': 'Lost', 'customers': 2}]
    """
    moves = counts.stack().rename("customers").reset_index()
    moves = moves[(moves["segment before"] != moves["segment after"]) & (moves["customers"] > 0)]
    return moves.sort_values("customers", ascending=False)


def present_segments(wanted, segments: pd.Series) -> list[str]:
    """The segments of ``wanted`` that hold customers, in the order asked (audiences of the others are not
    written).

    >>> present_segments(["Champions", "Lost"], pd.Series(["Lost", "New"]))
    ['Lost']
    """
    held = {str(s) for s in pd.unique(pd.Series(segments))}  # the distinct ones: 4.1M customers' as text took 5 s
    return [s for s in wanted if s in held]


@dataclass
class SegmentsPage:
    """One run of the segments report: its inputs, dates, scheme and per-customer table, and the page's
    words and formats. Made by :func:`build`; each method is one section of the page."""

    data: Any  # crmlib.reports.inputs.Inputs
    first: pd.Timestamp
    end: pd.Timestamp
    before_end: pd.Timestamp
    scheme_table: pd.DataFrame
    scored: pd.DataFrame
    out: Path
    words: Any
    fmt: Any
    currency: str | None
    bins: int
    annual_discount: float
    audience_segments: list = field(default_factory=list)
    country: str | None = None  # country of phones written without a country code; None: by the currency

    # ------------------------------------------------------------------ shared tables
    @property
    def tx(self):
        return self.data.transactions

    @property
    def clv(self):
        return self.scored["clv"] if "clv" in self.scored.columns else None

    @property
    def show(self):
        from crmlib.reports.tables import show

        return functools.partial(show, fmt=self.fmt)  # every table in the page's language and digits

    @functools.cached_property
    def profile(self) -> pd.DataFrame:
        """:func:`crmlib.rfm.profile` of the customers, with NPS by segment when feedback was given."""
        from crmlib import feedback, rfm

        fb = self.data.feedback
        nps = (None if fb is None or "nps" not in fb.columns  # a survey without NPS: no NPS column
               else feedback.nps_by(feedback.join_value(fb, self.scored), by="segment"))
        return rfm.profile(self.scored, clv=self.clv, nps=nps)

    # ------------------------------------------------------------------ sections
    def headline(self) -> list:
        from crmlib.summary import transaction_count
        from crmlib.words import segments as sw

        w, fmt = self.words, self.fmt
        return [w.plural(sw.HEADLINE, len(self.scored), customers=fmt.count(len(self.scored)),
                         transactions=fmt.count(transaction_count(self.tx)),
                         period=fmt.date_range(self.first, self.end), date=fmt.date(self.before_end))]

    def summary(self) -> list:
        from crmlib import findings
        from crmlib.ids import join_rate
        from crmlib.words import feedback as feedback_words

        w, fmt, fb = self.words, self.fmt, self.data.feedback
        items = [findings.as_markdown(findings.segments(self.profile, self.scored, w=w, fmt=fmt))]
        if fb is not None:
            items.append(feedback_words.join_sentence(join_rate(fb["customer_id"], self.scored.index), w=w, fmt=fmt))
        return items

    def data_quality(self) -> list:
        from crmlib.words import quality

        return [page_parts.ledger_item(quality.ledger_frame(*self.data.frames), self.show, self.words, self.fmt)]

    def scores(self) -> list:
        from crmlib import rfm
        from crmlib.words import segments as sw

        return [self.show(sw.score_table(rfm.thresholds_of(self.scored), self.words, self.fmt))]

    def grid(self) -> list:
        import matplotlib.pyplot as plt

        from crmlib import plots

        fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
        plots.rfm.rf_heatmap(self.scored, value="customers", ax=axes[0], words=self.words, fmt=self.fmt)
        plots.rfm.rf_heatmap(self.scored, value="mean_spend", ax=axes[1], words=self.words, fmt=self.fmt)
        fig.tight_layout()
        return [fig]

    def size_and_revenue(self) -> list:
        from crmlib import findings, plots
        from crmlib.words import segments as sw

        ax = plots.rfm.segment_size_revenue(self.profile, words=self.words, fmt=self.fmt)
        # which model values the customers, said where its first number (mean lifetime value) is shown
        items = [ax.figure, findings.model_and_value_sentence(self.scored, self.annual_discount, w=self.words,
                                                              fmt=self.fmt, model_table=False)]
        if self.data.feedback is None:
            items.append(self.data.left_out("feedback", sw.LEFT_OUT_NPS, self.words))
        elif "nps" not in self.data.feedback.columns:
            items.append(self.words(sw.NO_NPS_COLUMN))
        kinds = {"mean_days_since_last_purchase": "{:,.0f}", "mean_time_since_last": "{:,.0f}",
                 "mean_repeat_purchases": "{:.2f}", "nps": "{:+.0f}"}
        items.append(self.show(sw.on_page(self.profile, self.words), currency=self.currency, kinds=kinds))
        return items

    def segments_in_words(self) -> list:
        from crmlib.words import segments as sw

        w, fmt = self.words, self.fmt
        items = [sw.scheme_note(self.scheme_table, w, fmt)]
        note = sw.cohort_note(self.tx, self.scored["segment"], w, fmt)
        if note:
            items.append(w(sw.NOTE, note=note))
        table = sw.on_page(sw.segment_table(self.scored, self.profile, self.scheme_table, w, fmt), w)
        items.append(self.show(table, currency=self.currency, csv=self.out, csv_name="segments.csv",
                               kinds={"median_days_since_last_purchase": "{:,.0f}",
                                      "median_repeat_purchases": "{:,.1f}", "median_spend": "money"}))
        return items

    def migration(self) -> list:
        from crmlib import plots, rfm
        from crmlib.shared_summary import spend_summary  # in a batch, made once with retention's test cut-off
        from crmlib.words import segments as sw

        earlier = rfm.score(spend_summary(self.tx, self.before_end),
                            thresholds=rfm.thresholds_of(self.scored))
        counts, shares = rfm.migration(rfm.segment(earlier, scheme=self.scheme_table, bins=self.bins),
                                       self.scored["segment"])
        ax = plots.rfm.migration_heatmap(shares, counts=counts, words=self.words, fmt=self.fmt)
        moves = sw.on_page(migration_moves(counts), self.words, ["segment before", "segment after"])
        return [ax.figure, self.show(moves, max_rows=8, csv=self.out, csv_name="segment-moves.csv")]

    def clusters(self) -> list:
        from crmlib import plots, rfm
        from crmlib.words import segments as sw
        from crmlib.words.reasons import reason_text

        w = self.words
        clusters, why = rfm.cluster_or_reason(self.scored)
        if clusters is None:
            return [w(sw.CLUSTERS_LEFT_OUT, reason=reason_text(why, w=w, fmt=self.fmt))]
        ax = plots.rfm.silhouette_by_k(clusters, words=w, fmt=self.fmt)
        # The notebook also built a segment x cluster crosstab as the last line of an ``else:`` block, which
        # Jupyter does not display: the page never showed it, and stays as it was.
        return [ax.figure, self.show(sw.clusters_table(clusters, w), currency=self.currency,
                                     kinds={"days_since_last_purchase": "{:,.0f}"})]  # whole days

    def playbook(self) -> list:
        from crmlib import rfm
        from crmlib.words import segments as sw

        book = sw.value_playbook(rfm.value_playbook(self.scored), self.words)
        return [self.show(book, currency=self.currency, kinds={"median_p_alive": "{:.0%}"})]

    def marketing_files(self) -> list:
        from crmlib import audiences
        from crmlib.summary import last_purchase
        from crmlib.words import segments as sw

        w, cust = self.words, self.data.customers
        present = present_segments(self.audience_segments, self.scored["segment"])
        region = audiences.phone_region(self.currency, self.country)
        files = audiences.export_audiences(cust, self.scored["segment"], self.out, segment_names=present,
                                           observation_end=self.end, default_region=region)
        items = [] if cust is not None else [self.data.left_out("customers", sw.LEFT_OUT_AUDIENCES, w)]
        unreadable = audiences.unreadable_phones(cust, region)
        if unreadable:
            items.append(w.plural(sw.UNREADABLE_PHONES, unreadable, phones=self.fmt.count(unreadable),
                                  country=self.fmt.country(region)))
        user_data = audiences.user_data_import(self.scored, self.out / "user_data_import.csv", customers=cust,
                                               last_purchase=last_purchase(self.tx), clv=self.clv)
        kinds = {k: w(v) for k, v in sw.AUDIENCE_KINDS.items()}
        items.append(self.show(sw.on_page(files.replace({"kind": kinds}), w), names={"kind": w(sw.AUDIENCE_OF)}))
        items.append(self.show(sw.on_page(user_data, w), currency=self.currency, max_rows=5,  # the file keeps keys
                               kinds={"last_purchase_date": lambda d: self.fmt.in_digits(str(d))}))
        return items


def build(*, transactions=None, customers=None, feedback=None, dataset=None, observation_end=None,
          compare_to=None, scheme=None, bins: int = 5, freq: str = "W", model: str = "auto",
          horizon_days: int = 365, annual_discount: float = 0.10, currency: str | None = None,
          lang: str = "en", digits: str = "latin", audience_segments=(), country=None,
          output_dir=None) -> SegmentsPage:
    """Load the inputs, score and name the customers, and record the run (the notebook's parameters)."""
    from crmlib import rfm
    from crmlib.audiences import phone_region as _region
    from crmlib.formats import Formats
    from crmlib.plots.style import use_page_fonts
    from crmlib.reports import record
    from crmlib.reports.inputs import load_inputs
    from crmlib.shared_table import customer_table  # built once per batch of reports
    from crmlib.summary import date_range
    from crmlib.words import Words

    _region(currency, country)  # a wrong country is refused before any work
    fmt = Formats(lang, currency=currency, digits=digits)  # every number on the page
    use_page_fonts()  # figures draw Devanagari and Bengali with real fonts
    words = Words(lang, digits=digits)  # every sentence, label and title on the page
    data = load_inputs("segments", transactions=transactions, customers=customers, feedback=feedback,
                       dataset=dataset, observation_end=observation_end, out_of_core=True)
    first, last = date_range(data.transactions)
    end, before_end = observation_dates(last, observation_end, compare_to)
    scheme_table = rfm.scheme_for(scheme, bins)
    scored = customer_table(data.transactions, observation_end=end, freq=freq, bins=bins, scheme=scheme_table,
                            model=model, horizon_days=horizon_days, annual_discount=annual_discount)
    record(data_period=(first, end), segment_counts=scored["segment"].astype(str).value_counts().to_dict(),
           model=scored.attrs["model"])
    return SegmentsPage(data=data, first=first, end=end, before_end=before_end, scheme_table=scheme_table,
                        scored=scored, out=output_folder(output_dir), words=words, fmt=fmt, currency=currency,
                        bins=bins, annual_discount=annual_discount, audience_segments=list(audience_segments),
                        country=country)


__all__ = ["COMPARE_DAYS", "SegmentsPage", "build", "migration_moves", "observation_dates", "output_folder",
           "present_segments", "show_items"]
