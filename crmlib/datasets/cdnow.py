"""The CDNOW transactions shipped in ``crmlib/data/cdnow/`` (Fader, Hardie & Lee 2005; see the README
there), read as canonical transactions. Part of :mod:`crmlib.datasets`."""

from __future__ import annotations

import pandas as pd

from crmlib.config import CDNOW_DIR
from crmlib.ledger import Ledger, attach


def load_cdnow(which: str = "sample") -> pd.DataFrame:
    """The CDNOW transactions as canonical transactions.

    ``which="sample"``: the 1/10 sample of 2,357 customers (6,919 rows) used by Fader, Hardie and
    Lee (2005); ``"master"``: all 23,570 customers (69,659 rows). Columns: ``customer_id`` (the
    CDNOW id as text, e.g. ``"00004"``), ``date``, ``amount`` (US dollars), ``quantity`` (number
    of CDs) and ``is_return`` (always False). Several rows on one day are kept as they are in the
    file; :func:`crmlib.summary.rfm_summary` counts days. A ledger is attached.

    >>> tx = load_cdnow("sample")
    >>> len(tx), tx["customer_id"].nunique(), str(tx["date"].min().date())
    (6919, 2357, '1997-01-01')
    """
    files = {"sample": ("CDNOW_sample.txt", ["customer_id", "sample_id", "date", "quantity", "amount"], 0),
             "master": ("CDNOW_master.txt", ["customer_id", "date", "quantity", "amount"], 1)}
    if which not in files:
        raise ValueError(f"which must be 'sample' or 'master', not {which!r}")
    name, cols, skip = files[which]
    path = CDNOW_DIR / name
    raw = pd.read_csv(path, sep=r"\s+", header=None, names=cols, skiprows=skip,
                      dtype={"customer_id": str, "sample_id": str, "date": str})
    out = pd.DataFrame({
        "customer_id": raw["customer_id"].astype("str"),
        "date": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[ns]"),
        "amount": raw["amount"].astype("float64"),
        "quantity": raw["quantity"].astype("int64"),
    })
    out["is_return"] = out["amount"] < 0
    return attach(out, Ledger(source=name, table="transactions", rows_read=len(raw)))

