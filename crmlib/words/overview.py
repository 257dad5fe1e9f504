"""The words of the overview report: its opening line, headline table, summary findings, notes and
figure texts, in English, Hindi and Bengali.

The numbers come from :mod:`crmlib.overview` and the per-customer table; every one is written by
:class:`crmlib.formats.Formats` before it goes into a sentence. A "purchase" is a customer-day
(a customer's transactions of one day), as in every model; a transaction line is one row of the file.

>>> import pandas as pd
>>> from crmlib.formats import Formats
>>> from crmlib.words import Words
>>> t = pd.DataFrame({"frequency": [0, 0, 2, 4], "revenue": [10.0, 10.0, 40.0, 140.0]})
>>> print(findings(t, w=Words("en"), fmt=Formats("en", currency="USD"))[0].replace("\\xa0", " "))
4 customers made 10 purchases worth USD 200 in all (USD 50 per customer), counting a customer's transactions of one day as one purchase, as every model here does.
"""

from __future__ import annotations

import math

import pandas as pd

from crmlib.formats import Formats
from crmlib.words import N_, NP_, Words, quality

# ----------------------------------------------------------------------------- opening line
#: Under the title: {customers} and {transactions} are counts, {first} and {last} dates, {unit} a TIME_UNIT.
OPENING_CURRENCY = N_("{customers} customers and {transactions} transaction lines from {first} to {last}; "
                      "time unit: {unit}; amounts in {currency}.")
OPENING_NO_CURRENCY = N_("{customers} customers and {transactions} transaction lines from {first} to {last}; "
                         "time unit: {unit}; amounts as given in the file (no currency was named).")
#: The time units of the models, as named in sentences.
TIME_UNITS = {"H": N_("hours"), "D": N_("days"), "W": N_("weeks"), "M": N_("months")}

# ----------------------------------------------------------------------------- headline table
#: Column headings of the headline table.
HEADLINE_WHAT = N_("Measure")
HEADLINE_VALUE = N_("Value")
#: Row labels of the headline table (one row each).
ROW_CUSTOMERS = N_("Customers")
ROW_TRANSACTIONS = N_("Transaction lines")
ROW_ORDERS = N_("Orders")
ROW_REVENUE_PER_ORDER = N_("Net revenue per order")
ROW_PERIOD = N_("Period")
ROW_GROSS = N_("Revenue (gross of returns)")
ROW_RETURNS = N_("Returns and refunds")
ROW_NET = N_("Net revenue")
ROW_CAME_BACK = N_("Customers who came back")
ROW_REPEAT_MEAN = N_("Repeat purchases per customer (mean)")
#: The returns row: {amount} is money, {transactions} a count of transaction lines.
RETURNS_IN = NP_("{amount} in {transactions} transaction line", "{amount} in {transactions} transaction lines")

# ----------------------------------------------------------------------------- summary findings
#: {customers}, {purchases} counts; {revenue}, {per_customer} money.
FINDING_PURCHASES = NP_(
    "{customers} customer made {purchases} purchases worth {revenue} in all ({per_customer} per customer), "
    "counting a customer's transactions of one day as one purchase, as every model here does.",
    "{customers} customers made {purchases} purchases worth {revenue} in all ({per_customer} per customer), "
    "counting a customer's transactions of one day as one purchase, as every model here does.")
#: {share} a share; {median} a number.
FINDING_ONCE = N_("{share} of customers have bought only once; the repeat buyers made {median} repeat "
                  "purchases each (median).")
#: When no customer has bought twice (FINDING_ONCE would say 100 % and a median of 0 repeat purchases).
FINDING_ALL_ONCE = N_("Every customer has bought only once so far: there are no repeat buyers yet.")
#: {top} and {share} are shares.
FINDING_TOP = N_("The top {top} of customers by revenue bring {share} of all revenue.")

# ----------------------------------------------------------------------------- notes in the page
NO_ORDER_ID = N_("The transactions file has no order id column, so orders are not counted: each transaction "
                 "line is taken as one order.")
CATEGORY_NOTE = N_("A customer who buys in several categories counts in each, so customer shares add up to "
                   "more than 100 %.")
NO_CATEGORY = N_("The transactions file has no category column, so the category mix is left out.")
NO_CHANNEL = N_("The transactions file has no channel column (or it is empty), so the channel mix is left out.")
NO_ATTRIBUTES = N_("The customers file has no attribute column (such as a city or a tier) beside personal "
                   "data, so there is no breakdown.")
#: Where the customers file was not given: {file} is the input's name (customers) and {flag} the option
#: (--customers), as they are.
LEFT_OUT_CUSTOMERS = N_("No {file} file was given, so revenue and value by city, tier and other customer "
                        "attributes cannot be shown; run the report with {flag} to include it.")
#: Before the figures and tables by attribute: {count} is the number of customers below which a value is merged
#: (into "other (fewer than 3 customers)" or "(other values)").
SMALL_VALUES_MERGED = N_("Values held by fewer than {count} customers are merged, so that no row points at one "
                         "person.")
#: Under the revenue table when it has more months than it shows: {shown} and {total} are counts of months.
MONTHS_LATEST = N_("The table shows the latest {shown} of the {total} months; the CSV file holds every month, "
                   "oldest first.")
#: The revenue table's column saying whether the data cover each month to its end, and its value when they do.
COVERAGE = N_("Data cover")
WHOLE_MONTH = N_("whole month")
#: A period the data end inside of (its numbers count only some of its days), in a figure and a table:
#: {date} is the data's last day.
PARTIAL_TO = N_("partial: to {date}")
#: A period the data start inside of (an export taken from the 3rd): {date} is the data's first day.
PARTIAL_FROM = N_("partial: from {date}")
#: A period the data both start and end inside of: {dates} are its days with data ("3–20 Jun 2024").
PARTIAL_DAYS = N_("partial: {dates}")
#: Labels of the attribute tables' merged rows.
NOT_IN_FILE = N_("(not in the customers file)")
BLANK = N_("(blank)")
OTHER = N_("(other values)")

# ----------------------------------------------------------------------------- figures
#: Figure titles: numbers and dates already written by Formats.
TITLE_CUSTOMER_BASE = N_("Customer base: {active} customers active in the last period, {new} acquired in all")
#: When the data end inside the last period: {period} is the last complete one ("May 2024"), {active} its count.
TITLE_CUSTOMER_BASE_COMPLETE = N_("Customer base: {active} customers active in {period}, the last complete period; "
                                  "{new} acquired in all")
#: When the data end inside their one period: {period} is it, {date} the data's last day.
TITLE_CUSTOMER_BASE_PARTIAL = N_("Customer base: {active} customers active in {period} up to {date}, the one "
                                 "period of the data, which is partial; {new} acquired in all")
#: When the data cover no period whole (they start and end inside their one or two periods): {dates} are the data's
#: days ("3 Dec 2023 – 3 Jan 2024").
TITLE_CUSTOMER_BASE_NONE_COMPLETE = N_("Customer base: {new} customers acquired in {dates}, which cover no period "
                                       "whole")
AXIS_PERIOD_START = N_("Period start (date)")
AXIS_CUSTOMERS = N_("Customers (count)")
LEGEND_ACTIVE = N_("active customers")
LEGEND_NEW = N_("new customers")
TITLE_ONCE = N_("{share} of customers bought only once")
AXIS_REPEAT_PURCHASES = N_("Repeat purchases (count)")
#: {median} money; purchases are customer-days (a customer's transactions of one day, netted).
TITLE_SPEND = N_("Half of all purchases (customer-days) are below {median}")
AXIS_PURCHASE_AMOUNT = N_("Amount of a purchase (one customer's day), {unit}, log scale")
AXIS_PURCHASES = N_("Purchases (customer-days, count)")
#: {channel} is a channel as written in the file.
TITLE_CHANNEL = N_("'{channel}' brings {share} of revenue")
LEGEND_SHARE_LINES = N_("share of transaction lines")
LEGEND_SHARE_REVENUE = N_("share of revenue")
LEGEND_SHARE_CUSTOMERS = N_("share of customers")
AXIS_CHANNEL = N_("Channel")
AXIS_SHARE = N_("Share (%)")
TITLE_REVENUE_PEAK = N_("Revenue peaks in {month} at {revenue}, {share} above the mean period")
#: When the last period is partial, the peak and the mean are those of the complete periods.
TITLE_REVENUE_PEAK_COMPLETE = N_("Revenue peaks in {month} at {revenue}, {share} above the mean of the complete "
                                 "periods")
#: {month} the one period of the data (a peak "0% above the mean period" says nothing).
TITLE_REVENUE_ONE_PERIOD = N_("Revenue in {month}, the one period of the data: {revenue}")
#: {month} the one complete period, before a partial last one.
TITLE_REVENUE_ONE_COMPLETE = N_("Revenue in {month}, the one complete period of the data: {revenue}")
#: {month} the one period of the data, which they cover only up to {date}.
TITLE_REVENUE_PARTIAL = N_("Revenue in {month} up to {date}, the one period of the data, which is partial: {revenue}")
#: When the data cover no period whole (they start and end inside their one or two periods): {dates} are the data's
#: days ("3 Dec 2023 – 3 Jan 2024"), {revenue} their net revenue.
TITLE_REVENUE_NONE_COMPLETE = N_("Revenue in {dates}: {revenue}; the data cover no period whole, so none is named "
                                 "the peak")
AXIS_NET_REVENUE = N_("Net revenue ({unit})")
TITLE_ORDERS = N_("{orders} orders of {per_order} on average; the most in {month} ({busiest})")
#: When the last period is partial: {month} is the busiest of the complete periods.
TITLE_ORDERS_COMPLETE = N_("{orders} orders of {per_order} on average; of the complete periods, the most in "
                           "{month} ({busiest})")
#: When the data cover no period whole (they start and end inside their one or two periods).
TITLE_ORDERS_NONE_COMPLETE = N_("{orders} orders of {per_order} on average; the data cover no period whole, so none "
                                "is named the busiest")
AXIS_ORDERS = N_("Orders (count)")
TITLE_CATEGORY = N_("'{category}' brings {revenue_share} of revenue from {customer_share} of customers")
AXIS_CATEGORY_SHARE = N_("Share (%; a customer may buy in several categories)")
AXIS_CATEGORY = N_("Category")
#: {value} is a value of the customers file as it is; {ratio} a number.
TITLE_ATTRIBUTE_RATIO = N_("{best} customers bring {amount} each, {ratio}x {worst}")
TITLE_ATTRIBUTE_ONE = N_("{best} customers bring {amount} each")
#: {column} is the column's name in the customers file, as it is.
TITLE_ATTRIBUTE_NONE = N_("No value of '{column}' holds enough customers to compare")
AXIS_REVENUE_PER_BUYER = N_("Net revenue per buying customer ({unit})")
#: {column} is the column's name in the customers file, as it is.
AXIS_ATTRIBUTE = N_("{column} (customers)")
#: The unit of a money axis when no currency was named.
CURRENCY_UNITS = N_("currency units")


def _pair(w: Words | None, fmt: Formats | None, currency: str | None = None) -> tuple[Words, Formats]:
    fmt = fmt or Formats("en", currency=currency or None)
    return (w or Words.of(fmt)), fmt


def period_name(start, freq: str, fmt: Formats) -> str:
    """The period of frequency ``freq`` (:data:`crmlib.periods.PERIOD_CODES`) holding the day ``start``, as a title
    names it: a month as "June 2024", a year as "2024", a day as its date, a week or quarter as its days.

    >>> en = Formats("en")
    >>> period_name(pd.Timestamp("2024-06-01"), "MS", en), period_name(pd.Timestamp("2024-06-05"), "W", en)
    ('June 2024', '3–9 Jun 2024')
    """
    from crmlib.periods import period_code

    code, start = period_code(freq), pd.Timestamp(start)
    if code == "M":
        return fmt.month(start)
    if code == "Y":
        return fmt.in_digits(f"{start.year}")
    if code == "D":
        return fmt.date(start, "medium")
    period = start.to_period(code)
    return fmt.date_range(period.start_time, period.end_time.normalize())


def partial_label(end, w: Words, fmt: Formats, *, start=None) -> str:
    """The label of a partial period: "partial: to 3 Jun 2024" (``end`` the data's last day, inside it), "partial:
    from 3 Dec 2023" (``start`` the data's first day, inside it, and ``end`` None) or "partial: 3–20 Jun 2024" (both).

    >>> en = Formats("en")
    >>> partial_label("2024-06-03", Words("en"), en), partial_label(None, Words("en"), en, start="2023-12-03")
    ('partial: to 3 Jun 2024', 'partial: from 3 Dec 2023')
    """
    if start is None:
        return w(PARTIAL_TO, date=fmt.date(end, "medium"))
    if end is None:
        return w(PARTIAL_FROM, date=fmt.date(start, "medium"))
    return w(PARTIAL_DAYS, dates=fmt.date_range(start, end))


def coverage_label(row, w: Words, fmt: Formats) -> str:
    """The label of a partial period from its row of :func:`crmlib.periods.period_coverage` (``covered_from`` when it
    ``starts_late``, ``covered_to`` when it ``ends_early``: :func:`partial_label`). A row with only ``complete``
    and ``covered_to`` (a table made before the data's start was judged) ends early."""
    late = bool(row.get("starts_late", False))
    early = bool(row.get("ends_early", not row["complete"]))
    return partial_label(row["covered_to"] if early else None, w, fmt, start=row["covered_from"] if late else None)


def coverage_words(table: pd.DataFrame, whole: str, w: Words, fmt: Formats) -> tuple[pd.DataFrame, list[str]]:
    """A period table holding :func:`crmlib.periods.period_coverage`'s columns as a page shows it: the table without
    them, and each period's cover in words, ``whole`` ("whole month") for a complete one, else its
    :func:`coverage_label` (the overview's revenue table and the feedback trend's table say it alike).

    >>> t = pd.DataFrame({"n": [3, 5], "complete": [False, True], "covered_from": pd.to_datetime(["2024-04-03"] * 2),
    ...                   "covered_to": pd.to_datetime(["2024-04-30", "2024-05-31"]), "starts_late": [True, False],
    ...                   "ends_early": [False, False]})
    >>> rest, said = coverage_words(t, "whole month", Words("en"), Formats("en"))
    >>> rest.columns.tolist(), said
    (['n'], ['partial: from 3 Apr 2024', 'whole month'])
    """
    from crmlib.periods import COVERAGE_COLUMNS

    said = [whole if row["complete"] else coverage_label(row, w, fmt) for _, row in table.iterrows()]
    return table.drop(columns=[c for c in COVERAGE_COLUMNS if c in table.columns]), said


def money_unit(w: Words, fmt: Formats) -> str:
    """The unit of a money axis: the currency code, or "currency units"."""
    return fmt.currency or w(CURRENCY_UNITS)


def opening(transactions: pd.DataFrame, table: pd.DataFrame, freq: str, *, w: Words | None = None,
            fmt: Formats | None = None) -> str:
    """The line under the title: customers, transaction lines, dates, time unit and currency."""
    from crmlib.overview import date_span  # a frame's dates, or a TransactionLog's days

    w, fmt = _pair(w, fmt)
    first, last = date_span(transactions)
    values = dict(customers=fmt.count(len(table)), transactions=fmt.count(len(transactions)),
                  first=fmt.date(first), last=fmt.date(last),
                  unit=w(TIME_UNITS[freq]))
    if fmt.currency:
        return w(OPENING_CURRENCY, currency=fmt.currency, **values)
    return w(OPENING_NO_CURRENCY, **values)


def headline(numbers: dict, *, w: Words | None = None, fmt: Formats | None = None) -> pd.DataFrame:
    """The headline table of :func:`crmlib.overview.headline_numbers`, in words: two text columns,
    ``measure`` and ``value`` (show it with ``names=headline_names(w)``)."""
    w, fmt = _pair(w, fmt)
    money = fmt.money_decimals([numbers[k] for k in ("gross", "returns", "net")])
    rows = [(ROW_CUSTOMERS, fmt.count(numbers["customers"])),
            (ROW_TRANSACTIONS, fmt.count(numbers["transactions"]))]
    if "orders" in numbers:
        rows += [(ROW_ORDERS, fmt.count(numbers["orders"])),
                 (ROW_REVENUE_PER_ORDER, fmt.money(numbers["revenue_per_order"]))]
    rows += [(ROW_PERIOD, fmt.date_range(numbers["first"], numbers["last"])),
             (ROW_GROSS, fmt.money(numbers["gross"], money)),
             (ROW_RETURNS, w.plural(RETURNS_IN, numbers["return_lines"], amount=fmt.money(numbers["returns"], money),
                                    transactions=fmt.count(numbers["return_lines"]))),
             (ROW_NET, fmt.money(numbers["net"], money)),
             (ROW_CAME_BACK, fmt.share(numbers["came_back"], 1)),
             (ROW_REPEAT_MEAN, fmt.number(numbers["repeat_mean"], 2))]
    return pd.DataFrame([(w(label), value) for label, value in rows], columns=["measure", "value"])


def headline_names(w: Words) -> dict[str, str]:
    """The column labels of :func:`headline` for ``show(names=...)``."""
    return {"measure": w(HEADLINE_WHAT), "value": w(HEADLINE_VALUE)}


def findings(table: pd.DataFrame, ledger=None, *, w: Words | None = None, fmt: Formats | None = None,
             top: float = 0.2) -> list[str]:
    """The overview report's findings from its per-customer table (``frequency``, ``revenue``) and,
    when given, its ledgers (:func:`crmlib.words.quality.biggest_issue`)."""
    from crmlib.findings import top_shares

    w, fmt = _pair(w, fmt)
    n = len(table)
    purchases = int((table["frequency"].astype(float) + 1).sum())
    revenue = float(table["revenue"].sum())
    per = revenue / n if n else float("nan")
    d = fmt.money_decimals([revenue, per])  # one choice of decimals for the amounts of one sentence
    out = [w.plural(FINDING_PURCHASES, n, customers=fmt.count(n), purchases=fmt.count(purchases),
                    revenue=fmt.money(revenue, d), per_customer=fmt.money(per, d))]
    once = float((table["frequency"] == 0).mean()) if n else float("nan")
    repeat = table.loc[table["frequency"] > 0, "frequency"]
    if len(repeat):
        out.append(w(FINDING_ONCE, share=fmt.share(once, 0), median=fmt.number(float(repeat.median()), 0)))
    elif n:
        out.append(w(FINDING_ALL_ONCE))
    customers, share = top_shares(table["revenue"], top)
    if math.isfinite(share):  # the share of customers actually summed: 2 of 6 are 33%, not "the top 20%"
        out.append(w(FINDING_TOP, top=fmt.share(customers, 0), share=fmt.share(share, 0)))
    if ledger is not None:
        out.append(quality.biggest_issue(ledger, w=w, fmt=fmt))
    return out


#: The customers file's attributes that are crmlib's own columns (read from "Town", "শহর", "Tier", ...):
#: named in a figure by their table label (crmlib.words.tables.LABELS); any other column as the file wrote it.
OWN_ATTRIBUTES = ("city", "loyalty_tier", "channel", "category")


def attribute_name(column, w: Words) -> str:
    """The name of a customers-file attribute in a figure: one of crmlib's own columns
    (:data:`OWN_ATTRIBUTES`) in the page's words, as its table's column is labelled; a column the
    file named itself ("Region", "অঞ্চল") as it is.

    >>> attribute_name("city", Words("bn")), attribute_name("Region", Words("bn"))
    ('শহর', 'Region')
    """
    from crmlib.words.tables import LABELS

    return w(LABELS[column]) if column in OWN_ATTRIBUTES and column in LABELS else str(column)


def attribute_labels(table: pd.DataFrame, w: Words) -> pd.DataFrame:
    """An attribute table of :func:`crmlib.overview.attribute_value` with its merged rows
    ("(other values)", "(blank)", "(not in the customers file)" and the screening's rare-value label)
    in the language; data values stay."""
    from crmlib import overview, screening

    names = {overview.NOT_IN_FILE: w(NOT_IN_FILE), overview.BLANK: w(BLANK), overview.OTHER: w(OTHER),
             screening.RARE: w(quality.RARE_VALUE)}
    return table.rename(index=lambda v: names.get(v, v))
