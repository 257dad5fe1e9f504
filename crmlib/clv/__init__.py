"""Customer lifetime-value models fitted by maximum likelihood, and their validation.

Non-contractual (buy till you die): :class:`BetaGeo` (BG/NBD), :class:`ParetoNBD`,
:class:`ModifiedBetaGeo` (MBG/NBD), :class:`BetaGeoBetaBinom` (BG/BB, discrete opportunities).
With time-invariant covariates: :class:`BetaGeoCovariates`,
:class:`ParetoNBDCovariates`. Spend: :class:`GammaGamma`. Contractual retention: :class:`ShiftedBetaGeo` (sBG).
One call for a value per customer: :func:`predicted_clv`. Checks on a holdout period
(:mod:`crmlib.clv.validation`) and report tables (:mod:`crmlib.clv.tables`). Fitted parameters as
numbers: :func:`readings` and :func:`parameter_table` (said in words by :mod:`crmlib.words.clv`).
"""

from crmlib.clv.beta_geo import BetaGeo
from crmlib.clv.beta_geo_covariates import BetaGeoCovariates
from crmlib.clv.covariate_effects import covariate_effects, parse_covariates
from crmlib.clv.describe import MODEL_NAMES, parameter_table, readings
from crmlib.clv.beta_geo_beta_binom import BetaGeoBetaBinom
from crmlib.clv.gamma_gamma import GammaGamma
from crmlib.clv.modified_beta_geo import ModifiedBetaGeo
from crmlib.clv.pareto_nbd import ParetoNBD
from crmlib.clv.pareto_nbd_covariates import ParetoNBDCovariates
from crmlib.clv.shifted_beta_geo import ShiftedBetaGeo
from crmlib.clv.tables import clv_by_segment, frequency_recency_grid, top_customers
from crmlib.clv.survival import alive_share
from crmlib.clv.validation import (
    calibration_holdout, compare_models, default_calibration_end, holdout_check, tracking, tracking_inputs,
)
from crmlib.clv.value import periods_and_rate, predicted_clv, spend_data

__all__ = [
    "MODEL_NAMES", "alive_share", "BetaGeo", "BetaGeoCovariates", "ParetoNBDCovariates", "BetaGeoBetaBinom", "GammaGamma", "ModifiedBetaGeo", "ParetoNBD", "ShiftedBetaGeo",
    "calibration_holdout", "clv_by_segment", "compare_models", "covariate_effects", "parse_covariates", "default_calibration_end", "readings",
    "frequency_recency_grid", "holdout_check", "parameter_table", "periods_and_rate", "predicted_clv", "spend_data",
    "top_customers", "tracking", "tracking_inputs",
]
