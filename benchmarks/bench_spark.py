"""Time of the per-customer table (summary, scores, segment, models, P(alive), CLV, deciles) of a large
Parquet log: ``crmlib.spark.customer_table`` on Spark local[2] beside ``crmlib.customer_table`` on the
same file read by DuckDB (``crmlib.TransactionLog``, out-of-core).

Run from the repository root (``make bench-spark`` runs the first line):

    .venv/bin/python benchmarks/bench_spark.py --rows 10000000
    .venv/bin/python benchmarks/bench_spark.py --rows 1000000 --no-readme     # a quick look

The log is written once by ``crmlib.datasets.make_transactions(rows, path, seed=12)`` (BG/NBD and
Gamma-Gamma customers with the CDNOW parameters) to ``--dir`` (default /tmp/large-bench, the file
bench_summary.py uses). Each method runs in its own subprocess; wall time covers reading the file to the
finished table, not imports or the Spark session's start:

* ``DuckDB (crmlib.customer_table)``: ``crmlib.customer_table(TransactionLog(path), freq="W")``, the
  table in pandas;
* ``Spark local[2] (crmlib.spark.customer_table)``: ``crmlib.spark.customer_table(spark.read.parquet(path),
  freq="W")``, the table computed in full (written to Spark's ``noop`` sink) and left in Spark.

Both fit the transaction model chosen by BIC among BG/NBD, MBG/NBD and Pareto/NBD, and Gamma-Gamma.
Peak memory is the Python process's (``ru_maxrss``); Spark's JVM (``spark.driver.memory`` 4g) is not
counted. The results are written between the ``bench:spark`` markers of benchmarks/README.md.
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
START, END = "<!-- bench:spark:start -->", "<!-- bench:spark:end -->"
DUCK, SPARK = "DuckDB (crmlib.customer_table)", "Spark local[2] (crmlib.spark.customer_table)"


def work(method: str, path: str, model: str) -> dict:
    """Run one method in this process; return wall time, peak memory, customers and the model used."""
    import warnings

    warnings.filterwarnings("ignore")
    import crmlib

    if method == SPARK:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        from pyspark.sql import SparkSession
        from pyspark.sql import functions as F

        from crmlib import spark as crmspark

        # Spark cannot read pandas' nanosecond timestamps: read them as numbers, then as UTC times
        session = (SparkSession.builder.master("local[2]").config("spark.driver.memory", "4g")
                   .config("spark.ui.enabled", "false").config("spark.sql.legacy.parquet.nanosAsLong", "true")
                   .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter()
    if method == DUCK:
        table = crmlib.customer_table(crmlib.TransactionLog(path), freq="W", model=model)
        customers, chosen = len(table), table.attrs["model"]
    else:
        frame = session.read.parquet(path).withColumn("date", F.timestamp_seconds(F.col("date") / 1e9))
        scores = crmspark.customer_table(frame, freq="W", model=model)
        scores.table.write.format("noop").mode("overwrite").save()
        customers, chosen = scores.attrs["rfm_thresholds"].n_customers, scores.attrs["model"]
    seconds = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    return {"method": method, "seconds": seconds, "peak_gb": peak_gb, "customers": customers, "model": chosen}


def measure(method: str, path: Path, model: str, timeout: float) -> dict:
    command = [sys.executable, __file__, "--worker", method, str(path), model]
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"method": method, "timed_out": True, "seconds": timeout}
    if done.returncode:
        return {"method": method, "failed": done.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(rows: int, results: list[dict], loads: list[float], command: str) -> str:
    sys.path.insert(0, str(HERE))
    import pyspark
    from bench_summary import machine

    floor = next((r["seconds"] for r in results if r["method"] == DUCK and "customers" in r), None)
    lines = [START, "## Customer scores on Spark beside DuckDB (issue 24.5)", "",
             f"`{command}` on {datetime.date.today()}, {machine()}; pyspark {pyspark.__version__} (local[2], "
             f"driver memory 4g), Python {platform.python_version()}. Log: `make_transactions({rows}, seed=12)` "
             "(BG/NBD and Gamma-Gamma customers, CDNOW parameters), weeks. 1-minute load average during the "
             f"runs: {min(loads):.1f} to {max(loads):.1f} (2 cores shared with other sessions). One run per method, "
             "each in its own subprocess; peak memory is the Python process's (Spark's JVM not counted).", "",
             "| rows | customers | method | model | wall time | / DuckDB | peak memory (Python) |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        if "customers" not in r:
            state = "stopped" if r.get("timed_out") else f"failed: {r.get('failed', ['?'])[0][:80]}"
            lines.append(f"| {rows:,} | | {r['method']} | | {state} | | |")
            continue
        ratio = f"{r['seconds'] / floor:.2f}x" if floor else ""
        lines.append(f"| {rows:,} | {r['customers']:,} | {r['method']} | {r['model']} | {r['seconds']:.1f} s "
                     f"| {ratio} | {r['peak_gb']:.2f} GB |")
    return "\n".join(lines) + "\n" + END


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
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/large-bench"))
    parser.add_argument("--model", default="auto", help="'auto' or a model name, as customer_table takes")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--no-readme", action="store_true", help="print the table, leave README.md alone")
    parser.add_argument("--worker", nargs=3, metavar=("METHOD", "PATH", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(work(*args.worker)))
        return
    from crmlib.datasets import make_transactions

    path = args.dir / f"bgnbd_log_{args.rows}.parquet"  # the file bench_summary.py writes and reads
    if not path.exists():
        args.dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        make_transactions(args.rows, path, seed=12)
        print(f"wrote {path} in {time.perf_counter() - started:.0f} s", flush=True)
    results, loads = [], []
    for method in (DUCK, SPARK):
        loads.append(os.getloadavg()[0])
        results.append(measure(method, path, args.model, args.timeout))
        print(results[-1], flush=True)
    loads.append(os.getloadavg()[0])
    section = report(args.rows, results, loads, ("python benchmarks/bench_spark.py " + " ".join(sys.argv[1:])).strip())
    if not args.no_readme:
        write_readme(section)
    print(section)


if __name__ == "__main__":
    main()
