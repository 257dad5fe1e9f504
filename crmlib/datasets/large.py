"""Large transaction logs written to Parquet in chunks, for the out-of-core summary and its benchmarks.
Part of :mod:`crmlib.datasets`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def make_transactions(n_rows: int, path, seed: int = 0, chunk_rows: int = 1_000_000,
                      start="2023-01-01", end="2024-12-31") -> Path:
    """Write a realistic transaction log of ``n_rows`` rows to the Parquet file ``path``, in chunks
    of ``chunk_rows`` (memory stays that of one chunk, whatever ``n_rows``); return the path.

    Canonical columns ``order_id, customer_id, date, amount, quantity, category, channel``, about
    one customer per 7 rows. Customers differ in how often they buy (gamma weights, so a few buy a
    lot and many once) and when they start; dates carry a time of day; amounts are log-normal
    rupees. As in real exports, about 3% of rows are returns (negative, a few days after a
    purchase), 0.5% zero amounts (free items) and 0.1% the same transaction exported twice (an
    exact copy, same ``order_id``). The same ``seed`` gives the same file.

    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as d:
    ...     tx = pd.read_parquet(make_transactions(5_000, f"{d}/log.parquet", seed=1, chunk_rows=2_000))
    >>> len(tx), bool((tx["amount"] < 0).any()), bool(tx.duplicated().any())
    (5000, True, True)
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    rng = np.random.default_rng(seed)
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    horizon = (last - first).days + 1
    n_customers = max(1, n_rows // 7)
    weights = rng.gamma(0.6, 1.0, n_customers)
    cdf = np.cumsum(weights) / weights.sum()
    begin = rng.uniform(0, horizon, n_customers)  # first possible day of each customer
    categories = np.array(["grocery", "fashion", "electronics", "home", "beauty", "books"])
    channels = np.array(["web", "app", "store"])
    writer, written = None, 0
    try:
        while written < n_rows:
            n = min(chunk_rows, n_rows - written)
            copies = n // 1000
            base = n - copies
            cust = np.minimum(np.searchsorted(cdf, rng.random(base)), n_customers - 1)
            offset = begin[cust] + rng.random(base) * (horizon - begin[cust])
            seconds = np.floor(offset * 86400).astype("int64")
            amount = np.round(rng.lognormal(6.5, 0.9, base), 2)
            kind = rng.random(base)
            returns = kind < 0.03
            amount[returns] = -amount[returns]
            seconds[returns] = np.minimum(seconds[returns] + rng.integers(2, 15, returns.sum()) * 86400,
                                          horizon * 86400 - 1)
            amount[(kind >= 0.03) & (kind < 0.035)] = 0.0
            chunk = pd.DataFrame({
                "order_id": pd.array([f"O{written + i:010d}" for i in range(base)], dtype="str"),
                "customer_id": pd.array(np.char.add("C", np.char.zfill((cust + 1).astype(str), 8)), dtype="str"),
                "date": (first + pd.to_timedelta(seconds, unit="s")).astype("datetime64[ns]"),
                "amount": amount,
                "quantity": rng.integers(1, 5, base).astype("int64"),
                "category": pd.array(categories[rng.integers(0, len(categories), base)], dtype="str"),
                "channel": pd.array(channels[rng.integers(0, len(channels), base)], dtype="str"),
            })
            if copies:  # the same transactions exported twice, next to the first copy
                again = chunk.iloc[rng.choice(base, copies, replace=False)]
                chunk = pd.concat([chunk, again]).sort_index(kind="stable")
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            if writer is None:
                path.parent.mkdir(parents=True, exist_ok=True)
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            written += n
    finally:
        if writer is not None:
            writer.close()
    return path
