"""The canonical RFM summary computed in Spark, for transactions that do not fit in pandas.

:func:`rfm_summary` takes a pyspark DataFrame of canonical transactions (``customer_id``,
``date``, ``amount``) and returns the same pandas summary as :func:`crmlib.summary.rfm_summary`,
computed by the very SQL that DuckDB runs for it (:mod:`crmlib.summary_sql`, the one written
definition of the rules; read :mod:`crmlib.summary` for them). All the work (days, customers,
holdout) happens in Spark SQL; only the per-customer table is brought back with ``toPandas()``.
Tens of millions of transactions give a few million customers at most, which fit in memory.

pyspark is an optional dependency (``pip install 'crmlib[spark]'``); it is imported only when
:func:`rfm_summary` is called. Usage, with a running SparkSession ``spark``::

    tx = spark.read.parquet("transactions.parquet")      # customer_id, date, amount
    summary = crmlib.spark.rfm_summary(tx, freq="W", calibration_end="2025-06-30")

Days are taken in the session time zone (``spark.sql.session.timeZone``); set it to the zone the
dates were recorded in, or to UTC for naive timestamps, so that a purchase falls on the same day as
in pandas.
"""

from __future__ import annotations

import uuid

import pandas as pd

from crmlib import summary_sql, units
from crmlib.exceptions import DataError
from crmlib.units import UNIT_DAYS

_COLUMNS = ("customer_id", "date", "amount")


def _pyspark():
    try:
        from pyspark.sql import DataFrame, functions
    except ImportError as err:
        raise ImportError("crmlib.spark needs pyspark, which is not installed: "
                          "pip install 'crmlib[spark]'") from err
    return DataFrame, functions


def _check(df, F) -> None:
    """Required columns present, no missing values: raise one DataError naming all problems."""
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"crmlib.spark.rfm_summary needs columns customer_id, date and amount; "
                        f"missing {missing} (the frame has {df.columns}). Rename the columns, or "
                        "load the file with crmlib.read_transactions and spark.createDataFrame.")
    amount = F.col("amount").cast("double")
    bad = {
        "customer_id": F.col("customer_id").isNull(),
        "date": F.col("date").isNull(),
        "amount": amount.isNull() | F.isnan(amount),
    }
    counts = df.agg(F.count(F.lit(1)).alias("rows"),
                    *[F.sum(rule.cast("long")).alias(c) for c, rule in bad.items()]).first()
    if counts["rows"] == 0:
        raise DataError("crmlib.spark.rfm_summary: the transactions are empty; there is nothing to summarise.")
    problems = []
    for column, rule in bad.items():
        if counts[column]:
            examples = [r["customer_id"] for r in df.filter(rule).select("customer_id").limit(5).collect()]
            problems.append(f"column '{column}': {counts[column]:,} rows are missing or not numbers "
                            f"(customer_id of the first: {examples})")
    if problems:
        raise DataError("crmlib.spark.rfm_summary: " + "; ".join(problems)
                        + ". Drop or fix these rows first (crmlib.read_transactions does and records them).")


def rfm_summary(df, observation_end=None, freq: str = "D", calibration_end=None) -> pd.DataFrame:
    """One row per customer: ``frequency, recency, T, monetary_value``, computed in Spark.

    ``df`` is a pyspark DataFrame with ``customer_id`` (string; other types are cast), ``date``
    (timestamp or date) and ``amount`` (double; returns negative). The arguments and the result are
    those of :func:`crmlib.summary.rfm_summary`: a pandas DataFrame indexed by ``customer_id`` (sorted),
    with ``attrs["freq"]``, ``attrs["observation_end"]``, ``attrs["calibration_end"]`` and a ledger
    (``crmlib.ledger_of(summary)``) counting the customers left out. With ``calibration_end`` it
    also has ``frequency_holdout``, ``monetary_value_holdout`` and ``duration_holdout``.
    """
    DataFrame, F = _pyspark()
    units.check(freq)
    if not isinstance(df, DataFrame):
        raise DataError(f"crmlib.spark.rfm_summary needs a pyspark DataFrame, not {type(df).__name__}; "
                        "for a pandas DataFrame use crmlib.summary.rfm_summary, or convert it with "
                        "spark.createDataFrame(transactions[['customer_id', 'date', 'amount']]).")
    _check(df, F)
    view = f"crmlib_tx_{uuid.uuid4().hex}"
    tx = (df.select(F.col("customer_id").cast("string").alias("customer_id"),
                    F.expr(summary_sql.day_number("date", "spark")).alias("day"),
                    F.col("amount").cast("double").alias("amount"))
          .cache())
    tx.createOrReplaceTempView(view)
    spark = df.sparkSession
    try:
        last = spark.sql(f"SELECT MAX(day) AS last FROM {view}").first()["last"]
        end_day, cal_day = summary_sql.periods(observation_end, calibration_end, last)
        sql = summary_sql.customers_sql(view, end_day=end_day, cal_day=cal_day, unit_days=UNIT_DAYS[freq],
                                        holdout=calibration_end is not None, exact=False)
        customers = spark.sql(sql).toPandas()
    finally:
        spark.catalog.dropTempView(view)
        tx.unpersist()
    return summary_sql.summary_frame(customers, source="<spark DataFrame>", freq=freq, end_day=end_day,
                                     cal_day=cal_day, calibration_end=calibration_end)
