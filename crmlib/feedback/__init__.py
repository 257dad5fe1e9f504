"""Feedback analytics: NPS, CSAT and CES with intervals, and comment text in English, Hindi
and Bengali (tokens, language, themes, driver terms).

Scores live in :mod:`crmlib.feedback.scores`, trends (and pooling thin periods) in
:mod:`crmlib.feedback.trend`, text in :mod:`crmlib.feedback.text`, themes shared across the three
languages (a keyword lexicon, NPS per theme) in :mod:`crmlib.feedback.topics`, stopword lists in
:mod:`crmlib.feedback.stopwords`.
"""

from crmlib.feedback.scores import (
    Score,
    customer_value,
    ces,
    ces_by,
    csat,
    csat_by,
    join_city,
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
    "drivers", "join_city", "join_value", "language", "nps", "nps_by", "nps_category", "nps_interval",
    "redact_comments", "score_by", "stopwords", "themes", "tokenize", "top_drivers",
    "value_at_risk", "wilson_interval",
]
from crmlib.feedback.scores import PERIODS, period_start  # noqa: E402
from crmlib.feedback.topics import (  # noqa: E402
    Lexicon,
    load_lexicon,
    other_terms,
    theme_comments,
    theme_scores,
    topic_table,
)
from crmlib.feedback.trend import (  # noqa: E402
    Change,
    Trend,
    last_change,
    pooled_by,
    score_trend,
)

__all__ += ["Change", "Lexicon", "PERIODS", "Trend", "last_change", "load_lexicon", "other_terms", "period_start",
            "pooled_by", "score_trend", "theme_comments", "theme_scores", "topic_table"]
