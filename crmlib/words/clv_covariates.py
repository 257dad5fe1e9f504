"""The words of the lifetime-value report's covariate section, in English, Hindi and Bengali.

:func:`crmlib.clv.covariate_effects.covariate_effects` gives the numbers (ratios per unit of each
covariate); this module says them: one sentence per covariate and a table for people.

>>> import pandas as pd
>>> effects = pd.DataFrame([{"covariate": "tier", "purchase": 1.3, "purchase_lower": 1.1, "purchase_upper": 1.5,
...                          "dropout": 0.8, "dropout_lower": 0.7, "dropout_upper": 0.9}])
>>> text = sentences(effects, "ParetoNBD", "W")[0]
>>> text.startswith("Customers with tier one unit higher buy 1.30 times as often (interval at 95%: 1.10")
True
>>> text.endswith("and are 0.80 times as likely to stop buying in any week (0.70\u2009–\u20090.90).")
True
"""

from __future__ import annotations

import math

import pandas as pd

from crmlib.formats import Formats
from crmlib.words import N_, Words
from crmlib.words.clv import model_name, unit_one

INTRO = N_("The {model} model was fitted again with {covariates} from the customers file, each acting on how "
           "often customers buy and on when they stop. A ratio above 1 means more; an interval that holds "
           "1 means these data cannot tell the effect from none.")
EFFECT_RATE = N_("Customers with {covariate} one unit higher buy {purchase} times as often (interval "
                 "at 95%: {purchase_interval}) and are {dropout} times as likely to stop buying in any {unit} "
                 "({dropout_interval}).")
EFFECT_AFTER_PURCHASE = N_("Customers with {covariate} one unit higher buy {purchase} times as often (interval "
                           "at 95%: {purchase_interval}) and are {dropout} times as likely to stop buying "
                           "after a purchase ({dropout_interval}).")
EFFECT_PURCHASE = N_("Customers with {covariate} one unit higher buy {purchase} times as often (interval at "
                     "95%: {purchase_interval}).")
PURCHASE_ONLY = N_("These data cannot tell how the covariates change when customers stop buying: the model with "
                   "them on dropout as well could not be fitted, so only their effect on buying is shown.")
NO_COVARIATES = N_("No covariates were named, so their effects are not shown; run the report with {how} to see "
                   "how customer attributes change buying and dropping out.")
#: How to ask for covariates on the command line: the option names stay as typed, the two
#: placeholders (a file, column names) are words of the reader's language.
HOW = N_("--customers FILE -p covariates=col1,col2")
#: The same when a customers file was given: only the columns are missing.
HOW_COLUMNS = N_("-p covariates=col1,col2")
NO_MODEL = N_("No purchase model could be fitted to these data, so the covariates' effects are left out.")
NOT_FITTED = N_("The {model} model could not be fitted with the covariates {covariates}, so their effects are "
                "left out; check that each column varies between customers and that no two repeat each other.")
COVARIATE = N_("Covariate")
PURCHASE_RATIO = N_("Purchase rate (ratio per unit)")
DROPOUT_RATIO = N_("Chance of stopping (ratio per unit)")
INTERVAL_95 = N_("interval (95%)")

__all__ = ["intro", "left_out", "sentences", "table"]


def _wf(w, fmt):
    fmt = fmt if fmt is not None else Formats(getattr(w, "lang", "en"))
    return (w if w is not None else Words.of(fmt)), fmt


def _interval(fmt: Formats, lo, hi) -> str:
    if lo is None or hi is None or (isinstance(lo, float) and math.isnan(lo)):
        return "–"
    return fmt.interval(lo, hi, decimals=2)


def intro(model: str, covariates, *, w: Words | None = None) -> str:
    """The sentence before the table: which model was refitted with which columns."""
    w, _ = _wf(w, None)
    return w(INTRO, model=model_name(model), covariates=", ".join(covariates))


def sentences(effects: pd.DataFrame, model: str, freq: str | None, *, w: Words | None = None,
              fmt: Formats | None = None) -> list[str]:
    """One sentence per covariate: how many times as often such customers buy and as likely stop."""
    w, fmt = _wf(w, fmt)
    message = EFFECT_RATE if model == "ParetoNBD" else EFFECT_AFTER_PURCHASE
    return [w(message if pd.notna(row.dropout) else EFFECT_PURCHASE, covariate=row.covariate,
              purchase=fmt.number(row.purchase, 2),
              purchase_interval=_interval(fmt, row.purchase_lower, row.purchase_upper),
              dropout=fmt.number(row.dropout, 2), dropout_interval=_interval(fmt, row.dropout_lower, row.dropout_upper),
              unit=unit_one(w, freq))
            for row in effects.itertuples()]


def table(effects: pd.DataFrame, *, w: Words | None = None, fmt: Formats | None = None) -> pd.DataFrame:
    """The effects as a table for people: named columns, ratios with two decimals, intervals as text."""
    w, fmt = _wf(w, fmt)
    out = pd.DataFrame({
        w(COVARIATE): effects["covariate"].to_numpy(),
        w(PURCHASE_RATIO): [fmt.number(v, 2) for v in effects["purchase"]],
        w(PURCHASE_RATIO) + " – " + w(INTERVAL_95): [_interval(fmt, lo, hi) for lo, hi in
                                                   zip(effects["purchase_lower"], effects["purchase_upper"])],
        w(DROPOUT_RATIO): [fmt.number(v, 2) for v in effects["dropout"]],
        w(DROPOUT_RATIO) + " – " + w(INTERVAL_95): [_interval(fmt, lo, hi) for lo, hi in
                                                  zip(effects["dropout_lower"], effects["dropout_upper"])],
    })
    return out if effects["dropout"].notna().any() else out.iloc[:, :3]  # purchase effects only


def left_out(reason: str | None, model: str | None = None, covariates=(), *, w: Words | None = None,
             customers: bool = False) -> str:
    """Why the section shows no effects (none named, no model, the refit failed), or only the
    effects on buying (``"purchase_only"``); ``customers``: a customers file was given, so the
    hint names only the covariate columns."""
    w, _ = _wf(w, None)
    if reason == "no_model":
        return w(NO_MODEL)
    if reason == "purchase_only":
        return w(PURCHASE_ONLY)
    if reason == "not_fitted":
        return w(NOT_FITTED, model=model_name(model), covariates=", ".join(covariates))
    return w(NO_COVARIATES, how=w(HOW_COLUMNS if customers else HOW))
