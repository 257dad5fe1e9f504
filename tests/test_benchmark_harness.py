"""The pure parts of the CLV benchmark harness (benchmarks/harness.py): simulator and table writer.

No timing is tested here; the benchmark itself is run by hand (``make bench``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from scipy import special


ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_harness", ROOT / "benchmarks" / "harness.py")
harness = importlib.util.module_from_spec(spec)
spec.loader.exec_module(harness)


@pytest.fixture(scope="module")
def sim():
    return harness.simulate_bgnbd(200_000, seed=42)


def test_simulator_is_reproducible_and_seed_dependent():
    a = harness.simulate_bgnbd(5_000, seed=7)
    b = harness.simulate_bgnbd(5_000, seed=7)
    c = harness.simulate_bgnbd(5_000, seed=8)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["recency"], c["recency"])


def test_simulator_rows_follow_the_rfm_summary_rules(sim):
    f, rec, T, m = sim["frequency"], sim["recency"], sim["T"], sim["monetary_value"]
    assert f.dtype == np.int64 and (f >= 0).all()
    assert ((rec >= 0) & (rec <= T)).all()
    assert ((T >= 27) & (T <= 39)).all()
    # Daily resolution: every time is a whole number of days.
    np.testing.assert_allclose(rec * 7, np.round(rec * 7), atol=1e-9)
    np.testing.assert_allclose(T * 7, np.round(T * 7), atol=1e-9)
    assert (rec[f == 0] == 0).all() and (rec[f > 0] >= 1 / 7).all()
    assert (m[f == 0] == 0).all() and (m[f > 0] > 0).all()


def test_share_of_one_time_buyers_matches_the_bgnbd_formula(sim):
    """P(X(T) = 0) = (alpha / (alpha + T))^r under BG/NBD (Fader, Hardie and Lee 2005, eq. 8).

    Averaged over the simulated T ~ U{189..273 days}; with 200,000 customers the standard error of
    the share is about 0.0011, so 0.005 is more than four standard errors.
    """
    p = harness.BGNBD_CDNOW
    T = np.arange(189, 274) / 7.0
    expected = np.mean((p["alpha"] / (p["alpha"] + T)) ** p["r"])
    assert abs(np.mean(sim["frequency"] == 0) - expected) < 0.005


def test_mean_frequency_matches_the_bgnbd_expectation(sim):
    """E[X(t)] of Fader, Hardie and Lee (2005), eq. 9, averaged over the simulated T.

    The simulated frequency has a standard deviation of about 2.3, so the standard error of
    the mean of 200,000 customers is about 0.005; the tolerance 0.03 is six of them.
    """
    r, alpha, a, b = (harness.BGNBD_CDNOW[k] for k in ("r", "alpha", "a", "b"))
    T = np.arange(189, 274) / 7.0
    z = T / (alpha + T)
    expected = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + T)) ** r * special.hyp2f1(r, b, a + b - 1, z))
    assert abs(sim["frequency"].mean() - expected.mean()) < 0.03


def test_mean_spend_matches_the_gamma_gamma_mean(sim):
    """E[mean spend] = p v / (q - 1) per transaction (Fader and Hardie 2013, gamma-gamma note).

    Given a customer's rate nu the mean of their purchases has expectation p / nu, and
    E[1 / nu] = v / (q - 1), so over all repeat buyers the expectation is p v / (q - 1) = 35.22.
    The heavy right tail (q = 3.74) gives a standard error near 0.1 with ~80,000 repeat buyers;
    the tolerance 1.0 is about ten of them (rounding to cents is negligible).
    """
    g = harness.GAMMA_GAMMA_CDNOW
    m = sim["monetary_value"][sim["frequency"] > 0]
    assert abs(m.mean() - g["p"] * g["v"] / (g["q"] - 1)) < 1.0


def test_simulator_rejects_no_customers():
    with pytest.raises(ValueError, match="n_customers"):
        harness.simulate_bgnbd(0)


@pytest.mark.slow
def test_distinct_rows_counts_identical_histories(sim):
    n = harness.distinct_rows(sim["frequency"], sim["recency"], sim["T"])
    assert 1_000 < n < len(sim["frequency"])
    assert harness.distinct_rows(np.array([1, 1]), np.array([2.0, 2.0]), np.array([3.0, 4.0])) == 2


def test_ratio_and_seconds_cells():
    assert harness.format_ratio(30.0, 1.5) == "20x"
    assert harness.format_ratio(None, 4.0, timed_out=True, timeout=1200) == ">= 300x"
    assert harness.format_ratio(5.0, None) == "-"
    assert harness.format_seconds(1234.4) == "1234 s"
    assert harness.format_seconds(12.34) == "12.3 s"
    assert harness.format_seconds(None, timed_out=True, timeout=600) == ">= 600 s"


def test_markdown_table_checks_row_length():
    table = harness.markdown_table(["n", "ratio"], [["10,000", "25x"], ["100,000", "30x"]])
    assert table.splitlines() == ["| n | ratio |", "|---|---|", "| 10,000 | 25x |", "| 100,000 | 30x |"]
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        harness.markdown_table(["a", "b"], [["only one"]])


def test_replace_results_swaps_only_the_marked_block(tmp_path: Path):
    readme = f"# Bench\ntext before\n{harness.START_MARK}\nold table\n{harness.END_MARK}\ntext after\n"
    new = harness.replace_results(readme, "| new |")
    assert "old table" not in new and "| new |" in new
    assert new.startswith("# Bench\ntext before\n") and new.endswith("text after\n")
    assert harness.replace_results(new, "| newer |").count(harness.START_MARK) == 1
    appended = harness.replace_results("# no markers", "| t |")
    assert appended.endswith(f"{harness.START_MARK}\n| t |\n{harness.END_MARK}\n")


def test_machine_info_reads_proc(tmp_path: Path):
    (tmp_path / "cpuinfo").write_text("processor\t: 0\nmodel name\t: Test CPU 3000\n")
    (tmp_path / "meminfo").write_text("MemTotal:       16777216 kB\n")
    info = harness.machine_info(proc=tmp_path)
    assert info["cpu"] == "Test CPU 3000" and info["memory"] == "16.0 GiB"
    assert int(info["cores"]) >= 1 and len(info["date"]) == 10


def _bench_reports():
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("bench_reports", ROOT / "benchmarks" / "bench_reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stubbed_bench_reports(monkeypatch, tmp_path, measure):
    """bench_reports with a fake 100-row log, no customer count and no README written: ``measure`` stands
    for running a command; returns the module and the list the README's blocks go to."""
    bench, written = _bench_reports(), []
    monkeypatch.setattr(bench, "make_log", lambda rows, data: (tmp_path / "tx.parquet", 0.0))
    monkeypatch.setattr(bench, "_customers", lambda path: 10)
    (tmp_path / "tx.parquet").write_bytes(b"x")
    monkeypatch.setattr(bench, "measure", measure)
    monkeypatch.setattr(bench, "write_readme", written.append)
    return bench, written


def test_bench_reports_runs_the_reports_asked_for_and_never_writes_the_readme_for_a_subset(monkeypatch, tmp_path):
    """``--reports retention`` runs only that report, names it in the table's total row and leaves the
    README's block (the four reports' record) alone; an unknown name is refused before any run."""
    asked = []
    result = {"code": 0, "seconds": 2.0, "cpu_s": 1.5, "peak_gb": 0.5, "output": ""}
    bench, written = _stubbed_bench_reports(monkeypatch, tmp_path,
                                            lambda command: asked.append(command[2]) or dict(result))
    assert bench.main(["--rows", "100", "--reports", "retention", "--out", str(tmp_path)]) == 0
    assert asked == ["retention"] and written == []
    results, facts = bench.run(100, tmp_path, tmp_path, ("clv", "retention"))
    assert "| **clv + retention** |" in bench.block(results, facts, "cmd")
    with pytest.raises(SystemExit):
        bench.main(["--reports", "retention,nope"])
    assert asked == ["retention", "clv", "retention"]


def test_bench_reports_batch_runs_one_command_and_reads_each_reports_time_from_the_index(monkeypatch, tmp_path):
    """``--batch`` measures one ``crmlib report overview segments clv retention`` command (the batch that
    shares the customer table), lists each report's own run time from the index and writes the README's
    block with the command's total."""
    import json

    asked = []
    result = {"code": 0, "seconds": 100.0, "cpu_s": 90.0, "peak_gb": 2.5, "output": ""}
    bench, written = _stubbed_bench_reports(monkeypatch, tmp_path,
                                            lambda command: asked.append(command[2:6]) or dict(result))
    (tmp_path / "index.json").write_text(json.dumps({"reports": {
        name: {"status": "ok", "duration": 10.0 + i} for i, name in enumerate(bench.REPORTS)}}))
    assert bench.main(["--rows", "100", "--batch", "--out", str(tmp_path)]) == 0
    assert asked == [list(bench.REPORTS)] and len(written) == 1
    text = written[0]
    assert "| clv | ok | 12.0 s |" in text and "**100.0 s**" in text and "--batch" in text
    assert "**met**" in text
