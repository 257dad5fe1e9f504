"""The words of the lifetime-value report: the models' readings, the model and value sentences,
the summary and the figures' titles and labels, in English, Hindi and Bengali.

The models (:mod:`crmlib.clv`) return numbers and names only: :func:`crmlib.clv.describe.readings`
gives the derived quantities, :func:`crmlib.clv.describe.parameter_table` the estimates; this module
says them in words. Every function takes ``w`` (:class:`crmlib.words.Words`) and ``fmt``
(:class:`crmlib.formats.Formats`), English by default. Model names (BG/NBD, MBG/NBD, Pareto/NBD,
Gamma-Gamma, sBG) stay as they are in every language.

>>> from crmlib.clv import BetaGeo
>>> m = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)  # CDNOW, FHL 2005
>>> describe(m, freq="W")[0]
'An active customer buys about once every 18 weeks on average (0.055 purchases a week).'
"""

from __future__ import annotations

import math
import re

import pandas as pd

from crmlib.clv.describe import MODEL_NAMES, readings
from crmlib.clv.describe import parameter_table as _parameter_numbers
from crmlib.formats import Formats
from crmlib.words import N_, NP_, Words

__all__ = ["describe", "findings", "interval_sentence", "model_and_value_sentence", "model_name", "model_sentence",
           "models_on_page", "note_kind", "note_words", "parameter_table", "symbol", "unit_count", "unit_one",
           "value_sentence"]

# ----------------------------------------------------------------------------- time units
#: One unit of time, as in "0.055 purchases a {unit}" or "in the second {unit}".
UNIT_ONE = {"H": N_("hour"), "D": N_("day"), "W": N_("week"), "M": N_("month"), "Q": N_("quarter"),
            None: N_("period")}
#: A number of units; {n} is already written by Formats.
UNIT_COUNT = {"H": NP_("{n} hour", "{n} hours"), "D": NP_("{n} day", "{n} days"),
              "W": NP_("{n} week", "{n} weeks"), "M": NP_("{n} month", "{n} months"),
              "Q": NP_("{n} quarter", "{n} quarters"), None: NP_("{n} period", "{n} periods")}

# ----------------------------------------------------------------------------- model readings
#: {years} is a number of time units ("18 weeks"), {rate} a number, {unit} one time unit ("week").
BUYS_EVERY = N_("An active customer buys about once every {every} on average ({rate} purchases a {unit}).")
DROPOUT_BG = N_("After each repeat purchase about {share} of customers stop buying for good.")
DROPOUT_MBG = N_("After each purchase, the first one included, about {share} of customers stop buying for good.")
#: Pareto/NBD: {life} is a number of time units.
LIFETIME_MEAN = N_("Customers stop buying at some point in time, not after a purchase: an average customer "
                   "lifetime of about {life}.")
LIFETIME_MEDIAN = N_("Customers stop buying at some point in time, not after a purchase: a median customer "
                     "lifetime of about {life} (the mean is unbounded: a few customers stay for a very long time).")
ACTIVE_AFTER_YEAR = N_("About {share} of customers are still active a year after their first purchase.")
SPEND_UNBOUNDED = N_("Spend per purchase varies so much between customers that its mean is unbounded.")
#: {amount} is money written by Formats.
SPEND_TYPICAL = N_("A typical purchase is worth about {amount} on average across customers; a customer's own "
                   "past purchases pull their expected spend towards their own mean.")
#: sBG: {unit} is one time unit ("month").
SBG_FIRST = N_("About {share} of a cohort leave after the first {unit}.")
SBG_LATER = N_("Of those still there, about {second} leave in the second {unit} and {fifth} in the fifth: the "
               "customers likely to leave go first.")
UNBOUNDED = N_("an unbounded number of")

#: What each fitted parameter measures; {unit} is a time unit's name ("weeks").
MEANINGS = {
    "r": N_("shape of the purchase rates across customers"),
    "alpha": N_("scale of the purchase rates ({unit})"),
    "a": N_("drop-out chance after a purchase: first shape"),
    "b": N_("drop-out chance after a purchase: second shape"),
    "s": N_("shape of the drop-out rates across customers"),
    "beta": N_("scale of the drop-out rates ({unit})"),
    "p": N_("shape of one customer's spend per purchase"),
    "q": N_("shape of the spread of spend between customers"),
    "v": N_("scale of spend between customers (money)"),
}
SBG_MEANINGS = {"alpha": N_("churn chance per period: first shape"),
                "beta": N_("churn chance per period: second shape")}
#: The time unit of a parameter's scale, plural ("weeks").
UNIT_NAME = {"H": N_("hours"), "D": N_("days"), "W": N_("weeks"), "M": N_("months"), "Q": N_("quarters"),
             None: N_("periods")}

# ----------------------------------------------------------------------------- model and value sentences
#: {model} is a model name (BG/NBD), {why} one of the WHY_* messages.
MODEL_USED = N_("The {model} model is used: {why}.")
WHY_LOWEST_BIC = N_("the lowest BIC ({bic}) of the {n} models that could be fitted")
WHY_ONLY_ONE = N_("the only one of the {n} models tried that could be fitted")
WHY_SETTINGS = N_("the model named in the report's settings")
#: {models} is a list of model names.
NOT_FITTED = N_("{models} could not be fitted (the table says why).")
NO_MODEL = N_("No purchase model could be fitted to these data, so the chance of being active, expected "
              "purchases and lifetime value are left out.")
#: {model} a model name, {horizon} a number of time units, {discount} one of the DISCOUNT_* messages or empty.
VALUE_MADE = N_("Lifetime value is each customer's expected purchases from the {model} model over the next "
                "{horizon}, valued at their expected spend per purchase from the Gamma-Gamma model.")
VALUE_MADE_DISCOUNTED = N_("Lifetime value is each customer's expected purchases from the {model} model over the "
                           "next {horizon}, valued at their expected spend per purchase from the Gamma-Gamma model, "
                           "discounted at {annual} a year ({rate} a {unit}).")

# ----------------------------------------------------------------------------- summary
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

# ----------------------------------------------------------------------------- figures
ACTUAL = N_("actual")
EXPECTED = N_("{model} (expected)")
PREDICTED = N_("predicted")
END_OF_CALIBRATION = N_("end of calibration")
TRACK_CUMULATIVE = N_("{model} expects {expected} repeat transactions by {unit} {t}, against {actual} actual ({gap})")
TRACK_AFTER = N_("{model} is off by {mae} repeat transactions a {unit} on average after calibration ({actual} "
                 "actual a {unit})")
TRACK_OVERALL = N_("{model} is off by {mae} repeat transactions a {unit} on average overall ({actual} actual a "
                   "{unit})")
#: {units} is a time unit's name ("weeks").
TIME_SINCE_START = N_("Time since the start ({units})")
CUMULATIVE_REPEATS = N_("Cumulative repeat transactions (count)")
REPEATS_PER = N_("Repeat transactions per {unit} (count)")
HOLDOUT_TITLE = N_("{model} predicts {predicted} holdout purchases against {actual} actual ({gap})")
REPEATS_IN_CALIBRATION_AXIS = N_("Repeat purchases in the calibration period (count)")
MEAN_IN_HOLDOUT = N_("Mean purchases in the holdout of {holdout} (count)")
MEAN_IN_HOLDOUT_PERIOD = N_("Mean purchases in the holdout period (count)")
ALIVE_TITLE = N_("A customer with {n} repeat purchases is {recent} likely active if the last was recent, {ago} if "
                 "it was {days} days ago")
ALIVE_LABEL = N_("P(active)")
EXPECTED_TITLE = N_("Recent frequent buyers are expected to buy {most} times in the next {horizon}; lapsed ones "
                    "hardly at all")
EXPECTED_LABEL = N_("Expected purchases in {horizon}")
DAYS_SINCE_LAST = N_("Days since the last purchase (customers first bought {days} days ago)")
REPEAT_PURCHASES_AXIS = N_("Repeat purchases (count)")
MEDIAN = N_("median {value}")
BELOW_FLOOR = NP_("{n} customer below {floor} not shown", "{n} customers below {floor} not shown")
DISTRIBUTION_TITLE = N_("The top 10% of customers hold {share} of the expected value of the next {horizon}")
VALUE_AXIS = N_("Customer lifetime value, discounted; log scale")
VALUE_AXIS_MONEY = N_("Customer lifetime value ({currency}), discounted; log scale")
CUSTOMERS_AXIS = N_("Customers (count)")
CUSTOMERS = N_("customers")
LIFETIME_VALUE = N_("lifetime value")
SEGMENT_TITLE = N_("'{segment}' hold {value} of expected value with {customers} of customers")
SHARES_AXIS = N_("Share of all customers / of total lifetime value (%)")
RFM_SEGMENT = N_("RFM segment")

# ----------------------------------------------------------------------------- notes of the model tables
#: Why a model could not be fitted, by kind (the model layer's errors stay English for Python users; a page
#: says them with these). {model} is a model name (Pareto/NBD), {names} parameters' symbols ("s, β").
NOTES = {
    "not_identified": N_("{model} did not converge: the parameters {names} ran off towards 0 or infinity, so these "
                         "data cannot tell the model's parameters apart."),
    "not_finite": N_("{model} did not converge: the log-likelihood is not finite at the optimum."),
    "not_curved": N_("{model} did not converge: the optimiser stopped where the log-likelihood is not curved like a "
                     "maximum, so these data do not identify {names}."),
    "flat": N_("{model} could not be fitted: these data do not pin down {names} (their intervals are far too wide)."),
    "no_repeat": N_("{model} could not be fitted: nobody made a repeat purchase, so the purchase and dropout "
                    "processes cannot be told apart."),
    "other": N_("{model} could not be fitted to these data."),
}
#: The first line of each kind of error the model layer raises (crmlib.clv._base, crmlib.clv.validation).
_NOTE_PATTERNS = [
    ("not_identified", re.compile(r"^(?P<model>\S+) did not converge: parameters not identified: "
                                  r"\[(?P<names>[^\]]*)\]")),
    ("not_finite", re.compile(r"^(?P<model>\S+) did not converge: the log-likelihood is not finite")),
    ("not_curved", re.compile(r"^(?P<model>\S+) did not converge: the optimiser stopped where the log-likelihood is "
                              r"not curved like a maximum \(Hessian not positive definite\), so "
                              r"\[(?P<names>[^\]]*)\]")),
    ("flat", re.compile(r"^(?P<model>\S+) did not converge: \[(?P<names>[^\]]*)\] are not identified by these data")),
    ("no_repeat", re.compile(r"^(?P<model>\S+): nobody made a repeat purchase")),
]
#: Parameters written as the papers write them; the Latin letters (r, a, b, s, p, q, v) stay.
SYMBOLS = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ"}


# ----------------------------------------------------------------------------- helpers
def _wf(w: Words | None, fmt: Formats | None, currency: str | None = None) -> tuple[Words, Formats]:
    fmt = fmt if fmt is not None else Formats(getattr(w, "lang", "en"), currency=currency)
    return (w if w is not None else Words(fmt.lang)), fmt


def model_name(name) -> str:
    """The papers' name of a model (BG/NBD, ...), never a class name; the same in every language."""
    return MODEL_NAMES.get(str(name), str(name))


def _freq(freq):
    return freq if freq in UNIT_ONE else None


def unit_one(w: Words, freq) -> str:
    """One time unit in words: ``week``."""
    return w(UNIT_ONE[_freq(freq)])


def unit_name(w: Words, freq) -> str:
    """A time unit's name, plural: ``weeks``."""
    return w(UNIT_NAME[_freq(freq)])


def round_number(fmt: Formats, x: float) -> str:
    """A round, readable number: 18, 3.4, 0.62 (two significant digits below 1)."""
    if abs(x) >= 10:
        return fmt.number(x, 0)
    if abs(x) >= 1:
        return fmt.number(x, 1)
    if x == 0:
        return fmt.number(0, 0)
    return fmt.number(float(f"{x:.2g}"), max(0, 1 - math.floor(math.log10(abs(x)))))


def unit_count(w: Words, fmt: Formats, n: float, freq) -> str:
    """A number of time units: ``18 weeks``, ``1 week``; unbounded numbers in words."""
    if not math.isfinite(n):
        return w.plural(UNIT_COUNT[_freq(freq)], 2, n=w(UNBOUNDED))
    text = round_number(fmt, n)
    return w.plural(UNIT_COUNT[_freq(freq)], 1 if n == 1 else 2, n=text)


def _g(fmt: Formats, x: float) -> str:
    """A number as Python's ``:g`` writes it (52, 12, 364), in the page's digits."""
    x = float(x)
    return fmt.number(x, 0 if x == round(x) else fmt.decimals([x]))


# ----------------------------------------------------------------------------- readings
def describe(model, freq: str | None = None, currency: str | None = None, *, w: Words | None = None,
             fmt: Formats | None = None) -> list[str]:
    """Plain sentences reading a fitted model's parameters, with units (:func:`crmlib.clv.describe.readings`).

    ``freq`` ("D", "W", "M", "Q") is the unit the model was fitted in (default the model's ``freq_``);
    ``currency`` (or ``fmt.currency``) labels Gamma-Gamma spend.

    >>> from crmlib.clv import ShiftedBetaGeo
    >>> describe(ShiftedBetaGeo.from_params(alpha=0.704, beta=1.182), freq=None)[0]
    'About 37% of a cohort leave after the first period.'
    """
    w, fmt = _wf(w, fmt, currency)
    r = readings(model, freq)
    freq = freq or getattr(model, "freq_", None)
    one = unit_one(w, freq)
    name = type(model).__name__
    if name in ("BetaGeo", "ModifiedBetaGeo", "ParetoNBD"):
        out = [w(BUYS_EVERY, every=unit_count(w, fmt, r["periods_between_purchases"], freq),
                 rate=round_number(fmt, r["purchase_rate"]), unit=one)]
        if name == "BetaGeo":
            out.append(w(DROPOUT_BG, share=fmt.share(r["dropout"], 0)))
        elif name == "ModifiedBetaGeo":
            out.append(w(DROPOUT_MBG, share=fmt.share(r["dropout"], 0)))
        else:
            if math.isfinite(r["mean_lifetime"]):
                out.append(w(LIFETIME_MEAN, life=unit_count(w, fmt, r["mean_lifetime"], freq)))
            else:
                out.append(w(LIFETIME_MEDIAN, life=unit_count(w, fmt, r["median_lifetime"], freq)))
            if math.isfinite(r["active_after_year"]):
                out.append(w(ACTIVE_AFTER_YEAR, share=fmt.share(r["active_after_year"], 0)))
        return out
    if name == "GammaGamma":
        if not math.isfinite(r["mean_spend"]):
            return [w(SPEND_UNBOUNDED)]
        return [w(SPEND_TYPICAL, amount=fmt.money(r["mean_spend"], 2))]
    return [w(SBG_FIRST, share=fmt.share(r["first_period_churn"], 0), unit=one),
            w(SBG_LATER, second=fmt.share(1 - r["retention_period_2"], 0),
              fifth=fmt.share(1 - r["retention_period_5"], 0), unit=one)]


def parameter_table(model, freq: str | None = None, *, w: Words | None = None) -> pd.DataFrame:
    """:func:`crmlib.clv.describe.parameter_table` with the ``meaning`` of each parameter in words."""
    w = w if w is not None else Words("en")
    out = _parameter_numbers(model, freq)
    meanings = SBG_MEANINGS if type(model).__name__ == "ShiftedBetaGeo" else MEANINGS
    unit = unit_name(w, freq or getattr(model, "freq_", None))
    out["meaning"] = [w(meanings[k], unit=unit) if k in meanings else "" for k in out["parameter"]]
    out["parameter"] = [symbol(k) for k in out["parameter"]]
    return out


def symbol(name) -> str:
    """A parameter as the papers write it: ``alpha`` -> ``α``; ``r`` stays ``r``."""
    return SYMBOLS.get(str(name), str(name))


def note_kind(note) -> tuple[str, dict]:
    """The kind of a model table's note (the first line of the model's error) and its fields
    (``model``: a class name, ``names``: the parameters it names); ``("", {})`` for no note.

    >>> note_kind("ParetoNBD did not converge: parameters not identified: ['s', 'beta'] ran off towards 0")
    ('not_identified', {'model': 'ParetoNBD', 'names': ['s', 'beta']})
    """
    note = "" if note is None or (isinstance(note, float) and math.isnan(note)) else str(note)
    if not note.strip():
        return "", {}
    for kind, pattern in _NOTE_PATTERNS:
        m = pattern.match(note)
        if m:
            fields = m.groupdict()
            if "names" in fields:
                fields["names"] = re.findall(r"'([^']*)'", fields["names"])
            return kind, fields
    return "other", {"model": re.split(r"[ :]", note, maxsplit=1)[0]}


def note_words(note, model=None, *, w: Words | None = None) -> str:
    """A model table's note in the page's words (:data:`NOTES`); the model as the papers name it."""
    w = w if w is not None else Words("en")
    kind, fields = note_kind(note)
    if not kind:
        return ""
    name = model_name(model if model is not None else fields.get("model", ""))
    return w(NOTES[kind], model=name, names=", ".join(symbol(n) for n in fields.get("names", [])))


def models_on_page(frame: pd.DataFrame, *, w: Words | None = None) -> pd.DataFrame:
    """A model comparison (:func:`crmlib.customer.comparison_of`, :func:`crmlib.clv.holdout_check`) as a
    page shows it: models by the papers' names, each ``note`` in words (:func:`note_words`)."""
    out = frame.copy()
    if "note" in out.columns:
        out["note"] = [note_words(n, m, w=w) for m, n in zip(out.index, out["note"])]
    return out.rename(index=lambda m: model_name(m))


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


def model_sentence(table: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> str:
    """Which transaction model a per-customer table (:func:`crmlib.customer_table`) uses and why."""
    w, fmt = _wf(w, fmt)
    a = table.attrs
    name = a.get("model")
    comparison = a.get("comparison") or {}
    failed = [model_name(k) for k, v in comparison.items() if v.get("BIC") is None or not pd.notna(v.get("BIC"))]
    lost = (" " + w(NOT_FITTED, models=", ".join(failed))) if failed else ""
    if name is None:
        return w(NO_MODEL) + lost
    return w(MODEL_USED, model=model_name(name), why=_chosen_why(a, w, fmt)) + lost


def value_sentence(table: pd.DataFrame, annual_discount: float | None = None, *, w: Words | None = None,
                   fmt: Formats | None = None) -> str:
    """How the lifetime value of a per-customer table was made, in words (or why it is left out)."""
    w, fmt = _wf(w, fmt)
    a = table.attrs
    if "clv" not in table.columns:
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
                             fmt: Formats | None = None) -> str:
    """:func:`model_sentence` then :func:`value_sentence`, saying once why both are left out when no model fits."""
    w, fmt = _wf(w, fmt)
    first = model_sentence(table, w=w, fmt=fmt)
    if "clv" not in table.columns:
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
    if "clv" in table.columns:
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
