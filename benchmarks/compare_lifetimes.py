"""crmlib's lifetime-value quantities against lifetimes 0.11.3's own numbers, on the same data.

One script, two sides. ``python benchmarks/compare_lifetimes.py`` (crmlib's venv) writes the inputs
(CDNOW's calibration summary and transactions, the donation data of Fader, Hardie & Shang 2010) to a
temporary folder, then runs ``quantities`` twice: in lifetimes' own venv
(``benchmarks/.venv-lifetimes``, built by ``make_lifetimes_venv.sh``) with ``import lifetimes``, and in
crmlib's venv with ``import crmlib.compat.lifetimes`` (thin wrappers over crmlib's models). Both sides
call the same lifetimes API with the same parameters, set by hand, so what is compared is each
quantity's formula, not two optimisers; the fitted parameters are compared separately. It prints one
table of the largest relative difference per quantity; ``--write`` appends it to benchmarks/README.md.

The ``quantities`` side imports only numpy, pandas and the library under test, so it runs on
lifetimes' numpy 1.26 / pandas 1.5 as well as on crmlib's numpy 2 / pandas 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
LIFETIMES_PYTHON = HERE / ".venv-lifetimes" / "bin" / "python"
CDNOW = Path(__file__).resolve().parents[2] / "shared" / "data" / "cdnow"

# Parameters set by hand (CDNOW, weeks): BG/NBD and Pareto/NBD as published by Fader, Hardie & Lee
# (2005, "Counting your customers the easy way", and the 2005 Pareto/NBD implementation note);
# MBG/NBD near its CDNOW estimates (Batislam, Denizel & Filiztekin 2007 report the model, not these
# digits); gamma-gamma from Fader, Hardie & Lee (2005, "RFM and CLV"); BG/BB from Fader, Hardie &
# Shang (2010) on the donation data.
PARAMS = {
    "BetaGeoFitter": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "ModifiedBetaGeoFitter": {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614},
    "ParetoNBDFitter": {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
    "GammaGammaFitter": {"p": 6.25, "q": 3.74, "v": 15.44},
    "BetaGeoBetaBinomFitter": {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783},
}
DONATIONS = [  # (frequency, recency, customers) over 6 periods, Fader, Hardie & Shang (2010), table 1
    (0, 0, 3464), (1, 1, 1091), (1, 2, 277), (1, 3, 129), (1, 4, 78), (1, 5, 119), (1, 6, 129),
    (2, 2, 613), (2, 3, 255), (2, 4, 155), (2, 5, 173), (2, 6, 234), (3, 3, 322), (3, 4, 181),
    (3, 5, 225), (3, 6, 357), (4, 4, 240), (4, 5, 284), (4, 6, 512), (5, 5, 335), (5, 6, 728),
    (6, 6, 1203),
]
CALIBRATION_END = "1997-09-30"


def write_inputs(folder: Path) -> None:
    """CDNOW's calibration summary (lifetimes' and the papers' file), its transactions, and the donations."""
    summary = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    summary.to_csv(folder / "summary.csv", index=False)
    raw = pd.read_csv(CDNOW / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["id", "sample_id", "date", "cds", "amount"], dtype={"id": str, "date": str})
    raw[["id", "date", "amount"]].to_csv(folder / "transactions.csv", index=False)
    pd.DataFrame(DONATIONS, columns=["frequency", "recency", "weights"]).assign(n_periods=6).to_csv(
        folder / "donations.csv", index=False)


def _fitter(lib, name):
    fitter = getattr(lib, name)()
    fitter.params_ = pd.Series(PARAMS[name])
    if not hasattr(fitter, "predict") and hasattr(fitter, "conditional_expected_number_of_purchases_up_to_time"):
        fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time  # lifetimes sets it in fit()
    return fitter


def _values(x) -> list[float]:
    return [float(v) for v in np.asarray(x, dtype=float).reshape(-1)]


def quantities(module: str, folder: Path) -> dict:
    """Every compared quantity, computed through ``module``'s lifetimes API."""
    lib = importlib.import_module(module)
    utils = importlib.import_module(module + ".utils")
    s = pd.read_csv(folder / "summary.csv")
    f, r, T, zbar = s["x"], s["t_x"], s["T"], s["zbar"]
    tx = pd.read_csv(folder / "transactions.csv", dtype={"id": str, "date": str})
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    don = pd.read_csv(folder / "donations.csv")
    out: dict[str, list[float]] = {}
    ns = np.arange(0, 11)
    for name in ("BetaGeoFitter", "ModifiedBetaGeoFitter", "ParetoNBDFitter"):
        m = _fitter(lib, name)
        out[f"{name}: P(alive)"] = _values(m.conditional_probability_alive(f, r, T))
        out[f"{name}: E[X(39) given history]"] = _values(
            m.conditional_expected_number_of_purchases_up_to_time(39, f, r, T))
        out[f"{name}: E[X(t)], t = 1..78"] = _values(m.expected_number_of_purchases_up_to_time(np.arange(1, 79)))
        if name != "ParetoNBDFitter":  # lifetimes' Pareto/NBD has only the conditional form
            out[f"{name}: P(X(39) = n), n = 0..10"] = [
                float(m.probability_of_n_purchases_up_to_time(39, int(n))) for n in ns]
        if name == "ParetoNBDFitter":
            out[f"{name}: P(X(39) = n given history), n = 0..3"] = [
                v for n in range(4)
                for v in _values(m.conditional_probability_of_n_purchases_up_to_time(n, 39, f[:200], r[:200],
                                                                                     T[:200]))]
        if name == "BetaGeoFitter":
            gg = _fitter(lib, "GammaGammaFitter")
            keep = f > 0
            out["GammaGammaFitter: E[spend given history]"] = _values(
                gg.conditional_expected_average_profit(f[keep], zbar[keep]))
            out["GammaGammaFitter: CLV, 12 months of 4.345 weeks, 1% a month"] = _values(gg.customer_lifetime_value(
                m, f[keep], r[keep], T[keep], zbar[keep], time=12, discount_rate=0.01, freq="W"))
            out["utils.expected_cumulative_transactions, 78 weeks"] = _values(
                utils.expected_cumulative_transactions(m, tx, "date", "id", 78, freq="W")["predicted"])
            paths = [_values(utils.calculate_alive_path(m, tx[tx["id"] == cid], "date", 78, freq="W"))
                     for cid in tx["id"].drop_duplicates().iloc[:25]]
            out["utils.calculate_alive_path, 25 customers x 78 weeks"] = [v for p in paths for v in p]
    bgbb = lib.BetaGeoBetaBinomFitter()  # lifetimes reads the observed counts of this table from the fit
    bgbb.fit(don["frequency"], don["recency"], don["n_periods"], weights=don["weights"])
    bgbb.params_ = pd.Series(PARAMS["BetaGeoBetaBinomFitter"])
    firsts = bgbb.expected_number_of_transactions_in_first_n_periods(6)
    out["BetaGeoBetaBinomFitter: first 6 periods, customers by count"] = _values(firsts["model"])
    out["BetaGeoBetaBinomFitter: E[X(5) given history]"] = _values(
        bgbb.conditional_expected_number_of_purchases_up_to_time(5, don["frequency"], don["recency"],
                                                                 don["n_periods"]))
    out["BetaGeoBetaBinomFitter: P(alive in 1 period)"] = _values(
        bgbb.conditional_probability_alive(1, don["frequency"], don["recency"], don["n_periods"]))
    summary = utils.summary_data_from_transaction_data(tx, "id", "date", observation_period_end=CALIBRATION_END,
                                                       freq="W")
    summary = summary.sort_index()
    for col in ("frequency", "recency", "T"):
        out[f"utils.summary_data_from_transaction_data (weeks): {col}"] = _values(summary[col])
    fits = {}
    for name in ("BetaGeoFitter", "ParetoNBDFitter"):
        fitted = getattr(lib, name)().fit(f, r, T)
        fits[name] = {k: float(v) for k, v in fitted.params_.items()}
    return {"quantities": out, "fits": fits}


def _relative(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    scale = np.maximum(np.abs(b), 1e-12)
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


def compare(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    sides = {}
    for label, python, module in (("lifetimes", LIFETIMES_PYTHON, "lifetimes"),
                                  ("crmlib", Path(sys.executable), "crmlib.compat.lifetimes")):
        done = subprocess.run([str(python), __file__, "quantities", module, str(folder)], capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the {label} side failed:\n{done.stderr[-3000:]}")
        sides[label] = json.loads(done.stdout.strip().splitlines()[-1])
    lt, cr = sides["lifetimes"], sides["crmlib"]
    rows = [{"quantity": k, "values": len(v), "max relative difference": _relative(cr["quantities"][k], v)}
            for k, v in lt["quantities"].items()]
    fits = [{"model": name, "lifetimes": lt["fits"][name], "crmlib": cr["fits"][name],
             "max relative difference": _relative(list(cr["fits"][name].values()), list(lt["fits"][name].values()))}
            for name in lt["fits"]]
    return pd.DataFrame(rows), pd.DataFrame(fits)


def _markdown(table: pd.DataFrame, fits: pd.DataFrame) -> str:
    lines = ["", "## Quantities against lifetimes' own numbers (issue 23.1)", "",
             f"`.venv/bin/python benchmarks/compare_lifetimes.py --write`, {dt.date.today()}, {platform.node()} "
             f"({platform.machine()}, Python {platform.python_version()}). Both sides call lifetimes' API with the "
             "same parameters set by hand (published CDNOW and donation estimates), on the same data: lifetimes "
             "0.11.3 in its own venv, crmlib through `crmlib.compat.lifetimes`.", "",
             "| quantity | values | max relative difference |", "| --- | ---: | ---: |"]
    lines += [f"| {r.quantity} | {r.values} | {r._3:.1e} |" for r in table.itertuples()]
    lines += ["", "Fitted on CDNOW's calibration summary (each side's own optimiser):", "",
              "| model | lifetimes | crmlib | max relative difference |", "| --- | --- | --- | ---: |"]
    for r in fits.itertuples():
        lt = ", ".join(f"{k}={v:.6g}" for k, v in r.lifetimes.items())
        cr = ", ".join(f"{k}={v:.6g}" for k, v in r.crmlib.items())
        lines.append(f"| {r.model} | {lt} | {cr} | {r._4:.1e} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    q = sub.add_parser("quantities")
    q.add_argument("module")
    q.add_argument("folder", type=Path)
    parser.add_argument("--write", action="store_true", help="append the result to benchmarks/README.md")
    args = parser.parse_args(argv)
    if args.command == "quantities":
        print(json.dumps(quantities(args.module, args.folder)))
        return
    if not LIFETIMES_PYTHON.exists():
        subprocess.run(["bash", str(HERE / "make_lifetimes_venv.sh")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        write_inputs(Path(tmp))
        table, fits = compare(Path(tmp))
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(table.to_string(index=False))
        print(fits.to_string(index=False))
    if args.write:
        with open(HERE / "README.md", "a", encoding="utf-8") as fh:
            fh.write(_markdown(table, fits))


if __name__ == "__main__":
    main()
