"""Figures of feedback: score trends, scores by group, driver terms, themes, value by NPS group.

Every function draws inside :func:`crmlib.plots.style.use_indic_fonts`, so Devanagari and Bengali
labels are drawn with real fonts. When a script still has no font, words in that script are left
out of the figure (and its note says so) instead of being drawn as boxes; show them with an HTML
table, which the browser shapes. Titles, axis labels and legends come from
:mod:`crmlib.words.feedback` (the trend's from :mod:`crmlib.words.feedback_trend`) in the language of
``words``/``fmt`` (English without them), and ticks are written by ``fmt.ticks``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.feedback.text import SIGNIFICANT_Z
from crmlib.feedback.trend import score_trend
from crmlib.formats import Formats
from crmlib.plots import style
from crmlib.plots.style import use_indic_fonts
from crmlib.words import Words
from crmlib.words import feedback as fw
from crmlib.words import feedback_trend as ft
from crmlib.words import segments as segment_words
from crmlib.words.overview import BLANK, NOT_IN_FILE


def _lang(words: Words | None, fmt: Formats | None) -> tuple[Words, Formats]:
    fmt = fmt or Formats("en")
    return (words or Words.of(fmt)), fmt


#: The range of a score that :func:`by_group` draws whole: NPS in points, CSAT in percent.
SCALES = {"nps": (-100, 100), "csat": (0, 100)}


def _metric_label(metric: str, w: Words, fmt: Formats) -> str:
    """The axis label of a score, with its scale."""
    if metric == "nps":
        return w(fw.AXIS_NPS, low=fmt.count(-100), high=fmt.count(100))
    if metric == "ces":
        return w(fw.AXIS_CES, low=fmt.count(1), high=fmt.count(7))
    return w(fw.AXIS_CSAT)


def _group_value(value, group: str, w: Words, fmt: Formats) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        # answers of customers without transactions have no segment or decile: "–", as the join sentence
        # says ("unknown (–)"); a blank channel or city is "(blank)", never "nan"
        return "–" if group in ("segment", "clv_decile") else w(BLANK)
    if group == "city" and value in (BLANK, NOT_IN_FILE):  # crmlib.reports.feedback_page.city_groups's groups
        return w(value)
    if group == "segment":
        return segment_words.name(w, value)
    if group == "theme":
        return fw.theme_name(str(value), w)
    if group == "clv_decile" and isinstance(value, (int, float, np.integer, np.floating)) and pd.notna(value):
        return fmt.count(value)
    return str(value)


def _unknown_group(value) -> bool:
    """Whether a group of :func:`by_group` is the answers whose group is not known: no segment or decile (the
    customer has no transactions), a blank channel, or a city that is blank or whose customer is not in the customers
    file (:func:`crmlib.reports.feedback_page.city_groups`)."""
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value in (BLANK, NOT_IN_FILE)


def trend(table: pd.DataFrame, *, ax=None, title: str | None = None, words: Words | None = None,
          fmt: Formats | None = None):
    """Score per period with its interval band; periods with too few answers in grey.

    ``table`` is :func:`crmlib.feedback.score_by` with ``period=`` and no other grouping. When it says which
    periods the answers cover whole (:data:`crmlib.periods.COVERAGE_COLUMNS`, the feedback page's
    :func:`crmlib.reports.feedback_page.with_coverage`), a period they start or end inside of is drawn as the overview
    draws one (:mod:`crmlib.plots.overview`): hollow at the end of a dashed segment, its band lighter, labelled
    "partial: from 3 Dec 2023" or "partial: to 3 Jun 2024"; the title's trend leaves it out
    (:func:`crmlib.feedback.score_trend`).
    """
    w, fmt = _lang(words, fmt)
    metric = table["metric"].iloc[0]
    t = table.sort_values("period")
    ok = t[~t["too_few"]]
    whole = ok[ok["complete"].astype(bool)] if "complete" in ok.columns else ok
    colour = "#2c7fb8"
    with use_indic_fonts():
        ax = style.axes(ax, (9, 4))
        style.indic_text(ax)
        for part in _partial_segments(ok):  # a lighter band and a dashed segment to each hollow partial point
            ax.fill_between(part["period"], part["lower"], part["upper"], color=colour, alpha=0.08)
            ax.plot(part["period"], part["score"], "o--", color=colour, alpha=0.7, mfc="white", label="_nolegend_")
        ax.fill_between(whole["period"], whole["lower"], whole["upper"], color=colour, alpha=0.2,
                        label=w(ft.LEGEND_INTERVAL, level=fmt.share(t.attrs.get('confidence', 0.95), 0)))
        ax.plot(whole["period"], whole["score"], "o-", color=colour, label=metric.upper())
        few = t[t["too_few"]]
        if len(few):
            ax.plot(few["period"], few["score"], "o", mfc="white", color="grey",
                    label=w(ft.LEGEND_TOO_FEW, min_n=fmt.count(t.attrs.get('min_n', 30))))
        if metric == "nps":
            ax.axhline(0, color="black", lw=0.6)
        if "covered_to" in t.columns:  # "partial: from 3 Dec 2023", "partial: to 3 Jun 2024" above each partial one
            style.mark_partial(ax, t.set_index("period"), w, fmt)
        ax.set_xlabel(w(ft.AXIS_PERIOD_START))
        ax.set_ylabel(_metric_label(metric, w, fmt))
        ax.yaxis.set_major_formatter(fmt.ticks("number"))
        trend_ = score_trend(t)
        # each period named as the page names it (matplotlib's own ticks are days, and English)
        ax.set_xticks(list(t["period"]), [ft.period_label(p, trend_.freq, w, fmt) for p in t["period"]])
        # about one date an inch: a slanted "जुल॰ 2024" is wider than a month's step on a page-wide figure
        most = max(2, int(ax.figure.get_figwidth()))
        if len(t) > most:
            for i, label in enumerate(ax.get_xticklabels()):
                label.set_visible(i % -(-len(t) // most) == 0)
        style.title(ax, title or ft.trend_title(trend_, w=w, fmt=fmt))
        ax.figure.legend(loc="outside lower center", fontsize="small", frameon=False)  # under the axis: over no bar
        ax.figure.autofmt_xdate()
    return ax


def _partial_segments(ok: pd.DataFrame) -> list[pd.DataFrame]:
    """The dashed segments of :func:`trend`: each partial period of ``ok`` (its reliable periods, oldest first) with
    its neighbour towards the complete ones (the next after a first period, the one before otherwise); a partial
    period alone, when it is the only one."""
    if "complete" not in ok.columns:
        return []
    done = ok["complete"].astype(bool).to_numpy()
    segments = []
    for i in np.flatnonzero(~done):
        j = i + 1 if i == 0 and len(ok) > 1 else max(i - 1, 0)
        rows = sorted({int(i), int(j)})
        if rows not in segments:
            segments.append(rows)
    return [ok.iloc[rows] for rows in segments]


def by_group(table: pd.DataFrame, *, group: str, ax=None, title: str | None = None, order=None,
             words: Words | None = None, fmt: Formats | None = None):
    """Score and interval per group (channel, segment, CLV decile ...), best at the top.

    ``order`` lists the groups from top to bottom instead; a ``clv_decile`` column is drawn in
    decile order by default (decile 1, the most valuable customers, at the top). Groups with
    too few answers are drawn as hollow grey points, labelled with their n.
    """
    w, fmt = _lang(words, fmt)
    metric = table["metric"].iloc[0]
    name = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}.get(metric, metric.upper())
    by = w(fw.BY[group]) if group in fw.BY else group.replace("_", " ")
    if order is None and group == "clv_decile":
        order = sorted(table[group].dropna().unique())
    if order is not None:  # first in ``order`` drawn at the top, i.e. last in y
        position = table[group].map({g: i for i, g in enumerate(order)})
        t = table.assign(_pos=position).sort_values("_pos", ascending=False, na_position="first")
        t = t.drop(columns="_pos").reset_index(drop=True)
    else:
        t = table.sort_values("score", ascending=True, na_position="first").reset_index(drop=True)
    labels = [_group_value(g, group, w, fmt) for g in t[group]]
    y = np.arange(len(t))
    with use_indic_fonts() as fonts:
        ax = style.axes(ax, (8, 0.45 * len(t) + 1.6))
        style.indic_text(ax)
        for i, row in t.iterrows():
            grey = bool(row["too_few"])
            colour = "grey" if grey else "#2c7fb8"
            # bars never negative, even for an interval that missed its estimate
            left = max(0.0, row["score"] - row["lower"]) if pd.notna(row["lower"]) else 0.0
            right = max(0.0, row["upper"] - row["score"]) if pd.notna(row["upper"]) else 0.0
            ax.errorbar(row["score"], i, xerr=[[left], [right]],
                        fmt="o", color=colour, mfc="white" if grey else colour, capsize=3)
            # in a column right of the frame: beside the interval, a long label ("n=7 (too few)", its Bengali)
            # crossed the frame or the zero line when the interval reached the scale's end
            ax.annotate(w(fw.POINT_N_TOO_FEW if grey else fw.POINT_N, n=fmt.count(row["n"])), (1, i),
                        xycoords=("axes fraction", "data"), xytext=(5, 0), textcoords="offset points",
                        va="center", fontsize="small", color=colour, annotation_clip=False)
        ax.set_yticks(y, [lab if fonts.can_draw(lab) else w(fw.GROUP_NUMBER, number=fmt.count(i + 1))
                          for i, lab in enumerate(labels)])
        if metric == "nps":
            ax.axvline(0, color="black", lw=0.6)
        ax.set_xlabel(_metric_label(metric, w, fmt))
        ax.xaxis.set_major_formatter(fmt.ticks("number"))
        ax.set_ylabel(by)
        if title is None:  # the groups compared are named ones: never "highest (not in the customers file)" nor "–"
            named = t[~t[group].map(_unknown_group).astype(bool)]
            ok = named[~named["too_few"]].sort_values("score", na_position="first")
            if len(ok) >= 2:
                hi, lo = ok.iloc[-1], ok.iloc[0]
                # the highest group's interval reaching the lowest's: the two are not shown to differ
                overlap = bool(hi["lower"] <= lo["upper"])  # False when either interval is unknown (NaN)
                title = w(fw.TITLE_BY_OVERLAP if overlap else fw.TITLE_BY, metric=name, by=by,
                          best=_group_value(hi[group], group, w, fmt),
                          best_score=ft.score_text(metric, hi["score"], fmt),
                          worst=_group_value(lo[group], group, w, fmt),
                          worst_score=ft.score_text(metric, lo["score"], fmt))
            elif len(named) == 1:  # one channel or city of any size: nothing to compare, not too few answers
                title = w(fw.TITLE_BY_ONE, metric=name, by=by,
                          group=_group_value(named[group].iloc[0], group, w, fmt))
            else:
                title = w(fw.TITLE_BY_FEW, metric=name, by=by)
        style.title(ax, title)
        if metric in SCALES:  # the scale's whole range, as its label says: never an NPS axis out to -150
            low, high = SCALES[metric]
            pad = 0.03 * (high - low)
            ax.set_xlim(low - pad, high + pad)
        else:
            ax.margins(x=0.1)
    return ax


def drivers(table: pd.DataFrame, *, ax=None, k: int = 10, title: str | None = None, words: Words | None = None,
            fmt: Formats | None = None):
    """The ``k`` strongest terms per side of a :func:`crmlib.feedback.drivers` table, by z.

    Terms in a script without a font are left out (the x-label says how many).
    """
    w, fmt = _lang(words, fmt)
    with use_indic_fonts() as fonts:
        drawable = table[table["term"].map(fonts.can_draw)]
        hidden = len(table) - len(drawable)
        a = drawable[drawable["z"] > 0].head(k)
        b = drawable[drawable["z"] < 0].tail(k)
        t = pd.concat([b, a]).reset_index(drop=True)
        side_a = table.attrs.get("group_a", "detractor")
        side_b = table.attrs.get("group_b", "promoter")
        ax = style.axes(ax, (8, 0.32 * max(len(t), 4) + 1.5))
        style.indic_text(ax)
        colours = [style.GROUP_COLOURS.get(s, "#7f7f7f") for s in t["side"]]
        ax.barh(np.arange(len(t)), t["z"], color=colours)
        ax.set_yticks(np.arange(len(t)), [f"{term}  ({fmt.count(ca)}/{fmt.count(cb)})" for term, ca, cb
                                          in zip(t["term"], t["count_a"], t["count_b"])])
        ax.axvline(0, color="black", lw=0.6)
        bound = w(fw.LINE_SIGNIFICANT, z=fmt.number(SIGNIFICANT_Z, 2), p=fmt.number(0.05, 2))
        for z in (-SIGNIFICANT_Z, SIGNIFICANT_Z):  # inside them a term's lean is noise
            ax.axvline(z, color="0.35", lw=0.8, ls="--", label=bound if z > 0 else None)
        ax.figure.legend(loc="outside lower center", fontsize="small", frameon=False)  # under the axis: over no bar
        ax.xaxis.set_major_formatter(fmt.ticks("number"))
        name_a = w(fw.GROUPS[side_a]) if side_a in fw.GROUPS else side_a
        name_b = w(fw.GROUPS[side_b]) if side_b in fw.GROUPS else side_b
        if hidden:
            ax.set_xlabel(w(fw.AXIS_DRIVERS_HIDDEN, a=name_a, b=name_b, hidden=fmt.count(hidden)))
        else:
            ax.set_xlabel(w(fw.AXIS_DRIVERS, a=name_a, b=name_b))
        ax.set_ylabel(w(fw.AXIS_TERM, a=name_a, b=name_b))
        if title is None:  # only the terms that lean beyond chance are said to be what a side mentions
            top_a = ", ".join(a.loc[a["z"] > SIGNIFICANT_Z, "term"].head(3)) or w(fw.NOTHING_DISTINCTIVE)
            top_b = ", ".join(b.loc[b["z"] < -SIGNIFICANT_Z, "term"].iloc[::-1].head(3)) or w(fw.NOTHING_DISTINCTIVE)
            title = fw._cap(w(fw.TITLE_DRIVERS, a=name_a, b=name_b, top_a=top_a, top_b=top_b))
        style.title(ax, title)
    return ax


def themes(result, *, ax=None, title: str | None = None, words: Words | None = None, fmt: Formats | None = None):
    """Share of comments per theme, labelled by the theme's top terms and languages."""
    w, fmt = _lang(words, fmt)
    s = result.summary.sort_values("share")
    with use_indic_fonts() as fonts:
        ax = style.axes(ax, (9, 0.5 * len(s) + 1.5))
        style.indic_text(ax)
        labels = [f"{fmt.count(r.theme) if isinstance(r.theme, (int, np.integer)) else r.theme}: "
                  f"{r.label if fonts.can_draw(r.label) else w(fw.SEE_TABLE)}" for r in s.itertuples()]
        ax.barh(np.arange(len(s)), 100 * s["share"], color="#6a51a3")
        ax.set_yticks(np.arange(len(s)), labels)
        for i, r in enumerate(s.itertuples()):
            mix = ", ".join(f"{fw.language_name(part.rsplit(' ', 1)[0], w)} {part.rsplit(' ', 1)[-1]}"
                            for part in str(r.languages).split(", ") if part)
            ax.annotate(mix, (100 * r.share, i), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize="x-small")
        ax.set_xlabel(w(fw.AXIS_THEME_SHARE))
        ax.set_ylabel(w(fw.AXIS_THEME_TERMS))
        ax.xaxis.set_major_formatter(fmt.ticks("number"))
        if title is None:
            top = s.iloc[-1]
            name = top["label"] if fonts.can_draw(top["label"]) else w(fw.THEME_NUMBER, number=top["theme"])
            title = w(fw.TITLE_THEMES, name=name, share=fmt.share(top["share"], 0))
        style.title(ax, title)
        ax.margins(x=0.25)
    return ax


def theme_nps(table: pd.DataFrame, *, ax=None, title: str | None = None, words: Words | None = None,
              fmt: Formats | None = None):
    """NPS and its interval per theme of :func:`crmlib.feedback.theme_scores`, themes without comments
    left out; the title names the lowest and highest theme with enough answers."""
    w, fmt = _lang(words, fmt)
    t = table[table["n"] > 0]
    if title is None:
        ok = t[~t["too_few"]].sort_values("score")
        if len(ok) >= 2:
            title = w(fw.TITLE_THEME_NPS, low=fw.theme_name(ok["theme"].iloc[0], w),
                      low_score=ft.signed(fmt, ok["score"].iloc[0], 0), high=fw.theme_name(ok["theme"].iloc[-1], w),
                      high_score=ft.signed(fmt, ok["score"].iloc[-1], 0))
    return by_group(t, group="theme", ax=ax, title=title, words=w, fmt=fmt)


def value_by_nps_group(table: pd.DataFrame, *, ax=None, title: str | None = None, words: Words | None = None,
                       fmt: Formats | None = None):
    """Share of customer lifetime value held by detractors, passives and promoters."""
    w, fmt = _lang(words, fmt)
    t = table.reset_index()
    with use_indic_fonts():
        ax = style.axes(ax, (7, 3.5))
        style.indic_text(ax)
        ax.bar(np.arange(len(t)), 100 * t["clv_share"],
               color=[style.GROUP_COLOURS[g] for g in t["nps_group"]])
        ax.set_xticks(np.arange(len(t)), [w(fw.GROUPS[g]) if g in fw.GROUPS else g for g in t["nps_group"]])
        for i, r in t.iterrows():
            label = w.plural(fw.BAR_CUSTOMERS, r["customers"], n=fmt.count(r["customers"]))
            ax.annotate(label, (i, 100 * r["clv_share"]),
                        xytext=(0, 3), textcoords="offset points", ha="center",
                        fontsize="small")
        ax.set_xlabel(w(fw.AXIS_NPS_GROUP))
        ax.set_ylabel(w(fw.AXIS_VALUE_SHARE))
        ax.yaxis.set_major_formatter(fmt.ticks("number"))
        det = t.set_index("nps_group").loc["detractor", "clv_share"]
        style.title(ax, title or w(fw.TITLE_VALUE_AT_RISK, share=fmt.share(det, 0)))
        ax.margins(y=0.15)
    return ax
