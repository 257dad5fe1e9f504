"""Compare crmlib's covariate BG/NBD and Pareto/NBD fits with pymc-marketing's MAP fits.

Run from the repository root with the main venv:

    .venv/bin/python benchmarks/compare_pymc.py              # 2,000 customers per model
    .venv/bin/python benchmarks/compare_pymc.py --n 5000 --seed 3

What it does:

1. builds pymc-marketing's own throwaway venv (benchmarks/make_pymc_venv.sh) if needed;
2. simulates one cohort per model with a 0/1 covariate ``web`` and a normal one ``age`` acting on
   purchase and dropout, with crmlib's simulators (known parameters, T uniform over 20-60 weeks);
3. fits crmlib's ``BetaGeoCovariates`` / ``ParetoNBDCovariates`` by maximum likelihood here and
   pymc-marketing's ``BetaGeoModel`` / ``ParetoNBDModel`` with ``fit(method="map")`` in a
   subprocess of its venv (benchmarks/pymc_worker.py), with flat priors (HalfFlat, Flat) so that
   the MAP estimate is the maximum-likelihood estimate;
4. prints both parameter sets, the standard errors of crmlib's fit, the relative difference of each
   parameter and the largest one, as a Markdown table (pasted into benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.clv import BetaGeoCovariates, ParetoNBDCovariates

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-pymc"
COLS = {"purchase_covariates": ("web", "age"), "dropout_covariates": ("web", "age")}
TRUTH = {
    "bgnbd": (BetaGeoCovariates, "BG/NBD", {
        "r": 0.4, "alpha": 5.0, "a": 0.8, "b": 3.0, "purchase:web": 0.5, "purchase:age": -0.3,
        "dropout_a:web": 0.4, "dropout_a:age": -0.2, "dropout_b:web": -0.3, "dropout_b:age": 0.2}),
    "pareto": (ParetoNBDCovariates, "Pareto/NBD", {
        "r": 0.6, "alpha": 6.0, "s": 0.7, "beta": 10.0, "purchase:web": 0.5, "purchase:age": -0.3,
        "dropout:web": -0.5, "dropout:age": 0.3}),
}


def cohort(model: str, n: int, seed: int) -> pd.DataFrame:
    cls, _, truth = TRUTH[model]
    rng = np.random.default_rng(seed)
    z = pd.DataFrame({"web": rng.integers(0, 2, n).astype(float), "age": rng.normal(0.0, 1.0, n).round(3)})
    T = rng.uniform(20, 60, n).round()
    return cls.from_params(truth, **COLS).sample(covariates=z, T=T, seed=seed + 1)


def pymc_fit(data: pd.DataFrame, model: str, folder: Path) -> dict:
    path = folder / f"{model}.csv"
    data.reset_index().to_csv(path, index=False)
    cmd = [str(VENV / "bin" / "python"), str(HERE / "pymc_worker.py"), str(path), model,
           ",".join(COLS["purchase_covariates"]), ",".join(COLS["dropout_covariates"])]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="customers per simulated cohort")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    subprocess.run(["bash", str(HERE / "make_pymc_venv.sh")], check=True, stdin=subprocess.DEVNULL)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for model, (cls, label, truth) in TRUTH.items():
            data = cohort(model, args.n, args.seed)
            start = time.perf_counter()
            ours = cls(**COLS).fit(data)
            seconds = time.perf_counter() - start
            theirs = pymc_fit(data, model, Path(tmp))
            other = pd.Series(theirs["params"]).reindex(ours.params_.index)
            rel = (ours.params_ - other).abs() / other.abs()
            worst = max(worst, float(rel.max()))
            print(f"\n### {label}, {args.n:,} customers (seed {args.seed}); crmlib fit {seconds:.2f} s, "
                  f"pymc-marketing {theirs['pymc_marketing']} (pymc {theirs['pymc']}) MAP {theirs['seconds']:.1f} s\n")
            print("| parameter | truth | crmlib MLE | crmlib s.e. | pymc-marketing MAP | relative difference |")
            print("|---|---:|---:|---:|---:|---:|")
            for name in ours.params_.index:
                print(f"| {name} | {truth[name]:g} | {ours.params_[name]:.6f} | {ours.standard_errors_[name]:.4f} "
                      f"| {other[name]:.6f} | {rel[name]:.1e} |")
            print(f"\nlargest relative difference: {rel.max():.1e} ({rel.idxmax()})")
    print(f"\nlargest relative difference over both models: {worst:.1e}; machine: {platform.machine()}, "
          f"{platform.python_implementation()} {platform.python_version()}, {sys.platform}")


if __name__ == "__main__":
    main()
