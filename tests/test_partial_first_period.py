"""An analyst's export of "the last six months" taken on 3 December starts mid-month: its first month holds 3-31
December only. The overview drew that month as an ordinary month (a low first point, unmarked; a sale in its four
weeks could be named the peak) and the retention page showed its cohort as an ordinary cohort, acquired over a
whole month. One rule (crmlib.periods.period_coverage, given the data's first day) now makes the first period
partial when the data start after its first day: drawn hollow and labelled "partial: from 3 Dec 2023" like a last
one, left out of every peak and busiest statement, named in the revenue table and its CSV; on the retention page
the first cohort's acquisition cell is hatched and said to be partial (its size is not a month's acquisition),
while its later shares, a fair measure of the customers it holds, stay shown and counted."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from cohort_bills import bills  # noqa: E402  (tests/cohort_bills.py)

from crmlib import overview, retention  # noqa: E402
from crmlib.customers import customer_table  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.periods import period_coverage  # noqa: E402
from crmlib.plots import overview as plots  # noqa: E402
from crmlib.plots.retention import cohort_heatmap  # noqa: E402
from crmlib.reports import overview_page, retention_page  # noqa: E402
from crmlib.reports.inputs import Inputs  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import overview as ow  # noqa: E402
from crmlib.words import retention as rw  # noqa: E402

SCRIPT = {"hi": re.compile("[\u0900-\u097f]"), "bn": re.compile("[\u0980-\u09ff]")}


def _bills(first: str = "2023-12-03", last: str = "2024-05-31", rush: float = 1.0) -> pd.DataFrame:
    """Bills of 40 customers, three a day from ``first`` to ``last``, each with an order id; ``rush`` multiplies
    the amounts of the first ten days (a year-end sale in the export's first, partial, month)."""
    days = pd.date_range(first, last, freq="D")
    rng = np.random.default_rng(42)
    date = np.repeat(days, 3)
    amount = rng.gamma(4.0, 100.0, len(date)).round(2) * np.where(date < pd.Timestamp(first) + pd.Timedelta(days=10),
                                                                   rush, 1.0)
    return pd.DataFrame({"customer_id": pd.array([f"c{i % 40:02d}" for i in range(len(date))], dtype="string"),
                         "date": date, "amount": amount,
                         "order_id": pd.array([f"o{i}" for i in range(len(date))], dtype="string")})


def _hollow_points(ax) -> list:
    """The x (matplotlib day numbers) of the points drawn hollow (a white marker face)."""
    return sorted({x for line in ax.get_lines() if line.get_markerfacecolor() in ("white", "w", (1, 1, 1, 1))
                   for x in line.get_xdata()} - {x for line in ax.get_lines()
                                                  if line.get_markerfacecolor() not in ("white", "w", (1, 1, 1, 1))
                                                  for x in np.atleast_1d(line.get_xdata())})


# ----------------------------------------------------------------------------- the one rule
@pytest.mark.parametrize("freq, start, late", [
    ("M", "2024-04-03", [True, False, False]),
    ("M", "2024-04-01", [False, False, False]),
    ("M", "2024-04-01 18:00", [False, False, False]),  # the first day counts whole, whatever its hour
    ("W", "2024-05-28", [True, False, False]),  # weeks run Monday to Sunday: the 27th is a Monday
    ("Q", "2024-04-02", [True, False, False]),
])
def test_a_period_is_partial_when_the_data_start_after_its_first_day(freq, start, late):
    starts = {"M": pd.date_range("2024-04-01", periods=3, freq="MS"),
              "W": pd.date_range("2024-05-27", periods=3, freq="7D"),
              "Q": pd.date_range("2024-04-01", periods=3, freq="QS")}[freq]
    coverage = period_coverage(starts, freq, "2025-12-31", start=start)
    assert coverage["starts_late"].tolist() == late
    assert coverage["complete"].tolist() == [not x for x in late]
    assert not coverage["ends_early"].any()
    assert coverage["covered_from"].iloc[0] == (pd.Timestamp(start).normalize() if late[0] else starts[0])
    # without the data's start (an older caller's three arguments) nothing starts late, as before
    assert period_coverage(starts, freq, "2025-12-31")["complete"].all()


def test_one_period_the_data_start_and_end_inside_is_labelled_with_its_days():
    coverage = period_coverage(pd.DatetimeIndex(["2024-06-01"]), "M", "2024-06-20", start="2024-06-03")
    row = coverage.iloc[0]
    assert not row["complete"] and row["starts_late"] and row["ends_early"]
    assert ow.coverage_label(row, Words("en"), Formats("en")) == "partial: 3–20 Jun 2024"


# ----------------------------------------------------------------------------- the overview
def test_the_revenue_table_and_its_csv_say_the_first_month_is_partial(tmp_path):
    tx = _bills(last="2024-06-03")
    months = overview.revenue_by_period(tx)
    assert months["complete"].tolist() == [False] + [True] * 5 + [False]
    assert months["covered_from"].iloc[0] == pd.Timestamp("2023-12-03")
    fmt = Formats("en")
    page = overview_page.OverviewPage(data=SimpleNamespace(transactions=tx, customers=None, frames=[tx]),
                                      table=customer_table(tx, model=None), out=tmp_path, words=Words.of(fmt), fmt=fmt)
    _, styler = page.revenue()
    written = pd.read_csv(tmp_path / "revenue-by-month.csv")
    assert written["Data cover"].tolist() == (["partial: from 3 Dec 2023"] + ["whole month"] * 5
                                              + ["partial: to 3 Jun 2024"])
    assert not {"covered_from", "starts_late", "ends_early", "complete"} & set(written.columns)
    assert "partial: from 3 Dec 2023" in styler.to_html()
    plt.close("all")


def test_revenue_figure_leaves_the_first_month_out_of_the_peak_and_labels_it_inside_the_axes():
    """Before: a year-end sale in 3-31 December outsold every whole month and the title read "Revenue peaks in
    December 2023", four weeks of data against whole months, drawn like any month."""
    months = overview.revenue_by_period(_bills(rush=12.0))
    assert months["revenue"].idxmax() == pd.Timestamp("2023-12-01")
    ax = plots.revenue_over_time(months)
    whole = months.loc[months["complete"], "revenue"]
    fmt = Formats("en")
    assert ax.get_title() == Words("en")(ow.TITLE_REVENUE_PEAK_COMPLETE, month=fmt.month(whole.idxmax()),
                                         revenue=fmt.money(whole.max(), 0),
                                         share=fmt.share(whole.max() / whole.mean() - 1, 0))
    assert [t.get_text() for t in ax.texts] == ["partial: from 3 Dec 2023"]
    assert _hollow_points(ax) == [mdates.date2num(pd.Timestamp("2023-12-01"))]
    ax.figure.canvas.draw()  # the label of the first period starts at it, and stays inside the axes
    label, box = ax.texts[0].get_window_extent(), ax.get_window_extent()
    assert box.x0 <= label.x0 and label.x1 <= box.x1
    plt.close("all")


def test_orders_and_customer_base_mark_the_first_month_and_never_name_it():
    tx = _bills(rush=12.0)
    months = overview.revenue_by_period(tx)
    months.loc[pd.Timestamp("2023-12-01"), "orders"] = 500  # the busiest, in four weeks
    ax = plots.orders_over_time(months)
    assert "of the complete periods, the most in" in ax.get_title() and "December" not in ax.get_title()
    assert [t.get_text() for t in ax.texts] == ["partial: from 3 Dec 2023"]
    ax = plots.customer_base(tx)
    assert [t.get_text() for t in ax.texts] == ["partial: from 3 Dec 2023"]
    assert len(_hollow_points(ax)) == 1
    assert ax.get_title() == Words("en")(ow.TITLE_CUSTOMER_BASE_COMPLETE, active="40", period="May 2024", new="40")
    plt.close("all")


def test_data_that_cover_no_month_whole_name_no_peak_and_no_busiest_month():
    """3 December to 3 January: two partial months. Before, the title compared them ("Revenue peaks in December
    2023 at ..., above the mean period") and the customer base spoke of January "the one period of the data"."""
    tx = _bills(last="2024-01-03", rush=12.0)
    months = overview.revenue_by_period(tx)
    assert not months["complete"].any()
    fmt, w = Formats("en"), Words("en")
    ax = plots.revenue_over_time(months)
    dates = fmt.date_range("2023-12-03", "2024-01-03")  # 3 Dec 2023 – 3 Jan 2024
    assert ax.get_title() == w(ow.TITLE_REVENUE_NONE_COMPLETE, dates=dates,
                               revenue=fmt.money(months["revenue"].sum(), 0))
    assert [t.get_text() for t in ax.texts] == ["partial: from 3 Dec 2023", "partial: to 3 Jan 2024"]
    assert "peaks" not in ax.get_title()
    assert "the most in" not in plots.orders_over_time(months).get_title()
    assert plots.customer_base(tx).get_title() == w(ow.TITLE_CUSTOMER_BASE_NONE_COMPLETE, new="40", dates=dates)
    one = overview.revenue_by_period(_bills(first="2024-06-03", last="2024-06-20"))
    ax = plots.revenue_over_time(one)
    assert [t.get_text() for t in ax.texts] == ["partial: 3–20 Jun 2024"] and "3–20 Jun 2024" in ax.get_title()
    plt.close("all")


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_the_first_partial_month_is_said_in_the_page_language_and_digits(lang):
    fmt = Formats(lang, digits="native")
    w = Words.of(fmt)
    months = overview.revenue_by_period(_bills(last="2024-01-03"))
    ax = plots.revenue_over_time(months, words=w, fmt=fmt)
    texts = [ax.get_title()] + [t.get_text() for t in ax.texts]
    assert texts[1] == w(ow.PARTIAL_FROM, date=fmt.date("2023-12-03", "medium"))
    for text in texts:
        assert SCRIPT[lang].search(text) and not re.search("[0-9]", text), text
    assert ow.partial_label("2024-06-20", w, fmt, start="2024-06-03") == w(ow.PARTIAL_DAYS,
                                                                          dates=fmt.date_range("2024-06-03",
                                                                                               "2024-06-20"))
    plt.close("all")


# ----------------------------------------------------------------------------- the retention page
def _customers(first: str = "2023-12-03", last: str = "2024-06-03", customers: int = 200) -> pd.DataFrame:
    """Customers acquired from ``first`` (the first of them on that day) to ``last``, buying every 10 to 50 days
    until they stop."""
    return bills(first, last, customers, seed=7)


def test_the_heatmap_hatches_the_first_cohorts_acquisition_and_shows_its_later_shares():
    cohorts = retention.cohort_table(_customers())
    assert not cohorts.attrs["first_cohort_complete"] and cohorts.index[0] == pd.Period("2023-12", "M")
    coverage = retention.cohort_coverage(cohorts)
    assert coverage["covered_from"].iloc[0] == pd.Timestamp("2023-12-03") and coverage["starts_late"].sum() == 1
    ax = cohort_heatmap(cohorts)
    hatched = {(int(p.get_y()), int(p.get_x())): p.get_hatch() for p in ax.patches if p.get_hatch()}
    assert hatched.pop((0, 0)) == "\\\\\\"  # December's acquisition, part of a month: hatched the other way
    assert set(hatched.values()) == {"///"}  # June's cells, the last diagonal
    assert not {(0, k) for k in range(1, cohorts.shape[1] - 1)} & set(hatched)  # its later months but June are whole
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["partial: from 3 Dec 2023", "partial: to 3 Jun 2024"]
    assert [h.get_hatch() for h in legend.legend_handles] == ["\\\\\\", "///"]
    grid = np.ma.getmaskarray(ax.collections[0].get_array()).reshape(cohorts.shape)
    assert grid[0, 0] and not grid[0, 1:cohorts.shape[1] - 1].any()  # its shares of later months are coloured
    # its month-1 share is a fair measure of the customers it holds: the title and the summary count it
    trend = retention.first_period_trend(cohorts)
    assert trend["cohorts"] == int(cohorts[1].notna().sum()) - 1  # every cohort but the one of the partial June
    assert ax.get_title() == f"{Formats('en').share(trend['mean'], 0)} of a cohort buys again in the month after " \
                             "acquisition"
    plt.close("all")


def test_a_revenue_heatmap_counts_the_first_cohorts_first_month_in_its_title():
    """Its customers' first month is all in the data (they were acquired from the 3rd): left out of the title's
    share while its later months stayed in, the share would count that cohort's revenue after its first month only."""
    cohorts = retention.cohort_table(_customers(last="2024-05-31"), value="revenue")
    ax = cohort_heatmap(cohorts, currency="INR")
    assert {p.get_hatch() for p in ax.patches if p.get_hatch()} == {"\\\\\\"}  # December's first cell only
    every = cohorts.astype(float)
    share = every.iloc[:, 1:].sum().sum() / every.sum().sum()
    assert ax.get_title() == f"{Formats('en').share(share, 0)} of the cohorts' revenue comes after their first month"
    plt.close("all")


def _page(tmp_path, tx, lang="en", digits="latin") -> retention_page.RetentionPage:
    from crmlib.plots.style import use_page_fonts

    use_page_fonts()
    (tmp_path / "retention").mkdir(parents=True, exist_ok=True)
    return retention_page.RetentionPage(data=Inputs("retention", transactions=tx), first=tx["date"].min(),
                                        end=tx["date"].max(), table=pd.DataFrame(), out=tmp_path / "retention",
                                        words=Words(lang, digits=digits), fmt=Formats(lang, digits=digits))


@pytest.mark.slow
def test_the_sentence_and_the_file_say_the_first_cohort_was_acquired_from_the_data_start(tmp_path):
    page = _page(tmp_path, _customers(last="2024-05-31"))
    sentence = page.cohort_decay()[1]
    plt.close("all")
    link = retention_page.link(page.out / "cohorts.csv")
    assert sentence.startswith(f"Every cohort's customers and shares: {link}. The data start")  # a stop after the link
    assert sentence.endswith(" The data start on 3 Dec 2023, inside December 2023: that cohort holds only the "
                             "customers acquired from then on, so its size is not a whole month's acquisition and "
                             "its first cell is hatched; its later cells are shares of the customers it holds, shown "
                             "as any cohort's.")
    written = pd.read_csv(page.out / "cohorts.csv")
    customers = written[written["value"] == "customers"].set_index("cohort")
    assert customers.loc["2023-12", ["acquired_from", "acquired_to"]].tolist() == ["2023-12-03", "2023-12-31"]
    assert customers.loc["2024-01", ["acquired_from", "acquired_to"]].tolist() == ["2024-01-01", "2024-01-31"]
    # data from a month's first day: no such sentence
    whole = _page(tmp_path / "whole", _customers(first="2023-12-01", last="2024-05-31"))
    assert whole.cohort_decay()[1] == whole.words(rw.COHORT_FILE, link=retention_page.link(whole.out / "cohorts.csv"))
    plt.close("all")


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_the_first_cohort_sentence_reads_in_hindi_and_bengali_with_their_digits(tmp_path, lang):
    page = _page(tmp_path, _customers(last="2024-05-31"), lang=lang, digits="native")
    sentence = page.cohort_decay()[1].split(")", 1)[1]  # after the link
    plt.close("all")
    assert page.fmt.date(pd.Timestamp("2023-12-03"), "medium") in sentence
    assert page.fmt.month(pd.Timestamp("2023-12-01")) in sentence
    assert SCRIPT[lang].search(sentence) and not re.search("[0-9]", sentence) and "hatched" not in sentence


def test_a_first_return_before_the_first_purchase_month_leaves_the_first_cohort_whole():
    """Before: the first line, a return on 3 December, made the January cohort "partial" (its period was judged by
    the data's first day, not by the cohort's), so the sBG default skipped a whole month's cohort."""
    tx = _customers(first="2024-01-01", last="2024-12-31")
    tx = pd.concat([pd.DataFrame({"customer_id": ["r"], "date": [pd.Timestamp("2023-12-03")], "amount": [-5.0]}),
                    tx], ignore_index=True)
    cohorts = retention.cohort_table(tx)
    assert cohorts.index[0] == pd.Period("2024-01", "M") and cohorts.attrs["first_cohort_complete"]
    assert retention.default_cohort(cohorts, periods=6) == pd.Period("2024-01", "M")


# ----------------------------------------------------------------------------- crmlib.retention, split by job
def test_retention_is_split_by_job_and_keeps_its_names():
    from crmlib.retention import cohorts, risk, survival

    assert retention.cohort_table is cohorts.cohort_table and retention.cohort_coverage is cohorts.cohort_coverage
    assert retention.project_retention is survival.project_retention and retention.model_retention is \
        survival.model_retention
    assert retention.winback_list is risk.winback_list and retention.inactivity_days is risk.inactivity_days
    for name in retention.__all__:
        assert getattr(retention, name) is not None


def test_what_the_model_looks_at_says_why_it_is_empty_when_no_churn_model_was_learnt(tmp_path):
    """A short export whose churn comparison is left out showed the heading "What the model looks at" and its
    explanation of permutation importance over nothing; now one sentence says there is no model to look into."""
    page = _page(tmp_path, _customers(last="2024-05-31"))
    page.comparison = (None, "At the cut-off the 4 customers all came back")
    assert page.feature_importance() == [page.words(rw.NO_IMPORTANCE)]
