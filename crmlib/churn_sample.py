"""Which customers the churn models of :func:`crmlib.churn.compare_churn_models` learn from and are
tested on when there are many: a fixed random sample of :data:`MAX_CUSTOMERS`.

Why a sample is enough. The comparison reports ROC AUC and average precision with 95 % bootstrap
intervals, shown to three digits. The standard error of an AUC falls as one over the square root of
the customers (Hanley & McNeil 1982), so at 200,000 test customers the interval is about ±0.003 wide,
and past a few hundred thousand customers the models learn little more. Measured on the generated
2M-row log of ``benchmarks/bench_reports.py`` (616,816 customers at the training cut-off, 717,421 at
the test cut-off; ``benchmarks/README.md``): with a sample of 200,000 every score's ROC AUC is within
0.0015 of its value on all customers (gradient boosting 0.7983 against 0.7998, logistic regression
0.7800 against 0.7813, P(alive) 0.4185 against 0.4183, days since last purchase 0.7698 against
0.7707), each full-data value inside the sample's interval, and the winner and the paired difference
(0.0286 against 0.0291) the same, for 40 s of CPU instead of 89 s; with 50,000, gradient boosting
learnt less (0.7942, interval 0.7890 to 0.7996, short of the full-data value). At 10M rows (3.6M
customers) the models' cost stays that of 200,000 customers. Below the threshold every customer is
used and nothing changes.

The sample is the :data:`MAX_CUSTOMERS` customers whose keyed hash of their id (pandas'
SipHash-2-4, the key taken from the seed) is smallest: reproducible, independent of the order of the
rows and of the files, the same for a DataFrame and a :class:`crmlib.TransactionLog` of the same
transactions, and nested: a customer in the learning set's sample is in the test set's sample whenever
both cut-offs know them and the test set's sample is not full of smaller hashes.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

#: Customers above which the churn models learn from (and are tested on) a random sample of this
#: many (see the module docstring for why this many is ample).
MAX_CUSTOMERS = 200_000


def sample_limit(max_customers) -> int | None:
    """``max_customers`` of :func:`crmlib.churn.compare_churn_models` as a number: "auto" is
    :data:`MAX_CUSTOMERS` (read when called), None is no limit."""
    if max_customers == "auto":
        return MAX_CUSTOMERS
    if max_customers is None:
        return None
    if isinstance(max_customers, bool) or not isinstance(max_customers, (int, np.integer)) or max_customers < 1:
        from crmlib.exceptions import DataError

        raise DataError(f"max_customers={max_customers!r}: use a whole number >= 1, 'auto' "
                        f"({MAX_CUSTOMERS:,}) or None (every customer).")
    return int(max_customers)


def _hash_key(seed: int) -> str:
    """The 16-character key of pandas' hash for ``seed``."""
    return hashlib.sha256(f"crmlib churn sample {int(seed)}".encode()).hexdigest()[:16]


def sample_customers(ids: pd.Index, n: int | None, seed: int = 0) -> pd.Index:
    """The ``n`` customers of ``ids`` with the smallest keyed hash of their id (as text), in the
    order of ``ids``; ``ids`` itself when there are no more than ``n`` (or ``n`` is None).

    >>> ids = pd.Index([f"C{i:04d}" for i in range(1000)], name="customer_id")
    >>> picked = sample_customers(ids, 10, seed=1)
    >>> again = sample_customers(ids[::-1], 10, seed=1).sort_values()  # the rows in another order
    >>> len(picked), picked.is_monotonic_increasing, picked.equals(again)
    (10, True, True)
    """
    if n is None or len(ids) <= n:
        return ids
    text = np.asarray(ids.astype(str), dtype=object)
    hashed = pd.util.hash_array(text, hash_key=_hash_key(seed), categorize=False)
    chosen = np.argpartition(hashed, n - 1)[:n]
    return ids[np.sort(chosen)]


__all__ = ["MAX_CUSTOMERS", "sample_customers", "sample_limit"]
