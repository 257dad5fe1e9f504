"""Data-side helpers of the lifetime-value models: input checks, time units, compression of
identical histories, per-distinct-value caching, and the quadrature over a beta distribution.

They hold no model state; :mod:`crmlib.clv._base` builds the estimators on them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import linalg
from scipy.linalg import lapack

from crmlib.exceptions import DataError

WEIGHT = "weight"
from crmlib.units import FREQS, UNIT_NAMES  # noqa: F401  the time units of crmlib.summary.rfm_summary (UNIT_NAMES for _base)


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v


def _describe_rows(mask: np.ndarray, index: pd.Index, values: np.ndarray,
                   others: dict[str, np.ndarray] | None = None) -> str:
    """``"2 row(s), first 'c1': 25.0 (T=20.0), 'c7': 3.0 (T=1.0)"``: the count of rows where
    ``mask`` is True and the first three, by index label, with their value and ``others``."""
    bad = np.flatnonzero(mask)
    shown = []
    for i in bad[:3]:
        extra = ", ".join(f"{name}={_plain(col[i])!r}" for name, col in (others or {}).items())
        shown.append(f"{index[i]!r}: {_plain(values[i])!r}" + (f" ({extra})" if extra else ""))
    return f"{bad.size} row(s), first {', '.join(shown)}"


def check_columns(data: object, columns: tuple[str, ...], model: str) -> pd.DataFrame:
    """Check that ``data`` is a non-empty DataFrame with numeric, finite, non-negative ``columns``.

    All problems are collected and raised together as one :class:`DataError`.
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"{model} needs a pandas DataFrame with columns {list(columns)}, "
                        f"got {type(data).__name__}.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(f"{model}: column(s) {missing} missing; the data has {list(data.columns)}. "
                        f"Build the summary with crmlib.summary.rfm_summary or rename the columns.")
    if len(data) == 0:
        raise DataError(f"{model}: the data is empty (0 customers); fit needs customers.")
    problems = []
    for col in columns + ((WEIGHT,) if WEIGHT in data.columns else ()):
        raw = data[col]
        if raw.dtype == bool or str(raw.dtype) == "boolean":
            continue
        values = (numeric(data, col) if isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "fiu"
                  else pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
        bad = ~np.isfinite(values)
        if bad.any():
            problems.append(f"column '{col}': {_describe_rows(bad, data.index, raw.to_numpy())} "
                            "are missing or not finite numbers")
            continue
        neg = values < 0
        if neg.any():
            problems.append(f"column '{col}': {_describe_rows(neg, data.index, values)} are negative")
    if problems:
        raise DataError(f"{model}: " + "; ".join(problems) + ". Fix or drop these rows and try again.")
    return data


def check_rule(mask: np.ndarray, data: pd.DataFrame, rule: str, model: str, col: str,
               advice: str = "Fix or drop these rows and try again.", others: tuple[str, ...] = ()) -> None:
    """Raise DataError naming the rows where ``mask`` is True (a broken ``rule``), their values
    in ``col`` and in the columns ``others`` the rule compares it with, and ``advice``."""
    if np.any(mask):
        shown = {c: data[c].to_numpy() for c in others}
        raise DataError(f"{model}: rule '{rule}' broken in column '{col}': "
                        f"{_describe_rows(np.asarray(mask), data.index, data[col].to_numpy(), shown)}. "
                        + advice)


def check_histories_differ(table: pd.DataFrame, columns, model: str) -> None:
    """Raise DataError when every customer of a compressed ``table`` (one row per history, a ``weight``
    column) has the same history: the parameters describe how customers differ."""
    if len(table) != 1:
        return
    row = table.iloc[0]
    history = ", ".join(f"{c}={row[c]:g}" for c in columns)
    raise DataError(f"{model}: all {row[WEIGHT]:g} customers have the same history ({history}); the parameters "
                    "describe how customers differ, so a fit needs customers with different histories. Check how "
                    "the summary was built.",
                    reason=("same_history", {"model": model, "history": history, "customers": float(row[WEIGHT])}))


def check_weight_total(w: np.ndarray, model: str, minimum: float = 2, who: str = "customers") -> None:
    """Raise DataError when the weights (customer counts) sum to less than ``minimum``."""
    total = float(np.sum(w))
    if total < minimum:
        zero = int(np.sum(w == 0))
        what = (f"only one {who.replace('customers', 'customer', 1)}" if total == 1 and not zero
                else f"the {who} add up to {total:g}")
        extra = f"; {zero} row(s) have weight 0 and count as no customer" if zero else ""
        raise DataError(f"{model}: {what} (the sum of the 'weight' column, or one per row "
                        f"without it){extra}; a fit needs at least {minimum:g}. Give each row "
                        "the number of customers it stands for.")


def numeric(data: pd.DataFrame, col: str) -> np.ndarray:
    """Column ``col`` as float64 values, without a copy when it already is one (pd.to_numeric
    copies every column; at a million rows the copies cost as much as the checks)."""
    values = data[col]
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiub":
        arr = values.to_numpy()
        return arr if arr.dtype == np.float64 else arr.astype(np.float64)
    return pd.to_numeric(values).to_numpy(dtype=float)


def _column_codes(arr: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes of one column in the sorted order of its distinct values, and their number.

    Integers in a short range (counts such as ``frequency``) are numbered by counting, O(n)
    without hashing; anything else by pandas' hash factorisation.
    """
    arr = np.asarray(arr)
    if arr.size and arr.dtype.kind in "iu":
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo <= max(4 * arr.size, 1 << 20):
            shifted = arr - lo if arr.dtype == np.int64 else arr.astype(np.int64) - lo
            present = np.zeros(hi - lo + 1, dtype=np.int64)
            present[shifted] = 1
            renumber = np.cumsum(present) - 1
            return renumber[shifted], int(renumber[-1]) + 1
    codes, uniq = pd.factorize(arr, sort=True)
    return codes.astype(np.int64, copy=False), len(uniq)


def _renumber(key: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """Consecutive codes 0..g-1 for integer keys in [0, size), in the order of the keys."""
    if key.size == 0:  # no rows (no customer a model can learn from): no groups
        return key.astype(np.int64), 0
    if size <= max(4 * key.size, 1 << 20):  # dense key space: renumber by counting, O(n)
        present = np.zeros(size, dtype=np.int64)
        present[key] = 1
        renumber = np.cumsum(present) - 1
        return renumber[key], int(renumber[-1]) + 1
    codes, uniq_keys = pd.factorize(key, sort=True)
    return codes.astype(np.int64, copy=False), len(uniq_keys)


def group_rows(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Label the distinct rows of equal-length 1-d ``arrays`` (hashing, no row sort).

    Returns ``(codes, first)``: ``codes[i]`` numbers row ``i``'s group in the lexicographic order
    of the distinct rows, and ``first[g]`` is the position of one row of group ``g``. Each column
    is numbered on its own (:func:`_column_codes`) and the integer codes are combined into one
    mixed-radix key, renumbered once (pairwise when the key would not fit in 62 bits), so the
    cost grows linearly with the rows (``np.unique(axis=0)`` sorts whole rows and is about ten
    times slower).
    """
    columns = [_column_codes(arr) for arr in arrays]
    codes = None
    if columns and math.prod(n for _, n in columns) < 2**62:
        key, size = columns[0][0], columns[0][1]
        for col, n in columns[1:]:
            key = key * n  # a new array: the first column's codes stay as they are
            key += col
            size *= n
        codes, _ = _renumber(key, size) if len(columns) > 1 else (key, size)
    else:
        n_groups = 0
        for col, n in columns:
            if codes is None:
                codes, n_groups = col, n
                continue
            codes, n_groups = _renumber(codes * n + col, n_groups * n)
    codes = np.asarray(codes, dtype=np.int64)
    first = np.empty(int(codes.max()) + 1 if codes.size else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.size - 1, -1, -1)  # the first row of each group
    return codes, first


class Columns(list):
    """The columns of a table of distinct histories, with memoised data-only terms.

    A list (so ``x, tx, T = arrays`` works) that also caches, for one fit, the groupings of
    columns and any term that does not depend on the parameters (``log(m)``, distinct values of
    ``x``), so that each evaluation of the likelihood only computes what the parameters change.
    """

    def __init__(self, arrays):
        super().__init__(arrays)
        self._memo = {}

    def memo(self, key, func):
        if key not in self._memo:
            self._memo[key] = func()
        return self._memo[key]


def memo(arrays, key, func):
    """``func()``, cached in ``arrays`` when it is a :class:`Columns`."""
    return arrays.memo(key, func) if isinstance(arrays, Columns) else func()


def levels(arrays, *which: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the columns ``which`` of ``arrays``: ``(values, codes)``.

    ``values`` lists the distinct values column by column; ``f(*values)[codes]`` spreads a
    function of them back to every row. Cached for the fit when ``arrays`` is a :class:`Columns`.
    """
    def compute():
        codes, first = group_rows([arrays[i] for i in which])
        return [np.asarray(arrays[i])[first] for i in which], codes
    return memo(arrays, ("levels",) + which, compute)


def compress(data: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Group identical rows of ``columns``; the ``weight`` column counts them (or sums given weights).

    Rows come out in the lexicographic order of ``columns``; groups whose weights sum to 0 are dropped.
    """
    arrays = [numeric(data, c) for c in columns]
    # integer columns (counts) are grouped as integers: numbered by counting, not hashed
    keys = [data[c].to_numpy() if isinstance(data[c].dtype, np.dtype) and data[c].dtype.kind in "iu"
            else arr for c, arr in zip(columns, arrays)]
    codes, first = group_rows(keys)
    if WEIGHT in data.columns:
        total = np.bincount(codes, weights=numeric(data, WEIGHT), minlength=first.size)
    else:
        total = np.bincount(codes, minlength=first.size).astype(float)
    keep = total > 0
    out = pd.DataFrame({c: arr[first[keep]] for c, arr in zip(columns, arrays)})
    out[WEIGHT] = total[keep]
    return out


def unique_apply(data: pd.DataFrame, columns: tuple[str, ...], func) -> np.ndarray:
    """Evaluate ``func(arrays...)`` once per distinct row of ``columns`` and spread back to all rows."""
    arrays = [pd.to_numeric(data[c]).to_numpy(dtype=float) for c in columns]
    if len(data) < 2:
        return np.asarray(func(*arrays), dtype=float)
    codes, first = group_rows(arrays)
    values = np.asarray(func(*(arr[first] for arr in arrays)), dtype=float)
    return values[codes]


def beta_rule(nodes: int, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Gauss quadrature for p ~ Beta(a, b): nodes in (0, 1) and weights that sum to 1.

    Golub-Welsch on the Jacobi matrix of the Jacobi polynomials P^(b-1, a-1), mapped to
    p = (1 + x) / 2: the nodes are its eigenvalues and the weights the squared first components
    of its unit eigenvectors, which sum to 1 by construction. ``scipy.special.roots_jacobi``
    scales its weights by 2^(a+b-1) B(a, b), which overflows for b above about 1,020 (a
    customer's frequency enters b), and its Newton refinement fails for b near 1e5. The
    diagonal is written as one positive fraction, so nodes near 0 keep their relative accuracy.
    """
    p, w = beta_rules(nodes, a, np.array([b], dtype=float))
    return p[0], w[0]


def beta_rules(nodes: int, a: float, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`beta_rule` for every value of ``b`` at once: nodes and weights, one row per value.

    The Jacobi matrices of all values are built in one pass of array arithmetic and each is
    solved by LAPACK's ``dstevd``, the routine ``scipy.linalg.eigh_tridiagonal`` calls, without
    that function's checks and dispatch per call (they cost more than the solve for a few dozen
    nodes; a model evaluated at many parameter draws needs a rule per distinct frequency and
    draw). The arithmetic is that of one value at a time, element by element, so every node and
    weight is the same number to the last bit (tests/clv/test_clv_beta_rules.py). A matrix that
    is not finite, or LAPACK's refusal, raises as ``eigh_tridiagonal`` does.
    """
    b = np.asarray(b, dtype=float).reshape(-1, 1)
    al, be = b - 1.0, a - 1.0
    s = al + be
    k = np.arange(nodes, dtype=float)
    m = 2 * k + s
    with np.errstate(divide="ignore", invalid="ignore"):
        diag = (4 * k**2 + 4 * k * (s + 1) + 2 * s * (be + 1)) / (2 * m * (m + 2))
    diag[:, 0] = ((be + 1) / (s + 2))[:, 0]
    k1, m1 = k[1:], m[:, 1:]
    # (k + s) / (m - 1) is 0/0 only at k = 1, s = -1, where it equals 1
    ratio = np.where(m1 == 1, 1.0, (k1 + s) / np.where(m1 == 1, 1.0, m1 - 1))
    off = np.sqrt(k1 * (k1 + al) * (k1 + be) * ratio / (m1**2 * (m1 + 1)))
    p, w = np.empty((b.shape[0], nodes)), np.empty((b.shape[0], nodes))
    finite = np.isfinite(diag).all(axis=1) & np.isfinite(off).all(axis=1)
    for i in range(b.shape[0]):
        info = 1
        if nodes > 1 and finite[i]:
            p[i], vectors, info = lapack.dstevd(diag[i], off[i], compute_v=1)
        if info != 0:  # not finite, one node, or no convergence: as eigh_tridiagonal does it (or raises)
            p[i], vectors = linalg.eigh_tridiagonal(diag[i], off[i])
        w[i] = vectors[0] ** 2
        w[i] /= w[i].sum()
    return np.clip(p, 0.0, 1.0), w


def beta_expectation(a: float, b: np.ndarray, func, nodes: int = 96) -> np.ndarray:
    """E[func(p, i)] for p ~ Beta(a, b[i]) by Gauss-Jacobi quadrature, one rule per distinct b.

    ``func(p, rows)`` gets an array of nodes (shape rows x nodes) and the row indices. The
    quadrature weight carries the Beta density exactly, so a < 1 or b < 1 (singular densities,
    the cases where hypergeometric closed forms break down) are handled without special cases,
    and so is a large b (frequencies in the thousands), see :func:`beta_rule`.
    """
    b = np.asarray(b, dtype=float)
    out = np.empty(b.shape, dtype=float)
    values = np.unique(b)
    rules = beta_rules(nodes, a, values) if values.size else None
    for i, value in enumerate(values):
        rows = np.flatnonzero(b == value)
        p, w = rules[0][i], rules[1][i]
        for start in range(0, rows.size, 8192):  # bounded memory: 8192 x nodes per block
            block = rows[start:start + 8192]
            out[block] = func(np.broadcast_to(p, (block.size, nodes)), block) @ w
    return out


def _known_freq(value, where: str, name: str) -> None:
    if value not in FREQS:
        raise DataError(f"{name}: {where} is {value!r}, not a time unit crmlib knows; use 'D' "
                        "(days), 'W' (weeks) or 'M' (months), as crmlib.summary.rfm_summary sets it.")


def data_freq(data, name: str) -> str | None:
    """``data.attrs['freq']`` (None when absent), checked to be "D", "W" or "M"."""
    value = data.attrs.get("freq") if hasattr(data, "attrs") else None
    if value is not None:
        _known_freq(value, "data.attrs['freq']", name)
    return value


def _as_t(t, data: pd.DataFrame, name: str) -> np.ndarray:
    """``t`` as one float per row of ``data``; a Series is matched to ``data`` by index label."""
    n = len(data)
    if isinstance(t, pd.Series):
        if not t.index.equals(data.index):
            if not t.index.is_unique:
                raise DataError(f"{name}: t is a Series with repeated index labels "
                                f"{t.index[t.index.duplicated()][:3].tolist()}; give one t per customer.")
            missing = data.index[~data.index.isin(t.index)]
            if len(missing):
                raise DataError(f"{name}: t is a Series matched to the data by index, but "
                                f"{len(missing)} label(s) of the data are not in it, first "
                                f"{missing[:3].tolist()}; give a t for every customer.")
            t = t.reindex(data.index)
        t = t.to_numpy()
    arr = np.asarray(t, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise DataError(f"{name}: t must be a number or one value per row ({n}), got shape {arr.shape}.")
    bad = ~np.isfinite(arr) | (arr < 0)
    if np.any(bad):
        raise DataError(f"{name}: t must be finite and >= 0; {int(bad.sum())} value(s) are not, "
                        f"first {arr[bad][:3].tolist()}.")
    return arr
