"""The overview report's tables (issue 20, finding 12), each checked against a computation of its
own, written with plain pandas on a small frame of hand-made transactions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib import overview
from crmlib.customers import customer_table
from crmlib.exceptions import DataError


@pytest.fixture
def tx():
    """Ten rows, four customers, three months (February without sales), one return."""
    return pd.DataFrame({
        "customer_id": pd.array(["a", "a", "b", "b", "c", "c", "d", "a", "b", "d"], dtype="string"),
        "date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-01-20", "2024-03-02", "2024-03-05",
                                "2024-03-05", "2024-04-30", "2024-04-01", "2024-04-02", "2024-04-30"]),
        "amount": [10.0, 5.0, 20.0, -4.0, 7.0, 3.0, 50.0, 8.0, 12.0, 1.0],
        "order_id": pd.array(["o1", "o1", "o2", "o3", "o4", "o4", "o5", "o6", "o7", "o5"], dtype="string"),
        "category": pd.array(["x", "y", "x", "x", "y", "z", "z", "x", None, "z"], dtype="string"),
        "is_return": [False, False, False, True, False, False, False, False, False, False],
    })


@pytest.fixture
def customers():
    return pd.DataFrame({
        "customer_id": pd.array(["a", "b", "c", "e", "f"], dtype="string"),
        "tier": pd.array(["Gold", "Gold", "Silver", None, "Silver"], dtype="string"),
        "email": pd.array([f"{n}@example.com" for n in "abcef"], dtype="string"),
        "signup": pd.to_datetime(["2023-01-01"] * 5),
    })


def test_revenue_by_month_matches_pandas_with_every_month_and_orders(tx):
    got = overview.revenue_by_period(tx, freq="M")
    months = tx["date"].dt.strftime("%Y-%m")
    expected = pd.DataFrame({"revenue": tx.groupby(months)["amount"].sum(),
                             "orders": tx.groupby(months)["order_id"].nunique(),
                             "customers": tx.groupby(months)["customer_id"].nunique()})
    assert list(got.index.strftime("%Y-%m")) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert got.loc["2024-02-01", ["revenue", "orders", "customers", "transactions"]].tolist() == [0, 0, 0, 0]
    for month, row in expected.iterrows():
        assert got.loc[pd.Timestamp(month + "-01"), "revenue"] == pytest.approx(row["revenue"])
        assert got.loc[pd.Timestamp(month + "-01"), "orders"] == row["orders"]
        assert got.loc[pd.Timestamp(month + "-01"), "customers"] == row["customers"]
    assert got["revenue"].sum() == pytest.approx(tx["amount"].sum())
    assert got.loc["2024-04-01", "revenue_per_order"] == pytest.approx((50 + 8 + 12 + 1) / 3)


def test_an_order_counts_once_in_the_month_of_its_first_line_so_months_add_up_to_the_headline(tx):
    """Before: a return dated a month after its order counted the order again in that month, so the
    overview's orders figure said 10,954 orders beside a headline of 10,915 on the demo data."""
    back = pd.DataFrame({"customer_id": pd.array(["a"], dtype="string"), "date": pd.to_datetime(["2024-03-10"]),
                         "amount": [-5.0], "order_id": pd.array(["o1"], dtype="string"),
                         "category": pd.array(["x"], dtype="string"), "is_return": [True]})
    returned = pd.concat([tx, back], ignore_index=True)
    got = overview.revenue_by_period(returned, freq="M")
    assert got["orders"].tolist() == [2, 0, 2, 3]  # o1 in January only; March has o3, o4
    assert got.loc["2024-03-01", "revenue"] == pytest.approx(-4 + 7 + 3 - 5)  # the refund is March's money
    summary = customer_table(returned, model=None)
    assert got["orders"].sum() == overview.headline_numbers(returned, summary)["orders"] == 7


def test_revenue_by_period_has_no_order_columns_without_order_ids(tx):
    got = overview.revenue_by_period(tx.drop(columns="order_id"))
    assert "orders" not in got and "revenue_per_order" not in got
    assert got["transactions"].sum() == len(tx)


def test_category_mix_matches_pandas(tx):
    got = overview.category_mix(tx)
    cat = tx["category"].fillna("(blank)")
    revenue = tx.groupby(cat)["amount"].sum()
    buyers = tx.groupby(cat)["customer_id"].nunique()
    assert list(got.index) == list(revenue.sort_values(ascending=False).index)
    assert got["revenue"].to_dict() == pytest.approx(revenue.to_dict())
    assert got["customers"].to_dict() == buyers.to_dict()
    assert got["revenue_share"].sum() == pytest.approx(1.0)
    assert got.loc["x", "customer_share"] == pytest.approx(2 / 4)  # a and b of four customers
    assert got.loc["z", "revenue_per_customer"] == pytest.approx((3 + 50 + 1) / 2)
    assert got.loc["z", "orders"] == 2


def test_category_mix_without_a_category_column_says_to_leave_the_section_out(tx):
    with pytest.raises(DataError, match="no 'category' column"):
        overview.category_mix(tx.drop(columns="category"))
    assert not overview.has_column(tx.assign(category=pd.NA), "category")


def test_attribute_columns_are_groups_not_pii_dates_or_ids(customers):
    assert overview.attribute_columns(customers) == ["tier"]


def test_attribute_value_matches_pandas_and_adds_up_to_all_revenue(tx, customers):
    table = customer_table(tx, model=None)
    got = overview.attribute_value(customers, table, "tier", min_customers=1)
    revenue = tx.groupby("customer_id")["amount"].sum()  # independent of customer_table
    label = customers.set_index("customer_id")["tier"].fillna("(blank)")
    label = pd.concat([label, pd.Series("(not in the customers file)", index=revenue.index.difference(label.index))])
    per = pd.DataFrame({"label": label, "revenue": revenue.reindex(label.index).fillna(0.0),
                        "buyer": label.index.isin(revenue.index)})
    expected = per.groupby("label").agg(customers=("revenue", "size"), buyers=("buyer", "sum"),
                                        revenue=("revenue", "sum"))
    assert set(got.index) == set(expected.index)
    for value, row in expected.iterrows():
        assert got.loc[value, "customers"] == row["customers"]
        assert got.loc[value, "buyers"] == row["buyers"]
        assert got.loc[value, "revenue"] == pytest.approx(row["revenue"])
    assert got["revenue"].sum() == pytest.approx(tx["amount"].sum())
    assert got.loc["Gold", "revenue_per_buyer"] == pytest.approx((23 + 28) / 2)
    assert np.isnan(got.loc["(blank)", "revenue_per_buyer"])  # e bought nothing: no buyer, no mean
    assert list(got.index[-2:]) == ["(blank)", "(not in the customers file)"]


def test_attribute_value_merges_small_groups_so_no_row_is_one_person(tx, customers):
    table = customer_table(tx, model=None)
    got = overview.attribute_value(customers, table, "tier", min_customers=2)
    assert "(other values)" in got.index and "(blank)" not in got.index
    assert got.loc["(other values)", "customers"] == 1  # the one blank-tier customer
    assert got["customers"].sum() == 6


def test_attribute_value_reports_mean_clv_when_the_table_has_it(tx, customers):
    table = customer_table(tx, model=None).assign(clv=lambda t: np.arange(len(t), dtype=float))
    got = overview.attribute_value(customers, table, "tier", min_customers=1)
    assert got.loc["Gold", "mean_clv"] == pytest.approx(table.loc[["a", "b"], "clv"].mean())


def test_revenue_summary_counts_orders_only_when_there_are_order_ids(tx):
    table = customer_table(tx, model=None)
    with_orders = overview.revenue_summary(tx, table, currency="INR")["value"]
    assert with_orders["orders"] == "7"
    assert with_orders["net revenue per order"] == f"{tx['amount'].sum() / 7:,.2f} INR"
    assert "orders" not in overview.revenue_summary(tx.drop(columns="order_id"), table)["value"]


@pytest.mark.slow
def test_overview_page_shows_revenue_orders_categories_and_attributes_or_says_why_not(tmp_path):
    """Finding 12 on the page: the report on a small demo export carries revenue by month, orders,
    the category mix and the customers by attribute with their revenue; on the same transactions
    without category and order id columns (and no customers file) each of those sections is left
    out with a sentence, and revenue over time stays."""
    import re

    from crmlib import datasets, reports

    paths = datasets.make_crm_dataset(n_customers=120, seed=5).write(tmp_path / "data")
    plain = tmp_path / "plain.csv"
    pd.read_csv(paths["transactions"]).drop(columns=["category", "order_id"]).to_csv(plain, index=False)
    full = reports.run_reports(["overview"], out_dir=tmp_path / "full", jobs=1,
                               inputs={"transactions": str(paths["transactions"]), "customers": str(paths["customers"])})
    bare = reports.run_reports(["overview"], out_dir=tmp_path / "bare", jobs=1, inputs={"transactions": str(plain)})
    assert full.ok and bare.ok, (full.summary(), bare.summary())

    def text(batch):
        page = batch.reports[0].html_path.read_text(encoding="utf-8")
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))

    full_text, bare_text = text(full), text(bare)
    for heading in ("Revenue over time", "Orders", "Category mix", "Customers by attribute"):
        assert heading in full_text and heading in bare_text
    assert "Revenue per order" in full_text and "Share of customers" in full_text
    assert "Revenue per buyer" in full_text and "Loyalty tier" in full_text
    assert "has no order id column" not in full_text and "has no order id column" in bare_text
    assert "has no category column" not in full_text and "has no category column" in bare_text
    assert "revenue and value by city, tier" in bare_text
    written = {p.name for p in (tmp_path / "full" / "overview").iterdir()}
    assert {"revenue-by-month.csv", "category-mix.csv", "customers-by-city.csv",
            "customers-by-loyalty-tier.csv"} <= written
    assert "category-mix.csv" not in {p.name for p in (tmp_path / "bare" / "overview").iterdir()}
    months = pd.read_csv(tmp_path / "full" / "overview" / "revenue-by-month.csv")
    assert len(months) == 24  # two years of the demo export, month by month
    for email in pd.read_csv(paths["customers"])["email"].dropna().head(20):
        assert email not in full_text


def _by_size(sizes: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A customers file whose attribute ``tier`` holds each value of ``sizes`` that many times, and a customer
    table in which every customer spent 10 times its position (so groups differ in revenue per buyer)."""
    tiers = [v for v, n in sizes.items() for _ in range(n)]
    ids = [f"c{i}" for i in range(len(tiers))]
    customers = pd.DataFrame({"customer_id": pd.array(ids, dtype="string"), "tier": pd.array(tiers, dtype="string")})
    table = pd.DataFrame({"revenue": 10.0 * np.arange(1, len(ids) + 1)}, index=pd.Index(ids, name="customer_id"))
    return customers, table


def test_attribute_value_merges_below_the_size_the_loaders_screen_at():
    """Before: the loaders showed values of fewer than 3 customers as "other (fewer than 3 customers)" while
    the overview merged values of fewer than 5 into "(other values)", and the page's prose said five: two
    sizes for one rule. Now both are crmlib.screening.MIN_GROUP."""
    from crmlib.screening import MIN_GROUP, RARE

    customers, table = _by_size({"Gold": 10, "Silver": MIN_GROUP, "Bronze": MIN_GROUP - 1, RARE: 4})
    got = overview.attribute_value(customers, table, "tier")
    assert got.loc["Silver", "customers"] == MIN_GROUP  # a group of the screening's size is shown
    assert "Bronze" not in got.index and got.loc[overview.OTHER, "customers"] == MIN_GROUP - 1
    # the merged rows come last, the loaders' rare values too, though they hold more customers than Silver
    assert list(got.index) == ["Gold", "Silver", RARE, overview.OTHER]
