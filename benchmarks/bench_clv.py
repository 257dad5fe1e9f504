"""Time crmlib's CLV models against lifetimes 0.11.3 and check that their predictions agree.

Run from the repository root with the main venv:

    .venv/bin/python benchmarks/bench_clv.py                  # 10k, 100k and 1M customers
    .venv/bin/python benchmarks/bench_clv.py --quick          # 10k only, for a smoke test
    .venv/bin/python benchmarks/bench_clv.py --sizes 10000 100000 --timeout 600

What it does, in one run:

1. builds lifetimes' own throwaway venv (benchmarks/make_lifetimes_venv.sh) if needed;
2. on CDNOW (data/cdnow), fits BG/NBD, Pareto/NBD and gamma-gamma with both libraries, reports
   the parameter differences of the two optimisers, and compares the predictions of both
   libraries at the SAME parameters (crmlib's, fed into lifetimes' prediction functions);
3. for each size, simulates BG/NBD customers once (fixed seed, cached in benchmarks/.cache/),
   times crmlib's fits and predictions here and lifetimes' in a subprocess of its venv (one
   subprocess per model, stopped at ``--timeout``; a stopped run is reported as ">= timeout");
4. writes the tables between the results markers of benchmarks/README.md and the raw numbers to
   benchmarks/.cache/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402

import crmlib  # noqa: E402
from crmlib.clv import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD  # noqa: E402
from crmlib.clv._data import WEIGHT, Columns  # noqa: E402
from crmlib.config import CDNOW_DIR  # noqa: E402

LIFETIMES_VENV = HERE / ".venv-lifetimes"
CACHE = HERE / ".cache"
README = HERE / "README.md"
WORKER = HERE / "lifetimes_worker.py"
HORIZON = 39.0  # weeks: the CDNOW holdout length used by Fader, Hardie and Lee (2005)

MODELS = {  # key: (crmlib class, label, columns)
    "bgnbd": (BetaGeo, "BG/NBD"),
    "mbgnbd": (ModifiedBetaGeo, "MBG/NBD"),
    "pareto": (ParetoNBD, "Pareto/NBD"),
    "gg": (GammaGamma, "Gamma-Gamma"),
}


# ---------------------------------------------------------------- crmlib side
def _frame(data: dict[str, np.ndarray], model: str) -> pd.DataFrame:
    df = pd.DataFrame({k: data[k] for k in ("frequency", "recency", "T", "monetary_value") if k in data})
    df.index = pd.RangeIndex(len(df), name="customer_id")
    if model == "gg":
        return df.loc[df["frequency"] > 0, ["frequency", "monetary_value"]]
    return df[["frequency", "recency", "T"]]


def crmlib_predict(fitted, model: str, df: pd.DataFrame) -> dict[str, np.ndarray]:
    if model == "gg":
        return {"expected_spend": np.asarray(fitted.expected_spend(df), dtype=float)}
    return {
        "expected_purchases": np.asarray(fitted.expected_purchases(HORIZON, df), dtype=float),
        "p_alive": np.asarray(fitted.probability_alive(df), dtype=float),
    }


def time_crmlib(data, model: str, repeat: int) -> dict:
    df = _frame(data, model)
    fits, preds = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        fitted = MODELS[model][0]().fit(df)
        fits.append(time.perf_counter() - start)
        start = time.perf_counter()
        crmlib_predict(fitted, model, df)
        preds.append(time.perf_counter() - start)
    return {
        "fit_s": statistics.median(fits),
        "predict_s": statistics.median(preds),
        "params": {k: float(v) for k, v in fitted.params_.items()},
        "rows": len(df),
        "_fitted": fitted,
    }


def floor_crmlib(data, model: str) -> dict:
    """The floor of a fit: one plain vectorised evaluation of the per-history log-likelihood
    (numpy over the distinct histories, at the fitted parameters) times the number of
    evaluations the fit makes (objective calls of the optimiser and of the Hessian), beside the
    time of the checks and compression that come before any evaluation. Not timed with the fit."""
    df = _frame(data, model)
    cls = MODELS[model][0]
    calls = {"n": 0}

    class Counting(cls):
        def _objective(self, *args):
            calls["n"] += 1
            return super()._objective(*args)

        def _hessian_log(self, *args):
            if self._total_hessian is not None:
                calls["n"] += 1  # one pass of the exact Hessian
            return super()._hessian_log(*args)

    fitted = Counting().fit(df)
    params = fitted.params_.to_numpy()
    prepare = []
    for _ in range(3):
        start = time.perf_counter()
        table = cls()._prepare(df, fitting=True)
        prepare.append(time.perf_counter() - start)
    arrays = Columns(table[c].to_numpy() for c in cls.columns)
    w = table[WEIGHT].to_numpy()
    fitted._loglik(params, arrays)  # data-only terms cached, as during a fit
    evals = []
    for _ in range(7):
        start = time.perf_counter()
        np.einsum("i,i->", w, fitted._loglik(params, arrays))
        evals.append(time.perf_counter() - start)
    one = min(evals)
    return {"evaluations": calls["n"], "eval_s": one, "floor_s": one * calls["n"],
            "prepare_s": min(prepare), "histories": len(table)}


def warm_up() -> None:
    """One tiny fit of each model so that imports and first-call costs are not timed."""
    data = harness.simulate_bgnbd(500, seed=99)
    for model in MODELS:
        fitted = MODELS[model][0]().fit(_frame(data, model))
        crmlib_predict(fitted, model, _frame(data, model))


# ---------------------------------------------------------------- lifetimes side
def lifetimes_python() -> Path:
    python = LIFETIMES_VENV / "bin" / "python"
    if not python.exists():
        print("building the lifetimes venv (benchmarks/make_lifetimes_venv.sh) ...", flush=True)
        subprocess.run([str(HERE / "make_lifetimes_venv.sh")], check=True)
    return python


def run_worker(args: list[str], timeout: float) -> dict:
    """Run the lifetimes worker; {'timed_out': True} if it had to be stopped at ``timeout``."""
    cmd = [str(lifetimes_python()), str(WORKER), *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timed_out": True}
    if done.returncode != 0:
        raise RuntimeError(f"lifetimes worker failed ({' '.join(args[:3])}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_lifetimes(path: Path, model: str, repeat: int, timeout: float, weighted: bool) -> dict:
    runs = []
    for _ in range(repeat):
        out = run_worker(["fit", str(path), model, *(["--weighted"] if weighted else [])], timeout)
        if out.get("timed_out"):
            return {"timed_out": True, "timeout": timeout}
        runs.append(out)
    return {"fit_s": statistics.median(r["seconds"] for r in runs), "params": runs[-1]["params"],
            "rows": runs[-1]["rows"], "versions": {k: runs[-1][k] for k in ("lifetimes", "numpy", "pandas")}}


def lifetimes_predict(path: Path, model: str, params: dict, timeout: float, out: Path | None = None) -> dict:
    args = ["predict", str(path), model, json.dumps(params), "--horizon", str(HORIZON)]
    if out is not None:
        args += ["--out", str(out)]
    return run_worker(args, timeout)


# ---------------------------------------------------------------- comparisons
def max_relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / |b| over the customers, with |b| floored at 1e-300 (b is the reference)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def cdnow_data() -> dict[str, np.ndarray]:
    summary = pd.read_csv(CDNOW_DIR / "cdnow_customers_summary_with_transactions.csv")
    return {
        "frequency": summary["x"].to_numpy(np.int64),
        "recency": summary["t_x"].to_numpy(float),
        "T": summary["T"].to_numpy(float),
        "monetary_value": summary["zbar"].to_numpy(float),
    }


def agreement_on_cdnow(timeout: float, models: list[str]) -> list[dict]:
    data = cdnow_data()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cdnow.npz"
        np.savez(path, **data)
        for model in models:
            df = _frame(data, model)
            fitted = MODELS[model][0]().fit(df)
            ours = crmlib_predict(fitted, model, df)
            params = {k: float(v) for k, v in fitted.params_.items()}
            theirs_fit = run_worker(["fit", str(path), model], timeout)
            out = Path(tmp) / f"pred_{model}.npz"
            lifetimes_predict(path, model, params, timeout, out)
            with np.load(out) as theirs:
                pred_diff = {k: max_relative_difference(ours[k], theirs[k]) for k in ours}
            param_diff = {k: abs(params[k] - theirs_fit["params"][k]) / abs(theirs_fit["params"][k]) for k in params}
            rows.append({"model": model, "crmlib_params": params, "lifetimes_params": theirs_fit["params"],
                         "param_rel_diff": param_diff, "prediction_rel_diff": pred_diff})
    return rows


# ---------------------------------------------------------------- one size
def bench_size(n: int, seed: int, timeout: float, weighted: bool, models: list[str],
               lifetimes: bool = True) -> dict:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"sim_{n}_seed{seed}.npz"
    if not path.exists():
        np.savez(path, **harness.simulate_bgnbd(n, seed=seed))
    with np.load(path) as npz:
        data = {k: npz[k] for k in npz.files}
    repeat = 3 if n <= 100_000 else 1
    result = {"n": n, "seed": seed, "repeat": repeat, "date": harness.machine_info()["date"],
              "load_before": os.getloadavg()[0],
              "distinct_rows": harness.distinct_rows(data["frequency"], data["recency"], data["T"]),
              "models": {}}
    for model in models:
        print(f"  {n:>9,} {MODELS[model][1]:<11} crmlib ...", end="", flush=True)
        ours = time_crmlib(data, model, repeat)
        print(f" fit {ours['fit_s']:.3f} s", end="", flush=True)
        if not lifetimes:
            ours.pop("_fitted", None)
            print(f"; predict {ours['predict_s']:.3f} s", flush=True)
            result["models"][model] = {"crmlib": ours}
            continue
        print("; lifetimes ...", end="", flush=True)
        theirs = time_lifetimes(path, model, repeat, timeout, weighted=False)
        print(" " + harness.format_seconds(theirs.get("fit_s"), theirs.get("timed_out", False), timeout),
              end="", flush=True)
        entry = {"crmlib": ours, "lifetimes": theirs}
        if weighted and not theirs.get("timed_out"):
            entry["lifetimes_weighted"] = time_lifetimes(path, model, repeat, timeout, weighted=True)
            print(" (weighted " + harness.format_seconds(entry["lifetimes_weighted"].get("fit_s"),
                  entry["lifetimes_weighted"].get("timed_out", False), timeout) + ")", end="", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "pred.npz"
            pred = lifetimes_predict(path, model, ours["params"], timeout, out)
            if not pred.get("timed_out"):
                mine = crmlib_predict(ours.pop("_fitted"), model, _frame(data, model))
                with np.load(out) as theirs_pred:
                    entry["prediction_rel_diff"] = {k: max_relative_difference(mine[k], theirs_pred[k]) for k in mine}
        ours.pop("_fitted", None)
        entry["lifetimes_predict"] = pred
        print(f"; predict crmlib {ours['predict_s']:.3f} s, lifetimes "
              + harness.format_seconds(pred.get("seconds"), pred.get("timed_out", False), timeout), flush=True)
        result["models"][model] = entry
    result["load_after"] = os.getloadavg()[0]
    for model in models:
        if model != "gg":
            result["models"][model]["floor"] = floor_crmlib(data, model)
    return result


# ---------------------------------------------------------------- README
def render_floor(results: dict) -> str:
    """Where crmlib's fit time goes: checks and compression, then evaluations against the floor."""
    header = ["customers", "model", "distinct histories", "checks + compression", "evaluations",
              "one evaluation", "floor (evaluations x one)", "fit", "fit / (checks + floor)"]
    rows = []
    for key in sorted(results["sizes"], key=int):
        size = results["sizes"][key]
        for model, entry in size["models"].items():
            floor = entry.get("floor")
            if not floor:
                continue
            fit = entry["crmlib"]["fit_s"]
            rows.append([f"{size['n']:,}", MODELS[model][1], f"{floor['histories']:,}",
                         harness.format_seconds(floor["prepare_s"]), str(floor["evaluations"]),
                         f"{floor['eval_s'] * 1e3:.2f} ms", harness.format_seconds(floor["floor_s"]),
                         harness.format_seconds(fit), f"{fit / (floor['prepare_s'] + floor['floor_s']):.2f}"])
    return harness.markdown_table(header, rows)


def render(results: dict) -> str:
    machine, versions = results["machine"], results["versions"]
    lines = [
        f"Measured on {machine['date']} on {machine['cores']} cores ({machine['cpu']}), "
        f"{machine['memory']} memory, {machine['os']}.",
        "",
        f"- crmlib {versions['crmlib']}: numpy {versions['numpy']}, pandas {versions['pandas']}, "
        f"scipy {versions['scipy']}, Python {versions['python']}",
        f"- lifetimes {versions.get('lifetimes', '?')}: numpy {versions.get('lifetimes_numpy', '?')}, "
        f"pandas {versions.get('lifetimes_pandas', '?')}, scipy 1.11 (benchmarks/.venv-lifetimes)",
        f"- timeout per lifetimes run: {results['timeout']:.0f} s",
    ]
    loads = [size[k] for size in results["sizes"].values() for k in ("load_before", "load_after") if k in size]
    if loads:
        lines.append(f"- 1-minute load average during the runs: {min(loads):.1f} to {max(loads):.1f} "
                     f"(on {machine['cores']} cores; above {machine['cores']} means other jobs shared the CPU "
                     "and both libraries' times are inflated)")
    lines += [
        "",
        "### Fit time (one row per customer for both libraries)",
        "",
    ]
    header = ["customers", "distinct rows", "model", "crmlib", "lifetimes", "lifetimes / crmlib",
              "lifetimes, weights by hand", "ratio (weighted)"]
    rows = []
    for key in sorted(results["sizes"], key=int):
        size = results["sizes"][key]
        for model, entry in size["models"].items():
            ours, theirs = entry["crmlib"], entry["lifetimes"]
            w = entry.get("lifetimes_weighted", {})
            rows.append([
                f"{size['n']:,}", f"{size['distinct_rows']:,}" if model != "gg" else "-", MODELS[model][1],
                harness.format_seconds(ours["fit_s"]),
                harness.format_seconds(theirs.get("fit_s"), theirs.get("timed_out", False), results["timeout"]),
                harness.format_ratio(theirs.get("fit_s"), ours["fit_s"], theirs.get("timed_out", False),
                                     results["timeout"]),
                harness.format_seconds(w.get("fit_s"), w.get("timed_out", False), results["timeout"]),
                harness.format_ratio(w.get("fit_s"), ours["fit_s"], w.get("timed_out", False), results["timeout"]),
            ])
    lines += [harness.markdown_table(header, rows), "",
              f"### Prediction time (expected purchases in {HORIZON:.0f} weeks + P(alive); "
              "expected spend for gamma-gamma), at the same parameters", ""]
    header = ["customers", "model", "crmlib", "lifetimes", "lifetimes / crmlib", "max relative difference"]
    rows = []
    for key in sorted(results["sizes"], key=int):
        size = results["sizes"][key]
        for model, entry in size["models"].items():
            pred = entry["lifetimes_predict"]
            diff = entry.get("prediction_rel_diff", {})
            rows.append([
                f"{size['n']:,}", MODELS[model][1], harness.format_seconds(entry["crmlib"]["predict_s"]),
                harness.format_seconds(pred.get("seconds"), pred.get("timed_out", False), results["timeout"]),
                harness.format_ratio(pred.get("seconds"), entry["crmlib"]["predict_s"],
                                     pred.get("timed_out", False), results["timeout"]),
                ", ".join(f"{k} {v:.1e}" for k, v in diff.items()) or "-",
            ])
    lines += [harness.markdown_table(header, rows), ""]
    floor = render_floor(results)
    if floor.count("\n") > 1:
        lines += ["### The floor of a fit", "",
                  "One plain numpy evaluation of the log-likelihood over the distinct histories (at "
                  "the fitted parameters) times the number of evaluations the fit makes (optimiser "
                  "and Hessian; one exact-Hessian pass counts as one), beside the checks and "
                  "compression of the customers' rows that every fit does once.", "", floor, ""]
    if results.get("cdnow"):
        lines += ["### Agreement on CDNOW (2,357 customers, weeks)", "",
                  "Predictions: both libraries evaluated at crmlib's fitted parameters. "
                  "Parameters: each library's own maximum-likelihood fit.", ""]
        header = ["model", "crmlib params", "lifetimes params", "max relative param difference",
                  "max relative prediction difference"]
        rows = []
        for row in results["cdnow"]:
            rows.append([
                MODELS[row["model"]][1],
                ", ".join(f"{k} {v:.4f}" for k, v in row["crmlib_params"].items()),
                ", ".join(f"{k} {v:.4f}" for k, v in row["lifetimes_params"].items()),
                f"{max(row['param_rel_diff'].values()):.1e}",
                ", ".join(f"{k} {v:.1e}" for k, v in row["prediction_rel_diff"].items()),
            ])
        lines += [harness.markdown_table(header, rows)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="10,000 customers only")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per lifetimes run (default 1200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-weighted", action="store_true", help="skip the lifetimes runs with weights by hand")
    parser.add_argument("--no-cdnow", action="store_true", help="skip the agreement check on CDNOW")
    parser.add_argument("--no-lifetimes", action="store_true",
                        help="time crmlib only (with the floor of each fit); print, write nothing")
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=list(MODELS),
                        help="models to time (default: all)")
    parser.add_argument("--no-write", action="store_true", help="print the tables, leave README.md alone")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite README.md from benchmarks/.cache/results.json without running anything")
    args = parser.parse_args(argv)
    if args.render_only:
        table = render(json.loads((CACHE / "results.json").read_text()))
        README.write_text(harness.replace_results(README.read_text(), table))
        print(table)
        return 0
    sizes = [10_000] if args.quick else args.sizes

    if args.no_lifetimes:
        warm_up()
        for n in sizes:
            size = bench_size(n, args.seed, args.timeout, False, args.models, lifetimes=False)
            print(render_floor({"sizes": {str(n): size}}))
        return 0
    lifetimes_python()
    warm_up()
    CACHE.mkdir(exist_ok=True)
    store = CACHE / "results.json"
    results = json.loads(store.read_text()) if store.exists() else {"sizes": {}}
    # Rows from an earlier run are kept only if they used the same timeout; each row records its date.
    if results.get("timeout") != args.timeout:
        results["sizes"] = {}
    results.update({
        "timeout": args.timeout,
        "machine": harness.machine_info(),
        "versions": {"crmlib": crmlib.__version__, "numpy": np.__version__, "pandas": pd.__version__,
                     "scipy": scipy.__version__, "python": sys.version.split()[0]},
    })
    if not args.no_cdnow:
        print("CDNOW agreement ...", flush=True)
        results["cdnow"] = agreement_on_cdnow(args.timeout, args.models)
        for row in results["cdnow"]:
            print(f"  {MODELS[row['model']][1]:<11} params {max(row['param_rel_diff'].values()):.1e}, "
                  f"predictions {row['prediction_rel_diff']}", flush=True)
    for n in sizes:
        size = bench_size(n, args.seed, args.timeout, weighted=not args.no_weighted, models=args.models)
        results["sizes"][str(n)] = size
        for entry in size["models"].values():
            if "versions" in entry["lifetimes"]:
                v = entry["lifetimes"]["versions"]
                results["versions"].update(lifetimes=v["lifetimes"], lifetimes_numpy=v["numpy"],
                                           lifetimes_pandas=v["pandas"])
        store.write_text(json.dumps(results, indent=1))
    table = render(results)
    print(table)
    if not args.no_write:
        README.write_text(harness.replace_results(README.read_text() if README.exists() else "", table))
        print(f"wrote {README}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
