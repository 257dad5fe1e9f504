"""Where a report's time goes: its notebook's code cells run in order in this process, each timed, under cProfile.

    .venv/bin/python benchmarks/profile_report.py retention /tmp/bench-reports/data/tx-2000000.parquet

The parameters cell is run first with ``transactions`` set to the log (read out of core as the reports
read it) and ``output_dir`` to ``--out/NAME``; figures are drawn with the Agg backend and closed after each
cell, and what a cell displays is discarded. Prints the seconds of each cell, the peak RSS of the process
and the ``--top`` functions by cumulative time; the profile is written to ``--out/NAME.prof``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import time
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "crmlib" / "notebooks"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", help="overview, segments, clv or retention")
    parser.add_argument("log", type=Path, help="transactions file (e.g. Parquet)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/profile-report"), help="folder of files and profile")
    parser.add_argument("--top", type=int, default=60, help="functions listed by cumulative time")
    parser.add_argument("--plain", action="store_true",
                        help="no cProfile (which inflates many small Python calls): CPU and wall seconds per cell")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    notebook = json.loads((NOTEBOOKS / f"{args.report}.ipynb").read_text(encoding="utf-8"))
    cells = [("".join(c["source"]), c.get("metadata", {}).get("tags", []))
             for c in notebook["cells"] if c["cell_type"] == "code"]
    args.out.mkdir(parents=True, exist_ok=True)
    os.chdir(args.out)
    space, profile, total = {}, cProfile.Profile(), 0.0
    for i, (source, tags) in enumerate(cells):
        if "parameters" in tags:
            exec(source, space)
            space.update(transactions=str(args.log.resolve()), output_dir=str(args.out / args.report))
            continue
        start, cpu = time.perf_counter(), time.process_time()
        if not args.plain:
            profile.enable()
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"cell{i}", "exec"), space)
        if not args.plain:
            profile.disable()
        plt.close("all")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        total += seconds
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
        print(f"cell {i:2d} {seconds:7.2f} s (CPU {cpu:6.2f} s, peak RSS so far {peak:.2f} GB)  "
              f"{source.strip().splitlines()[0][:70]}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(f"all cells {total:.1f} s, peak RSS {peak:.2f} GB")
    if args.plain:
        return
    profile.dump_stats(args.out / f"{args.report}.prof")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
