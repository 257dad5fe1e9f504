"""The per-customer table of :func:`crmlib.customers.customer_table`, computed on Spark for logs that
do not fit on one machine: :func:`customer_table`.

What runs where (every rule has one definition, in crmlib; Spark runs it, or feeds it small tables):

* in Spark SQL: the summary in days and each customer's revenue (:mod:`crmlib.summary_sql`, the very
  SQL DuckDB runs), and the counts of the summary's ledger;
* collected, small: the distinct histories ``(frequency, recency, T)`` with a count each, on which
  :func:`crmlib.customers.choose_model` fits and picks the transaction model (a count is a weight:
  the same likelihood as one row per customer); the distinct ``(frequency, monetary_value)`` of the
  repeat buyers, for :func:`crmlib.customers.fit_spend`; the distinct values of the three RFM
  features with a count each, from which :func:`crmlib.rfm.cut_points_of_counts` learns the score
  thresholds that :func:`crmlib.rfm.score` would learn on all customers;
* back in Spark: P(alive), expected purchases and discounted purchases are computed once per
  distinct history by the fitted model and joined on the history; scores, segment, spend and CLV
  are computed batch by batch (``mapInPandas``) by :func:`crmlib.customers.scored_table` and the
  spend model; CLV deciles come from each customer's exact rank (a sort, ties in customer order as
  in pandas) through :func:`crmlib.customers.decile_of_rank`.

Executors run crmlib's functions, so crmlib (and pandas, numpy, scipy) must be installed where the
Python workers run (``PYSPARK_PYTHON``); see the README for a cluster.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib import rfm, summary_sql, units
from crmlib.clv.value import discounted_purchases, periods_and_rate, valuation_steps, value_note
from crmlib.customers import choose_model, decile_of_rank, fit_spend, scored_table, transaction_model
from crmlib.exceptions import DataError
from crmlib.ledger import attach
from crmlib.spark.summary import _check, _pyspark
from crmlib.units import UNIT_DAYS

SOURCE = "<spark DataFrame>"
_KEYS = ["frequency", "recency_days", "T_days"]
_SCORED = ("customer_id string, frequency long, recency double, T double, monetary_value double, "
           "revenue double, mean_spend double, days_since_last_purchase long, R long, F long, M long, "
           "RFM string, segment string")


@dataclass
class SparkCustomerTable:
    """What :func:`customer_table` returns: ``table``, a Spark DataFrame with one row per customer and
    the columns of :func:`crmlib.customers.customer_table` (``customer_id`` a column), and ``attrs``,
    the pandas table's ``attrs`` (ledger, model, reasons, thresholds...)."""

    table: object
    attrs: dict = field(default_factory=dict)
    cached: list = field(default_factory=list, repr=False)  # Spark frames the table is computed from
    views: list = field(default_factory=list, repr=False)

    def release(self) -> None:
        """Free what Spark keeps for the table (cached frames, temporary views) once it is written;
        the table is then computed again from the transactions if used."""
        for frame in self.cached:
            frame.unpersist()
        for name in self.views:
            self.table.sparkSession.catalog.dropTempView(name)

    def to_pandas(self) -> pd.DataFrame:
        """The table collected into pandas, indexed and typed as the pandas path's (small data only)."""
        out = self.table.orderBy("customer_id").toPandas().set_index("customer_id")
        out.index = out.index.astype("string")
        if "segment" in out.columns:
            out["segment"] = pd.Categorical(out["segment"], categories=self.attrs["segments"])
        if "clv_decile" in out.columns:
            out["clv_decile"] = out["clv_decile"].astype("Int64")
        out.attrs.update({k: v for k, v in self.attrs.items() if k not in ("ledger", "segments")})
        return attach(out, self.attrs["ledger"])


def _value_counts(F, frame, expression, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``expression`` (ascending) and how many customers hold each."""
    table = frame.groupBy(expression.alias(name)).count().toPandas().sort_values(name)
    return table[name].to_numpy(dtype=float), table["count"].to_numpy(dtype="int64")


def _thresholds(F, days, bins: int, n: int) -> rfm.RFMScale:
    """The RFMScale that :func:`crmlib.rfm.score` learns on the summary in days, from value counts."""
    gap = -(F.col("T_days") - F.col("recency_days"))  # rfm.score's R axis: minus the days since the last purchase
    cuts = {name: rfm.cut_points_of_counts(*_value_counts(F, days, expression, name), bins)
            for name, expression in (("r", gap), ("f", F.col("frequency").cast("double")),
                                     ("m", F.col("mean_spend")))}
    return rfm.RFMScale(bins=int(bins), **cuts, freq="D", monetary="mean_spend", n_customers=n)


def _histories(days, freq: str) -> pd.DataFrame:
    """The distinct histories in ``freq`` with a ``weight`` (customers) each, keyed by their days."""
    hist = days.groupBy(*_KEYS).count().toPandas().sort_values(_KEYS, ignore_index=True)
    out = pd.DataFrame({"frequency": hist["frequency"].to_numpy(dtype="int64"),
                        "recency": hist["recency_days"].to_numpy(dtype=float) / UNIT_DAYS[freq],
                        "T": hist["T_days"].to_numpy(dtype=float) / UNIT_DAYS[freq],
                        "weight": hist["count"].to_numpy(dtype="int64")})
    table = out.copy()
    table["recency_days"], table["T_days"] = hist["recency_days"].to_numpy(), hist["T_days"].to_numpy()
    table.attrs["freq"] = freq
    return table


def _spend_pairs(days) -> pd.DataFrame:
    """The repeat buyers' distinct ``(frequency, monetary_value)`` with a weight each."""
    pairs = (days.filter("frequency > 0").groupBy("frequency", "monetary_value").count().toPandas()
             .sort_values(["frequency", "monetary_value"], ignore_index=True))
    return pd.DataFrame({"frequency": pairs["frequency"].astype("int64"),
                         "monetary_value": pairs["monetary_value"].astype(float),
                         "weight": pairs["count"].astype("int64")})


def _scorer(freq: str, bins: int, scheme, scale, spend_model):
    """The function mapInPandas runs on each batch of customers (summary in days, history predictions)."""

    def score(batches):
        for b in batches:
            days = pd.DataFrame({"frequency": b["frequency"].to_numpy(dtype="int64"),
                                 "recency": b["recency_days"].to_numpy(dtype=float),
                                 "T": b["T_days"].to_numpy(dtype=float),
                                 "monetary_value": b["monetary_value"].to_numpy(dtype=float),
                                 "revenue": b["revenue"].to_numpy(dtype=float),
                                 "mean_spend": b["mean_spend"].to_numpy(dtype=float)},
                                index=pd.Index(b["customer_id"].astype(str), name="customer_id"))
            days.attrs["freq"] = "D"
            out = scored_table(days, freq, bins, scheme, thresholds=scale)
            out["segment"] = out["segment"].astype(str)
            for column in ("p_alive", "expected_purchases"):
                if column in b.columns:
                    out[column] = b[column].to_numpy(dtype=float)
            if spend_model is not None:
                out["expected_spend"] = spend_model.expected_spend(out).to_numpy()
                out["clv"] = b["discounted"].to_numpy(dtype=float) * out["expected_spend"].to_numpy()
            yield out.reset_index()

    return score


def _ranked_deciles(F, table, n: int):
    """``clv_decile`` of every customer: the exact rank by CLV (highest first, ties in customer order,
    as pandas ranks a table sorted by customer) from a distributed sort and each partition's offset."""
    from pyspark.sql.types import DoubleType

    order = [F.desc("clv"), F.asc("customer_id")]
    parts = table.sparkSession.sparkContext.defaultParallelism  # a few large sorted ranges, one per core
    ordered = (table.repartitionByRange(parts, *order).sortWithinPartitions(*order)
               .withColumn("_row", F.monotonically_increasing_id())
               .withColumn("_part", F.spark_partition_id()).cache())
    counts = ordered.groupBy("_part").agg(F.count(F.lit(1)).alias("n"), F.min("_row").alias("first")).toPandas()
    counts = counts.sort_values("_part")
    counts["offset"] = counts["n"].cumsum() - counts["n"]
    spark = table.sparkSession
    offsets = F.broadcast(spark.createDataFrame(counts[["_part", "first", "offset"]]))
    ranked = ordered.join(offsets, "_part").withColumn(
        "_rank", (F.col("_row") - F.col("first") + F.col("offset") + 1).cast("double"))

    @F.pandas_udf(DoubleType())
    def decile(rank: pd.Series) -> pd.Series:
        return pd.Series(decile_of_rank(rank.to_numpy(), n))

    out = ranked.withColumn("clv_decile", decile("_rank").cast("int")).drop("_row", "_part", "first", "offset", "_rank")
    return out, ordered


def customer_table(df, *, observation_end=None, freq: str = "W", bins: int = 5, scheme=None,
                   model: str | None = "auto", horizon_days: float = 365, annual_discount: float = 0.10,
                   spend: bool = True) -> SparkCustomerTable:
    """:func:`crmlib.customers.customer_table` of a Spark DataFrame of transactions (``customer_id``,
    ``date``, ``amount``), computed in Spark: the same arguments, columns and values (tests: CDNOW
    and a generated log, local[2]). Returns a :class:`SparkCustomerTable`: ``.table`` stays in Spark
    (write it, join it, or ``.to_pandas()`` when small), ``.attrs`` are the pandas table's.

    Days are taken in the session time zone, as for :func:`crmlib.spark.rfm_summary`.
    """
    DataFrame, F = _pyspark()
    units.check(freq)
    if not isinstance(df, DataFrame):
        raise DataError(f"crmlib.spark.customer_table needs a pyspark DataFrame, not {type(df).__name__}; "
                        "for pandas use crmlib.customer_table.")
    if model is not None and model != "auto":
        transaction_model(model)  # an unknown name is refused before any work
    if scheme is not None and not isinstance(scheme, pd.DataFrame):
        scheme = pd.DataFrame(scheme, columns=list(rfm.SCHEME_COLUMNS))
    _check(df, F)
    spark = df.sparkSession
    view, customers_view = f"crmlib_tx_{uuid.uuid4().hex}", f"crmlib_customers_{uuid.uuid4().hex}"
    tx = (df.select(F.col("customer_id").cast("string").alias("customer_id"),
                    F.expr(summary_sql.day_number("date", "spark")).alias("day"),
                    F.col("amount").cast("double").alias("amount")).cache())
    tx.createOrReplaceTempView(view)
    last = spark.sql(f"SELECT MAX(day) AS last FROM {view}").first()["last"]
    end_day, cal_day = summary_sql.periods(observation_end, None, last)
    customers = spark.sql(summary_sql.customers_sql(view, end_day=end_day, cal_day=cal_day, unit_days=1.0,
                                                    holdout=False, exact=False)).cache()
    customers.createOrReplaceTempView(customers_view)
    counts = spark.sql(summary_sql.LEDGER_COUNTS_SQL.format(customers=customers_view)).first().asDict()
    ledger = summary_sql.summary_ledger(counts, source=SOURCE, end_day=end_day, cal_day=cal_day)
    revenue = spark.sql(summary_sql.revenue_sql(view, end_day, exact=False))
    days = (customers.filter("cal_days > 0")
            .select("customer_id", "frequency", F.col("recency").alias("recency_days"),
                    F.col("T").alias("T_days"), "monetary_value")
            .join(revenue, "customer_id", "left").fillna(0.0, subset=["revenue"])
            .withColumn("mean_spend", rfm.mean_spend(F.col("revenue"), F.col("frequency").cast("double")))
            .coalesce(spark.sparkContext.defaultParallelism)  # a few large tasks: each Python task costs
            .cache())
    n = days.count()
    if n == 0:
        raise DataError("crmlib.spark.customer_table: no customer has a purchase day up to the observation end.")
    scale = _thresholds(F, days, bins, n)
    histories = _histories(days, freq)
    steps, length, _ = valuation_steps(horizon_days, annual_discount, freq)
    chosen, reason, comparison = choose_model(histories, model)
    attrs = dict(freq=freq, observation_end=summary_sql.to_timestamp(end_day), calibration_end=None, ledger=ledger,
                 rfm_thresholds=scale, model=type(chosen).__name__ if chosen is not None else None,
                 model_reason=reason, comparison=comparison.to_dict(orient="index"), fitted_model=chosen,
                 spend_model=None, horizon=steps * length,
                 rate=periods_and_rate(horizon_days, annual_discount, freq)[1],
                 segments=list(rfm.check_scheme(rfm.default_scheme(bins) if scheme is None else scheme,
                                                bins)["segment"].astype(str).drop_duplicates()))
    spend_model, schema, joined = None, _SCORED, days
    if chosen is None:
        attrs["clv_note"] = reason
    else:
        predictions = histories[_KEYS].copy()
        predictions["p_alive"] = chosen.probability_alive(histories).to_numpy()
        predictions["expected_purchases"] = chosen.expected_purchases(attrs["horizon"], histories).to_numpy()
        predictions["discounted"] = discounted_purchases(chosen, histories, horizon_days, annual_discount).to_numpy()
        joined = days.join(F.broadcast(spark.createDataFrame(predictions)), _KEYS)
        schema += ", p_alive double, expected_purchases double"
        attrs["fitted_model"] = chosen
        if spend:
            spend_model, free, why = fit_spend(_spend_pairs(days))
        else:
            free, why = 0, "spend=False was asked for"
        attrs["spend_model"] = spend_model
        if spend_model is None:
            attrs["clv_note"] = f"Lifetime value left out: {why}."
        else:
            schema += ", expected_spend double, clv double"
            attrs["clv_note"] = value_note(chosen, spend_model, attrs["horizon"], freq, annual_discount, free) + "."
    table = joined.mapInPandas(_scorer(freq, bins, scheme, scale, spend_model), schema)
    cached = [tx, customers, days]
    if spend_model is not None:
        table = table.cache()  # sorted for the deciles: computed once
        cached.append(table)
        table, ordered = _ranked_deciles(F, table, n)
        cached.append(ordered)
    return SparkCustomerTable(table=table, attrs=attrs, cached=cached, views=[view, customers_view])
