"""Time and peak memory of the RFM summary of large Parquet logs: crmlib against the bare DuckDB query,
lifetimes and Spark.

Run from the repository root (``make bench-summary`` runs the first line):

    .venv/bin/python benchmarks/bench_summary.py --rows 1000000 10000000 100000000
    .venv/bin/python benchmarks/bench_summary.py --rows 1000000 --no-lifetimes --no-spark   # a quick look

Logs are written once by ``crmlib.datasets.make_transactions(rows, path, seed=12)`` (in chunks; customers
drawn from BG/NBD and Gamma-Gamma with the CDNOW parameters) to ``--dir`` (default /tmp/large-bench,
outside the repository; files ``bgnbd_log_<rows>.parquet``, so logs of the older generator are not
reused). Each method runs in its own subprocess, so that its peak memory (``ru_maxrss``, which
includes the interpreter and imports, about 0.1-0.2 GB) is its own; wall time covers reading the file
and summarising, not the imports:

* ``crmlib``: ``crmlib.rfm_summary(path, freq="W")``: DuckDB, out-of-core, with the loader's checks
  (unparseable values, missing ids, exact duplicates, returns, zero amounts) in the same scan
  (:mod:`crmlib.txlog`);
* ``bare DuckDB``: the summary's SQL (``crmlib.summary_sql.customers_sql``: frequency, recency, T,
  monetary value per customer) straight on the file, with none of the checks: the floor;
* ``lifetimes``: ``pandas.read_parquet`` + ``lifetimes.utils.summary_data_from_transaction_data``
  (lifetimes 0.11.3, in its own venv ``--lifetimes-python``), stopped after ``--timeout`` seconds;
  larger sizes are then not tried;
* ``Spark local[2]``: ``crmlib.spark.rfm_summary(spark.read.parquet(path))``, at ``--spark-rows``
  only (session start not timed).

The results are written between the ``bench:summary`` markers of benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
START, END = "<!-- bench:summary:start -->", "<!-- bench:summary:end -->"
LIFETIMES = """
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])  # noqa: E731
start, cpu0 = time.perf_counter(), cpu()
tx = pd.read_parquet(sys.argv[1], columns=["customer_id", "date", "amount"])
out = summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount", freq="W")
print(json.dumps({"method": "lifetimes", "seconds": time.perf_counter() - start, "customers": len(out),
                  "cpu_seconds": cpu() - cpu0,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2}))
"""


def work(method: str, path: str) -> dict:
    """Run one method in this process; return its wall time, peak memory and customer count."""
    import crmlib
    from crmlib import duck, summary_sql

    if method == "Spark local[2]":
        from pyspark.sql import SparkSession
        from pyspark.sql import functions as F

        from crmlib import spark as crmspark

        # Spark cannot read pandas' nanosecond timestamps: read them as numbers, then as UTC times
        session = (SparkSession.builder.master("local[2]").config("spark.driver.memory", "4g")
                   .config("spark.ui.enabled", "false").config("spark.sql.legacy.parquet.nanosAsLong", "true")
                   .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
    start, cpu0 = time.perf_counter(), _cpu()
    if method == "crmlib":
        out = crmlib.rfm_summary(path, freq="W")
    elif method == "bare DuckDB":
        with duck.Connection() as con:
            relation = (f"(SELECT customer_id, {summary_sql.day_number('date', 'duckdb')} AS day, amount "
                        f"FROM read_parquet('{path}'))")
            last = con.execute(f"SELECT MAX(day) FROM {relation}").fetchall()[0][0]
            out = summary_sql.run(con, relation, path, None, "W", 7.0, None, last)
    else:
        frame = session.read.parquet(path).withColumn("date", F.timestamp_seconds(F.col("date") / 1e9))
        out = crmspark.rfm_summary(frame, freq="W")
    seconds, cpu_seconds = time.perf_counter() - start, _cpu() - cpu0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    if method == "Spark local[2]":
        peak_gb = float("nan")  # the JVM's memory is not this process's; see the README
    return {"method": method, "seconds": seconds, "cpu_seconds": cpu_seconds, "peak_gb": peak_gb,
            "customers": len(out)}


def _cpu() -> float:
    """CPU seconds of this process (user + system, all threads): less swayed than wall time by other
    jobs on a shared machine, though not free of them (caches, hyper-threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(method: str, path: Path, timeout: float, python: str | None = None) -> dict:
    """One method in its own subprocess; ``{"method", "timed_out": True}`` when stopped at ``timeout``."""
    command = ([python, "-c", LIFETIMES, str(path)] if method == "lifetimes"
               else [sys.executable, __file__, "--worker", method, str(path)])
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"method": method, "timed_out": True, "seconds": timeout}
    if done.returncode:
        return {"method": method, "failed": done.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 ** 2
    except OSError:
        mem = float("nan")
    return f"{os.cpu_count()} cores ({cpu}), {mem:.1f} GiB memory, {platform.system()} {platform.release()}"


def _cell(r: dict | None, floor: float | None, cpu_floor: float | None = None) -> tuple[str, str, str, str]:
    if r is None:
        return "not run", "", "", ""
    if r.get("timed_out"):
        return f"> {r['seconds']:.0f} s (stopped)", f"> {r['seconds'] / floor:.0f}x" if floor else "", "", ""
    if r.get("failed"):
        return f"failed: {r['failed'][0][:60]}", "", "", ""
    peak = "" if r["peak_gb"] != r["peak_gb"] else f"{r['peak_gb']:.2f} GB"
    cpu = r.get("cpu_seconds")
    cpu_cell = "" if cpu is None or r["method"].startswith("Spark") else (
        f"{cpu:.1f} s ({cpu / cpu_floor:.2f}x)" if cpu_floor else f"{cpu:.1f} s")
    return f"{r['seconds']:.1f} s", f"{r['seconds'] / floor:.2f}x" if floor else "", cpu_cell, peak


def report(results: dict, loads: list[float], command: str, floors: dict | None = None) -> str:
    floors = floors or {}
    import duckdb
    import pandas as pd

    lines = [START, "## RFM summary of a large Parquet log (issue 12)", "",
             f"`{command}` on {datetime.date.today()}, {machine()}; duckdb {duckdb.__version__}, pandas "
             f"{pd.__version__}, Python {platform.python_version()}; lifetimes 0.11.3 in its own venv (numpy 1.26, "
             f"pandas 1.5). Logs: `make_transactions(rows, seed=12)`: customers who buy and drop out as BG/NBD "
             f"says, with the CDNOW parameters (about 2.3 rows per customer), weeks. "
             f"1-minute load average during the runs: {min(loads):.1f} to {max(loads):.1f} (2 cores; other "
             "sessions shared the machine, so times are inflated by up to the load above 1). One run per "
             "method and size, each in its own subprocess; peak memory includes the interpreter and imports.", "",
             "| rows | customers | method | wall time | / bare DuckDB | CPU time (/ bare) | peak memory |",
             "|---|---|---|---|---|---|---|"]
    for rows, by_method in results.items():
        floor = by_method.get("bare DuckDB", {}).get("seconds") or floors.get(rows)
        cpu_floor = by_method.get("bare DuckDB", {}).get("cpu_seconds")
        customers = next((r["customers"] for r in by_method.values() if "customers" in r), 0)
        for method, r in by_method.items():
            wall, ratio, cpu, peak = _cell(r, floor, cpu_floor)
            lines.append(f"| {rows:,} | {customers:,} | {method} | {wall} | {ratio} | {cpu} | {peak} |")
    return "\n".join(lines)


def write_readme(section: str) -> None:
    readme = HERE / "README.md"
    text = readme.read_text()
    if START in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    readme.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000, 100_000_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/large-bench"))
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--lifetimes-python", default=str(Path(__file__).parent / ".venv-lifetimes" / "bin" / "python"),
                        help="python of lifetimes' own venv (default: the CLV benchmark's, built when missing)")
    parser.add_argument("--no-lifetimes", action="store_true")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--spark-rows", type=int, default=10_000_000)
    parser.add_argument("--no-readme", action="store_true", help="print the table, leave README.md alone")
    parser.add_argument("--only", nargs="+", metavar="METHOD", help="run only these methods (e.g. lifetimes)")
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(work(*args.worker)))
        return
    from crmlib.datasets import make_transactions

    default_venv = Path(__file__).parent / ".venv-lifetimes" / "bin" / "python"
    if not args.no_lifetimes and Path(args.lifetimes_python) == default_venv and not default_venv.exists():
        print("building the lifetimes venv (benchmarks/make_lifetimes_venv.sh) ...", flush=True)
        subprocess.run([str(Path(__file__).parent / "make_lifetimes_venv.sh")], check=True)
    results, loads, lifetimes_ok = {}, [], not args.no_lifetimes and Path(args.lifetimes_python).exists()
    if not args.no_lifetimes and not lifetimes_ok:
        print(f"lifetimes left out: no python at {args.lifetimes_python}", flush=True)
    for rows in args.rows:
        path = args.dir / f"bgnbd_log_{rows}.parquet"  # logs of the BG/NBD generator (issue 24.6)
        if not path.exists():
            args.dir.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            make_transactions(rows, path, seed=12)
            print(f"wrote {path} in {time.perf_counter() - started:.0f} s", flush=True)
        methods = ["crmlib", "bare DuckDB"] + (["lifetimes"] if lifetimes_ok else [])
        methods += ["Spark local[2]"] if not args.no_spark and rows == args.spark_rows else []
        methods = [m for m in methods if not args.only or m in args.only]
        results[rows] = {}
        for method in methods:
            loads.append(os.getloadavg()[0])
            r = measure(method, path, args.timeout, args.lifetimes_python)
            results[rows][method] = r
            print(rows, r, flush=True)
            if method == "lifetimes" and (r.get("timed_out") or r.get("failed")):
                lifetimes_ok = False  # a larger log would not finish either
    loads.append(os.getloadavg()[0])
    command = "python benchmarks/bench_summary.py " + " ".join(sys.argv[1:])
    section = report(results, loads, command.strip())
    (args.dir / "bench_summary.json").write_text(json.dumps({str(k): v for k, v in results.items()}, indent=1))
    if not args.no_readme:
        write_readme(section + "\n" + END)
    print(section)


if __name__ == "__main__":
    main()
