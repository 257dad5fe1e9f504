"""Checks of the covariates of the CLV models (:mod:`crmlib.clv._covariates`): names and values.

Messages name the model, the column, what is wrong with how many rows (by position, never by
customer id or value, since a covariate column may hold anything) and what to do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError

RESERVED = ("frequency", "recency", "T", "weight", "monetary_value")


def check_covariate_names(model: str, purchase, dropout) -> None:
    """Raise DataError unless both hyper-parameters are sequences of distinct column names."""
    for role, cols in (("purchase_covariates", purchase), ("dropout_covariates", dropout)):
        if isinstance(cols, str) or not isinstance(cols, (tuple, list)):
            raise DataError(f"{model}({role}={cols!r}): give a tuple of column names, e.g. "
                            f"{role}=('{cols}',)." if isinstance(cols, str) else
                            f"{model}({role}={cols!r}): give a tuple of column names.")
        bad = [c for c in cols if not isinstance(c, str) or not c]
        if bad:
            raise DataError(f"{model}({role}=...): {bad} are not column names (non-empty strings).")
        repeated = sorted({c for c in cols if list(cols).count(c) > 1})
        if repeated:
            raise DataError(f"{model}({role}=...): {repeated} given more than once; give each column once.")
        reserved = [c for c in cols if c in RESERVED]
        if reserved:
            raise DataError(f"{model}({role}=...): {reserved} are columns of the purchase history, "
                            "not covariates; give customer attributes (e.g. channel, region as 0/1 columns).")


def _positions(mask: np.ndarray) -> str:
    rows = np.flatnonzero(mask)
    shown = ", ".join(str(i) for i in rows[:3])
    return f"{rows.size} row(s), first at position(s) {shown} (counting from 0)"


def covariate_matrix(data: pd.DataFrame, cols, role: str, model: str) -> np.ndarray:
    """The columns ``cols`` of ``data`` as a float matrix (rows x columns), checked.

    Every problem of every column is collected into one DataError: a missing column, text or
    other non-numeric values, missing values (NaN, None, empty) and infinite ones.
    """
    cols = tuple(cols)
    if not cols:
        return np.zeros((len(data), 0))
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise DataError(f"{model}: covariate column(s) {missing} ({role}_covariates) are not in the data, "
                        f"which has {list(data.columns)}. Add them to the customer table (one value per "
                        f"customer) or leave them out of {role}_covariates.")
    problems, out = [], np.empty((len(data), len(cols)))
    for j, c in enumerate(cols):
        raw = data[c]
        if raw.dtype == bool or str(raw.dtype) == "boolean":
            values = raw.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            text = np.zeros(len(raw), dtype=bool)
        elif isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "fiu":
            values = raw.to_numpy(dtype=float)
            text = np.zeros(len(raw), dtype=bool)
        else:
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            text = np.isnan(values) & raw.notna().to_numpy()
        if text.any():
            problems.append(f"column '{c}': {_positions(text)} are not numbers (text or categories); "
                            "encode a category as 0/1 columns, one per level but one "
                            "(pandas.get_dummies(..., drop_first=True))")
        nan = np.isnan(values) & ~text
        if nan.any():
            problems.append(f"column '{c}': {_positions(nan)} are missing; fill them (e.g. with the "
                            f"column's mean plus a 0/1 column '{c}_missing') or drop these customers")
        inf = np.isinf(values)
        if inf.any():
            problems.append(f"column '{c}': {_positions(inf)} are infinite; fix or drop these customers")
        out[:, j] = values
    if problems:
        raise DataError(f"{model}: {role} covariates: " + "; ".join(problems) + ".")
    return out
