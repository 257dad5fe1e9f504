"""Customer ids: one rule for reading them, whatever the file format, and the match rate of every join.

The rule (:data:`ID_RULE`, recorded in each loaded table's ledger when it changes a value):

* an id is text, trimmed; blanks and ``NA``-like words are missing;
* a whole number written as a float is that whole number: ``81.0`` (CSV, Excel, Parquet, a
  DataFrame) is the id ``81``, as a spreadsheet or a numeric column turns ``81`` into ``81.0``;
* leading zeros are **kept** when reading (``000081`` and ``81`` can be two customers in a system
  that pads ids). A join that finds no exact match for an id tries it without leading zeros, and
  only when that gives exactly one id on the other side (:func:`match_ids`); :class:`JoinRate`
  counts how many ids were matched that way (the page's sentence is
  :func:`crmlib.words.feedback.join_sentence`);
* upper and lower case are **kept** (``C7`` and ``c7`` are two ids), and ids of one file that
  differ only in case are flagged in the ledger (:func:`case_clashes`), never merged.

>>> normalise_ids(pd.Series(["81.0", " 007 ", "C7", "8.50", None])).tolist()
['81', '007', 'C7', '8.50', <NA>]
>>> r = join_rate(["81", "000082", "90"], ["81", "82"])
>>> r.matched, r.total, r.by_padding
(2, 3, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ID_RULE", "JoinRate", "case_clashes", "join_rate", "match_ids", "matched_ids", "normalise_ids"]

#: The id rule in words, as the ledger notes it.
ID_RULE = ("customer ids are read as text: a whole number written as a float (81.0) is the id 81 in "
           "every file format; leading zeros and upper/lower case are kept")

_MISSING = ["", "nan", "NaN", "None", "NULL", "null", "NA", "N/A", "<NA>"]
#: Id values read as missing (an empty id).
NULL_WORDS = tuple(_MISSING)
_FLOAT_WHOLE = r"^([+-]?\d+)\.0+$"
#: A whole number written as a float (81.0); crmlib.ids.ID_RULE reads it as the id 81.
FLOAT_WHOLE = _FLOAT_WHOLE


def normalise_ids(values) -> pd.Series:
    """Ids as text by :data:`ID_RULE`: float-style whole numbers lose their ``.0``."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_float_dtype(s):
        whole = s.dropna()
        if (np.isfinite(whole) & (whole.abs() < 2 ** 53) & (whole == whole.round())).all():
            s = s.astype("Int64")
    out = s.astype("string").str.strip()
    out = out.mask(out.isin(_MISSING))
    return out.str.replace(_FLOAT_WHOLE, r"\1", regex=True)


def float_style(values) -> np.ndarray:
    """True where an id is written as a float-style whole number (``81.0``) in text."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(s):
        return np.zeros(len(s), bool)
    return s.astype("string").str.strip().str.match(_FLOAT_WHOLE).fillna(False).to_numpy(dtype=bool)


def case_clashes(ids: pd.Series) -> np.ndarray:
    """True for ids that another id of the same table equals except for upper/lower case."""
    s = pd.Series(ids).astype("string")
    folded = s.str.casefold()
    distinct = pd.DataFrame({"id": s, "f": folded}).dropna().drop_duplicates()
    spellings = distinct.groupby("f")["id"].nunique()
    clash = set(spellings.index[spellings > 1])
    return folded.isin(clash).fillna(False).to_numpy(dtype=bool)


def _unpadded(s: pd.Series) -> pd.Series:
    stripped = s.str.lstrip("0")
    return stripped.where(stripped != "", "0")


def match_ids(left, right) -> pd.Series:
    """For each distinct left id, the right id it joins to (NA when none), indexed by the left id.

    Exact matches first; a left id without one is tried without leading zeros against the right ids
    without theirs, and kept only when exactly one right id fits (``000081`` -> ``81``).
    """
    lv = pd.Series(pd.unique(normalise_ids(pd.Series(left)).dropna()), dtype="string")
    rv = pd.Series(pd.unique(normalise_ids(pd.Series(right)).dropna()), dtype="string")
    out = pd.Series(lv.to_numpy(), index=lv.to_numpy(), dtype="string")
    out[~lv.isin(set(rv)).to_numpy()] = pd.NA
    missing = out.isna().to_numpy()
    if missing.any() and len(rv):
        keys = _unpadded(rv)
        unique = keys.groupby(keys).transform("size") == 1
        lookup = pd.Series(rv[unique].to_numpy(), index=keys[unique].to_numpy())
        tried = _unpadded(lv[missing])
        out.iloc[np.flatnonzero(missing)] = tried.map(lookup).astype("string").to_numpy()
    return out


def matched_ids(left, right) -> pd.Series:
    """For each left id, in ``left``'s order (and index), the right id it joins to by :func:`match_ids`, normalised
    (NA when none): a table indexed by the right ids, normalised, maps through it.

    >>> matched_ids(pd.Series(["a", "007", 8.0, "x"]), ["7", "a", "8"]).tolist()
    ['a', '7', '8', <NA>]
    """
    ids = normalise_ids(left)
    return ids.map(match_ids(ids, right))


@dataclass(frozen=True)
class JoinRate:
    """How many distinct left ids a join found on the right side."""

    matched: int
    total: int
    by_padding: int = 0  # matched only once leading zeros were ignored
    case_only: int = 0  # unmatched ids that a right id equals except for upper/lower case

    @property
    def rate(self) -> float:
        return self.matched / self.total if self.total else float("nan")


def join_rate(left_ids, right_ids) -> JoinRate:
    """The match rate of joining ``left_ids`` to ``right_ids`` by :func:`match_ids`."""
    match = match_ids(left_ids, right_ids)
    exact = int((match.index.to_numpy() == match.fillna("\x00").to_numpy()).sum())
    matched = int(match.notna().sum())
    lost = match.index[match.isna().to_numpy()]
    right = pd.Series(pd.unique(normalise_ids(pd.Series(right_ids)).dropna()), dtype="string")
    case_only = int(pd.Series(lost, dtype="string").str.casefold().isin(set(right.str.casefold())).sum())
    return JoinRate(matched, len(match), matched - exact, case_only)
