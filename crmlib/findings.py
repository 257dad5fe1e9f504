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
from crmlib.exceptions import DataError
from crmlib.safe import markdown_text
from crmlib.units import UNIT_NAMES

__all__ = ["MODEL_NAMES", "as_markdown", "clv", "data_quality", "feedback", "model_sentence", "money_decimals",
           "money_kinds", "money_text", "overview",
           "retention", "segments", "top_share", "value_sentence"]


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


def money_kinds(frame: pd.DataFrame, columns, currency: str | None = None) -> dict:
    """Formatters for the money ``columns`` of ``frame`` (for ``crmlib.reports.tables.show(kinds=)``),
    all with the decimals :func:`money_decimals` picks from those columns together."""
    columns = [c for c in columns if c in frame.columns]
    decimals = money_decimals(*(frame[c] for c in columns))
    return {c: (lambda x, d=decimals: money_text(x, currency, d)) for c in columns}


def _money(x: float, currency: str | None, decimals: int = 0) -> str:
    return money_text(x, currency, decimals)


def top_share(values: pd.Series, top: float = TOP) -> float:
    """The share of the total held by the top ``top`` fraction of the values (at least one value).

    Values are ranked highest first; the top ``ceil(top * n)`` of them are summed.
    """
    v = pd.to_numeric(pd.Series(values), errors="coerce").dropna().sort_values(ascending=False)
    total = float(v.sum())
    if not len(v) or total <= 0:
        return float("nan")
    k = max(1, math.ceil(top * len(v)))
    return round(float(v.iloc[:k].sum()) / total, 10)


def data_quality(ledger: pd.DataFrame, *, fmt=None) -> str:
    """The biggest data-quality issue of a ledger table in one or two sentences, in the language of
    ``fmt`` (:func:`crmlib.words.quality.biggest_issue`)."""
    from crmlib.words import quality

    return quality.biggest_issue(ledger, fmt=fmt)


def _chosen_why(a: dict) -> str:
    comparison = a.get("comparison") or {}
    bics = {k: v.get("BIC") for k, v in comparison.items() if v.get("BIC") is not None and pd.notna(v.get("BIC"))}
    name = a.get("model")
    if bics and min(bics, key=bics.get) == name:
        return (f"the lowest BIC ({bics[name]:,.1f}) of the {len(bics)} models that could be fitted" if len(bics) > 1
                else f"the only one of the {len(comparison)} models tried that could be fitted")
    return "the model named in the report's settings"


def model_sentence(table: pd.DataFrame) -> str:
    """Which transaction model a per-customer table (:func:`crmlib.customer_table`) uses and why,
    with the papers' model names."""
    a = table.attrs
    name = a.get("model")
    comparison = a.get("comparison") or {}
    failed = [MODEL_NAMES.get(k, k) for k, v in comparison.items()
              if v.get("BIC") is None or not pd.notna(v.get("BIC"))]
    lost = (f" {', '.join(failed)} could not be fitted (the table says why)." if failed else "")
    if name is None:
        return ("No purchase model could be fitted to these data, so the chance of being active, expected "
                "purchases and lifetime value are left out." + lost)
    return f"The {MODEL_NAMES.get(name, name)} model is used: {_chosen_why(a)}." + lost


def value_sentence(table: pd.DataFrame, annual_discount: float | None = None) -> str:
    """How the lifetime value of a per-customer table was made, in words (or why it is left out)."""
    a = table.attrs
    if "clv" not in table.columns:
        return str(a.get("clv_note") or model_sentence(table))
    unit = UNIT_NAMES.get(a.get("freq"), "periods")
    rate = a.get("rate")
    discount = ""
    if annual_discount is not None:
        discount = f", discounted at {annual_discount:.0%} a year"
        if rate is not None:
            discount += f" ({rate:.2%} a {unit[:-1]})"
    return (f"Lifetime value is each customer's expected purchases from the {MODEL_NAMES.get(a.get('model'), a.get('model'))} "
            f"model over the next {a.get('horizon'):g} {unit}, valued at their expected spend per purchase from the "
            f"Gamma-Gamma model{discount}.")


# --------------------------------------------------------------------------- reports


def overview(table: pd.DataFrame, ledger: pd.DataFrame | None = None, *, currency: str | None = None,
             fmt=None) -> list[str]:
    """The overview report's findings from its per-customer table (:func:`crmlib.customer_table`,
    with ``revenue``, ``frequency`` and ``attrs['observation_end']``) and its ledger table, in the
    language of ``fmt`` (a :class:`crmlib.formats.Formats`; default English with ``currency``):
    :func:`crmlib.words.overview.findings`."""
    from crmlib.formats import Formats
    from crmlib.words import overview as words

    for col in ("frequency", "revenue"):
        if col not in table.columns:
            raise DataError(f"findings.overview needs the per-customer table with column {col!r} "
                            "(crmlib.customer_table(transactions)).")
    return words.findings(table, ledger, fmt=fmt or Formats("en", currency=currency), top=TOP)


def segments(profile: pd.DataFrame, table: pd.DataFrame | None = None, *, currency: str | None = None) -> list[str]:
    """The segment report's findings from :func:`crmlib.rfm.profile` (one row per segment with
    ``customers``, ``customer_share`` and ``revenue``/``revenue_share`` or the repeat-revenue
    pair) and, for value concentration, the per-customer table with ``revenue``."""
    rev = "revenue_share" if "revenue_share" in profile.columns else "repeat_revenue_share"
    if rev not in profile.columns or "customer_share" not in profile.columns:
        raise DataError("findings.segments needs the table of crmlib.rfm.profile(scored).")
    p = profile.copy()
    p.index = p.index.astype(str)
    big = p["customers"].idxmax()
    out = [f"The largest segment is {big}: {int(p.loc[big, 'customers']):,} customers "
           f"({p.loc[big, 'customer_share']:.0%} of all) bringing {p.loc[big, rev]:.0%} of revenue."]
    best = p[rev].idxmax()
    if best != big:
        out.append(f"The {best} segment brings the most revenue: {p.loc[best, rev]:.0%} of it with "
                   f"{p.loc[best, 'customer_share']:.0%} of customers.")
    gap = (p[rev] - p["customer_share"]).sort_values()
    under = gap.index[0]
    if under not in (big, best) and gap.iloc[0] < 0:
        out.append(f"The {under} segment holds {p.loc[under, 'customer_share']:.0%} of customers but brings only "
                   f"{p.loc[under, rev]:.0%} of revenue.")
    if table is not None and "revenue" in table.columns:
        share = top_share(table["revenue"])
        if math.isfinite(share):
            out.append(f"The top {TOP:.0%} of customers by revenue bring {share:.0%} of it.")
    if "nps" in p.columns and "nps_responses" in p.columns and (p["nps_responses"] >= 30).sum() >= 2:
        known = p[p["nps_responses"] >= 30]
        hi, lo = known["nps"].idxmax(), known["nps"].idxmin()
        out.append(f"NPS is highest in the {hi} segment ({known.loc[hi, 'nps']:+.0f}) and lowest in {lo} "
                   f"({known.loc[lo, 'nps']:+.0f}), of the segments with at least 30 answers.")
    return out[:5]


def clv(table: pd.DataFrame, *, holdout: pd.DataFrame | None = None, deciles: pd.DataFrame | None = None,
        by_segment: pd.DataFrame | None = None, currency: str | None = None) -> list[str]:
    """The lifetime-value report's findings from the per-customer table (its ``attrs``: model,
    horizon), the holdout comparison of :func:`crmlib.clv.compare_models` (``MAE``), the decile
    table of :func:`crmlib.customers.clv_deciles` and the table of value by segment."""
    a = table.attrs
    name = a.get("model")
    if name is None:
        tried = [MODEL_NAMES.get(str(m), str(m)) for m in (a.get("comparison") or {})]
        names = (", ".join(tried[:-1]) + " and " + tried[-1]) if len(tried) > 1 else "".join(tried)
        return [f"No lifetime-value model could be fitted to these data"
                + (f" ({names} were tried; the model table says why for each)" if names else "")
                + ", so no customer is valued."]
    from crmlib.clv.describe import describe

    first = f"The {MODEL_NAMES.get(name, name)} model is used, {_chosen_why(a)}"
    if holdout is not None and name in holdout.index and "MAE" in holdout.columns and pd.notna(holdout.loc[name, "MAE"]):
        first += (f"; refitted on the calibration period alone, it missed each customer's purchases in the holdout "
                  f"period by {holdout.loc[name, 'MAE']:.2f} on average (mean absolute error)")
    out = [first + "."]
    fitted = a.get("fitted_model")
    if fitted is not None:
        out.append(" ".join(describe(fitted, a.get("freq"))[:2]))
    if "clv" in table.columns:
        horizon = a.get("horizon")
        unit = UNIT_NAMES.get(a.get("freq"), "periods")
        out.append(f"Together the {len(table):,} customers are expected to be worth "
                   f"{_money(float(table['clv'].sum()), currency)} over the next {horizon:g} {unit} (discounted).")
        if deciles is not None and len(deciles) >= 2:
            out.append(f"The most valuable {TOP:.0%} of customers hold "
                       f"{float(deciles['cumulative_share'].iloc[1]):.0%} of that value.")
        if by_segment is not None and len(by_segment):
            top = by_segment.sort_values("clv_share", ascending=False).iloc[0]
            seg = by_segment.sort_values("clv_share", ascending=False).index[0]
            out.append(f"The {seg} segment holds {top['clv_share']:.0%} of the value with {top['customer_share']:.0%} "
                       "of customers.")
    return out[:5]


def feedback(headline: list | None = None, nps_trend: pd.DataFrame | None = None,
             csat_trend: pd.DataFrame | None = None, at_risk: pd.DataFrame | None = None) -> list[str]:
    """The feedback report's findings: overall NPS with its interval (``headline``, the
    :class:`crmlib.feedback.Score` list the page shows), its trend over all periods and the last
    period against the one before (``nps_trend``, :func:`crmlib.feedback.nps_by` with
    ``period=``), the CSAT trend, and the value held by detractors (``at_risk``,
    :func:`crmlib.feedback.value_at_risk`)."""
    from crmlib.feedback.trend import last_change, score_trend

    out = []
    scores = {s.metric: s for s in (headline or [])}
    if "nps" in scores and scores["nps"].n:
        s = scores["nps"]
        out.append(f"NPS is {s.score:+.0f} (95 % interval {s.lower:+.0f} to {s.upper:+.0f}) from {s.n:,} answers: "
                   f"{s.promoters:.0%} promoters and {s.detractors:.0%} detractors.")
    if nps_trend is not None and len(nps_trend):
        out.append(score_trend(nps_trend).sentence())
        change = last_change(nps_trend)
        if change is not None:
            out.append(change.sentence())
    if csat_trend is not None and len(csat_trend):
        out.append(score_trend(csat_trend).sentence())
    elif "csat" in scores and scores["csat"].n:
        s = scores["csat"]
        out.append(f"CSAT is {s.score:.0f} % (95 % interval {s.lower:.0f} to {s.upper:.0f} %).")
    if at_risk is not None and "clv_share" in at_risk.columns and "detractor" in at_risk.index:
        share = float(at_risk.loc["detractor", "clv_share"])
        if np.isfinite(share):
            out.append(f"Detractors hold {share:.0%} of the predicted lifetime value of the customers who answered.")
    return out[:5]


def retention(trend=None, projection=None, risk=None, comparison=None, rule_table=None, period: str = "M",
              survival=None) -> list[str]:
    """The retention report's findings: :func:`crmlib.retention.summary_sentences` (one sentence
    per table of the page; the model's drop-out in the words of the lifetime-value page), at most six."""
    from crmlib import retention as _retention

    return _retention.summary_sentences(trend, projection, risk, comparison, rule_table, period=period,
                                        survival=survival)[:6]
