"""The pymc-marketing side of benchmarks/compare_pymc.py, run with the python of benchmarks/.venv-pymc/.

It imports only pandas and pymc-marketing, reads the simulated customers from a CSV file written by
``compare_pymc.py``, fits one model by ``fit(method="map")`` and prints one line of JSON on stdout:
the MAP estimates named as crmlib names them, the fit time and the versions.

    python pymc_worker.py DATA.csv MODEL PURCHASE_COLS DROPOUT_COLS

MODEL is ``bgnbd`` or ``pareto``; the column lists are comma-separated. The priors are flat
(``HalfFlat`` for the positive parameters, ``Flat`` for the coefficients) and pymc's ``find_MAP``
maximises the log-density without the Jacobian of the log transform, so the MAP estimate is the
maximum-likelihood estimate. The optimiser (scipy's L-BFGS-B, as crmlib) runs with tight tolerances.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
import pymc  # noqa: E402
import pymc_marketing  # noqa: E402
from pymc_extras.prior import Prior  # noqa: E402
from pymc_marketing.clv import BetaGeoModel, ParetoNBDModel  # noqa: E402

# crmlib's name: (pymc-marketing's variable, covariate role or None)
NAMES = {
    "bgnbd": {"r": "r", "alpha": "alpha_scale", "a": "a_scale", "b": "b_scale",
              "purchase": "purchase_coefficient_alpha", "dropout_a": "dropout_coefficient_a",
              "dropout_b": "dropout_coefficient_b"},
    "pareto": {"r": "r", "alpha": "alpha_scale", "s": "s", "beta": "beta_scale",
               "purchase": "purchase_coefficient", "dropout": "dropout_coefficient"},
}


def main(path: str, model: str, purchase: str, dropout: str) -> None:
    purchase_cols = [c for c in purchase.split(",") if c]
    dropout_cols = [c for c in dropout.split(",") if c]
    data = pd.read_csv(path)
    flat, half = Prior("Flat"), Prior("HalfFlat")
    config = {"r": half, "alpha": half, "purchase_coefficient": flat, "dropout_coefficient": flat,
              "purchase_covariate_cols": purchase_cols, "dropout_covariate_cols": dropout_cols}
    if model == "bgnbd":
        cls = BetaGeoModel
        config.update({"a": half, "b": half})  # a and b given: no phi/kappa pooling
    else:
        cls = ParetoNBDModel
        config.update({"s": half, "beta": half})
    fitter = cls(data=data, model_config=config)
    start = time.perf_counter()
    fitter.fit(method="map", progressbar=False, maxeval=50000,
               options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 20000})
    seconds = time.perf_counter() - start
    post = fitter.fit_result
    out = {}
    for name, var in NAMES[model].items():
        if name in ("purchase", "dropout", "dropout_a", "dropout_b"):
            cols = purchase_cols if name == "purchase" else dropout_cols
            if not cols:
                continue
            values = post[var].values.reshape(-1)
            out.update({f"{name}:{c}": float(v) for c, v in zip(cols, values)})
        else:
            out[name] = float(post[var].values.reshape(-1)[0])
    print(json.dumps({"params": out, "seconds": seconds, "pymc_marketing": pymc_marketing.__version__,
                      "pymc": pymc.__version__}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
