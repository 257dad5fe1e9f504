"""Pure parts of the CLV benchmark: the simulator, the machine description and the table writer.

Nothing here times anything or starts a process, so ``tests/test_benchmark_harness.py`` can test
it in a fraction of a second. ``bench_clv.py`` does the running.

The simulated customers follow the BG/NBD story of Fader, Hardie and Lee (2005), "Counting your
customers the easy way", Marketing Science 24(2): while active a customer buys at Poisson rate
lambda ~ Gamma(r, alpha), and after each repeat purchase drops out with probability
p ~ Beta(a, b). Spend per purchase follows the gamma-gamma model of Fader, Hardie and Lee (2005),
"RFM and CLV: using iso-value curves", JMR 42(4). The default parameters are the published CDNOW
estimates, so the simulated data look like CDNOW blown up to a million customers.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import re
from pathlib import Path

import numpy as np

#: BG/NBD estimates on CDNOW, Fader, Hardie and Lee (2005), section 5 (time unit: weeks).
BGNBD_CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
#: Gamma-gamma estimates on CDNOW, Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary Value".
GAMMA_GAMMA_CDNOW = {"p": 6.25, "q": 3.74, "v": 15.44}

START_MARK = "<!-- bench:results:start -->"
END_MARK = "<!-- bench:results:end -->"


def simulate_bgnbd(
    n_customers: int,
    seed: int = 0,
    params: dict[str, float] | None = None,
    spend_params: dict[str, float] | None = None,
    T_weeks: tuple[float, float] = (27.0, 39.0),
) -> dict[str, np.ndarray]:
    """Simulate RFM summaries of ``n_customers`` BG/NBD customers observed at daily resolution.

    Each customer's first purchase falls uniformly in a 12-week cohort window so that the
    observation length ``T`` is a whole number of days between ``T_weeks``; repeat purchases are
    recorded on whole days, as a transaction log would give them. All times are returned in weeks
    (days / 7), the unit the published parameters use.

    Returns a dict of arrays ``frequency`` (int64, repeat purchases), ``recency`` and ``T`` (weeks),
    and ``monetary_value`` (mean spend of the repeat purchases, 0 when there are none).

    >>> s = simulate_bgnbd(1000, seed=1)
    >>> sorted(s)
    ['T', 'frequency', 'monetary_value', 'recency']
    >>> bool((s["recency"] <= s["T"]).all() and (s["recency"][s["frequency"] == 0] == 0).all())
    True
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    par = {**BGNBD_CDNOW, **(params or {})}
    spend = {**GAMMA_GAMMA_CDNOW, **(spend_params or {})}
    rng = np.random.default_rng(seed)
    n = int(n_customers)

    lo_days, hi_days = round(T_weeks[0] * 7), round(T_weeks[1] * 7)
    T_days = rng.integers(lo_days, hi_days + 1, size=n).astype(float)

    lam = rng.gamma(par["r"], 1.0 / par["alpha"], size=n)  # purchases per week while active
    p = rng.beta(par["a"], par["b"], size=n)
    # Purchases the customer would make over T if never dropping out, and the repeat purchase
    # after which the customer drops out (geometric on 1, 2, ...).
    n_poisson = rng.poisson(lam * T_days / 7.0)
    dropout_at = rng.geometric(np.clip(p, 1e-12, 1.0))
    frequency = np.minimum(n_poisson, dropout_at).astype(np.int64)

    # Given n arrivals on (0, T), the x-th arrival time is T * Beta(x, n - x + 1).
    buyers = frequency > 0
    u = np.zeros(n)
    u[buyers] = rng.beta(frequency[buyers], n_poisson[buyers] - frequency[buyers] + 1)
    recency_days = np.where(buyers, np.clip(np.ceil(u * T_days), 1.0, T_days), 0.0)

    nu = rng.gamma(spend["q"], 1.0 / spend["v"], size=n)  # per-customer spend rate
    mean_spend = np.zeros(n)
    shape = spend["p"] * frequency[buyers]
    mean_spend[buyers] = rng.gamma(shape, 1.0 / (nu[buyers] * frequency[buyers]))
    monetary_value = np.round(mean_spend, 2)
    # A recorded repeat purchase is never free: keep monetary_value > 0 where frequency > 0.
    monetary_value[buyers] = np.maximum(monetary_value[buyers], 0.01)

    return {
        "frequency": frequency,
        "recency": recency_days / 7.0,
        "T": T_days / 7.0,
        "monetary_value": monetary_value,
    }


def distinct_rows(frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> int:
    """Number of distinct (frequency, recency, T) rows: what a weighted fit has to evaluate.

    >>> distinct_rows(np.array([0, 0, 1]), np.array([0.0, 0.0, 2.0]), np.array([5.0, 5.0, 5.0]))
    2
    """
    stacked = np.column_stack([frequency, recency, T])
    return int(np.unique(stacked, axis=0).shape[0])


def machine_info(proc: Path = Path("/proc")) -> dict[str, str]:
    """Cores, CPU model, memory and OS of this machine, read from /proc where present."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = proc / "cpuinfo"
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), flags=re.MULTILINE)
        if match:
            cpu = match.group(1).strip()
    memory = "unknown"
    meminfo = proc / "meminfo"
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s*(\d+)\s*kB", meminfo.read_text(), flags=re.MULTILINE)
        if match:
            memory = f"{int(match.group(1)) / 1024**2:.1f} GiB"
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "date": _dt.date.today().isoformat(),
    }


def format_seconds(seconds: float | None, timed_out: bool = False, timeout: float | None = None) -> str:
    """A timing cell: '0.123 s', '>= 1200 s' for a run stopped at the timeout, '-' if not run.

    >>> format_seconds(0.12345), format_seconds(None, timed_out=True, timeout=1200), format_seconds(None)
    ('0.123 s', '>= 1200 s', '-')
    """
    if timed_out:
        return f">= {timeout:.0f} s"
    if seconds is None:
        return "-"
    if seconds >= 100:
        return f"{seconds:.0f} s"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.3f} s"


def format_ratio(lifetimes_s: float | None, crmlib_s: float | None, timed_out: bool = False,
                 timeout: float | None = None) -> str:
    """Speed-up lifetimes/crmlib; a timed-out lifetimes run gives a lower bound '>= N x'.

    >>> format_ratio(10.0, 0.5), format_ratio(None, 2.0, timed_out=True, timeout=1200), format_ratio(None, 1.0)
    ('20x', '>= 600x', '-')
    """
    if crmlib_s is None or crmlib_s <= 0:
        return "-"
    if timed_out:
        return f">= {timeout / crmlib_s:.3g}x"
    if lifetimes_s is None:
        return "-"
    return f"{lifetimes_s / crmlib_s:.3g}x"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub markdown table; every row must have as many cells as the header.

    >>> print(markdown_table(["a", "b"], [["1", "2"]]))
    | a | b |
    |---|---|
    | 1 | 2 |
    """
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise ValueError(f"row {i} has {len(row)} cells, the header has {len(header)}: {row}")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def replace_results(readme_text: str, block: str) -> str:
    """Put ``block`` between the results markers of the README, replacing what was there.

    If the markers are missing they are appended, so a README never silently keeps old numbers.

    >>> replace_results("intro\\n" + START_MARK + "\\nold\\n" + END_MARK + "\\nend", "new").split("\\n")[2]
    'new'
    """
    new = f"{START_MARK}\n{block.strip()}\n{END_MARK}"
    if START_MARK in readme_text and END_MARK in readme_text:
        head, rest = readme_text.split(START_MARK, 1)
        _, tail = rest.split(END_MARK, 1)
        return head + new + tail
    return readme_text.rstrip("\n") + "\n\n" + new + "\n"
