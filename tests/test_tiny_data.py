"""Tiny and degenerate data through every shipped report (issue 18, point 5).

One ``crmlib report overview segments clv feedback retention -j 2`` batch per data set, each in its
own test (no shared fixture, so pytest-xdist spreads the batches over its workers). The command runs
in the test process (:func:`command_line.crmlib`), so the batches a worker runs share its fork server
for report kernels (imported once per worker, not once per batch) and no interpreter is started per
batch; the secret key the reports pseudonymise with is set in the environment as before. 1, 2, 10 and 60
customers; everyone bought once; everyone bought on one day; one category; blank amounts. Every
report must run (``ok`` in the index) and its page must show no traceback and no failure box: a
section that cannot be computed on such data says in a sentence why it is left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from command_line import crmlib

REPORTS = ("overview", "segments", "clv", "feedback", "retention")
COMMENTS = ["Fast delivery and good prices.", "The courier was late twice.", "Good app, easy returns.",
            "Prices went up, quality did not.", "Helpful staff at the store."]
CITIES, TIERS = ["Pune", "Kochi", "Delhi"], ["Gold", "Silver", "Bronze"]
CATEGORIES, CHANNELS = ["grocery", "fashion", "home"], ["web", "app", "store"]


def _customers_and_feedback(ids: list[str], rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = pd.DataFrame({
        "customer_id": ids,
        "signup_date": "2023-12-01",
        "city": [CITIES[i % 3] for i in range(len(ids))],
        "loyalty_tier": [TIERS[i % 3] for i in range(len(ids))],
    })
    feedback = pd.DataFrame({
        "customer_id": ids,
        "date": [str(pd.Timestamp("2024-07-01") + pd.Timedelta(days=int(d))) [:10]
                 for d in rng.integers(0, 150, len(ids))],
        "nps": [int(v) for v in rng.integers(0, 11, len(ids))],
        "csat": [int(v) for v in rng.integers(1, 6, len(ids))],
        "channel": [CHANNELS[i % 3] for i in range(len(ids))],
        "comment": [COMMENTS[i % len(COMMENTS)] for i in range(len(ids))],
    })
    return customers, feedback


def _transactions(rows: list[tuple[str, str, float]], categories=CATEGORIES) -> pd.DataFrame:
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    tx.insert(0, "order_id", [f"O{i:05d}" for i in range(1, len(tx) + 1)])
    tx["category"] = [categories[i % len(categories)] for i in range(len(tx))]
    tx["channel"] = [CHANNELS[i % 3] for i in range(len(tx))]
    return tx


def _varied(n: int, rng) -> list[tuple[str, str, float]]:
    """``n`` customers, 1 to 8 purchases each over 2024 (the first always bought more than once)."""
    rows = []
    for i in range(n):
        k = 3 if i == 0 else int(rng.integers(1, 9))
        days = sorted(rng.choice(366, size=k, replace=False))
        rows += [(f"C{i + 1:03d}", str(pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(d)))[:10],
                  round(float(rng.uniform(100, 5000)), 2)) for d in days]
    return rows


def dataset(kind: str) -> dict[str, pd.DataFrame]:
    """The degenerate data set ``kind`` as transactions, customers and feedback frames."""
    rng = np.random.default_rng(18)
    categories = CATEGORIES
    if kind.startswith("n"):
        rows = _varied(int(kind[1:]), rng)
    elif kind == "bought-once":
        rows = [(f"C{i + 1:03d}", str(pd.Timestamp("2024-01-05") + pd.Timedelta(days=11 * i))[:10],
                 float(200 + 37 * i)) for i in range(30)]
    elif kind == "one-day":
        rows = [(f"C{i % 20 + 1:03d}", "2024-06-01", float(150 + 23 * i)) for i in range(30)]
    elif kind == "one-category":
        rows, categories = _varied(30, rng), ["grocery"]
    elif kind == "blank-amounts":  # an export with blank amounts (issue 20.9): dropped and counted
        rows = [(c, d, None if i % 9 == 4 else a) for i, (c, d, a) in enumerate(_varied(60, rng))]
    else:
        raise ValueError(kind)
    tx = _transactions(rows, categories)
    ids = sorted(tx["customer_id"].unique())
    customers, feedback = _customers_and_feedback(ids, rng)
    return {"transactions": tx, "customers": customers, "feedback": feedback}


KINDS = ("n1", "n2", "n10", "n60", "bought-once", "one-day", "one-category", "blank-amounts")


def run_batch(kind: str, folder: Path, monkeypatch) -> dict:
    """Write data set ``kind`` under ``folder`` and run every report on it in one batch; return the
    index entries, the exit status and stderr."""
    files = {}
    for name, frame in dataset(kind).items():
        files[name] = folder / f"{name}.csv"
        frame.to_csv(files[name], index=False)
    out = folder / "out"
    monkeypatch.setenv("CRMLIB_SECRET", "tiny-data")
    proc = crmlib("report", *REPORTS, "-j", "2", "-q", "--out", out,
                  *[a for name, path in files.items() for a in (f"--{name}", path)])
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"]
    return {"status": proc.returncode, "stderr": proc.stderr, "entries": entries, "out": out}


def test_datasets_are_as_degenerate_as_named():
    assert dataset("n1")["transactions"]["customer_id"].nunique() == 1
    assert dataset("n60")["transactions"]["customer_id"].nunique() == 60
    assert dataset("bought-once")["transactions"]["customer_id"].is_unique
    assert dataset("one-day")["transactions"]["date"].nunique() == 1
    assert dataset("one-category")["transactions"]["category"].nunique() == 1


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_every_report_runs_on_tiny_and_degenerate_data(kind, tmp_path, monkeypatch):
    run = run_batch(kind, tmp_path, monkeypatch)
    failed = {stem: f"{e.get('step')}: {e.get('error')}" for stem, e in run["entries"].items() if e["status"] != "ok"}
    assert not failed and run["status"] == 0, (failed, run["stderr"][-2000:])
    assert sorted(e["name"] for e in run["entries"].values()) == sorted(REPORTS)
    for stem, e in run["entries"].items():
        page = (run["out"] / e["html_path"]).read_text(encoding="utf-8")
        assert "Traceback" not in page and 'class="crmlib-error"' not in page, stem
        assert "This report failed" not in page, stem
        if kind == "blank-amounts" and e["name"] != "feedback":  # each page's data-quality table says so
            assert "no amount" in page, stem


@pytest.mark.slow
def test_churn_comparison_runs_or_says_why_on_ten_customers():
    """Before: sklearn's binning raised 'window shape cannot be larger than input array shape' on a
    feature with one value in training, and the retention page failed on 10 and 60 customers."""
    from crmlib import churn
    from crmlib.exceptions import DataError

    for kind in ("n10", "n2"):
        data = {k: f.assign(date=lambda d: pd.to_datetime(d["date"])) for k, f in dataset(kind).items()
                if k != "customers"}
        try:
            result = churn.compare_churn_models(data["transactions"], feedback=data["feedback"], window_days=90,
                                                n_boot=10)
        except DataError as err:  # too few customers: a sentence the page shows, never a ValueError
            assert "churn models need" in str(err) or "came back" in str(err) or "churned" in str(err), err
        else:
            assert kind == "n10" and result.winner
