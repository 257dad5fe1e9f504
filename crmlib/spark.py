"""The canonical RFM summary computed in Spark, for transactions that do not fit in pandas.

:func:`rfm_summary` takes a pyspark DataFrame of canonical transactions (``customer_id``,
``date``, ``amount``) and returns the same pandas summary as :func:`crmlib.summary.rfm_summary`,
with the same conventions (read that module's docstring): purchase days are days with at least one
transaction of amount >= 0 and a net amount >= 0; ``frequency`` is purchase days minus one;
``recency`` and ``T`` are in the unit ``freq``; ``monetary_value`` is the mean net amount of the
repeat purchase days. All the work (days, customers, holdout) happens in Spark; only the summary,
one row per customer, is brought back with ``toPandas()``. Tens of millions of transactions give a
few million customers at most, which fit in memory.

pyspark is an optional dependency (``pip install 'crmlib[spark]'``); it is imported only when
:func:`rfm_summary` is called. Usage, with a running SparkSession ``spark``::

    tx = spark.read.parquet("transactions.parquet")      # customer_id, date, amount
    summary = crmlib.spark.rfm_summary(tx, freq="W", calibration_end="2025-06-30")

Days are taken in the session time zone (``spark.sql.session.timeZone``); set it to the zone the
dates were recorded in, or to UTC for naive timestamps, so that a purchase falls on the same day as
in pandas.
"""

from __future__ import annotations

import pandas as pd

from crmlib.exceptions import DataError
from crmlib.ledger import Ledger, attach
from crmlib.summary import UNIT_DAYS

_COLUMNS = ("customer_id", "date", "amount")
_OUTPUT = {"frequency": "int64", "recency": "float64", "T": "float64", "monetary_value": "float64"}
_HOLDOUT = {"frequency_holdout": "int64", "monetary_value_holdout": "float64", "duration_holdout": "float64"}


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
    if freq not in UNIT_DAYS:
        raise DataError(f"freq={freq!r} is not a time unit crmlib knows; use one of {sorted(UNIT_DAYS)} "
                        "('D' days, 'W' weeks of 7 days, 'M' months of 30.436875 days).")
    unit = UNIT_DAYS[freq]
    if not isinstance(df, DataFrame):
        raise DataError(f"crmlib.spark.rfm_summary needs a pyspark DataFrame, not {type(df).__name__}; "
                        "for a pandas DataFrame use crmlib.summary.rfm_summary, or convert it with "
                        "spark.createDataFrame(transactions[['customer_id', 'date', 'amount']]).")
    _check(df, F)

    # net amount per customer and day; a purchase day holds a non-return and does not net negative
    daily = (df.select(F.col("customer_id").cast("string").alias("customer_id"),
                       F.to_date("date").alias("day"),
                       F.col("amount").cast("double").alias("amount"))
             .groupBy("customer_id", "day")
             .agg(F.sum("amount").alias("amount"), F.max(F.col("amount") >= 0).alias("has_purchase"))
             .withColumn("is_purchase", F.col("has_purchase") & (F.col("amount") >= 0))
             .drop("has_purchase")
             .cache())
    try:
        return _summarise(daily, F, observation_end, freq, unit, calibration_end)
    finally:
        daily.unpersist()


def _summarise(daily, F, observation_end, freq, unit, calibration_end) -> pd.DataFrame:
    in_period = F.lit(True)
    if observation_end is not None:
        in_period = F.col("day") <= F.lit(pd.Timestamp(observation_end).date())
    stats = daily.agg(
        F.countDistinct("customer_id").alias("customers"),
        F.max("day").alias("last_day"),
        F.sum((~in_period).cast("long")).alias("late_days"),
        F.countDistinct(F.when(F.col("is_purchase") & in_period, F.col("customer_id"))).alias("buyers"),
    ).first()
    end = pd.Timestamp(observation_end) if observation_end is not None else pd.Timestamp(stats["last_day"])
    cal_end = pd.Timestamp(calibration_end) if calibration_end is not None else end
    if cal_end > end:
        raise DataError(f"calibration_end {cal_end.date()} is after observation_end {end.date()}; "
                        "the holdout period must come after the calibration period.")

    ledger = Ledger(source="<spark DataFrame>", table="rfm summary", rows_read=int(stats["customers"]))
    if stats["late_days"]:
        ledger.notes.append(f"{int(stats['late_days'])} customer-days after observation end {end.date()} left out")
    ledger.add("no purchase day", stats["customers"] - stats["buyers"], action="dropped",
               detail="only returns, or only transactions after observation end")

    purchases = daily.filter(F.col("is_purchase") & in_period)
    cal_day = F.lit(cal_end.date())
    per = (purchases.filter(F.col("day") <= cal_day)
           .groupBy("customer_id")
           .agg(F.count(F.lit(1)).alias("days"), F.min("day").alias("first_day"),
                F.max("day").alias("last_day"), F.sum("amount").alias("total"),
                F.min_by("amount", "day").alias("first_amount")))
    frequency = F.col("days") - 1
    out = per.select(
        "customer_id",
        frequency.alias("frequency"),
        (F.datediff("last_day", "first_day") / F.lit(unit)).alias("recency"),
        (F.datediff(cal_day, "first_day") / F.lit(unit)).alias("T"),
        F.when(frequency > 0, (F.col("total") - F.col("first_amount")) / frequency)
         .otherwise(F.lit(0.0)).alias("monetary_value"),
    )
    columns = dict(_OUTPUT)
    if calibration_end is not None:
        hold = (purchases.filter(F.col("day") > cal_day).groupBy("customer_id")
                .agg(F.count(F.lit(1)).alias("frequency_holdout"),
                     F.avg("amount").alias("monetary_value_holdout")))
        out = (out.join(hold, on="customer_id", how="left")
               .fillna({"frequency_holdout": 0, "monetary_value_holdout": 0.0})
               .withColumn("duration_holdout", F.lit((end - cal_end).days / unit)))
        columns.update(_HOLDOUT)

    result = out.orderBy("customer_id").toPandas()
    result = result.astype({"customer_id": "string", **columns}).set_index("customer_id")[list(columns)]
    ledger.add("first purchase after calibration end", stats["buyers"] - len(result), action="dropped",
               detail=f"not yet a customer on {cal_end.date()}")
    result.attrs.update(freq=freq, observation_end=end,
                        calibration_end=cal_end if calibration_end is not None else None)
    return attach(result, ledger)
