"""Large transaction logs written to Parquet in chunks, for the out-of-core summary, the benchmarks
and the large-log reports. Part of :mod:`crmlib.datasets`.

Customers behave as the models of :mod:`crmlib.clv` say, so that a model fitted on a log can be
checked against the truth: purchases follow BG/NBD (a Poisson process with rate
``lambda ~ Gamma(r, alpha)`` per week while alive; after each repeat purchase the customer drops
out with probability ``p ~ Beta(a, b)``) and each purchase costs ``Gamma(p, nu)`` with
``nu ~ Gamma(q, v)`` per customer (Gamma-Gamma). The draws are the models' own samplers
(:func:`crmlib.clv.simulate.simulate_log`, :meth:`crmlib.clv.GammaGamma.sample_purchases`), so the
log and the models cannot drift apart. This module sits with the models (floor 3), not with the
other data sets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.clv import BetaGeo, GammaGamma
from crmlib.clv.simulate import simulate_log
from crmlib.exceptions import DataError

#: BG/NBD of the CDNOW cohort in weeks (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
CDNOW_PURCHASES = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
#: Gamma-Gamma of CDNOW spend in dollars (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4)).
CDNOW_SPEND = {"p": 6.25, "q": 3.74, "v": 15.44}
_CATEGORIES = np.array(["grocery", "fashion", "electronics", "home", "beauty", "books"])
_CHANNELS = np.array(["web", "app", "store"])
_DAY = 86_400


class _Purchases:
    """The purchases of customers simulated batch after batch, handed out in order: each
    customer's purchases by time, customers one after another (a customer may straddle chunks)."""

    def __init__(self, model, spend, rng, horizon: int):
        self.model, self.spend, self.rng, self.horizon = model, spend, rng, horizon
        self.customers = 0  # customers simulated so far
        self.cust = np.zeros(0, "int64")
        self.seconds = np.zeros(0, "int64")
        self.amount = np.zeros(0)

    def _more(self, n: int) -> None:
        rng = self.rng
        begin = rng.uniform(0, self.horizon, n)  # day of the first purchase, time of day included
        log = simulate_log(self.model, n, T=(self.horizon - begin) / 7.0, seed=rng)
        cust = log["customer_id"].to_numpy()
        at = (begin[cust] + 7.0 * log["t"].to_numpy()) * _DAY
        seconds = np.minimum(np.floor(at).astype("int64"), self.horizon * _DAY - 1)
        amount = np.round(self.spend.sample_purchases(np.bincount(cust, minlength=n), rng), 2)
        self.cust = np.concatenate([self.cust, cust + self.customers])
        self.seconds = np.concatenate([self.seconds, seconds])
        self.amount = np.concatenate([self.amount, amount])
        self.customers += n

    def take(self, rows: int):
        while self.cust.size < rows:
            self._more(max(1_000, rows // 2))
        out = self.cust[:rows], self.seconds[:rows], self.amount[:rows]
        self.cust, self.seconds, self.amount = self.cust[rows:], self.seconds[rows:], self.amount[rows:]
        return out


def _returns(cust, seconds, rng, n: int, horizon: int):
    """Which purchases are returned (whole, 2-14 days later) and when: on a day on which the customer
    bought nothing, before the end, so that no purchase day loses value. The chunk's last customer,
    whose later purchases may be in the next chunk, returns nothing."""
    day = seconds // _DAY
    can = np.flatnonzero((cust != cust[-1]) & (day < horizon - 15))
    ret = np.sort(rng.choice(can, min(n, can.size), replace=False))
    when = seconds[ret] + rng.integers(2, 15, ret.size) * _DAY
    bought = cust * horizon + day
    for _ in range(30):  # a day with a purchase of the customer: one day later (rarely twice)
        clash = np.isin(cust[ret] * horizon + when // _DAY, bought)
        if not clash.any():
            break
        when[clash] += _DAY
    keep = when < horizon * _DAY
    return ret[keep], when[keep]


def _chunk(purchases: _Purchases, rng, n: int, first_order: int, first: pd.Timestamp) -> pd.DataFrame:
    """``n`` rows: purchases, then the flaws of real exports as extra rows (see make_transactions).
    Orders are numbered from ``first_order``; the chunk uses ``attrs["orders"]`` numbers."""
    horizon = purchases.horizon
    copies, returns, zeros = n // 1000, int(n * 0.03), n // 200
    base = n - copies - returns - zeros  # >= 1: the flaws are under 4% of the rows
    cust, seconds, amount = purchases.take(base)
    order = np.arange(first_order, first_order + base)
    ret, returned = _returns(cust, seconds, rng, returns, horizon)
    zeros += returns - ret.size
    free = rng.choice(base, zeros, replace=False)  # a free item on its own order, at the same time
    cust = np.concatenate([cust, cust[ret], cust[free]])
    seconds = np.concatenate([seconds, returned, seconds[free]])
    amount = np.concatenate([amount, -amount[ret], np.zeros(zeros)])
    order = np.concatenate([order, order[ret], first_order + base + np.arange(zeros)])
    rows = np.lexsort((seconds, cust))
    cust, seconds, amount, order = cust[rows], seconds[rows], amount[rows], order[rows]
    m = cust.size
    chunk = pd.DataFrame({
        "order_id": pd.array(np.char.add("O", np.char.zfill(order.astype(str), 10)), dtype="str"),
        "customer_id": pd.array(np.char.add("C", np.char.zfill((cust + 1).astype(str), 8)), dtype="str"),
        "date": (first + pd.to_timedelta(seconds, unit="s")).astype("datetime64[ns]"),
        "amount": amount,
        "quantity": rng.integers(1, 5, m).astype("int64"),
        "category": pd.array(_CATEGORIES[rng.integers(0, len(_CATEGORIES), m)], dtype="str"),
        "channel": pd.array(_CHANNELS[rng.integers(0, len(_CHANNELS), m)], dtype="str"),
    })
    if copies:  # the same transactions exported twice, next to the first copy
        again = chunk.iloc[np.sort(rng.choice(m, copies, replace=False))]
        chunk = pd.concat([chunk, again]).sort_index(kind="stable").reset_index(drop=True)
    chunk.attrs["orders"] = base + zeros
    return chunk


def make_transactions(n_rows: int, path, seed: int = 0, chunk_rows: int = 1_000_000,
                      start="2023-01-01", end="2024-12-31", *, r: float = 0.243, alpha: float = 4.414,
                      a: float = 0.793, b: float = 2.426, p: float = 6.25, q: float = 3.74,
                      v: float = 15.44) -> Path:
    """Write a transaction log of ``n_rows`` rows, customers who buy and drop out as BG/NBD says, to
    the Parquet file ``path`` in chunks of ``chunk_rows`` (memory stays that of one chunk, whatever
    ``n_rows``); return the path.

    Canonical columns ``order_id, customer_id, date, amount, quantity, category, channel``. Each
    customer's first purchase falls at a uniform moment between ``start`` and ``end`` (a time of
    day included); their purchases after it follow BG/NBD with ``r, alpha, a, b`` (weeks) and cost
    Gamma-Gamma amounts with ``p, q, v`` (rounded to cents), up to ``end``. The defaults are the
    CDNOW estimates (:data:`CDNOW_PURCHASES`, :data:`CDNOW_SPEND`): most customers buy once or twice
    and many drop out, about 2.3 rows per customer over two years. As in real exports, extra rows
    make about 3% returns (a purchase's negative amount and ``order_id``, 2-14 days later), 0.5%
    free items (amount 0 on their own order, at the time of a purchase) and 0.1% the same
    transaction exported twice (an exact copy). None of them changes a purchase day or its value
    (returns on a later day do not touch it, exact copies are dropped by the loaders), so the
    summary of the log is that of the models, up to the day rounding of times and the last
    customer, whose later purchases the last row may cut off. The same ``seed`` gives the same file.

    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as d:
    ...     tx = pd.read_parquet(make_transactions(5_000, f"{d}/log.parquet", seed=1, chunk_rows=2_000))
    >>> len(tx), bool((tx["amount"] < 0).any()), bool(tx.duplicated().any())
    (5000, True, True)
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    horizon = (last - first).days + 1
    if int(n_rows) < 1 or int(chunk_rows) < 1 or horizon < 1:
        raise DataError(f"make_transactions needs n_rows >= 1 and chunk_rows >= 1 (got {n_rows}, {chunk_rows}) "
                        f"and end on or after start (got {start} to {end}).")
    rng = np.random.default_rng(seed)
    purchases = _Purchases(BetaGeo.from_params(r=r, alpha=alpha, a=a, b=b),
                           GammaGamma.from_params(p=p, q=q, v=v), rng, horizon)
    writer, written, orders = None, 0, 0
    try:
        while written < n_rows:
            n = min(chunk_rows, n_rows - written)
            chunk = _chunk(purchases, rng, n, orders, first)
            orders += chunk.attrs.pop("orders")
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
