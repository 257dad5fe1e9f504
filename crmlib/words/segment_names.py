"""Segment names on a page: the key in the data (``"Champions"``) and the name a page shows.

Segment names are keys in the data (the scheme, CSV files, audiences keep ``"Champions"``); a page
shows :func:`name` of a key, the teaching glossary's word in Hindi and Bengali. A name the default
scheme does not know (a scheme of your own) is a data value and is shown as it is.
"""

from __future__ import annotations

import pandas as pd

from crmlib.formats import Formats
from crmlib.words import N_, Words

#: The default scheme's segment names (keys in the data) -> the name on the page.
NAMES = {
    "Champions": N_("Champions"), "Loyal": N_("Loyal"), "Potential Loyalist": N_("Potential Loyalist"),
    "New": N_("New"), "Promising": N_("Promising"), "Need Attention": N_("Need Attention"),
    "About to Sleep": N_("About to Sleep"), "At Risk": N_("At Risk"), "Can't Lose Them": N_("Can't Lose Them"),
    "Hibernating": N_("Hibernating"), "Lost": N_("Lost"),
    #: Migration: customers whose first purchase came after the earlier date / gone by the later one.
    "(new)": N_("(new)"), "(gone)": N_("(gone)"),
}
#: The glossary key (notebooks/teaching/glossary.yaml) of each segment name.
GLOSSARY_KEYS = {k: "segment_" + k.lower().replace("'", "").replace(" ", "_") for k in list(NAMES)[:11]}


def words_formats(words: Words | None, fmt: Formats | None) -> tuple[Words, Formats]:
    """The page's words and formats: those given, else English (or the formats' language)."""
    words = words if words is not None else (Words.of(fmt) if fmt is not None else Words("en"))
    return words, fmt if fmt is not None else Formats(words.lang)


def name(w: Words, key) -> str:
    """The page's name of a segment key (a name of a scheme of your own stays as it is)."""
    key = str(key)
    return w.text(NAMES[key]) if key in NAMES else key


def names(w: Words, values):
    """Segment keys (a list, Series or Index) as the page names them, same shape. Each distinct key is named
    once: a Series of 4.1 million customers' segments took 4 s named value by value."""
    if isinstance(values, (pd.Series, pd.Index)):
        if len(values) and (values.dtype == object or values.dtype == "str") and not pd.isna(values).any():
            codes, keys = pd.factorize(values)
            named = pd.array([name(w, key) for key in keys], dtype="str").take(codes)
            return pd.Index(named, name=values.name) if isinstance(values, pd.Index) else \
                pd.Series(named, index=values.index, name=values.name)
        return values.map(lambda v: name(w, v))  # a missing value is named as its text, a category maps its categories
    return [name(w, v) for v in values]


def on_page(frame: pd.DataFrame, w: Words, columns=("segment",)) -> pd.DataFrame:
    """A copy of ``frame`` with the segment keys in its index and ``columns`` named as the page
    names them (the data and CSV files for platforms keep the keys)."""
    out = frame.copy()
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels([names(w, lvl) for lvl in out.index.levels])
    elif out.index.name in ("segment", "segment before", "segment after") or out.index.dtype == object:
        out.index = names(w, out.index.astype(str)).rename(out.index.name)
    for col in columns:
        if col in out.columns:
            out[col] = names(w, out[col].astype(str)).to_numpy()
    return out
