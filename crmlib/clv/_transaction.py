"""The base of the buy-till-you-die models reading ``frequency, recency, T``: the rules of a purchase
history, predictions (expected purchases, P(alive), P(X(t) = n), lifetime value) and simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.clv._base import BaseModel
from crmlib.clv._data import WEIGHT, _as_t, check_rule, check_weight_total, numeric, unique_apply
from crmlib.exceptions import DataError


class TransactionModel(BaseModel):
    """Base of the buy-till-you-die models reading ``frequency, recency, T``.

    ``frequency`` counts repeat purchases, ``recency`` is the age at the last repeat purchase and
    ``T`` the age at the end of observation, both counted in one time unit (the ``freq`` of the
    summary, e.g. weeks). Predictions come back in the same unit.
    """

    columns = ("frequency", "recency", "T")
    discrete = False  # True for BG/BB, where times count purchase opportunities
    # True when _conditional and _p_alive are cheap per row (they group what is expensive
    # themselves); otherwise predictions are computed once per distinct history.
    _row_predictions = False

    def _validate(self, data: pd.DataFrame, points: bool = False) -> pd.DataFrame:
        """Rules of a purchase history, checked by fit and log_likelihood (``_check_input``).

        With ``points=True`` (predictions: P(alive), expected purchases, CLV) only the rules
        the formulas need: recency <= T and, for BG/BB, whole opportunities with frequency <=
        recency. A what-if point such as frequency 0 at recency 5, or frequency 2.5, is then
        predicted as the formula gives it (the P(alive) matrix figures of the papers need them).
        """
        name = type(self).__name__
        x = numeric(data, "frequency")
        tx = numeric(data, "recency")
        T = numeric(data, "T")
        whole = ("frequency counts repeat purchases (days with a purchase after the first); "
                 "make sure it was not averaged or rescaled.")
        if self.discrete:
            check_rule(x != np.round(x), data, "frequency is a whole number", name, "frequency", whole)
            opportunities = ("BG/BB counts purchase opportunities (e.g. years): build frequency, "
                             "recency and T as whole numbers of opportunities.")
            check_rule(T != np.round(T), data, "T (opportunities) is a whole number", name, "T",
                       opportunities)
            check_rule(tx != np.round(tx), data, "recency is a whole number", name, "recency",
                       opportunities)
            check_rule(x > tx, data, "frequency <= recency", name, "frequency",
                       "at most one transaction per opportunity: recency is the opportunity of "
                       "the last one, so it is at least frequency.", others=("recency",))
        # T == 0 (first purchase at the end of observation) is allowed: such a customer has
        # frequency == recency == 0 and contributes log-likelihood 0 (nothing could be observed).
        check_rule(tx > T, data, "recency <= T", name, "recency",
                   "recency and T are both ages since the first purchase in one time unit; "
                   "check that they were computed with the same unit and observation end.",
                   others=("T",))
        if points:
            return data
        check_rule(x != np.round(x), data, "frequency is a whole number", name, "frequency", whole)
        check_rule((x == 0) & (tx != 0), data, "recency == 0 when frequency == 0", name, "recency",
                   "recency is the age at the last repeat purchase, so 0 without one; "
                   "check how recency was computed.", others=("frequency",))
        # a repeat purchase comes after the first one (on a later day, or a later opportunity)
        check_rule((x > 0) & (tx == 0), data, "recency > 0 when frequency > 0", name, "recency",
                   "recency is the age at the last repeat purchase, which comes after the "
                   "first purchase; check how recency was computed (not rounded down to whole "
                   "periods).", others=("frequency",))
        return data

    def _check_degenerate(self, data: pd.DataFrame) -> None:
        name = type(self).__name__
        x = numeric(data, "frequency")
        w = (numeric(data, WEIGHT) if WEIGHT in data.columns
             else np.ones(len(data)))
        check_weight_total(w, name)
        if not np.any((x > 0) & (w > 0)):
            raise DataError(f"{name}: nobody made a repeat purchase (all frequency == 0), so the "
                            "purchase and dropout processes cannot be told apart. Use a longer "
                            "calibration period or check that repeat purchases were counted.")

    # ---------------------------------------------------------------- predictions
    def expected_purchases(self, t, data: pd.DataFrame) -> pd.Series:
        """Expected repeat purchases in the next ``t`` time units (same unit as ``T``), per row."""
        params = self._p()
        self._check_input(data, points=True)
        self._check_freq(data)
        return self._series(self._expected(params, t, data), data, "expected_purchases")

    def _expected(self, params: np.ndarray, t, data: pd.DataFrame) -> np.ndarray:
        """:meth:`expected_purchases` of checked ``data``, as an array."""
        tt = _as_t(t, data, type(self).__name__)
        if self._row_predictions:
            arrays = [pd.to_numeric(data[c]).to_numpy(dtype=float) for c in self.columns]
            with np.errstate(all="ignore"):
                values = self._conditional(params, *arrays, tt)
        else:
            frame = data.assign(_t=tt)
            values = unique_apply(frame, self.columns + ("_t",),
                                  lambda x, tx, T, t_: self._conditional(params, x, tx, T, t_))
        return values

    def probability_alive(self, data: pd.DataFrame) -> pd.Series:
        """Probability that each customer is still active at the end of observation ``T``."""
        params = self._p()
        self._check_input(data, points=True)
        self._check_freq(data)
        if self._row_predictions:
            arrays = [pd.to_numeric(data[c]).to_numpy(dtype=float) for c in self.columns]
            with np.errstate(all="ignore"):
                values = self._p_alive(params, *arrays)
        else:
            values = unique_apply(data, self.columns, lambda x, tx, T: self._p_alive(params, x, tx, T))
        return self._series(values, data, "probability_alive")

    def expected_purchases_new_customer(self, t) -> np.ndarray | float:
        """Expected repeat purchases of a newly acquired customer in their first ``t`` time units."""
        params = self._p()
        arr = np.atleast_1d(np.asarray(t, dtype=float))
        bad = ~np.isfinite(arr) | (arr < 0)
        if np.any(bad):
            raise DataError(f"{type(self).__name__}: t must be finite and >= 0; {int(bad.sum())} "
                            f"value(s) are not, first {arr[bad][:3].tolist()}.")
        out = self._unconditional(params, arr)
        return float(out[0]) if np.ndim(t) == 0 else out

    def probability_of_n_purchases(self, t, n):
        """P(X(t) = n): the probability that a newly acquired customer makes exactly ``n`` repeat
        purchases in their first ``t`` time units (opportunities for BG/BB).

        ``t`` and ``n`` are numbers or arrays (broadcast together); a float for two numbers.
        Summed over n = 0, 1, ... the probabilities give 1; times n, the expected purchases
        (:meth:`expected_purchases_new_customer`).
        """
        params = self._p()
        name = type(self).__name__
        tt, nn = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(n, dtype=float))
        bad_t = ~np.isfinite(tt) | (tt < 0) | (self.discrete & (tt != np.round(tt)))
        bad_n = ~np.isfinite(nn) | (nn < 0) | (nn != np.round(nn))
        t_rule = "finite and >= 0" + (", whole opportunities" if self.discrete else "")
        for what, values, bad, rule in (("t", tt, bad_t, t_rule), ("n", nn, bad_n, "a whole number >= 0")):
            if np.any(bad):
                raise DataError(f"{name}.probability_of_n_purchases: {what} must be {rule}; "
                                f"{int(bad.sum())} value(s) are not, first {values[bad][:3].tolist()}.")
        with np.errstate(all="ignore"):
            out = np.clip(self._pmf(params, tt.ravel(), nn.ravel()), 0.0, 1.0).reshape(tt.shape)
        return float(out) if out.ndim == 0 else out

    def customer_lifetime_value(self, data: pd.DataFrame, spend_model, horizon: int,
                                discount_rate: float, freq: str | None = None) -> pd.Series:
        """Discounted value of each customer's expected purchases over the next ``horizon`` periods.

        ``horizon`` is counted in the time unit of ``recency`` and ``T`` (``freq``: "D", "W" or "M";
        taken from ``data.attrs['freq']`` when the summary carries it), and ``discount_rate`` is
        the rate *per one such period* (for an annual rate ``d`` and weeks, pass
        ``(1 + d) ** (1 / 52) - 1`` yourself: no hidden calendar tables). Purchases expected in
        period ``k`` (from ``k - 1`` to ``k``) are discounted by ``(1 + discount_rate) ** -k`` and
        valued at ``spend_model.expected_spend(data)``.
        """
        params = self._p()
        self._check_input(data, points=True)
        self._check_freq(data, freq)
        if int(horizon) != horizon or horizon < 1:
            raise DataError(f"horizon must be a whole number of periods >= 1, got {horizon!r}.")
        if not discount_rate > -1:
            raise DataError(f"discount_rate must be > -1 per period, got {discount_rate!r}.")
        spend = spend_model.expected_spend(data).to_numpy()
        value = np.zeros(len(data))
        previous = np.zeros(len(data))
        for k in range(1, int(horizon) + 1):  # data checked once above, not once per period
            current = self._expected(params, k, data)
            value += (current - previous) / (1.0 + discount_rate) ** k
            previous = current
        return self._series(value * spend, data, "clv")

    def sample(self, n: int, seed: int | None = 0, T=None) -> pd.DataFrame:
        """Simulate ``n`` customers from the fitted model, observed for ``T`` time units each.

        ``T`` is a number or an array of ``n`` ages; by default the mean ``T`` of the fitted data
        is not known, so 52 (weeks) is used for continuous models and 6 for BG/BB.
        """
        params = self._p()
        rng = np.random.default_rng(seed)
        if T is None:
            T = 6 if self.discrete else 52.0
        T = np.broadcast_to(np.asarray(T, dtype=float), (int(n),)).copy()
        x, tx = self._simulate(params, rng, T)
        return pd.DataFrame({"frequency": x.astype(float), "recency": tx, "T": T},
                            index=pd.RangeIndex(int(n), name="customer_id"))
