"""Time and peak memory of each step of the per-customer table on a large log (issue 24.3).

    python benchmarks/bench_table_steps.py /tmp/large-bench/bgnbd_log_10000000.parquet [--intervals]

Steps: the summary in days, the spend summary, the scores and segments (weeks), then the model choice, the
predictions and the discounted value (``crmlib.customers.complete_table``), and with ``--intervals`` the 90 %
value intervals of the clv page. Each line gives the step's wall time, the process's peak RSS during the step
(sampled every 50 ms) and its RSS after. The log is any Parquet or CSV log crmlib reads (``make bench-summary``
writes generated ones to /tmp/large-bench).
"""

from __future__ import annotations

import argparse
import functools
import threading
import time


def _rss_gb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1e6
    return 0.0


class _Peak:
    """The process's RSS, sampled every 50 ms on a thread; :meth:`step` runs and reports one step."""

    def __init__(self):
        self.peak = 0.0
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        while True:
            self.peak = max(self.peak, _rss_gb())
            time.sleep(0.05)

    def step(self, name: str, func):
        self.peak = _rss_gb()
        started = time.perf_counter()
        out = func()
        took = time.perf_counter() - started
        print(f"{name:<24} {took:7.1f} s   peak {self.peak:5.2f} GB   after {_rss_gb():5.2f} GB", flush=True)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", help="a Parquet or CSV transaction log (or a glob of them)")
    parser.add_argument("--intervals", action="store_true", help="also the clv page's value intervals")
    args = parser.parse_args()

    import crmlib
    from crmlib import customers
    from crmlib.txlog import TransactionLog

    peak = _Peak()
    log = TransactionLog(args.log)
    peak.step("summary (days)", lambda: crmlib.rfm_summary(log, freq="D"))
    days = peak.step("spend summary", lambda: customers.spend_summary(log))
    scored = peak.step("scores and segments", functools.partial(customers.scored_table, days, "W"))
    del days  # as a report holds it: the scored table only
    table = peak.step("models and value", lambda: customers.complete_table(scored))
    print(f"{len(table):,} customers; model {table.attrs['model']}")
    if args.intervals and table.attrs.get("spend_model") is not None:
        from crmlib.clv.uncertainty import value_intervals

        peak.step("value intervals", lambda: value_intervals(table))


if __name__ == "__main__":
    main()
