"""Figures of feedback: score trends, scores by group, driver terms, themes, value by NPS group.

Every function draws inside :func:`crmlib.plots.style.use_indic_fonts`, so Devanagari and Bengali
labels are drawn with real fonts. When a script still has no font, words in that script are left
out of the figure (and its note says so) instead of being drawn as boxes; show them with an HTML
table, which the browser shapes. The titles' words come from :mod:`crmlib.feedback`
(:func:`crmlib.feedback.trend_title`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.feedback.scores import format_score
from crmlib.feedback.trend import trend_title
from crmlib.plots import style
from crmlib.plots.style import use_indic_fonts

METRIC_LABEL = {"nps": "NPS (points, -100 to 100)", "csat": "CSAT (% answering 4-5 of 5)",
                "ces": "CES (mean effort score, 1-7)"}


def trend(table: pd.DataFrame, *, ax=None, title: str | None = None):
    """Score per period with its interval band; periods with too few answers in grey.

    ``table`` is :func:`crmlib.feedback.score_by` with ``period=`` and no other grouping.
    """
    metric = table["metric"].iloc[0]
    t = table.sort_values("period")
    ok = t[~t["too_few"]]
    with use_indic_fonts():
        ax = style.axes(ax, (9, 4))
        style.indic_text(ax)
        ax.fill_between(ok["period"], ok["lower"], ok["upper"], color="#2c7fb8", alpha=0.2,
                        label=f"{t.attrs.get('confidence', 0.95):.0%} interval")
        ax.plot(ok["period"], ok["score"], "o-", color="#2c7fb8", label=metric.upper())
        few = t[t["too_few"]]
        if len(few):
            ax.plot(few["period"], few["score"], "o", mfc="white", color="grey",
                    label=f"fewer than {t.attrs.get('min_n', 30)} answers (not reliable)")
        if metric == "nps":
            ax.axhline(0, color="black", lw=0.6)
        ax.set_xlabel("period start (date)")
        ax.set_ylabel(METRIC_LABEL[metric])
        ax.set_title(title or trend_title(t))
        ax.legend(loc="best", fontsize="small")
        ax.figure.autofmt_xdate()
    return ax


def by_group(table: pd.DataFrame, *, group: str, ax=None, title: str | None = None, order=None):
    """Score and interval per group (channel, segment, CLV decile ...), best at the top.

    ``order`` lists the groups from top to bottom instead; a ``clv_decile`` column is drawn in
    decile order by default (decile 1, the most valuable customers, at the top). Groups with
    too few answers are drawn as hollow grey points, labelled with their n.
    """
    metric = table["metric"].iloc[0]
    if order is None and group == "clv_decile":
        order = sorted(table[group].dropna().unique())
    if order is not None:  # first in ``order`` drawn at the top, i.e. last in y
        position = table[group].map({g: i for i, g in enumerate(order)})
        t = table.assign(_pos=position).sort_values("_pos", ascending=False, na_position="first")
        t = t.drop(columns="_pos").reset_index(drop=True)
    else:
        t = table.sort_values("score", ascending=True, na_position="first").reset_index(drop=True)
    labels = [str(g) for g in t[group]]
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
            ax.annotate(f"n={row['n']}" + (" (too few)" if grey else ""), (row["upper"], i),
                        xytext=(5, 0), textcoords="offset points", va="center",
                        fontsize="small", color=colour)
        ax.set_yticks(y, [lab if fonts.can_draw(lab) else f"group {i + 1}"
                          for i, lab in enumerate(labels)])
        if metric == "nps":
            ax.axvline(0, color="black", lw=0.6)
        ax.set_xlabel(METRIC_LABEL[metric])
        ax.set_ylabel(group.replace("_", " "))
        if title is None:
            ok = t[~t["too_few"]].sort_values("score", na_position="first")
            if len(ok) >= 2:
                hi, lo = ok.iloc[-1], ok.iloc[0]
                title = (f"{metric.upper()} by {group.replace('_', ' ')}: highest {hi[group]} "
                         f"({format_score(metric, hi['score'])}), lowest {lo[group]} "
                         f"({format_score(metric, lo['score'])})")
            else:
                title = f"{metric.upper()} by {group.replace('_', ' ')}: too few answers to compare"
        ax.set_title(title)
        ax.margins(x=0.15)
    return ax


def drivers(table: pd.DataFrame, *, ax=None, k: int = 10, title: str | None = None):
    """The ``k`` strongest terms per side of a :func:`crmlib.feedback.drivers` table, by z.

    Terms in a script without a font are left out (the x-label says how many).
    """
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
        ax.set_yticks(np.arange(len(t)), [f"{w}  ({ca}/{cb})" for w, ca, cb
                                          in zip(t["term"], t["count_a"], t["count_b"])])
        ax.axvline(0, color="black", lw=0.6)
        xlabel = f"z-score of weighted log-odds (> 0: {side_a}s, < 0: {side_b}s)"
        if hidden:
            xlabel += f"; {hidden} terms in scripts without a font are in the table"
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"term (uses by {side_a}s/{side_b}s)")
        if title is None:
            top_a = ", ".join(a["term"].head(3)) or "nothing distinctive"
            top_b = ", ".join(b["term"].iloc[::-1].head(3)) or "nothing distinctive"
            title = f"{side_a.title()}s mention {top_a}; {side_b}s mention {top_b}"
        ax.set_title(title)
    return ax


def themes(result, *, ax=None, title: str | None = None):
    """Share of comments per theme, labelled by the theme's top terms and languages."""
    s = result.summary.sort_values("share")
    with use_indic_fonts() as fonts:
        ax = style.axes(ax, (9, 0.5 * len(s) + 1.5))
        style.indic_text(ax)
        labels = [f"{r.theme}: {r.label if fonts.can_draw(r.label) else '(see table)'}"
                  for r in s.itertuples()]
        ax.barh(np.arange(len(s)), 100 * s["share"], color="#6a51a3")
        ax.set_yticks(np.arange(len(s)), labels)
        for i, r in enumerate(s.itertuples()):
            ax.annotate(r.languages, (100 * r.share, i), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize="x-small")
        ax.set_xlabel("share of comments whose main theme it is (%)")
        ax.set_ylabel("theme: top terms")
        if title is None:
            top = s.iloc[-1]
            name = top["label"] if fonts.can_draw(top["label"]) else f"theme {top['theme']}"
            title = f"The largest theme, {name}, holds {top['share']:.0%} of the comments"
        ax.set_title(title)
        ax.margins(x=0.25)
    return ax


def theme_nps(table: pd.DataFrame, *, ax=None, title: str | None = None):
    """NPS and its interval per theme of :func:`crmlib.feedback.theme_scores`, themes without comments
    left out; the title names the lowest and highest theme with enough answers."""
    t = table[table["n"] > 0]
    if title is None:
        ok = t[~t["too_few"]].sort_values("score")
        if len(ok) >= 2:
            title = (f"Comments on {ok['theme'].iloc[0]} come with the lowest NPS ({ok['score'].iloc[0]:+.0f}), "
                     f"on {ok['theme'].iloc[-1]} the highest ({ok['score'].iloc[-1]:+.0f})")
    return by_group(t, group="theme", ax=ax, title=title)


def value_by_nps_group(table: pd.DataFrame, *, ax=None, title: str | None = None):
    """Share of customer lifetime value held by detractors, passives and promoters."""
    t = table.reset_index()
    with use_indic_fonts():
        ax = style.axes(ax, (7, 3.5))
        style.indic_text(ax)
        ax.bar(t["nps_group"], 100 * t["clv_share"],
               color=[style.GROUP_COLOURS[g] for g in t["nps_group"]])
        for i, r in t.iterrows():
            ax.annotate(f"{r['customers']:,} customers", (i, 100 * r["clv_share"]),
                        xytext=(0, 3), textcoords="offset points", ha="center",
                        fontsize="small")
        ax.set_xlabel("NPS group of the customer's latest answer")
        ax.set_ylabel("share of predicted lifetime value (%)")
        det = t.set_index("nps_group").loc["detractor", "clv_share"]
        ax.set_title(title or f"Detractors hold {det:.0%} of the lifetime value of customers "
                              "who answered")
        ax.margins(y=0.15)
    return ax
