"""The overview report, section by section: what each cell of ``crmlib/notebooks/overview.ipynb`` shows.

The notebook holds the parameters, the prose and one call per section; the decisions live here, where
tests reach them: the output folder, the notes the loaders left, whether the transactions hold an order
id, a category and a channel (else the page says the section is left out), whether a customers file was
given and which of its columns are attributes, and the CSV each table is written to. Each section returns
the items it shows, in order, as :mod:`crmlib.reports.segments_page` does: a ``str`` is Markdown, a
matplotlib ``Figure`` is drawn where it stands, anything else (a table of :func:`show`) is displayed;
:func:`show_items` shows them in a notebook.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.reports import page_parts
from crmlib.reports.page_parts import show_items

#: Where the page's tables and files go: ``output_dir``, else ``reports/overview`` of the working folder.
output_folder = functools.partial(page_parts.output_folder, "overview")


def loader_notes(frames, *, w=None, fmt=None) -> str | None:
    """The notes the loaders left on the ledgers of the frames (:func:`crmlib.ledger.ledgers`), each after its
    file, in the language of ``w``/``fmt`` (:func:`crmlib.words.quality.say_note`), as a Markdown list; None
    when there are none.

    >>> from crmlib.ledger import Ledger, attach, ledger_of
    >>> frame = attach(pd.DataFrame({"amount": [1.0]}), Ledger("transactions.csv", "transactions"))
    >>> ledger_of(frame).notes.append("Amounts were read with a decimal comma.")
    >>> loader_notes([frame, pd.DataFrame()])
    '- transactions.csv\\\\: Amounts were read with a decimal comma.'
    >>> loader_notes([pd.DataFrame()]) is None
    True
    """
    from crmlib.findings import as_markdown
    from crmlib.ledger import ledgers
    from crmlib.words.quality import say_note

    notes = [say_note(note, ledger.source, w=w, fmt=fmt) for ledger in ledgers(*frames) for note in ledger.notes]
    return as_markdown(notes) if notes else None  # header names are the file's: escaped, never read as HTML


def attribute_csv_name(column: str) -> str:
    """The file the table of one customer attribute is written to.

    >>> attribute_csv_name("loyalty_tier")
    'customers-by-loyalty-tier.csv'
    """
    return f"customers-by-{column.replace('_', '-')}.csv"


#: The revenue table shows every month up to this many (two years); a longer one shows the latest this many.
MAX_MONTHS = 24


def months_on_page(months: pd.DataFrame, fmt, w=None) -> pd.DataFrame:
    """:func:`crmlib.overview.revenue_by_period` by month with each month written short in the page's
    language ("Jan 2024"), the index named ``month``, oldest first. When the table says which months are
    complete (:func:`crmlib.overview.period_coverage`), a first column ``coverage`` says it in words:
    "whole month", for the month the data start inside of "partial: from 3 Dec 2023", for the one they end
    inside of "partial: to 3 Jun 2024".

    >>> from crmlib import overview
    >>> from crmlib.formats import Formats
    >>> m = pd.DataFrame({"revenue": [1.0, 2.0, 3.0]}, index=pd.date_range("2024-04-01", periods=3, freq="MS"))
    >>> m = m.join(overview.period_coverage(m.index, "M", "2024-06-03", start="2024-04-03"))
    >>> months_on_page(m, Formats("en"))["coverage"].tolist()
    ['partial: from 3 Apr 2024', 'whole month', 'partial: to 3 Jun 2024']
    """
    from crmlib.words import Words
    from crmlib.words import overview as ow

    table = months.rename(index=lambda d: fmt.month(d, "short")).rename_axis("month")
    if "complete" not in months:
        return table
    w = w or Words.of(fmt)
    table, said = ow.coverage_words(table, w(ow.WHOLE_MONTH), w, fmt)
    table.insert(0, "coverage", said)  # beside the month it describes
    return table


def revenue_table(months: pd.DataFrame, show, w, fmt, csv=None, max_rows: int = MAX_MONTHS):
    """The page's revenue table of :func:`months_on_page`, oldest first like the figure and every table: each
    month, or of a longer table the latest ``max_rows`` with a note that says so. The CSV (``csv``, a folder)
    holds every month, oldest first, in ``revenue-by-month.csv``.

    >>> from crmlib.formats import Formats
    >>> from crmlib.reports.tables import show
    >>> from crmlib.words import Words
    >>> m = pd.DataFrame({"revenue": [1.0, 2.0, 3.0]}, index=pd.date_range("2024-01-01", periods=3, freq="MS"))
    >>> html = revenue_table(m, show, Words("en"), Formats("en"), max_rows=2).to_html()
    >>> "Jan 2024" in html, "Feb 2024" in html, "Mar 2024" in html, "latest 2 of the 3 months" in html
    (False, True, True, True)
    """
    from crmlib.reports.tables import show_latest
    from crmlib.words import overview as ow

    return show_latest(show, months_on_page(months, fmt, w), max_rows=max_rows, said=ow.MONTHS_LATEST, w=w, fmt=fmt,
                       names={"coverage": w(ow.COVERAGE)}, csv=csv,
                       csv_name="revenue-by-month.csv" if csv is not None else None)


@dataclass
class OverviewPage:
    """One run of the overview report: its inputs, the per-customer table, and the page's words and formats.
    Made by :func:`build`; each method is one section of the page."""

    data: Any  # crmlib.reports.inputs.Inputs
    table: pd.DataFrame
    out: Path
    words: Any
    fmt: Any
    freq: str = "W"
    observation_end: Any = None  # the last day of the analysis; None: the last transaction's day

    # ------------------------------------------------------------------ shared tables
    @property
    def tx(self):
        """The transactions: a DataFrame, or a TransactionLog of large files read out of core."""
        return self.data.transactions

    @property
    def customers(self) -> pd.DataFrame | None:
        return self.data.customers

    @property
    def show(self):
        from crmlib.reports.tables import show

        return functools.partial(show, fmt=self.fmt)  # every table in the page's language and digits

    def _has(self, column: str) -> bool:
        from crmlib import overview

        return overview.has_column(self.tx, column)

    @functools.cached_property
    def ledger(self) -> pd.DataFrame:
        """Every row dropped, flagged or changed while reading the files (:func:`quality.ledger_frame`)."""
        from crmlib.words import quality

        return quality.ledger_frame(*self.data.frames)

    @functools.cached_property
    def months(self) -> pd.DataFrame:
        """Revenue, lines, customers and orders per calendar month, and whether the data cover each month to its
        end (:func:`crmlib.overview.revenue_by_period`)."""
        from crmlib import overview

        return overview.revenue_by_period(self.tx, freq="M", observation_end=self.observation_end)

    # ------------------------------------------------------------------ sections
    def opening(self) -> list:
        from crmlib.words import overview as ow

        return [ow.opening(self.tx, self.table, self.freq, w=self.words, fmt=self.fmt)]

    def summary(self) -> list:
        from crmlib import findings

        return [findings.as_markdown(findings.overview(self.table, self.ledger, fmt=self.fmt))]

    def data_quality(self) -> list:
        """The ledger table (written to ``data-quality.csv``), then the loaders' notes when there are any."""
        return [page_parts.ledger_item(self.ledger, self.show, self.words, self.fmt, csv=self.out,
                                       csv_name="data-quality.csv"),
                loader_notes(self.data.frames, w=self.words, fmt=self.fmt)]

    def headline(self) -> list:
        from crmlib import overview
        from crmlib.words import overview as ow

        numbers = overview.headline_numbers(self.tx, self.table)
        return [self.show(ow.headline(numbers, w=self.words, fmt=self.fmt), names=ow.headline_names(self.words))]

    def revenue(self) -> list:
        from crmlib import plots

        ax = plots.overview.revenue_over_time(self.months, words=self.words, fmt=self.fmt)
        return [ax.figure, revenue_table(self.months, self.show, self.words, self.fmt, csv=self.out)]

    def orders(self) -> list:
        from crmlib import plots
        from crmlib.words import overview as ow

        if not self._has("order_id"):
            return [self.words(ow.NO_ORDER_ID)]
        return [plots.overview.orders_over_time(self.months, words=self.words, fmt=self.fmt).figure]

    def category_mix(self) -> list:
        from crmlib import overview, plots
        from crmlib.words import overview as ow

        w = self.words
        if not self._has("category"):
            return [w(ow.NO_CATEGORY)]
        mix = ow.attribute_labels(overview.category_mix(self.tx), w)
        ax = plots.overview.category_mix(mix, words=w, fmt=self.fmt)
        return [ax.figure, self.show(mix, csv=self.out, csv_name="category-mix.csv", note=w(ow.CATEGORY_NOTE))]

    def customer_base(self) -> list:
        from crmlib import overview, plots
        from crmlib.words.cohorts import early_new_sentence

        base = overview.customer_base(self.tx, "MS")
        figure = plots.overview.customer_base(self.tx, observation_end=self.observation_end, words=self.words,
                                              fmt=self.fmt, base=base).figure
        early = overview.early_customers(self.tx, base, self.observation_end)  # customers from before the data
        return [figure] + ([early_new_sentence(early, w=self.words, fmt=self.fmt)] if early else [])

    def frequency(self) -> list:
        from crmlib import plots

        return [plots.overview.frequency_distribution(self.table, words=self.words, fmt=self.fmt).figure]

    def spend(self) -> list:
        from crmlib import plots

        return [plots.overview.spend_distribution(self.tx, words=self.words, fmt=self.fmt).figure]

    def channel_mix(self) -> list:
        from crmlib import plots
        from crmlib.words import overview as ow

        if not self._has("channel"):
            return [self.words(ow.NO_CHANNEL)]
        return [plots.overview.channel_mix(self.tx, words=self.words, fmt=self.fmt).figure]

    def by_attribute(self) -> list:
        """For each attribute of the customers file, a figure and its table (written to
        :func:`attribute_csv_name`), after a sentence saying below what size values are merged
        (:data:`crmlib.screening.MIN_GROUP`); what is missing when there is no customers file or no attribute."""
        from crmlib import overview, plots
        from crmlib.screening import MIN_GROUP
        from crmlib.words import overview as ow

        w, cu = self.words, self.customers
        if cu is None:
            return [w(ow.LEFT_OUT_CUSTOMERS, file="customers", flag="--customers")]
        attributes = overview.attribute_columns(cu)
        if not attributes:
            return [w(ow.NO_ATTRIBUTES)]
        # one size for the loaders' rare values and this page's merged ones, said with the number in the code
        items = [w(ow.SMALL_VALUES_MERGED, count=self.fmt.count(MIN_GROUP))]
        for column in attributes:
            by_value = overview.attribute_value(cu, self.table, column, min_customers=MIN_GROUP)
            ax = plots.overview.attribute_value(by_value, words=w, fmt=self.fmt)
            items += [ax.figure, self.show(ow.attribute_labels(by_value, w), csv=self.out,
                                           csv_name=attribute_csv_name(column))]
        return items


def build(*, transactions=None, dataset=None, customers=None, observation_end=None, freq: str = "W",
          currency: str | None = None, lang: str = "en", digits: str = "latin", output_dir=None) -> OverviewPage:
    """Load the inputs, build the per-customer table (no model), and record the run (the notebook's
    parameters)."""
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
    data = load_inputs("overview", transactions=transactions, customers=customers, dataset=dataset,
                       observation_end=observation_end, out_of_core=True)
    table = customer_table(data.transactions, observation_end=observation_end, freq=freq, model=None)
    record(data_period=overview.date_span(data.transactions))
    return OverviewPage(data=data, table=table, out=output_folder(output_dir), words=words, fmt=fmt, freq=freq,
                        observation_end=observation_end)


__all__ = ["MAX_MONTHS", "OverviewPage", "attribute_csv_name", "build", "loader_notes", "months_on_page",
           "output_folder", "revenue_table", "show_items"]
