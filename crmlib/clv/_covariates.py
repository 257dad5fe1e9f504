"""Time-invariant covariates for the buy-till-you-die models: the shared machinery.

Fader & Hardie's note "Incorporating time-invariant covariates into the Pareto/NBD and BG/NBD
models" (2007) and pymc-marketing's ``ParetoNBDModel`` / ``BetaGeoModel`` (``purchase_covariate_cols``,
``dropout_covariate_cols``) let a scale parameter of the population distribution depend on each
customer's covariates. In pymc-marketing's form, followed here so that estimates compare::

    BG/NBD      alpha_i = alpha exp(-x_i . purchase)    a_i = a exp(z_i . dropout_a)
                                                        b_i = b exp(z_i . dropout_b)
    Pareto/NBD  alpha_i = alpha exp(-x_i . purchase)    beta_i = beta exp(-z_i . dropout)

``x_i`` are the customer's purchase covariates, ``z_i`` the dropout covariates. The purchase rate
of a customer is Gamma(r, alpha_i), with mean ``r / alpha_i``: a purchase coefficient ``g`` means
"one unit more of the covariate, exp(g) times the purchase rate". In the Pareto/NBD a dropout
coefficient ``d`` multiplies the mean dropout rate ``s / beta_i`` by exp(d) per unit.

:class:`CovariateModel` is a mixin placed before a plain leaf (``BetaGeo``, ``ParetoNBD``). The leaf
lists its coefficient blocks (``_blocks``) and gives the per-row log-likelihood with its gradient in
the per-row natural parameters (``_row_loglik_grad``); this module fits over
``theta = (log r, log alpha, ..., coefficients)`` with L-BFGS-B, takes the standard errors from a
central-difference Hessian of the exact gradient, and predicts with each customer's own parameters.
Rows are compressed on ``(x, t_x, T, covariates)``: categorical covariates keep the fit fast.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats
from threadpoolctl import threadpool_limits

from crmlib.clv._base import LOG_PARAM_LIMIT, MAX_SE_LOG
from crmlib.clv._data import WEIGHT, _as_t, compress, data_freq
from crmlib.clv._transaction import TransactionModel
from crmlib.clv.covariate_checks import check_covariate_names, covariate_matrix
from crmlib.exceptions import ConvergenceError, DataError


class CovariateModel:
    """Fit and predict a buy-till-you-die model whose scale parameters depend on covariates.

    A leaf sets ``_base_names`` (the plain model's parameters), ``_blocks`` (one
    ``(prefix, role, target, sign)`` per coefficient vector: ``role`` is "purchase" or "dropout",
    ``target`` the index of the base parameter it scales by ``exp(sign * z . coef)``) and defines
    ``_row_loglik_grad(P, x, tx, T) -> (ll, G)`` with ``P`` the rows' natural parameters (rows x 4)
    and ``G`` the derivatives of ``ll`` in them.
    """

    _base_names: tuple[str, ...] = ()
    _blocks: tuple[tuple[str, str, int, int], ...] = ()

    def __init__(self, purchase_covariates=(), dropout_covariates=(), penalizer: float = 0.0):
        self.purchase_covariates = purchase_covariates
        self.dropout_covariates = dropout_covariates
        self.penalizer = penalizer

    # ------------------------------------------------------------------ names
    def _roles(self) -> dict[str, tuple[str, ...]]:
        return {"purchase": tuple(self.purchase_covariates), "dropout": tuple(self.dropout_covariates)}

    @property
    def covariates(self) -> tuple[str, ...]:
        """Every covariate column the model reads, purchase ones first, each once."""
        roles = self._roles()
        return tuple(dict.fromkeys(roles["purchase"] + roles["dropout"]))

    @property
    def param_names(self) -> tuple[str, ...]:
        """The plain model's parameters, then ``prefix:column`` for each coefficient."""
        roles = self._roles()
        return self._base_names + tuple(f"{prefix}:{c}" for prefix, role, _, _ in self._blocks
                                        for c in roles[role])

    def _check_hyper_parameters(self) -> None:
        TransactionModel._check_hyper_parameters(self)
        check_covariate_names(type(self).__name__, self.purchase_covariates, self.dropout_covariates)

    @classmethod
    def from_params(cls, params=None, /, purchase_covariates=(), dropout_covariates=(), **values):
        """A model with given parameters (to predict or to ``sample``), e.g.
        ``ParetoNBDCovariates.from_params({"r": .5, ..., "purchase:income": .3},
        purchase_covariates=("income",))``. Standard errors are unknown (NaN)."""
        model = cls(tuple(purchase_covariates), tuple(dropout_covariates))
        model._check_hyper_parameters()
        name, names = cls.__name__, model.param_names
        given = {**dict(params if params is not None else {}), **values}
        missing = [k for k in names if k not in given]
        extra = [k for k in given if k not in names]
        if missing or extra:
            raise DataError(f"{name}.from_params needs exactly the parameters {list(names)}; "
                            f"missing {missing}, unknown {extra}.")
        theta = np.array([float(given[k]) for k in names])
        k0 = len(cls._base_names)
        if not (np.all(np.isfinite(theta)) and np.all(theta[:k0] > 0)):
            raise DataError(f"{name}.from_params: {list(cls._base_names)} must be finite and positive "
                            f"and the coefficients finite, got {given}.")
        model.params_ = pd.Series(theta, index=list(names), name="coef")
        model._se_log = np.full(theta.size, np.nan)
        model._cov_log = np.full((theta.size, theta.size), np.nan)
        model.standard_errors_ = pd.Series(model._se_log, index=list(names), name="se")
        model.se_note_ = "standard errors unknown: parameters set by hand (from_params), not fitted"
        return model

    # ------------------------------------------------------------------ per-row parameters
    def _matrices(self, data: pd.DataFrame) -> dict[str, np.ndarray]:
        """The purchase and dropout covariate matrices of ``data`` (checked: DataError)."""
        name = type(self).__name__
        roles = self._roles()
        return {role: covariate_matrix(data, cols, role, name) for role, cols in roles.items()}

    def _split(self, theta_natural: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        roles, k = self._roles(), len(self._base_names)
        base, coefs = theta_natural[:k], []
        for _, role, _, _ in self._blocks:
            n = len(roles[role])
            coefs.append(theta_natural[k:k + n])
            k += n
        return base, coefs

    def _row_params(self, theta_natural: np.ndarray, mats: dict[str, np.ndarray]) -> np.ndarray:
        """Each row's natural parameters (rows x 4): the base scaled by its covariates."""
        base, coefs = self._split(theta_natural)
        n = next(iter(mats.values())).shape[0]
        P = np.tile(base, (n, 1))
        for (_, role, target, sign), coef in zip(self._blocks, coefs):
            if coef.size:
                P[:, target] *= np.exp(sign * (mats[role] @ coef))
        return P

    def _customer_params(self, data: pd.DataFrame) -> np.ndarray:
        self.check_fitted()
        return self._row_params(self.params_.to_numpy(), self._matrices(data))

    # ------------------------------------------------------------------ likelihood
    def _theta_total(self, theta, arrays, mats, w):
        """Weighted log-likelihood and its gradient in theta (log base parameters, coefficients)."""
        k0 = len(self._base_names)
        natural = np.concatenate([np.exp(theta[:k0]), theta[k0:]])
        P = self._row_params(natural, mats)
        with np.errstate(all="ignore"):
            ll, G = self._row_loglik_grad(P, *arrays)
        wGP = (w[:, None] * G) * P  # d total / d log(row parameter), per row
        grad = [wGP.sum(axis=0)]
        for _, role, target, sign in self._blocks:
            grad.append(sign * (wGP[:, target] @ mats[role]))
        return float(np.einsum("i,i->", w, ll)), np.concatenate(grad)

    def _theta_objective(self, theta, arrays, mats, w, scale):
        total, g = self._theta_total(theta, arrays, mats, w)
        k0 = len(self._base_names)
        natural = np.concatenate([np.exp(theta[:k0]), theta[k0:]])
        dpen = 2 * natural * np.concatenate([natural[:k0], np.ones(natural.size - k0)])
        value = -total / scale + self.penalizer * np.sum(natural**2)
        if not np.isfinite(value) or not np.all(np.isfinite(g)):
            return 1e300, np.zeros_like(theta)
        return value, -g / scale + self.penalizer * dpen

    def _table(self, data: pd.DataFrame, fitting: bool = False):
        """Checked data compressed on (x, t_x, T, covariates): arrays, matrices, weights."""
        data = self._check_input(data)
        if fitting:
            self._check_degenerate(data)
        mats = self._matrices(data)
        cov = self.covariates
        frame = data[list(self.columns) + ([WEIGHT] if WEIGHT in data.columns else [])].copy()
        for j, c in enumerate(cov):
            role = "purchase" if c in self._roles()["purchase"] else "dropout"
            frame[f"_cov{j}"] = mats[role][:, self._roles()[role].index(c)]
        table = compress(frame, tuple(self.columns) + tuple(f"_cov{j}" for j in range(len(cov))))
        arrays = [table[c].to_numpy() for c in self.columns]
        mats_t = {role: np.column_stack([table[f"_cov{cov.index(c)}"].to_numpy() for c in cols])
                  if cols else np.zeros((len(table), 0)) for role, cols in self._roles().items()}
        return table, arrays, mats_t, table[WEIGHT].to_numpy()

    def log_likelihood(self, data: pd.DataFrame) -> float:
        """Total log-likelihood of ``data`` (with its covariate columns) under the parameters."""
        self.check_fitted()
        self._check_freq(data)
        _, arrays, mats, w = self._table(data)
        k0 = len(self._base_names)
        theta = self.params_.to_numpy().copy()
        theta[:k0] = np.log(theta[:k0])
        return self._theta_total(theta, arrays, mats, w)[0]

    # ------------------------------------------------------------------ fitting
    def fit(self, data: pd.DataFrame, initial_params: dict | None = None):
        """Fit by maximum likelihood and return ``self``. ``data`` holds ``frequency, recency, T``,
        the covariate columns and an optional ``weight``; ``initial_params`` maps any of
        :attr:`param_names` to a starting value (default: the plain model's fit, coefficients 0)."""
        name = type(self).__name__
        self._check_hyper_parameters()
        freq = data_freq(data, name)
        table, arrays, mats, w = self._table(data, fitting=True)
        for role, cols in self._roles().items():
            spread = mats[role].std(axis=0) if len(table) else np.zeros(len(cols))
            flat = [c for c, sd in zip(cols, spread) if not sd > 0]
            if flat:
                raise DataError(f"{name}: covariate column(s) {flat} ({role}_covariates) take one value "
                                "for every customer, so their effect cannot be told apart from the "
                                "base parameters. Leave them out or use data where they vary.")
        plain = self._plain_start(data, table)
        x0 = np.concatenate([np.log(plain), np.zeros(len(self.param_names) - len(plain))])
        for k, v in (initial_params or {}).items():
            if k not in self.param_names:
                raise DataError(f"{name}: unknown initial_params {k!r}; the parameters are "
                                f"{list(self.param_names)}.")
            i = self.param_names.index(k)
            x0[i] = math.log(v) if i < len(plain) else float(v)
        scale = float(w.sum())
        args = (arrays, mats, w, scale)
        with threadpool_limits(limits=1, user_api="blas"):
            result = optimize.minimize(self._theta_objective, x0, args=args, jac=True, method="L-BFGS-B",
                                       options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10})
            self._finish(name, result, freq, table, arrays, mats, w, scale)
        return self

    def _plain_start(self, data, table) -> np.ndarray:
        """Starting base parameters: the plain model fitted without covariates, when it fits."""
        plain_class = next(c for c in type(self).__mro__[1:]
                           if issubclass(c, TransactionModel) and not issubclass(c, CovariateModel))
        try:
            return plain_class().fit(data[list(self.columns)]).params_.to_numpy()
        except (ConvergenceError, DataError):
            return np.asarray(plain_class._initial(self, table), dtype=float)

    def _finish(self, name, result, freq, table, arrays, mats, w, scale) -> None:
        theta, k0 = result.x, len(self._base_names)
        gnorm = float(np.max(np.abs(result.jac)))
        if not np.isfinite(result.fun) or result.fun >= 1e299:
            raise self._fail("the log-likelihood is not finite at the optimum")
        spread = np.concatenate([mats[role].std(axis=0) for _, role, _, _ in self._blocks])
        runaway = np.concatenate([np.abs(theta[:k0] - self._log_scale(table)[:k0]), np.abs(theta[k0:]) * spread])
        if np.any(runaway > LOG_PARAM_LIMIT):
            names = [p for p, v in zip(self.param_names, runaway) if v > LOG_PARAM_LIMIT]
            raise self._fail(f"parameters not identified: {names} ran off towards 0 or infinity, so "
                             "these data cannot tell the model's parameters apart")
        if not result.success and gnorm > 1e-4:
            raise self._fail(f"{result.message} (largest gradient {gnorm:.2g})")
        natural = np.concatenate([np.exp(theta[:k0]), theta[k0:]])
        self.params_ = pd.Series(natural, index=list(self.param_names), name="coef")
        self.log_likelihood_ = self._theta_total(theta, arrays, mats, w)[0]
        self.n_customers_, self.n_histories_, self.freq_, self.se_note_ = scale, len(table), freq, None
        hess = np.empty((theta.size, theta.size))
        for i in range(theta.size):
            step = np.zeros(theta.size)
            step[i] = h = 1e-5 * max(1.0, abs(theta[i]))
            hess[:, i] = (self._theta_objective(theta + step, arrays, mats, w, scale)[1]
                          - self._theta_objective(theta - step, arrays, mats, w, scale)[1]) * scale / (2 * h)
        try:
            cov = np.linalg.inv((hess + hess.T) / 2)
            with np.errstate(invalid="ignore"):
                se = np.sqrt(np.diag(cov))
        except np.linalg.LinAlgError:
            cov, se = np.full(hess.shape, np.nan), np.full(theta.size, np.nan)
        bad = [p for p, v in zip(self.param_names, se) if not (np.isfinite(v) and v <= MAX_SE_LOG)]
        if bad and self.penalizer == 0:
            del self.params_
            raise self._fail(f"{bad} are not identified by these data (Hessian not positive definite "
                             f"or standard errors above {MAX_SE_LOG:g} on the log scale); check for "
                             "covariates that repeat one another (collinear columns)")
        if bad:
            cov, se = np.full(hess.shape, np.nan), np.full(theta.size, np.nan)
            self.se_note_ = (f"standard errors unavailable: penalised fit (penalizer={self.penalizer:g}) "
                             f"where {bad} are held by the penalty, not the data")
        self._cov_log, self._se_log = cov, se
        self.standard_errors_ = pd.Series(np.concatenate([natural[:k0] * se[:k0], se[k0:]]),
                                          index=list(self.param_names), name="se")

    # ------------------------------------------------------------------ results
    def confidence_intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Wald intervals: on the log scale for the base parameters, plain for the coefficients."""
        self.check_fitted()
        if not 0 < level < 1:
            raise DataError(f"level must be between 0 and 1, got {level}.")
        z, k0 = stats.norm.ppf(0.5 + level / 2), len(self._base_names)
        coef, se = self.params_.to_numpy(), self._se_log
        lower = np.concatenate([coef[:k0] * np.exp(-z * se[:k0]), coef[k0:] - z * se[k0:]])
        upper = np.concatenate([coef[:k0] * np.exp(z * se[:k0]), coef[k0:] + z * se[k0:]])
        return pd.DataFrame({"lower": lower, "upper": upper}, index=self.params_.index)

    def parameter_draws(self, n: int = 128, seed: int | None = 0) -> pd.DataFrame:
        """``n`` draws from the asymptotic distribution: normal in (log base parameters, coefficients)."""
        self.check_fitted()
        if not np.all(np.isfinite(self._cov_log)):
            raise DataError(f"{type(self).__name__}.parameter_draws needs the covariance of a fit with "
                            f"standard errors; here {self.se_note_}.")
        k0, theta = len(self._base_names), self.params_.to_numpy().copy()
        theta[:k0] = np.log(theta[:k0])
        cov = (self._cov_log + self._cov_log.T) / 2
        draws = stats.qmc.MultivariateNormalQMC(theta, cov=cov, seed=seed).random(int(n))
        draws[:, :k0] = np.exp(draws[:, :k0])
        return pd.DataFrame(draws, columns=list(self.param_names))

    def covariate_effects(self) -> pd.DataFrame:
        """One row per coefficient: ``role`` ("purchase" or "dropout_a" ...), ``covariate``,
        ``coef``, ``se`` and the multiplier ``exp(coef)`` with its 95% interval (``ratio``,
        ``ratio_lower``, ``ratio_upper``): the factor on the purchase rate (purchase), on the
        dropout rate (Pareto/NBD dropout) or on ``a`` / ``b`` (BG/NBD) per unit of the covariate."""
        self.check_fitted()
        k0 = len(self._base_names)
        ci = self.confidence_intervals(0.95).iloc[k0:]
        names = self.params_.index[k0:]
        return pd.DataFrame({
            "role": [n.split(":", 1)[0] for n in names], "covariate": [n.split(":", 1)[1] for n in names],
            "coef": self.params_.iloc[k0:].to_numpy(), "se": self.standard_errors_.iloc[k0:].to_numpy(),
            "ratio": np.exp(self.params_.iloc[k0:].to_numpy()),
            "ratio_lower": np.exp(ci["lower"].to_numpy()), "ratio_upper": np.exp(ci["upper"].to_numpy()),
        }, index=pd.RangeIndex(len(names)))

    # ------------------------------------------------------------------ predictions
    def _expected(self, params, t, data: pd.DataFrame) -> np.ndarray:
        P = self._customer_params(data)
        x, tx, T = (pd.to_numeric(data[c]).to_numpy(dtype=float) for c in self.columns)
        with np.errstate(all="ignore"):
            return self._rows_conditional(P, x, tx, T, _as_t(t, data, type(self).__name__))

    def probability_alive(self, data: pd.DataFrame) -> pd.Series:
        """Probability that each customer is still active at ``T``, with their own parameters."""
        self.check_fitted()
        self._check_input(data, points=True)
        self._check_freq(data)
        P = self._customer_params(data)
        x, tx, T = (pd.to_numeric(data[c]).to_numpy(dtype=float) for c in self.columns)
        with np.errstate(all="ignore"):
            return self._series(self._rows_p_alive(P, x, tx, T), data, "probability_alive")

    def _groups(self, P: np.ndarray, cols):
        """Rows sharing the parameters in ``cols``: (one row of values per group, group of each row)."""
        values, codes = np.unique(P[:, list(cols)], axis=0, return_inverse=True)
        return values, codes.ravel()

    def _rows_p_alive(self, P, x, tx, T):
        """P(alive) per row, evaluated once per distinct parameter row with the plain formula."""
        values, codes = self._groups(P, range(P.shape[1]))
        out = np.empty(x.size)
        for g, params in enumerate(values):
            rows = codes == g
            out[rows] = self._p_alive(params, x[rows], tx[rows], T[rows])
        return out

    def _rows_conditional(self, P, x, tx, T, t):
        values, codes = self._groups(P, range(P.shape[1]))
        out = np.empty(x.size)
        for g, params in enumerate(values):
            rows = codes == g
            out[rows] = self._conditional(params, x[rows], tx[rows], T[rows], t[rows])
        return out

    def _population_only(self, what: str):
        name = type(self).__name__
        raise DataError(f"{name}.{what} describes one population, but with covariates every customer "
                        "has their own parameters. Use expected_purchases(t, data) on rows with "
                        "frequency = recency = T = 0 and the covariates of the new customers.")

    def expected_purchases_new_customer(self, t):
        self._population_only("expected_purchases_new_customer")

    def probability_of_n_purchases(self, t, n):
        self._population_only("probability_of_n_purchases")

    def sample(self, n: int | None = None, seed: int | None = 0, T=None,
               covariates: pd.DataFrame | None = None) -> pd.DataFrame:
        """Simulate one customer per row of ``covariates`` (a frame with the covariate columns),
        observed for ``T`` time units (default 52); returns ``frequency, recency, T`` and the covariates."""
        name = type(self).__name__
        self.check_fitted()
        if not isinstance(covariates, pd.DataFrame):
            raise DataError(f"{name}.sample needs covariates=DataFrame with the columns "
                            f"{list(self.covariates)}, one row per simulated customer.")
        if n is not None and n != len(covariates):
            raise DataError(f"{name}.sample: n={n} but covariates has {len(covariates)} rows; give one.")
        P = self._customer_params(covariates)
        rng = np.random.default_rng(seed)
        T = np.broadcast_to(np.asarray(52.0 if T is None else T, dtype=float), (len(covariates),)).copy()
        x, tx = self._simulate(tuple(P.T), rng, T)
        out = pd.DataFrame({"frequency": x.astype(float), "recency": tx, "T": T},
                           index=pd.RangeIndex(len(covariates), name="customer_id"))
        for c in self.covariates:
            out[c] = covariates[c].to_numpy()
        return out
