"""The audience and user-data import files of :mod:`crmlib.audiences`, written by Spark from the
table of :func:`crmlib.spark.customer_table`: :func:`export_audience` and :func:`user_data_import`.

Every row is made by crmlib's own functions, batch by batch on the executors (pseudonyms by
:func:`crmlib.privacy.pseudonymise`, user-data rows by :func:`crmlib.audiences.user_data_rows`,
formula injection neutralised and CSV written by :func:`crmlib.safe.write_csv`), and the rows are
sorted by the value written, as in pandas. Spark writes ``path`` as a directory of part files; read in
order (``part-00000...``), they are byte for byte the file the pandas function writes (tested), and
the manifest beside the directory (``NAME.manifest.json``) holds the pandas manifest's fields with
``file_sha256`` taken over the parts in that order. The key is resolved once on the driver
(``key``, else ``CRMLIB_SECRET`` there), so executors never need the secret in their environment.
Manifests and hashes are written for local paths; on a cluster file system the parts are written
and the manifest is returned.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd

from crmlib import audiences, privacy
from crmlib.exceptions import DataError
from crmlib.safe import write_csv
from crmlib.spark.summary import _pyspark


def _lines(frame: pd.DataFrame, header: bool) -> list[str]:
    buffer = io.StringIO()
    write_csv(frame, buffer, header=header)
    return buffer.getvalue().splitlines()


def _write(rows, header: str, path: str) -> dict:
    """Write the lines of ``rows`` (``key``, ``line``) sorted by key after the ``header`` line."""
    spark = rows.sparkSession
    head = spark.createDataFrame([("", header)], "key string, line string")
    (head.unionByName(rows).orderBy("key").select("line")
     .write.mode("overwrite").option("lineSep", "\n").text(path))
    local = Path(path.removeprefix("file://")) if "://" not in path or path.startswith("file://") else None
    if local is None:
        return {"file": path.rstrip("/").rsplit("/", 1)[-1]}
    parts = sorted(p for p in local.iterdir() if p.name.startswith("part-"))
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.read_bytes())
    return {"file": local.name, "parts": [p.name for p in parts], "file_sha256": digest.hexdigest()}


def _manifest(path: str, manifest: dict) -> dict:
    if "file_sha256" in manifest:
        target = audiences.manifest_path(Path(path.removeprefix("file://")))
        target.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def export_audience(scores, segment, path: str, key: str | bytes | None = None) -> dict:
    """The audience of ``segment`` (a name or a list of names) as :func:`crmlib.audiences.export`
    with ``kind="ids"`` writes it: one column ``user_id``, distinct pseudonyms sorted. ``scores`` is
    the result of :func:`crmlib.spark.customer_table`. Returns the manifest."""
    _, F = _pyspark()
    from pyspark.sql.types import StringType

    wanted = [segment] if isinstance(segment, str) else list(segment)
    unknown = [s for s in wanted if s not in scores.attrs["segments"]]
    if unknown:
        raise DataError(f"segment(s) {unknown} not found; the segments are {sorted(scores.attrs['segments'])}.")
    secret = privacy._resolve_key(key)

    @F.pandas_udf(StringType())
    def pseudonym(ids: pd.Series) -> pd.Series:
        return privacy.pseudonymise(ids.astype(str), key=secret).astype(object)

    members = scores.table.filter(F.col("segment").isin(wanted)).select(pseudonym("customer_id").alias("key"))
    members = members.cache()
    ids = members.distinct()

    def lines(batches):
        for b in batches:
            yield pd.DataFrame({"key": b["key"], "line": _lines(pd.DataFrame({"user_id": b["key"]}), header=False)})

    n_members, n_rows = members.count(), ids.count()
    written = _write(ids.mapInPandas(lines, "key string, line string"), "user_id", path)
    members.unpersist()
    skipped = {"duplicate (same value as another customer)": n_members - n_rows} if n_members - n_rows else {}
    end = scores.attrs.get("observation_end")
    manifest = {"file": written["file"], "kind": "ids", "column": "user_id", "segments": wanted,
                "customers_in_segments": int(n_members), "rows_written": int(n_rows), "skipped": skipped,
                "created": date.today().isoformat(), "observation_end": None if end is None else str(end.date()),
                **audiences._pseudonym_fields(key), **{k: v for k, v in written.items() if k != "file"}}
    return _manifest(path, manifest)


def user_data_import(scores, path: str, key: str | bytes | None = None) -> dict:
    """The user-data import file of :func:`crmlib.audiences.user_data_import` for the customers of
    ``scores`` (:func:`crmlib.spark.customer_table`): ``user_id, segment, r_score, f_score, m_score,
    last_purchase_date`` and ``predicted_clv`` when the table has CLV, sorted by ``user_id``.
    Returns the manifest."""
    _pyspark()
    table, end = scores.table, pd.Timestamp(scores.attrs["observation_end"])
    has_clv = "clv" in table.columns
    secret = privacy._resolve_key(key)

    def frame(b: pd.DataFrame) -> pd.DataFrame:
        ids = pd.Index(b["customer_id"].astype(str), name="customer_id")
        scored = pd.DataFrame({c: b[c].to_numpy() for c in ("R", "F", "M")}, index=ids)
        last = pd.Series(end - pd.to_timedelta(b["days_since_last_purchase"].to_numpy(), unit="D"), index=ids)
        clv = pd.Series(b["clv"].to_numpy(), index=ids) if has_clv else None
        return audiences.user_data_rows(scored, pd.Series(b["segment"].to_numpy(), index=ids),
                                        last_purchase=last, clv=clv, key=secret)

    def rows(batches):
        for b in batches:
            out = frame(b)
            yield pd.DataFrame({"key": out["user_id"].astype(str), "line": _lines(out, header=False)})

    columns = ["customer_id", "segment", "R", "F", "M", "days_since_last_purchase"] + (["clv"] if has_clv else [])
    sample = frame(table.select(*columns).limit(1000).toPandas())
    pii = privacy.find_pii_columns(sample)
    if pii:
        raise DataError(f"user-data import would hold PII in column(s) {pii}; remove them before exporting.")
    lines = table.select(*columns).mapInPandas(rows, "key string, line string").cache()
    n, distinct = lines.count(), lines.select("key").distinct().count()
    if distinct < n:
        raise DataError(f"{n - distinct} pseudonymised ids collide; use a longer pseudonym or another key.")
    header = list(sample.columns)
    written = _write(lines, ",".join(header), path)
    lines.unpersist()
    manifest = {"file": written["file"], "rows": int(n), "key": "user_id", "columns": header,
                "created": date.today().isoformat(), "observation_end": str(end.date()),
                **audiences._pseudonym_fields(key), **{k: v for k, v in written.items() if k != "file"}}
    return _manifest(path, manifest)
