"""The words of the retention report: the summary, the churn comparison, the win-back reasons, the
cross-sell rules and the figures' titles and labels, in English, Hindi and Bengali.

:mod:`crmlib.retention`, :mod:`crmlib.churn` and :mod:`crmlib.basket` return numbers and names;
this module says them in words. Every function takes ``w`` (:class:`crmlib.words.Words`) and
``fmt`` (:class:`crmlib.formats.Formats`), English by default.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.churn import GRADIENT_BOOSTING, INACTIVITY, LOGISTIC, P_ALIVE, SUPERVISED
from crmlib.formats import Formats
from crmlib.words import N_, NP_, Words
from crmlib.words import clv as _clv
from crmlib.words import cohorts as _cohorts
from crmlib.words import segments as _segments

__all__ = ["NO_OFFER_MARK", "churn_finding", "churn_notes", "cohort_file_sentence", "feature_label",
           "no_offer_sentence", "period_count", "period_one", "rule_sentence", "score_name", "summary_sentences",
           "survival_sentences", "winback_on_page", "winback_reasons"]

#: What the win-back list shows under Offer for a customer who already buys every category (the file keeps "").
NO_OFFER_MARK = "–"

#: Cohort periods: one ("month") and several ("months").
PERIOD_ONE = {"W": N_("week"), "M": N_("month"), "Q": N_("quarter")}
PERIODS = {"W": N_("weeks"), "M": N_("months"), "Q": N_("quarters")}
PERIOD_COUNT = {"W": NP_("{n} week", "{n} weeks"), "M": NP_("{n} month", "{n} months"),
                "Q": NP_("{n} quarter", "{n} quarters")}

# ----------------------------------------------------------------------------- summary
#: No feedback file: {file} its name, {flag} the option that gives it, as typed.
LEFT_OUT_FEEDBACK = N_("No {file} file was given, so the churn models learn without NPS, CSAT and CES; run the "
                       "report with {flag} to include them.")
TREND = N_("{mean} of new customers buy again in the {unit} after the one they were acquired in (cohorts range "
           "from {low} to {high}); across the {cohorts} cohorts this share {move}.")
TREND_SLOPE = N_("{mean} of new customers buy again in the {unit} after the one they were acquired in (cohorts "
                 "range from {low} to {high}); across the {cohorts} cohorts this share {move} ({slope} points a "
                 "cohort, 95% interval {slope_low} to {slope_high}).")
RISES = N_("rises")
FALLS = N_("falls")
NO_TREND = N_("shows no clear trend")
PROJECTION = N_("Fitted to the first {fit} of the {cohort} cohort ({customers} customers), the sBG model projects "
                "{projected} of it active in {unit} {last}; {actual} were, and over the {unseen} it did not see "
                "the projection is off by {mae} points on average ({direction} by {bias} points net).")
TOO_HIGH = N_("too high")
TOO_LOW = N_("too low")
#: {dropout} is the lifetime-value page's drop-out sentence without its full stop.
SURVIVAL_MODEL = N_("{dropout} ({model} model, as on the lifetime-value page).")
SURVIVAL_ACTIVE = N_("So {alive} of a cohort is still active {age} after the first purchase, while {bought} of the "
                     "cohorts bought in that {unit}: a {unit} without a purchase is not a departure.")
SURVIVAL_ACTIVE_ONLY = N_("So {alive} of a cohort is still active {age} after the first purchase.")
RISK = N_("{lost} of customers have P(alive) below {below} and {inactive} have not bought for more than {days} "
          "days; {both} are flagged by both.")
NO_RULE = N_("No two categories are bought together more often than chance at this minimum support; {multi} of "
             "{baskets} baskets ({basket}) hold more than one category.")
RULE = N_("The strongest cross-sell rule: of the baskets with {antecedent}, {confidence} also hold {consequent}, "
          "{lift} times the usual rate ({n} baskets; {multi} of {baskets} baskets ({basket}) hold more than one "
          "category).")
#: What a basket is: the order column's name, or one customer's purchases on one day.
BASKET_DAY = N_("one customer's purchases on one day")
BASKET_ORDER = N_("one {column}")

# ----------------------------------------------------------------------------- churn comparison
SCORE_NAMES = {GRADIENT_BOOSTING: N_("gradient boosting"), LOGISTIC: N_("logistic regression"),
               P_ALIVE: "P(alive)", INACTIVITY: N_("days since last purchase")}
ROC_AUC = "ROC AUC"
AVERAGE_PRECISION = N_("average precision")
CHURN_WINNER = N_("On the test window {window} ({customers} customers, {rate} of whom bought nothing), {winner} "
                  "ranks the churners best by {metric}: {value} (95% interval {low} to {high}).")
CHURN_BEATS = N_("The supervised {model} beats {against} by {gap} (95% interval {low} to {high}).")
CHURN_UNCLEAR = N_("Against {against}, the supervised {model} scores {gap} (95% interval {low} to {high}), an "
                   "interval that holds 0: it does not clearly beat {against}.")
CHURN_LOSES = N_("The supervised models do not beat {against}: the best, {model}, scores {gap} (95% interval {low} "
                 "to {high}).")
CHURN_REPEAT = N_("Among repeat buyers alone, P(alive) reaches a ROC AUC of {p_alive} against {best} for the "
                  "better supervised model.")
P_ALIVE_LEFT_OUT = N_("P(alive) left out. {why}")
ONE_TIME_BUYERS = N_("Under the {model} model, P(alive) is 1 for every customer who has bought only once ({share} "
                     "of the test customers), so it cannot rank them; compare the ROC AUC among repeat buyers.")
#: The churn models learnt and were tested on a sample ({train}, {test} customers sampled; {train_known},
#: {test_known} known at the training and test cut-offs).
CHURN_SAMPLED = N_("The churn models were learnt on a random sample of {train} of the {train_known} customers known "
                   "at the training cut-off and tested on {test} of the {test_known} known at the test cut-off; on "
                   "all of them the figures would barely change.")
#: Features the churn models learn without ({features}, their names in words), though the test customers differ in
#: them: at the training cut-off ({cutoff}, a date) they had one value, or a value for too few customers.
CHURN_NOT_LEARNT = NP_("The churn models learn without {features}: at the training cut-off {cutoff} too few customers "
                       "differed in it.",
                       "The churn models learn without {features}: at the training cut-off {cutoff} too few customers "
                       "differed in them.")
FEATURES = {
    "purchases": N_("purchases (days with a purchase)"), "days_since_last_purchase": N_("days since the last purchase"),
    "tenure_days": N_("days since the first purchase"), "revenue": N_("revenue"),
    "mean_spend": N_("mean spend per purchase"), "mean_gap_days": N_("mean days between purchases"),
    "recent_purchases": N_("purchases in the last 90 days"), "categories": N_("categories bought"),
    "return_share": N_("share of transactions returned"), "responses": N_("survey answers"),
    "mean_nps": N_("mean NPS score (0-10)"), "last_nps": N_("last NPS score (0-10)"),
    "mean_csat": N_("mean CSAT score"), "mean_ces": N_("mean effort score (CES)"),
}
#: {channel} is a channel's name from the data.
FEATURE_CHANNEL = N_("share of purchases in channel {channel}")

# ----------------------------------------------------------------------------- win-back
#: {days} days silent, {rule} the rule's days, {p_alive} a share, {below} the threshold, {segment} a segment
#: name and {action} the playbook's action as the segment report writes it.
REASON_BELOW = N_("no purchase for {days} days (lapsed after {rule}); P(alive) {p_alive} (below {below}); playbook "
                  "for {segment}: {action}")
#: Which signal flags a customer (crmlib.retention.churn_risk's ``flagged_by``).
FLAGGED_BY = {"both": N_("both"), "P(alive) only": N_("P(alive) only"), "inactivity only": N_("inactivity only"),
              "neither": N_("neither")}
REASON_NOT_BELOW = N_("no purchase for {days} days (lapsed after {rule}); P(alive) {p_alive} (not below {below}); "
                      "playbook for {segment}: {action}")

# ----------------------------------------------------------------------------- notebook lines
DATA_LINE = N_("{customers} customers, {transactions} transactions, {period}; cohorts by {unit}; the churn models "
               "count a customer as churned who buys nothing in the {days} days after a cut-off.")
SBG_LEFT_OUT = N_("The sBG projection is left out: {error}")
CHURN_RISK_LEFT_OUT = N_("Churn risk is left out: {error}")
COMPARISON_LEFT_OUT = N_("The churn-model comparison is left out: {error}")
P_ALIVE_RISK_LEFT_OUT = N_("Churn risk by P(alive) is left out. {why}")
NO_CATEGORY = N_("The transactions have no category column, so cross-selling rules cannot be shown.")
NO_CATEGORY_OFFERS = N_("The transactions have no category column, so cross-selling rules and next-best "
                        "categories cannot be shown.")
LEFT_OUT = N_("Left out. {why}")
COHORT_FILE = N_("Every cohort's customers and shares: {link}")
#: COHORT_FILE when another sentence follows it (COHORT_FIRST_PARTIAL): the same, ended.
COHORT_FILE_ENDED = N_("Every cohort's customers and shares: {link}.")
#: Under "What the model looks at" when the churn models were not compared (the reason is said above it).
NO_IMPORTANCE = N_("No churn model was learnt (the comparison above says why), so there is no feature to weigh.")
#: When the data end inside a period: {date} the data's last day, {period} that period ("June 2024"); the hatched
#: cells of the heatmap are that period's ("partial: to 3 Jun 2024" in its legend).
COHORT_FILE_PARTIAL = N_("Every cohort's customers and shares: {link}. The data end on {date}, inside {period}: its "
                         "cells, hatched, count only the days up to then, so they are left blank and out of the title "
                         "and the summary (the file holds them).")
#: When the data start inside the first cohort's period: {date} the data's first day, {period} that period ("December
#: 2023"), {unit} a cohort period ("month"); its first cell on the heatmap is hatched ("partial: from 3 Dec 2023").
COHORT_FIRST_PARTIAL = N_("The data start on {date}, inside {period}: that cohort holds only the customers acquired "
                          "from then on, so its size is not a whole {unit}'s acquisition and its first cell is "
                          "hatched; its later cells are shares of the customers it holds, shown as any cohort's.")
OVER_CUSTOMERS = N_("Over customers rather than baskets:")
NO_RULE_OVER_CUSTOMERS = N_("Over customers rather than baskets, no two categories are bought by enough of the same "
                            "customers to make a rule.")
NO_OFFER = N_("No customer gets a next-best category: no rule between categories holds on these data.")
OFFER_BY_SEGMENT = N_("The offer most customers of each segment get:")
#: Segments none of whose customers gets an offer ({segments}: their names, joined with "and").
NO_OFFER_SEGMENTS = NP_("{segments} gets no offer: its customers already buy every category.",
                        "{segments} get no offer: their customers already buy every category.")
#: Under the win-back list when a row's offer is a dash; {offer} is the column's heading.
OFFER_DASH = N_("A dash under {offer}: the customer already buys every category, so there is no new one to offer.")
WINBACK_FILE = NP_("{n} customer: {link}", "{n} customers: {link}")
CUSTOMERS_BUYING = N_("Customers buying")
ALSO_BUY = N_("Also buy")
SHARE_OF_CUSTOMERS_SUPPORT = N_("Share of customers (support)")
CUSTOMERS = N_("Customers")
OFFER = N_("Offer")
CUSTOMERS_GETTING_IT = N_("Customers getting it")
SHARE_OF_SEGMENT = N_("Share of the segment")
REASON = N_("Reason")
SCORE = N_("Score")

# ----------------------------------------------------------------------------- figures
COHORT_REVENUE_LABEL = N_("revenue of the cohort in the {unit}")
COHORT_REVENUE_LABEL_MONEY = N_("revenue of the cohort in the {unit} ({currency})")
COHORT_REVENUE_TITLE = N_("{share} of the cohorts' revenue comes after their first {unit}")
COHORT_SHARE_LABEL = N_("share of the cohort buying in the {unit} (%)")
COHORT_TITLE = N_("{share} of a cohort buys again in the {unit} after acquisition")
COHORT_TITLE_NONE = N_("Share of each cohort buying, by period since acquisition")
COHORT_X = N_("{units} since acquisition (0 = the {unit} of the first purchase)")
COHORT_Y = N_("acquisition cohort ({unit} of the first purchase)")
FITTED_ON = N_("fitted on ({periods})")
ACTUAL_SHARE_BUYING = N_("actual share buying")
SBG_PROJECTION = N_("sBG projection")
PROJECTION_OVER = N_("sBG fitted to {fit} of the {cohort} cohort overstates the {later} after by {points} points on "
                     "average")
PROJECTION_UNDER = N_("sBG fitted to {fit} of the {cohort} cohort understates the {later} after by {points} points "
                      "on average")
SINCE_ACQUISITION = N_("{units} since acquisition")
SHARE_BUYING_AXIS = N_("share of the cohort ({customers} customers) buying (%)")
STILL_ACTIVE = N_("still active ({model} model)")
BOUGHT_IN = N_("bought in the {unit}")
SURVIVAL_TITLE = N_("{model}: {share} of a cohort is still active after {age}; in any {unit} most of them buy nothing")
SINCE_FIRST = N_("{units} since the first purchase")
SHARE_OF_COHORT = N_("share of the cohort (%)")
INACTIVE = N_("inactive")
#: {segment}: a segment's name, quoted after a label and never a subject of the sentence, since names such as
#: "At Risk" or "Can't Lose Them" are phrases of their own ("At Risk is most at risk" reads wrongly in any language).
RISK_TITLE = N_("Most at risk: segment “{segment}” (median P(alive) {median}); {lost} of all customers have P(alive) "
                "below {below}")
RISK_X = N_("P(alive) (%); right: share inactive for more than {days} days")
RFM_SEGMENT = N_("RFM segment")
CHANCE = N_("chance ({value})")
FPR = N_("false-positive rate: active customers flagged (%)")
TPR = N_("true-positive rate: churners caught (%)")
RECALL = N_("recall: churners caught (%)")
PRECISION = N_("precision: flagged who churned (%)")
INACTIVE_RULE = N_("inactive > {days} days")
CURVES_TITLE = N_("{winner} ranks churners best ({metric} {value}; {against} {against_value})")
IMPORTANCE_TITLE = N_("{feature} matters most to the churn model (ROC AUC drops {drop} without it)")
IMPORTANCE_X = N_("drop in ROC AUC when the feature is shuffled")
FEATURE = N_("feature")


def _wf(w, fmt, currency=None) -> tuple[Words, Formats]:
    return _clv._wf(w, fmt, currency)


def period_one(w: Words, period: str) -> str:
    return w(PERIOD_ONE[period])


def periods(w: Words, period: str) -> str:
    return w(PERIODS[period])


def period_count(w: Words, fmt: Formats, n: int, period: str) -> str:
    return w.plural(PERIOD_COUNT[period], int(n), n=fmt.count(n))


def _points(fmt: Formats, x: float, sign: bool = False) -> str:
    x = 0.0 if abs(x) < 0.05 else x  # what shows as 0.0 has no sign
    text = fmt.number(abs(x) if not sign else x, 1)
    return ("+" + text) if sign and x >= 0 else text


def score_name(w: Words, name: str) -> str:
    """A churn score's name (gradient boosting, P(alive), ...) in words."""
    return w(SCORE_NAMES[name]) if name in SCORE_NAMES else str(name)


def feature_label(name: str, w: Words | None = None) -> str:
    """A churn feature's name in words.

    >>> feature_label("days_since_last_purchase"), feature_label("channel_app")
    ('days since the last purchase', 'share of purchases in channel app')
    """
    w = w if w is not None else Words("en")
    if name in FEATURES:
        return w(FEATURES[name])
    if name.startswith("channel_"):
        return w(FEATURE_CHANNEL, channel=name.removeprefix("channel_"))
    return name.replace("_", " ")


def survival_sentences(survival: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> list[str]:
    """What :func:`crmlib.retention.model_retention` says: the model's drop-out reading (the sentence of the
    lifetime-value page), then the share of a cohort still active a year on against the share buying."""
    w, fmt = _wf(w, fmt)
    a = survival.attrs
    period = a["period"]
    year = {"W": 52, "M": 12, "Q": 4}[period]
    k = year if year in survival.index else int(survival.index[-1])
    drop = _clv.describe(a["fitted_model"], a["freq"], w=w, fmt=fmt)[1]
    row = survival.loc[k]
    age = period_count(w, fmt, k, period)
    first = w(SURVIVAL_MODEL, dropout=drop.rstrip(".।"), model=_clv.model_name(a["model"]))
    if pd.notna(row["bought"]):
        second = w(SURVIVAL_ACTIVE, alive=fmt.share(row["alive"], 0), age=age, bought=fmt.share(row["bought"], 0),
                   unit=period_one(w, period))
    else:
        second = w(SURVIVAL_ACTIVE_ONLY, alive=fmt.share(row["alive"], 0), age=age)
    return [first, second]


def summary_sentences(trend: dict | None = None, projection: pd.DataFrame | None = None,
                      risk: pd.DataFrame | None = None, comparison=None, rule_table: pd.DataFrame | None = None,
                      period: str = "M", survival: pd.DataFrame | None = None, *, w: Words | None = None,
                      fmt: Formats | None = None) -> list[str]:
    """The sentences the retention report opens with, each from one of its tables; parts given as None
    are left out (see :func:`crmlib.findings.retention`)."""
    w, fmt = _wf(w, fmt)
    unit = period_one(w, period)
    out = []
    if trend is not None and trend["cohorts"]:
        move = w({"rising": RISES, "falling": FALLS, "flat": NO_TREND}[trend["direction"]])
        values = dict(mean=fmt.share(trend["mean"], 1), unit=unit, low=fmt.share(trend["low"], 1),
                      high=fmt.share(trend["high"], 1), cohorts=fmt.count(trend["cohorts"]), move=move)
        if np.isfinite(trend["slope"]):
            out.append(w(TREND_SLOPE, **values, slope=_points(fmt, 100 * trend["slope"], True),
                         slope_low=_points(fmt, 100 * trend["slope_low"], True),
                         slope_high=_points(fmt, 100 * trend["slope_high"], True)))
        else:
            out.append(w(TREND, **values))
        if trend.get("early"):  # first cohorts holding customers from before the data began
            out.append(_cohorts.early_sentence(trend["early"], period, unit, w=w, fmt=fmt))
    if projection is not None:
        a = projection.attrs
        last, unseen = projection.index[-1], len(projection) - a["fit_periods"] - 1
        out.append(w(PROJECTION, fit=period_count(w, fmt, a["fit_periods"], period), cohort=str(a["cohort"]),
                     customers=fmt.count(a["cohort_size"]), projected=fmt.share(projection["projected"].iloc[-1], 1),
                     unit=unit, last=fmt.count(last), actual=fmt.share(projection["actual"].iloc[-1], 1),
                     unseen=period_count(w, fmt, unseen, period), mae=_points(fmt, 100 * a["mae"]),
                     direction=w(TOO_HIGH if a["bias"] > 0 else TOO_LOW), bias=_points(fmt, 100 * a["bias"])))
    if survival is not None:
        out.extend(survival_sentences(survival, w=w, fmt=fmt))
    if risk is not None:
        out.append(w(RISK, lost=fmt.share(risk["likely_lost"].mean(), 0), below=fmt.share(risk.attrs["alive_below"], 0),
                     inactive=fmt.share(risk["inactive"].mean(), 0), days=fmt.count(risk.attrs["inactive_days"]),
                     both=fmt.share(float((risk["flagged_by"] == "both").mean()), 0)))
    if comparison is not None:
        out.append(churn_finding(comparison, w=w, fmt=fmt))
    if rule_table is not None:
        out.append(rule_sentence(rule_table, w=w, fmt=fmt))
    return out


def cohort_file_sentence(cohorts: pd.DataFrame, coverage: pd.DataFrame, link: str, *, w: Words | None = None,
                         fmt: Formats | None = None) -> str:
    """The sentence under the cohort heatmap: the ``link`` to every cohort's customers and shares and, when the
    :func:`crmlib.retention.cohort_table` ``cohorts`` say so, the period the data end inside of (its hatched cells
    are left out of the title and the summary) and the first cohort the data start inside of (``coverage``,
    :func:`crmlib.retention.cohort_coverage`, gives the day: its size is not a whole period's acquisition, its later
    shares are those of the customers it holds)."""
    from crmlib.words.overview import period_name

    w, fmt = _wf(w, fmt)
    period, end = cohorts.attrs["period"], cohorts.attrs["observation_end"]
    out = (w(COHORT_FILE_PARTIAL, link=link, date=fmt.date(end, "medium"), period=period_name(end, period, fmt))
           if not cohorts.attrs["last_period_complete"] else None)
    first_partial = not cohorts.attrs.get("first_cohort_complete", True)
    out = out or w(COHORT_FILE_ENDED if first_partial else COHORT_FILE, link=link)
    if first_partial:
        out += " " + w(COHORT_FIRST_PARTIAL, date=fmt.date(coverage["covered_from"].iloc[0], "medium"),
                       period=period_name(cohorts.index[0].start_time, period, fmt), unit=period_one(w, period))
    return out


def _basket(w: Words, a: dict) -> str:
    what = a.get("basket")
    if not what or what == "one customer's purchases on one day":
        return w(BASKET_DAY)
    return w(BASKET_ORDER, column=str(what).removeprefix("one ")) if str(what).startswith("one ") else str(what)


def rule_sentence(rule_table: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """The strongest rule of :func:`crmlib.basket.rules` with lift above 1, in words, or why there is none.
    Category names are data values and stay as they are."""
    w, fmt = _wf(w, fmt)
    a = rule_table.attrs
    values = dict(multi=fmt.count(a.get("multi_item_baskets", 0)), baskets=fmt.count(a.get("baskets", 0)),
                  basket=_basket(w, a))
    up = rule_table[rule_table["lift"] > 1]
    if up.empty:
        return w(NO_RULE, **values)
    top = up.iloc[0]
    return w(RULE, antecedent=str(top["antecedent"]), confidence=fmt.share(top["confidence"], 0),
             consequent=str(top["consequent"]), lift=fmt.number(top["lift"], 2), n=fmt.count(top["baskets"]), **values)


def churn_finding(c, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """Who ranks churners best in a :class:`crmlib.churn.ChurnComparison`, and whether the supervised
    model beats P(alive) and the days-since-last-purchase ranking by more than the bootstrap noise."""
    w, fmt = _wf(w, fmt)
    m = c.metrics
    label = ROC_AUC if c.metric == "roc_auc" else w(AVERAGE_PRECISION)
    low, high = ("roc_auc_low", "roc_auc_high") if c.metric == "roc_auc" else ("ap_low", "ap_high")
    end = c.test_cutoff + pd.Timedelta(days=c.window_days)
    out = [w(CHURN_WINNER, window=fmt.date_range(c.test_cutoff, end), customers=fmt.count(len(c.scores)),
             rate=fmt.share(c.churn_rate, 0), winner=score_name(w, c.winner), metric=label,
             value=fmt.number(m.loc[c.winner, c.metric], 3), low=fmt.number(m.loc[c.winner, low], 3),
             high=fmt.number(m.loc[c.winner, high], 3))]

    def signed(x):
        return ("+" if x >= 0 else "") + fmt.number(x, 3)

    for against, row in c.differences.iterrows():
        values = dict(model=score_name(w, row["model"]), against=score_name(w, against), gap=signed(row["value"]),
                      low=signed(row["low"]), high=signed(row["high"]))
        msg = CHURN_BEATS if row["low"] > 0 else CHURN_UNCLEAR if row["value"] > 0 else CHURN_LOSES
        out.append(w(msg, **values))
    if "roc_auc_repeat_buyers" in m.columns and P_ALIVE in m.index:
        r = m["roc_auc_repeat_buyers"]
        out.append(w(CHURN_REPEAT, p_alive=fmt.number(r[P_ALIVE], 3), best=fmt.number(r[list(SUPERVISED)].max(), 3)))
    return " ".join(out)


def churn_notes(c, *, w: Words | None = None, fmt: Formats | None = None) -> list[str]:
    """The notes of a churn comparison (:attr:`crmlib.churn.ChurnComparison.notes`) in words."""
    w, fmt = _wf(w, fmt)
    out = []
    for kind, values in c.notes:
        if kind == "sampled":
            out.append(w(CHURN_SAMPLED, **{k: fmt.count(v) for k, v in values.items()}))
        elif kind == "p_alive_left_out":
            table = pd.DataFrame()
            table.attrs.update(values)
            out.append(w(P_ALIVE_LEFT_OUT, why=_clv.model_sentence(table, w=w, fmt=fmt, model_table=False)))
        elif kind == "one_time_buyers":
            out.append(w(ONE_TIME_BUYERS, model=_clv.model_name(values["model"]), share=fmt.share(values["share"], 0)))
        elif kind == "not_learnt":
            names = [feature_label(f, w) for f in values["features"]]
            out.append(w.plural(CHURN_NOT_LEARNT, len(names), features=_clv._names(w, names),
                                cutoff=fmt.date(values["cutoff"], "medium")))
    return out


def winback_reasons(winback: pd.DataFrame, inactive_days: int, alive_below: float, *, w: Words | None = None,
                    fmt: Formats | None = None) -> pd.Series:
    """Why each customer of :func:`crmlib.retention.winback_list` is on it, in words."""
    w, fmt = _wf(w, fmt)
    return pd.Series([
        w(REASON_BELOW if p < alive_below else REASON_NOT_BELOW, days=fmt.count(d), rule=fmt.count(inactive_days),
          p_alive=fmt.share(p, 0), below=fmt.share(alive_below, 0), segment=_segments.name(w, s),
          action=_action(w, a))
        for d, p, s, a in zip(winback["days_since_last_purchase"], winback["p_alive"], winback["segment"],
                              winback["action"])], index=winback.index, name="reason", dtype=object)


def _action(w: Words, action) -> str:
    action = str(action)
    return w(_segments.ACTIONS[action]) if action in _segments.ACTIONS else action


def no_offer_sentence(segments: list, *, w: Words | None = None) -> str:
    """The segments of :func:`crmlib.basket.next_best_by_segment`'s ``attrs["no_offer"]`` in a sentence
    ("" when there are none): they are missing from the offer table because they buy every category.

    >>> no_offer_sentence(["Champions", "Loyal", "Can't Lose Them"])
    "“Champions”, “Loyal” and “Can't Lose Them” get no offer: their customers already buy every category."
    """
    w = w if w is not None else Words("en")
    if not segments:
        return ""
    quoted = ["\u201c" + _segments.name(w, s) + "\u201d" for s in segments]  # a name may be a phrase
    return w.plural(NO_OFFER_SEGMENTS, len(segments), segments=_clv._names(w, quoted))


def winback_on_page(winback: pd.DataFrame, *, w: Words | None = None) -> pd.DataFrame:
    """:func:`crmlib.retention.winback_list` as a page shows it: segments, playbook actions and
    ``flagged_by`` in words, and :data:`NO_OFFER_MARK` for an empty offer (the customer buys every
    category; :data:`OFFER_DASH` says so under the table). winback.csv, for platforms, keeps the keys
    and the empty offer."""
    w = w if w is not None else Words("en")
    out = _segments.on_page(winback, w)
    if "offer" in out.columns:
        out["offer"] = out["offer"].mask(out["offer"].astype(str).str.strip().eq(""), NO_OFFER_MARK)
    if "action" in out.columns:
        out["action"] = [_action(w, a) for a in out["action"]]
    if "flagged_by" in out.columns:
        out["flagged_by"] = [w(FLAGGED_BY[f]) if f in FLAGGED_BY else f for f in out["flagged_by"].astype(str)]
    return out
