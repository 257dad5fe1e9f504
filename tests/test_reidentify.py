"""Issue 20, finding 10: a key holder maps an action list's pseudonyms back to real customer ids with
``crmlib reidentify``, into a private file that no page, index or manifest mentions."""

from __future__ import annotations

import hashlib
import hmac
import re
import stat

import pandas as pd
import pytest

from crmlib import datasets
from crmlib.cli import main
from crmlib.reidentify import PRIVATE_NOTE

KEY = "a-long-random-test-secret-for-reidentify"


def _pseudonym(customer_id: str, key: str = KEY) -> str:
    """crmlib's pseudonym written out independently: c_ + 16 hex digits of HMAC-SHA256."""
    return "c_" + hmac.new(key.encode(), customer_id.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.fixture
def small(tmp_path):
    """A customers file (ids with leading zeros and a float-style id, as exports write them), an
    action list of three of them (in another order, with an unknown pseudonym) and a reports folder."""
    customers = tmp_path / "data" / "customers.csv"
    customers.parent.mkdir()
    customers.write_text("customer_id,city\n007,Pune\n81.0,Dhaka\nC-9,Kolkata\n008,Delhi\n")
    action = tmp_path / "winback.csv"
    rows = [_pseudonym("C-9"), _pseudonym("81"), _pseudonym("nobody"), _pseudonym("007")]
    pd.DataFrame({"rank": [1, 2, 3, 4], "customer": rows, "action": ["remind"] * 4}).to_csv(action, index=False)
    reports = tmp_path / "reports"
    (reports / "retention").mkdir(parents=True)
    (reports / "index.json").write_text("{}")
    return customers, action, reports


def _run(customers, action, out, *extra):
    return main(["reidentify", "--customers", str(customers), "--list", str(action), "--out", str(out), *extra])


def test_reidentify_maps_pseudonyms_back_into_a_private_file(small, tmp_path, monkeypatch, capsys):
    customers, action, _ = small
    monkeypatch.setenv("CRMLIB_SECRET", KEY)
    out = tmp_path / "private" / "winback-ids.csv"
    out.parent.mkdir()
    assert _run(customers, action, out) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == PRIVATE_NOTE and "real customer ids" in lines[0]
    got = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
    assert list(got.columns) == ["rank", "customer", "customer_id", "action"]
    # ids by crmlib's id rule (81.0 is 81, leading zeros kept); rows and order kept; the unknown one blank
    assert got["customer_id"].tolist() == ["C-9", "81", "", "007"]
    said = capsys.readouterr()
    assert "3 of 4 rows" in said.out and "1 rows found no id" in said.err
    assert not re.search(r"\b(C-9|007)\b", said.out + said.err)  # counts only, never an id on screen


def test_reidentify_refuses_without_the_key_or_with_the_public_one(small, tmp_path, monkeypatch, capsys):
    customers, action, _ = small
    out = tmp_path / "ids.csv"
    monkeypatch.delenv("CRMLIB_SECRET", raising=False)
    assert _run(customers, action, out) == 1
    assert "CRMLIB_SECRET is not set" in capsys.readouterr().err
    monkeypatch.setenv("CRMLIB_SECRET", "crmlib-public-default-key")
    assert _run(customers, action, out) == 1
    err = capsys.readouterr().err
    assert "public default key" in err and "--allow-public-key" in err
    assert not out.exists()
    # forced: works, with a warning; the pseudonyms were made with the public key
    public = tmp_path / "public.csv"
    pd.DataFrame({"user_id": [_pseudonym("008", "crmlib-public-default-key")]}).to_csv(public, index=False)
    assert _run(customers, public, out, "--allow-public-key") == 0
    assert "warning" in capsys.readouterr().err
    assert pd.read_csv(out, comment="#", dtype=str)["customer_id"].tolist() == ["008"]


def test_reidentify_with_the_wrong_key_writes_nothing(small, tmp_path, monkeypatch, capsys):
    customers, action, _ = small
    monkeypatch.setenv("CRMLIB_SECRET", "another-secret-than-the-reports-used")
    out = tmp_path / "ids.csv"
    assert _run(customers, action, out) == 1
    assert "none of its 4 pseudonyms" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("where", ["index.json's folder", "a sub-folder", "the action list itself"])
def test_reidentify_refuses_a_path_inside_a_reports_folder(small, monkeypatch, capsys, where):
    customers, action, reports = small
    monkeypatch.setenv("CRMLIB_SECRET", KEY)
    target = {"index.json's folder": reports / "ids.csv", "a sub-folder": reports / "retention" / "ids.csv",
              "the action list itself": action}[where]
    before = target.read_bytes() if target.exists() else None
    assert _run(customers, action, target) == 1
    err = capsys.readouterr().err
    if where != "the action list itself":
        assert "inside the reports folder" in err
    else:
        assert "exists already" in err or "action list itself" in err
    assert (target.read_bytes() if target.exists() else None) == before


def test_reidentify_keeps_an_existing_file_unless_told(small, tmp_path, monkeypatch, capsys):
    customers, action, _ = small
    monkeypatch.setenv("CRMLIB_SECRET", KEY)
    out = tmp_path / "ids.csv"
    out.write_text("mine")
    out.chmod(0o644)
    assert _run(customers, action, out) == 1 and out.read_text() == "mine"
    assert _run(customers, action, out, "--overwrite") == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # narrowed, also for a file that existed


@pytest.mark.slow
def test_segments_report_lists_map_back_and_nothing_published_names_the_mapping(tmp_path, monkeypatch):
    """Round trip: the segment report on a small dataset with CRMLIB_SECRET set, then its user-data
    import and one audience mapped back; each row's last purchase date is the real customer's; the
    reports folder (pages, index, manifest, notebooks, CSVs) holds no raw id and no word of the file."""
    monkeypatch.setenv("CRMLIB_SECRET", KEY)
    from crmlib.reports import run_reports

    data = datasets.make_crm_dataset(n_customers=200, seed=11).write(tmp_path / "data")
    out = tmp_path / "reports"
    batch = run_reports(["segments"], out, inputs={"transactions": str(data["transactions"]),
                                                   "customers": str(data["customers"])}, progress=False)
    assert batch.ok, batch.summary()
    private = tmp_path / "private"
    private.mkdir()
    mapped = private / "user-data-with-ids.csv"
    assert main(["reidentify", "--customers", str(data["customers"]), "--transactions", str(data["transactions"]),
                 "--list", str(out / "segments" / "user_data_import.csv"), "--out", str(mapped)]) == 0
    got = pd.read_csv(mapped, comment="#", dtype=str)
    tx = pd.read_csv(data["transactions"], dtype={"customer_id": str}, parse_dates=["date"])
    assert got["customer_id"].notna().all() and set(got["customer_id"]) <= set(tx["customer_id"])
    assert (got["user_id"] == got["customer_id"].map(_pseudonym)).all()
    # the real customer's last day with a net purchase (a refund-only day is not a purchase)
    day = tx.assign(day=tx["date"].dt.normalize()).groupby(["customer_id", "day"])["amount"].sum()
    last = day[day > 0].reset_index().groupby("customer_id")["day"].max().dt.strftime("%Y-%m-%d")
    assert (got["last_purchase_date"] == got["customer_id"].map(last)).all()
    audience = next((out / "segments").glob("audience_*_ids.csv"))
    assert main(["reidentify", "--customers", str(data["customers"]), "--list", str(audience),
                 "--out", str(private / "audience.csv")]) == 0
    assert pd.read_csv(private / "audience.csv", comment="#", dtype=str)["customer_id"].notna().all()

    any_id = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(set(tx["customer_id"])))) + r")(?![\w-])")
    assert any_id.search(mapped.read_text(encoding="utf-8"))  # the check sees an id where there is one
    kinds = {".html", ".json", ".csv", ".ipynb", ".txt", ".md"}
    published = [p for p in out.rglob("*") if p.is_file() and p.suffix in kinds]
    assert any(p.name == "index.json" for p in published) and any(p.name == "index.html" for p in published)
    leaks = []
    for p in published:
        text = p.read_text(encoding="utf-8", errors="replace")
        found = set(any_id.findall(text))
        if found or mapped.name in text or str(private) in text:
            leaks.append(f"{p.relative_to(out)}: {sorted(found)[:3]}")
    assert leaks == []
