"""The lifetimes side of the CLV benchmark, run with the python of benchmarks/.venv-lifetimes/.

It imports only numpy and lifetimes 0.11.3 (with the numpy 1.26 / pandas 1.5 / scipy 1.11 that
lifetimes needs), reads the customers from an ``.npz`` file written by ``bench_clv.py`` and
prints one line of JSON on stdout. Two commands:

    fit DATA MODEL [--weighted]
        Fit MODEL (bgnbd, mbgnbd, pareto, gg) on the rows of DATA and report the fit time and the
        parameters. With --weighted, identical rows are first collapsed and passed as
        ``weights=`` (something lifetimes users can do by hand); the collapsing is timed too.
    predict DATA MODEL PARAMS_JSON [--out OUT.npz] [--horizon 39]
        Set the fitter's parameters to PARAMS_JSON (no fitting) and time its prediction
        functions on all rows of DATA; with --out, save the predictions for comparison.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")  # lifetimes on numpy 1.26 warns about pkg_resources etc.

import lifetimes  # noqa: E402
import pandas as pd  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter  # noqa: E402

FITTERS = {"bgnbd": BetaGeoFitter, "mbgnbd": ModifiedBetaGeoFitter, "pareto": ParetoNBDFitter,
           "gg": GammaGammaFitter}
PARAM_NAMES = {"bgnbd": ["r", "alpha", "a", "b"], "mbgnbd": ["r", "alpha", "a", "b"], "pareto": ["r", "alpha", "s", "beta"], "gg": ["p", "q", "v"]}


def _columns(data, model):
    if model == "gg":
        keep = data["frequency"] > 0
        return [data["frequency"][keep], data["monetary_value"][keep]]
    return [data["frequency"], data["recency"], data["T"]]


def fit(data, model, weighted):
    start = time.perf_counter()
    cols = _columns(data, model)
    weights = None
    if weighted:
        unique, counts = np.unique(np.column_stack(cols), axis=0, return_counts=True)
        cols = [unique[:, i] for i in range(unique.shape[1])]
        weights = counts
    fitter = FITTERS[model]()
    fitter.fit(*cols, weights=weights)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows": int(len(cols[0])),
        "params": {k: float(v) for k, v in fitter.params_.items()},
    }


def predict(data, model, params, horizon, out):
    fitter = FITTERS[model]()
    fitter.params_ = pd.Series({k: float(params[k]) for k in PARAM_NAMES[model]})
    cols = _columns(data, model)
    result = {}
    start = time.perf_counter()
    if model == "gg":
        outputs = {"expected_spend": np.asarray(fitter.conditional_expected_average_profit(*cols))}
    else:
        expected = fitter.conditional_expected_number_of_purchases_up_to_time(horizon, *cols)
        alive = fitter.conditional_probability_alive(*cols)
        outputs = {"expected_purchases": np.asarray(expected), "p_alive": np.asarray(alive)}
    result["seconds"] = time.perf_counter() - start
    if out:
        np.savez(out, **outputs)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_fit = sub.add_parser("fit")
    p_fit.add_argument("data")
    p_fit.add_argument("model", choices=sorted(FITTERS))
    p_fit.add_argument("--weighted", action="store_true")
    p_pred = sub.add_parser("predict")
    p_pred.add_argument("data")
    p_pred.add_argument("model", choices=sorted(FITTERS))
    p_pred.add_argument("params")
    p_pred.add_argument("--out")
    p_pred.add_argument("--horizon", type=float, default=39.0)
    args = parser.parse_args()

    with np.load(args.data) as npz:
        data = {k: npz[k] for k in npz.files}
    if args.command == "fit":
        result = fit(data, args.model, args.weighted)
    else:
        result = predict(data, args.model, json.loads(args.params), args.horizon, args.out)
    result.update({"lifetimes": lifetimes.__version__, "numpy": np.__version__, "pandas": pd.__version__})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
