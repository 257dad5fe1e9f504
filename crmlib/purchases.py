"""What a purchase is, written once: purchase days, first purchase, revenue, observation end.

* a **purchase day** is a customer's calendar day whose net amount (returns of that day included)
  is >= 0 and that holds a transaction of amount >= 0 (:func:`crmlib.summary_sql.purchase_days_sql`);
  a day with only returns, or whose returns outweigh its purchases, is not one;
* a customer's **first purchase** is their first purchase day (:func:`first_purchase`); a refund
  before it, or a net-return day, does not acquire a customer;
* **revenue** is a customer's net amount, returns included, up to and including the observation
  end (:func:`revenue`);
* the **observation end** defaults to the last transaction date (:func:`observation_end`).

Each function takes a DataFrame of canonical transactions (``customer_id``, ``date``, ``amount``)
or a :class:`crmlib.TransactionLog`: both become the relation ``(customer_id, day, amount)``
(:func:`transactions_relation`) on which DuckDB runs the same SQL, so a frame and a log give the
same answer. The summary (:func:`crmlib.rfm_summary`), cohorts, the holdout check and tracking,
the overview figures and the segment notes all call these.

>>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "b"],
...                    "date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-05", "2024-01-05",
...                                            "2024-01-20"]),
...                    "amount": [-5.0, 20.0, 10.0, -30.0, 15.0]})
>>> first_purchase(tx).dt.strftime("%m-%d").to_dict()
{'a': '01-10', 'b': '01-20'}
"""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd

from crmlib import duck
from crmlib.exceptions import DataError
from crmlib.summary_sql import EPOCH, first_purchase_sql, purchase_days_sql, revenue_sql, to_day, to_timestamp


def _is_log(transactions) -> bool:
    from crmlib.txlog import TransactionLog

    return isinstance(transactions, TransactionLog)


@contextmanager
def transactions_relation(transactions, source: str = "<transactions>"):
    """``(con, relation, last_day)``: a DuckDB connection, the transactions on it as the relation
    ``(customer_id, day, amount)`` and the last day of any transaction (None when there is none).

    A frame is registered without a copy on a connection closed afterwards; a frame without an
    ``amount`` column counts every row as a purchase (amount 0). A
    :class:`crmlib.TransactionLog` gives its kept rows on its own connection."""
    if _is_log(transactions):
        last = transactions.last_day  # reads the log once
        yield transactions.con, transactions.relation(daily=False), last
        return
    if not isinstance(transactions, pd.DataFrame):
        raise DataError(f"{source}: expected a DataFrame of transactions or a crmlib.TransactionLog; "
                        f"not {type(transactions).__name__}.")
    if "amount" not in transactions.columns and {"customer_id", "date"} <= set(transactions.columns):
        transactions = transactions[["customer_id", "date"]].assign(amount=0.0)
    with duck.Connection() as con:
        relation = duck.frame_relation(con, transactions, source)
        last = con.execute(f"SELECT MAX(day) FROM {relation}").fetchone()[0]
        yield con, relation, None if last is None else int(last)


def _day(value) -> int:
    """A date argument as a day number (a DataError when it is not a date)."""
    from crmlib.io import as_date

    return to_day(as_date(value))


def _end_day(observation_end, last_day) -> int | None:
    return _day(observation_end) if observation_end is not None else last_day


def _dates(days) -> pd.Series:
    return EPOCH + pd.to_timedelta(pd.Series(days, dtype="int64"), unit="D")


def _by_customer(values, ids, name: str) -> pd.Series:
    return pd.Series(pd.Series(values).to_numpy(), index=pd.Index(pd.Series(ids).astype("string"),
                                                                    name="customer_id"), name=name)


def observation_end(transactions) -> pd.Timestamp:
    """The default observation end: the day (midnight) of the last transaction."""
    with transactions_relation(transactions) as (_, _, last):
        if last is None:
            raise DataError("the transactions are empty; there is no observation end.")
        return to_timestamp(last)


def purchase_days(transactions, observation_end=None) -> pd.DataFrame:
    """Every customer-day up to ``observation_end`` (default: the last transaction), sorted:
    ``customer_id`` (text), ``day`` (midnight), ``amount`` (net), ``has_purchase`` and
    ``is_purchase`` (booleans; ``is_purchase`` marks the purchase days)."""
    with transactions_relation(transactions) as (con, relation, last):
        sql = purchase_days_sql(relation, _end_day(observation_end, last))
        out = con.execute(f"SELECT * FROM {sql} ORDER BY customer_id, day").df()
    return pd.DataFrame({"customer_id": out["customer_id"].astype("string"),
                         "day": _dates(out["day"]).to_numpy(),
                         "amount": out["amount"].astype("float64"),
                         "has_purchase": out["has_purchase"].astype(bool),
                         "is_purchase": out["is_purchase"].astype(bool)})


def first_purchase(transactions, observation_end=None) -> pd.Series:
    """Date (midnight) of each customer's first purchase day up to ``observation_end`` (default:
    the last transaction), indexed by ``customer_id`` (text), sorted by id; customers with no
    purchase day are absent."""
    with transactions_relation(transactions) as (con, relation, last):
        sql = first_purchase_sql(relation, _end_day(observation_end, last))
        out = con.execute(f"{sql} ORDER BY customer_id").df()
    return _by_customer(_dates(out["first_day"]), out["customer_id"], "first_purchase")


def last_purchase(transactions, observation_end=None) -> pd.Series:
    """Date (midnight) of each customer's last purchase day, as :func:`first_purchase`."""
    with transactions_relation(transactions) as (con, relation, last):
        sql = purchase_days_sql(relation, _end_day(observation_end, last))
        out = con.execute(f"SELECT customer_id, MAX(day) AS day FROM {sql} WHERE is_purchase = 1 "
                          "GROUP BY 1 ORDER BY 1").df()
    return _by_customer(_dates(out["day"]), out["customer_id"], "last_purchase")


def revenue(transactions, observation_end=None) -> pd.Series:
    """Net amount per customer (returns included) up to and including the day ``observation_end``
    (default: every transaction), indexed by ``customer_id`` (text), sorted by id."""
    with transactions_relation(transactions) as (con, relation, _):
        end = _day(observation_end) if observation_end is not None else None
        out = con.execute(f"{revenue_sql(relation, end)} ORDER BY customer_id").df()
    return _by_customer(out["revenue"].astype("float64"), out["customer_id"], "revenue")


def buyers_revenue(transactions, observation_end=None) -> pd.Series:
    """:func:`revenue` of the customers with a purchase day up to ``observation_end`` only (those
    of the RFM summary, in its order): the same sums, without a customer whose days were all returns."""
    if _is_log(transactions):
        out = transactions.buyers_revenue(_day(observation_end) if observation_end is not None else None)
        return _by_customer(out["revenue"].astype("float64"), out["customer_id"], "revenue")
    with transactions_relation(transactions) as (con, relation, last):
        end = _day(observation_end) if observation_end is not None else None
        buyers = first_purchase_sql(relation, _end_day(observation_end, last))
        out = con.execute(f"SELECT r.customer_id, r.revenue FROM ({revenue_sql(relation, end)}) r "
                          f"SEMI JOIN ({buyers}) b ON r.customer_id = b.customer_id ORDER BY 1").df()
    return _by_customer(out["revenue"].astype("float64"), out["customer_id"], "revenue")



def gap_quantile(transactions, quantile: float, observation_end=None) -> tuple[float | None, int]:
    """The ``quantile`` (linear, as :func:`numpy.quantile`) of the days between a customer's
    consecutive purchase days up to ``observation_end``, over every repeat purchase, and the number
    of such gaps (None and 0 when no customer bought twice). Computed in DuckDB, for a frame or a log."""
    with transactions_relation(transactions) as (con, relation, last):
        days = purchase_days_sql(relation, _end_day(observation_end, last))
        value, n = con.execute(f"""SELECT quantile_cont(gap, {float(quantile)}), COUNT(gap) FROM (
            SELECT day - LAG(day) OVER (PARTITION BY customer_id ORDER BY day) AS gap
            FROM {days} WHERE is_purchase = 1)""").fetchone()
    return (None if value is None else float(value)), int(n)


#: Name under which :func:`purchase_day_counts` registers the customers it counts alone.
_ONLY = "crmlib_only_customers"


@contextmanager
def _only(con, relation: str, only: pd.Index | None):
    """``relation`` restricted to the customers of ``only`` (registered on ``con`` while in use), or
    ``relation`` itself when ``only`` is None."""
    if only is None:
        yield relation
        return
    con.register(_ONLY, pd.DataFrame({"cid": pd.Index(only).astype(str).to_numpy(dtype=object)}))
    try:
        yield f"(SELECT * FROM {relation} WHERE customer_id IN (SELECT cid FROM {_ONLY}))"
    finally:
        con.unregister(_ONLY)


def purchase_day_counts(transactions, after, until, known: bool = True, only: pd.Index | None = None) -> pd.DataFrame:
    """Per customer with a purchase day on or before ``after`` (with ``known=False``: on or before
    ``until``): ``before`` (their purchase days up to ``after``) and ``within`` (purchase days after
    ``after``, up to ``until``), indexed by ``customer_id`` (text), sorted. Both dates are days; for
    a frame or a log. ``only`` (customer ids): these customers' rows alone are counted (each
    customer's counts are their own: the same numbers as the rows of all customers give them)."""
    start, end = _day(after), _day(until)
    having = f"HAVING MIN(day) <= {start} " if known else ""
    with transactions_relation(transactions) as (con, relation, _), _only(con, relation, only) as relation:
        out = con.execute(f"""SELECT customer_id, SUM(CASE WHEN day <= {start} THEN 1 ELSE 0 END) AS before,
                SUM(CASE WHEN day > {start} THEN 1 ELSE 0 END) AS within
            FROM {purchase_days_sql(relation, end)} WHERE is_purchase = 1
            GROUP BY 1 {having}ORDER BY 1""").df()
    index = pd.Index(out["customer_id"].astype("string"), name="customer_id")
    return pd.DataFrame({"before": out["before"].to_numpy(dtype="int64"),
                         "within": out["within"].to_numpy(dtype="int64")}, index=index)


__all__ = ["buyers_revenue", "first_purchase", "first_purchase_sql", "gap_quantile", "last_purchase", "observation_end",
           "purchase_day_counts", "purchase_days", "revenue", "transactions_relation"]
