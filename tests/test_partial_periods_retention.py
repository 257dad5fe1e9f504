"""Transactions exported on the 3rd of June: the retention page's cohort heatmap coloured June's cells (the last of
each cohort's row, and the whole of the June cohort, acquired in three days) as if June were a whole month, a pale
diagonal that read as every cohort collapsing at once, and its title's "55% of a cohort buys again in the month after
acquisition" counted the May cohort's three days of June as its month 1, while the summary above said 57.6% (an
export of 600 customers). The heatmap now finds those cells by the overview's rule (crmlib.overview.period_coverage),
hatches them, leaves them blank and out of its colour scale and title, and the sentence under it names the data's
last day and the period they end inside of."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from cohort_bills import bills  # noqa: E402  (tests/cohort_bills.py)

from crmlib import overview, retention  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.plots.retention import cohort_heatmap  # noqa: E402
from crmlib.reports import retention_page  # noqa: E402
from crmlib.reports.inputs import Inputs  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import retention as rw  # noqa: E402


def _tx(last: str = "2024-06-03", customers: int = 300, first: str = "2023-01-01") -> pd.DataFrame:
    """Customers acquired from ``first`` (the first customer on that day) to ``last`` who buy every 10 to 50 days
    until they stop."""
    return bills(first, last, customers, seed=42)


def _partial_by_hand(cohorts: pd.DataFrame) -> np.ndarray:
    """The cells of June 2024: cohort c, column k with c + k = June."""
    june = pd.Period("2024-06", "M").ordinal
    return (cohorts.index.asi8[:, None] + cohorts.columns.to_numpy()[None, :] == june) & cohorts.notna().to_numpy()


@pytest.mark.slow
def test_the_heatmap_hatches_the_month_the_data_end_inside_and_leaves_it_out_of_its_title():
    cohorts = retention.cohort_table(_tx())
    june = _partial_by_hand(cohorts)
    assert june.sum() == len(cohorts)  # one cell a cohort: its last, and the whole of the June cohort
    ax = cohort_heatmap(cohorts)
    colours = ax.collections[0].get_array()
    assert np.ma.getmaskarray(colours).reshape(june.shape)[june].all()  # no colour: blank
    hatched = [p for p in ax.patches if p.get_hatch() == "///"]
    assert sorted((int(p.get_y()), int(p.get_x())) for p in hatched) == sorted(zip(*np.nonzero(june)))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["partial: to 3 Jun 2024"]
    written = [t.get_text() for t in ax.texts if t.get_text()]
    assert len(written) == int(cohorts.notna().sum().sum()) - int(june.sum())  # no value in a partial cell
    # the title's share of a cohort buying again in month 1 is the summary's: complete months only
    trend = retention.first_period_trend(cohorts)
    share = Formats("en").share(trend["mean"], 0)
    assert ax.get_title() == f"{share} of a cohort buys again in the month after acquisition"
    partial_month_1 = cohorts[1].astype(float).dropna().iloc[-1] / retention.cohort_sizes(cohorts).iloc[-2]
    assert partial_month_1 < trend["low"]  # three days of June: lower than any whole month, and never named
    # data that end on a month's last day: nothing hatched, every cell coloured and written
    whole = retention.cohort_table(_tx(), observation_end="2024-05-31")
    ax = cohort_heatmap(whole)
    assert not [p for p in ax.patches if p.get_hatch()] and ax.get_legend() is None
    assert len([t for t in ax.texts if t.get_text()]) == int(whole.notna().sum().sum())
    plt.close("all")


@pytest.mark.parametrize("period", ["W", "M", "Q"])
@pytest.mark.parametrize("end", ["2024-03-31", "2024-06-02", "2024-06-03", "2024-06-30"])
def test_partial_cells_are_the_overviews_rule_and_agree_with_the_cohort_table(period, end):
    from crmlib.plots.retention import _partial_cells

    cohorts = retention.cohort_table(_tx(customers=60), period=period, observation_end=end)
    partial = _partial_cells(cohorts).to_numpy()
    last = pd.Period(pd.Timestamp(end), period)
    whole = bool(overview.period_coverage([last.start_time], period, end)["complete"].iloc[0])
    assert (not whole) == (not cohorts.attrs["last_period_complete"])
    # the data start on Sunday 1 January 2023: inside its week (from Monday 26 December), on a month's first day
    first = pd.Period("2023-01-01", period)
    assert cohorts.index[0] == first and cohorts.attrs["first_cohort_complete"] == (period != "W")
    cell_period = cohorts.index.asi8[:, None] + cohorts.columns.to_numpy()[None, :]
    by_hand = (cell_period == last.ordinal) & (not whole) | (cell_period == first.ordinal) & (period == "W")
    assert (partial == (by_hand & cohorts.notna().to_numpy())).all()


def _page(tmp_path, tx, lang="en", digits="latin") -> retention_page.RetentionPage:
    from crmlib.plots.style import use_page_fonts

    use_page_fonts()  # as retention_page.build does: the heatmap's Hindi and Bengali drawn with real fonts
    (tmp_path / "retention").mkdir(parents=True, exist_ok=True)
    return retention_page.RetentionPage(data=Inputs("retention", transactions=tx), first=tx["date"].min(),
                                        end=tx["date"].max(), table=pd.DataFrame(), out=tmp_path / "retention",
                                        words=Words(lang, digits=digits), fmt=Formats(lang, digits=digits))


@pytest.mark.slow
def test_the_sentence_under_the_heatmap_names_the_last_day_and_the_month(tmp_path):
    page = _page(tmp_path, _tx())
    figure, sentence = page.cohort_decay()
    plt.close("all")
    assert sentence.startswith("Every cohort's customers and shares: [cohorts.csv](")
    assert sentence.endswith(". The data end on 3 Jun 2024, inside June 2024: its cells, hatched, count only the days "
                             "up to then, so they are left blank and out of the title and the summary (the file holds "
                             "them).")
    whole = _page(tmp_path / "whole", _tx(last="2024-05-31"))
    assert whole.cohort_decay()[1] == whole.words(rw.COHORT_FILE, link=retention_page.link(whole.out / "cohorts.csv"))
    plt.close("all")


@pytest.mark.parametrize("lang", ["hi", "bn"])
@pytest.mark.slow
def test_the_sentence_reads_in_hindi_and_bengali_with_their_digits(tmp_path, lang):
    page = _page(tmp_path, _tx(), lang=lang, digits="native")
    sentence = page.cohort_decay()[1]
    plt.close("all")
    date = page.fmt.date(pd.Timestamp("2024-06-03"), "medium")
    assert date in sentence and page.fmt.month(pd.Timestamp("2024-06-01")) in sentence
    assert not any(ch in "0123456789" for ch in sentence.split(")", 1)[1])  # after the link: the page's digits
    assert "hatched" not in sentence and "June" not in sentence
