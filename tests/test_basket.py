"""Association rules between categories and the next-best category (crmlib/basket.py)."""

import itertools

import numpy as np
import pandas as pd
import pytest

from crmlib import basket, datasets
from crmlib.exceptions import DataError

# Tan, Steinbach & Kumar, "Introduction to Data Mining" (2006), Table 6.1: the market-basket
# transactions their chapter on association analysis computes support and confidence on.
TEXTBOOK = [
    {"bread", "milk"},
    {"bread", "diapers", "beer", "eggs"},
    {"milk", "diapers", "beer", "cola"},
    {"bread", "milk", "diapers", "beer"},
    {"bread", "milk", "diapers", "cola"},
]


def _transactions(baskets, day="2024-03-01"):
    """One customer-day per basket, every item a row."""
    rows = [(f"c{i}", pd.Timestamp(day), item, 1.0) for i, items in enumerate(baskets) for item in sorted(items)]
    return pd.DataFrame(rows, columns=["customer_id", "date", "category", "amount"])


def _rule(table, a, c):
    return table.set_index(["antecedent", "consequent"]).loc[(a, c)]


def test_rules_match_hand_computation_on_textbook_baskets():
    """Support, confidence and lift of Tan, Steinbach & Kumar's five baskets, counted by hand:
    diapers in 4, beer in 3, both in 3: support 3/5, confidence(diapers -> beer) 3/4, lift (3/4)/(3/5);
    confidence(beer -> diapers) 3/3, lift 1/(4/5). Bread in 4, milk in 4, both in 3: lift 0.9375.
    Exact to floating point (the counts are small integers)."""
    r = basket.rules(_transactions(TEXTBOOK), min_support=0.0)
    d_b = _rule(r, "diapers", "beer")
    assert (d_b["support"], d_b["confidence"], d_b["lift"], d_b["baskets"]) == pytest.approx((0.6, 0.75, 1.25, 3))
    b_d = _rule(r, "beer", "diapers")
    assert (b_d["support"], b_d["confidence"], b_d["lift"]) == pytest.approx((0.6, 1.0, 1.25))
    assert _rule(r, "bread", "milk")["lift"] == pytest.approx(0.75 / 0.8)
    assert _rule(r, "milk", "cola")["confidence"] == pytest.approx(2 / 4)
    assert _rule(r, "cola", "milk")["confidence"] == pytest.approx(2 / 2)
    # eggs and cola never share a basket: no rule, not a rule with support 0
    assert ("eggs", "cola") not in set(zip(r["antecedent"], r["consequent"]))
    assert r.attrs["baskets"] == 5 and r.attrs["multi_item_baskets"] == 5
    assert list(r.columns) == basket.RULE_COLUMNS
    assert r["lift"].is_monotonic_decreasing


def test_rules_thresholds():
    tx = _transactions(TEXTBOOK)
    r = basket.rules(tx, min_support=0.5, min_confidence=0.8)
    assert (r["support"] >= 0.5).all() and (r["confidence"] >= 0.8).all()
    assert set(zip(r["antecedent"], r["consequent"])) == {("beer", "diapers")}
    with pytest.raises(DataError, match="min_support"):
        basket.rules(tx, min_support=5)


def test_a_basket_is_a_customer_day_unless_an_order_column_is_given():
    """The same customer on two days makes two baskets; a repeated item counts once; returns are left out."""
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02", "2024-01-01", "2024-01-01"]),
        "category": ["tea", "tea", "cups", "cups", "tea", "cake"],
        "amount": [1.0, 1.0, 1.0, 1.0, 1.0, -1.0],
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o4"],
    })
    by_day = basket.rules(tx, min_support=0.0)
    assert by_day.attrs["baskets"] == 3  # a on day 1, a on day 2, b on day 1 (b's cake is a return)
    assert _rule(by_day, "tea", "cups")["baskets"] == 1
    assert _rule(by_day, "tea", "cups")["confidence"] == pytest.approx(1 / 2)
    by_order = basket.rules(tx, min_support=0.0, order_col="order_id")
    assert by_order.attrs["baskets"] == 4 and by_order.empty  # no order holds two categories
    by_customer = basket.rules(tx, min_support=0.0, order_col="customer_id")
    assert _rule(by_customer, "cups", "tea")["confidence"] == 1.0
    assert by_customer.attrs["basket"] == "everything one customer bought"


def test_rules_equal_a_brute_force_count():
    rng = np.random.default_rng(42)
    items = list("abcdefg")
    baskets = [set(rng.choice(items, size=rng.integers(1, 5), replace=False)) for _ in range(300)]
    r = basket.rules(_transactions(baskets), min_support=0.0).set_index(["antecedent", "consequent"])
    n = len(baskets)
    for a, c in itertools.permutations(items, 2):
        both = sum(a in b and c in b for b in baskets)
        if both == 0:
            assert (a, c) not in r.index
            continue
        has_a, has_c = sum(a in b for b in baskets), sum(c in b for b in baskets)
        row = r.loc[(a, c)]
        assert row["baskets"] == both
        assert row["support"] == pytest.approx(both / n)
        assert row["confidence"] == pytest.approx(both / has_a)
        assert row["lift"] == pytest.approx(both / has_a / (has_c / n))


def test_rules_need_the_category_column():
    with pytest.raises(DataError, match="'category'"):
        basket.rules(pd.DataFrame({"customer_id": ["a"], "date": [pd.Timestamp("2024-01-01")], "amount": [1.0]}))


@pytest.fixture(scope="module")
def demo():
    return datasets.make_crm_dataset(n_customers=800, seed=7)


def test_next_best_never_suggests_an_owned_category(demo):
    tx = demo.transactions
    offers = basket.next_best_category(tx)
    owned = basket.owned(tx)
    assert len(offers) + offers.attrs["owns_everything"] == len(owned)
    assert not any(owned.loc[cid, cat] for cid, cat in offers["category"].items())
    from_rule = offers[offers["basis"] == "rule"]
    assert (from_rule["lift"] > 1).all()
    assert all(owned.loc[cid, why] for cid, why in from_rule["because"].items())  # the reason is bought


def test_next_best_takes_the_strongest_rule_and_falls_back_to_popular():
    """x owns tea: tea -> cups (confidence 2/4, lift 3/2) beats tea -> cake (1/4, lift 3/4 < 1, never used).
    y owns only jam, which nobody else buys: y gets the most widely bought category y lacks (tea, 4 of 6)."""
    rows = {"a": ["tea", "cups"], "b": ["tea", "cups"], "c": ["tea", "cake"], "x": ["tea"], "y": ["jam"],
            "z": ["cake"]}
    tx = pd.DataFrame([(c, cat, 1.0) for c, cats in rows.items() for cat in cats],
                      columns=["customer_id", "category", "amount"])
    offers = basket.next_best_category(tx, min_support=0.0)
    assert offers.loc["x", "category"] == "cups" and offers.loc["x", "basis"] == "rule"
    assert offers.loc["x", "because"] == "tea"
    assert offers.loc["y", ["category", "basis"]].tolist() == ["tea", "popular"]


def test_next_best_by_segment_counts_customers(demo):
    from crmlib.customers import customer_table

    tx = demo.transactions
    offers = basket.next_best_category(tx)
    segments = customer_table(tx, model=None)["segment"]
    by = basket.next_best_by_segment(offers, segments)
    assert by["customers"].sum() <= len(offers)
    assert ((by["share"] > 0) & (by["share"] <= 1)).all()
    for seg, row in by.iterrows():
        members = offers[segments.reindex(offers.index).astype(str) == seg]
        assert row["customers"] == (members["category"] == row["category"]).sum()
        assert row["customers"] == members["category"].value_counts().max()


def test_category_affinity_keeps_its_columns():
    tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "order_id": ["1", "1", "2"],
                       "category": ["tea", "cups", "tea"], "amount": [1.0] * 3})
    assert "customers_with_both" in basket.category_affinity(tx).columns
    assert "orders_with_both" in basket.category_affinity(tx, by="order_id").columns
    assert len(basket.category_affinity(tx)) == 2  # pairs never bought together are kept


def test_next_best_by_segment_share_is_of_the_whole_segment_and_names_segments_without_an_offer():
    """Before: the share was over the segment's customers who got an offer, under the heading "Share of the
    segment" (About to Sleep: 19 customers, 47.5%, in a segment of 47: 40%), and Champions, whose customers
    buy every category, were left out of the table without a word."""
    tx = pd.DataFrame({"customer_id": ["a", "b", "c", "c", "d", "d", "e", "e", "f", "f"],
                       "category": ["tea", "tea", "tea", "cups", "tea", "cups", "tea", "cups", "tea", "cups"],
                       "amount": [1.0] * 10})
    segments = pd.Series(pd.Categorical(["New", "New", "New", "New", "Champions", "Champions"],
                                        categories=["Champions", "Loyal", "New"]),
                         index=pd.Index(list("abcdef"), name="customer_id"))
    offers = basket.next_best_category(tx)
    assert set(offers.index) == {"a", "b"}  # c, d, e and f buy every category
    by = basket.next_best_by_segment(offers, segments)
    size = segments.astype(str).value_counts()
    assert by.loc["New", "customers"] == 2
    assert by.loc["New", "share"] == pytest.approx(2 / size["New"])  # 2 of the 4 customers of New: 50%, not 100%
    assert by.attrs["no_offer"] == ["Champions"]  # Loyal holds nobody: not a segment without an offer


def _offer_of_one_customer(bought: set, items: list, rule_table: pd.DataFrame, popularity: dict):
    """The documented rule for one customer, read directly: the strongest rule (confidence, then lift) with lift
    above 1 from a category they bought to one they lack; else the most widely bought category they lack."""
    usable = rule_table[(rule_table["lift"] > 1) & rule_table["antecedent"].isin(bought)
                        & ~rule_table["consequent"].isin(bought) & rule_table["consequent"].isin(items)]
    if len(usable):
        best = usable.sort_values(["confidence", "lift"], ascending=False, kind="stable").iloc[0]
        return best["consequent"], best["antecedent"], "rule"
    lacking = [c for c in items if c not in bought]
    return max(lacking, key=lambda c: popularity[c]), "", "popular"


@pytest.mark.parametrize("block", [1, 7, 1 << 18])
@pytest.mark.slow
def test_offers_computed_block_by_block_are_each_customers_own_rule(block, monkeypatch):
    """next_best_category scores customers a block at a time (at once, 4.1 million customers of a 10M-line
    log held 1.3 GB of scores): every block size gives each customer the offer of the rule read one customer
    at a time, and leaves out those who bought every category."""
    monkeypatch.setattr(basket, "OFFER_BLOCK", block)
    rng = np.random.default_rng(11)
    items = ["beauty", "books", "fashion", "grocery", "toys"]
    weights = np.array([0.35, 0.1, 0.3, 0.2, 0.05])
    rows = []
    for i in range(300):
        bought = set(rng.choice(items, size=int(rng.integers(1, 6)), replace=False, p=weights))
        if "books" in bought and rng.random() < 0.8:  # books lead to toys: rules with lift above 1
            bought.add("toys")
        rows += [(f"c{i:03d}", str(item), 1.0) for item in sorted(bought)]
    rows.append(("lonely", "stamps", 1.0))  # no rule leads from stamps: the most popular category instead
    items.append("stamps")
    rows += [("everything", item, 1.0) for item in items]  # buys every category: no offer
    tx = pd.DataFrame(rows, columns=["customer_id", "category", "amount"])
    table = basket.rules(tx, min_support=0.0, order_col="customer_id")
    offers = basket.next_best_category(tx, table)
    owned = basket.owned(tx)
    popularity = owned.mean().to_dict()
    expected = {}
    for cid, row in owned.iterrows():
        bought = set(row.index[row.to_numpy()])
        if len(bought) < len(items):
            expected[cid] = _offer_of_one_customer(bought, items, table, popularity)
    assert offers.attrs["owns_everything"] == len(owned) - len(expected) > 0
    got = {cid: (r["category"], r["because"], r["basis"]) for cid, r in offers.iterrows()}
    assert got == expected
    assert set(offers["basis"]) == {"rule", "popular"} and got["lonely"] == ("beauty", "", "popular")
