"""The churn models' line features of a :class:`crmlib.TransactionLog`, aggregated per customer in DuckDB.

:func:`crmlib.churn.churn_features` takes its RFM features from :func:`crmlib.customer_table` and its
purchase-day counts from :mod:`crmlib.purchases`, both of which read a log as they read a frame. The
features counted on transaction lines (``categories``, ``return_share``, ``channel_*``) are computed
here from the log's lines (:func:`crmlib.log_tables.lines`), one row per customer (and channel), so
that only per-customer tables enter pandas. Lines are those of the days up to the cut-off; the frame
compares timestamps with the cut-off (midnight), so on data with times of day the cut-off's own day
counts here and not there.
"""

from __future__ import annotations

import pandas as pd

from crmlib import log_tables
from crmlib.summary_sql import to_day


def line_features(log, cutoff, index: pd.Index, only: pd.Index | None = None) -> pd.DataFrame:
    """``categories`` (when the files have the column), ``return_share`` and ``channel_*`` shares of
    lines (when a line has a channel) per customer of ``index``, as :func:`crmlib.churn.churn_features`.
    With ``only`` (a sample of the customers), the lines of these customers alone are aggregated, so
    that no other customer's row enters pandas; the sample's values are the same."""
    lines, day = log_tables.lines(log), to_day(pd.Timestamp(cutoff))
    con = log.con
    where = f"day <= {day}"
    if only is not None:
        con.register(_SAMPLE, pd.DataFrame({"cid": only.astype(str).to_numpy(dtype=object)}))
        where += f" AND cid IN (SELECT cid FROM {_SAMPLE})"
    try:
        return _line_features(log, con, lines, where, index)
    finally:
        if only is not None:
            con.unregister(_SAMPLE)


_SAMPLE = "crmlib_churn_sample"


def _line_features(log, con, lines: str, where: str, index: pd.Index) -> pd.DataFrame:
    per = con.execute(f"""SELECT cid, COUNT(DISTINCT category) AS categories,
            SUM(CASE WHEN amt < 0 THEN n ELSE 0 END) / SUM(n) AS return_share
        FROM {lines} WHERE {where} GROUP BY 1""").df()
    per = per.set_index(pd.Index(per.pop("cid").astype("string"), name="customer_id"))
    out = pd.DataFrame(index=index)
    if "category" in log._raw_columns:
        out["categories"] = per["categories"].reindex(index, fill_value=0).to_numpy()
    out["return_share"] = per["return_share"].reindex(index, fill_value=0.0).to_numpy()
    if con.execute(f"SELECT COUNT(channel) FROM {lines} WHERE {where}").fetchone()[0]:
        shares = con.execute(f"""SELECT cid, COALESCE(channel, 'unknown') AS channel,
                SUM(n) / SUM(SUM(n)) OVER (PARTITION BY cid) AS share
            FROM {lines} WHERE {where} GROUP BY 1, 2""").df()
        wide = shares.pivot(index="cid", columns="channel", values="share").fillna(0.0)
        wide.index = pd.Index(wide.index.astype("string"), name="customer_id")
        wide = wide.reindex(columns=sorted(wide.columns)).add_prefix("channel_")
        out = out.join(wide.reindex(index, fill_value=0.0))
    return out


__all__ = ["line_features"]
