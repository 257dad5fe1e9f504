"""The lifetime-value report, section by section: what each cell of ``crmlib/notebooks/clv.ipynb`` shows.

The notebook holds the parameters, the prose and one call per section; the decisions live here, where
tests reach them: the observation end and the calibration end, the output folder, which model the holdout
check and the tracking follow (and what the page says when no model could be fitted on the calibration
period), whether a model was fitted at all, whether covariates were asked for and what became of them,
whether customers have a lifetime value (then its intervals, deciles, segments and the per-customer CSV).
Each section returns the items it shows, in order, as :mod:`crmlib.reports.segments_page` does: a ``str``
is Markdown, a matplotlib ``Figure`` is drawn where it stands, anything else (a table of :func:`show`) is
displayed; :func:`show_items` shows them in a notebook.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.reports import page_parts
from crmlib.reports.page_parts import show_items
from crmlib.reports.segments_page import observation_dates

#: Cell formats of the model comparison tables (fit and holdout).
MODEL_KINDS = {"log_likelihood": "{:,.1f}", "AIC": "{:,.1f}", "BIC": "{:,.1f}"}
#: The columns of a parameter table, written by :func:`crmlib.words.clv_units.parameter_number`.
PARAMETER_COLUMNS = ("estimate", "lower", "upper")
#: Level of the intervals on each customer's value (the parameters' uncertainty only).
INTERVAL_LEVEL = 0.9


#: Where the page's tables and files go: ``output_dir``, else ``reports/clv`` of the working folder.
output_folder = functools.partial(page_parts.output_folder, "clv")


def calibration_end_of(transactions, end, calibration_end=None) -> pd.Timestamp:
    """The end of the calibration period: ``calibration_end``, else two thirds of the way from the first
    transaction to ``end`` (:func:`crmlib.clv.default_calibration_end`)."""
    from crmlib import clv

    if calibration_end is not None:
        return pd.Timestamp(calibration_end)
    return clv.default_calibration_end(transactions, observation_end=end)


def heatmap_grid(table: pd.DataFrame) -> tuple[float, int]:
    """The age and the highest repeat-purchase count of the frequency × recency maps: the median age ``T``
    of the customers a model can learn from, and their 95th percentile of repeat purchases (at least 5).

    >>> heatmap_grid(pd.DataFrame({"frequency": [0, 1, 2, 30], "recency": [0, 2, 3, 9], "T": [0, 6, 8, 10]}))
    (8.0, 27)
    """
    from crmlib.customers import fittable

    fit_data = fittable(table)
    return float(fit_data["T"].median()), int(max(5, fit_data["frequency"].quantile(0.95)))


#: The calibration summary's ledger key of customers who first bought after the calibration end.
AFTER_CALIBRATION = "first purchase after calibration end"


def holdout_only(frame: pd.DataFrame) -> pd.DataFrame:
    """The data-quality ledger (:func:`crmlib.words.quality.ledger_frame`) with the calibration summary's
    customers who first bought after the calibration end said as they are on this page: kept, left out of
    the holdout check only (:data:`crmlib.words.clv.HOLDOUT_ONLY`); the ledger said "dropped", though
    every customer has a lifetime value."""
    from crmlib.words import clv as clv_words

    late = frame["key"] == AFTER_CALIBRATION if len(frame) else pd.Series(dtype=bool)
    if not late.any():
        return frame
    out = frame.copy()
    out.loc[late, "action"] = "kept"
    out.loc[late, "detail_key"] = clv_words.HOLDOUT_ONLY
    out.loc[late, "detail"] = [clv_words.HOLDOUT_ONLY.format(**fields) for fields in out.loc[late, "fields"]]
    return out


@dataclass
class ClvPage:
    """One run of the lifetime-value report: its inputs, dates, per-customer table and calibration summary,
    and the page's words and formats. Made by :func:`build`; each method is one section of the page."""

    data: Any  # crmlib.reports.inputs.Inputs
    first: pd.Timestamp
    end: pd.Timestamp
    calibration_end: pd.Timestamp
    table: pd.DataFrame
    calibration: pd.DataFrame
    out: Path
    words: Any
    fmt: Any
    freq: str
    currency: str | None
    annual_discount: float
    covariates: Any = None
    top_n: int = 20

    # ------------------------------------------------------------------ shared tables
    @property
    def tx(self):
        return self.data.transactions

    @property
    def chosen(self):
        """The fitted transaction model of the table, or None when no model could be fitted."""
        return self.table.attrs["fitted_model"]

    @property
    def has_value(self) -> bool:
        """Whether customers have a lifetime value (a transaction and a spend model were fitted)."""
        return "clv" in self.table.columns

    @property
    def show(self):
        from crmlib.reports.tables import show

        return functools.partial(show, fmt=self.fmt)  # every table in the page's language and digits

    @property
    def parameter_kinds(self) -> dict:
        """Cell writers of a parameter table: plain grouped numbers in the page's digits (``"{:.4g}"`` wrote
        ``1.733e+04``)."""
        from crmlib.words.clv_units import parameter_number

        write = functools.partial(parameter_number, self.fmt)
        return dict.fromkeys(PARAMETER_COLUMNS, write)

    def _money(self, label) -> str:
        """A money column's label, with the currency when there is one: "Mean lifetime value (INR)"."""
        return self.words(label) + (f" ({self.currency})" if self.currency else "")

    @functools.cached_property
    def candidates(self) -> dict:
        """Every transaction model, fitted again on the calibration period by :attr:`holdout`."""
        from crmlib.customers import TRANSACTION_MODELS, transaction_model

        return {name: transaction_model(name) for name in TRANSACTION_MODELS}

    @functools.cached_property
    def holdout(self) -> tuple:
        """:func:`crmlib.clv.holdout_check` of every model, preferring the table's: the comparison, the
        table by repeat purchases, and the model checked (None when none fits the calibration period)."""
        from crmlib import clv

        return clv.holdout_check(self.candidates, self.calibration, preferred=self.table.attrs["model"])

    @functools.cached_property
    def deciles(self) -> pd.DataFrame | None:
        from crmlib.customers import clv_deciles

        return clv_deciles(self.table["clv"]) if self.has_value else None

    @functools.cached_property
    def by_segment(self) -> pd.DataFrame | None:
        from crmlib import clv

        return clv.clv_by_segment(self.table["clv"], self.table["segment"]) if self.has_value else None

    @functools.cached_property
    def intervals(self) -> tuple:
        """Intervals on each customer's value, or None and why (:func:`value_intervals_or_reason`)."""
        from crmlib.clv.uncertainty import value_intervals_or_reason

        return value_intervals_or_reason(self.table, level=INTERVAL_LEVEL)

    @functools.cached_property
    def bounds(self) -> pd.DataFrame:
        """``clv_lower`` and ``clv_upper`` of each customer; no columns without intervals."""
        from crmlib.clv.uncertainty import value_bounds

        return value_bounds(self.table, self.intervals[0])

    def _with_bounds(self, columns: list[str], after: tuple | list = ()) -> pd.DataFrame:
        """The table's ``columns``, the value's bounds, then its ``after`` columns: side by side, as the bounds are
        on the table's index (:func:`crmlib.clv.uncertainty.value_bounds`). ``DataFrame.join`` matched the rows
        through a hash table of the ids: for 4.1 million customers 2.2 s and 0.77 GB to find each row where it
        already was."""
        return pd.concat([self.table[list(columns)], self.bounds, self.table[list(after)]], axis=1)

    # ------------------------------------------------------------------ sections
    def headline(self) -> list:
        from crmlib.summary import transaction_count
        from crmlib.words import clv as clv_words

        return [clv_words.data_line(self.words, self.fmt, transactions=transaction_count(self.tx),
                                    customers=len(self.table), first=self.first, end=self.end, freq=self.freq,
                                    calibration_end=self.calibration_end,
                                    holdout=self.calibration["duration_holdout"].iloc[0])]

    def summary(self) -> list:
        from crmlib import findings

        return [findings.as_markdown(findings.clv(self.table, holdout=self.holdout[0], deciles=self.deciles,
                                                  by_segment=self.by_segment, w=self.words, fmt=self.fmt))]

    def data_quality(self) -> list:
        from crmlib.words import quality

        frame = holdout_only(quality.ledger_frame(self.tx, self.calibration, self.table))
        return [page_parts.ledger_item(frame, self.show, self.words, self.fmt)]

    def models(self) -> list:
        from crmlib import findings
        from crmlib.customers import comparison_of
        from crmlib.words import clv as clv_words

        w = self.words
        return [findings.model_sentence(self.table, w=w, fmt=self.fmt),
                self.show(clv_words.models_on_page(comparison_of(self.table), w=w), kinds=MODEL_KINDS)]

    def holdout_check(self) -> list:
        from crmlib import plots
        from crmlib.words import clv as clv_words

        w = self.words
        comparison, by_frequency, check = self.holdout
        items = [self.show(clv_words.models_on_page(comparison, w=w),
                           kinds={**MODEL_KINDS, "MAE": "{:.3f}", "RMSE": "{:.3f}"})]
        if check is None:
            return [*items, w(clv_words.NO_HOLDOUT_CHECK)]
        # the groups' labels (0, 1, ..., 7+) in the page's digits, on the figure's axis and in the table
        by_frequency = by_frequency.rename(index=lambda label: self.fmt.in_digits(str(label)))
        ax = plots.clv.calibration_holdout(by_frequency, model_name=check, words=w, fmt=self.fmt)
        return [*items, ax.figure, self.show(by_frequency, names={"frequency": w(clv_words.REPEAT_IN_CALIBRATION)},
                                             kinds={"actual": "{:.2f}", "predicted": "{:.2f}"})]

    def tracking(self) -> list:
        import matplotlib.pyplot as plt

        from crmlib import clv, plots
        from crmlib.words import clv as clv_words

        check = self.holdout[2]
        if check is None:
            return [self.words(clv_words.NO_TRACKING)]
        first_purchase, actual = clv.tracking_inputs(self.tx, freq=self.freq, end=self.end,
                                                     customers=self.calibration.index)
        track = clv.tracking(self.candidates[check], first_purchase, actual)
        fig, axes = plt.subplots(1, 2, figsize=(15, 4.5), layout="constrained")
        for ax, cumulative in zip(axes, (False, True)):
            plots.clv.tracking(track, ax=ax, cumulative=cumulative, calibration_end=self.calibration_end,
                               words=self.words, fmt=self.fmt)
        return [fig]

    def activity(self) -> list:
        from crmlib import clv, findings, plots
        from crmlib.words import clv as clv_words

        w, fmt, chosen = self.words, self.fmt, self.chosen
        if chosen is None:
            return [findings.model_sentence(self.table, w=w, fmt=fmt)]
        age, top_frequency = heatmap_grid(self.table)
        horizon = self.table.attrs["horizon"]
        items = [" ".join(clv_words.describe(chosen, self.freq, w=w, fmt=fmt)),
                 self.show(clv_words.parameter_table(chosen, self.freq, w=w), kinds=self.parameter_kinds)]
        for what, t in (("probability_alive", None), ("expected_purchases", horizon)):
            grid = clv.frequency_recency_grid(chosen, age, what, t=t, max_frequency=top_frequency)
            items.append(plots.clv.frequency_recency_heatmap(grid, freq=self.freq, words=w, fmt=fmt).figure)
        return items

    def covariate_effects(self) -> list:
        from crmlib import clv
        from crmlib.words import clv_covariates as covariate_words

        w, fmt, model = self.words, self.fmt, self.table.attrs["model"]
        names = clv.parse_covariates(self.covariates)
        if not names:
            return [covariate_words.left_out(None, w=w, customers=self.data.customers is not None)]
        effects, _, why = clv.covariate_effects(self.table, self.data.customers, names)
        if effects is None:
            return [covariate_words.left_out(why, model, names, w=w)]
        items = [covariate_words.intro(model, names, w=w),
                 " ".join(covariate_words.sentences(effects, model, self.freq, w=w, fmt=fmt)),
                 self.show(covariate_words.table(effects, w=w, fmt=fmt))]
        if why is not None:  # effects on buying only
            items.append(covariate_words.left_out(why, w=w))
        return items

    def value(self) -> list:
        from crmlib import findings, plots
        from crmlib.words import clv as clv_words

        w, fmt = self.words, self.fmt
        items = [findings.value_sentence(self.table, self.annual_discount, w=w, fmt=fmt)]
        if not self.has_value:
            return items
        spend_model = self.table.attrs["spend_model"]
        items += [" ".join(clv_words.describe(spend_model, w=w, fmt=fmt)),
                  self.show(clv_words.parameter_table(spend_model, w=w, currency=self.currency),
                            kinds=self.parameter_kinds),
                  clv_words.interval_sentence(self.table, *self.intervals, w=w, fmt=fmt)]
        self.bounds  # noqa: B018 -- the intervals' bounds, computed where the page always computed them
        ax = plots.clv.clv_distribution(self.table["clv"], horizon=self.table.attrs["horizon"], freq=self.freq,
                                        currency=self.currency or "", words=w, fmt=fmt)
        return [*items, ax.figure]

    def value_deciles(self) -> list:
        from crmlib import findings
        from crmlib.words import clv as clv_words

        if not self.has_value:
            return [self.words(clv_words.NO_VALUE_HERE)]
        w, deciles = self.words, self.deciles
        names = {"mean": self._money(clv_words.MEAN_VALUE), "min": self._money(clv_words.LOWEST),
                 "max": self._money(clv_words.HIGHEST), "share": w(clv_words.VALUE_SHARE),
                 "cumulative_share": w(clv_words.CUMULATIVE_VALUE_SHARE)}
        return [self.show(deciles, currency=self.currency, names=names,
                          kinds=findings.money_kinds(deciles, ["mean", "min", "max"], self.currency, fmt=self.fmt))]

    def value_by_segment(self) -> list:
        from crmlib import findings, plots
        from crmlib.words import clv as clv_words
        from crmlib.words import segments as segment_words

        if not self.has_value:
            return [self.words(clv_words.NO_VALUE_HERE)]
        w, by_segment = self.words, self.by_segment
        ax = plots.clv.clv_by_segment(by_segment, words=w, fmt=self.fmt)
        names = {"total": self._money(clv_words.TOTAL_VALUE), "mean": self._money(clv_words.MEAN_VALUE)}
        return [ax.figure, self.show(segment_words.on_page(by_segment, w), currency=self.currency, names=names,
                                     kinds=findings.money_kinds(by_segment, ["total", "mean"], self.currency,
                                                                fmt=self.fmt))]

    def top_customers(self) -> list:
        from crmlib import clv
        from crmlib.words import clv as clv_words
        from crmlib.words import segments as segment_words

        if not self.has_value:
            return [self.words(clv_words.NO_VALUE_HERE)]
        shown = self._with_bounds(["segment", "p_alive", "expected_purchases", "expected_spend", "clv"])
        top = segment_words.on_page(clv.top_customers(shown, by="clv", n=self.top_n), self.words)
        return [self.show(top, currency=self.currency, max_rows=None,
                          kinds={"p_alive": "{:.0%}", "expected_purchases": "{:.1f}"})]

    def every_customer(self) -> list:
        """The ten most valuable customers; every customer's value written to ``customer-value.csv``."""
        from crmlib import clv
        from crmlib.words import clv as clv_words

        if not self.has_value:
            return [self.words(clv_words.NO_VALUE_HERE)]
        every = self._with_bounds(["p_alive", "expected_purchases", "clv"], after=["clv_decile"])
        return [self.show(clv.top_customers(every, by="clv", n=len(every)), currency=self.currency, max_rows=10,
                          csv=self.out, csv_name="customer-value.csv",
                          names={"clv_decile": self.words(clv_words.VALUE_DECILE)},
                          kinds={"p_alive": "{:.0%}", "expected_purchases": "{:.2f}"})]


def build(*, transactions=None, dataset=None, customers=None, covariates=None, freq: str = "W",
          model: str = "auto", calibration_end=None, observation_end=None, horizon_days: int = 365,
          annual_discount: float = 0.10, currency: str | None = None, lang: str = "en", digits: str = "latin",
          top_n: int = 20, output_dir=None) -> ClvPage:
    """Load the inputs, fit the models into the per-customer table, summarise the calibration and holdout
    periods, and record the run (the notebook's parameters)."""
    from crmlib.formats import Formats
    from crmlib.plots.style import use_page_fonts
    from crmlib.reports.inputs import load_inputs
    from crmlib.reports.record import record
    from crmlib.shared_table import customer_table  # built once per batch of reports
    from crmlib.summary import date_range, rfm_summary
    from crmlib.words import Words

    fmt = Formats(lang, currency=currency, digits=digits)  # every number on the page
    use_page_fonts()  # figures draw Devanagari and Bengali with real fonts
    words = Words(lang, digits=digits)  # every sentence, label and title on the page
    data = load_inputs("clv", transactions=transactions, customers=customers, dataset=dataset,
                       observation_end=observation_end, out_of_core=True)
    tx = data.transactions  # a DataFrame, or a TransactionLog of large files
    first, last = date_range(tx)
    end, _ = observation_dates(last, observation_end)
    table = customer_table(tx, observation_end=end, freq=freq, model=model, horizon_days=horizon_days,
                           annual_discount=annual_discount)
    record(segment_counts=table["segment"].astype(str).value_counts().to_dict(), model=table.attrs["model"])
    cal_end = calibration_end_of(tx, end, calibration_end)
    calibration = rfm_summary(tx, observation_end=end, freq=freq, calibration_end=cal_end)
    record(data_period=(first, end))
    if "clv" in table.columns:
        record(total_clv=float(table["clv"].sum()), customers=len(table))
    return ClvPage(data=data, first=first, end=end, calibration_end=cal_end, table=table, calibration=calibration,
                   out=output_folder(output_dir), words=words, fmt=fmt, freq=freq, currency=currency,
                   annual_discount=annual_discount, covariates=covariates, top_n=top_n)


__all__ = ["INTERVAL_LEVEL", "ClvPage", "build", "calibration_end_of", "heatmap_grid", "holdout_only",
           "output_folder", "show_items"]
