"""Feedback analytics: NPS, CSAT and CES with intervals, and comment text in English, Hindi
and Bengali (tokens, language, themes, driver terms).

Scores live in :mod:`crmlib.feedback.scores`, text in :mod:`crmlib.feedback.text`, stopword
lists in :mod:`crmlib.feedback.stopwords`.
"""

from crmlib.feedback.scores import (
    Score,
    customer_value,
    ces,
    ces_by,
    csat,
    csat_by,
    join_value,
    nps,
    nps_by,
    nps_category,
    nps_interval,
    score_by,
    value_at_risk,
    wilson_interval,
)
from crmlib.feedback.stopwords import NEGATIONS, stopwords
from crmlib.feedback.text import (
    Themes,
    comments_table,
    drivers,
    language,
    redact_comments,
    themes,
    tokenize,
    top_drivers,
)

__all__ = [
    "NEGATIONS", "Score", "Themes", "ces", "ces_by", "comments_table", "csat", "csat_by",
    "customer_value",
    "drivers", "join_value", "language", "nps", "nps_by", "nps_category", "nps_interval",
    "redact_comments", "score_by", "stopwords", "themes", "tokenize", "top_drivers",
    "value_at_risk", "wilson_interval",
]
from crmlib.feedback.trend import Change, Trend, last_change, score_trend, trend_title  # noqa: E402

__all__ += ["Change", "Trend", "last_change", "score_trend", "trend_title"]
