"""The tables of the segments page in words: one row per segment with its rule, the playbook of
recommendations, the value range behind each score and the cluster centres.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.formats import Formats
from crmlib.words import N_, Words
from crmlib.words.segment_names import on_page, words_formats
from crmlib.words.segment_rules import rule_words

ACTIONS = {"reward": N_("reward"), "retain": N_("retain"), "cross-sell": N_("cross-sell"),
           "onboard": N_("onboard"), "win back": N_("win back"), "remind": N_("remind"), "let go": N_("let go")}
RECOMMENDATIONS = {
    "Champions": N_("Reward them: early access, loyalty perks, ask for reviews and referrals; no discounts needed."),
    "Loyal": N_("Keep them close: loyalty programme, upsell higher-value items, ask for feedback."),
    "Potential Loyalist": N_("Grow them: membership offers and recommendations from related categories."),
    "New": N_("Onboard: welcome series, help with the first order, an offer for a second purchase."),
    "Promising": N_("Build the habit: show the range, free trials or samples, no deep discounts."),
    "Need Attention": N_("Time-limited offers based on past purchases before they drift away."),
    "About to Sleep": N_("Reactivate early: popular products, a modest discount, reconnect by their channel."),
    "At Risk": N_("Personal win-back: emails or calls on what they used to buy, renewal offers."),
    "Can't Lose Them": N_("Former best customers: a personal win-back worth up to what they are still expected "
                          "to bring; ask what went wrong, talk to them."),
    "Hibernating": N_("Low-cost reminders of relevant products; do not overspend."),
    "Lost": N_("Exclude from paid campaigns, or one last low-cost attempt; learn why they left."),
}
REMIND = N_("Low expected value: low-cost reminders of what they bought (email, app); no discounts or paid "
            "campaigns, which would cost more than they are expected to bring back.")
WIN_BACK = N_("Personal win-back: contact them about what they used to buy, with an offer worth less than "
              "their expected lifetime value; ask what went wrong.")
KEEP = N_("The value model still expects purchases from them: one win-back attempt worth less than their "
          "expected lifetime value before letting go.")
#: Added after a recommendation whose segment has likely stopped buying.
STOPPED = N_("Most of them have likely stopped buying (median P(alive) below the threshold): check with the "
             "win-back list before spending on them.")
BASIS = {(True, True): N_("low value, likely stopped"), (True, False): N_("low value, likely still buying"),
         (False, True): N_("not low value, likely stopped"),
         (False, False): N_("not low value, likely still buying")}
RFM_ONLY = N_("RFM only: no lifetime value or P(alive) (no model could be fitted)")
#: A transaction model but no spend model: P(alive) is known, the lifetime value is not.
BASIS_NO_VALUE = {True: N_("no lifetime value (no spend model could be fitted), likely stopped"),
                  False: N_("no lifetime value (no spend model could be fitted), likely still buying")}
NO_RFM_ACTION = N_("value and P(alive) known, but this scheme's segment has no RFM action")


#: The words of :data:`crmlib.rfm.clusters.LEVELS` on the page.
CLUSTER_LEVELS = {
    "very recent": N_("very recent"), "recent": N_("recent"), "mid recency": N_("mid recency"),
    "lapsed": N_("lapsed"), "long lapsed": N_("long lapsed"),
    "one-off": N_("one-off"), "occasional": N_("occasional"), "regular": N_("regular"), "frequent": N_("frequent"),
    "very frequent": N_("very frequent"),
    "very low spend": N_("very low spend"), "low spend": N_("low spend"), "mid spend": N_("mid spend"),
    "high spend": N_("high spend"), "very high spend": N_("very high spend")}


SCORE_COLUMNS = {"days": N_("Days since last purchase"), "weeks": N_("Weeks since last purchase"),
                 "months": N_("Months since last purchase"), "periods": N_("Periods since last purchase")}
SCORE_F = N_("Repeat purchases")
SCORE_M = {"mean_spend": N_("Spend per purchase"), "monetary_value": N_("Mean repeat spend")}
SCORE = N_("Score")
BAND_EMPTY = N_("(empty)")
BAND_AT_MOST = N_("<= {hi}")
BAND_OVER = N_("> {lo}")
BAND_OVER_TO = N_("> {lo} to {hi}")
BAND_AT_LEAST = N_(">= {lo}")
BAND_UNDER = N_("< {hi}")
BAND_TO_UNDER = N_("{lo} to < {hi}")


def segment_table(scored: pd.DataFrame, profile: pd.DataFrame, scheme: pd.DataFrame | None = None,
                  w: Words | None = None, fmt: Formats | None = None) -> pd.DataFrame:
    """One row per segment (indexed by its key): ``rule`` in words, ``customers``,
    ``customer_share``, revenue share (as in ``profile``), and the medians
    ``median_days_since_last_purchase``, ``median_repeat_purchases`` and ``median_spend``.

    ``scored`` is the per-customer table (:func:`crmlib.customer_table`); ``profile`` is
    :func:`crmlib.rfm.profile` of it; ``scheme`` defaults to :func:`crmlib.rfm.default_scheme`.
    """
    from crmlib import rfm

    scale = rfm.thresholds_of(scored)
    scheme = rfm.default_scheme(scale.bins) if scheme is None else scheme
    words = rule_words(scheme, scale, w, fmt)
    seg = scored["segment"].astype(str)
    recency = (scored["days_since_last_purchase"] if "days_since_last_purchase" in scored.columns
               else scored["T"] - scored["recency"])
    spend = scored[rfm.spend_column(scored)]
    medians = pd.DataFrame({
        "median_days_since_last_purchase": recency.astype(float).groupby(seg).median(),
        "median_repeat_purchases": scored["frequency"].astype(float).groupby(seg).median(),
        "median_spend": spend.astype(float).groupby(seg).median(),
    })
    share = "revenue_share" if "revenue_share" in profile.columns else "repeat_revenue_share"
    out = profile[["customers", "customer_share", share]].copy()
    out.index = out.index.astype(str)
    out.insert(0, "rule", words.reindex(out.index).fillna("").to_numpy())
    out = out.join(medians)
    out.index.name = "segment"
    return out


def playbook(segments=None, w: Words | None = None) -> pd.DataFrame:
    """:func:`crmlib.rfm.playbook` with ``recommendation`` in words (``segment``, ``action`` stay keys)."""
    from crmlib import rfm

    w = w if w is not None else Words("en")
    book = rfm.playbook(segments)
    book["recommendation"] = [w(RECOMMENDATIONS[s]) for s in book["segment"]]
    return book


def value_playbook(book: pd.DataFrame, w: Words | None = None) -> pd.DataFrame:
    """The table of :func:`crmlib.rfm.value_playbook` for the page: segment names, ``action``,
    ``recommendation`` and ``basis`` in words (the flags ``advice``, ``low_value``, ``likely_stopped``
    and ``rfm_action`` left out)."""
    w = w if w is not None else Words("en")
    rows = []
    for seg, r in book.iterrows():
        base = RECOMMENDATIONS.get(str(seg))
        text = {"remind": REMIND, "win back": WIN_BACK, "keep": KEEP}.get(r["advice"], base)
        text = w(text) if text else ""
        known = not (pd.isna(r["low_value"]) or pd.isna(r["likely_stopped"]))
        alive_only = pd.isna(r["low_value"]) and not pd.isna(r["likely_stopped"])  # no spend model
        if pd.notna(r["likely_stopped"]) and r["likely_stopped"] and r["advice"] == "rfm" and r["action"] != "let go":
            text = f"{text} {w(STOPPED)}"
        basis = (w(BASIS[(bool(r["low_value"]), bool(r["likely_stopped"]))]) if known
                 else w(BASIS_NO_VALUE[bool(r["likely_stopped"])]) if alive_only
                 else w(NO_RFM_ACTION) if book.attrs.get("value_known") else w(RFM_ONLY))
        rows.append((w(ACTIONS[r["action"]]) if r["action"] in ACTIONS else r["action"], text, basis))
    out = book.drop(columns=[c for c in ("rfm_action", "advice", "low_value", "likely_stopped", "action")
                             if c in book.columns])
    out["action"], out["recommendation"], out["basis"] = ([r[i] for r in rows] for i in range(3)) if rows else ([],) * 3
    return on_page(out, w)


def money_cut_decimals(cuts) -> int:
    """Decimals for the spend cut points of a score table: the page's rule for amounts written together
    (:meth:`crmlib.formats.Formats.money_decimals`), but 2 where fewer would write two different cut points
    alike (so no band reads "> INR 1,234 to INR 1,234").

    >>> money_cut_decimals([670.87, 1041.68]), money_cut_decimals([1234.2, 1234.4, 1500.0]), money_cut_decimals([])
    (0, 2, 0)
    """
    cuts = np.asarray(cuts, dtype=float)
    cuts = cuts[np.isfinite(cuts)]
    decimals = Formats.money_decimals(cuts)
    return decimals if len(np.unique(np.round(cuts, decimals))) == len(np.unique(cuts)) else 2


def score_table(scale, w: Words | None = None, fmt: Formats | None = None) -> pd.DataFrame:
    """The value range behind each score (:class:`crmlib.rfm.RFMScale`) in the page's words; the spend
    cut points in the page's money format (its currency and digits, :func:`money_cut_decimals`)."""
    from crmlib.rfm.scores import band_limits
    from crmlib.units import UNIT_NAMES

    w, fmt = words_formats(w, fmt)
    m_decimals = money_cut_decimals(scale.m)

    def n(x):
        return fmt.count(x) if float(x).is_integer() else fmt.number(x, 2)

    def money(x):
        return fmt.money(x, m_decimals)

    def band(cuts, s, reverse, write=n):
        b = band_limits(cuts, s, reverse)
        if b is None:
            return w(BAND_EMPTY)
        lo, hi = b
        if reverse:
            return (w(BAND_AT_LEAST, lo=write(lo)) if np.isinf(hi) else w(BAND_UNDER, hi=write(hi)) if np.isinf(lo)
                    else w(BAND_TO_UNDER, lo=write(lo), hi=write(hi)))
        return (w(BAND_AT_MOST, hi=write(hi)) if np.isinf(lo) else w(BAND_OVER, lo=write(lo)) if np.isinf(hi)
                else w(BAND_OVER_TO, lo=write(lo), hi=write(hi)))

    unit = UNIT_NAMES.get(scale.freq or "", "periods")
    m_label = w(SCORE_M.get(scale.monetary, SCORE_M["monetary_value"]))
    rows = [{w(SCORE): fmt.count(s), w(SCORE_COLUMNS.get(unit, SCORE_COLUMNS["periods"])): band(scale.r, s, True),
             w(SCORE_F): band(scale.f, s, False), m_label: band(scale.m, s, False, money)}
            for s in range(1, scale.bins + 1)]
    return pd.DataFrame(rows).set_index(w(SCORE))


def clusters_table(clusters, w: Words | None = None) -> pd.DataFrame:
    """The cluster centres with ``description`` in the page's words."""
    w = w if w is not None else Words("en")
    out = clusters.centers.copy()
    if clusters.levels is not None:
        out["description"] = [", ".join(w(CLUSTER_LEVELS[v]) for v in row)
                              for _, row in clusters.levels.reindex(out.index).iterrows()]
    return out
