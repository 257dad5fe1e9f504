"""The shared machinery of the lifetime-value models: checks, compression, optimiser, Hessian.

A leaf model declares its parameter names, the columns it reads, starting values and a
vectorised log-likelihood over *distinct* histories with a weight each. This base:

* validates the input (columns present, numeric, finite, non-negative, model rules) with one
  check, :meth:`BaseModel._check_input`, that ``fit`` and every method reading data run
  (predictions in its ``points`` mode: only what their formulas cannot take, so what-if points
  are predicted),
* follows scikit-learn's estimator protocol: ``__init__`` stores hyper-parameters (the
  penalizer), ``get_params``/``set_params`` read and change them (``sklearn.base.clone`` works),
  ``fit`` checks them; :meth:`BaseModel.from_params` makes a model from given parameters,
* compresses identical rows into one row with a weight (so the cost of a fit grows with the
  number of distinct histories, not with customers), by hashing each column and combining the
  integer codes (:func:`group_rows`),
* maximises the weighted log-likelihood over log-parameters with ``scipy.optimize.minimize``
  (L-BFGS-B), using the leaf's exact gradient when it has one. During a fit the columns come as
  a :class:`Columns`, which caches data-only terms: a leaf evaluates functions of ``x`` or ``T``
  alone once per distinct value (:func:`levels`) rather than once per history,
* estimates the covariance from the leaf's exact Hessian (BG/NBD, MBG/NBD) or a central-difference
  Hessian of the gradient, and gives standard errors on the natural scale by the delta method
  (summaries: :mod:`crmlib.clv._summary`; purchase-history models: :mod:`crmlib.clv._transaction`).
"""

from __future__ import annotations

import inspect
import math
import numbers

import numpy as np
import pandas as pd
from scipy import optimize
from threadpoolctl import threadpool_limits

from crmlib import units
from crmlib.clv._summary import FittedSummary
from crmlib.clv._data import (
    UNIT_NAMES, WEIGHT, Columns, _known_freq, check_columns, check_histories_differ, compress, data_freq,
)
from crmlib.exceptions import ConvergenceError, DataError, NotFittedError

#: Largest standard error of a log-parameter that still counts as estimated (published CDNOW and
#: donation fits stay below 0.6).
MAX_SE_LOG = 5.0

# A fitted parameter beyond exp(+-15) (3e-7 .. 3e6, after dividing a scale parameter by the
# data's own scale) is taken as "ran off to a boundary": the shape parameters of these models
# describe how customers differ, and a shape of 3e6 means a spread of 0.06% (everyone alike)
# while 3e-7 puts nearly all customers at zero. Such a fit says the data cannot tell the model's
# parameters apart, not that customers are that extreme. The published fits (CDNOW, donations,
# sBG cohorts) all have |log| < 4, well inside.
LOG_PARAM_LIMIT = 15.0


class BaseModel(FittedSummary):
    """Maximum-likelihood fitting, standard errors and summaries shared by all CLV models.

    Subclasses set ``param_names``, ``columns`` and implement ``_initial(table)``,
    ``_loglik(params, arrays)`` (per-row log-likelihood) and optionally ``_grad(params, arrays)``
    (per-row gradient with respect to the natural parameters, shape rows x k); a leaf that can
    compute both in one pass overrides ``_loglik_grad``; one that sums faster than row by row
    overrides ``_total`` and may add ``_total_hessian`` (exact standard errors). ``arrays`` is a
    :class:`Columns` during a fit, so a leaf can cache data-only terms with :func:`memo` and :func:`levels`.
    """

    param_names: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    # What to check when a fit fails, specific to the model (the base adds starting values and
    # the penalizer). Short imperative lines, shown as a checklist by ConvergenceError.
    _hints: tuple[str, ...] = ()
    # Parameters measured in the unit of a data column (a time or money scale): the limit on
    # runaway parameters applies to them relative to that column's mean.
    _scales: dict[str, str] = {}
    # False for a model whose predictions do not depend on the time unit (spend per purchase)
    _time_unit = True

    def __init__(self, penalizer: float = 0.0):
        self.penalizer = penalizer

    # ----------------------------------------------------------------- hyper-parameters
    # scikit-learn's estimator protocol: ``__init__`` stores the hyper-parameters, get_params and
    # set_params read and change them (so sklearn.base.clone works), fit validates them. Fitted
    # parameters are set by fit, or by hand with :meth:`from_params`.
    @classmethod
    def _hyper_parameter_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [p.name for p in signature.parameters.values()
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    def get_params(self, deep: bool = True) -> dict:
        """The hyper-parameters given to ``__init__`` (e.g. ``{'penalizer': 0.0}``)."""
        return {k: getattr(self, k) for k in self._hyper_parameter_names()}

    def set_params(self, **params):
        """Change hyper-parameters (e.g. ``penalizer``) and return ``self``; checked at ``fit``.

        Fitted parameters are not hyper-parameters: a model with given parameters comes from
        :meth:`from_params`.
        """
        name, known = type(self).__name__, self._hyper_parameter_names()
        unknown = [k for k in params if k not in known]
        if unknown:
            fitted = [k for k in unknown if k in self.param_names]
            hint = (f" {fitted} are fitted parameters, not hyper-parameters: use "
                    f"{name}.from_params({', '.join(f'{k}=...' for k in self.param_names)})."
                    if fitted else "")
            raise DataError(f"{name}.set_params: unknown hyper-parameter(s) {unknown}; "
                            f"{name} has {known}.{hint}")
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def _check_hyper_parameters(self) -> None:
        """Raise DataError for a hyper-parameter a fit cannot use (run first by ``fit``)."""
        pen = self.penalizer
        if (isinstance(pen, bool) or not isinstance(pen, numbers.Real) or not math.isfinite(pen)
                or pen < 0):
            raise DataError(f"{type(self).__name__}(penalizer={pen!r}): the penalizer must be a "
                            "finite number >= 0 (0 fits by plain maximum likelihood; a small "
                            "value such as 0.001 keeps runaway parameters finite).")

    @classmethod
    def from_params(cls, params=None, /, **values: float):
        """A model with its fitted parameters given by hand, without fitting: to predict with
        published estimates or to simulate with ``sample``.

        ``params`` is a mapping or Series of every parameter (``cls.param_names``), or give them
        as keywords. Standard errors are not known (NaN).

        >>> from crmlib.clv import BetaGeo
        >>> BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426).params_["r"]
        np.float64(0.243)
        """
        name = cls.__name__
        given = {**dict(params if params is not None else {}), **values}
        missing = [k for k in cls.param_names if k not in given]
        extra = [k for k in given if k not in cls.param_names]
        if missing or extra:
            raise DataError(f"{name}.from_params needs exactly the parameters {list(cls.param_names)}; "
                            + (f"missing {missing}" if missing else "")
                            + ("; " if missing and extra else "")
                            + (f"unknown {extra}" if extra else "") + ".")
        bad = {k: v for k, v in given.items() if not (np.isfinite(float(v)) and float(v) > 0)}
        if bad:
            raise DataError(f"{name}.from_params: parameters must be finite and positive, got {bad}.")
        model = cls()
        model.params_ = pd.Series([float(given[k]) for k in cls.param_names],
                                  index=list(cls.param_names), name="coef")
        model._se_log = np.full(len(cls.param_names), np.nan)
        model._cov_log = np.full((len(cls.param_names),) * 2, np.nan)
        model.standard_errors_ = pd.Series(model._se_log, index=list(cls.param_names), name="se")
        model.se_note_ = "standard errors unknown: parameters set by hand (from_params), not fitted"
        return model

    # ----------------------------------------------------------------- the leaf's part
    def _validate(self, data: pd.DataFrame) -> pd.DataFrame:  # pragma: no cover - overridden
        return data

    def _check_degenerate(self, data: pd.DataFrame) -> None:
        """Raise DataError when the data cannot identify the parameters (checked by fit only)."""

    def _initial(self, table: pd.DataFrame) -> np.ndarray:
        return np.ones(len(self.param_names))

    def _loglik(self, params: np.ndarray, arrays: list[np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    _grad = None  # a leaf defines a method to supply exact gradients per row ...

    def _has_gradient(self) -> bool:
        """... or overrides :meth:`_total` to give the weighted total and its gradient."""
        return self._grad is not None or type(self)._total is not BaseModel._total

    def _loglik_grad(self, params: np.ndarray, arrays: list[np.ndarray]):
        """Per-row log-likelihood and gradient (used only when the leaf defines ``_grad``)."""
        return self._loglik(params, arrays), self._grad(params, arrays)

    # A leaf may define ``_total_hessian(params, arrays, w) -> (total, gradient, hessian)`` in
    # the natural parameters; the standard errors then come from it, not from differences.
    _total_hessian = None

    def _total(self, params: np.ndarray, arrays: list[np.ndarray], w: np.ndarray):
        """Weighted total log-likelihood and its gradient (natural parameters).

        The default sums the per-row results; a leaf whose likelihood splits into data-only sums
        (gamma-gamma) overrides this to skip most of the per-row work.
        """
        ll, g_rows = self._loglik_grad(params, arrays)
        return np.einsum("i,i->", w, ll), np.einsum("i,ij->j", w, g_rows)

    # Collapse identical rows before fitting. A leaf whose rows are nearly all distinct (spend
    # amounts) sets this to False and saves the grouping.
    _compress = True

    # ----------------------------------------------------------------- fitting
    def _check_input(self, data: pd.DataFrame, points: bool = False) -> pd.DataFrame:
        """The one check of a model's input, run by ``fit`` and by every method that reads data:
        the columns are present, numeric, finite and non-negative, and the leaf's rules hold
        (``_validate``, e.g. recency <= T). Raises DataError naming the column, rows and values;
        returns what ``_validate`` returns (the rows a fit learns from).

        ``points=True`` (predictions) checks only what the formulas cannot take, so that what-if
        points such as a grid of (frequency, recency) are predicted: see ``_validate``.
        """
        check_columns(data, self.columns, type(self).__name__)
        return self._validate(data, points) if points else self._validate(data)

    def _prepare(self, data: pd.DataFrame, fitting: bool = False) -> pd.DataFrame:
        data = self._check_input(data)
        if fitting:
            self._check_degenerate(data)
        if self._compress:
            return compress(data, self.columns)
        table = pd.DataFrame({c: pd.to_numeric(data[c]).to_numpy(dtype=float) for c in self.columns})
        table[WEIGHT] = (pd.to_numeric(data[WEIGHT]).to_numpy(dtype=float) if WEIGHT in data.columns
                         else 1.0)
        table = table[table[WEIGHT].to_numpy() > 0].reset_index(drop=True)
        return table

    def _objective(self, logp: np.ndarray, arrays: list[np.ndarray], w: np.ndarray, scale: float):
        params = np.exp(logp)
        with np.errstate(all="ignore"):
            # einsum, not ``w @``: a multi-threaded BLAS dot of 1e5 rows costs more in thread
            # wake-ups than it saves (measured 5 ms against 0.1 ms on 2 cores)
            if self._has_gradient():
                total, g = self._total(params, arrays, w)
                value = -total / scale + self.penalizer * np.sum(params**2)
                grad = -g * params / scale + self.penalizer * 2 * params**2
            else:
                ll = self._loglik(params, arrays)
                value = -np.einsum("i,i->", w, ll) / scale + self.penalizer * np.sum(params**2)
                grad = self._numeric_grad(logp, arrays, w, scale)
        if not np.isfinite(value):
            return 1e300, np.zeros_like(logp)
        return value, grad

    def _value(self, logp, arrays, w, scale) -> float:
        params = np.exp(logp)
        with np.errstate(all="ignore"):
            ll = self._loglik(params, arrays)
        return -np.einsum("i,i->", w, ll) / scale + self.penalizer * np.sum(params**2)

    def _numeric_grad(self, logp, arrays, w, scale) -> np.ndarray:
        h = 1e-6
        grad = np.empty_like(logp)
        for i in range(logp.size):
            step = np.zeros_like(logp)
            step[i] = h
            grad[i] = (self._value(logp + step, arrays, w, scale)
                       - self._value(logp - step, arrays, w, scale)) / (2 * h)
        return grad

    def fit(self, data: pd.DataFrame, initial_params: dict | None = None):
        """Fit by maximum likelihood and return ``self``.

        ``data`` holds one row per customer with the columns in the class docstring; an optional
        ``weight`` column counts identical customers.
        """
        name = type(self).__name__
        self._check_hyper_parameters()
        freq = data_freq(data, name) if self._time_unit else None
        table = self._prepare(data, fitting=True)
        check_histories_differ(table, self.columns, name)
        arrays = Columns(table[c].to_numpy() for c in self.columns)
        w = table[WEIGHT].to_numpy()
        scale = float(w.sum())
        x0 = np.asarray(self._initial(table), dtype=float)
        if initial_params:
            unknown = set(initial_params) - set(self.param_names)
            if unknown:
                raise DataError(f"{name}: unknown initial_params {sorted(unknown)}; "
                                f"the parameters are {list(self.param_names)}.")
            for i, p in enumerate(self.param_names):
                if p in initial_params:
                    x0[i] = float(initial_params[p])
        if np.any(x0 <= 0):
            raise DataError(f"{name}: initial parameters must be positive, got {x0.tolist()}.")
        logp0 = np.log(x0)
        # One BLAS thread: the optimiser's small vector operations and the reductions over rows
        # lose more to waking a second thread than they gain (on 2 cores, 4x slower evaluations).
        with threadpool_limits(limits=1, user_api="blas"):
            result = optimize.minimize(self._objective, logp0, args=(arrays, w, scale), jac=True,
                                       method="L-BFGS-B", bounds=[(-25.0, 25.0)] * x0.size,
                                       options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9})
            self._finish_fit(name, result, freq, table, arrays, w, scale)
        return self

    def _convergence_hints(self) -> list[str]:
        name = type(self).__name__
        return list(self._hints) + [
            f"try other starting values: {name}().fit(data, initial_params={{...}}) with "
            f"{list(self.param_names)}",
            f"try {name}(penalizer=0.001) to keep parameters finite; the penalty is on the "
            "squared parameters, so its effect depends on the time unit and money unit of the data",
        ]

    def _fail(self, reason: str):
        return ConvergenceError(type(self).__name__, reason, self._convergence_hints())

    def _log_scale(self, table: pd.DataFrame) -> np.ndarray:
        """log of each parameter's reference scale: 0, or the log weighted mean of its column."""
        out = np.zeros(len(self.param_names))
        w = table[WEIGHT].to_numpy()
        for i, p in enumerate(self.param_names):
            if p in self._scales:
                mean = float(np.average(table[self._scales[p]].to_numpy(), weights=w))
                out[i] = math.log(mean) if mean > 0 else 0.0
        return out

    def _finish_fit(self, name, result, freq, table, arrays, w, scale) -> None:
        logp = result.x
        value = float(result.fun)  # L-BFGS-B returns the objective and gradient at result.x
        gnorm = float(np.max(np.abs(result.jac)))
        if not np.isfinite(value) or value >= 1e299:
            raise self._fail("the log-likelihood is not finite at the optimum")
        runaway = np.abs(logp - self._log_scale(table)) > LOG_PARAM_LIMIT
        if np.any(runaway):
            shown = {p: float(f"{v:.4g}") for p, v in zip(self.param_names, np.exp(logp))}
            names = [p for p, r in zip(self.param_names, runaway) if r]
            raise self._fail(f"parameters not identified: {names} "
                             f"ran off towards 0 or infinity ({shown}), so these data cannot tell "
                             "the model's parameters apart")
        if not result.success and gnorm > 1e-4:
            raise self._fail(f"{result.message} (largest gradient {gnorm:.2g})")
        self.params_ = pd.Series(np.exp(logp), index=list(self.param_names), name="coef")
        ll_rows = self._loglik(self.params_.to_numpy(), arrays)
        self.log_likelihood_ = float(np.einsum("i,i->", w, ll_rows))
        self.n_customers_ = scale
        self.n_histories_ = len(table)
        self.freq_ = freq
        self.se_note_ = None
        self._covariance(logp, arrays, w, scale)
        bad = [p for p, se in zip(self.param_names, self._se_log) if not np.isfinite(se)]
        # a 95% interval spanning more than e^20: the data do not pin these down
        flat = [p for p, se in zip(self.param_names, self._se_log) if se > MAX_SE_LOG]
        if bad:
            reason = ("the optimiser stopped where the log-likelihood is not curved like a maximum "
                      f"(Hessian not positive definite), so {bad} are not identified by these data "
                      f"(largest gradient {gnorm:.2g})")
        elif flat:
            reason = (f"{flat} are not identified by these data: their standard errors on the log "
                      f"scale exceed {MAX_SE_LOG:g}, so their 95% intervals span more than a factor "
                      f"of e^{2 * 1.96 * MAX_SE_LOG:.0f}")
        if (bad or flat) and self.penalizer > 0:
            # the penalty, not the data, holds the parameters: the estimates stand (as with
            # lifetimes' penalizer_coef) but no standard error can be read from the curvature
            self._se_log = np.full(len(self.param_names), np.nan)
            self._cov_log = np.full((len(self.param_names),) * 2, np.nan)
            self.standard_errors_ = pd.Series(self._se_log, index=list(self.param_names), name="se")
            self.se_note_ = (f"standard errors unavailable: penalised fit (penalizer={self.penalizer:g}) "
                             f"where {(bad or flat)} are held by the penalty, not the data "
                             "(Hessian not positive definite or flat); the estimates are shrunk "
                             "towards 0 and their uncertainty cannot be read from the curvature")
        elif bad or flat:
            del self.params_  # leave the model unfitted
            raise self._fail(reason)
        elif self.penalizer > 0:
            self.se_note_ = (f"penalised fit (penalizer={self.penalizer:g}): estimates shrunk towards "
                             "0; standard errors from the curvature of the penalised likelihood")

    def _hessian_log(self, logp, arrays, w, scale: float) -> np.ndarray:
        """Hessian of ``scale`` times the objective in the log-parameters."""
        k = logp.size
        if self._total_hessian is not None:
            # d2/dlog p_i dlog p_j of -total = -(p_i p_j H_ij + delta_ij p_i g_i); the penalty adds 4 c p_i^2
            params = np.exp(logp)
            with np.errstate(all="ignore"):
                _, g, h = self._total_hessian(params, arrays, w)
            return (-(params[:, None] * h * params[None, :] + np.diag(g * params))
                    + np.diag(4 * scale * self.penalizer * params**2))
        hess = np.empty((k, k))
        for i in range(k):
            h = 1e-4 * max(1.0, abs(logp[i]))
            step = np.zeros(k)
            step[i] = h
            gp = self._objective(logp + step, arrays, w, scale)[1] * scale
            gm = self._objective(logp - step, arrays, w, scale)[1] * scale
            hess[:, i] = (gp - gm) / (2 * h)
        return hess

    def _covariance(self, logp, arrays, w, scale: float = 1.0) -> None:
        """Standard errors from the Hessian of what the fit minimised (``scale`` times the
        objective: minus the log-likelihood plus the penalty per customer): the leaf's exact
        Hessian when it has one (:attr:`_total_hessian`), else central differences of the gradient."""
        hess = self._hessian_log(logp, arrays, w, scale)
        hess = (hess + hess.T) / 2
        try:
            cov_log = np.linalg.inv(hess)
            with np.errstate(invalid="ignore"):  # a negative variance: reported as not identified
                se_log = np.sqrt(np.diag(cov_log))
        except np.linalg.LinAlgError:
            cov_log = np.full((logp.size, logp.size), np.nan)
            se_log = np.full(logp.size, np.nan)
        self._cov_log = cov_log  # the full covariance of the log-parameters: parameter_draws
        if not np.all(np.isfinite(se_log)):
            se_log = np.where(np.isfinite(se_log), se_log, np.nan)
        self._se_log = se_log
        self.standard_errors_ = pd.Series(self.params_.to_numpy() * se_log,
                                          index=list(self.param_names), name="se")

    # ----------------------------------------------------------------- results
    def check_fitted(self) -> None:
        """Raise NotFittedError (saying how to fix it) unless the model has parameters."""
        if not hasattr(self, "params_"):
            raise NotFittedError(self)

    _check_fitted = check_fitted  # the former private name, kept for callers

    def _p(self) -> np.ndarray:
        self.check_fitted()
        return self.params_.to_numpy()

    def _check_freq(self, data: pd.DataFrame, freq: str | None = None) -> str | None:
        """The time unit of ``data`` (``freq`` or ``data.attrs['freq']``), checked against the
        unit the model was fitted in (``freq_``); DataError when two known units differ."""
        name = type(self).__name__
        given = data_freq(data, name)
        if freq is not None:
            _known_freq(freq, "freq", name)
            if given is not None and freq != given:
                raise DataError(f"{name}: freq={freq!r} conflicts with the data's time unit {given!r} "
                                "(data.attrs['freq']); recency and T are counted in "
                                f"{UNIT_NAMES[given]}, so give horizon and discount rate per "
                                f"{units.name(given, 1)}.")
        unit = freq or given
        fitted = getattr(self, "freq_", None) if self._time_unit else None
        if fitted is not None and unit is not None and unit != fitted:
            raise DataError(f"{name} was fitted on data counted in {UNIT_NAMES[fitted]} "
                            f"(freq={fitted!r}) but these data are counted in {UNIT_NAMES[unit]} "
                            f"(freq={unit!r}); its time-scale parameters and t or horizon would be "
                            f"read in the wrong unit. Make the summary with rfm_summary(..., "
                            f"freq={fitted!r}) or fit the model on data in {UNIT_NAMES[unit]}.")
        return unit

    def log_likelihood(self, data: pd.DataFrame) -> float:
        """Total log-likelihood of ``data`` under the fitted parameters."""
        params = self._p()
        self._check_freq(data)
        table = self._prepare(data)
        arrays = Columns(table[c].to_numpy() for c in self.columns)
        return float(np.einsum("i,i->", table[WEIGHT].to_numpy(), self._loglik(params, arrays)))

    def _series(self, values: np.ndarray, data: pd.DataFrame, name: str) -> pd.Series:
        return pd.Series(np.asarray(values, dtype=float), index=data.index, name=name)
