"""The transaction reports on a large Parquet log: wall time and peak memory of the whole process tree.

``make bench-reports`` (or ``python benchmarks/bench_reports.py --rows 10000000``) writes a log with
:func:`crmlib.datasets.make_transactions` (once, into ``--data``), then runs ``crmlib report NAME
--transactions LOG`` for overview, segments, clv and retention, one command per report, each under a
sampler that sums the resident memory (RSS, from /proc) of the command and every process it starts
(the notebook kernel included) every 0.2 s. It writes the table, with the machine and the date,
between the markers of the "Reports on a large log" section of ``benchmarks/README.md``.
``--reports retention`` (a comma-separated list) runs some of them only and prints their table; the
README's block, the record of all four, is rewritten only by a run of all four. ``--batch`` runs them as one
command, ``crmlib report overview segments clv retention --transactions LOG``, as a user would: the batch
builds each customer table once (:mod:`crmlib.shared_table`).

Issue 24.3's goal: all four reports on a 10M-row log in at most 2 minutes together, at most 3 GB.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import machine_info, markdown_table  # noqa: E402

REPORTS = ("overview", "segments", "clv", "retention")
START = "<!-- bench-reports:start -->"
END = "<!-- bench-reports:end -->"
GOAL_SECONDS, GOAL_GB = 120.0, 3.0


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(pid))
    return kids


def _proc_kb(pid: int, file: str, key: str) -> int:
    """The ``key`` line of ``/proc/<pid>/<file>`` in kB; 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/{file}") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _proc_kb(pid, "status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    """Proportional set size of ``pid`` in kB: its private pages plus its share of pages it shares (a kernel
    forked from a kernel server shares the server's imported libraries; summed RSS counts them twice)."""
    return _proc_kb(pid, "smaps_rollup", "Pss:")


def tree_rss_kb(root: int, size=_rss_kb) -> int:
    """Summed RSS (or ``size=_pss_kb``: PSS) of ``root`` and all its descendants, in kB."""
    kids, todo, total = _children(), [root], 0
    while todo:
        pid = todo.pop()
        total += size(pid)
        todo += kids.get(pid, [])
    return total


def measure(command: list[str], interval: float = 0.2) -> dict:
    """Run ``command``; return its exit code, wall seconds, CPU seconds (user + system of the command and
    every process it waited for, the kernel included) and the peak summed RSS of its tree (GB)."""
    start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0, 0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            peak[1] = max(peak[1], tree_rss_kb(proc.pid, _pss_kb))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    sampler.join()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"code": proc.returncode, "seconds": time.perf_counter() - start,
            "peak_gb": peak[0] / 1024 ** 2, "pss_gb": peak[1] / 1024 ** 2,
            "cpu_s": used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime, "output": output}


#: A log given with ``--log`` (made elsewhere by make_transactions), used instead of writing one.
GIVEN: dict = {}


def make_log(rows: int, data: Path) -> tuple[Path, float]:
    """The log of ``rows`` rows in ``data`` (written once; later runs reuse it) and the seconds it took;
    the file of ``--log`` when one was given."""
    from crmlib.datasets import make_transactions

    if "log" in GIVEN:
        return GIVEN["log"], 0.0
    path = data / f"tx-{rows}.parquet"
    if path.exists():
        return path, 0.0
    data.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    tmp = data / f".tx-{rows}.parquet"
    make_transactions(rows, tmp, seed=0)
    tmp.rename(path)
    return path, time.perf_counter() - start


def _customers(path: Path) -> int:
    import duckdb

    with duckdb.connect() as con:
        return con.execute(f"SELECT COUNT(DISTINCT customer_id) FROM read_parquet('{path}')").fetchone()[0]


def run_batch(rows: int, data: Path, out: Path, reports: tuple[str, ...] = REPORTS,
              jobs: int = 1) -> tuple[list[dict], dict]:
    """The reports as one batch, ``crmlib report A B C --transactions LOG`` (one customer table per batch:
    crmlib.shared_table): one result for the command, and each report's own run time from the index."""
    import json

    log, made = make_log(rows, data)
    load = os.getloadavg()[0]
    crmlib = str(Path(sys.executable).with_name("crmlib"))
    result = measure([crmlib, "report", *reports, "--transactions", str(log), "--out", str(out), "-q",
                      *(["-j", str(jobs)] if jobs > 1 else [])])
    print(f"batch: exit {result['code']}, {result['seconds']:.1f} s, CPU {result['cpu_s']:.1f} s, "
          f"peak {result['peak_gb']:.2f} GB (PSS {result.get('pss_gb', 0):.2f} GB)", flush=True)
    if result["code"]:
        print(result["output"][-2000:], file=sys.stderr)
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"]
    result["report"], result["each"] = " + ".join(reports), {
        name: (index[name]["status"], index[name]["duration"]) for name in reports if name in index}
    facts = {"rows": rows, "customers": _customers(log), "file_mb": log.stat().st_size / 1024 ** 2, "made_s": made,
             "load": load, "batch": True, "jobs": jobs}
    return [result], facts


def run(rows: int, data: Path, out: Path, reports: tuple[str, ...] = REPORTS) -> tuple[list[dict], dict]:
    log, made = make_log(rows, data)
    load = os.getloadavg()[0]
    crmlib = str(Path(sys.executable).with_name("crmlib"))
    results = []
    for name in reports:
        result = measure([crmlib, "report", name, "--transactions", str(log), "--out", str(out), "-q"])
        result["report"] = name
        print(f"{name}: exit {result['code']}, {result['seconds']:.1f} s, CPU {result['cpu_s']:.1f} s, "
              f"peak {result['peak_gb']:.2f} GB", flush=True)
        if result["code"]:
            print(result["output"][-2000:], file=sys.stderr)
        results.append(result)
    facts = {"rows": rows, "customers": _customers(log), "file_mb": log.stat().st_size / 1024 ** 2, "made_s": made,
             "load": load}
    return results, facts


def batch_block(results: list[dict], facts: dict, command: str) -> str:
    """The README block of a batch run: each report's own run time, then the command's wall and CPU
    time and the peak memory of its whole process tree."""
    info, (r,) = machine_info(), results
    n = facts.get("jobs", 1)
    jobs, kernels = (f" -j {n}", f"{n} kernels at once") if n > 1 else ("", "one kernel at a time")
    rows = [[name, status, f"{seconds:.1f} s", "", ""] for name, (status, seconds) in r["each"].items()]
    rows.append([f"**{r['report']}** (one command)", "ok" if r["code"] == 0 else f"failed ({r['code']})",
                 f"**{r['seconds']:.1f} s**", f"**{r['cpu_s']:.1f} s**", f"**{r['peak_gb']:.2f} GB**"
                 + (f" (PSS {r['pss_gb']:.2f} GB)" if r.get("pss_gb") else "")])
    met = r["seconds"] <= GOAL_SECONDS and r["peak_gb"] <= GOAL_GB and r["code"] == 0
    return "\n".join([
        f"Measured {info['date']} at {datetime.datetime.now(datetime.UTC):%H:%M} UTC on {info['cores']} "
        f"cores ({info['cpu']}), {info['memory']}, {info['os']}; the machine was shared with other work.",
        "",
        f"`{command}`: a Parquet log of {facts['rows']:,} rows, {facts['customers']:,} customers, "
        f"{facts['file_mb']:.0f} MB ({_made(facts)}). The reports run as one batch, "
        f"`crmlib report {' '.join(r['each'])} --transactions LOG{jobs}` ({kernels}; the customer table is "
        "built once per log and options and read by the other reports, `crmlib.shared_table`); a report's row is "
        "its own run time from the index, the last row the whole command: wall and CPU time (user + system of "
        "the command and every process it starts) and the peak of the summed RSS of that process tree (and of "
        "its summed PSS, which counts pages shared by processes, as a kernel forked from the kernel server shares "
        "the server's libraries, once), sampled "
        f"every 0.2 s (1-minute load average before the run {facts.get('load', float('nan')):.1f}, after "
        f"{os.getloadavg()[0]:.1f}, on {info['cores']} cores).",
        "",
        markdown_table(["report", "status", "wall time", "CPU time (process tree)", "peak memory (process tree)"],
                       rows),
        "",
        f"Goal (issue 24.3): all four together <= {GOAL_SECONDS:.0f} s and <= {GOAL_GB:.0f} GB: "
        f"**{'met' if met else 'not met'}**.",
    ])


def block(results: list[dict], facts: dict, command: str) -> str:
    info = machine_info()
    total = sum(r["seconds"] for r in results)
    peak = max(r["peak_gb"] for r in results)
    cpu = sum(r["cpu_s"] for r in results)
    rows = [[r["report"], "ok" if r["code"] == 0 else f"failed ({r['code']})", f"{r['seconds']:.1f} s",
             f"{r['cpu_s']:.1f} s", f"{r['peak_gb']:.2f} GB"] for r in results]
    label = "all four" if len(results) == len(REPORTS) else " + ".join(r["report"] for r in results)
    rows.append([f"**{label}**", "", f"**{total:.1f} s**", f"**{cpu:.1f} s**", f"**{peak:.2f} GB** (largest)"])
    verdict = ("met" if total <= GOAL_SECONDS and peak <= GOAL_GB and all(r["code"] == 0 for r in results)
               else "not met")
    return "\n".join([
        f"Measured {info['date']} at {datetime.datetime.now(datetime.UTC):%H:%M} UTC on {info['cores']} "
        f"cores ({info['cpu']}), {info['memory']}, {info['os']}; the machine was shared with other work.",
        "",
        f"`{command}`: a Parquet log of {facts['rows']:,} rows, {facts['customers']:,} customers, "
        f"{facts['file_mb']:.0f} MB ({_made(facts)}). Each report is one "
        "`crmlib report NAME --transactions LOG` command; memory is the peak of the summed RSS of the command "
        "and every process it starts (kernel included), sampled every 0.2 s. CPU time is user + system time of "
        "the command and its processes: on a shared machine the wall time grows with the load, the CPU time "
        f"much less (1-minute load average before the run {facts.get('load', float('nan')):.1f}, after "
        f"{os.getloadavg()[0]:.1f}, on {info['cores']} cores).",
        "",
        markdown_table(["report", "status", "wall time", "CPU time (process tree)", "peak memory (process tree)"],
                       rows),
        "",
        f"Goal (issue 24.3): all four together <= {GOAL_SECONDS:.0f} s and <= {GOAL_GB:.0f} GB: **{verdict}**.",
    ])


def _made(facts: dict) -> str:
    """How the log was made: by this script (seed 0), or given with ``--log``."""
    if "log" in GIVEN:
        return f"`{GIVEN['log'].name}`, written by `crmlib.datasets.make_transactions`"
    return "`crmlib.datasets.make_transactions`, seed 0"


def write_readme(text: str, readme: Path = HERE / "README.md") -> None:
    old = readme.read_text(encoding="utf-8")
    new = f"{START}\n{text.strip()}\n{END}"
    if START in old and END in old:
        head, rest = old.split(START, 1)
        updated = head + new + rest.split(END, 1)[1]
    else:
        updated = old.rstrip("\n") + "\n\n## Reports on a large log: `make bench-reports` (issue 24.3)\n\n" + new + "\n"
    readme.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of the generated log")
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench-reports/data"), help="folder of the log")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-reports/out"), help="folder of the pages")
    parser.add_argument("--no-readme", action="store_true", help="print the results only")
    parser.add_argument("--reports", default=",".join(REPORTS),
                        help=f"comma-separated reports to run (default: {','.join(REPORTS)}); a subset never "
                             "rewrites the README")
    parser.add_argument("--batch", action="store_true",
                        help="run the reports as one batch (one command; one customer table per log and options)")
    parser.add_argument("--log", type=Path, default=None,
                        help="an existing log of --rows rows (e.g. /tmp/large-bench/bgnbd_log_10000000.parquet, "
                             "written by make_transactions) instead of writing one into --data")
    parser.add_argument("--jobs", type=int, default=1, help="with --batch: kernels run at once (crmlib report -j)")
    args = parser.parse_args(argv)
    if args.log is not None:
        GIVEN["log"] = args.log.resolve()
    reports = tuple(r.strip() for r in args.reports.split(",") if r.strip())
    unknown = [r for r in reports if r not in REPORTS]
    if unknown or not reports:
        parser.error(f"--reports {args.reports!r}: choose from {', '.join(REPORTS)}")
    results, facts = (run_batch(args.rows, args.data, args.out, reports, args.jobs) if args.batch
                      else run(args.rows, args.data, args.out, reports))
    subset = (("" if reports == REPORTS else f" --reports {','.join(reports)}") + (" --batch" if args.batch else "")
              + (f" --jobs {args.jobs}" if args.batch and args.jobs > 1 else "")
              + (f" --log {args.log}" if args.log is not None else ""))
    text = (batch_block if args.batch else block)(
        results, facts, f"python benchmarks/bench_reports.py --rows {args.rows}{subset}")
    print(text)
    if not args.no_readme and reports == REPORTS:
        write_readme(text)
    return 0 if all(r["code"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
