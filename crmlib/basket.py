"""Cross-selling: which categories the same customers buy, measured by support, confidence and lift.

For categories A and B over customers (or orders):

* support(A, B) = share of customers who bought both;
* confidence(A -> B) = support(A, B) / support(A): of those who bought A, the share who bought B;
* lift(A -> B) = confidence(A -> B) / support(B): how much more likely B is among A's buyers than
  among all customers. Lift above 1 marks a cross-selling opportunity; below 1, categories that
  attract different customers.

These are the measures of association-rule mining (Agrawal, Imielinski & Swami 1993).

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

from crmlib.exceptions import DataError


def category_affinity(transactions: pd.DataFrame, by: str = "customer_id", min_support: float = 0.0) -> pd.DataFrame:
    """Every ordered pair of categories with support, confidence and lift, strongest lift first.

    ``by`` is the basket: ``"customer_id"`` (bought by the same customer at any time) or
    ``"order_id"`` (in the same order). Returns are left out.
    """
    for col in (by, "category"):
        if col not in transactions.columns:
            raise DataError(f"category_affinity needs the column {col!r}; the transactions have "
                            f"{', '.join(map(repr, transactions.columns))}.")
    tx = transactions[transactions["amount"] >= 0] if "amount" in transactions else transactions
    tx = tx.dropna(subset=[by, "category"])
    if tx.empty:
        raise DataError("category_affinity: no purchases with a category to analyse.")
    basket = pd.crosstab(tx[by], tx["category"]).gt(0)
    n = len(basket)
    m = basket.to_numpy(dtype=np.float64)
    both = (m.T @ m) / n  # support of each pair; the diagonal is each category's own support
    single = np.diag(both).copy()
    cats = basket.columns.to_numpy()
    a, b = np.meshgrid(np.arange(len(cats)), np.arange(len(cats)), indexing="ij")
    off = a != b
    support = both[off]
    confidence = support / single[a[off]]
    out = pd.DataFrame({
        "antecedent": cats[a[off]], "consequent": cats[b[off]],
        "support": support, "confidence": confidence, "lift": confidence / single[b[off]],
        "customers_with_both" if by == "customer_id" else "orders_with_both": np.rint(support * n).astype(int),
    })
    out = out[out["support"] >= min_support]
    return out.sort_values(["lift", "support", "antecedent", "consequent"],
                           ascending=[False, False, True, True], ignore_index=True)
