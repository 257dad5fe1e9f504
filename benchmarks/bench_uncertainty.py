"""Time customer-level intervals (crmlib.clv.uncertainty.value_intervals) at 1M customers.

Run from the repository root:

    nice .venv/bin/python benchmarks/bench_uncertainty.py                  # 1M customers, 128 draws
    nice .venv/bin/python benchmarks/bench_uncertainty.py --sizes 100000 --draws 64

Customers are simulated by ``harness.simulate_bgnbd`` (BG/NBD at CDNOW's estimates, daily
resolution, times in weeks, gamma-gamma spend), BG/NBD and Gamma-Gamma are fitted (not timed), and
``value_intervals`` is timed: P(alive), expected purchases over 52 weeks and the discounted value at
10% a year, each with a 90% interval per customer and for the whole base. Prints one markdown row
per size with the machine, date, wall and CPU time (the process's own, which a busy machine
inflates less) and the 1-minute load average before and after the run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import distinct_rows, machine_info, simulate_bgnbd  # noqa: E402

from crmlib.clv import BetaGeo, GammaGamma  # noqa: E402
from crmlib.clv.uncertainty import value_intervals  # noqa: E402


def run(n: int, draws: int, seed: int = 0) -> dict:
    data = pd.DataFrame(simulate_bgnbd(n, seed=seed))
    data.attrs.update(freq="W", horizon=52.0, rate=1.10 ** (7 / 365.2425) - 1)
    model = BetaGeo().fit(data[["frequency", "recency", "T"]])
    spend = GammaGamma().fit(data.loc[data["frequency"] > 0, ["frequency", "monetary_value"]])
    load_before = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    result = value_intervals(data, model, spend, level=0.9, draws=draws)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    clv = result.totals.loc["clv"]
    return {"customers": n, "histories": distinct_rows(data["frequency"].to_numpy(), data["recency"].to_numpy(),
                                                        data["T"].to_numpy()),
            "draws": draws, "seconds": seconds, "cpu": cpu, "load": (load_before, os.getloadavg()[0]),
            "clv": (clv["estimate"], clv["lower"], clv["upper"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--draws", type=int, default=128)
    args = parser.parse_args(argv)
    info = machine_info()
    print(f"{info['date']}, {info['cores']} cores ({info['cpu']}), {info['memory']}, {info['os']}")
    print("| customers | distinct histories | draws | value_intervals (wall) | CPU time | load before / after | total CLV (90% interval) |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        r = run(n, args.draws)
        est, lo, hi = r["clv"]
        print(f"| {n:,} | {r['histories']:,} | {r['draws']} | {r['seconds']:.2f} s | {r['cpu']:.2f} s | "
              f"{r['load'][0]:.1f} / {r['load'][1]:.1f} | {est:,.0f} ({lo:,.0f} to {hi:,.0f}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
