"""A reviewer's export ended on the 3rd of a month: the overview drew that month as a collapse (a cliff in the
last point of revenue, orders and active customers, unmarked), and the customer-base title read "3 customers
active in the last period". One rule (crmlib.overview.period_coverage) now says which periods the data cover to
their end; the partial one is drawn hollow, labelled "partial: to 3 Jun 2024", left out of every peak and latest
count, and named in the revenue table and its CSV. The revenue CSV holds every month oldest first."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import overview  # noqa: E402
from crmlib.customers import customer_table  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.plots import overview as plots  # noqa: E402
from crmlib.reports import overview_page  # noqa: E402
from crmlib.words import Words  # noqa: E402
from crmlib.words import overview as ow  # noqa: E402


def _bills(first: str = "2023-01-01", last: str = "2024-06-03", rush: float = 1.0) -> pd.DataFrame:
    """Bills of 40 customers, three a day from ``first`` to ``last`` (an export taken on the 3rd), each with an
    order id; ``rush`` multiplies the amounts of the last three days (a sale right before the export)."""
    days = pd.date_range(first, last, freq="D")
    rng = np.random.default_rng(42)
    date = np.repeat(days, 3)
    amount = rng.gamma(4.0, 100.0, len(date)).round(2) * np.where(date > pd.Timestamp(last) - pd.Timedelta(days=3),
                                                                   rush, 1.0)
    return pd.DataFrame({"customer_id": pd.array([f"c{i % 40:02d}" for i in range(len(date))], dtype="string"),
                         "date": date, "amount": amount,
                         "order_id": pd.array([f"o{i}" for i in range(len(date))], dtype="string")})


@pytest.mark.parametrize("freq, end, complete", [
    ("M", "2024-06-03", [True, True, False]),
    ("M", "2024-06-30", [True, True, True]),
    ("MS", "2024-06-30 18:00", [True, True, True]),  # the end day counts whole, whatever its hour
    ("W", "2024-06-15", [True, True, False]),  # a week runs Monday to Sunday: the 15th is a Saturday
    ("W", "2024-06-16", [True, True, True]),
    ("Q", "2024-12-30", [True, True, False]),
    ("D", "2024-06-03", [True, True, True]),
])
def test_a_period_is_complete_when_the_data_reach_its_last_day(freq, end, complete):
    starts = {"M": pd.date_range("2024-04-01", periods=3, freq="MS"),
              "W": pd.date_range("2024-05-27", periods=3, freq="7D"),
              "Q": pd.date_range("2024-04-01", periods=3, freq="QS"),
              "D": pd.date_range("2024-06-01", periods=3, freq="D")}[freq[0]]
    coverage = overview.period_coverage(starts, freq, end)
    assert coverage["complete"].tolist() == complete
    if not complete[-1]:
        assert coverage["covered_to"].iloc[-1] == pd.Timestamp(end).normalize()
    assert (coverage["covered_to"] >= coverage.index).all()


def test_the_revenue_table_says_which_month_the_data_end_inside_and_the_observation_end_can_close_it():
    tx = _bills()
    months = overview.revenue_by_period(tx)
    assert months["complete"].tolist() == [True] * 17 + [False]
    assert months["covered_to"].iloc[-1] == pd.Timestamp("2024-06-03")
    assert months["covered_to"].iloc[-2] == pd.Timestamp("2024-05-31")
    # the analyst says the data run to the month's end: June is complete (and sold little)
    assert overview.revenue_by_period(tx, observation_end="2024-06-30")["complete"].all()


def _hollow_points(ax) -> list:
    """The x (matplotlib day numbers) of the points drawn hollow: a white marker face."""
    return [x for line in ax.get_lines() if line.get_markerfacecolor() in ("white", "w", (1, 1, 1, 1))
            for x in [line.get_xdata()[-1]]]


def test_revenue_figure_draws_the_partial_month_hollow_labelled_and_leaves_it_out_of_the_peak():
    """Before: the export's last three days were a sale worth more than any month, and the title read
    "Revenue peaks in June 2024", three days against whole months; June was drawn like every other month."""
    months = overview.revenue_by_period(_bills(rush=60.0))
    assert months["revenue"].idxmax() == pd.Timestamp("2024-06-01")  # the partial month holds the most
    ax = plots.revenue_over_time(months, currency="INR")
    assert "June 2024" not in ax.get_title()
    whole = months.loc[months["complete"], "revenue"]
    fmt = Formats("en", currency="INR")
    assert ax.get_title() == Words("en")(ow.TITLE_REVENUE_PEAK_COMPLETE, month=fmt.month(whole.idxmax()),
                                         revenue=fmt.money(whole.max(), 0),
                                         share=fmt.share(whole.max() / whole.mean() - 1, 0))
    assert [t.get_text() for t in ax.texts] == ["partial: to 3 Jun 2024"]
    assert _hollow_points(ax) == [matplotlib.dates.date2num(pd.Timestamp("2024-06-01"))]
    plt.close("all")


def test_orders_figure_names_the_busiest_complete_month_and_marks_the_partial_one():
    months = overview.revenue_by_period(_bills(first="2024-03-01"))
    ax = plots.orders_over_time(months)
    assert "of the complete periods, the most in" in ax.get_title()
    assert [t.get_text() for t in ax.texts] == ["partial: to 3 Jun 2024"]
    assert len(_hollow_points(ax)) == 1
    plt.close("all")


def test_customer_base_title_speaks_of_the_last_complete_month():
    """Before: "Customer base: 9 customers active in the last period, ..." of the three days of June."""
    tx = _bills(first="2024-03-01")
    active, _ = overview.customer_base(tx)
    assert active.iloc[-1] < active.iloc[-2]  # June's three days hold fewer customers than May
    ax = plots.customer_base(tx)
    assert "in May 2024" in ax.get_title() and "last period" not in ax.get_title()
    assert ax.get_title() == Words("en")(ow.TITLE_CUSTOMER_BASE_COMPLETE, active=str(active.iloc[-2]),
                                         period="May 2024", new="40")
    assert [t.get_text() for t in ax.texts] == ["partial: to 3 Jun 2024"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["active customers", "new customers"]
    # to the month's end (the analyst's observation end): June is complete and the title counts it
    ax = plots.customer_base(tx, observation_end="2024-06-30")
    assert ax.get_title() == Words("en")(ow.TITLE_CUSTOMER_BASE, active=str(active.iloc[-1]), new="40")
    assert len(ax.texts) == 0 and _hollow_points(ax) == []
    plt.close("all")


def test_data_within_one_month_say_their_only_period_is_partial():
    tx = _bills(first="2024-06-01")
    months = overview.revenue_by_period(tx)
    title = plots.revenue_over_time(months).get_title()
    assert title.startswith("Revenue in June 2024 up to 3 Jun 2024, the one period of the data, which is partial")
    assert "up to 3 Jun 2024" in plots.customer_base(tx).get_title()
    plt.close("all")


def _page(tmp_path, tx, lang="en", digits="latin") -> overview_page.OverviewPage:
    fmt = Formats(lang, digits=digits)
    return overview_page.OverviewPage(data=SimpleNamespace(transactions=tx, customers=None, frames=[tx]),
                                      table=customer_table(tx, model=None), out=tmp_path / "overview",
                                      words=Words.of(fmt), fmt=fmt)


def test_the_revenue_csv_holds_every_month_oldest_first_and_the_page_the_latest_24(tmp_path):
    """Before: 30 months made a page table of the latest 24 newest first, and a CSV written from it, every
    month newest first, unlike every other table; neither said which month was partial."""
    tx = _bills(first="2022-01-01")  # January 2022 to 3 June 2024: 30 months
    page = _page(tmp_path, tx)
    _, styler = page.revenue()
    written = pd.read_csv(tmp_path / "overview" / "revenue-by-month.csv")
    assert len(written) == 30 and written.iloc[0, 0] == "Jan 2022" and written.iloc[-1, 0] == "Jun 2024"
    assert written["Data cover"].tolist() == ["whole month"] * 29 + ["partial: to 3 Jun 2024"]
    html = styler.to_html()
    shown = re.findall(r"<td[^>]*>((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec) \d{4})</td>", html)
    assert len(shown) == overview_page.MAX_MONTHS == 24
    assert shown[0] == "Jul 2022" and shown[-1] == "Jun 2024"  # the latest 24, oldest first
    assert "The table shows the latest 24 of the 30 months; the CSV file holds every month, oldest first." in html
    assert "revenue-by-month.csv" in html and "partial: to 3 Jun 2024" in html


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_the_partial_month_is_said_in_the_page_language_and_digits(tmp_path, lang):
    page = _page(tmp_path, _bills(first="2024-01-01"), lang, "native")
    _, styler = page.revenue()
    label = page.words(ow.PARTIAL_TO, date=page.fmt.date("2024-06-03", "medium"))
    assert label in styler.to_html() and not re.search("[0-9]", label)
    written = pd.read_csv(tmp_path / "overview" / "revenue-by-month.csv")
    assert written.iloc[-1].tolist()[1] == label and written.iloc[0].tolist()[1] == page.words(ow.WHOLE_MONTH)
    figure = page.customer_base()[0]
    texts = [figure.axes[0].get_title()] + [t.get_text() for t in figure.axes[0].texts]
    assert texts[1:] == [label] and page.fmt.month("2024-05-01") in texts[0]
    assert not [t for t in texts if re.search("[0-9]", t)], texts
    plt.close("all")
