"""The lifetime-value notebook holds calls and prose; its decisions live in crmlib.reports.clv_page (issue 22,
point 2). Before, the notebook computed its output folder, observation and calibration ends, chose which
model the holdout check and tracking follow, and decided with ``if`` on the fitted model, the covariates and
the lifetime value which sections to show and which CSV to write."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import matplotlib
import notebook_checks
import pandas as pd
import pytest

from crmlib import config, datasets
from crmlib.reports import clv_page
from crmlib.words import Words
from crmlib.words import clv as clv_words
from crmlib.words import clv_covariates as covariate_words

matplotlib.use("Agg")


def test_clv_notebook_cells_are_calls_only():
    """Every statement of a code cell is an import, a call, or the one ``page = clv_page.build(...)``."""
    notebook_checks.assert_calls_only_and_short(
        "clv", ["from crmlib.reports import clv_page", "from crmlib.reports.clv_page import show_items"],
        build="clv_page.build")


def test_clv_notebook_passes_every_parameter_to_build():
    """The parameters cell is unchanged and every parameter reaches ``clv_page.build`` under its own name."""
    notebook_checks.assert_every_parameter_reaches_build(
        "clv", ["transactions", "dataset", "customers", "covariates", "freq", "model", "calibration_end",
                "observation_end", "horizon_days", "annual_discount", "currency", "lang", "digits", "top_n",
                "output_dir"])


def test_output_folder_is_reports_clv_of_the_working_folder_unless_given(tmp_path, monkeypatch):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    assert clv_page.output_folder() == tmp_path.resolve() / "reports" / "clv"
    assert clv_page.output_folder(tmp_path / "mine") == tmp_path / "mine"


def test_calibration_ends_two_thirds_of_the_way_to_the_observation_end_unless_given():
    tx = pd.DataFrame({"customer_id": ["a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-04-01"]),
                       "amount": [1.0, 2.0]})
    assert clv_page.calibration_end_of(tx, pd.Timestamp("2024-10-01")) == pd.Timestamp("2024-07-01")  # day 182 of 274
    assert clv_page.calibration_end_of(tx, pd.Timestamp("2024-10-01"), "2024-05-01") == pd.Timestamp("2024-05-01")


def test_heatmap_grid_reads_customers_with_a_history_and_shows_at_least_five_repeat_purchases():
    table = pd.DataFrame({"frequency": [0, 0, 1, 2], "recency": [0, 0, 1, 2], "T": [0, 4, 6, 8]})
    assert clv_page.heatmap_grid(table) == (6.0, 5)  # the customer with T = 0 is left out


def _page_without_models(tmp_path, covariates=None) -> clv_page.ClvPage:
    """A run where no purchase model could be fitted, on the whole data nor on the calibration period."""
    table = pd.DataFrame({"frequency": [0, 0], "recency": [0.0, 0.0], "T": [3.0, 5.0], "segment": ["New", "Lost"]},
                         index=pd.Index(["a", "b"], name="customer_id"))
    table.attrs = {"model": None, "fitted_model": None, "freq": "W", "horizon": 52, "rate": None,
                   "comparison": {"BetaGeo": {"BIC": None, "note": "BetaGeo: nobody made a repeat purchase"}}}
    page = clv_page.ClvPage(data=SimpleNamespace(transactions=None, customers=None),
                            first=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2024-03-01"),
                            calibration_end=pd.Timestamp("2024-02-01"), table=table, calibration=pd.DataFrame(),
                            out=tmp_path / "clv", words=Words("en"), fmt=None, freq="W", currency=None,
                            annual_discount=0.1, covariates=covariates)
    page.__dict__["holdout"] = (pd.DataFrame({"MAE": [float("nan")]}, index=["BetaGeo"]), None, None)
    return page


def test_without_a_model_the_page_says_so_and_leaves_the_value_sections_out(tmp_path):
    page = _page_without_models(tmp_path)
    w = page.words
    assert page.tracking() == [w(clv_words.NO_TRACKING)]
    assert page.activity() == [w(clv_words.NO_MODEL) + " " + w(clv_words.NOT_FITTED, models="BG/NBD")]
    assert page.value() == page.activity()  # the value sentence says why there is no value, once
    # each value section says in one line that it is left out (it was an empty section under its heading)
    assert (page.value_deciles() == page.value_by_segment() == page.top_customers() == page.every_customer()
            == [w(clv_words.NO_VALUE_HERE)])
    assert not (tmp_path / "clv").exists()  # no per-customer CSV without a value


def test_covariate_section_says_how_to_ask_for_covariates_or_why_none_are_shown(tmp_path):
    assert _page_without_models(tmp_path).covariate_effects() == [covariate_words.left_out(None)]
    assert "--customers FILE -p covariates=" in covariate_words.left_out(None)
    given = _page_without_models(tmp_path)  # a customers file given: the hint names only the columns
    given.data = SimpleNamespace(transactions=None, customers=pd.DataFrame({"customer_id": ["a"]}))
    (hint,) = given.covariate_effects()
    assert "-p covariates=col1,col2" in hint and "--customers" not in hint
    asked = _page_without_models(tmp_path, covariates="gold, age").covariate_effects()
    assert asked == [covariate_words.left_out("no_model")]
    assert asked != [covariate_words.left_out(None)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clv_page")
    data = datasets.make_crm_dataset(n_customers=300, seed=5).write(folder / "data")
    return clv_page.build(transactions=str(data["transactions"]), output_dir=folder / "out"), data


@pytest.mark.slow
def test_built_page_checks_the_chosen_model_and_writes_every_customers_value(built):
    from matplotlib.figure import Figure

    page, data = built
    comparison, by_frequency, check = page.holdout
    assert check == page.table.attrs["model"] == "BetaGeo"  # the holdout check follows the model the page uses
    items = page.holdout_check()
    assert [type(i).__name__ for i in items] == ["Styler", "Figure", "Styler"]
    assert isinstance(page.tracking()[0], Figure)
    assert page.calibration_end == clv_page.calibration_end_of(page.tx, page.end)
    assert page.end == pd.Timestamp(pd.read_csv(data["transactions"])["date"].max())
    page.every_customer()
    every = pd.read_csv(page.out / "customer-value.csv")
    assert len(every) == len(page.table) == pd.read_csv(data["transactions"])["customer_id"].nunique()


@pytest.mark.slow
def test_the_holdout_groups_are_labelled_in_the_pages_digits(built):
    """Before: a Hindi page with native digits labelled the groups of repeat purchases 0, 1, ..., 7+ in Latin
    digits, in the table and on the figure's axis, between columns of ११६ and ०.३८."""
    import dataclasses

    from crmlib.formats import Formats

    page, _ = built
    fmt = Formats("hi", digits="native")
    hindi = dataclasses.replace(page, fmt=fmt, words=Words.of(fmt))
    _, figure, table = hindi.holdout_check()
    figure.canvas.draw()
    ticks = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert ticks[:3] == ["०", "१", "२"] and ticks[-1] == "७+", ticks
    groups = table.data.iloc[:, 0].tolist()  # the table shows the groups as its first column
    assert groups[:2] == ["०", "१"] and groups[-1] == "७+", table.data
    assert list(page.holdout[1].index[:2]) == ["0", "1"]  # the data keep their labels; only the page writes them
    matplotlib.pyplot.close("all")


@pytest.mark.slow
def test_every_customer_file_of_a_generated_log_is_the_plain_pandas_file(tmp_path, monkeypatch):
    """customer-value.csv of a generated log (read out of core), written in chunks by crmlib's writer from
    the intervals held in one matrix, is byte for byte the file pandas' to_csv writes from the bounds looked
    up by customer id: the same values, digits and order."""
    from crmlib import clv, safe
    from crmlib.clv.uncertainty import value_intervals

    monkeypatch.setenv("CRMLIB_SECRET", "a-test-secret")
    monkeypatch.setattr(safe, "CHUNK_ROWS", 97)
    log = datasets.make_transactions(6_000, tmp_path / "tx.parquet", seed=4)
    page = clv_page.build(transactions=str(log), output_dir=tmp_path / "out")
    assert page.has_value and page.intervals[0] is not None
    page.every_customer()
    written = (tmp_path / "out" / "customer-value.csv").read_bytes()

    table = page.table
    intervals = value_intervals(table, level=clv_page.INTERVAL_LEVEL)
    bounds = intervals.customers.loc[table.index, ["clv_lower", "clv_upper"]]
    every = table[["p_alive", "expected_purchases", "clv"]].join(bounds).join(table["clv_decile"])
    plain = clv.top_customers(every, by="clv", n=len(every)).reset_index()
    header = next(csv.reader(io.StringIO(written.decode())))
    assert len(plain) > 1000 and len(header) == plain.shape[1]
    assert written == plain.set_axis(header, axis=1).to_csv(index=False).encode()
