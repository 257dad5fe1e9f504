"""The fitted models of the lifetime-value pages in words: what their parameters say about customers
(:func:`describe`), what each parameter measures (:func:`parameter_table`), and why a model could not be
fitted (:func:`note_words`, :func:`models_on_page`). Re-exported by :mod:`crmlib.words.clv`.

The models (:mod:`crmlib.clv`) return numbers and names only: :func:`crmlib.clv.describe.readings`
gives the derived quantities, :func:`crmlib.clv.describe.parameter_table` the estimates; this module
says them in words. Model names (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, sBG) stay as they are in
every language.

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
from crmlib.words import N_, Words
from crmlib.words.clv_units import _wf, round_number, unit_count, unit_name, unit_one

__all__ = ["MEANINGS", "MEANING_V_CURRENCY", "NOTES", "SBG_MEANINGS", "SYMBOLS", "describe", "model_name",
           "models_on_page", "note_kind", "note_words", "parameter_table", "symbol"]

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
#: What ``v`` measures when the amounts have a currency: {currency} is its code (INR).
MEANING_V_CURRENCY = N_("scale of spend between customers ({currency})")
SBG_MEANINGS = {"alpha": N_("churn chance per period: first shape"),
                "beta": N_("churn chance per period: second shape")}

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



def model_name(name) -> str:
    """The papers' name of a model (BG/NBD, ...), never a class name; the same in every language."""
    return MODEL_NAMES.get(str(name), str(name))



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
        return [w(SPEND_TYPICAL, amount=fmt.money(r["mean_spend"]))]  # whole amounts above 100, as the tables
    return [w(SBG_FIRST, share=fmt.share(r["first_period_churn"], 0), unit=one),
            w(SBG_LATER, second=fmt.share(1 - r["retention_period_2"], 0),
              fifth=fmt.share(1 - r["retention_period_5"], 0), unit=one)]


def parameter_table(model, freq: str | None = None, *, w: Words | None = None,
                    currency: str | None = None) -> pd.DataFrame:
    """:func:`crmlib.clv.describe.parameter_table` with the ``meaning`` of each parameter in words; a scale
    of money names the ``currency`` when there is one.

    >>> from crmlib.clv import GammaGamma
    >>> parameter_table(GammaGamma.from_params(p=6.25, q=3.74, v=15.44), currency="INR")["meaning"].iloc[-1]
    'scale of spend between customers (INR)'
    """
    w = w if w is not None else Words("en")
    out = _parameter_numbers(model, freq)
    meanings = SBG_MEANINGS if type(model).__name__ == "ShiftedBetaGeo" else MEANINGS
    if currency:
        meanings = {**meanings, "v": MEANING_V_CURRENCY}
    unit = unit_name(w, freq or getattr(model, "freq_", None))
    out["meaning"] = [w(meanings[k], unit=unit, currency=currency) if k in meanings else "" for k in out["parameter"]]
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
