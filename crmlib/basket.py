"""Cross-selling: which categories are bought together, association rules, and the next best category.

For categories A and B over baskets (a basket is a customer-day, an order, or all of a customer's
purchases):

* support(A, B) = share of baskets holding both;
* confidence(A -> B) = support(A, B) / support(A): of the baskets holding A, the share holding B;
* lift(A -> B) = confidence(A -> B) / support(B): how much more likely B is with A than in any
  basket. Lift above 1 marks a cross-selling opportunity; below 1, categories that attract
  different baskets.

These are the measures of association-rule mining (Agrawal, Imielinski & Swami 1993).

How the rules are computed, and why not mlxtend
-----------------------------------------------
:func:`rules` finds rules between *pairs* of categories (one antecedent, one consequent), which is
what a category-level cross-sell needs. All pair counts come from one sparse matrix product
``B.T @ B`` of the basket-by-category indicator matrix ``B`` (SciPy sparse, already a crmlib
dependency), so the cost grows with the number of transactions and the square of the number of
categories, never with the number of candidate itemsets. mlxtend (0.25, apriori/fpgrowth +
association_rules) gives the same numbers (checked to 1e-16) but wants a dense one-hot table of every
basket: on 560,000 customer-day baskets of 7 categories, its TransactionEncoder took 25 s to build it
and apriori 0.05 s after that, while this module builds the sparse matrix and all rules in 0.3 s.
The work is in building baskets, which crmlib must do either way; the pair counting left for mlxtend
is one matrix product, not worth a dependency. Rules with several antecedents ({A, B} -> C) are not
computed: at category level they are rarely supported and hard to act on;
use mlxtend directly where you need them.

>>> import pandas as pd
>>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
...                    "category": ["tea", "cups", "tea", "cups", "tea"], "amount": [1.0] * 5})
>>> top = category_affinity(tx).iloc[0]
>>> top["antecedent"], top["consequent"], float(top["confidence"]), float(top["lift"])
('cups', 'tea', 1.0, 1.0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from crmlib.errors import require_columns
from crmlib.exceptions import DataError

#: Columns of :func:`rules`.
RULE_COLUMNS = ["antecedent", "consequent", "support", "confidence", "lift", "baskets"]


def _is_log(transactions) -> bool:
    from crmlib.txlog import TransactionLog

    return isinstance(transactions, TransactionLog)


def _purchases(transactions: pd.DataFrame, needed, caller: str) -> pd.DataFrame:
    """Purchase rows (returns and negative amounts left out) that have every column of ``needed``."""
    require_columns(transactions, needed, caller, "transactions", "Load them with crmlib.read_transactions.")
    tx = transactions
    if "is_return" in tx.columns:
        tx = tx[~tx["is_return"].fillna(False).astype(bool)]
    if "amount" in tx.columns:
        tx = tx[tx["amount"] >= 0]
    tx = tx.dropna(subset=list(needed))
    if tx.empty:
        raise DataError(f"{caller}: no purchases with a {needed[-1]} to analyse (returns are left out).")
    return tx


def _pair_table(both: np.ndarray, n: int, items: np.ndarray, keep_empty: bool) -> pd.DataFrame:
    """Every ordered pair (a, b), a != b, from the item-by-item count matrix ``both`` over ``n`` baskets."""
    single = np.diag(both).astype(np.float64) / n
    a, b = np.meshgrid(np.arange(len(items)), np.arange(len(items)), indexing="ij")
    off = (a != b) if keep_empty else (a != b) & (both > 0)
    count = both[off].astype(np.int64)
    support = count / n
    confidence = support / single[a[off]]
    return pd.DataFrame({"antecedent": items[a[off]], "consequent": items[b[off]], "support": support,
                         "confidence": confidence, "lift": confidence / single[b[off]], "baskets": count})


def _sorted(out: pd.DataFrame) -> pd.DataFrame:
    return out.sort_values(["lift", "support", "antecedent", "consequent"],
                           ascending=[False, False, True, True], ignore_index=True)


def category_affinity(transactions: pd.DataFrame, by: str = "customer_id", min_support: float = 0.0) -> pd.DataFrame:
    """Every ordered pair of categories with support, confidence and lift, strongest lift first.

    ``by`` is the basket: ``"customer_id"`` (bought by the same customer at any time) or
    ``"order_id"`` (in the same order). Returns are left out. Pairs never bought together are
    kept (support 0) unless ``min_support`` leaves them out; :func:`rules` is the same measure
    with a choice of basket and confidence threshold.
    """
    tx = _purchases(transactions, (by, "category"), "category_affinity")
    basket = pd.crosstab(tx[by], tx["category"]).gt(0)
    m = basket.to_numpy(dtype=np.float64)
    out = _pair_table(m.T @ m, len(basket), basket.columns.to_numpy(), keep_empty=True)
    out = out.rename(columns={"baskets": "customers_with_both" if by == "customer_id" else "orders_with_both"})
    return _sorted(out[out["support"] >= min_support])


def basket_matrix(transactions: pd.DataFrame, level: str = "category", order_col: str | None = None):
    """The sparse basket-by-item indicator matrix, with the item names and the basket keys.

    A basket is one customer's purchases on one day (``customer_id`` and calendar day of
    ``date``), or the rows sharing a value of ``order_col`` when it is given; pass
    ``order_col="customer_id"`` for all of a customer's purchases at any time. Items are the
    values of the column ``level``. Returns ``(matrix, items, n_items_per_basket)``.
    """
    key_cols = ("customer_id", "date") if order_col is None else (order_col,)
    tx = _purchases(transactions, (*key_cols, level), "rules")
    if order_col is None:
        customer, _ = pd.factorize(tx["customer_id"])
        day, days = pd.factorize(pd.to_datetime(tx["date"]).dt.normalize())
        basket_codes, _ = pd.factorize(customer.astype(np.int64) * max(len(days), 1) + day)
    else:
        basket_codes, _ = pd.factorize(tx[order_col])
    item_codes, items = pd.factorize(tx[level], sort=True)
    m = sparse.coo_matrix((np.ones(len(tx), dtype=np.int8), (basket_codes, item_codes)),
                          shape=(int(basket_codes.max()) + 1, len(items))).tocsr()
    m.data[:] = 1  # several rows of one item in one basket count once
    m = m.astype(np.int32)
    return m, np.asarray(items, dtype=object), np.asarray(m.sum(axis=1)).ravel()


def rules(transactions: pd.DataFrame, min_support: float = 0.01, min_confidence: float = 0.0,
          level: str = "category", order_col: str | None = None) -> pd.DataFrame:
    """Association rules ``antecedent -> consequent`` between items (categories by default).

    A basket is one customer's purchases on one day, or one value of ``order_col`` when given
    (``order_col="customer_id"``: everything a customer ever bought). Returns (rows with
    ``is_return`` or a negative amount) are left out. A rule is kept when the share of baskets
    holding both items is at least ``min_support`` and its confidence at least
    ``min_confidence``. Columns: ``antecedent, consequent, support, confidence, lift, baskets``
    (the number of baskets holding both), strongest lift first. ``attrs``: ``baskets`` (their
    number), ``multi_item_baskets`` (baskets holding two or more items: only these can support
    a rule) and ``basket`` (what a basket is, in words).

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 5),
    ...                    "category": ["tea", "cups", "tea", "cups", "tea"], "amount": [1.0] * 5})
    >>> rules(tx, min_support=0.5)[["antecedent", "consequent", "confidence", "baskets"]]
      antecedent consequent  confidence  baskets
    0       cups        tea    1.000000        2
    1        tea       cups    0.666667        2
    """
    for name, value in (("min_support", min_support), ("min_confidence", min_confidence)):
        if not (isinstance(value, (int, float, np.number)) and 0 <= value <= 1):
            raise DataError(f"rules: {name} is a share between 0 and 1, got {value!r}.")
    if _is_log(transactions):  # the pair counts from DuckDB (crmlib.log_tables), not the rows
        from crmlib.log_tables import basket_counts

        both, n, items, multi = basket_counts(transactions, level=level, order_col=order_col)
    else:
        m, items, sizes = basket_matrix(transactions, level=level, order_col=order_col)
        n, both, multi = m.shape[0], (m.T @ m).toarray(), int((sizes >= 2).sum())
    out = _pair_table(both, n, items, keep_empty=False)
    out = _sorted(out[(out["support"] >= min_support) & (out["confidence"] >= min_confidence)])
    out.attrs.update(baskets=int(n), multi_item_baskets=multi,
                     basket=("one customer's purchases on one day" if order_col is None
                             else "everything one customer bought" if order_col == "customer_id"
                             else f"one {order_col}"))
    return out


def owned(transactions: pd.DataFrame, level: str = "category") -> pd.DataFrame:
    """Customer-by-item table of booleans: True where the customer has bought the item (returns left out)."""
    if _is_log(transactions):
        from crmlib.log_tables import owned as owned_in_sql

        return owned_in_sql(transactions, level)
    tx = _purchases(transactions, ("customer_id", level), "owned")
    out = pd.crosstab(tx["customer_id"].astype(str), tx[level].astype(str)).gt(0)
    out.index.name, out.columns.name = "customer_id", level
    return out


def next_best_category(transactions: pd.DataFrame, rule_table: pd.DataFrame | None = None,
                       level: str = "category", min_support: float = 0.01) -> pd.DataFrame:
    """For each customer, the one category to offer next that they have never bought.

    The offer is the consequent of the strongest rule (highest confidence, then lift) among the
    rules with lift above 1 whose antecedent the customer has bought (``basis="rule"``); a customer
    none of whose categories leads anywhere new gets the most widely bought category they lack
    (``basis="popular"``). ``rule_table`` defaults to :func:`rules` over customers
    (``order_col="customer_id"``, ``min_support``): "customers who buy A also buy B". A category
    the customer already bought is never offered; customers who bought every category are left
    out (counted in ``attrs["owns_everything"]``).

    Columns: ``category`` (the offer), ``because`` (the antecedent, empty for ``popular``),
    ``confidence``, ``lift``, ``basis``; indexed by ``customer_id``.

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "d"],
    ...                    "category": ["tea", "cups", "tea", "cups", "tea", "cups"], "amount": [1.0] * 6})
    >>> next_best_category(tx)["category"].to_dict()
    {'c': 'cups', 'd': 'tea'}
    """
    have = owned(transactions, level)
    if rule_table is None:
        rule_table = rules(transactions, min_support=min_support, level=level, order_col="customer_id")
    items = have.columns.to_numpy()
    k = len(items)
    pos = {c: i for i, c in enumerate(items)}
    useful = rule_table[(rule_table["lift"] > 1) & rule_table["antecedent"].isin(pos)
                        & rule_table["consequent"].isin(pos)]
    conf = np.zeros((k, k))
    lift = np.zeros((k, k))
    ia, ic = useful["antecedent"].map(pos).to_numpy(int), useful["consequent"].map(pos).to_numpy(int)
    conf[ia, ic], lift[ia, ic] = useful["confidence"].to_numpy(float), useful["lift"].to_numpy(float)
    h = have.to_numpy()
    popularity = h.mean(axis=0)
    choice, chosen_from = np.empty(len(h), dtype=np.intp), np.empty(len(h), dtype=np.intp)
    for start in range(0, len(h), OFFER_BLOCK):  # bounded memory: a block's customers x categories at a time
        block = slice(start, start + OFFER_BLOCK)
        choice[block], chosen_from[block] = _offers(h[block], conf, lift, popularity)
    keep = ~h.all(axis=1)  # customers who bought every category get no offer
    choice, chosen_from = choice[keep], chosen_from[keep]
    has_rule, source = chosen_from >= 0, np.maximum(chosen_from, 0)
    text = items.astype(object)
    out = pd.DataFrame({
        "category": text[choice],
        "because": np.where(has_rule, text[source], ""),
        "confidence": np.where(has_rule, conf[source, choice], np.nan),
        "lift": np.where(has_rule, lift[source, choice], np.nan),
        "basis": np.array(["popular", "rule"], dtype=object)[has_rule.view(np.int8)],
    }, index=have.index[keep])
    if len(h) and not len(out):  # everyone owns everything: text columns still, as when rows are left out
        out = out.astype(dict.fromkeys(["category", "because", "basis"], "str"))
    out.attrs["owns_everything"] = int(len(h) - keep.sum())
    return out


#: Customers scored at a time by :func:`next_best_category`: its scores are customers x categories, so a
#: block of 2^18 customers of 8 categories holds about 50 MB whatever the number of customers (at once,
#: 4.1 million customers of a 10M-line log took 1.3 GB).
OFFER_BLOCK = 1 << 18


def _offers(h: np.ndarray, conf: np.ndarray, lift: np.ndarray, popularity: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each customer's offer (a column of ``h``, the customers' owned categories) and the antecedent it comes
    from (-1: the most popular category they lack): the rule of :func:`next_best_category`, customer by customer."""
    best = np.zeros(h.shape)  # per customer and candidate: best rule score from an owned antecedent
    because = np.full(h.shape, -1)
    for a in range(h.shape[1]):  # one pass per antecedent keeps memory at customers x categories
        score = np.where(h[:, [a]], conf[a] + 1e-9 * lift[a], 0.0)
        better = score > best
        best[better], because[better] = score[better], a
    best[h] = -np.inf  # never offer what the customer already buys
    has_rule = (best > 0).any(axis=1)
    choice = np.where(has_rule, best.argmax(axis=1), np.where(h, -np.inf, popularity[None, :]).argmax(axis=1))
    return choice, np.where(has_rule, because[np.arange(len(h)), choice], -1)


def next_best_by_segment(suggestions: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """The most frequent next-best category in each segment, from :func:`next_best_category`.

    One row per segment with an offer: ``category`` (the offer most of its customers get), ``customers``
    (how many get it), ``share`` (of all the segment's customers in ``segments``, those without an offer
    included: 19 of a segment of 47 is 40%) and ``second`` (the next most frequent offer). Each customer's
    own offer is one they have never bought. Segments of ``segments`` none of whose customers has an offer
    (they already buy every category, see :func:`next_best_category`) are listed, in the order of
    ``segments``' categories or else by size, in ``attrs["no_offer"]``.

    >>> offers = pd.DataFrame({"category": ["tea", "tea", "cups"]}, index=["a", "b", "c"])
    >>> segs = pd.Series(["New", "New", "New", "New", "Loyal"], index=["a", "b", "c", "d", "e"])
    >>> by = next_best_by_segment(offers, segs)
    >>> row = by.loc["New"]
    >>> row["category"], int(row["customers"]), float(row["share"]), by.attrs["no_offer"]
    ('tea', 2, 0.5, ['Loyal'])
    """
    names = segments.astype(str)  # once: 4.1 million customers' segments as text took 1.5 s
    counts = _crosstab(names.reindex(suggestions.index).rename("segment"), suggestions["category"])
    if counts.empty:
        raise DataError("next_best_by_segment: no customer of the segments has a suggestion.")
    order = np.argsort(-counts.to_numpy(), axis=1, kind="stable")
    cols = counts.columns.to_numpy()
    top, second = order[:, 0], order[:, 1] if counts.shape[1] > 1 else order[:, 0]
    values = counts.to_numpy()
    rows = np.arange(len(counts))
    sizes = names.value_counts()
    out = pd.DataFrame({"category": cols[top], "customers": values[rows, top],
                        "share": values[rows, top] / sizes.reindex(counts.index).to_numpy(),
                        "second": cols[second] if counts.shape[1] > 1 else ""}, index=counts.index)
    out = out.sort_values("customers", ascending=False)
    known = ([str(c) for c in segments.cat.categories] if isinstance(segments.dtype, pd.CategoricalDtype)
             else sizes.index.tolist())
    out.attrs["no_offer"] = [s for s in known if s in sizes.index and s not in counts.index]
    return out


def _crosstab(rows: pd.Series, columns: pd.Series) -> pd.DataFrame:
    """``pd.crosstab(rows, columns)`` of two aligned Series of text, counted on their codes: the values present
    in both (missing ones left out) as sorted rows and columns, int64 counts. pandas grouped 4.1 million pairs of
    strings in about 3 s; the codes' counts take a fraction of that."""
    r, r_names = pd.factorize(rows, sort=True)
    c, c_names = pd.factorize(columns, sort=True)
    both = (r >= 0) & (c >= 0)
    counts = np.bincount(r[both] * len(c_names) + c[both], minlength=len(r_names) * len(c_names))
    counts = counts.reshape(len(r_names), len(c_names)).astype(np.int64)
    seen_r, seen_c = counts.any(axis=1), counts.any(axis=0)
    return pd.DataFrame(counts[seen_r][:, seen_c], index=pd.Index(r_names[seen_r], name=rows.name),
                        columns=pd.Index(c_names[seen_c], name=columns.name))


__all__ = ["RULE_COLUMNS", "basket_matrix", "category_affinity", "next_best_by_segment", "next_best_category",
           "owned", "rules"]
