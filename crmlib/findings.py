"""What each report found, in three to five plain sentences with their numbers.

One function per report (:func:`overview`, :func:`segments`, :func:`clv`, :func:`feedback`,
:func:`retention`). Each takes the tables its page shows and reads its sentences from them, so the
summary at the top of a page can never disagree with the tables below it. :func:`as_markdown` turns
the sentences into the bullet list the notebooks display.

Trends are judged on all periods (:func:`crmlib.feedback.score_trend`, a weighted least-squares
slope with its interval), and the last period is called up or down against the one before only when
the interval of the difference excludes 0 (:func:`crmlib.feedback.last_change`).

>>> import pandas as pd
>>> top_share(pd.Series([1.0] * 8 + [46.0, 46.0]), 0.2)
0.92
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmlib.clv.describe import MODEL_NAMES
from crmlib.errors import require_columns
from crmlib.safe import markdown_text

__all__ = ["MODEL_NAMES", "as_markdown", "clv", "data_quality", "feedback", "model_and_value_sentence",
           "model_sentence", "money_decimals", "money_kinds", "money_text", "overview", "retention", "segments",
           "top_share", "top_shares", "value_sentence"]


#: The share of customers the value-concentration sentence looks at (the top fifth).
TOP = 0.2


def as_markdown(sentences: list[str]) -> str:
    """The sentences as a Markdown bullet list, each shown as the text it is: the sentences quote
    values from the data (categories, segment names, the currency), which are escaped
    (:func:`crmlib.safe.markdown_text`) rather than read as HTML or Markdown.

    >>> print(as_markdown(["Top category: <b>tea</b> (40%).", "Lost: 3 customers."]))
    - Top category\\: &lt;b&gt;tea&lt;/b&gt; (40%).
    - Lost\\: 3 customers.
    """
    return "\n".join(f"- {markdown_text(s)}" for s in sentences)


#: Typical amounts (median absolute value) below this keep their cents; larger ones are shown whole.
CENTS_BELOW = 100.0


def money_decimals(*values) -> int:
    """Decimals for every amount of one table or sentence: 2 when the typical amount (the median
    absolute value of all ``values`` together) is below :data:`CENTS_BELOW`, else 0.

    One number of decimals for all the money columns of a table keeps rounding monotone, so a
    row never shows its lowest above its highest (issue 19: "Lowest USD 4.11 | Highest USD 4").

    >>> money_decimals([4.11, 3.2], [4.49, 250.0]), money_decimals([1339.21, 1522.92])
    (2, 0)
    """
    parts = [pd.to_numeric(pd.Series(np.ravel(np.asarray(v, dtype=object))), errors="coerce") for v in values]
    known = pd.concat(parts, ignore_index=True).dropna().abs() if parts else pd.Series(dtype=float)
    return 2 if len(known) and float(known.median()) < CENTS_BELOW else 0


def money_text(x: float, currency: str | None = None, decimals: int = 0) -> str:
    """An amount as pages show it: ``USD 1,234`` / ``-USD 4.11`` (currency first, then the sign-free figure)."""
    prefix = f"{currency} " if currency else ""
    return f"{'-' if x < 0 else ''}{prefix}{abs(x):,.{decimals}f}"


def money_kinds(frame: pd.DataFrame, columns, currency: str | None = None, fmt=None) -> dict:
    """Formatters for the money ``columns`` of ``frame`` (for ``crmlib.reports.tables.show(kinds=)``),
    all with the decimals :func:`money_decimals` picks from those columns together; written by ``fmt``
    (a :class:`crmlib.formats.Formats`: the page's language, digits and currency place) when given."""
    columns = [c for c in columns if c in frame.columns]
    decimals = money_decimals(*(frame[c] for c in columns))
    if fmt is not None:
        return {c: (lambda x, d=decimals: fmt.money(x, d)) for c in columns}
    return {c: (lambda x, d=decimals: money_text(x, currency, d)) for c in columns}


def _money(x: float, currency: str | None, decimals: int = 0) -> str:
    return money_text(x, currency, decimals)


def top_shares(values: pd.Series, top: float = TOP) -> tuple[float, float]:
    """The share of the customers summed and the share of the total they hold, for the top ``top``
    fraction of the values (at least one value).

    Values are ranked highest first and the top ``ceil(top * n)`` of them are summed. The first share
    is what the sentences name: on 6 customers the "top 20%" are 2 of them, which is 33% of the
    customers, not 20%. Both are NaN when there is nothing to share.

    >>> top_shares(pd.Series([5.0, 1.0, 1.0, 1.0, 1.0, 1.0]), 0.2)
    (0.3333333333, 0.6)
    """
    v = pd.to_numeric(pd.Series(values), errors="coerce").dropna().sort_values(ascending=False)
    total = float(v.sum())
    if not len(v) or total <= 0:
        return float("nan"), float("nan")
    k = max(1, math.ceil(top * len(v)))
    return round(k / len(v), 10), round(float(v.iloc[:k].sum()) / total, 10)


def top_share(values: pd.Series, top: float = TOP) -> float:
    """The share of the total held by the top ``top`` fraction of the values (:func:`top_shares`)."""
    return top_shares(values, top)[1]


def data_quality(ledger: pd.DataFrame, *, fmt=None) -> str:
    """The biggest data-quality issue of a ledger table in one or two sentences, in the language of
    ``fmt`` (:func:`crmlib.words.quality.biggest_issue`)."""
    from crmlib.words import quality

    return quality.biggest_issue(ledger, fmt=fmt)


def model_sentence(table: pd.DataFrame, *, w=None, fmt=None, model_table: bool = True) -> str:
    """Which transaction model a per-customer table (:func:`crmlib.customer_table`) uses and why,
    with the papers' model names, in the language of ``w``/``fmt`` (:func:`crmlib.words.clv.model_sentence`;
    ``model_table=False`` on a page without the models' table)."""
    from crmlib.words import clv as _words

    return _words.model_sentence(table, w=w, fmt=fmt, model_table=model_table)


def model_and_value_sentence(table: pd.DataFrame, annual_discount: float | None = None, *, w=None, fmt=None,
                             model_table: bool = True) -> str:
    """Which model and how the lifetime value was made, saying the reason once when no model fits
    (:func:`crmlib.words.clv.model_and_value_sentence`)."""
    from crmlib.words import clv as _words

    return _words.model_and_value_sentence(table, annual_discount, w=w, fmt=fmt, model_table=model_table)


def value_sentence(table: pd.DataFrame, annual_discount: float | None = None, *, w=None, fmt=None) -> str:
    """How the lifetime value of a per-customer table was made, in words (or why it is left out)
    (:func:`crmlib.words.clv.value_sentence`)."""
    from crmlib.words import clv as _words

    return _words.value_sentence(table, annual_discount, w=w, fmt=fmt)


# --------------------------------------------------------------------------- reports


def overview(table: pd.DataFrame, ledger: pd.DataFrame | None = None, *, currency: str | None = None,
             fmt=None) -> list[str]:
    """The overview report's findings from its per-customer table (:func:`crmlib.customer_table`,
    with ``revenue``, ``frequency`` and ``attrs['observation_end']``) and its ledger table, in the
    language of ``fmt`` (a :class:`crmlib.formats.Formats`; default English with ``currency``):
    :func:`crmlib.words.overview.findings`."""
    from crmlib.formats import Formats
    from crmlib.words import overview as words

    require_columns(table, ("frequency", "revenue"), "findings.overview", "customer table",
                    "Pass crmlib.customer_table(transactions).")
    return words.findings(table, ledger, fmt=fmt or Formats("en", currency=currency), top=TOP)


def segments(profile: pd.DataFrame, table: pd.DataFrame | None = None, *, currency: str | None = None,
             w=None, fmt=None) -> list[str]:
    """The segment report's findings from :func:`crmlib.rfm.profile` (one row per segment with
    ``customers``, ``customer_share`` and ``revenue``/``revenue_share`` or the repeat-revenue
    pair) and, for value concentration, the per-customer table with ``revenue``; in the language of
    ``w``/``fmt`` (:func:`crmlib.words.segments.findings`), English without them."""
    from crmlib.words import segments as segment_words

    return segment_words.findings(profile, table, w, fmt, top=TOP)


def clv(table: pd.DataFrame, *, holdout: pd.DataFrame | None = None, deciles: pd.DataFrame | None = None,
        by_segment: pd.DataFrame | None = None, currency: str | None = None, w=None, fmt=None) -> list[str]:
    """The lifetime-value report's findings from the per-customer table (its ``attrs``: model,
    horizon), the holdout comparison of :func:`crmlib.clv.compare_models` (``MAE``), the decile
    table of :func:`crmlib.customers.clv_deciles` and the table of value by segment, in the
    language of ``w``/``fmt`` (:func:`crmlib.words.clv.findings`)."""
    from crmlib.words import clv as _words

    return _words.findings(table, holdout=holdout, deciles=deciles, by_segment=by_segment, w=w, fmt=fmt,
                           currency=currency, top=TOP)


def feedback(headline: list | None = None, nps_trend: pd.DataFrame | None = None,
             csat_trend: pd.DataFrame | None = None, at_risk: pd.DataFrame | None = None, *, w=None,
             fmt=None) -> list[str]:
    """The feedback report's findings: overall NPS with its interval (``headline``, the
    :class:`crmlib.feedback.Score` list the page shows), its trend over all periods and the last
    period against the one before (``nps_trend``, :func:`crmlib.feedback.nps_by` with
    ``period=``), the CSAT trend, and the value held by detractors (``at_risk``,
    :func:`crmlib.feedback.value_at_risk`); in the language of ``w``/``fmt``
    (:func:`crmlib.words.feedback.findings`), English without them."""
    from crmlib.words import feedback as _words

    return _words.findings(headline, nps_trend, csat_trend, at_risk, w=w, fmt=fmt)


def retention(trend=None, projection=None, risk=None, comparison=None, rule_table=None, period: str = "M",
              survival=None, *, w=None, fmt=None) -> list[str]:
    """The retention report's findings: :func:`crmlib.words.retention.summary_sentences` (one sentence
    per table of the page; the model's drop-out in the words of the lifetime-value page), at most six."""
    from crmlib.words import retention as _words

    return _words.summary_sentences(trend, projection, risk, comparison, rule_table, period=period,
                                    survival=survival, w=w, fmt=fmt)[:6]
