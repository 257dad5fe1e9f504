"""The words of the segments report: segment names, rules in words, notes, playbook, findings, figures.

Segment names are keys in the data (the scheme, CSV files, audiences keep ``"Champions"``); a page
shows :func:`name` of a key, the teaching glossary's word in Hindi and Bengali. A name the default
scheme does not know (a scheme of your own) is a data value and is shown as it is.

>>> import numpy as np
>>> from crmlib.formats import Formats
>>> from crmlib.rfm import RFMScale, default_scheme
>>> scale = RFMScale(bins=5, r=np.array([-200.0, -100.0, -40.0, -12.0]), f=np.array([0.0, 1.0, 3.0, 6.0]),
...                  m=np.array([1.0, 2.0, 3.0, 4.0]), freq="D")
>>> rule_words(default_scheme(), scale)["Champions"]
'last purchase at most 11 days ago and at least 4 repeat purchases'
>>> rule_words(default_scheme(), scale, Words("hi"), Formats("hi"))["Lost"]
'पिछली ख़रीद कम से कम 200 दिन पहले और अधिक से अधिक 1 दोबारा ख़रीद'
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from babel.lists import format_list

from crmlib.formats import Formats
from crmlib.words import N_, NP_, Words

# ----------------------------------------------------------------------------- segment names
#: The default scheme's segment names (keys in the data) -> the name on the page.
NAMES = {
    "Champions": N_("Champions"), "Loyal": N_("Loyal"), "Potential Loyalist": N_("Potential Loyalist"),
    "New": N_("New"), "Promising": N_("Promising"), "Need Attention": N_("Need Attention"),
    "About to Sleep": N_("About to Sleep"), "At Risk": N_("At Risk"), "Can't Lose Them": N_("Can't Lose Them"),
    "Hibernating": N_("Hibernating"), "Lost": N_("Lost"),
    #: Migration: customers whose first purchase came after the earlier date / gone by the later one.
    "(new)": N_("(new)"), "(gone)": N_("(gone)"),
}
#: The glossary key (notebooks/teaching/glossary.yaml) of each segment name.
GLOSSARY_KEYS = {k: "segment_" + k.lower().replace("'", "").replace(" ", "_") for k in list(NAMES)[:11]}

# ----------------------------------------------------------------------------- playbook
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
NO_RFM_ACTION = N_("value and P(alive) known, but this scheme's segment has no RFM action")

# ----------------------------------------------------------------------------- rules in words
TIME = {"days": NP_("{n} day", "{n} days"), "weeks": NP_("{n} week", "{n} weeks"),
        "months": NP_("{n} month", "{n} months"), "periods": NP_("{n} period", "{n} periods")}
R_EMPTY = N_("no customer (empty recency band)")
R_AT_LEAST = N_("last purchase at least {time} ago")
R_AT_MOST = N_("last purchase at most {time} ago")
R_UNDER = N_("last purchase under {time} ago")
#: {low} is a number, {time} a number with its unit: "last purchase 12 to 39 days ago".
R_BETWEEN = N_("last purchase {low} to {time} ago")
R_BETWEEN_UNDER = N_("last purchase {low} to under {time} ago")
F_EMPTY = N_("no customer (empty frequency band)")
F_AT_LEAST = NP_("at least {n} repeat purchase", "at least {n} repeat purchases")
F_ANY = N_("any number of repeat purchases")
F_NONE = N_("no repeat purchase")
F_EXACTLY = NP_("{n} repeat purchase", "{n} repeat purchases")
F_AT_MOST = NP_("at most {n} repeat purchase", "at most {n} repeat purchases")
F_BETWEEN = N_("{low} to {high} repeat purchases")
#: One rectangle of the R x F grid in words; a segment of several rectangles joins them with RULE_OR.
RULE = N_("{when} and {how_often}")
RULE_OR = N_("{first}; or {second}")

# ----------------------------------------------------------------------------- notes
LIMITS_NOTE = N_(
    "Segments are named by the default scheme with absolute recency limits: the R score is cut at quantiles of "
    "these data, and a name is kept only where the days since the last purchase fit it ({limits}); a customer "
    "outside a row's limits is named from the nearest row that fits. So nobody silent for over a year is named "
    "{names}. The pure quantile scheme is the parameter scheme=\"quantile\".")
LIMIT_AT_MOST = N_("R {r} at most {time}")
LIMIT_AT_LEAST = N_("R {r} at least {time}")
QUANTILE_NOTE = N_(
    "Segments are named from quantile cut-offs only (scheme=\"quantile\" or a scheme of your own), so a name "
    "describes a customer relative to the others in these data, not in days: on data where most customers lapsed "
    "long ago, a \u201crecent\u201d name can hold customers silent for a long time; read the rule and the median "
    "days of each segment below.")
#: {share} a percentage, {start}/{end} dates, {days} a count of days, {span} the days in the data.
COHORT = NP_(
    "{share} of customers made their first purchase between {start} and {end}, {days} of the {span} day in the "
    "data: they form a single acquisition cohort.",
    "{share} of customers made their first purchase between {start} and {end}, {days} of the {span} days in the "
    "data: they form a single acquisition cohort.")
COHORT_RECENCY = N_("No customer is new at the end, so the segments describe how recently long-known customers "
                    "bought (recency), not when they were acquired.")
#: {names}: one or two quoted segment names.
COHORT_NAMES = NP_(
    "No customer is new at the end, so {names} here describes how recently a long-known customer bought "
    "(recency only), not newly acquired customers.",
    "No customer is new at the end, so {names} here describe how recently a long-known customer bought "
    "(recency only), not newly acquired customers.")
NOTE = N_("**Note.** {note}")
HEADLINE = NP_("{customers} customer, {transactions} transactions, {period}; migration compared with {date}.",
               "{customers} customers, {transactions} transactions, {period}; migration compared with {date}.")
CLUSTERS_LEFT_OUT = N_("Clusters left out: {reason}")
AUDIENCE_KINDS = {"ids": N_("keyed pseudonyms"), "hashed_email": N_("hashed emails (SHA-256)"),
                  "hashed_phone": N_("hashed phone numbers (SHA-256)")}
AUDIENCE_OF = N_("Audience of")
CLUSTER_LEVELS = {
    "recent": N_("recent"), "mid recency": N_("mid recency"), "lapsed": N_("lapsed"), "one-off": N_("one-off"),
    "occasional": N_("occasional"), "frequent": N_("frequent"), "low spend": N_("low spend"),
    "mid spend": N_("mid spend"), "high spend": N_("high spend")}

# ----------------------------------------------------------------------------- score table
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

# ----------------------------------------------------------------------------- findings
LARGEST = NP_("The largest segment is {segment}: {customers} customer ({customer_share} of all) bringing "
              "{revenue_share} of revenue.",
              "The largest segment is {segment}: {customers} customers ({customer_share} of all) bringing "
              "{revenue_share} of revenue.")
MOST_REVENUE = N_("The {segment} segment brings the most revenue: {revenue_share} of it with {customer_share} of "
                  "customers.")
UNDER_EARNS = N_("The {segment} segment holds {customer_share} of customers but brings only {revenue_share} of "
                 "revenue.")
TOP_SHARE = N_("The top {top} of customers by revenue bring {share} of it.")
NPS_RANGE = N_("NPS is highest in the {high} segment ({high_nps}) and lowest in {low} ({low_nps}), of the "
               "segments with at least {answers} answers.")

# ----------------------------------------------------------------------------- figures
HEAT_LARGEST = N_("The largest cell, R={r} F={f}, holds {share} of customers")
HEAT_CUSTOMERS = N_("customers")
HEAT_TOO_FEW = N_("Too few customers per cell to compare mean {label}")
HEAT_HIGHEST = N_("Mean {label} is highest at R={r} F={f} ({value}; cells of {floor}+ customers)")
HEAT_MEAN = N_("mean {label}")
HEAT_MEAN_MONEY = N_("mean {label} ({currency})")
VALUE_LABELS = {"mean_spend": N_("spend per purchase"), "monetary_value": N_("spend per repeat purchase"),
                "revenue": N_("revenue per customer")}
F_AXIS = N_("F score (1 = fewest purchases)")
R_AXIS = N_("R score ({bins} = most recent purchase)")
SHARE_CUSTOMERS = N_("share of customers")
SHARE_REVENUE = N_("share of revenue")
SIZE_REVENUE_TITLE = N_("{segment}: {customer_share} of customers, {revenue_share} of revenue")
SHARE_AXIS = N_("share (%)")
MIGRATION_BAR = N_("% of the earlier segment")
MIGRATION_STAYED = N_("{stay} of {segment} stayed {segment}; {moved} moved to {to}")
MIGRATION_LARGEST = N_("The largest move: {share} of {before} became {after}")
MIGRATION = N_("Segment migration")
MIGRATION_X = N_("segment at the later date")
MIGRATION_Y = N_("segment at the earlier date")
SILHOUETTE_TITLE = N_("k = {k} clusters separate customers best (silhouette {silhouette})")
SILHOUETTE_X = N_("number of clusters k")
SILHOUETTE_Y = N_("mean silhouette (-1 to 1)")


# ============================================================================= functions
def _wf(words: Words | None, fmt: Formats | None) -> tuple[Words, Formats]:
    words = words if words is not None else Words(fmt.lang if fmt is not None else "en")
    return words, fmt if fmt is not None else Formats(words.lang)


def name(w: Words, key) -> str:
    """The page's name of a segment key (a name of a scheme of your own stays as it is)."""
    key = str(key)
    return w.text(NAMES[key]) if key in NAMES else key


def names(w: Words, values):
    """Segment keys (a list, Series or Index) as the page names them, same shape."""
    if isinstance(values, (pd.Series, pd.Index)):
        return values.map(lambda v: name(w, v))
    return [name(w, v) for v in values]


def _list(fmt: Formats, items, style: str = "standard") -> str:
    return format_list(list(items), style=style, locale=fmt.locale)


def _number(fmt: Formats, x: float) -> str:
    return fmt.count(x) if float(x).is_integer() else fmt.number(x, 1)


def _time(w: Words, fmt: Formats, unit: str, x: float) -> str:
    return w.plural(TIME.get(unit, TIME["periods"]), int(x) if float(x).is_integer() else 2, n=_number(fmt, x))


def _recency(w, fmt, cuts, r_min: int, r_max: int, bins: int, unit: str) -> str:
    """Time since the last purchase for scores r_min..r_max (R is scored on minus that time)."""
    # score s <=> cuts[s-2] < -gap <= cuts[s-1]  =>  -cuts[r_max-1] <= gap < -cuts[r_min-2]
    lo = 0.0 if r_max == bins else max(0.0, -float(cuts[r_max - 1]))  # +inf cut: the scores above are empty
    hi = math.inf if r_min == 1 else -float(cuts[r_min - 2])
    if not lo < hi:
        return w(R_EMPTY)
    whole = unit == "days" and float(lo).is_integer() and (math.isinf(hi) or float(hi).is_integer())
    top = hi - 1 if whole else hi
    if math.isinf(hi):
        return w(R_AT_LEAST, time=_time(w, fmt, unit, lo))
    if lo <= 0:
        return w(R_AT_MOST, time=_time(w, fmt, unit, top)) if whole else w(R_UNDER, time=_time(w, fmt, unit, hi))
    if whole:
        return w(R_BETWEEN, low=_number(fmt, lo), time=_time(w, fmt, unit, top))
    return w(R_BETWEEN_UNDER, low=_number(fmt, lo), time=_time(w, fmt, unit, hi))


def _frequency(w, fmt, cuts, f_min: int, f_max: int, bins: int) -> str:
    """Repeat purchases (whole numbers) for scores f_min..f_max: cuts[f_min-2] < f <= cuts[f_max-1]."""
    # a cut is +inf when the data hold fewer distinct frequencies than scores: that score is empty
    lo_cut = -math.inf if f_min == 1 else float(cuts[f_min - 2])
    hi_cut = math.inf if f_max == bins else float(cuts[f_max - 1])
    lo = 0.0 if math.isinf(lo_cut) and lo_cut < 0 else (math.inf if math.isinf(lo_cut) else math.floor(lo_cut) + 1)
    hi = math.inf if math.isinf(hi_cut) else math.floor(hi_cut)
    if math.isinf(lo) or not lo <= hi:
        return w(F_EMPTY)
    if math.isinf(hi):
        return w.plural(F_AT_LEAST, lo, n=_number(fmt, lo)) if lo > 0 else w(F_ANY)
    if hi == 0:
        return w(F_NONE)
    if lo == hi:
        return w.plural(F_EXACTLY, lo, n=_number(fmt, lo))
    if lo == 0:
        return w.plural(F_AT_MOST, hi, n=_number(fmt, hi))
    return w(F_BETWEEN, low=_number(fmt, lo), high=_number(fmt, hi))


def rule_words(scheme: pd.DataFrame, scale, w: Words | None = None, fmt: Formats | None = None) -> pd.Series:
    """Each segment's rule in words (a Series indexed by the segment keys), from a scheme table
    (``segment, r_min, r_max, f_min, f_max``, e.g. :func:`crmlib.rfm.default_scheme`) and an
    :class:`crmlib.rfm.RFMScale`, read through the scheme's absolute recency limits if any."""
    from crmlib.exceptions import DataError
    from crmlib.rfm.limits import limits_of, named_cuts
    from crmlib.units import UNIT_DAYS, UNIT_NAMES

    w, fmt = _wf(w, fmt)
    need = [c for c in ("segment", "r_min", "r_max", "f_min", "f_max") if c not in scheme.columns]
    if need:
        raise DataError(f"A segment scheme needs columns segment, r_min, r_max, f_min, f_max; missing {need}.")
    unit = UNIT_NAMES.get(scale.freq or "", "periods")
    r_cuts = named_cuts(scale.r, scale.bins, limits_of(scheme), UNIT_DAYS.get(scale.freq or "D", 1.0))
    words: dict[str, str] = {}
    for row in scheme.itertuples(index=False):
        text = w(RULE, when=_recency(w, fmt, r_cuts, int(row.r_min), int(row.r_max), scale.bins, unit),
                 how_often=_frequency(w, fmt, scale.f, int(row.f_min), int(row.f_max), scale.bins))
        key = str(row.segment)
        words[key] = w(RULE_OR, first=words[key], second=text) if key in words else text
    return pd.Series(words, name="rule")


def limits_words(limits, w: Words | None = None, fmt: Formats | None = None) -> str:
    """A scheme's :class:`crmlib.rfm.RecencyLimits` in words (rows of the 5-score grid)."""
    w, fmt = _wf(w, fmt)
    parts = []
    for r in range(5, 0, -1):
        cap, floor = limits.cap(r, 5), limits.floor(r, 5)
        if math.isfinite(cap):
            parts.append(w(LIMIT_AT_MOST, r=fmt.count(r), time=_time(w, fmt, "days", cap)))
        if floor > 0:
            parts.append(w(LIMIT_AT_LEAST, r=fmt.count(r), time=_time(w, fmt, "days", floor)))
    return ", ".join(parts)


def scheme_note(scheme, w: Words | None = None, fmt: Formats | None = None) -> str:
    """Which segment scheme named the customers, in a sentence for the page."""
    from crmlib.rfm.limits import limits_of

    w, fmt = _wf(w, fmt)
    limits = limits_of(scheme)
    if limits is None:
        return w(QUANTILE_NOTE)
    recent = [name(w, k) for k in ("Champions", "Loyal", "Potential Loyalist", "New", "Promising")]
    return w(LIMITS_NOTE, limits=limits_words(limits, w, fmt), names=_list(fmt, recent, "or"))


def cohort_note(transactions, segments=None, w: Words | None = None, fmt: Formats | None = None, *,
                window_share: float = 0.25, share: float = 0.95) -> str | None:
    """A note when nearly all customers were acquired in one short window
    (:func:`crmlib.rfm.single_cohort`), else None. ``segments`` (names present) narrows the
    recency names ("New", "Promising") the note mentions."""
    from crmlib.rfm.profile import single_cohort

    w, fmt = _wf(w, fmt)
    cohort = single_cohort(transactions, window_share=window_share, share=share)
    if cohort is None:
        return None
    keys = ["New", "Promising"]
    if segments is not None:
        present = set(pd.Series(segments).astype(str))
        keys = [k for k in keys if k in present]
    head = w.plural(COHORT, cohort.span_days, share=fmt.share(cohort.share, 0), start=fmt.date(cohort.start, "medium"),
                    end=fmt.date(cohort.end, "medium"), days=fmt.count(cohort.days), span=fmt.count(cohort.span_days))
    if not keys:
        return f"{head} {w(COHORT_RECENCY)}"
    quoted = _list(fmt, ["\u201c" + name(w, k) + "\u201d" for k in keys])
    return f"{head} {w.plural(COHORT_NAMES, len(keys), names=quoted)}"


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


def on_page(frame: pd.DataFrame, w: Words, columns=("segment",)) -> pd.DataFrame:
    """A copy of ``frame`` with the segment keys in its index and ``columns`` named as the page
    names them (the data and CSV files for platforms keep the keys)."""
    out = frame.copy()
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels([names(w, lvl) for lvl in out.index.levels])
    elif out.index.name in ("segment", "segment before", "segment after") or out.index.dtype == object:
        out.index = names(w, out.index.astype(str)).rename(out.index.name)
    for col in columns:
        if col in out.columns:
            out[col] = names(w, out[col].astype(str)).to_numpy()
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
        if known and r["likely_stopped"] and r["advice"] == "rfm" and r["action"] != "let go":
            text = f"{text} {w(STOPPED)}"
        basis = (w(BASIS[(bool(r["low_value"]), bool(r["likely_stopped"]))]) if known
                 else w(NO_RFM_ACTION) if book.attrs.get("value_known") else w(RFM_ONLY))
        rows.append((w(ACTIONS[r["action"]]) if r["action"] in ACTIONS else r["action"], text, basis))
    out = book.drop(columns=[c for c in ("rfm_action", "advice", "low_value", "likely_stopped", "action")
                             if c in book.columns])
    out["action"], out["recommendation"], out["basis"] = ([r[i] for r in rows] for i in range(3)) if rows else ([],) * 3
    return on_page(out, w)


def score_table(scale, w: Words | None = None, fmt: Formats | None = None) -> pd.DataFrame:
    """The value range behind each score (:class:`crmlib.rfm.RFMScale`) in the page's words."""
    from crmlib.rfm.scores import band_limits
    from crmlib.units import UNIT_NAMES

    w, fmt = _wf(w, fmt)
    numbers = np.concatenate([np.abs(c[np.isfinite(c)]) for c in (scale.r, scale.f, scale.m)])

    def n(x):
        return fmt.count(x) if float(x).is_integer() else fmt.number(x, 2)

    def band(cuts, s, reverse):
        b = band_limits(cuts, s, reverse)
        if b is None:
            return w(BAND_EMPTY)
        lo, hi = b
        if reverse:
            return (w(BAND_AT_LEAST, lo=n(lo)) if np.isinf(hi) else w(BAND_UNDER, hi=n(hi)) if np.isinf(lo)
                    else w(BAND_TO_UNDER, lo=n(lo), hi=n(hi)))
        return (w(BAND_AT_MOST, hi=n(hi)) if np.isinf(lo) else w(BAND_OVER, lo=n(lo)) if np.isinf(hi)
                else w(BAND_OVER_TO, lo=n(lo), hi=n(hi)))

    del numbers
    unit = UNIT_NAMES.get(scale.freq or "", "periods")
    m_label = w(SCORE_M.get(scale.monetary, SCORE_M["monetary_value"]))
    rows = [{w(SCORE): fmt.count(s), w(SCORE_COLUMNS.get(unit, SCORE_COLUMNS["periods"])): band(scale.r, s, True),
             w(SCORE_F): band(scale.f, s, False), m_label: band(scale.m, s, False)}
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


def findings(profile: pd.DataFrame, table: pd.DataFrame | None = None, w: Words | None = None,
             fmt: Formats | None = None, *, top: float = 0.2) -> list[str]:
    """The segment report's findings (at most five sentences) from :func:`crmlib.rfm.profile` and,
    for value concentration, the per-customer table with ``revenue``."""
    from crmlib.exceptions import DataError

    w, fmt = _wf(w, fmt)
    rev = "revenue_share" if "revenue_share" in profile.columns else "repeat_revenue_share"
    if rev not in profile.columns or "customer_share" not in profile.columns:
        raise DataError("findings.segments needs the table of crmlib.rfm.profile(scored).")
    p = profile.copy()
    p.index = p.index.astype(str)
    pct = lambda x: fmt.share(x, 0)  # noqa: E731
    big = p["customers"].idxmax()
    out = [w.plural(LARGEST, int(p.loc[big, "customers"]), segment=name(w, big),
                    customers=fmt.count(p.loc[big, "customers"]), customer_share=pct(p.loc[big, "customer_share"]),
                    revenue_share=pct(p.loc[big, rev]))]
    best = p[rev].idxmax()
    if best != big:
        out.append(w(MOST_REVENUE, segment=name(w, best), revenue_share=pct(p.loc[best, rev]),
                     customer_share=pct(p.loc[best, "customer_share"])))
    gap = (p[rev] - p["customer_share"]).sort_values()
    under = gap.index[0]
    if under not in (big, best) and gap.iloc[0] < 0:
        out.append(w(UNDER_EARNS, segment=name(w, under), customer_share=pct(p.loc[under, "customer_share"]),
                     revenue_share=pct(p.loc[under, rev])))
    if table is not None and "revenue" in table.columns:
        from crmlib.findings import top_share

        share = top_share(table["revenue"], top)
        if math.isfinite(share):
            out.append(w(TOP_SHARE, top=pct(top), share=pct(share)))
    if "nps" in p.columns and "nps_responses" in p.columns and (p["nps_responses"] >= 30).sum() >= 2:
        known = p[p["nps_responses"] >= 30]
        hi, lo = known["nps"].idxmax(), known["nps"].idxmin()
        signed = lambda x: ("+" if x > 0 else "") + fmt.number(x, 0)  # noqa: E731
        out.append(w(NPS_RANGE, high=name(w, hi), high_nps=signed(known.loc[hi, "nps"]), low=name(w, lo),
                     low_nps=signed(known.loc[lo, "nps"]), answers=fmt.count(30)))
    return out[:5]
