"""The words of the lifetime-value report: the model and value sentences, the summary and the intervals on
the value, and the labels of its tables, in English, Hindi and Bengali; and, re-exported from their modules,
the time units (:mod:`crmlib.words.clv_units`), the fitted models in words (:mod:`crmlib.words.clv_models`)
and the figures' titles and labels (:mod:`crmlib.words.clv_figures`), so that ``crmlib.words.clv.X`` names
every word of the page.

Every function takes ``w`` (:class:`crmlib.words.Words`) and ``fmt`` (:class:`crmlib.formats.Formats`),
English by default. Model names (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, sBG) stay as they are in every
language.

>>> from crmlib.clv import BetaGeo
>>> m = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)  # CDNOW, FHL 2005
>>> describe(m, freq="W")[0]
'An active customer buys about once every 18 weeks on average (0.055 purchases a week).'
"""

from __future__ import annotations

import pandas as pd

from crmlib.clv.describe import MODEL_NAMES, readings  # noqa: F401 (as before the split)
from crmlib.clv.describe import parameter_table as _parameter_numbers  # noqa: F401 (as before the split)
from crmlib.formats import Formats
from crmlib.words import N_, Words
from crmlib.words.clv_figures import (  # noqa: F401 (re-exported: crmlib.words.clv.X)
    ACTUAL,
    ALIVE_LABEL,
    ALIVE_TITLE,
    CUMULATIVE_REPEATS,
    CUSTOMERS,
    CUSTOMERS_AXIS,
    DAYS_SINCE_LAST,
    DISTRIBUTION_TITLE,
    END_OF_CALIBRATION,
    EXPECTED,
    EXPECTED_LABEL,
    EXPECTED_TITLE,
    HOLDOUT_TITLE,
    LIFETIME_VALUE,
    MEAN_IN_HOLDOUT,
    MEAN_IN_HOLDOUT_PERIOD,
    MEDIAN,
    PREDICTED,
    REPEAT_PURCHASES_AXIS,
    REPEATS_IN_CALIBRATION_AXIS,
    REPEATS_PER,
    RFM_SEGMENT,
    SEGMENT_TITLE,
    SHARES_AXIS,
    TIME_SINCE_START,
    TRACK_AFTER,
    TRACK_CUMULATIVE,
    TRACK_OVERALL,
    VALUE_AXIS,
    VALUE_AXIS_MONEY,
    WORTH_LESS_THAN,
)
from crmlib.words.clv_models import (  # noqa: F401 (re-exported: crmlib.words.clv.X)
    _NOTE_PATTERNS,
    ACTIVE_AFTER_YEAR,
    BUYS_EVERY,
    DROPOUT_BG,
    DROPOUT_MBG,
    LIFETIME_MEAN,
    LIFETIME_MEDIAN,
    MEANING_V_CURRENCY,
    MEANINGS,
    NOTES,
    SBG_FIRST,
    SBG_LATER,
    SBG_MEANINGS,
    SPEND_TYPICAL,
    SPEND_UNBOUNDED,
    SYMBOLS,
    describe,
    model_name,
    models_on_page,
    note_kind,
    note_words,
    parameter_table,
    symbol,
)
from crmlib.words.clv_units import (  # noqa: F401 (re-exported: crmlib.words.clv.X)
    UNBOUNDED,
    UNIT_COUNT,
    UNIT_NAME,
    UNIT_ONE,
    _freq,
    _g,
    _wf,
    round_number,
    unit_count,
    unit_name,
    unit_one,
)

__all__ = ["describe", "findings", "interval_sentence", "model_and_value_sentence", "model_name", "model_sentence",
           "models_on_page", "note_kind", "note_words", "parameter_table", "symbol", "unit_count", "unit_one",
           "value_sentence"]

# ----------------------------------------------------------------------------- model and value sentences
#: {model} is a model name (BG/NBD), {why} one of the WHY_* messages.
MODEL_USED = N_("The {model} model is used: {why}.")
WHY_LOWEST_BIC = N_("the lowest BIC ({bic}) of the {n} models that could be fitted")
WHY_ONLY_ONE = N_("the only one of the {n} models tried that could be fitted")
WHY_SETTINGS = N_("the model named in the report's settings")
#: {models} is a list of model names.
NOT_FITTED = N_("{models} could not be fitted (the table says why).")
#: The same on a page without the model table (segments, retention).
NOT_FITTED_ELSEWHERE = N_("{models} could not be fitted (the lifetime-value report's model table says why).")
NO_MODEL = N_("No purchase model could be fitted to these data, so the chance of being active, expected "
              "purchases and lifetime value are left out.")
#: {model} a model name, {horizon} a number of time units, {discount} one of the DISCOUNT_* messages or empty.
VALUE_MADE = N_("Lifetime value is each customer's expected purchases from the {model} model over the next "
                "{horizon}, valued at their expected spend per purchase from the Gamma-Gamma model.")
VALUE_MADE_DISCOUNTED = N_("Lifetime value is each customer's expected purchases from the {model} model over the "
                           "next {horizon}, valued at their expected spend per purchase from the Gamma-Gamma model, "
                           "discounted at {annual} a year ({rate} a {unit}).")

# ----------------------------------------------------------------------------- summary
NO_SPEND_MODEL = N_("Lifetime value is left out: the Gamma-Gamma spend model could not be fitted to what the repeat "
                    "buyers spent. P(alive) and expected purchases still come from the {model} model.")
#: Under a value section (deciles, segments, top customers, the file) when customers have no lifetime value.
NO_VALUE_HERE = N_("Left out: customers have no lifetime value here (\u201cWhat customers are worth\u201d says why).")
NO_VALUE_MODEL = N_("No lifetime-value model could be fitted to these data, so no customer is valued.")
NO_VALUE_MODEL_TRIED = N_("No lifetime-value model could be fitted to these data ({models} were tried; the model "
                          "table says why for each), so no customer is valued.")
SUMMARY_MODEL = N_("The {model} model is used, {why}.")
SUMMARY_MODEL_HOLDOUT = N_("The {model} model is used, {why}; refitted on the calibration period alone, it missed "
                           "each customer's purchases in the holdout period by {mae} on average (mean absolute "
                           "error).")
SUMMARY_WORTH = N_("Together the {customers} customers are expected to be worth {amount} over the next {horizon} "
                   "(discounted).")
SUMMARY_TOP = N_("The most valuable {top} of customers hold {share} of that value.")
#: {segment} is a segment name as the data or the segment report writes it.
SUMMARY_SEGMENT = N_("The {segment} segment holds {share} of the value with {customers} of customers.")
#: Joins a list of names: {first} the names but the last, joined by ", ", {last} the last.
LIST_AND = N_("{first} and {last}")
#: A note of the page.
DATA_LINE = N_("{transactions} transactions of {customers} customers, {period}; time unit: {unit}; calibration "
               "up to {calibration_end}, holdout {holdout}.")
NO_HOLDOUT_CHECK = N_("No model could be fitted on the calibration period alone, so the holdout check is left out.")
NO_TRACKING = N_("No model could be fitted on the calibration period alone, so the tracking is left out.")
#: The data-quality table's detail of customers who first bought after the calibration end: {date} is a day.
HOLDOUT_ONLY = N_("not yet a customer on {date}: left out of the holdout check only; the lifetime values cover "
                  "every customer")

# ----------------------------------------------------------------------------- intervals on the value
#: {amount}, {lower}, {upper} money written by Formats, {level} a share ("90%"), {horizon} a number of time units.
TOTAL_INTERVAL = N_("Together the customers are expected to be worth {amount} over the next {horizon} (discounted), "
                    "with a {level} interval from {lower} to {upper}. The interval covers only the uncertainty of the "
                    "fitted model's parameters, how precisely these data pin the model down; it does not cover "
                    "each customer's own chance of buying or not, which scatters far more widely, nor whether the "
                    "model itself is right (the holdout check above says that).")
#: {model} is a model name (BG/NBD, Gamma-Gamma).
NO_INTERVALS_STANDARD_ERRORS = N_("Intervals on lifetime value are not available here: the {model} model has no "
                                  "standard errors (its fit is held by a penalty, not by the data), so the "
                                  "uncertainty of its parameters cannot be measured.")
NO_INTERVALS_UNBOUNDED_SPEND = N_("Intervals on lifetime value are not available here: within the uncertainty of "
                                  "the {model} spend model, the mean spend per purchase has no upper bound (look "
                                  "for extreme amounts in the file).")

# ----------------------------------------------------------------------------- table labels
REPEAT_IN_CALIBRATION = N_("Repeat purchases in calibration")
#: {money} is " (INR)" or empty.
MEAN_VALUE = N_("Mean lifetime value")
LOWEST = N_("Lowest")
HIGHEST = N_("Highest")
VALUE_SHARE = N_("Share of lifetime value")
CUMULATIVE_VALUE_SHARE = N_("Cumulative share of lifetime value")
TOTAL_VALUE = N_("Total lifetime value")
VALUE_DECILE = N_("Lifetime value decile")


# ----------------------------------------------------------------------------- model and value
def _names(w: Words, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return w(LIST_AND, first=", ".join(names[:-1]), last=names[-1])


def _chosen_why(a: dict, w: Words, fmt: Formats) -> str:
    comparison = a.get("comparison") or {}
    bics = {k: v.get("BIC") for k, v in comparison.items() if v.get("BIC") is not None and pd.notna(v.get("BIC"))}
    name = a.get("model")
    if bics and min(bics, key=bics.get) == name:
        if len(bics) > 1:
            return w(WHY_LOWEST_BIC, bic=fmt.number(bics[name], 1), n=fmt.count(len(bics)))
        return w(WHY_ONLY_ONE, n=fmt.count(len(comparison)))
    return w(WHY_SETTINGS)


def model_sentence(table: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None,
                   model_table: bool = True) -> str:
    """Which transaction model a per-customer table (:func:`crmlib.customer_table`) uses and why. ``model_table``:
    the page shows the models' table, which says why a model could not be fitted (else the sentence points to the
    lifetime-value report's: the segments page said "the table says why" with no such table)."""
    w, fmt = _wf(w, fmt)
    a = table.attrs
    name = a.get("model")
    comparison = a.get("comparison") or {}
    failed = [model_name(k) for k, v in comparison.items() if v.get("BIC") is None or not pd.notna(v.get("BIC"))]
    lost = (" " + w(NOT_FITTED if model_table else NOT_FITTED_ELSEWHERE, models=", ".join(failed))) if failed else ""
    if name is None:
        return w(NO_MODEL) + lost
    return w(MODEL_USED, model=model_name(name), why=_chosen_why(a, w, fmt)) + lost


def value_sentence(table: pd.DataFrame, annual_discount: float | None = None, *, w: Words | None = None,
                   fmt: Formats | None = None) -> str:
    """How the lifetime value of a per-customer table was made, in words (or why it is left out)."""
    w, fmt = _wf(w, fmt)
    a = table.attrs
    if "clv" not in table.columns:
        if a.get("model") is not None and "p_alive" in table.columns:  # the spend model is what failed
            return w(NO_SPEND_MODEL, model=model_name(a["model"]))
        return model_sentence(table, w=w, fmt=fmt)
    freq = a.get("freq")
    horizon = w.plural(UNIT_COUNT[_freq(freq)], 2, n=_g(fmt, a.get("horizon")))
    model = model_name(a.get("model"))
    rate = a.get("rate")
    if annual_discount is None or rate is None:
        return w(VALUE_MADE, model=model, horizon=horizon)
    return w(VALUE_MADE_DISCOUNTED, model=model, horizon=horizon, annual=fmt.share(annual_discount, 0),
             rate=fmt.share(rate, 2), unit=unit_one(w, freq))


def model_and_value_sentence(table: pd.DataFrame, annual_discount: float | None = None, *, w: Words | None = None,
                             fmt: Formats | None = None, model_table: bool = True) -> str:
    """:func:`model_sentence` then :func:`value_sentence`, saying once why both are left out when no model fits."""
    w, fmt = _wf(w, fmt)
    first = model_sentence(table, w=w, fmt=fmt, model_table=model_table)
    if "clv" not in table.columns and table.attrs.get("model") is None:
        return first
    return f"{first} {value_sentence(table, annual_discount, w=w, fmt=fmt)}"


def findings(table: pd.DataFrame, *, holdout: pd.DataFrame | None = None, deciles: pd.DataFrame | None = None,
             by_segment: pd.DataFrame | None = None, w: Words | None = None, fmt: Formats | None = None,
             currency: str | None = None, top: float = 0.2) -> list[str]:
    """The lifetime-value report's findings (see :func:`crmlib.findings.clv`), at most five."""
    w, fmt = _wf(w, fmt, currency)
    a = table.attrs
    name = a.get("model")
    if name is None:
        tried = [model_name(m) for m in (a.get("comparison") or {})]
        return [w(NO_VALUE_MODEL_TRIED, models=_names(w, tried)) if tried else w(NO_VALUE_MODEL)]
    why = _chosen_why(a, w, fmt)
    if (holdout is not None and name in holdout.index and "MAE" in holdout.columns
            and pd.notna(holdout.loc[name, "MAE"])):
        out = [w(SUMMARY_MODEL_HOLDOUT, model=model_name(name), why=why, mae=fmt.number(holdout.loc[name, "MAE"], 2))]
    else:
        out = [w(SUMMARY_MODEL, model=model_name(name), why=why)]
    fitted = a.get("fitted_model")
    if fitted is not None:
        out.append(" ".join(describe(fitted, a.get("freq"), w=w, fmt=fmt)[:2]))
    if "clv" not in table.columns:
        out.append(value_sentence(table, w=w, fmt=fmt))  # why the value is left out
    else:
        total = float(table["clv"].sum())
        horizon = w.plural(UNIT_COUNT[_freq(a.get("freq"))], 2, n=_g(fmt, a.get("horizon")))
        out.append(w(SUMMARY_WORTH, customers=fmt.count(len(table)), amount=fmt.money(total, 0), horizon=horizon))
        if deciles is not None and len(deciles) >= 2:
            out.append(w(SUMMARY_TOP, top=fmt.share(top, 0),
                         share=fmt.share(float(deciles["cumulative_share"].iloc[1]), 0)))
        if by_segment is not None and len(by_segment):
            ranked = by_segment.sort_values("clv_share", ascending=False)
            row = ranked.iloc[0]
            from crmlib.words.segments import name as segment_name

            out.append(w(SUMMARY_SEGMENT, segment=segment_name(w, ranked.index[0]),
                         share=fmt.share(row["clv_share"], 0),
                         customers=fmt.share(row["customer_share"], 0)))
    return out[:5]


def data_line(w: Words, fmt: Formats, *, transactions: int, customers: int, first, end, freq: str,
              calibration_end, holdout: float) -> str:
    """The line under the report's title: how many transactions and customers, the period, the unit."""
    return w(DATA_LINE, transactions=fmt.count(transactions), customers=fmt.count(customers),
             period=fmt.date_range(first, end), unit=unit_name(w, freq), calibration_end=fmt.date(calibration_end),
             holdout=w.plural(UNIT_COUNT[_freq(freq)], 2, n=fmt.number(holdout, 1)))



def interval_sentence(table: pd.DataFrame, intervals, obstacle: tuple[str, str] | None = None, *,
                      w: Words | None = None, fmt: Formats | None = None) -> str:
    """The base's total lifetime value with its interval (``intervals``, a
    :class:`crmlib.clv.uncertainty.ValueIntervals`) and what the interval covers; or, when ``intervals``
    is None, why there is none (``obstacle``, from :func:`crmlib.clv.uncertainty.interval_obstacle`)."""
    w, fmt = _wf(w, fmt)
    if intervals is None:
        reason, name = obstacle or ("no_standard_errors", table.attrs.get("model"))
        message = NO_INTERVALS_UNBOUNDED_SPEND if reason == "unbounded_spend" else NO_INTERVALS_STANDARD_ERRORS
        return w(message, model=model_name(name))
    total = intervals.totals.loc["clv"]
    decimals = fmt.money_decimals([total["lower"], total["estimate"], total["upper"]])
    horizon = w.plural(UNIT_COUNT[_freq(table.attrs.get("freq"))], 2, n=_g(fmt, table.attrs.get("horizon")))
    return w(TOTAL_INTERVAL, amount=fmt.money(total["estimate"], decimals), horizon=horizon,
             level=fmt.share(intervals.level, 0), lower=fmt.money(total["lower"], decimals),
             upper=fmt.money(total["upper"], decimals))
