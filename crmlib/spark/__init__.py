"""crmlib on Spark, for transactions that do not fit on one machine.

* :func:`rfm_summary` (:mod:`crmlib.spark.summary`): the canonical RFM summary computed in Spark
  and returned as pandas (one row per customer);
* :func:`customer_table` (:mod:`crmlib.spark.scores`): the per-customer table of every report
  (summary, RFM scores and segment, P(alive), expected purchases, CLV and its decile), kept in Spark;
* :func:`export_audience` and :func:`user_data_import` (:mod:`crmlib.spark.exports`): the hashed
  audience and user-data import files of :mod:`crmlib.audiences`, written by Spark.

pyspark is an optional dependency (``pip install 'crmlib[spark]'``); it is imported only when a
function is called, so ``import crmlib.spark`` works without it.
"""

from crmlib.spark.exports import export_audience, user_data_import
from crmlib.spark.scores import SparkCustomerTable, customer_table
from crmlib.spark.summary import rfm_summary

__all__ = ["SparkCustomerTable", "customer_table", "export_audience", "rfm_summary", "user_data_import"]
