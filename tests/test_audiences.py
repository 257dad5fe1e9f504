"""Tests for crmlib.audiences: hashed customer-list audiences and user-data import files."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd
import pytest

from crmlib import audiences, privacy, rfm
from crmlib.exceptions import DataError

KEY = "test-secret-key"


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("CRMLIB_SECRET", KEY)


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.array(["C1", "C2", "C3", "C4", "C5", "C6"], dtype="string"),
        "name": ["Ravi Kumar", "Anita Das", "Md. Rahim", "Priya S", "Joe Bloggs", "Sita Roy"],
        "email": ["  Ravi.Kumar@Example.COM ", "anita@example.in", None, "not-an-email",
                  "joe@example.org", "ANITA@example.in"],
        "phone": ["+91 98765 43210", "098765-43211", "01712-345678", "", "12345", "9876543212"],
        "loyalty_tier": ["gold", "silver", "bronze", "gold", "silver", "bronze"],
    })


@pytest.fixture
def segments() -> pd.Series:
    return pd.Series(pd.Categorical(["Champions", "Champions", "Champions", "Champions", "Lost", "Champions"],
                                    categories=["Champions", "At Risk", "Lost"]),
                     index=pd.Index(["C1", "C2", "C3", "C4", "C5", "C6"], name="customer_id"), name="segment")


def raw_pii_strings(customers: pd.DataFrame) -> list[str]:
    """Every raw email and phone, as written and as bare digits / normalised forms."""
    out = []
    for v in pd.concat([customers["email"], customers["phone"]]).dropna():
        v = str(v).strip()
        if not v:
            continue
        out += [v, v.lower()]
        digits = re.sub(r"\D", "", v)
        if len(digits) >= 5:
            out += [digits, digits[-10:]]
    out += [e for e in map(privacy.normalise_email, customers["email"].dropna()) if e]
    out += [p for p in (privacy.normalise_phone(p, "IN") for p in customers["phone"].dropna()) if p]
    out += list(customers["name"])
    return out


def assert_no_raw_pii(text: str, customers: pd.DataFrame) -> None:
    for s in raw_pii_strings(customers):
        assert s.lower() not in text.lower(), f"raw PII {s!r} found in an exported file"


def test_hashed_email_audience_holds_sha256_of_normalised_emails_and_no_raw_email(tmp_path, customers, segments):
    path = tmp_path / "champions_email.csv"
    m = audiences.export(customers, segments, "Champions", kind="hashed_email", path=path)
    written = pd.read_csv(path, dtype=str)
    assert list(written.columns) == ["hashed_email"]
    # C1 and C6/C2 normalise to ravi.kumar@example.com and anita@example.in (C2 and C6 are one address)
    expected = sorted(hashlib.sha256(e.encode()).hexdigest()
                      for e in ["ravi.kumar@example.com", "anita@example.in"])
    assert written["hashed_email"].tolist() == expected
    assert m["customers_in_segments"] == 5 and m["rows_written"] == 2
    assert m["skipped"] == {"no email": 1, "invalid email": 1,
                            "duplicate (same value as another customer)": 1}
    text = path.read_text() + audiences.manifest_path(path).read_text()
    assert_no_raw_pii(text, customers)


def test_hashed_phone_audience_holds_sha256_of_e164_and_no_raw_phone(tmp_path, customers, segments):
    path = tmp_path / "champions_phone.csv"
    m = audiences.export(customers, segments, ["Champions"], kind="hashed_phone", path=path)
    written = pd.read_csv(path, dtype=str)["hashed_phone"].tolist()
    # C3's Bangladeshi number has no country code, so in region IN it is not a valid number
    e164 = ["+919876543210", "+919876543211", "+919876543212"]
    assert written == sorted(hashlib.sha256(p.encode()).hexdigest() for p in e164)
    assert m["skipped"] == {"no phone": 1, "invalid phone": 1}
    assert m["rows_written"] + sum(m["skipped"].values()) == m["customers_in_segments"]
    manifest = json.loads(audiences.manifest_path(path).read_text())
    assert manifest == m and "E.164" in manifest["hashing"] and "personal data" in manifest["note"]
    assert manifest["file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert_no_raw_pii(path.read_text() + audiences.manifest_path(path).read_text(), customers)
    # digits format (no '+') for platforms that want it
    digits = audiences.export(customers, segments, "Champions", kind="hashed_phone",
                              path=tmp_path / "d.csv", phone_format="digits")
    assert pd.read_csv(tmp_path / "d.csv", dtype=str)["hashed_phone"].tolist() == sorted(
        hashlib.sha256(p[1:].encode()).hexdigest() for p in e164)
    assert "'+' removed" in digits["hashing"]


def test_id_audience_holds_keyed_pseudonyms(tmp_path, customers, segments):
    path = tmp_path / "lost_ids.csv"
    m = audiences.export(None, segments, "Lost", kind="ids", path=path)
    written = pd.read_csv(path, dtype=str)["user_id"].tolist()
    assert written == privacy.pseudonymise(["C5"], key=KEY).tolist()
    assert m["rows_written"] == 1 and m["skipped"] == {}
    assert "C5" not in path.read_text()
    assert_no_raw_pii(path.read_text(), customers)


def test_export_audiences_writes_every_segment_and_kind(tmp_path, customers, segments):
    table = audiences.export_audiences(customers, segments, tmp_path / "aud")
    assert set(table["kind"]) == {"ids", "hashed_email", "hashed_phone"}
    assert set(table["segment"]) == {"Champions", "Lost"}
    files = sorted(p.name for p in (tmp_path / "aud").iterdir())
    assert len(files) == 2 * len(table)  # one CSV and one manifest each
    for p in (tmp_path / "aud").iterdir():
        assert_no_raw_pii(p.read_text(), customers)


def test_export_errors_name_the_problem(tmp_path, customers, segments):
    with pytest.raises(DataError, match=r"segment\(s\) \['Loyal'\] not found"):
        audiences.export(customers, segments, "Loyal", kind="ids", path=tmp_path / "x.csv")
    with pytest.raises(DataError, match="kind must be one of"):
        audiences.export(customers, segments, "Lost", kind="emails", path=tmp_path / "x.csv")
    with pytest.raises(DataError, match="needs the customers table"):
        audiences.export(None, segments, "Lost", kind="hashed_email", path=tmp_path / "x.csv")
    with pytest.raises(DataError, match=r"audience of kind 'phone' \(customers\): column 'phone' missing \(found: "):
        audiences.export(customers.drop(columns="phone"), segments, "Lost", kind="hashed_phone",
                         path=tmp_path / "x.csv")


def test_customers_missing_from_the_table_are_counted_not_dropped(tmp_path, customers, segments):
    seg = pd.concat([segments.astype(str), pd.Series({"C99": "Lost"})])
    m = audiences.export(customers, seg, "Lost", kind="hashed_email", path=tmp_path / "x.csv")
    assert m["customers_in_segments"] == 2 and m["rows_written"] == 1
    assert m["skipped"] == {"not in the customers table": 1}


def scored_frame(n=40, seed=42):
    rng = np.random.default_rng(seed)
    freq = rng.integers(0, 6, n)
    T = rng.integers(20, 200, n).astype(float)
    rec = np.where(freq > 0, np.floor(T * rng.random(n)), 0.0)
    summary = pd.DataFrame({"frequency": freq.astype(float), "recency": rec, "T": T,
                            "monetary_value": np.where(freq > 0, rng.gamma(2, 20, n), 0.0)},
                           index=pd.Index([f"C{i}" for i in range(1, n + 1)], name="customer_id", dtype="string"))
    summary.attrs.update(freq="D", observation_end=pd.Timestamp("2024-06-30"))
    scored = rfm.score(summary)
    scored["segment"] = rfm.segment(scored)
    return scored


def test_user_data_import_one_row_per_pseudonymised_customer_without_pii(tmp_path, customers):
    scored = scored_frame()
    clv = pd.Series(np.linspace(10, 400, len(scored)), index=scored.index)
    path = tmp_path / "user_data.csv"
    last = pd.Timestamp("2024-06-30") - pd.to_timedelta(scored["T"] - scored["recency"], unit="D")
    out = audiences.user_data_import(scored, path, customers=customers, clv=clv, last_purchase=last)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == ["user_id", "segment", "r_score", "f_score", "m_score",
                                  "last_purchase_date", "loyalty_tier", "predicted_clv"]
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", c) for c in back.columns)
    assert len(back) == len(scored) and not back["user_id"].duplicated().any()
    pid = dict(zip(scored.index, privacy.pseudonymise(list(scored.index), key=KEY)))
    assert back["user_id"].tolist() == sorted(pid.values())  # rows in pseudonym order
    by_id = back.set_index("user_id")
    assert by_id.loc[[pid[c] for c in scored.index], "r_score"].astype(int).tolist() == scored["R"].tolist()
    assert by_id.loc[pid["C1"], "loyalty_tier"] == "gold"
    assert by_id.loc[pid["C11"], "loyalty_tier"] == ""  # C11 is not in the customers table
    # last purchase = observation end - (T - recency) days
    gap = int(scored["T"].iloc[0] - scored["recency"].iloc[0])
    assert by_id.loc[pid["C1"], "last_purchase_date"] == (
        pd.Timestamp("2024-06-30") - pd.Timedelta(days=gap)).strftime("%Y-%m-%d")
    assert float(by_id.loc[pid["C40"], "predicted_clv"]) == pytest.approx(400.0)
    text = path.read_text()
    assert not re.search(r"\bC\d+\b", text)  # no raw customer ids
    assert_no_raw_pii(text, customers)
    assert privacy.find_pii_columns(out) == {}
    manifest = json.loads(audiences.manifest_path(path).read_text())
    assert manifest["rows"] == len(scored) and manifest["key"] == "user_id"
    assert manifest["re_identifiable"] is False and "warning" not in manifest
    assert "CRMLIB_SECRET" in manifest["hashing"] and "cannot be recomputed" in manifest["hashing"]


def test_user_data_import_uses_given_last_purchase_and_leaves_out_unknown_columns(tmp_path):
    scored = scored_frame(5)
    out = audiences.user_data_import(scored, tmp_path / "u.csv")
    assert list(out.columns) == ["user_id", "segment", "r_score", "f_score", "m_score"]
    lp = pd.Series(pd.to_datetime(["2024-01-0%d" % i for i in range(1, 6)]), index=scored.index)
    out = audiences.user_data_import(scored, tmp_path / "u.csv", last_purchase=lp)
    dates = out.set_index("user_id")["last_purchase_date"]
    assert dates[privacy.pseudonymise(["C1", "C2"], key=KEY)].tolist() == ["2024-01-01", "2024-01-02"]


def test_user_data_import_refuses_unscored_input(tmp_path):
    with pytest.raises(DataError, match=r"user_data_import\(\) \(scored customers\): columns 'R', 'F', 'M' missing"):
        audiences.user_data_import(pd.DataFrame({"frequency": [1]}), tmp_path / "u.csv")


# ---------------------------------------------------------------- issue 10: public key, row order

@pytest.fixture
def public_key(monkeypatch):
    """No CRMLIB_SECRET: crmlib's public default key, and its warning not yet given."""
    monkeypatch.delenv("CRMLIB_SECRET", raising=False)
    monkeypatch.setattr(privacy, "_warned_default_key", False)


def test_manifests_say_default_key_ids_can_be_re_identified(tmp_path, segments, public_key):
    """Issue 10: with the public key, 13 of 13 audience ids were reversed by enumerating plausible
    ids, yet the manifests said 'not reversible without the key'. Now they say who can
    re-identify the ids and how to fix it, and the first pseudonym made warns on the terminal."""
    with pytest.warns(privacy.DefaultKeyWarning, match="CRMLIB_SECRET"):
        audience = audiences.export(None, segments, "Champions", kind="ids", path=tmp_path / "a.csv")
    user_data = audiences.user_data_import(scored_frame(5), tmp_path / "u.csv")
    manifests = [audience, json.loads(audiences.manifest_path(tmp_path / "u.csv").read_text())]
    for m in manifests:
        assert m["re_identifiable"] is True
        assert "re-identified by anyone who has crmlib" in m["hashing"] and "Set CRMLIB_SECRET" in m["hashing"]
        assert "not reversible" not in json.dumps(m)
        assert m["warning"] == privacy.default_key_warning()
    assert len(user_data) == 5


def _raw_order(path, ids, key):
    """The raw customer ids in the order a file lists their pseudonyms."""
    back = dict(zip(privacy.pseudonymise(list(ids), key=key), ids))
    return [back[u] for u in pd.read_csv(path, dtype=str)["user_id"]]


def test_user_data_rows_are_in_pseudonym_order_not_raw_id_order(tmp_path, monkeypatch):
    """Issue 10: the user-data file listed rows in raw-id order, so two files made with different
    secrets could be matched row by row. Rows now follow the pseudonym, which the key scrambles,
    and do not depend on the input order."""
    scored = scored_frame()
    ids = list(scored.index)
    files = {}
    for key in ("first-secret", "second-secret"):
        monkeypatch.setenv("CRMLIB_SECRET", key)
        files[key] = tmp_path / f"{key}.csv"
        out = audiences.user_data_import(scored, files[key])
        assert out["user_id"].is_monotonic_increasing and out.index.equals(pd.RangeIndex(len(out)))
    first, second = (_raw_order(files[k], ids, k) for k in files)
    assert sorted(first) == sorted(ids) and first != ids and second != ids and first != second
    a, b = (pd.read_csv(f, dtype=str) for f in files.values())
    assert not (a.drop(columns="user_id") == b.drop(columns="user_id")).all(axis=None)
    shuffled = scored.sample(frac=1.0, random_state=7)
    audiences.user_data_import(shuffled, tmp_path / "shuffled.csv")
    assert (tmp_path / "shuffled.csv").read_bytes() == files["second-secret"].read_bytes()


@pytest.mark.parametrize("kind", list(audiences.KINDS))
def test_audience_rows_are_in_the_order_of_the_value_written(tmp_path, customers, segments, kind):
    """Every audience kind lists its rows sorted by the pseudonym or hash, whatever the order of
    customers and segments given."""
    path = tmp_path / "a.csv"
    audiences.export(customers, segments, "Champions", kind=kind, path=path)
    column = pd.read_csv(path, dtype=str)[audiences.KINDS[kind]]
    assert column.tolist() == sorted(column)
    flipped = tmp_path / "b.csv"
    audiences.export(customers.iloc[::-1], segments.iloc[::-1], "Champions", kind=kind, path=flipped)
    assert flipped.read_bytes() == path.read_bytes()
