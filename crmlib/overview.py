"""The tables of the overview report: headline numbers, revenue over time, orders, category mix
and the customers file's attributes with their revenue.

Each function returns a DataFrame of numbers (named columns, one row per period, category or
attribute value); :func:`revenue_summary` alone formats for reading. Figures of the same tables
are in :mod:`crmlib.plots.overview`. Every table works on canonical transactions
(:func:`crmlib.read_transactions`): ``customer_id, date, amount`` and, when the file has them,
``order_id`` and ``category``, or a :class:`crmlib.TransactionLog` of large files, whose tables are
computed in DuckDB (:mod:`crmlib.log_tables`) and only the small results enter pandas; both give the
same tables. Revenue is net: returns (negative amounts) are subtracted in the
period, category or customer they belong to, so each table adds up to the same net revenue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.errors import require_columns
from crmlib.exceptions import DataError
from crmlib.periods import PERIOD_CODES, period_code, period_coverage  # noqa: F401 (part of this module's API)
from crmlib.screening import MIN_GROUP, RARE

#: Label of the customers of the transactions that the customers file does not hold.
NOT_IN_FILE = "(not in the customers file)"
#: Label of a customers-file value left blank.
BLANK = "(blank)"
#: Label of the attribute values merged because they hold too few customers to show alone.
OTHER = "(other values)"
#: The rows of an attribute table that merge customers rather than name a value of the file, in the
#: order they come last: the loaders' rare values, the small values merged here, blanks, and customers
#: the file lacks. None of them is ever a best or worst group.
MERGED = (RARE, OTHER, BLANK, NOT_IN_FILE)


def _is_log(transactions) -> bool:
    from crmlib.txlog import TransactionLog

    return isinstance(transactions, TransactionLog)


def has_column(transactions, column: str) -> bool:
    """True when ``column`` exists and holds at least one value (a section needs it)."""
    if _is_log(transactions):
        from crmlib import log_tables

        return log_tables.has_values(transactions, column)
    return column in transactions.columns and bool(transactions[column].notna().any())


def date_span(transactions) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last transaction date (of a log: their days)."""
    if _is_log(transactions):
        len(transactions)  # reads the log once
        return transactions.first_date, transactions.last_date
    return transactions["date"].min(), transactions["date"].max()


def data_start(transactions) -> pd.Timestamp:
    """The first day the data cover: the day of the first transaction line (no report takes a start of its own).
    :func:`period_coverage` judges the first period against it: an export taken from the 3rd starts its first
    month on the 3rd."""
    return pd.Timestamp(date_span(transactions)[0]).normalize()


def data_end(transactions, observation_end=None) -> pd.Timestamp:
    """The last day the data cover: ``observation_end`` when given (the analysis' last day; later rows are
    dropped on reading), else the day of the last transaction line. :func:`period_coverage` judges each
    period against it."""
    from crmlib.io import as_date

    end = as_date(observation_end) if observation_end is not None else date_span(transactions)[1]
    return pd.Timestamp(end).normalize()


def _need(transactions: pd.DataFrame, column: str, what: str) -> None:
    if not has_column(transactions, column):
        raise DataError(f"{what}: the transactions have no '{column}' column (or it is empty); "
                        f"leave the section out for these data (crmlib.overview.has_column says when).")


def revenue_summary(transactions: pd.DataFrame, summary: pd.DataFrame, currency: str = "") -> pd.DataFrame:
    """A small table of headline numbers for the overview report, formatted for reading."""
    money = (lambda v: f"{v:,.2f} {currency}".strip())
    purchases = transactions[transactions["amount"] >= 0]
    returns = transactions[transactions["amount"] < 0]
    rows = {
        "customers": f"{len(summary):,}",
        "transactions": f"{len(transactions):,}",
    }
    if has_column(transactions, "order_id"):
        orders = transactions["order_id"].nunique()
        rows["orders"] = f"{orders:,}"
        rows["net revenue per order"] = money(transactions["amount"].sum() / orders)
    rows.update({
        "period": f"{transactions['date'].min():%Y-%m-%d} to {transactions['date'].max():%Y-%m-%d}",
        "revenue (gross of returns)": money(purchases["amount"].sum()),
        "returns and refunds": f"{money(returns['amount'].sum())} in {len(returns):,} transactions",
        "net revenue": money(transactions["amount"].sum()),
        "customers who came back": f"{np.mean(summary['frequency'] > 0):.1%}",
        "repeat purchases per customer (mean)": f"{summary['frequency'].mean():.2f}",
    })
    return pd.DataFrame({"value": pd.Series(rows)})


def headline_numbers(transactions: pd.DataFrame, summary: pd.DataFrame) -> dict:
    """The headline numbers of the overview report (numbers only; :func:`crmlib.words.overview.headline`
    writes them in the page's language): ``customers``, ``transactions`` (lines of the file), ``orders``
    and ``revenue_per_order`` when there are order ids, ``first``/``last`` dates, ``gross`` (purchases),
    ``returns`` (their sum, negative) in ``return_lines`` lines, ``net``, ``came_back`` (share of
    customers with a repeat purchase) and ``repeat_mean`` (repeat purchases per customer)."""
    if _is_log(transactions):
        return _log_headline(transactions, summary)
    amounts = transactions["amount"]
    out = {"customers": len(summary), "transactions": len(transactions)}
    if has_column(transactions, "order_id"):
        out["orders"] = int(transactions["order_id"].nunique())
        out["revenue_per_order"] = float(amounts.sum()) / out["orders"]
    out.update(first=transactions["date"].min(), last=transactions["date"].max(),
               gross=float(amounts[amounts >= 0].sum()), returns=float(amounts[amounts < 0].sum()),
               return_lines=int((amounts < 0).sum()), net=float(amounts.sum()),
               came_back=float(np.mean(summary["frequency"] > 0)) if len(summary) else float("nan"),
               repeat_mean=float(summary["frequency"].mean()))
    return out


def _log_headline(log, summary: pd.DataFrame) -> dict:
    from crmlib import log_tables

    lines = log_tables.headline(log)
    out = {"customers": len(summary), "transactions": lines["transactions"]}
    if has_column(log, "order_id"):
        out["orders"] = lines["orders"]
        out["revenue_per_order"] = lines["net"] / out["orders"]
    first, last = date_span(log)
    out.update(first=first, last=last, gross=lines["gross"], returns=lines["returns"],
               return_lines=lines["return_lines"], net=lines["net"],
               came_back=float(np.mean(summary["frequency"] > 0)) if len(summary) else float("nan"),
               repeat_mean=float(summary["frequency"].mean()))
    return out


def purchase_days(transactions: pd.DataFrame) -> pd.Series:
    """The amount of each purchase: one customer's transactions of one day, netted, on the days that
    count as a purchase (:mod:`crmlib.summary`: a transaction of amount >= 0 and a net amount >= 0)."""
    day = transactions["date"].dt.normalize()
    daily = transactions.assign(day=day, bought=transactions["amount"] >= 0).groupby(
        ["customer_id", "day"], observed=True).agg(amount=("amount", "sum"), bought=("bought", "any"))
    return daily.loc[daily["bought"] & (daily["amount"] >= 0), "amount"]


def revenue_by_period(transactions: pd.DataFrame, freq: str = "M", observation_end=None) -> pd.DataFrame:
    """Net revenue, transactions and active customers per calendar period (default: month).

    Indexed by the period's first day (``period``), every period from the first to the last
    transaction included (a period without sales shows 0). Columns: ``revenue`` (net of returns),
    ``transactions``, ``customers`` (distinct customers with a transaction), and ``orders``
    with ``revenue_per_order`` when the transactions have an ``order_id``: each order id counts once,
    in the period of its first line (a return dated in a later month does not count the order again),
    so the periods add up to the headline's orders. Last, :func:`period_coverage`'s columns (``complete``,
    ``covered_from``, ``covered_to``, ``starts_late``, ``ends_early``) between :func:`data_start` (the first
    transaction's day) and :func:`data_end` (``observation_end``, else the last transaction's day): a first period
    the data start inside, or a last one they end inside, is partial.
    """
    if len(transactions) == 0:
        raise DataError("revenue_by_period: the transactions are empty; there is no period to show.")
    code = period_code(freq)
    out = _log_by_period(transactions, code) if _is_log(transactions) else _frame_by_period(transactions, code)
    return out.join(period_coverage(out.index, code, data_end(transactions, observation_end),
                                    start=data_start(transactions)))


def _frame_by_period(transactions: pd.DataFrame, code: str) -> pd.DataFrame:
    period = transactions["date"].dt.to_period(code)
    groups = transactions.assign(period=period).groupby("period")
    out = pd.DataFrame({"revenue": groups["amount"].sum(),
                        "transactions": groups.size(),
                        "customers": groups["customer_id"].nunique()})
    if has_column(transactions, "order_id"):  # an order counts in the period of its first line
        first = transactions.groupby("order_id")["date"].min().dt.to_period(code)
        out["orders"] = first.value_counts().reindex(out.index, fill_value=0)
    every = pd.period_range(period.min(), period.max(), freq=code)
    out = out.reindex(every, fill_value=0)
    if "orders" in out:
        out["revenue_per_order"] = out["revenue"] / out["orders"].where(out["orders"] > 0)
    out.index = out.index.start_time
    out.index.name = "period"
    return out


def _log_by_period(log, code: str) -> pd.DataFrame:
    from crmlib import log_tables

    table = log_tables.by_period(log, code)
    period = table.index.to_period(code)
    out = table.drop(columns="orders").set_index(period)
    if has_column(log, "order_id"):
        out["orders"] = table["orders"].to_numpy()
    out = out.reindex(pd.period_range(period.min(), period.max(), freq=code), fill_value=0)
    if "orders" in out:
        out["revenue_per_order"] = out["revenue"] / out["orders"].where(out["orders"] > 0)
    out.index = out.index.start_time
    out.index.name = "period"
    return out


def category_mix(transactions: pd.DataFrame) -> pd.DataFrame:
    """Revenue and customers per category (the transactions need a ``category`` column).

    One row per category, largest revenue first; a blank category is ``"(blank)"``. Columns:
    ``revenue`` (net), ``revenue_share``, ``customers`` (distinct buyers), ``customer_share``
    (of all customers: one customer may buy in several categories, so these shares add up to
    more than 100 %), ``revenue_per_customer``, and ``orders`` when there is an ``order_id``.
    """
    _need(transactions, "category", "category_mix")
    if _is_log(transactions):
        return _log_category_mix(transactions)
    tx = transactions.assign(category=transactions["category"].astype("string").fillna(BLANK))
    groups = tx.groupby("category")
    out = pd.DataFrame({"revenue": groups["amount"].sum(), "customers": groups["customer_id"].nunique()})
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    out["customer_share"] = out["customers"] / tx["customer_id"].nunique()
    out["revenue_per_customer"] = out["revenue"] / out["customers"]
    if has_column(tx, "order_id"):
        out["orders"] = groups["order_id"].nunique()
    cols = ["revenue", "revenue_share", "customers", "customer_share", "revenue_per_customer"]
    return out[cols + [c for c in out.columns if c not in cols]].sort_values("revenue", ascending=False)


def _log_category_mix(log) -> pd.DataFrame:
    from crmlib import log_tables

    table = log_tables.by_text(log, "category", BLANK)
    out = table[["revenue", "customers"]].copy()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    out["customer_share"] = out["customers"] / table.attrs["customers"]
    out["revenue_per_customer"] = out["revenue"] / out["customers"]
    if has_column(log, "order_id"):
        out["orders"] = table["orders"]
    cols = ["revenue", "revenue_share", "customers", "customer_share", "revenue_per_customer"]
    return out[cols + [c for c in out.columns if c not in cols]].sort_values("revenue", ascending=False)


def customer_base(transactions, freq: str = "MS") -> tuple[pd.Series, pd.Series]:
    """Active customers (a line of amount >= 0) and new customers (their first purchase day,
    :func:`crmlib.purchases.first_purchase`) per period start, for the customer-base figure."""
    from crmlib.purchases import first_purchase

    first = first_purchase(transactions).dt.to_period(freq[0]).dt.start_time
    if _is_log(transactions):
        from crmlib import log_tables

        active = log_tables.active_by_period(transactions, freq[0])
        active.index.name = "period"
    else:
        tx = transactions[~transactions["is_return"]] if "is_return" in transactions else transactions
        period = tx["date"].dt.to_period(freq[0]).dt.start_time
        active = tx.assign(period=period).groupby("period")["customer_id"].nunique()
    new = first.value_counts().sort_index().reindex(active.index, fill_value=0)
    return active, new


def early_customers(transactions, base: tuple[pd.Series, pd.Series] | None = None, observation_end=None):
    """:func:`crmlib.periods.early_acquisition` of the monthly new customers of :func:`customer_base` (``base``
    when computed already): the first months whose new customers include customers from before the data began."""
    from crmlib.periods import early_acquisition

    new = (base if base is not None else customer_base(transactions, "MS"))[1]
    return early_acquisition(new, "MS", data_end(transactions, observation_end), start=data_start(transactions))


def channel_totals(transactions) -> pd.DataFrame:
    """Lines (``purchases``) and ``revenue`` of the lines of amount > 0, per channel (missing: unknown)."""
    if not has_column(transactions, "channel"):
        raise DataError("channel_mix: the transactions have no 'channel' column (or it is empty); "
                        "leave the figure out for these data.")
    if _is_log(transactions):
        from crmlib import log_tables

        by = log_tables.by_text(transactions, "channel", "unknown", where="amt > 0")
        return by.rename(columns={"lines": "purchases"})[["purchases", "revenue"]]
    tx = transactions[transactions["amount"] > 0].fillna({"channel": "unknown"})
    return tx.groupby("channel").agg(purchases=("amount", "size"), revenue=("amount", "sum"))


def attribute_columns(customers: pd.DataFrame, max_share: float = 0.5) -> list[str]:
    """The columns of a customers file that describe groups of customers (city, tier, region, ...).

    Left out: the id, columns :func:`crmlib.privacy.find_pii_columns` flags (names, emails,
    phones, free text), dates and numbers, text that holds dates (:func:`crmlib.screening.looks_like_dates`:
    a "Joined On" column read as text), and text whose distinct values exceed ``max_share`` of
    the customers (an identifier, not a group).
    """
    from crmlib.privacy import find_pii_columns
    from crmlib.screening import looks_like_dates

    pii = find_pii_columns(customers)
    keep = []
    for col in customers.columns:
        values = customers[col].dropna()
        if col == "customer_id" or col in pii or values.empty:
            continue
        if not (pd.api.types.is_string_dtype(values.dtype) or isinstance(values.dtype, pd.CategoricalDtype)
                or pd.api.types.is_bool_dtype(values.dtype) or values.dtype == object):
            continue
        if values.nunique() <= max(2, max_share * len(customers)) and not looks_like_dates(values):
            keep.append(col)
    return keep


def attribute_value(customers: pd.DataFrame, table: pd.DataFrame, column: str,
                    min_customers: int = MIN_GROUP, max_values: int = 12) -> pd.DataFrame:
    """Customers, buyers, revenue and value per value of one customers-file attribute.

    ``table`` is the per-customer table (:func:`crmlib.customer_table`, indexed by the same
    customer ids, with ``revenue``). One row per value of ``column``, most customers first.
    Columns: ``customers`` (in the file with that value), ``buyers`` (of them, those with a
    transaction), ``revenue`` (net, their total), ``revenue_share``, ``revenue_per_buyer`` and,
    when ``table`` has a ``clv`` column, ``mean_clv`` (per buyer). Buyers the customers file
    lacks form the row ``"(not in the customers file)"``, so revenue adds up to the total;
    a blank value is ``"(blank)"``. Values with fewer than ``min_customers`` customers (by default
    :data:`crmlib.screening.MIN_GROUP`, the size under which the loaders already show a value as
    :data:`crmlib.screening.RARE`), and those past the ``max_values`` largest, are merged into
    ``"(other values)"``, so a row never describes a single person. The merged rows (those two, the
    blank values and the customers not in the file) come last.
    """
    require_columns(customers, (column,), "attribute_value", "customers",
                    f"Its attributes are {', '.join(map(repr, attribute_columns(customers))) or 'none'}.")
    require_columns(table, ("revenue",), "attribute_value", "customer table",
                    "Build it with crmlib.customer_table(transactions).")
    ids = customers["customer_id"].astype("string")
    values = customers[column].astype("string").fillna(BLANK)
    labels = pd.Series(values.to_numpy(), index=ids.to_numpy()).groupby(level=0).first()
    extra = table.index.difference(labels.index)
    labels = pd.concat([labels, pd.Series(NOT_IN_FILE, index=extra, dtype="string")])
    sizes = labels.value_counts()
    small = sizes[(sizes < min_customers) | (np.arange(len(sizes)) >= max_values)].index.difference([NOT_IN_FILE])
    labels = labels.where(~labels.isin(small), OTHER)
    frame = pd.DataFrame({"value": labels.astype(str)})
    frame["buyer"] = frame.index.isin(table.index)
    frame["revenue"] = table["revenue"].reindex(frame.index).fillna(0.0).to_numpy()
    groups = frame.groupby("value")
    out = pd.DataFrame({"customers": groups.size(), "buyers": groups["buyer"].sum(),
                        "revenue": groups["revenue"].sum()})
    out["revenue_share"] = out["revenue"] / out["revenue"].sum() if out["revenue"].sum() else np.nan
    out["revenue_per_buyer"] = out["revenue"] / out["buyers"].where(out["buyers"] > 0)
    if "clv" in table.columns:
        clv = table["clv"].reindex(frame.index[frame["buyer"]])
        out["mean_clv"] = clv.groupby(frame.loc[frame["buyer"], "value"]).mean()
    out.index.name = column
    tail = [v for v in MERGED if v in out.index]
    head = out.drop(index=tail).sort_values(["customers", "revenue"], ascending=False)
    return pd.concat([head, out.loc[tail]])
