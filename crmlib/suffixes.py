"""File suffixes crmlib reads, by kind: the one definition the loaders (:mod:`crmlib.io.files`), the DuckDB
engine (:mod:`crmlib.duck`) and the reports use. Compare lower-cased names: ``name.lower().endswith(...)``.

>>> "LOG-2024.PQ".lower().endswith(PARQUET_SUFFIXES)
True
"""

#: Parquet files (read by pandas, and out of core by DuckDB).
PARQUET_SUFFIXES = (".parquet", ".pq")
#: Delimited text files DuckDB reads out of core.
CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".txt")
#: Excel workbooks (read by the loaders; a ``sheet=`` is only for these).
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
#: Compressed exports the loaders open (a .zip holding one file).
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zip")

__all__ = ["COMPRESSED_SUFFIXES", "CSV_SUFFIXES", "EXCEL_SUFFIXES", "PARQUET_SUFFIXES"]
