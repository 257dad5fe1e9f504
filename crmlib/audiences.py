"""Remarketing audiences and user-data import files, written without raw PII.

Two kinds of file leave crmlib for other systems:

Customer-list audiences (:func:`export`)
    One CSV per audience for an ad platform's customer-list upload, with a JSON manifest
    beside it (``NAME.manifest.json``: segments, counts, date, hashing rules, skipped rows and
    why). ``kind`` chooses the column:

    * ``"ids"`` -> ``user_id``: keyed pseudonyms from :func:`crmlib.privacy.pseudonymise`
      (HMAC-SHA256 with the key in ``CRMLIB_SECRET``), for platforms that match on your own
      user id. Without ``CRMLIB_SECRET`` crmlib's public default key is used: the pseudonyms can
      then be re-identified by anyone who has crmlib, and the manifest says so in ``hashing``
      and ``warning`` (``re_identifiable: true``);
    * ``"hashed_email"`` -> ``hashed_email``: hex SHA-256 of the email normalised by
      :func:`crmlib.privacy.normalise_email` (surrounding spaces trimmed, lowercased);
    * ``"hashed_phone"`` -> ``hashed_phone``: hex SHA-256 of the phone in E.164 form
      (``+919876543210``) from :func:`crmlib.privacy.normalise_phone`, numbers without a
      country code taken as ``default_region`` (India by default). Some platforms want the
      digits without ``+``: pass ``phone_format="digits"``.

    The email and phone hashes are *unkeyed* on purpose: the platform hashes its own users'
    addresses the same way to match them. Anyone holding a list of addresses can do the same,
    so these files are still personal data under the GDPR and India's DPDP Act (pseudonymised,
    not anonymous): send them only to the platform, over its upload channel, and delete them
    after. Rows without a usable email or phone are skipped and counted in the manifest, never
    dropped silently; the same hash is written once.

User-data import (:func:`user_data_import`)
    One row per customer keyed by the pseudonymised ``user_id``, with columns that analytics
    platforms accept as custom dimension names (letters, digits and ``_``, starting with a
    letter, at most 40 characters): ``user_id, segment, r_score, f_score, m_score,
    last_purchase_date, loyalty_tier, predicted_clv`` (the last three when known). No names,
    emails or phones; duplicate keys are refused. Its manifest describes the pseudonyms as the
    audience manifests do.

Row order
    Every file lists its rows in the order of the pseudonym or hash it holds, never in the
    order of raw customer ids or of the input: two files made with different secrets cannot be
    matched row by row, and a file's order says nothing about the customers.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib import privacy
from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.safe import write_csv

KINDS = {"ids": "user_id", "hashed_email": "hashed_email", "hashed_phone": "hashed_phone"}
DIMENSION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
HASHING_RULES = {
    # {pseudonyms}: crmlib.privacy.pseudonym_note(key), which depends on the key in use
    "ids": "user_id = crmlib.privacy.pseudonymise(customer_id): {pseudonyms}",
    "hashed_email": "hashed_email = hex SHA-256 (UTF-8) of the email trimmed and lowercased "
                    "(crmlib.privacy.normalise_email); unkeyed, as ad platforms expect.",
    "hashed_phone": "hashed_phone = hex SHA-256 (UTF-8) of the phone in E.164 form (+, country code, number; "
                    "crmlib.privacy.normalise_phone, default region {region}){digits}; unkeyed, as ad "
                    "platforms expect.",
}
PERSONAL_DATA_NOTE = ("Unkeyed hashes of emails or phones are still personal data (GDPR, India DPDP Act): "
                      "send only to the ad platform and delete after upload.")


def sha256_hex(text: str) -> str:
    """Hex SHA-256 of ``text`` encoded as UTF-8.

    >>> sha256_hex("test@example.com")[:16]
    '973dfe463ec85785'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalise(fn, values: pd.Series, **kw) -> pd.Series:
    """Apply a privacy normaliser element-wise; blanks and failures become None."""
    out = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)) or not str(v).strip():
            out.append(None)
            continue
        try:
            r = fn(str(v), **kw)
        except (ValueError, TypeError):
            r = None
        out.append(None if r is None or (not isinstance(r, str) and pd.isna(r)) or not str(r) else str(r))
    return pd.Series(out, index=values.index, dtype=object)


def _selected(segments: pd.Series, segment) -> tuple[list[str], pd.Index]:
    if not isinstance(segments, pd.Series):
        raise DataError("segments must be a Series of segment names indexed by customer_id "
                        "(from crmlib.rfm.segment).")
    wanted = [segment] if isinstance(segment, str) else list(segment)
    known = set(segments.astype(str).unique())
    if isinstance(segments.dtype, pd.CategoricalDtype):
        known |= set(map(str, segments.cat.categories))
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise DataError(f"segment(s) {unknown} not found; the segments are {sorted(known)}.")
    ids = segments.index[segments.astype(str).isin(wanted).to_numpy()]
    return wanted, ids


def _customer_table(customers: pd.DataFrame, column: str) -> pd.Series:
    if customers is None:
        raise DataError(f"An audience of kind '{column}' needs the customers table with a '{column}' column "
                        "(crmlib.io.read_customers); only kind='ids' works without it.")
    df = customers.reset_index() if "customer_id" not in customers.columns else customers
    require_columns(df, ("customer_id", column), f"audience of kind '{column}'", "customers",
                    "Load the customers file with crmlib.io.read_customers.")
    ids = df["customer_id"].astype(str)
    if ids.duplicated().any():
        raise DataError(f"customers: column 'customer_id' has duplicates, e.g. "
                        f"{list(ids[ids.duplicated()].unique()[:5])}; each customer must appear once.")
    return pd.Series(df[column].to_numpy(), index=pd.Index(ids, name="customer_id"), name=column)


def manifest_path(path) -> Path:
    """Where the manifest of the file ``path`` goes: ``NAME.manifest.json`` beside it."""
    p = Path(path)
    return p.with_name(p.stem + ".manifest.json")


def _pseudonym_fields(key) -> dict:
    """Manifest fields on the pseudonyms made with ``key``: how they are made, whether anyone
    can re-identify them (the public default key), and then what to do."""
    fields = {"hashing": HASHING_RULES["ids"].format(pseudonyms=privacy.pseudonym_note(key)),
              "re_identifiable": privacy.using_default_key(key)}
    if fields["re_identifiable"]:
        fields["warning"] = privacy.default_key_warning(key)
    return fields


def export(customers: pd.DataFrame | None, segments: pd.Series, segment, kind: str = "ids",
           path=None, key: str | bytes | None = None, default_region: str = "IN",
           phone_format: str = "e164", observation_end=None) -> dict:
    """Write the customers of ``segment`` (a name or a list of names) as an audience CSV.

    ``segments`` is a Series of segment names indexed by customer id; ``customers`` the
    customers table (``customer_id`` plus ``email`` / ``phone``; may be None for
    ``kind="ids"``). Writes ``path`` (one column, see the module docstring, rows sorted by the
    value written so the order reveals nothing) and the manifest beside it; returns the manifest
    as a dict.
    """
    if kind not in KINDS:
        raise DataError(f"kind must be one of {list(KINDS)}, got {kind!r}.")
    if phone_format not in ("e164", "digits"):
        raise DataError(f"phone_format must be 'e164' or 'digits', got {phone_format!r}.")
    if path is None:
        raise DataError("export() needs path=, the CSV file to write.")
    path = Path(path)
    wanted, ids = _selected(segments, segment)
    ids = pd.Index(ids.astype(str), name="customer_id")
    skipped: dict[str, int] = {}
    column = KINDS[kind]
    if kind == "ids":
        values = pd.Series(np.asarray(privacy.pseudonymise(pd.Series(ids), key=key), dtype=object),
                           index=ids)
    else:
        raw_col = "email" if kind == "hashed_email" else "phone"
        table = _customer_table(customers, raw_col)
        missing = ~ids.isin(table.index)
        if missing.any():
            skipped["not in the customers table"] = int(missing.sum())
        raw = table.reindex(ids[~missing])
        blank = raw.isna() | raw.astype(str).str.strip().eq("")
        if blank.any():
            skipped[f"no {raw_col}"] = int(blank.sum())
        raw = raw[~blank]
        if kind == "hashed_email":
            norm = _normalise(privacy.normalise_email, raw)  # None unless a valid address
            ok = norm.map(lambda s: isinstance(s, str))
        else:
            norm = _normalise(privacy.normalise_phone, raw, default_region=default_region)
            ok = norm.map(lambda s: isinstance(s, str) and bool(re.fullmatch(r"\+[1-9]\d{6,14}", s)))
            if phone_format == "digits":
                norm = norm.map(lambda s: s[1:] if isinstance(s, str) else s)
        if (~ok).any():
            skipped[f"invalid {raw_col}"] = int((~ok).sum())
        values = norm[ok].map(sha256_hex)
    before = len(values)
    out = pd.DataFrame({column: sorted(set(values))})
    if before - len(out):
        skipped["duplicate (same value as another customer)"] = before - len(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, path)
    rules = (_pseudonym_fields(key) if kind == "ids" else {"hashing": HASHING_RULES[kind].format(
        region=default_region, digits=", '+' removed" if phone_format == "digits" else "")})
    manifest = {
        "file": path.name,
        "kind": kind,
        "column": column,
        "segments": wanted,
        "customers_in_segments": int(len(ids)),
        "rows_written": int(len(out)),
        "skipped": skipped,
        "created": date.today().isoformat(),
        "observation_end": None if observation_end is None else str(pd.Timestamp(observation_end).date()),
        **rules,
        "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    if kind != "ids":
        manifest["note"] = PERSONAL_DATA_NOTE
    manifest_path(path).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


#: The country of phone numbers written without a country code, by the currency of the amounts: a shop that
#: counts in taka has Bangladeshi customers (``01712-345678`` is ``+8801712345678``, not an Indian number).
PHONE_REGIONS = {"INR": "IN", "BDT": "BD", "USD": "US", "CAD": "CA", "GBP": "GB"}


def phone_region(currency: str | None, country: str | None = None) -> str:
    """``country`` (a report's ``country`` parameter) when given, else the country of ``currency``
    (:data:`PHONE_REGIONS`), else India.

    >>> phone_region("BDT"), phone_region("INR"), phone_region(None), phone_region("BDT", "gb")
    ('BD', 'IN', 'IN', 'GB')
    """
    if country is not None:
        if str(country).upper() not in PHONE_REGIONS.values():
            raise DataError(f"country must be one of {', '.join(PHONE_REGIONS.values())}, not {country!r}: "
                            "the country of the phone numbers written without a country code.")
        return str(country).upper()
    return PHONE_REGIONS.get(str(currency or "").upper(), "IN")


def unreadable_phones(customers: pd.DataFrame | None, region: str) -> int:
    """How many customers' phones (given, not blank) are not phone numbers of ``region`` or with a country
    code (:func:`crmlib.privacy.normalise_phone`): they are left out of every hashed-phone audience."""
    if customers is None or "phone" not in customers.columns:
        return 0
    given = customers["phone"].dropna()
    given = given[given.astype(str).str.strip().ne("")]
    return int(sum(privacy.normalise_phone(v, default_region=region) is None for v in given))


def export_audiences(customers: pd.DataFrame | None, segments: pd.Series, directory,
                     segment_names=None, kinds=None, key=None, default_region: str = "IN",
                     observation_end=None) -> pd.DataFrame:
    """Write one audience per segment and kind into ``directory``; return a table of the manifests.

    ``segment_names`` defaults to every segment with customers; ``kinds`` to ``ids`` plus the
    hashed kinds whose column (``email`` / ``phone``) the customers table has. Files are named
    ``audience_<segment>_<kind>.csv``.
    """
    directory = Path(directory)
    if segment_names is None:
        segment_names = [s for s in pd.Series(segments).astype(str).value_counts().index]
    if kinds is None:
        kinds = ["ids"]
        cols = set() if customers is None else set(customers.columns)
        kinds += [k for k, c in (("hashed_email", "email"), ("hashed_phone", "phone")) if c in cols]
    rows = []
    for seg in segment_names:
        for kind in kinds:
            m = export(customers, segments, seg, kind=kind, path=directory / f"audience_{_slug(seg)}_{kind}.csv",
                       key=key, default_region=default_region, observation_end=observation_end)
            rows.append({"segment": seg, "kind": kind, "file": m["file"], "customers": m["customers_in_segments"],
                         "rows": m["rows_written"], "skipped": sum(m["skipped"].values())})
    return pd.DataFrame(rows)


def user_data_rows(scored: pd.DataFrame, segments: pd.Series, customers: pd.DataFrame | None = None,
                   last_purchase: pd.Series | None = None, clv: pd.Series | None = None,
                   key: str | bytes | None = None) -> pd.DataFrame:
    """The rows of :func:`user_data_import` for the customers of ``scored``, in their order, unchecked
    and unsorted: an engine that writes the file in parts (Spark) builds each part with this."""
    idx = pd.Index(scored.index.astype(str), name="customer_id")
    seg = pd.Series(segments)
    seg.index = seg.index.astype(str)
    out = pd.DataFrame({
        "user_id": np.asarray(privacy.pseudonymise(pd.Series(idx), key=key), dtype=object),
        "segment": seg.reindex(idx).astype(object).to_numpy(),
        "r_score": scored["R"].to_numpy(dtype="int64"),
        "f_score": scored["F"].to_numpy(dtype="int64"),
        "m_score": scored["M"].to_numpy(dtype="int64"),
    })
    if last_purchase is not None:
        lp = pd.Series(pd.to_datetime(pd.Series(last_purchase)))
        lp.index = lp.index.astype(str)
        out["last_purchase_date"] = lp.reindex(idx).dt.strftime("%Y-%m-%d").to_numpy()
    if customers is not None and "loyalty_tier" in customers.columns:
        tiers = _customer_table(customers, "loyalty_tier")
        out["loyalty_tier"] = tiers.reindex(idx).to_numpy()
    if clv is not None:
        c = pd.to_numeric(pd.Series(clv), errors="coerce")
        c.index = c.index.astype(str)
        out["predicted_clv"] = c.reindex(idx).round(2).to_numpy()
    return out


def user_data_import(scored: pd.DataFrame, path, segments: pd.Series | None = None,
                     customers: pd.DataFrame | None = None, last_purchase: pd.Series | None = None,
                     clv: pd.Series | None = None, key: str | bytes | None = None) -> pd.DataFrame:
    """Write a user-data import CSV, one row per pseudonymised customer; return the frame written.

    ``scored`` is the output of :func:`crmlib.rfm.score` (indexed by customer id, columns
    ``R, F, M``); ``segments`` defaults to its ``segment`` column. ``last_purchase`` holds dates
    indexed by customer id: pass :func:`crmlib.summary.last_purchase` of the transactions.
    ``loyalty_tier`` comes from ``customers`` when it has that column, ``predicted_clv`` from
    ``clv``. Columns that are unknown are left out rather than written empty. Rows are sorted
    by ``user_id``, not by customer id or input order (which two files made with different
    secrets would share). A manifest is written beside the file.
    """
    require_columns(scored, ("R", "F", "M"), "user_data_import()", "scored customers",
                    "Score the summary with crmlib.rfm.score().")
    if segments is None:
        if "segment" not in scored.columns:
            raise DataError("user_data_import() needs segments=crmlib.rfm.segment(scored) or a 'segment' column.")
        segments = scored["segment"]
    idx = pd.Index(scored.index.astype(str), name="customer_id")
    if idx.has_duplicates:
        raise DataError(f"scored: duplicate customer ids {list(idx[idx.duplicated()][:5])}; one row per customer.")
    out = user_data_rows(scored, segments, customers, last_purchase, clv, key)
    bad = [c for c in out.columns if not DIMENSION_NAME.match(c)]
    if bad:  # only reachable if the column list above is edited
        raise DataError(f"columns {bad} are not valid custom dimension names (letter first, letters, digits, _; <= 40).")
    dup = out["user_id"].duplicated()
    if dup.any():
        raise DataError(f"{int(dup.sum())} pseudonymised ids collide; use a longer pseudonym or another key.")
    pii = privacy.find_pii_columns(out)
    if pii:
        raise DataError(f"user-data import would hold PII in column(s) {pii}; remove them before exporting.")
    # by pseudonym, not by raw id: the input order is shared by every file made from this table
    out = out.sort_values("user_id", kind="stable").reset_index(drop=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, path)
    manifest = {
        "file": path.name, "rows": int(len(out)), "key": "user_id", "columns": list(out.columns),
        "created": date.today().isoformat(),
        "observation_end": None if scored.attrs.get("observation_end") is None
        else str(pd.Timestamp(scored.attrs["observation_end"]).date()),
        **_pseudonym_fields(key),
        "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    manifest_path(path).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return out
