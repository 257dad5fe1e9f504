"""The retention report, section by section: what each cell of ``crmlib/notebooks/retention.ipynb`` shows.

The notebook holds the parameters, the prose and one call per section; the decisions live here, where
tests reach them: the observation end and the output folder, whether one cohort is projected by the sBG
model (contractual data) or every cohort is followed under the lifetime-value model, the inactivity
threshold shared by the churn-risk section and the churn-model comparison, which sections are left out
and the sentence that says why (no repeat buyer, no fitted model, no feedback, no category column), and
the files written beside the page (``cohorts.csv``, ``winback.csv``). Each section returns the items it
shows, in order, as :mod:`crmlib.reports.segments_page` does: a ``str`` is Markdown, a matplotlib
``Figure`` is drawn where it stands, anything else (a table of :func:`show`) is displayed;
:func:`show_items` shows them in a notebook.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.reports import page_parts
from crmlib.reports.page_parts import show_items
from crmlib.reports.segments_page import observation_dates

#: Cell formats of a parameter table (the sBG model's).
PARAMETER_KINDS = {"estimate": "{:.4g}", "lower": "{:.4g}", "upper": "{:.4g}"}
#: Rows of the win-back list the page shows (the file holds ``winback_n``).
WINBACK_SHOWN = 20
#: Rows of each cross-sell rule table the page shows.
RULES_SHOWN = 10


#: Where the page's tables and files go: ``output_dir``, else ``reports/retention`` of the working folder.
output_folder = functools.partial(page_parts.output_folder, "retention")


def first_line(err: Exception, prefix: str = "") -> str:
    """The first line of an error's message, without ``prefix``: what a left-out section says.

    >>> first_line(ValueError("inactivity_days: nobody bought twice.\\nDetails follow."), "inactivity_days: ")
    'nobody bought twice.'
    """
    return str(err).splitlines()[0].removeprefix(prefix)


def link(path: Path) -> str:
    """A Markdown link to a file written beside the page, relative to the working folder (the page's)."""
    return f"[{path.name}]({os.path.relpath(path)})"


def cohort_file_frame(customers: pd.DataFrame, shares: pd.DataFrame, coverage: pd.DataFrame | None = None
                      ) -> pd.DataFrame:
    """The table of ``cohorts.csv``: each cohort's customers buying in each period, then their shares,
    stacked under a first index level ``value`` ("customers", "share"). With ``coverage``
    (:func:`crmlib.retention.cohort_coverage`), two first columns give the days each cohort's acquisition covers,
    ``acquired_from`` and ``acquired_to``: a first cohort the data start inside of was acquired from the data's
    first day, not over a whole period (its size, the customers of column 0, is not a period's acquisition).

    >>> counts = pd.DataFrame({0: [4, 2], 1: [1, pd.NA]}, index=pd.Index(["2024-01", "2024-02"], name="cohort"))
    >>> cohort_file_frame(counts, counts / 4).index.get_level_values("value").tolist()
    ['customers', 'customers', 'share', 'share']
    """
    out = pd.concat({"customers": customers.astype("Float64"), "share": shares}, names=["value"])
    if coverage is not None:
        cohorts = out.index.get_level_values("cohort")
        for column, days in (("acquired_to", "covered_to"), ("acquired_from", "covered_from")):
            out.insert(0, column, [d.date().isoformat() for d in coverage[days].reindex(cohorts)])
    return out


def rule_kinds(fmt) -> dict:
    """Cell formats of the cross-sell rule tables: support to two decimals of a percent, confidence as a
    whole percent, lift to two decimals."""
    return {"support": lambda x: fmt.share(x, 2), "confidence": lambda x: fmt.share(x, 0),
            "lift": lambda x: fmt.number(x, 2)}


def with_reasons(winback: pd.DataFrame, reasons) -> pd.DataFrame:
    """The win-back list with each customer's ``reason`` right after their ``action`` (a copy).

    >>> with_reasons(pd.DataFrame({"action": ["Win back"], "offer": ["books"]}), ["no purchase"]).columns.tolist()
    ['action', 'reason', 'offer']
    """
    out = winback.copy()
    out.insert(out.columns.get_loc("action") + 1, "reason", reasons)
    return out


@dataclass
class RetentionPage:
    """One run of the retention report: its inputs, dates, per-customer table, cohort table and options, and
    the page's words and formats. Made by :func:`build`; each method is one section of the page."""

    data: Any  # crmlib.reports.inputs.Inputs
    first: pd.Timestamp
    end: pd.Timestamp
    table: pd.DataFrame
    out: Path
    words: Any
    fmt: Any
    freq: str = "W"
    model: str = "auto"
    cohort_period: str = "M"
    contractual: bool = False
    cohort: Any = None
    fit_periods: int = 6
    churn_window_days: int = 90
    inactive_days: int | None = None
    alive_below: float = 0.5
    min_support: float = 0.01
    order_col: str | None = None
    winback_n: int = 200

    # ------------------------------------------------------------------ shared tables
    @property
    def tx(self):
        return self.data.transactions  # a DataFrame, or a TransactionLog of large files

    @property
    def show(self):
        from crmlib.reports.tables import show

        return functools.partial(show, fmt=self.fmt)  # every table in the page's language and digits

    @property
    def has_p_alive(self) -> bool:
        """Whether a lifetime-value model gave every customer a P(alive)."""
        return "p_alive" in self.table.columns

    @property
    def has_categories(self) -> bool:
        from crmlib import overview

        return overview.has_column(self.tx, "category")

    @functools.cached_property
    def cohorts(self) -> pd.DataFrame:
        from crmlib import retention

        return retention.cohort_table(self.tx, period=self.cohort_period, observation_end=self.end)

    @functools.cached_property
    def projection(self) -> tuple:
        """The sBG projection of one cohort and ``""``, or None and why it is left out; None and ``""`` unless
        the data are contractual."""
        from crmlib import retention
        from crmlib.exceptions import ConvergenceError, DataError
        from crmlib.words import retention as rw
        from crmlib.words.reasons import reason_text

        if not self.contractual:
            return None, ""
        try:
            return retention.project_retention(self.cohorts, cohort=self.cohort, fit_periods=self.fit_periods), ""
        except (DataError, ConvergenceError) as err:
            return None, self.words(rw.SBG_LEFT_OUT, error=reason_text(err, w=self.words, fmt=self.fmt))

    @functools.cached_property
    def survival(self) -> pd.DataFrame | None:
        """Every cohort's share still active under the lifetime-value model (non-contractual data with a
        P(alive)), else None."""
        from crmlib import retention

        if self.contractual or not self.has_p_alive:
            return None
        return retention.model_retention(self.table, self.cohorts)

    @functools.cached_property
    def gap(self) -> tuple:
        """The inactivity threshold in days of the whole page (the churn-model comparison uses the same) and
        ``""``, or None and why churn risk is left out (e.g. nobody bought twice: no gap to learn from)."""
        from crmlib import retention
        from crmlib.exceptions import DataError
        from crmlib.words import retention as rw
        from crmlib.words.reasons import reason_text

        if self.inactive_days is not None:
            return self.inactive_days, ""
        try:
            return retention.inactivity_days(self.tx, observation_end=self.end), ""
        except DataError as err:
            return None, self.words(rw.CHURN_RISK_LEFT_OUT,
                                    error=reason_text(err, w=self.words, fmt=self.fmt, prefix="inactivity_days: "))

    @functools.cached_property
    def risk(self) -> pd.DataFrame | None:
        """Each customer's P(alive) and inactivity flags, or None without a P(alive) or a threshold."""
        from crmlib import retention

        days = self.gap[0]
        if not self.has_p_alive or days is None:
            return None
        return retention.churn_risk(self.table, days, alive_below=self.alive_below)

    @functools.cached_property
    def comparison(self) -> tuple:
        """The supervised churn models against P(alive) and the inactivity rule and ``""``, or None and why."""
        from crmlib import churn
        from crmlib.exceptions import DataError
        from crmlib.words import retention as rw
        from crmlib.words.reasons import reason_text

        try:
            return churn.compare_churn_models(self.tx, feedback=self.data.feedback, window_days=self.churn_window_days,
                                              observation_end=self.end, freq=self.freq, model=self.model,
                                              inactive_days=self.gap[0]), ""
        except DataError as err:
            return None, self.words(rw.COMPARISON_LEFT_OUT, error=reason_text(err, w=self.words, fmt=self.fmt))

    @functools.cached_property
    def rules(self) -> pd.DataFrame | None:
        """Cross-sell rules between categories over baskets, None without a category column."""
        from crmlib import basket

        if not self.has_categories:
            return None
        return basket.rules(self.tx, min_support=self.min_support, order_col=self.order_col)

    @functools.cached_property
    def rules_by_customer(self) -> pd.DataFrame | None:
        """The same rules over customers ("customers who buy A also buy B"), None without a category column."""
        from crmlib import basket

        if not self.has_categories:
            return None
        return basket.rules(self.tx, min_support=self.min_support, order_col="customer_id")

    @functools.cached_property
    def offers(self) -> pd.DataFrame | None:
        """Each customer's next-best category, None without a category column."""
        from crmlib import basket

        return basket.next_best_category(self.tx, self.rules_by_customer) if self.has_categories else None

    def _left_out(self, note: str = "") -> str:
        """``note``, else "Left out." with why no model gave a P(alive)."""
        from crmlib import findings
        from crmlib.words import retention as rw

        return note or self.words(rw.LEFT_OUT, why=findings.model_sentence(self.table, w=self.words, fmt=self.fmt,
                                                                       model_table=False))

    # ------------------------------------------------------------------ sections
    def headline(self) -> list:
        from crmlib.words import retention as rw

        w, fmt = self.words, self.fmt
        return [w(rw.DATA_LINE, customers=fmt.count(len(self.table)), transactions=fmt.count(len(self.tx)),
                  period=fmt.date_range(self.first, self.end), unit=rw.period_one(w, self.cohort_period),
                  days=fmt.count(self.churn_window_days))]

    def notes(self) -> list[str]:
        """The sentences under the summary saying which sections are left out and why."""
        from crmlib import findings
        from crmlib.words import retention as rw

        w, gap_note = self.words, self.gap[1]
        notes = [n for n in (self.projection[1], self.comparison[1], gap_note) if n]
        if self.risk is None and not gap_note:
            notes.append(w(rw.P_ALIVE_RISK_LEFT_OUT, why=findings.model_sentence(self.table, w=w, fmt=self.fmt,
                                                                                           model_table=False)))
        if not self.has_categories:
            notes.append(w(rw.NO_CATEGORY))
        return notes

    def summary(self) -> list:
        from crmlib import findings, retention

        sentences = findings.retention(retention.first_period_trend(self.cohorts), self.projection[0], self.risk,
                                       self.comparison[0], self.rules, period=self.cohort_period,
                                       survival=self.survival, w=self.words, fmt=self.fmt)
        return [findings.as_markdown(sentences + self.notes())]

    def data_quality(self) -> list:
        from crmlib.words import quality

        return [page_parts.ledger_item(quality.ledger_frame(*self.data.frames), self.show, self.words, self.fmt)]

    def cohort_decay(self) -> list:
        """The cohort heatmap; every cohort's customers and shares, and the days of its acquisition, written to
        ``cohorts.csv`` and linked; under it, what the hatched cells are
        (:func:`crmlib.words.retention.cohort_file_sentence`)."""
        from crmlib import plots, retention
        from crmlib.safe import write_csv
        from crmlib.words import retention as rw

        w, fmt, cohorts = self.words, self.fmt, self.cohorts
        ax = plots.retention.cohort_heatmap(cohorts, words=w, fmt=fmt)
        path = self.out / "cohorts.csv"
        shares = retention.cohort_shares(cohorts)  # cohort_table(value="share") without a second pass
        coverage = retention.cohort_coverage(cohorts)  # the days of each cohort's acquisition
        write_csv(cohort_file_frame(cohorts, shares, coverage), path, index=True)
        return [ax.figure, rw.cohort_file_sentence(cohorts, coverage, link(path), w=w, fmt=fmt)]

    def still_customers(self) -> list:
        """Every cohort's share still active under the lifetime-value model, or one cohort's sBG projection
        (contractual data), or why neither is shown."""
        from crmlib import plots
        from crmlib.words import retention as rw
        from crmlib.words.clv import describe, parameter_table

        w, fmt = self.words, self.fmt
        if self.survival is not None:
            ax = plots.retention.model_retention(self.survival, words=w, fmt=fmt)
            return [ax.figure, " ".join(rw.survival_sentences(self.survival, w=w, fmt=fmt))]
        projection, note = self.projection
        if projection is None:
            return [self._left_out(note)]
        ax = plots.retention.retention_projection(projection, words=w, fmt=fmt)
        sbg = projection.attrs["model"]
        return [ax.figure, " ".join(describe(sbg, self.cohort_period, w=w, fmt=fmt)),
                self.show(parameter_table(sbg, self.cohort_period, w=w), kinds=PARAMETER_KINDS)]

    def churn_risk(self) -> list:
        from crmlib import plots, retention
        from crmlib.words import segments as segment_words

        if self.risk is None:
            return [self._left_out(self.gap[1])]
        ax = plots.retention.churn_risk_by_segment(self.risk, words=self.words, fmt=self.fmt)
        return [ax.figure, self.show(segment_words.on_page(retention.churn_by_segment(self.risk), self.words))]

    def churn_models(self) -> list:
        """The supervised churn models against P(alive) and the inactivity rule: the finding, the ROC and
        precision-recall curves, the metrics; or why the comparison is left out."""
        import matplotlib.pyplot as plt

        from crmlib import plots
        from crmlib.words import retention as rw

        w, fmt = self.words, self.fmt
        items = [] if self.data.feedback is not None else [
            self.data.left_out("feedback", rw.LEFT_OUT_FEEDBACK, w)]
        comparison, note = self.comparison
        if comparison is None:  # what the models would learn without is moot: there are none
            return [note]
        items.append(" ".join([rw.churn_finding(comparison, w=w, fmt=fmt), *rw.churn_notes(comparison, w=w, fmt=fmt)]))
        fig, axes = plt.subplots(1, 2, figsize=(14, 6))
        plots.retention.churn_curves(comparison, kind="roc", ax=axes[0], words=w, fmt=fmt)
        plots.retention.churn_curves(comparison, kind="pr", ax=axes[1], words=w, fmt=fmt)
        fig.tight_layout()
        metrics = comparison.metrics.rename(index=lambda s: rw.score_name(w, s)).rename_axis(w(rw.SCORE))
        return [*items, fig, self.show(metrics, kinds=dict.fromkeys(comparison.metrics.columns, "{:.3f}"))]

    def feature_importance(self) -> list:
        from crmlib import plots
        from crmlib.words import retention as rw

        comparison = self.comparison[0]
        if comparison is None:
            return [self.words(rw.NO_IMPORTANCE)]
        return [plots.retention.feature_importance(comparison, words=self.words, fmt=self.fmt).figure]

    def cross_selling(self) -> list:
        """Rules over baskets and over customers, and the offer most customers of each segment get."""
        from crmlib import basket
        from crmlib.exceptions import DataError
        from crmlib.words import retention as rw
        from crmlib.words import segments as segment_words

        w, fmt = self.words, self.fmt
        if not self.has_categories:
            return [w(rw.NO_CATEGORY_OFFERS)]
        kinds = rule_kinds(fmt)
        items = [rw.rule_sentence(self.rules, w=w, fmt=fmt)]  # a table only where there are rules: no empty headers
        if len(self.rules):
            items.append(self.show(self.rules, kinds=kinds, max_rows=RULES_SHOWN))
        if len(self.rules_by_customer):
            items += [w(rw.OVER_CUSTOMERS), self.show(
                self.rules_by_customer, kinds=kinds, max_rows=RULES_SHOWN,
                names={"antecedent": w(rw.CUSTOMERS_BUYING), "consequent": w(rw.ALSO_BUY),
                       "support": w(rw.SHARE_OF_CUSTOMERS_SUPPORT), "baskets": w(rw.CUSTOMERS)})]
        else:
            items.append(w(rw.NO_RULE_OVER_CUSTOMERS))
        try:
            by_segment = basket.next_best_by_segment(self.offers, self.table["segment"])
        except DataError:  # e.g. one or two customers: no rule between categories, no offer
            return [*items, w(rw.NO_OFFER)]
        items += [w(rw.OFFER_BY_SEGMENT),
                  self.show(segment_words.on_page(by_segment, w), names={
                      "category": w(rw.OFFER), "customers": w(rw.CUSTOMERS_GETTING_IT),
                      "share": w(rw.SHARE_OF_SEGMENT)})]
        missing = rw.no_offer_sentence(by_segment.attrs["no_offer"], w=w)  # segments that buy every category
        return [*items, missing] if missing else items

    def winback(self) -> list:
        """The win-back list with each customer's reason, written in full to ``winback.csv`` and linked; the
        first :data:`WINBACK_SHOWN` rows shown."""
        from crmlib import retention
        from crmlib.safe import write_csv
        from crmlib.words import retention as rw

        w, fmt = self.words, self.fmt
        if self.risk is None:
            return [self._left_out(self.gap[1])]
        listed = retention.winback_list(self.risk, self.table, n=self.winback_n, offers=self.offers)
        listed = with_reasons(listed, rw.winback_reasons(listed, listed.attrs["inactive_days"],
                                                         listed.attrs["alive_below"], w=w, fmt=fmt))
        path = self.out / "winback.csv"
        write_csv(listed, path, index=True)
        on_page = rw.winback_on_page(listed, w=w)
        items = [w.plural(rw.WINBACK_FILE, len(listed), n=fmt.count(len(listed)), link=link(path)),
                 self.show(on_page, max_rows=WINBACK_SHOWN, kinds={"p_alive": lambda x: fmt.share(x, 0)})]
        if "offer" in on_page.columns and on_page["offer"].head(WINBACK_SHOWN).eq(rw.NO_OFFER_MARK).any():
            items.append(w(rw.OFFER_DASH, offer=w(rw.OFFER)))  # why a shown row has no offer
        return items


def build(*, transactions=None, feedback=None, dataset=None, observation_end=None, freq: str = "W",
          model: str = "auto", horizon_days: int = 365, annual_discount: float = 0.10, currency: str | None = None,
          lang: str = "en", digits: str = "latin", cohort_period: str = "M", contractual: bool = False,
          cohort=None, fit_periods: int = 6, churn_window_days: int = 90, inactive_days: int | None = None,
          alive_below: float = 0.5, min_support: float = 0.01, order_col: str | None = None, winback_n: int = 200,
          output_dir=None) -> RetentionPage:
    """Load the inputs, build the per-customer table, make the output folder and record the run (the
    notebook's parameters)."""
    from crmlib import overview
    from crmlib.formats import Formats
    from crmlib.plots.style import use_page_fonts
    from crmlib.reports.inputs import load_inputs
    from crmlib.reports.record import record
    from crmlib.shared_table import customer_table  # built once per batch of reports
    from crmlib.words import Words

    fmt = Formats(lang, currency=currency, digits=digits)  # every number on the page
    use_page_fonts()  # figures draw Devanagari and Bengali with real fonts
    words = Words(lang, digits=digits)  # every sentence, label and title on the page
    data = load_inputs("retention", transactions=transactions, feedback=feedback, dataset=dataset,
                       observation_end=observation_end, out_of_core=True)
    first, last = overview.date_span(data.transactions)
    end, _ = observation_dates(last, observation_end)
    table = customer_table(data.transactions, observation_end=end, freq=freq, model=model,
                           horizon_days=horizon_days, annual_discount=annual_discount)
    record(data_period=(first, end), segment_counts=table["segment"].astype(str).value_counts().to_dict(),
           model=table.attrs["model"])
    out = output_folder(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    return RetentionPage(data=data, first=first, end=end, table=table, out=out, words=words, fmt=fmt, freq=freq,
                         model=model, cohort_period=cohort_period, contractual=contractual, cohort=cohort,
                         fit_periods=fit_periods, churn_window_days=churn_window_days, inactive_days=inactive_days,
                         alive_below=alive_below, min_support=min_support, order_col=order_col, winback_n=winback_n)


__all__ = ["PARAMETER_KINDS", "RetentionPage", "build", "cohort_file_frame", "first_line", "link", "output_folder",
           "rule_kinds", "show_items", "with_reasons"]
