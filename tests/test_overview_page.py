"""The overview notebook holds calls and prose; its decisions live in crmlib.reports.overview_page (issue 22,
point 2). Before, the notebook computed its output folder and ledger, listed the loaders' notes, and decided
with ``if`` and ``for`` on the order id, category and channel columns and the customers file which sections
to show and which CSV each attribute is written to."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import notebook_checks
import numpy as np
import pandas as pd
import pytest

from crmlib import config
from crmlib.customers import customer_table
from crmlib.formats import Formats
from crmlib.ledger import Ledger, attach, ledger_of
from crmlib.reports import overview_page
from crmlib.words import Words
from crmlib.words import overview as ow

matplotlib.use("Agg")

PARAMETERS = ["transactions", "dataset", "customers", "observation_end", "freq", "currency", "lang", "digits",
              "output_dir"]


def test_overview_notebook_cells_are_calls_only_and_short():
    notebook_checks.assert_calls_only_and_short("overview")


def test_overview_notebook_passes_every_parameter_to_build():
    """The parameters cell is unchanged and every parameter reaches ``build`` under its own name."""
    notebook_checks.assert_every_parameter_reaches_build("overview", PARAMETERS)


def test_output_folder_is_reports_overview_of_the_working_folder_unless_given(tmp_path, monkeypatch):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    assert overview_page.output_folder() == tmp_path.resolve() / "reports" / "overview"
    assert overview_page.output_folder(tmp_path / "mine") == tmp_path / "mine"


def test_loader_notes_list_every_frames_notes_or_nothing():
    a = attach(pd.DataFrame({"x": [1]}), Ledger("a.csv", "transactions"))
    b = attach(pd.DataFrame({"y": [2]}), Ledger("b.csv", "customers"))
    ledger_of(a).notes.extend(["first note", "second note"])
    ledger_of(b).notes.append("third note")
    # each note after its file, escaped as Markdown (the "." after "a.csv" stays, the ":" is escaped)
    assert overview_page.loader_notes([a, b]) == ("- a.csv\\: first note\n- a.csv\\: second note\n"
                                                  "- b.csv\\: third note")
    assert overview_page.loader_notes([pd.DataFrame(), attach(pd.DataFrame(), Ledger("c.csv", "x"))]) is None


def test_attribute_csv_names_use_hyphens():
    assert overview_page.attribute_csv_name("city") == "customers-by-city.csv"
    assert overview_page.attribute_csv_name("loyalty_tier") == "customers-by-loyalty-tier.csv"


def test_months_are_written_short_in_the_page_language():
    months = pd.DataFrame({"revenue": [1.0, 2.0]}, index=pd.DatetimeIndex(["2024-01-01", "2024-02-01"]))
    assert overview_page.months_on_page(months, Formats("en")).index.tolist() == ["Jan 2024", "Feb 2024"]
    hindi = overview_page.months_on_page(months, Formats("hi"))
    assert hindi.index.name == "month" and hindi.index[0] != "Jan 2024" and "2024" in hindi.index[0]


def _transactions(n_customers: int = 30, **columns) -> pd.DataFrame:
    rng = np.random.default_rng(42)
    ids = [f"c{i:02d}" for i in range(n_customers) for _ in range(1 + i % 3)]
    frame = pd.DataFrame({"customer_id": ids,
                          "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, len(ids)), "D"),
                          "amount": rng.gamma(2.0, 50.0, len(ids)).round(2)})
    return frame.assign(**{k: [v[i % len(v)] for i in range(len(ids))] for k, v in columns.items()})


def _page(tmp_path, tx, customers=None) -> overview_page.OverviewPage:
    table = customer_table(tx, model=None)
    return overview_page.OverviewPage(data=SimpleNamespace(transactions=tx, customers=customers, frames=[tx]),
                                      table=table, out=tmp_path / "overview", words=Words("en"), fmt=Formats("en"))


def test_without_order_id_category_channel_and_customers_each_section_says_what_is_missing(tmp_path):
    page = _page(tmp_path, _transactions())
    w = page.words
    assert page.orders() == [w(ow.NO_ORDER_ID)]
    assert page.category_mix() == [w(ow.NO_CATEGORY)]
    assert page.channel_mix() == [w(ow.NO_CHANNEL)]
    assert page.by_attribute() == [w(ow.LEFT_OUT_CUSTOMERS, file="customers", flag="--customers")]
    no_attributes = _page(tmp_path, page.tx, customers=pd.DataFrame({"customer_id": page.table.index}))
    assert no_attributes.by_attribute() == [w(ow.NO_ATTRIBUTES)]
    assert not (tmp_path / "overview").exists()  # nothing above writes a CSV


@pytest.mark.slow
def test_sections_with_the_columns_show_a_figure_and_write_their_tables(tmp_path):
    tx = _transactions(order_id=[f"o{i}" for i in range(200)], category=["food", "toys"], channel=["web", "store"])
    customers = pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(30)],
                              "city": ["Pune", "Delhi", "Kolkata"] * 10, "loyalty_tier": ["Gold", "Silver"] * 15})
    page = _page(tmp_path, tx, customers)
    assert [type(i).__name__ for i in page.orders()] == ["Figure"]
    assert [type(i).__name__ for i in page.channel_mix()] == ["Figure"]
    assert [type(i).__name__ for i in page.category_mix()] == ["Figure", "Styler"]
    assert [type(i).__name__ for i in page.by_attribute()] == ["str"] + ["Figure", "Styler"] * 2
    written = sorted(p.name for p in (tmp_path / "overview").iterdir())
    assert written == ["category-mix.csv", "customers-by-city.csv", "customers-by-loyalty-tier.csv"]
    by_city = pd.read_csv(tmp_path / "overview" / "customers-by-city.csv")
    assert by_city.iloc[:, 0].tolist().count("Pune") == 1 and len(by_city) == 3


def test_revenue_section_writes_every_month_and_data_quality_adds_the_loaders_notes(tmp_path):
    tx = attach(_transactions(), Ledger("transactions.csv", "transactions"))
    ledger_of(tx).notes.append("A planted note.")
    page = _page(tmp_path, tx)
    figure, _ = page.revenue()
    months = pd.read_csv(tmp_path / "overview" / "revenue-by-month.csv")
    assert len(months) == len(page.months) == tx["date"].dt.to_period("M").nunique()
    assert months.iloc[:, 0].iloc[0] == "Jan 2024"
    assert months["Revenue"].sum() == pytest.approx(tx["amount"].sum())
    from crmlib.words import quality

    # nothing dropped, changed or flagged: a sentence, not an empty table (and no empty CSV)
    assert page.data_quality() == [page.words(quality.NOTHING), "- transactions.csv\\: A planted note."]
    assert not (tmp_path / "overview" / "data-quality.csv").exists()


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_the_page_says_the_size_below_which_values_are_merged_from_the_code(tmp_path, lang):
    """Before: the notebook's prose said "values held by fewer than five customers are merged" while the
    data-quality row said "fewer than 3 customers"; the number is now crmlib.screening.MIN_GROUP, written by
    the page's Formats, and the prose holds no number."""
    import json

    from crmlib import overview
    from crmlib.screening import MIN_GROUP

    customers = pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(30)], "city": ["Pune", "Delhi"] * 15})
    page = _page(tmp_path, _transactions(), customers)
    page.words, page.fmt = Words(lang, digits="native"), Formats(lang, digits="native")
    sentence = page.by_attribute()[0]
    assert sentence == page.words(ow.SMALL_VALUES_MERGED, count=page.fmt.count(MIN_GROUP))
    assert page.fmt.count(MIN_GROUP) in sentence
    assert overview.attribute_value.__defaults__[0] == MIN_GROUP
    cells = json.loads((Path(overview_page.__file__).parent.parent / "notebooks" / "overview.ipynb").read_text())
    prose = " ".join("".join(c["source"]) for c in cells["cells"] if c["cell_type"] == "markdown")
    assert "fewer than" not in prose and "five" not in prose


def _months(n: int) -> pd.DataFrame:
    """Every month of ``n`` months from January 2023, the latest one the best."""
    return pd.DataFrame({"revenue": np.arange(1.0, n + 1), "transactions": np.arange(1, n + 1)},
                        index=pd.date_range("2023-01-01", periods=n, freq="MS").rename("period"))


@pytest.mark.parametrize("n", [18, overview_page.MAX_MONTHS, overview_page.MAX_MONTHS + 6])
def test_the_revenue_table_shows_the_latest_months_and_says_how_many(tmp_path, n):
    """Before: the table under "Revenue over time" showed the oldest 12 of 18 months ("12 of 18 rows shown"):
    the peak month the figure's title named (April 2024) and every recent month were missing."""
    page = _page(tmp_path, _transactions())
    page.__dict__["months"] = _months(n)  # the cached property, as revenue_by_period would give it
    _, styler = page.revenue()
    html = styler.to_html()
    shown = re.findall(r"<td[^>]*>((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec) \d{4})</td>", html)
    latest = page.fmt.month(page.months.index[-1], "short")
    assert latest in shown and len(shown) == min(n, overview_page.MAX_MONTHS)
    if n > overview_page.MAX_MONTHS:  # cut: the latest months, oldest first like the CSV, and the note says so
        first = page.fmt.month(page.months.index[n - overview_page.MAX_MONTHS], "short")
        assert shown[0] == first and shown[-1] == latest
        assert page.words(ow.MONTHS_LATEST, shown=str(len(shown)), total=str(n)) in html
    else:  # all of them, oldest first, and no note of a cut
        assert shown[0] == "Jan 2023" and "rows shown" not in html
    assert len(pd.read_csv(tmp_path / "overview" / "revenue-by-month.csv")) == n  # the CSV holds every month
