"""The effect of customer attributes on buying and dropping out, for the CLV report.

:func:`covariate_effects` refits the report's purchase model with time-invariant covariates taken
from the customers file (:class:`~crmlib.clv.BetaGeoCovariates` for BG/NBD and MBG/NBD,
:class:`~crmlib.clv.ParetoNBDCovariates` for Pareto/NBD), every covariate acting on both
purchase and dropout, and returns one row per covariate with two ratios per unit of it:

* ``purchase``: the factor on the mean purchase rate, ``exp(purchase coefficient)``;
* ``dropout``: Pareto/NBD, the factor on the mean dropout rate, ``exp(dropout coefficient)``;
  BG/NBD, the factor on the mean chance of stopping after a purchase, ``a_i / (a_i + b_i)``,
  for a customer one unit above the mean of the covariate against one at the mean (the other
  covariates at their means).

Intervals are 95%: Wald on the log scale for the exponentials, and the 2.5% and 97.5% quantiles
of 512 draws of the parameters from their asymptotic distribution for the BG/NBD ratio.
Numbers and names only; :mod:`crmlib.words.clv_covariates` says them in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.clv.beta_geo_covariates import BetaGeoCovariates
from crmlib.clv.pareto_nbd_covariates import ParetoNBDCovariates
from crmlib.exceptions import ConvergenceError, DataError

#: The covariate model refitted for each model the report can choose.
COVARIATE_MODELS = {"BetaGeo": BetaGeoCovariates, "ModifiedBetaGeo": BetaGeoCovariates,
                    "ParetoNBD": ParetoNBDCovariates}
#: Customer-file columns never used as covariates: identifiers and personal data.
NOT_COVARIATES = ("customer_id", "name", "email", "phone", "signup_date")
COLUMNS = ["covariate", "purchase", "purchase_lower", "purchase_upper", "dropout", "dropout_lower",
           "dropout_upper"]


def parse_covariates(value) -> tuple[str, ...]:
    """``"tier,age"`` or ``["tier", "age"]`` -> ``("tier", "age")``; None or "" -> ``()``."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    names = tuple(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))
    return names


def covariate_frame(table: pd.DataFrame, customers: pd.DataFrame | None, covariates,
                    source: str = "the customers file") -> pd.DataFrame:
    """The covariates of each customer of ``table`` (indexed like it), read from ``customers``.

    Raises DataError when no customers file was given, a column is missing or personal, or
    customers of ``table`` have no row in the file (counted, never listed).
    """
    names = parse_covariates(covariates)
    if customers is None:
        raise DataError(f"Covariates {list(names)} were asked for but no customers file was given: pass "
                        "--customers FILE with one row per customer_id and these columns.")
    personal = [c for c in names if c in NOT_COVARIATES]
    if personal:
        raise DataError(f"{source}: {personal} cannot be covariates (identifiers or personal data); "
                        "name numeric attributes such as a loyalty tier or an age band.")
    missing = [c for c in names if c not in customers.columns]
    if missing:
        usable = [c for c in customers.columns if c not in NOT_COVARIATES]
        raise DataError(f"{source}: covariate column(s) {missing} are not in the file; its other columns "
                        f"are {usable}. Check the spelling in -p covariates=...")
    keyed = customers.assign(_key=customers["customer_id"].astype(str)).set_index("_key")
    out = keyed.reindex(table.index.astype(str))[list(names)]
    out.index = table.index
    absent = int((~table.index.astype(str).isin(keyed.index)).sum())
    if absent:
        raise DataError(f"{source}: {absent} of the {len(table)} customers in the transactions have no row "
                        "in the customers file, so their covariates are unknown. Add them to the file "
                        "(one row per customer_id), or drop their transactions.")
    return out


def covariate_effects(table: pd.DataFrame, customers: pd.DataFrame | None, covariates,
                      source: str = "the customers file"):
    """Refit the table's model with ``covariates`` and return ``(effects, model, reason)``.

    ``effects`` has the :data:`COLUMNS` (one row per covariate) or is None; ``reason`` is None, or
    ``"no_model"`` (the report fitted no purchase model), ``"not_fitted"`` (the model with covariates
    did not converge; the fitted model is then None) or ``"purchase_only"``: the model with the
    covariates on purchase and dropout did not converge but the one with purchase covariates alone
    did, so the dropout columns are NaN (BG/NBD gives each dropout covariate two coefficients, on
    ``a`` and ``b``, which a few hundred customers rarely pin down). Bad covariate data raise DataError.
    """
    names = parse_covariates(covariates)
    chosen = table.attrs.get("model")
    if chosen not in COVARIATE_MODELS:
        return None, None, "no_model"
    data = table[table["T"] > 0]  # as crmlib.customers.fittable: customers with a history
    frame = covariate_frame(data, customers, names, source)
    rows = data[["frequency", "recency", "T"]].join(frame)
    rows.attrs = {"freq": table.attrs.get("freq")} if table.attrs.get("freq") else {}
    for dropout, reason in ((names, None), ((), "purchase_only")):
        model = COVARIATE_MODELS[chosen](purchase_covariates=names, dropout_covariates=dropout)
        try:
            model.fit(rows)
        except ConvergenceError:
            continue
        return effects_of(model, frame), model, reason
    return None, None, "not_fitted"


def effects_of(model, covariates: pd.DataFrame) -> pd.DataFrame:
    """The ratios of :func:`covariate_effects` for a fitted covariate model (see the module)."""
    params, ci = model.params_, model.confidence_intervals(0.95)
    rows = []
    for c in model.purchase_covariates:
        name = f"purchase:{c}"
        row = {"covariate": c, "purchase": np.exp(params[name]), "purchase_lower": np.exp(ci.loc[name, "lower"]),
               "purchase_upper": np.exp(ci.loc[name, "upper"])}
        rows.append(row)
    by_name = {r["covariate"]: r for r in rows}
    if isinstance(model, ParetoNBDCovariates):
        for c in model.dropout_covariates:
            name = f"dropout:{c}"
            by_name.setdefault(c, {"covariate": c}).update(
                dropout=np.exp(params[name]), dropout_lower=np.exp(ci.loc[name, "lower"]),
                dropout_upper=np.exp(ci.loc[name, "upper"]))
    else:
        for c, (ratio, lower, upper) in _beta_geo_dropout(model, covariates).items():
            by_name.setdefault(c, {"covariate": c}).update(dropout=ratio, dropout_lower=lower, dropout_upper=upper)
    return pd.DataFrame(list(by_name.values())).reindex(columns=COLUMNS)


def _beta_geo_dropout(model, covariates: pd.DataFrame) -> dict:
    """Per dropout covariate: the ratio of the mean chance of stopping after a purchase one unit
    above the covariate means against at the means, with the 95% interval from parameter draws."""
    cols = list(model.dropout_covariates)
    if not cols:
        return {}
    mean = covariates[cols].to_numpy(dtype=float).mean(axis=0)

    def ratios(p: pd.Series) -> np.ndarray:
        ga = np.array([p[f"dropout_a:{c}"] for c in cols])
        gb = np.array([p[f"dropout_b:{c}"] for c in cols])
        a0, b0 = p["a"] * np.exp(mean @ ga), p["b"] * np.exp(mean @ gb)
        a1, b1 = a0 * np.exp(ga), b0 * np.exp(gb)
        return (a1 / (a1 + b1)) / (a0 / (a0 + b0))

    point = ratios(model.params_)
    try:
        draws = model.parameter_draws(512, seed=0)
        sample = np.array([ratios(row) for _, row in draws.iterrows()])
        lower, upper = np.quantile(sample, [0.025, 0.975], axis=0)
    except DataError:  # no covariance (e.g. a penalised fit): no interval
        lower = upper = np.full(len(cols), np.nan)
    return {c: (point[j], lower[j], upper[j]) for j, c in enumerate(cols)}
