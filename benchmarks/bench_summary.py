"""Time and peak memory of the RFM summary of a large Parquet log: crmlib's DuckDB path against pandas.

Run from the repository root with the main venv:

    .venv/bin/python benchmarks/bench_summary.py                  # 10M rows (about 5 min here)
    .venv/bin/python benchmarks/bench_summary.py --rows 2000000   # a smaller log

The log is written once by ``crmlib.datasets.make_transactions(rows, path, seed=12)`` to
benchmarks/.cache/ (gitignored). Each method then runs in its own subprocess, so that its peak
memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which includes the interpreter and imports,
about 0.2 GB) is its own; wall time covers reading the file and summarising, not the imports:

* ``crmlib file``: ``crmlib.rfm_summary(path, freq="W")``, DuckDB out-of-core with the loader's
  checks (unparseable values, missing ids, exact duplicates, returns, zero amounts) in SQL;
* ``rules only``: the same SQL (``crmlib.summary_sql.customers_sql``) straight on the file, with
  none of the checks: the floor the checks add to;
* ``read_parquet + rfm_summary``: ``pandas.read_parquet`` then ``crmlib.rfm_summary(frame)``
  (DuckDB on the in-memory frame);
* ``read_parquet + pandas``: ``pandas.read_parquet`` then the pandas group-by crmlib used before the
  SQL (``reference_rfm_summary`` in tests/test_summary_sql.py).

The results are written between the ``bench:summary`` markers of benchmarks/README.md (a section
appended once, the rest of the file untouched).
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
METHODS = ("crmlib file", "rules only", "read_parquet + rfm_summary", "read_parquet + pandas")


def work(method: str, path: str) -> dict:
    """Run one method in this process; return its wall time, peak memory and customer count."""
    import pandas as pd

    import crmlib
    from crmlib import summary_sql

    sys.path.insert(0, str(ROOT / "tests"))
    from test_summary_sql import reference_rfm_summary

    start = time.perf_counter()
    if method == "crmlib file":
        out = crmlib.rfm_summary(path, freq="W")
    elif method == "rules only":
        with summary_sql._Connection() as con:
            relation = (f"(SELECT customer_id, {summary_sql.day_number('date', 'duckdb')} AS day, amount "
                        f"FROM read_parquet('{path}'))")
            last = con.execute(f"SELECT MAX(day) FROM {relation}").fetchall()[0][0]
            out = summary_sql.run(con, relation, path, None, "W", 7.0, None, last)
    elif method == "read_parquet + rfm_summary":
        out = crmlib.rfm_summary(pd.read_parquet(path), freq="W")
    else:
        out = reference_rfm_summary(pd.read_parquet(path), freq="W")
    seconds = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    return {"method": method, "seconds": seconds, "peak_gb": peak_gb, "customers": len(out)}


def measure(method: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--worker", method, str(path)], capture_output=True,
                          text=True, cwd=ROOT, check=True)
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


def report(rows: int, results: list[dict], loads: list[float]) -> str:
    import duckdb
    import pandas as pd

    floor = next(r["seconds"] for r in results if r["method"] == "rules only")
    lines = [START, "## RFM summary of a large Parquet log (issue 12)", "",
             f"`.venv/bin/python benchmarks/bench_summary.py --rows {rows}` on {datetime.date.today()}, "
             f"{machine()}; duckdb {duckdb.__version__}, pandas {pd.__version__}, Python {platform.python_version()}. "
             f"Log: `make_transactions({rows:,}, seed=12)`, {results[0]['customers']:,} customers, weeks. "
             f"1-minute load average during the runs: {min(loads):.1f} to {max(loads):.1f} (2 cores; other "
             "sessions shared the machine). One run per method, each in its own subprocess; peak memory "
             "includes the interpreter and imports.", "",
             "| method | wall time | / rules only | peak memory |", "|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['method']} | {r['seconds']:.1f} s | {r['seconds'] / floor:.2f}x | {r['peak_gb']:.2f} GB |")
    lines += ["", "`crmlib file` does more than the others: it also checks every value, finds exact duplicate rows "
              "(a 64-bit hash of each row, candidates compared in full) and drops the re-exported copies, as "
              "`read_transactions` would; that is its cost over `rules only`. Its memory stays bounded (DuckDB "
              "streams the file; only the per-customer table enters pandas), while both `read_parquet` methods "
              "hold the whole log in memory, so theirs grows with the log; the file path should stay near this at 100M rows, which is not measured yet. "
              "The issue's target (within 1.3x of the bare query) is missed by the checks; the rules alone are "
              "the bare query. The lifetimes comparison of the issue is not measured yet.", END]
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
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(work(*args.worker)))
        return
    from crmlib.datasets import make_transactions

    path = HERE / ".cache" / f"log_{args.rows}.parquet"
    if not path.exists():
        started = time.perf_counter()
        make_transactions(args.rows, path, seed=12)
        print(f"wrote {path} in {time.perf_counter() - started:.0f} s", flush=True)
    results, loads = [], []
    for method in METHODS:
        loads.append(os.getloadavg()[0])
        results.append(measure(method, path))
        print(results[-1], flush=True)
    loads.append(os.getloadavg()[0])
    section = report(args.rows, results, loads)
    write_readme(section)
    print(section)


if __name__ == "__main__":
    main()
