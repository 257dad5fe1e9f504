"""The words of the segments report: its headline, notes, findings and figures; and, re-exported from
their modules, the segment names (:mod:`crmlib.words.segment_names`), the rules in words
(:mod:`crmlib.words.segment_rules`) and the tables (:mod:`crmlib.words.segment_tables`), so that
``crmlib.words.segments.X`` names every word of the page.
"""

from __future__ import annotations

import math

import pandas as pd

from crmlib.errors import require_columns
from crmlib.formats import Formats
from crmlib.words import N_, NP_, Words
from crmlib.words.segment_names import (  # noqa: F401 (re-exported: crmlib.words.segments.X)
    GLOSSARY_KEYS,
    NAMES,
    name,
    names,
    on_page,
    words_formats,
)
from crmlib.words.segment_rules import (  # noqa: F401 (re-exported: crmlib.words.segments.X)
    COHORT,
    COHORT_NAMES,
    COHORT_RECENCY,
    F_ANY,
    F_AT_LEAST,
    F_AT_MOST,
    F_BETWEEN,
    F_EMPTY,
    F_EXACTLY,
    F_NONE,
    LIMIT_AT_LEAST,
    LIMIT_AT_MOST,
    LIMITS_NOTE,
    QUANTILE_NOTE,
    R_AT_LEAST,
    R_AT_MOST,
    R_BETWEEN,
    R_BETWEEN_UNDER,
    R_EMPTY,
    R_UNDER,
    RULE,
    RULE_OR,
    TIME,
    cohort_note,
    limits_words,
    rule_words,
    scheme_note,
)
from crmlib.words.segment_tables import (  # noqa: F401 (re-exported: crmlib.words.segments.X)
    ACTIONS,
    BAND_AT_LEAST,
    BAND_AT_MOST,
    BAND_EMPTY,
    BAND_OVER,
    BAND_OVER_TO,
    BAND_TO_UNDER,
    BAND_UNDER,
    BASIS,
    CLUSTER_LEVELS,
    KEEP,
    NO_RFM_ACTION,
    RECOMMENDATIONS,
    REMIND,
    RFM_ONLY,
    SCORE,
    SCORE_COLUMNS,
    SCORE_F,
    SCORE_M,
    STOPPED,
    WIN_BACK,
    clusters_table,
    money_cut_decimals,
    playbook,
    score_table,
    segment_table,
    value_playbook,
)

#: Where an optional input is missing ({file} its name, {flag} the option that gives it, as typed).
LEFT_OUT_NPS = N_("No {file} file was given, so NPS by segment cannot be shown; run the report with {flag} to "
                  "include it.")
NO_NPS_COLUMN = N_("The feedback file has no NPS column (answers 0-10 named 'nps'), so NPS by segment cannot be shown.")
LEFT_OUT_AUDIENCES = N_("No {file} file was given, so the hashed email and phone audiences cannot be written; run "
                        "the report with {flag} to include them.")

# ----------------------------------------------------------------------------- notes and headline
NOTE = N_("**Note.** {note}")
HEADLINE = NP_("{customers} customer, {transactions} transactions, {period}; migration compared with {date}.",
               "{customers} customers, {transactions} transactions, {period}; migration compared with {date}.")
CLUSTERS_LEFT_OUT = N_("Clusters left out: {reason}")
AUDIENCE_KINDS = {"ids": N_("keyed pseudonyms"), "hashed_email": N_("hashed emails (SHA-256)"),
                  "hashed_phone": N_("hashed phone numbers (SHA-256)")}
AUDIENCE_OF = N_("Audience of")
#: {phones} a count, {country} a country's name in the page's language (India, Bangladesh).
UNREADABLE_PHONES = NP_("{phones} phone number of the customers file is not a valid number of {country} and "
                        "has no country code, so it is in no hashed-phone audience: write it with its country "
                        "code (+880…, +91…), or run the report with -p country=BD (its country's two-letter code).",
                        "{phones} phone numbers of the customers file are not valid numbers of {country} "
                        "and have no country code, so they are in no hashed-phone audience: write them with their "
                        "country code (+880…, +91…), or run the report with -p country=BD (their country's "
                        "two-letter code).")

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


def findings(profile: pd.DataFrame, table: pd.DataFrame | None = None, w: Words | None = None,
             fmt: Formats | None = None, *, top: float = 0.2) -> list[str]:
    """The segment report's findings (at most five sentences) from :func:`crmlib.rfm.profile` and,
    for value concentration, the per-customer table with ``revenue``."""

    w, fmt = words_formats(w, fmt)
    rev = "revenue_share" if "revenue_share" in profile.columns else "repeat_revenue_share"
    require_columns(profile, ("customer_share", rev if rev in profile.columns else "revenue_share"),
                    "findings.segments", "segment profile", "Pass the table of crmlib.rfm.profile(scored).")
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
        from crmlib.findings import top_shares

        customers, share = top_shares(table["revenue"], top)
        if math.isfinite(share):  # the share of customers actually summed (2 of 6 are 33%)
            out.append(w(TOP_SHARE, top=pct(customers), share=pct(share)))
    if "nps" in p.columns and "nps_responses" in p.columns and (p["nps_responses"] >= 30).sum() >= 2:
        known = p[p["nps_responses"] >= 30]
        hi, lo = known["nps"].idxmax(), known["nps"].idxmin()
        signed = lambda x: ("+" if x > 0 else "") + fmt.number(x, 0)  # noqa: E731
        out.append(w(NPS_RANGE, high=name(w, hi), high_nps=signed(known.loc[hi, "nps"]), low=name(w, lo),
                     low_nps=signed(known.loc[lo, "nps"]), answers=fmt.count(30)))
    return out[:5]
