"""The overview report's tables of a TransactionLog (files read out of core by DuckDB,
crmlib.log_tables) equal those of the loaded frame (issue 24.3): headline numbers, revenue, lines,
customers and orders per period, the category and channel mix and the customer base. A planted
email in ``category`` is redacted in both. Counts compared exactly, money within 1e-9 (float sums
taken in another order)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib import TransactionLog, overview, read_transactions
from crmlib.customers import customer_table
from crmlib.datasets import make_transactions


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    """A generated log (returns, zero amounts, copies with an order_id) with a copy without an order
    id, a blank and an emailed category, an upper-case channel and a row without an id."""
    path = make_transactions(6_000, tmp_path_factory.mktemp("ovlog") / "log.parquet", seed=11, chunk_rows=3_000)
    tx = pd.read_parquet(path)
    extra = tx.iloc[:6].copy()
    extra["customer_id"] = ["z1", "z1", "z2", "z3", None, "z4"]
    extra["order_id"] = [None, None, "Q1", "Q2", "Q3", "Q4"]
    extra["category"] = ["toys", "toys", "  ", "ravi@example.com", "toys", None]
    extra["channel"] = ["WEB", "WEB", "app", "app", "app", "Store "]
    pd.concat([tx, extra], ignore_index=True).to_parquet(path)
    return path


@pytest.mark.parametrize("end", [None, pytest.param("2024-06-30", marks=pytest.mark.slow)])
def test_overview_tables_of_a_log_equal_the_frame(path, end):
    frame = read_transactions(path, observation_end=end)
    log = TransactionLog(str(path), observation_end=end)
    table_f = customer_table(frame, observation_end=end, model=None)
    table_l = customer_table(log, observation_end=end, model=None)
    for column in ("order_id", "category", "channel"):
        assert overview.has_column(log, column) == overview.has_column(frame, column)
    head_f, head_l = overview.headline_numbers(frame, table_f), overview.headline_numbers(log, table_l)
    assert head_l.keys() == head_f.keys()
    for key, value in head_f.items():
        if key in ("first", "last"):
            assert head_l[key] == value.normalize()
        else:
            assert head_l[key] == pytest.approx(value, rel=1e-9), key
    for freq in ("M", "W", "Q"):
        pd.testing.assert_frame_equal(overview.revenue_by_period(log, freq), overview.revenue_by_period(frame, freq),
                                      check_exact=False, rtol=1e-9)
    mix_f, mix_l = overview.category_mix(frame), overview.category_mix(log)
    pd.testing.assert_frame_equal(mix_l, mix_f, check_exact=False, rtol=1e-9, check_index_type=False)
    assert "[email]" in mix_l.index and not mix_l.index.str.contains("ravi").any()
    channels = [overview.channel_totals(t).sort_index() for t in (log, frame)]
    pd.testing.assert_frame_equal(*channels,
                                  check_exact=False, rtol=1e-9, check_index_type=False, check_dtype=False)
    for got, want in zip(overview.customer_base(log), overview.customer_base(frame)):
        pd.testing.assert_series_equal(got, want, check_names=False, check_dtype=False, check_freq=False)


def test_spend_histogram_of_a_log_counts_the_purchase_days_of_the_frame(path):
    from crmlib.log_tables import purchase_amount_bins

    amounts = overview.purchase_days(read_transactions(path))
    amounts = amounts[amounts > 0]
    bins, median = purchase_amount_bins(TransactionLog(str(path)), bins=40)
    assert median == pytest.approx(amounts.median(), rel=1e-12)
    assert bins["count"].sum() == len(amounts)
    counts, _ = np.histogram(np.log10(amounts), bins=np.log10(np.r_[bins["left"], bins["right"].iloc[-1]]))
    assert (counts == bins["count"].to_numpy()).all()


def _visible(page: str, out_dir, transactions: str) -> list[str]:
    """The page's text, line by line, without its styles, figures, run facts (paths, sizes, hashes,
    times) and the data-quality table's example rows (the out-of-core ledger does not number rows)."""
    import re

    # the run's time is a <time> element (crmlib.reports.page.time_html): two runs may straddle a minute
    page = re.sub(r"<style.*?</style>|<img[^>]*>|<time[^>]*>.*?</time>", "", page, flags=re.S)
    page = re.sub(r"Input files:.*?</p>", "", page, flags=re.S)
    lines = [line.strip() for line in re.sub(r"<[^>]+>", "\n", page).splitlines()]
    run = re.compile(r"/tmp|sha256|\d\d:\d\d:\d\d|^\d[\d.,]* s$|B, \d+ rows\)|^[\d, ]+$|^[0-9a-f]{12}$")
    return [line.replace(transactions, "TX").replace(str(out_dir), "OUT") for line in lines
            if line and not run.search(line)]


@pytest.mark.slow
def test_overview_page_of_a_log_equals_the_page_of_the_loaded_file(tmp_path):
    """Issue 24.3: the overview report on the demo export read as a log (a glob, out of core) shows
    the same sentences, headline, revenue by month, category mix and customers by attribute as on
    the file read into pandas; and the CSVs behind it hold the same tables."""
    from crmlib import datasets, reports

    paths = datasets.make_crm_dataset(n_customers=300, seed=8).write(tmp_path / "data")
    pages = {}
    glob = str(paths["transactions"]).replace(".csv", "*.csv")  # a glob: read out of core
    for name, given in (("frame", str(paths["transactions"])), ("log", glob)):
        batch = reports.run_reports(["overview"], out_dir=tmp_path / name, jobs=1,
                                    inputs={"transactions": given, "customers": str(paths["customers"])})
        assert batch.ok, batch.summary()
        pages[name] = _visible(batch.reports[0].html_path.read_text(encoding="utf-8"), tmp_path / name, given)
    assert len(pages["frame"]) > 100 and "Category mix" in pages["frame"]
    assert pages["log"] == pages["frame"]
    for csv in ("revenue-by-month.csv", "category-mix.csv", "customers-by-city.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "log" / "overview" / csv),
                                      pd.read_csv(tmp_path / "frame" / "overview" / csv), rtol=1e-12)
