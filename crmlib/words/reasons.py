"""Why a model refused the data, in the page's language: the sentence after "... is left out:".

The models (floor 3) raise :class:`crmlib.exceptions.DataError` with an English message for programmers
and the command line, and with ``reason=(key, fields)``: a stable key and the values of the sentence.
:func:`reason_text` says that reason in the page's language, the numbers and dates written by
:class:`crmlib.formats.Formats` (so Hindi and Bengali digits follow the page's ``digits``). An English
page keeps the error's own first line; a :class:`~crmlib.exceptions.ConvergenceError` is said by
:func:`crmlib.words.clv_models.note_words` (as the model tables say it); any other error without a known
reason keeps its English first line in every language.

Placeholders: ``{cohort}``, ``{first}``, ``{last}`` are cohort labels (``2024-07``); ``{model}`` a model as the
papers name it (sBG, BG/NBD) and ``{history}`` its columns' values (``T=1, churned=1``); words such as
``fit_periods``, ``window_days``, ``test_cutoff`` and ``inactive_days`` are the report's parameter names
and stay as typed.

>>> from crmlib.exceptions import DataError
>>> from crmlib.formats import Formats
>>> err = DataError("inactivity_days: no customer bought twice, ...", reason=("no_repeat_buyer", {}))
>>> reason_text(err, w=Words("en"), fmt=Formats("en"), prefix="inactivity_days: ")
'no customer bought twice, ...'
>>> reason_text(ValueError("Something else.\\nMore."), w=Words("hi"), fmt=Formats("hi"))
'Something else.'
"""

from __future__ import annotations

import datetime as _dt
import numbers

import pandas as pd

from crmlib.exceptions import ConvergenceError
from crmlib.formats import Formats
from crmlib.words import N_, Words
from crmlib.words.clv_models import model_name, note_words

__all__ = ["REASONS", "reason_text"]

#: One sentence per key of ``DataError(..., reason=(key, fields))``, in English as the model says it.
REASONS = {
    # crmlib.retention.project_retention
    "cohort_too_short": N_(
        "cohort {cohort} has {periods} complete periods; fitting {fit_periods} and checking the projection needs at "
        "least {needed}. Use a shorter fit_periods or an earlier cohort."),
    "cohort_too_short_earlier": N_(
        "cohort {cohort} has {periods} complete periods; fitting {fit_periods} and checking the projection needs at "
        "least {needed}. Use a shorter fit_periods or an earlier cohort ({first} to {last})."),
    # crmlib.retention.inactivity_days
    "no_repeat_buyer": N_(
        "no customer bought twice, so there is no gap between purchases to learn from; give the number of days "
        "yourself (the retention report's inactive_days)."),
    # crmlib.churn.compare_churn_models and its labelled data
    "test_window_past_data": N_(
        "The test window {test} + {days} days runs past the data ({end}); choose an earlier test_cutoff or a "
        "shorter window_days."),
    "too_few_in_class": N_(
        "At the training cut-off {cutoff} only {few} of the {customers} customers are in the smaller class (churned "
        "or came back) and {features} feature(s) vary; the churn models need at least {minimum} of each and one "
        "varying feature."),
    "one_purchase_day_each": N_(
        "At the training cut-off {cutoff} each of the {customers} customers had bought on one day only, so the churn "
        "models could not learn from repeat purchases, which {repeat} of the {test_customers} customers at the test "
        "cut-off had made; use a shorter window_days or a longer history."),
    "nobody_bought_yet": N_(
        "At the cut-off {cutoff} no customer had bought yet: learning churn over {days} days and testing it on a "
        "later {days} days needs more than {total} days of transactions. Use a shorter window_days or a longer "
        "history."),
    "all_churned": N_(
        "At the cut-off {cutoff} the {customers} customers all churned in the next {days} days; a churn model needs "
        "both. Choose another window_days or test_cutoff."),
    "all_came_back": N_(
        "At the cut-off {cutoff} the {customers} customers all came back in the next {days} days; a churn model "
        "needs both. Choose another window_days or test_cutoff."),
    # the models of crmlib.clv
    "nobody_churned": N_(
        "{model}: nobody churned, so the churn rate cannot be estimated; observe the cohort for longer."),
    "same_history": N_(
        "{model}: all {customers} customers have the same history ({history}); the parameters describe how customers "
        "differ, so a fit needs customers with different histories. Check how the summary was built."),
    # crmlib.rfm.cluster
    "too_few_distinct": N_(
        "Only {distinct} distinct customers (R/F/M points): too few to cluster with k in {ks}."),
}


def _value(x, fmt: Formats) -> str:
    """One field of a reason as the page writes it: counts and numbers, dates, lists of them, labels."""
    if isinstance(x, (list, tuple)):
        return ", ".join(_value(v, fmt) for v in x)
    if isinstance(x, (pd.Timestamp, _dt.date)):
        return fmt.date(x)
    if isinstance(x, numbers.Integral) or (isinstance(x, numbers.Real) and float(x).is_integer()):
        return fmt.count(x)
    if isinstance(x, numbers.Real):
        return fmt.number(x)
    return fmt.in_digits(str(x))  # a cohort label or a model's values: the page's digits


def reason_text(err: BaseException, *, w: Words | None = None, fmt: Formats | None = None, prefix: str = "") -> str:
    """Why ``err`` left a section out, in the language of ``w``: the sentence of its ``reason`` key with the
    fields written by ``fmt``; on an English page, or without a known reason, the first line of its
    message without ``prefix`` (the English the command line shows)."""
    w = w or Words("en")
    first = str(err).splitlines()[0].removeprefix(prefix) if str(err) else type(err).__name__
    if w.lang == "en":
        return first
    if isinstance(err, ConvergenceError):
        return note_words(first, w=w)
    reason = getattr(err, "reason", None)
    if not reason or reason[0] not in REASONS:
        return first
    key, fields = reason
    fmt = fmt or Formats(w.lang)
    return w(REASONS[key], **{name: model_name(v) if name == "model" else _value(v, fmt)
                              for name, v in fields.items()})
