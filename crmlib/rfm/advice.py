"""The playbook from value as well as RFM: :func:`value_playbook`.

The RFM playbook (:func:`crmlib.rfm.playbook`) gives each segment an action from its name alone.
On real data a name can hold customers the value model has given up on: on a two-year export
"Can't Lose Them" had the lowest mean lifetime value of any segment and a median P(alive) of 0 %,
yet the name's advice was to win them back. :func:`value_playbook` reads the per-customer table
(:func:`crmlib.customer_table`: ``segment``, ``p_alive``, ``clv``) and adjusts each segment's
action by two facts about its customers:

* **value**: the segment's mean lifetime value against the mean of all customers; below
  ``low_value`` times that mean (default half) the segment is *low value*;
* **alive**: the segment's median P(alive); below ``alive_below`` (default 50 %, the threshold of
  :func:`crmlib.retention.churn_risk`) most of its customers have *likely stopped*.

=============  =====================================  ==================================================
RFM action     value and P(alive)                     action taken
=============  =====================================  ==================================================
win back       low value (whatever P(alive))          remind: low-cost reminders, no discounts
win back       not low value                          win back: personal, spend up to their expected value
let go         not low value and not likely stopped   win back: the models still expect purchases
let go         otherwise                              let go
reward, ...    likely stopped                         the action stands; the recommendation says to check
=============  =====================================  ==================================================

No segment is told to win customers back "at any cost": what a win-back may cost is bounded by
the value the model expects. Without ``clv`` and ``p_alive`` (no model could be fitted) the RFM
playbook is returned with ``basis`` saying so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.rfm.segments import playbook

#: Actions a value playbook can give (``remind`` is a low-cost win-back).
ACTIONS = ("reward", "retain", "cross-sell", "onboard", "win back", "remind", "let go")
#: Actions whose customers belong on a win-back list.
WINBACK_ACTIONS = ("win back", "remind")

#: Which recommendation a segment gets (its words: :func:`crmlib.words.segments.value_playbook`):
#: the RFM one of its name, or one of value: low-cost reminders, a personal win-back, one attempt.
ADVICE = ("rfm", "remind", "win back", "keep")


def _advise(base: str, low_value: bool, stopped: bool) -> tuple[str, str]:
    """(action, advice) for a segment whose RFM action is ``base``."""
    if base == "win back":
        return ("remind", "remind") if low_value else ("win back", "win back")
    if base == "let go":
        return ("win back", "keep") if not (low_value or stopped) else ("let go", "rfm")
    return base, "rfm"


def value_playbook(table: pd.DataFrame, *, alive_below: float = 0.5, low_value: float = 0.5) -> pd.DataFrame:
    """One row per segment present in ``table`` (:func:`crmlib.customer_table`), in scheme order:
    ``customers, customer_share, mean_predicted_clv, median_p_alive, rfm_action, action, advice,
    low_value, likely_stopped``. ``action`` is the RFM action adjusted by value and P(alive) (see the
    module docstring); ``advice`` which recommendation fits (one of :data:`ADVICE`: ``rfm`` is the
    segment's own); ``low_value`` and ``likely_stopped`` the facts used (NA without a fitted model or
    without an RFM action). The recommendation and its basis in words, in the page's language:
    :func:`crmlib.words.segments.value_playbook`."""
    if "segment" not in getattr(table, "columns", []):
        raise DataError("value_playbook needs the per-customer table of crmlib.customer_table (column 'segment').")
    if not 0 < alive_below < 1 or low_value <= 0:
        raise DataError(f"alive_below must be between 0 and 1 and low_value above 0; got {alive_below!r}, "
                        f"{low_value!r}.")
    seg = table["segment"]
    order = list(seg.cat.categories) if isinstance(seg.dtype, pd.CategoricalDtype) else sorted(seg.astype(str).unique())
    seg = seg.astype(str)
    counts = seg.value_counts()
    present = [s for s in order if counts.get(s, 0) > 0]
    base = playbook().set_index("segment")
    out = pd.DataFrame(index=pd.Index(present, name="segment"))
    out["customers"] = counts.reindex(present).astype("int64")
    out["customer_share"] = out["customers"] / len(table)
    has_value = {"clv", "p_alive"} <= set(table.columns)
    has_alive = "p_alive" in table.columns  # a transaction model without a spend model: P(alive), no value
    out["mean_predicted_clv"] = table["clv"].astype(float).groupby(seg).mean().reindex(present) if has_value else np.nan
    out["median_p_alive"] = (table["p_alive"].astype(float).groupby(seg).median().reindex(present)
                             if has_alive else np.nan)
    overall = float(table["clv"].astype(float).mean()) if has_value else np.nan
    rows = []
    for name in present:
        b_action = base["action"].get(name, "")
        if not has_value or not b_action:
            stopped = bool(out.at[name, "median_p_alive"] < alive_below) if has_alive and b_action else pd.NA
            rows.append((b_action, b_action, "rfm", pd.NA, stopped))
            continue
        low = bool(out.at[name, "mean_predicted_clv"] < low_value * overall) if overall > 0 else True
        stopped = bool(out.at[name, "median_p_alive"] < alive_below)
        action, advice = _advise(b_action, low, stopped)
        rows.append((b_action, action, advice, low, stopped))
    columns = ["rfm_action", "action", "advice", "low_value", "likely_stopped"]
    for i, col in enumerate(columns):
        out[col] = pd.Series([r[i] for r in rows], index=out.index, dtype="boolean" if i >= 3 else object)
    out.attrs.update(alive_below=float(alive_below), low_value=float(low_value), mean_clv=overall,
                     value_known=has_value)
    return out
