"""One definition of purchase day, first purchase, revenue and observation end (issue 22.1):
every part of crmlib agrees on the first purchase of two customers the old rules disagreed on.

a: a refund-only day on 2024-01-01, a purchase on 2024-01-10;
b: a day where +10 and -30 net negative on 2024-01-05, then +15 on 2024-01-20.
Before, the summary and cohorts said a 01-10, b 01-20; tracking and the overview figure a 01-10,
b 01-05; the segment note a 01-01, b 01-05. The rule (README, crmlib.summary): a purchase day is a
day whose net amount is >= 0, so a's is 01-10 and b's 01-20 everywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from crmlib import purchases, rfm_summary
from crmlib.clv.validation import tracking_inputs
from crmlib.exceptions import DataError
from crmlib.retention import cohort_table
from crmlib.segment_words import cohort_note
from crmlib.txlog import TransactionLog

FIRST = {"a": pd.Timestamp("2024-01-10"), "b": pd.Timestamp("2024-01-20")}


def _two() -> pd.DataFrame:
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "b"],
                       "date": pd.to_datetime(["2024-01-01 00:00", "2024-01-10 00:00", "2024-01-05 09:00",
                                               "2024-01-05 17:00",
                                               "2024-01-20 00:00"]),
                       "amount": [-5.0, 20.0, 10.0, -30.0, 15.0]})
    return tx.assign(customer_id=tx["customer_id"].astype("string"), is_return=tx["amount"] < 0)


def _with_crowd() -> pd.DataFrame:
    """a, b and 18 customers first buying on 01-15 (one again on 12-31): 20 for the segment note."""
    crowd = pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(18)] + ["c00"],
                          "date": pd.to_datetime(["2024-01-15"] * 18 + ["2024-12-31"]), "amount": 5.0})
    tx = pd.concat([_two().drop(columns="is_return"), crowd], ignore_index=True)
    return tx.assign(customer_id=tx["customer_id"].astype("string"), is_return=tx["amount"] < 0)


@pytest.fixture(params=["frame", "log"])
def two(request, tmp_path):
    tx = _two()
    if request.param == "frame":
        return tx
    tx.drop(columns="is_return").to_parquet(tmp_path / "two.parquet")
    return TransactionLog(tmp_path / "two.parquet")


def test_first_purchase_is_the_first_day_whose_net_amount_is_not_negative(two):
    first = purchases.first_purchase(two)
    assert first.to_dict() == FIRST
    assert purchases.observation_end(two) == pd.Timestamp("2024-01-20")
    assert purchases.revenue(two).to_dict() == {"a": 15.0, "b": -5.0}
    days = purchases.purchase_days(two)
    assert days.loc[days["is_purchase"], "day"].tolist() == [FIRST["a"], FIRST["b"]]


def test_summary_cohorts_and_tracking_agree_on_the_first_purchase(two):
    summary = rfm_summary(two, observation_end="2024-01-31")
    assert summary["T"].to_dict() == {"a": 21.0, "b": 11.0}  # days from the first purchase to 01-31
    cohorts = cohort_table(two, period="W", observation_end="2024-01-31")
    assert [str(p) for p in cohorts.index] == ["2024-01-08/2024-01-14", "2024-01-15/2024-01-21"]
    first, actual = tracking_inputs(two, freq="D", start="2024-01-01", end="2024-01-31")
    assert first.to_dict() == {"a": 9.0, "b": 19.0}  # was b 4.0: before the T the model is fitted on
    assert actual.sum() == 0  # no repeat purchase day


def test_overview_figure_counts_new_customers_in_the_week_of_their_first_purchase():
    import matplotlib

    matplotlib.use("Agg")
    from crmlib.plots.overview import customer_base

    ax = customer_base(_two(), freq="W")
    new = [line for line in ax.get_lines() if len(line.get_xdata()) == 3][1]  # active, then new customers
    weeks = pd.to_datetime(pd.Series(matplotlib.dates.num2date(new.get_xdata()))).dt.tz_localize(None)
    acquired = dict(zip(weeks.dt.strftime("%m-%d"), new.get_ydata()))
    assert acquired == {"01-01": 0, "01-08": 1, "01-15": 1}  # was 01-01: 1 (b's net-return day)
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("kind", ["frame", "log"])
def test_segment_note_dates_the_single_cohort_from_first_purchases(kind, tmp_path):
    tx = _with_crowd()
    if kind == "log":
        tx.drop(columns="is_return").to_parquet(tmp_path / "crowd.parquet")
        tx = TransactionLog(tmp_path / "crowd.parquet")
    note = cohort_note(tx)
    assert note.startswith("95% of customers made their first purchase between 10 Jan 2024 and 15 Jan 2024, "
                           "6 of the 357 days")  # was 05 Jan to 15 Jan, of 366 days from a's refund


def test_an_empty_frame_has_no_observation_end():
    with pytest.raises(DataError, match="empty"):
        purchases.observation_end(_two().iloc[:0])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_cycle_and_no_private_reach_ins_between_summary_sql_txlog_and_duck():
    """Issue 22.1: summary_sql writes SQL only; the DuckDB side is crmlib.duck; txlog uses both and
    is used by the summary, never the other way round; nothing imports their private names."""
    root = Path(__file__).resolve().parents[1] / "crmlib"
    sql, duck, txlog = (_imports(root / f"{m}.py") for m in ("summary_sql", "duck", "txlog"))
    assert not {m for m in sql if m.startswith(("crmlib.txlog", "crmlib.duck", "crmlib.summary.", "duckdb"))}
    assert not {m for m in duck if m.startswith(("crmlib.txlog", "crmlib.summary", "crmlib.purchases"))} - {
        "crmlib.summary_sql", "crmlib.summary_sql.day_number"}
    assert not {m for m in txlog if m.startswith(("crmlib.summary.", "crmlib.purchases"))}
    for name in ("summary_sql", "duck", "txlog", "summary", "purchases", "retention", "churn"):
        paths = sorted((root / name).glob("*.py")) if (root / name).is_dir() else [root / f"{name}.py"]
        private = {m for path in paths for m in _imports(path)
                   if m.startswith("crmlib.") and m.rsplit(".", 1)[-1].startswith("_")}
        assert not private, (name, private)
    assert "sq._" not in (root / "txlog.py").read_text()
