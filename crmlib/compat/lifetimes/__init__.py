"""lifetimes' public API over crmlib: change one import.

``from lifetimes import BetaGeoFitter`` becomes ``from crmlib.compat.lifetimes import
BetaGeoFitter`` and ``from lifetimes.utils import ...`` becomes ``from crmlib.compat.lifetimes.utils
import ...``. The classes take lifetimes' argument names and return its shapes (``params_`` a
Series, ``summary`` with ``coef, se(coef), lower 95% bound, upper 95% bound``, scalars for scalar
inputs, Series for Series inputs); the numbers come from crmlib's models (``model_``).

Conventions that differ from lifetimes 0.11.3 (see tests/compat/README.md):

* CLV (:meth:`GammaGammaFitter.customer_lifetime_value`): ``convention="lifetimes"`` (default)
  counts ``time`` in months of 30 days (4.345 weeks, 720 hours) and discounts per such month;
  ``convention="crmlib"`` uses crmlib's month of 30.436875 days (:mod:`crmlib.units`).
* Penalised fits: the penalty ``penalizer_coef * sum(params ** 2)`` is applied to the parameters
  in the data's own time unit; lifetimes first rescales times so that max(T) = 10, so with a
  penalty the estimates differ (without one they agree to the optimiser's tolerance).
* Intervals in ``summary`` are crmlib's Wald intervals on the log scale (never below 0), not
  ``coef +- 1.96 se``.
* Summaries from a transaction log count distinct calendar periods, as lifetimes does; a period
  whose returns outweigh its purchases is not a purchase (lifetimes has no rule for returns).
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
from scipy.special import betaln

from crmlib import units
from crmlib.clv import BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNBD
from crmlib.clv.paths import bgbb_first_n_periods, conditional_probability_of_n_purchases
from crmlib.exceptions import DataError

__all__ = ["BetaGeoFitter", "ModifiedBetaGeoFitter", "ParetoNBDFitter", "BetaGeoBetaBinomFitter",
           "GammaGammaFitter"]

#: Periods of each unit in lifetimes' 30-day month, and in crmlib's month of 30.436875 days.
LIFETIMES_MONTH = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24}


def _shape(values, *inputs):
    """A float for scalar inputs, a Series (index of the first Series input) or an array."""
    values = np.asarray(values, dtype=float)
    series = next((i for i in inputs if isinstance(i, pd.Series)), None)
    if series is not None:
        return pd.Series(values.reshape(-1), index=series.index)
    if all(np.ndim(i) == 0 for i in inputs):
        return float(values.reshape(-1)[0])
    return values.reshape(np.broadcast_shapes(*(np.shape(i) for i in inputs)))


def _column(values, n=None):
    arr = np.asarray(values.to_numpy() if isinstance(values, pd.Series) else values, dtype=float)
    return np.broadcast_to(arr, (n,)) if n is not None and arr.ndim == 0 else arr.reshape(-1)


class BaseFitter:
    """What every lifetimes fitter shares: ``penalizer_coef``, ``params_``, ``summary``,
    ``save_model``/``load_model`` (standard pickle) and lifetimes' ``repr``."""

    _model = None  # the crmlib class
    _columns = ("frequency", "recency", "T")

    def __init__(self, penalizer_coef: float = 0.0):
        self.penalizer_coef = penalizer_coef

    def __repr__(self) -> str:
        name = f"lifetimes.{type(self).__name__}"
        if not hasattr(self, "params_"):
            return f"<{name}>"
        ps = ", ".join(f"{k}: {v:.2f}" for k, v in self.params_.items())
        data = getattr(self, "data", None)
        return f"<{name}: fitted with {len(data)} subjects, {ps}>" if data is not None else f"<{name}: {ps}>"

    def _fit(self, columns: dict, weights, initial_params, index):
        data = pd.DataFrame({k: _column(v) for k, v in columns.items()})
        if weights is not None:
            data["weight"] = _column(weights)
        if index is not None:
            data.index = pd.Index(list(index))
        model = self._model(penalizer=self.penalizer_coef)
        start = dict(zip(model.param_names, initial_params)) if initial_params is not None and not isinstance(
            initial_params, dict) else initial_params
        self.model_ = model.fit(data, initial_params=start)
        self.params_ = self.model_.params_.rename(None)
        self.data = data.rename(columns={"weight": "weights"})
        self.log_likelihood_ = self.model_.log_likelihood_
        self._negative_log_likelihood_ = -self.log_likelihood_ / self.model_.n_customers_
        return self

    @property
    def model_or_params(self):
        """The crmlib model: fitted, or made from ``params_`` set by hand (lifetimes allows that)."""
        model = getattr(self, "model_", None)
        if model is not None and model.params_.equals(pd.Series(self.params_, dtype=float).reindex(model.params_.index)):
            return model
        if not hasattr(self, "params_"):
            raise DataError(f"{type(self).__name__} is not fitted: call fit(...) or set params_ first.")
        return self._model.from_params(dict(self.params_))

    @property
    def summary(self) -> pd.DataFrame:
        table = self.model_.summary
        return pd.DataFrame({"coef": table["coef"], "se(coef)": table["se"],
                             "lower 95% bound": table["lower"], "upper 95% bound": table["upper"]})

    def _unload_params(self, *names):
        if not hasattr(self, "params_"):
            raise ValueError("Model has not been fit yet. Please call the .fit method first.")
        return [self.params_[n] for n in names]

    def save_model(self, path, save_data: bool = True, **_ignored) -> None:
        """Pickle the fitter (standard library; no dill needed)."""
        state = dict(self.__dict__)
        if not save_data:
            state["data"] = None
        with open(path, "wb") as fh:
            pickle.dump(state, fh)

    def load_model(self, path) -> None:
        with open(path, "rb") as fh:
            self.__dict__.update(pickle.load(fh))


class _TransactionFitter(BaseFitter):
    def fit(self, frequency, recency, T, weights=None, initial_params=None, verbose=False, tol=1e-7,
            index=None, **kwargs):
        """Fit by maximum likelihood (crmlib's optimiser; ``tol``, ``verbose`` and lifetimes'
        other optimiser options are accepted and not needed)."""
        return self._fit({"frequency": frequency, "recency": recency, "T": T}, weights, initial_params, index)

    def _frame(self, frequency, recency, T) -> pd.DataFrame:
        n = int(np.broadcast(np.asarray(frequency), np.asarray(recency), np.asarray(T)).size)
        return pd.DataFrame({"frequency": _column(frequency, n), "recency": _column(recency, n), "T": _column(T, n)})

    def conditional_probability_alive(self, frequency, recency, T):
        p = self.model_or_params.probability_alive(self._frame(frequency, recency, T))
        return _shape(p.to_numpy(), frequency, recency, T)

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        data = self._frame(frequency, recency, T)
        tt = np.broadcast_to(np.asarray(t, dtype=float), (len(data),)) if np.ndim(t) == 0 else _column(t)
        values = self.model_or_params.expected_purchases(tt, data).to_numpy()
        return _shape(values, t, frequency, recency, T)

    predict = conditional_expected_number_of_purchases_up_to_time

    def expected_number_of_purchases_up_to_time(self, t):
        values = self.model_or_params.expected_purchases_new_customer(_column(t))
        return _shape(values, t)

    def probability_of_n_purchases_up_to_time(self, t, n):
        return self.model_or_params.probability_of_n_purchases(t, n)

    def conditional_probability_of_n_purchases_up_to_time(self, n, t, frequency, recency, T):
        values = conditional_probability_of_n_purchases(self.model_or_params, t, n, frequency, recency, T)
        return _shape(values, n, t, frequency, recency, T)

    def conditional_probability_alive_matrix(self, max_frequency=None, max_recency=None):
        """P(alive) at T = max(T) for frequency 0..max_frequency (columns) and recency
        0..max_recency (rows), as lifetimes lays it out."""
        max_frequency = int(max_frequency if max_frequency is not None else self.data["frequency"].max())
        max_recency = int(max_recency if max_recency is not None else self.data["T"].max())
        T = max_recency
        x, tx = np.meshgrid(np.arange(max_frequency + 1), np.arange(max_recency + 1))
        p = self.model_or_params.probability_alive(self._frame(x.ravel(), tx.ravel(), T)).to_numpy()
        return p.reshape(x.shape)


class BetaGeoFitter(_TransactionFitter):
    """lifetimes' BG/NBD fitter over :class:`crmlib.clv.BetaGeo`."""

    _model = BetaGeo


class ModifiedBetaGeoFitter(_TransactionFitter):
    """lifetimes' MBG/NBD fitter over :class:`crmlib.clv.ModifiedBetaGeo`."""

    _model = ModifiedBetaGeo


class ParetoNBDFitter(_TransactionFitter):
    """lifetimes' Pareto/NBD fitter over :class:`crmlib.clv.ParetoNBD`."""

    _model = ParetoNBD


class BetaGeoBetaBinomFitter(_TransactionFitter):
    """lifetimes' BG/BB fitter over :class:`crmlib.clv.BetaGeoBetaBinom` (``n_periods`` = T)."""

    _model = BetaGeoBetaBinom

    def fit(self, frequency, recency, n_periods, weights=None, initial_params=None, verbose=False,
            tol=1e-7, index=None, **kwargs):
        return self._fit({"frequency": frequency, "recency": recency, "T": n_periods}, weights, initial_params, index)

    def conditional_expected_number_of_purchases_up_to_time(self, m_periods_in_future, frequency, recency, n_periods):
        return super().conditional_expected_number_of_purchases_up_to_time(m_periods_in_future, frequency, recency,
                                                                           n_periods)

    def conditional_probability_alive(self, m_periods_in_future, frequency, recency, n_periods):
        """P(alive at opportunity n + m | history): crmlib's P(alive at n + 1) times the chance of
        surviving the opportunities n + 2 .. n + m."""
        model = self.model_or_params
        data = self._frame(frequency, recency, n_periods)
        ga, de = model.params_["gamma"], model.params_["delta"]
        n, m = data["T"].to_numpy(), np.asarray(m_periods_in_future, dtype=float)
        more = np.exp(betaln(ga, de + n + m) - betaln(ga, de + n + 1))
        return _shape(model.probability_alive(data).to_numpy() * more, m_periods_in_future, frequency, recency,
                      n_periods)

    def expected_number_of_transactions_in_first_n_periods(self, n):
        """Expected number of customers (of the fitted data's weight) with 0..n transactions in
        the first n opportunities: index ``frequency``, column ``model``."""
        total = float(self.data["weights"].sum()) if "weights" in self.data else float(len(self.data))
        table = bgbb_first_n_periods(self.model_or_params, n, customers=total)
        return table[["expected_customers"]].rename(columns={"expected_customers": "model"})


class GammaGammaFitter(BaseFitter):
    """lifetimes' Gamma-Gamma spend fitter over :class:`crmlib.clv.GammaGamma`."""

    _model = GammaGamma

    def fit(self, frequency, monetary_value, weights=None, initial_params=None, verbose=False, tol=1e-7,
            index=None, q_constraint=False, **kwargs):
        self._fit({"frequency": frequency, "monetary_value": monetary_value}, weights, initial_params, index)
        if q_constraint and self.params_["q"] <= 1:
            raise DataError(f"GammaGammaFitter: q_constraint=True but the fitted q is {self.params_['q']:.3g} <= 1; "
                            "the mean spend p v / (q - 1) is not defined. Check the monetary values.")
        return self

    def conditional_expected_average_profit(self, frequency=None, monetary_value=None):
        if frequency is None:
            frequency, monetary_value = self.data["frequency"], self.data["monetary_value"]
        n = int(np.broadcast(np.asarray(frequency), np.asarray(monetary_value)).size)
        data = pd.DataFrame({"frequency": _column(frequency, n), "monetary_value": _column(monetary_value, n)})
        return _shape(self.model_or_params.expected_spend(data).to_numpy(), frequency, monetary_value)

    def customer_lifetime_value(self, transaction_prediction_model, frequency, recency, T, monetary_value,
                                time=12, discount_rate=0.01, freq="D", convention="lifetimes"):
        spend = self.conditional_expected_average_profit(frequency, monetary_value)
        return customer_lifetime_value(transaction_prediction_model, frequency, recency, T, spend, time,
                                       discount_rate, freq, convention)


def customer_lifetime_value(transaction_prediction_model, frequency, recency, T, monetary_value, time=12,
                            discount_rate=0.01, freq="D", convention="lifetimes"):
    """Discounted value over ``time`` months, month by month: the purchases expected in month
    ``i`` times ``monetary_value`` (expected spend per purchase), divided by
    ``(1 + discount_rate) ** i``. ``freq`` is the time unit of recency and T; a month is 30 days
    (``convention="lifetimes"``) or 30.436875 days (``"crmlib"``). Returns a Series ``clv``."""
    if convention == "lifetimes":
        if freq not in LIFETIMES_MONTH:
            raise DataError(f"freq={freq!r}: use one of {list(LIFETIMES_MONTH)}.")
        month = LIFETIMES_MONTH[freq]
    elif convention == "crmlib":
        month = units.days("M") / units.days(freq)
    else:
        raise DataError(f"convention={convention!r}: use 'lifetimes' (30-day months) or 'crmlib' "
                        "(months of 30.436875 days).")
    index = frequency.index if isinstance(frequency, pd.Series) else None
    spend = _column(monetary_value)
    value = 0.0
    previous = 0.0
    for i in range(1, int(time) + 1):
        current = _column(transaction_prediction_model.predict(i * month, frequency, recency, T))
        value = value + spend * (current - previous) / (1 + discount_rate) ** i
        previous = current
    return pd.Series(value, index=index, name="clv")


from crmlib.compat.lifetimes import utils  # noqa: E402  (lifetimes.utils)
