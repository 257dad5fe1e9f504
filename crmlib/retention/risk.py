"""Churn risk without labels and acting on it: the inactivity rule learnt from the gaps between purchases, P(alive)
of the per-customer table every report uses (:func:`crmlib.customer_table`) beside it, per customer and per
segment, and the win-back list of lapsed repeat buyers (pseudonyms only). Churn with labels is
:mod:`crmlib.churn`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.errors import require_columns
from crmlib.exceptions import DataError


def inactivity_days(transactions: pd.DataFrame, quantile: float = 0.9, observation_end=None) -> int:
    """Days without a purchase after which a customer counts as lapsed: the ``quantile`` of the gaps
    between a customer's consecutive purchase days, over every repeat purchase (rounded up).

    A customer silent for longer than 90 % of all observed gaps is unlikely to be between purchases.

    >>> tx = pd.DataFrame({"customer_id": ["a"] * 4, "amount": 1.0,
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-31", "2024-03-01"])})
    >>> inactivity_days(tx, quantile=0.5)
    20
    """
    if not 0 < quantile < 1:
        raise DataError(f"quantile must be between 0 and 1, got {quantile!r}.")
    from crmlib.purchases import gap_quantile

    value, n = gap_quantile(transactions, quantile, observation_end)  # crmlib.purchases, in SQL
    if not n:
        raise DataError("inactivity_days: no customer bought twice, so there is no gap between purchases to learn "
                        "from; give the number of days yourself (the retention report's inactive_days).",
                        reason=("no_repeat_buyer", {}))
    return int(np.ceil(value))


def churn_risk(table: pd.DataFrame, inactive_days: int, alive_below: float = 0.5) -> pd.DataFrame:
    """P(alive) and the inactivity rule side by side, one row per customer.

    ``table`` is :func:`crmlib.customer_table`'s result (``p_alive``, ``days_since_last_purchase``,
    ``segment``). Columns: those three, ``likely_lost`` (P(alive) below ``alive_below``),
    ``inactive`` (no purchase for more than ``inactive_days`` days) and ``flagged_by`` ("both",
    "P(alive) only", "inactivity only", "neither").
    """
    need = ["p_alive", "days_since_last_purchase", "segment"]
    require_columns(table, need, "churn_risk", "customer table",
                    f"Pass crmlib.customer_table's result. {table.attrs.get('model_reason', '')}".strip())
    out = table[need].copy()
    out.attrs = {}  # not the models and tables of customer_table's attrs
    out["likely_lost"] = out["p_alive"] < alive_below
    out["inactive"] = out["days_since_last_purchase"] > inactive_days
    out["flagged_by"] = np.select([out["likely_lost"] & out["inactive"], out["likely_lost"], out["inactive"]],
                                  ["both", "P(alive) only", "inactivity only"], "neither")
    out.attrs.update(inactive_days=int(inactive_days), alive_below=float(alive_below),
                     model=table.attrs.get("model"))
    return out


def churn_by_segment(risk: pd.DataFrame) -> pd.DataFrame:
    """Per segment of :func:`churn_risk`: customers, median P(alive), share likely lost, share
    inactive, share flagged by both; the segments most at risk first."""
    g = risk.groupby(risk["segment"].astype(str))
    out = pd.DataFrame({"customers": g.size(), "median_p_alive": g["p_alive"].median(),
                        "likely_lost_share": g["likely_lost"].mean(), "inactive_share": g["inactive"].mean(),
                        "both_share": g["flagged_by"].apply(lambda s: float((s == "both").mean()))})
    return out.rename_axis("segment").sort_values("median_p_alive")


# --------------------------------------------------------------------------- acting on it
def winback_list(risk: pd.DataFrame, table: pd.DataFrame, n: int | None = 100,
                 offers: pd.DataFrame | None = None, key=None, book: pd.DataFrame | None = None) -> pd.DataFrame:
    """Repeat buyers lapsed by the inactivity rule in segments the playbook says to win back, those
    who spent the most first; ids replaced by keyed pseudonyms (:func:`crmlib.privacy.pseudonymise`).

    ``risk`` is :func:`churn_risk`'s result, ``table`` :func:`crmlib.customer_table`'s, ``book``
    :func:`crmlib.rfm.value_playbook`'s (default: made from ``table`` with the same P(alive)
    threshold as ``risk``), ``offers`` :func:`crmlib.basket.next_best_category`'s (adds ``offer``
    and ``because``, why that offer). A customer is on the list when all hold: they bought on more
    than one day; they have not bought for more than the rule's ``inactive_days`` (a customer the
    rule calls recent is never on it, whatever P(alive) says); their segment is not Champions and
    its playbook action is "win back" or "remind" (so no "let go" or "reward" segment is on it).
    :func:`crmlib.words.retention.winback_reasons` says why each one is (``attrs``: ``inactive_days``,
    ``alive_below``). ``n=None`` keeps every such customer. Columns: ``rank,
    segment, purchases, revenue, days_since_last_purchase, p_alive, flagged_by, action``
    and the offer; indexed by ``customer``. No raw id, name or contact.
    """
    from crmlib import rfm
    from crmlib.privacy import pseudonymise

    if book is None:
        book = rfm.value_playbook(table, alive_below=risk.attrs.get("alive_below", 0.5))
    segment = risk["segment"].astype(str)  # once: 4.1 million as text take a second
    action = segment.map(book["action"]).fillna("")
    days_rule = int(risk.attrs.get("inactive_days", 0))
    # the table's columns on risk's rows (its own index, as churn_risk makes it: no lookup), then the kept ones;
    # reindexing the table to the kept rows looked every id up in a hash table (4 s and 0.3 GB at 4.1M customers)
    frequency, revenue = table["frequency"].reindex(risk.index), table["revenue"].reindex(risk.index)
    keep = ((frequency >= 1) & risk["inactive"]
            & (segment != "Champions") & action.isin(rfm.WINBACK_ACTIONS))
    lapsing = risk[keep]
    out = pd.DataFrame({"segment": segment[keep],
                        "purchases": frequency[keep] + 1,
                        "revenue": revenue[keep],
                        "days_since_last_purchase": lapsing["days_since_last_purchase"],
                        "p_alive": lapsing["p_alive"], "flagged_by": lapsing["flagged_by"],
                        "action": action[keep]})
    alive_below = float(risk.attrs.get("alive_below", 0.5))
    out = out.sort_values(["revenue", "p_alive"], ascending=[False, True], kind="stable")
    if n is not None:
        out = out.head(n)
    if offers is not None:  # the listed customers' offers alone, found by a scan (no lookup table of every id)
        mine = offers[offers.index.isin(out.index)]
        out["offer"] = mine["category"].reindex(out.index).fillna("")
        out["because"] = mine["because"].reindex(out.index).fillna("")
    ids = pseudonymise(out.index.to_series(), key=key)
    out = out.set_axis(pd.Index(ids.to_numpy(), name="customer"))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.attrs.update(inactive_days=days_rule, alive_below=alive_below)
    return out
