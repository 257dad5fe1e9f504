"""The three loaders, :func:`read_transactions`, :func:`read_customers` and :func:`read_feedback`, and
the rules by which they count rows (duplicates, blank amounts, customers without a purchase day)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.io.columns import CUSTOMERS, FEEDBACK, KEYWORD_FITS, TRANSACTIONS, _canonical_columns
from crmlib.io.files import _read, _Source
from crmlib.io.messages import _MAX_EXAMPLES, _names, _problem, _raise, _show
from crmlib.io.values import (
    ONE_SPELLING,
    SCORE_RANGES,
    _as_text,
    _customer_ids,
    _parse_dates,
    _parse_dates_with_slips,
    _parse_numbers,
    after_end,
    as_date,
    one_spelling,
)
from crmlib.ledger import Ledger, Note, attach
from crmlib.pii_columns import kind_by_name
from crmlib.redaction import value_kind
from crmlib.screening import screen

#: Ways of treating exact duplicate transaction rows (see the docstring of crmlib.io).
DUPLICATE_RULES = ("auto", "keep", "drop")


#: Why amounts are refused whose sum for one customer is beyond the largest float (then the summary
#: would hold inf or NaN); the same words on the pandas and the SQL path.
OVERFLOW_RULE = ("belong to {customers:,} customer(s) whose amounts add up beyond 1.8e308 (too large for a "
                 "number), so their spend cannot be computed; such amounts are usually a unit or export error")

#: The ledger entries (reason, detail) of customers left out of the RFM summary because no day of
#: theirs is a purchase day (see crmlib.summary); the same words on the pandas and the SQL path.
NO_PURCHASE_DAY = {
    "net": ("customer without a purchase day: returns exceed purchases",
            "{customers} customer(s): on every day they bought, returns outweighed purchases (net amount "
            "below 0), so no day counts as a purchase; left out of the RFM summary, the segments and every "
            "customer count"),
    "returns": ("customer with only returns",
                "{customers} customer(s) with returns or refunds and no purchase; left out of the RFM summary, "
                "the segments and every customer count"),
}


def overflowing(ids, amounts) -> tuple[np.ndarray, int]:
    """Rows of customers whose finite amounts, in absolute value, add up beyond the largest float,
    and how many customers that is. Below it, every sum the summary takes is finite.

    >>> overflowing(pd.Series(["a", "a", "b"]), [1e308, 1e308, 1e308])
    (array([ True,  True, False]), 1)
    """
    a = np.abs(np.asarray(amounts, dtype=float))
    keys = pd.Series(ids).reset_index(drop=True)
    with np.errstate(over="ignore", invalid="ignore"):
        totals = pd.Series(np.where(np.isfinite(a), a, 0.0)).groupby(keys, dropna=True).sum()
    bad = totals.index[~np.isfinite(totals.to_numpy())]
    return keys.isin(set(bad)).fillna(False).to_numpy(dtype=bool), len(bad)


def no_purchase_day(ids, dates, amounts) -> dict[str, tuple[np.ndarray, int]]:
    """Rows of customers without a purchase day (the rule of :mod:`crmlib.summary`: a day holding a
    transaction with amount >= 0 and a net amount >= 0), and how many customers, for each key of
    :data:`NO_PURCHASE_DAY`: ``"net"`` (they bought, but returns outweighed it every day) and
    ``"returns"`` (only returns)."""
    amounts = np.asarray(amounts, dtype=float)
    frame = pd.DataFrame({"c": pd.Series(ids).to_numpy(),
                          "d": pd.to_datetime(pd.Series(dates)).dt.normalize().to_numpy(),
                          "a": amounts, "p": amounts >= 0})
    daily = frame.groupby(["c", "d"], sort=False, observed=True).agg(a=("a", "sum"), p=("p", "any"))
    buys = (daily["p"] & (daily["a"] >= 0)).groupby(level="c").any()
    bought = daily["p"].groupby(level="c").any()
    groups = {"net": set(buys.index[~buys & bought]), "returns": set(buys.index[~bought])}
    return {k: (frame["c"].isin(v).to_numpy(dtype=bool), len(v)) for k, v in groups.items()}


_AUDIENCE_PII = ("name", "email", "phone")  # kept for hashed audiences; drop_pii removes them from reports


def _drop(frame: pd.DataFrame, rows: np.ndarray, mask: np.ndarray, ledger: Ledger, reason: str,
          detail: str = "", fields=None) -> tuple[pd.DataFrame, np.ndarray]:
    ledger.add(reason, int(mask.sum()), action="dropped", detail=detail, rows=rows[mask], fields=fields)
    return frame[~mask], rows[~mask]


def _copy_text(out: pd.DataFrame, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """Copy the optional text columns present in ``frame``, trimmed; a channel, category, city or loyalty tier written
    in several upper/lower cases ("Online", "ONLINE") is one, in the spelling most rows of the file use
    (:data:`crmlib.io.values.ONE_SPELLING`, :func:`crmlib.io.values.one_spelling`)."""
    for col in columns:
        if col in frame.columns:
            text = _as_text(frame[col])
            out[col] = one_spelling(text) if col in ONE_SPELLING else text


_DUP = "__duplicate_row"


def _start(src: _Source, **columns) -> pd.DataFrame:
    """The canonical frame being built, with the file's own exact-duplicate flags alongside."""
    out = pd.DataFrame(columns)
    out[_DUP] = src.frame.astype(str).duplicated(keep="first").to_numpy()
    return out


def _drop_unusable(out: pd.DataFrame, rows: np.ndarray, ledger: Ledger, why_id: str, late=None,
                   duplicates: str = "drop") -> tuple[pd.DataFrame, np.ndarray]:
    """Drop, and count, rows without a customer id and rows after the observation end; then drop or
    keep, and count either way, the exact duplicates (judged on every column of the file, so line
    items that differ elsewhere are not duplicates). ``duplicates`` is a rule of DUPLICATE_RULES."""
    out, rows = _drop(out, rows, out["customer_id"].isna().to_numpy(), ledger, "no customer_id", why_id)
    if late is not None:
        out, rows = _drop(out, rows, after_end(out["date"], late), ledger, "date after observation end",
                          "after {date}", fields={"date": as_date(late).date()})
    dup = out[_DUP].to_numpy()
    same = "the same values in every column of the file as an earlier row"
    if duplicates == "drop":
        out, rows = _drop(out, rows, dup, ledger, "exact duplicate row", same)
    elif duplicates == "keep":
        ledger.add("exact duplicate row", int(dup.sum()), action="kept", rows=rows[dup],
                   detail=f"{same}; kept, as asked")
    else:  # "auto": a repeated transaction id with an identical row is the same transaction twice
        with_id = out["order_id"].notna().to_numpy() if "order_id" in out.columns else np.zeros(len(out), bool)
        out, rows = _drop(out, rows, dup & with_id, ledger, "exact duplicate row",
                          f"{same}, with the same order number: the same transaction exported twice")
        dup = out[_DUP].to_numpy()
        why = ("and no order number" if "order_id" in out.columns else "and the file has no transaction id")
        ledger.add("exact duplicate row", int(dup.sum()), action="kept", rows=rows[dup],
                   detail=f"{same} {why}: usually two real purchases, so kept "
                          "(they can be dropped with the duplicates option)")
    return out.drop(columns=_DUP), rows


def _new_ledger(src: _Source, table: str) -> Ledger:
    return Ledger(source=src.name, table=table, rows_read=len(src.frame))


#: What may happen to transactions without an amount (see :func:`read_transactions`).
BLANK_AMOUNT_RULES = ("drop", "refuse")
#: The ledger's reason for a transaction dropped because its amount is empty or NaN.
BLANK_AMOUNT = "no amount"

_FIX = "Fix these values in the file (or pass columns= if a column was misread) and load it again."


def read_transactions(source, columns: dict | None = None, observation_end=None,
                      duplicates: str = "auto", sheet: str | int | None = None,
                      blank_amounts: str = "drop") -> pd.DataFrame:
    """Read transactions: ``customer_id`` (string), ``date``, ``amount`` (float) and ``is_return``.

    Optional columns kept when present: ``order_id``, ``quantity``, ``category``, ``channel``.
    ``columns`` renames your own column names, e.g. ``{"Invoice Date": "date"}``.
    Transactions after ``observation_end`` are dropped and counted in the ledger.

    ``duplicates`` says what happens to exact duplicate rows: ``"auto"`` (the default) keeps them
    and counts them in the ledger, except rows whose ``order_id`` (or an alias such as ``invoice``)
    repeats with an identical row, which are dropped as the same transaction exported twice;
    ``"keep"`` keeps them all, ``"drop"`` drops them all. ``sheet`` picks the sheet of an Excel
    workbook with several (its name, or its position from 0).

    ``blank_amounts`` says what happens to rows whose amount is empty or NaN: ``"drop"`` (the
    default) drops them and counts them in the ledger, as rows without a customer id are;
    ``"refuse"`` refuses the file, naming the rows (``crmlib report --refuse-blank-amounts``).

    Dates must lie from 1900-01-01 to 2100-12-31; amounts and quantities must be finite numbers.

    >>> import pandas as pd
    >>> raw = pd.DataFrame({"cust": ["a", "a", "b"], "date": ["2024-01-05", "2024-02-01", "2024-01-09"],
    ...                     "amount": ["₹1,00,000.50", "-20", "15"]})
    >>> tx = read_transactions(raw, columns={"cust": "customer_id"})
    >>> tx["amount"].tolist(), tx["is_return"].tolist()
    ([100000.5, -20.0, 15.0], [False, True, False])
    >>> twice = pd.DataFrame({"customer_id": ["a", "a"], "date": "2024-01-05", "amount": [9.99, 9.99]})
    >>> len(read_transactions(twice)), len(read_transactions(twice, duplicates="drop"))
    (2, 1)
    """
    if duplicates not in DUPLICATE_RULES:
        raise DataError(f"duplicates={duplicates!r}: expected one of {', '.join(map(repr, DUPLICATE_RULES))}.")
    if blank_amounts not in BLANK_AMOUNT_RULES:
        raise DataError(f"blank_amounts={blank_amounts!r}: expected one of "
                        f"{', '.join(map(repr, BLANK_AMOUNT_RULES))}.")
    src = _read(source, "transactions", sheet)
    _canonical_columns(src, TRANSACTIONS, columns)
    ledger = _new_ledger(src, "transactions")
    frame, rows = src.frame, src.rows

    ids = _customer_ids(src, ledger)
    dates, date_problem = _parse_dates(src, "date", required=True)
    amounts, not_number, style = _parse_numbers(src, "amount")
    raw_amount = frame["amount"].astype(str).to_numpy()
    missing_amount = (_as_text(frame["amount"]).isna().to_numpy()) if frame["amount"].dtype == object \
        else frame["amount"].isna().to_numpy()
    nan_amount = (amounts.isna().to_numpy() & ~not_number) | missing_amount
    inf_amount = np.isinf(amounts.to_numpy(dtype=float, na_value=np.nan))
    out = _start(src, customer_id=ids, date=dates, amount=amounts)
    problems = [date_problem,
                _problem(src, "amount", not_number & ~missing_amount, raw_amount,
                         f"are not numbers in this column's format ({style})"),
                _problem(src, "amount", nan_amount & ~not_number, raw_amount,
                         "are empty or NaN; every transaction needs an amount")
                if blank_amounts == "refuse" else None,
                _problem(src, "amount", inf_amount, raw_amount,
                         "are infinite, or too large for a number (beyond 1.8e308)")]
    over, over_customers = overflowing(ids, amounts)
    problems.append(_problem(src, "amount", over, raw_amount, OVERFLOW_RULE.format(customers=over_customers)))
    if "quantity" in frame.columns:
        qty, bad_qty, _ = _parse_numbers(src, "quantity")
        raw_qty = frame["quantity"].astype(str).to_numpy()
        problems += [_problem(src, "quantity", bad_qty, raw_qty, "are not numbers"),
                     _problem(src, "quantity", np.isinf(qty.to_numpy(dtype=float, na_value=np.nan)), raw_qty,
                              "are infinite, or too large for a number (beyond 1.8e308)")]
        out["quantity"] = qty
    _raise(src, problems, _FIX)
    _copy_text(out, frame, ("order_id", "category", "channel"))
    out, rows = _drop(out, rows, nan_amount & ~not_number, ledger, BLANK_AMOUNT,
                      "empty or NaN amount: the purchase cannot be valued (refuse such a file instead "
                      "with crmlib report --refuse-blank-amounts)")
    out, rows = _drop_unusable(out, rows, ledger, "cannot be attributed to a customer", late=observation_end,
                               duplicates=duplicates)
    out["is_return"] = (out["amount"] < 0).to_numpy()
    ledger.add("return or refund (negative amount)", int(out["is_return"].sum()), action="flagged",
               detail="kept; netted against the same customer's purchases of that day",
               rows=rows[out["is_return"].to_numpy()])
    zero = (out["amount"] == 0).to_numpy()
    ledger.add("zero amount", int(zero.sum()), action="flagged",
               detail="kept; counts as a purchase (e.g. a free item), as in the CDNOW data",
               rows=rows[zero])
    for key, (mask, customers) in no_purchase_day(out["customer_id"], out["date"], out["amount"]).items():
        reason, detail = NO_PURCHASE_DAY[key]
        ledger.add(reason, int(mask.sum()), action="flagged", detail=detail, fields={"customers": customers},
                   rows=rows[mask])
    out = screen(out, rows, ledger, text=("category", "channel"), dates=("date",), short_years=src.short_years)
    return _with_notes(out.reset_index(drop=True), src, ledger)


#: The note naming the columns of a file that crmlib does not use.
NOT_USED = "column(s) not used: {names}"


def _with_notes(frame: pd.DataFrame, src: _Source, ledger: Ledger) -> pd.DataFrame:
    unused = [c for c in src.frame.columns if c not in frame.columns]
    if unused:
        src.notes.append(Note(NOT_USED, names=_names(unused)))
    ledger.notes.extend(src.notes)
    ledger.unused_columns = [str(c) for c in unused]
    return attach(frame, ledger)


_SLIP = "__not_a_date"
#: Why a signup column whose values are mostly no dates is refused (a column read by its header's words alone
#: stays the file's own column instead: crmlib.io.columns.KEYWORD_FITS).
NOT_DATES = ("are not dates, and neither are most values of the column, so these are not a few slips read as "
             "missing signup dates; expected dates such as 2024-01-31 or 31/01/2024")
#: The ledger's entry for signup dates that are not dates ("n/a", "soon"): the customers are kept without one.
SIGNUP_SLIP = ("values in '{column}' that are not dates",
               "kept as customers without a signup date; the file holds: {values}")


def _note_slips(ledger: Ledger, header: str, values: pd.Series, rows: np.ndarray) -> None:
    """Count the signup dates that are no dates (:data:`SIGNUP_SLIP`), naming the file's header and the first
    distinct values as a page may show them ("n/a" as it is, a word only as ``[text]``: it may be a name)."""
    distinct = list(dict.fromkeys(value_kind(v) for v in values))
    shown = ", ".join(distinct[:_MAX_EXAMPLES]) + (", ..." if len(distinct) > _MAX_EXAMPLES else "")
    reason, detail = SIGNUP_SLIP
    ledger.add(reason, len(values), action="changed", detail=detail, rows=rows,
               fields={"column": header, "values": shown})


def read_customers(source, columns: dict | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read customers: ``customer_id``; optional ``signup_date, city, loyalty_tier, name, email, phone``.

    The PII columns (``name``, ``email``, ``phone``) are kept for hashed audience exports only;
    use :func:`crmlib.privacy.drop_pii` before anything reaches a report.
    A customer id listed twice with different details is an error; an exact duplicate row is dropped.
    Signup dates must lie from 1900-01-01 to 2100-12-31. A signup date that is no date at all ("n/a",
    "soon") is a slip: the customer is kept without one, counted in the ledger under the file's own
    header with its rows and values (:data:`SIGNUP_SLIP`), as a transaction without an amount is; a date
    written in another format than the rest of the column is refused, naming it, and so is a column whose
    values are mostly no dates (:data:`NOT_DATES`; one read by its header's words alone, such as
    "Registered On", stays the file's own column instead). ``sheet`` picks the sheet of an Excel
    workbook with several.
    """
    src = _read(source, "customers", sheet)
    _canonical_columns(src, CUSTOMERS, columns)
    ledger = _new_ledger(src, "customers")
    frame, rows = src.frame, src.rows
    out = _start(src, customer_id=_customer_ids(src, ledger))
    problems = []
    if "signup_date" in frame.columns:
        out["signup_date"], problem, slips = _parse_dates_with_slips(src, "signup_date")
        text = _as_text(frame["signup_date"]).to_numpy(dtype=object)
        if slips.any() and not KEYWORD_FITS["signup_date"](frame["signup_date"]):  # not a column of dates
            problem = "; ".join(filter(None, [problem, _problem(src, "signup_date", slips, text, NOT_DATES)]))
        out[_SLIP] = np.where(slips, text, None)
        problems.append(problem)
    _raise(src, problems, "Fix these values in the file and load it again.")
    _copy_text(out, frame, ("city", "loyalty_tier", "name", "email", "phone"))
    extra = [c for c in frame.columns if c not in out.columns]
    for col in extra:  # other columns stay: drop_pii and the reports decide what is shown
        out[col] = frame[col].to_numpy()
    out, rows = _drop_unusable(out, rows, ledger, "cannot be linked to transactions")
    if _SLIP in out.columns:
        slipped = out.pop(_SLIP)
        _note_slips(ledger, src.header_of("signup_date"), slipped[slipped.notna()], rows[slipped.notna().to_numpy()])
    repeated = out["customer_id"].duplicated(keep=False).to_numpy()
    if repeated.any():
        idx = np.flatnonzero(repeated)
        shown = ", ".join(f"{src.row_word} {rows[i]}: {_show(out['customer_id'].iloc[i])}"
                          for i in idx[:_MAX_EXAMPLES])
        raise DataError(f"{src.name}: column 'customer_id': {len(idx)} rows share an id with different "
                        f"details ({shown}). Keep one row per customer and load it again.")
    attributes = tuple(c for c in out.columns if c not in ("customer_id", "signup_date", *_AUDIENCE_PII)
                       and kind_by_name(c) in (None, "free_text"))
    out = screen(out, rows, ledger, attributes=attributes, dates=("signup_date",), short_years=src.short_years)
    return _with_notes(out.reset_index(drop=True), src, ledger)


def read_feedback(source, columns: dict | None = None, redact: bool = True,
                  sheet: str | int | None = None) -> pd.DataFrame:
    """Read survey feedback: ``customer_id, date``; optional ``nps`` (0-10), ``csat`` (1-5),
    ``ces`` (1-7), ``channel``, ``comment``.

    Scores are whole numbers in their range (empty is allowed: a response may answer only some
    questions); they are checked before they become integers, so ``inf`` or ``1e20`` is a
    DataError naming its rows. Dates must lie from 1900-01-01 to 2100-12-31. With ``redact=True``
    (the default) emails and phone numbers in comments are replaced by ``[email]`` and ``[phone]``
    as the file is read, and counted in the ledger, so that analytics never receives them.
    ``sheet`` picks the sheet of an Excel workbook with several.
    """
    src = _read(source, "feedback", sheet)
    _canonical_columns(src, FEEDBACK, columns)
    ledger = _new_ledger(src, "feedback")
    frame, rows = src.frame, src.rows
    dates, date_problem = _parse_dates(src, "date", required=True)
    out = _start(src, customer_id=_customer_ids(src, ledger), date=dates)
    problems = [date_problem]
    scores = {}
    for col, (lo, hi) in SCORE_RANGES.items():
        if col not in frame.columns:
            continue
        vals, not_number, _ = _parse_numbers(src, col)
        raw = frame[col].astype(str).to_numpy()
        v = vals.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            outside = np.isinf(v) | (np.isfinite(v) & ((v < lo) | (v > hi) | (v != np.round(v))))
        problems += [_problem(src, col, not_number, raw, f"are not numbers; expected whole numbers {lo}-{hi}"),
                     _problem(src, col, outside, raw, f"are outside the {col.upper()} scale; "
                                                      f"expected whole numbers {lo}-{hi}")]
        scores[col] = v
    _raise(src, problems, "Fix these values in the file and load it again.")
    for col, v in scores.items():  # only now, with every value checked, whole numbers in range
        out[col] = pd.array(np.round(v), dtype="Float64").astype("Int64")
    _copy_text(out, frame, ("channel", "comment"))
    out, rows = _drop_unusable(out, rows, ledger, "cannot be linked to a customer")
    out = screen(out, rows, ledger, text=("channel", "comment"), dates=("date",), short_years=src.short_years,
                 redact=redact)
    return _with_notes(out.reset_index(drop=True), src, ledger)
