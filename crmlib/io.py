"""Loaders for the files people really export: transactions, customers and feedback.

Each loader takes a path (CSV, TSV, TXT, Parquet, Excel) or a DataFrame and returns a
DataFrame with canonical columns and a :class:`~crmlib.ledger.Ledger` in ``df.attrs["ledger"]``
that counts every row dropped, flagged or changed, with its reason.

What the text reader copes with: comma, semicolon, tab or pipe delimiters (sniffed); UTF-8
with or without a byte-order mark, falling back to cp1252 and then Latin-1 (the fallback is
noted in the ledger); common date formats (ISO, day-first and month-first with ``/ - .``,
``20240131``, ``31 Jan 2024``); amounts with currency symbols (₹ $ € £ ৳, Rs, INR, Tk),
thousands separators including Indian grouping (``₹1,00,000.50`` is 100000.5), accounting
negatives ``(12.50)``, and decimal commas (``1.234,56`` or ``12,5`` in semicolon files).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
For a DataFrame input, rows are its index labels.

How rows are counted:

* exact duplicate rows are dropped (the same customer, date, amount and every other column);
* rows without a ``customer_id`` are dropped;
* returns and refunds (negative amounts) are kept and flagged with ``is_return``;
  :func:`crmlib.summary.rfm_summary` nets them against the purchases of the same day and
  does not count a day with only returns as a purchase;
* zero amounts are kept and flagged (they count as purchases, as in the CDNOW data);
* transactions dated after ``observation_end`` are dropped.
"""

from __future__ import annotations

import bz2
import csv
import difflib
import gzip
import io as _io
import lzma
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.ledger import Ledger, attach

PARQUET_SUFFIXES = {".parquet", ".pq"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}

#: Other names for canonical columns, tried when the canonical name is absent.
ALIASES: dict[str, tuple[str, ...]] = {
    # most specific first: a file with "Customer" (a name) and "Customer Number" keys on the number
    "customer_id": ("customerid", "cust_id", "custid", "customer_no", "customer_number", "client_id",
                    "user_id", "member_id", "customer"),
    "date": ("order_date", "invoice_date", "invoicedate", "transaction_date", "purchase_date",
             "response_date", "survey_date", "created_at", "timestamp", "datetime"),
    "amount": ("revenue", "sales", "order_value", "value", "total", "dollar_value", "net_amount",
               "amount_inr", "price_total"),
    "order_id": ("invoice", "invoice_no", "invoiceno", "order", "order_no", "transaction_id"),
    "quantity": ("qty", "units", "number_of_items"),
    "signup_date": ("signup", "joined", "registration_date", "created"),
    "loyalty_tier": ("tier", "loyalty", "loyalty_level"),
    "nps": ("nps_score", "likelihood_to_recommend", "recommend"),
    "csat": ("csat_score", "satisfaction"),
    "ces": ("ces_score", "effort"),
    "comment": ("comments", "feedback", "text", "verbatim", "remarks"),
}


@dataclass(frozen=True)
class _Schema:
    table: str
    required: tuple[str, ...]
    optional: tuple[str, ...]


TRANSACTIONS = _Schema("transactions", ("customer_id", "date", "amount"),
                       ("order_id", "quantity", "category", "channel"))
CUSTOMERS = _Schema("customers", ("customer_id",),
                    ("signup_date", "city", "loyalty_tier", "name", "email", "phone"))
FEEDBACK = _Schema("feedback", ("customer_id", "date"), ("nps", "csat", "ces", "channel", "comment"))

SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

_MAX_EXAMPLES = 5


# ----------------------------------------------------------------------------- reading

class _Source:
    """A raw table of strings with the name and row labels used in messages."""

    def __init__(self, frame: pd.DataFrame, name: str, spreadsheet_rows: bool, notes=()):
        self.frame = frame
        self.name = name
        self.notes = list(notes)
        n = len(frame)
        self.rows = np.arange(2, n + 2) if spreadsheet_rows else np.asarray(frame.index)
        self.row_word = "row" if spreadsheet_rows else "index"


def _read(source, table: str) -> _Source:
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c) for c in frame.columns]
        if frame.empty:
            raise DataError(f"The {table} DataFrame is empty: it has no rows.")
        return _Source(frame, "<DataFrame>", False)
    if not isinstance(source, (str, Path)):
        raise DataError(f"{table}: expected a file path or a pandas DataFrame, got {type(source).__name__}.")
    path = Path(source).expanduser()
    if not path.exists():
        raise DataError(f"{path}: file not found. Check the path (working directory: {Path.cwd()}).")
    if path.is_dir():
        raise DataError(f"{path}: is a directory, not a file. Pass the {table} file inside it.")
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes). Export the {table} again.")
    try:
        if suffix in PARQUET_SUFFIXES:
            frame = pd.read_parquet(path)
            src = _Source(frame, path.name, True)
        elif suffix in EXCEL_SUFFIXES:
            frame = pd.read_excel(path, dtype=object)
            src = _Source(frame, path.name, True)
        else:
            src = _read_text(path)
    except DataError:
        raise
    except Exception as exc:  # the reader's own message, wrapped with the file name
        raise DataError(f"{path}: could not be read as a {suffix or 'text'} file: {exc}") from None
    src.frame.columns = [str(c) for c in src.frame.columns]
    if src.frame.empty:
        raise DataError(f"{path}: has a header ({', '.join(map(str, src.frame.columns))}) "
                        f"but no rows. Export the {table} again with its data.")
    return src


def _decompress(path: Path, raw: bytes) -> bytes:
    """The bytes of a .gz, .bz2, .xz or single-file .zip export; other files as they are."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.decompress(raw)
    if suffix == ".bz2":
        return bz2.decompress(raw)
    if suffix == ".xz":
        return lzma.decompress(raw)
    if suffix == ".zip":
        with zipfile.ZipFile(_io.BytesIO(raw)) as archive:
            members = [m for m in archive.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise DataError(f"{path.name}: a zip file must hold exactly one table, it holds "
                                f"{len(members)}: {', '.join(members[:5])}. Unzip it and pass one file.")
            return archive.read(members[0])
    return raw


def _decode(raw: bytes) -> tuple[str, list[str]]:
    """Text and notes: UTF-16 by its byte-order mark; else UTF-8 (with or without BOM), line by line,
    with cp1252 (then Latin-1) only for the lines that are not UTF-8, so one stray byte does not
    turn a file of Hindi or Bengali comments into mojibake."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16"), ["read as UTF-16 (Excel's Unicode Text export)"]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    lines, fallback = [], []
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            lines.append(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                lines.append(line.decode("latin-1"))
            fallback.append(number)
    shown = ", ".join(map(str, fallback[:5])) + (", ..." if len(fallback) > 5 else "")
    return "".join(lines), [f"{len(fallback)} line(s) are not UTF-8 and were read as cp1252 (lines {shown}); "
                            "save the file as UTF-8 to be sure of their characters"]


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_text(path: Path) -> _Source:
    text, notes = _decode(_decompress(path, path.read_bytes()))
    if not text.strip():
        raise DataError(f"{path}: the file holds only blank lines. Export the table again.")
    delimiter = _sniff_delimiter(text)
    try:
        # blank lines are kept here and dropped below, so that row numbers stay those of the file;
        # index_col=False keeps a trailing delimiter on data rows from shifting every column
        with warnings.catch_warnings():  # pandas warns that the empty trailing field is not kept
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(_io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                                skipinitialspace=True, skip_blank_lines=False, index_col=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        where = f" at row {m.group(1)}: it has {m.group(2)} fields" if m else f": {exc}"
        raise DataError(f"{path.name}: rows have different numbers of fields (delimiter {delimiter!r})"
                        f"{where}. Quote values that contain the delimiter, or fix that row.") from None
    src = _Source(frame, path.name, True, notes)
    blank = (frame == "").all(axis=1).to_numpy()
    if blank.any():
        src.frame, src.rows = frame[~blank], src.rows[~blank]
        src.notes.append(f"{int(blank.sum())} blank line(s) skipped")
    src.delimiter = delimiter
    return src


# ----------------------------------------------------------------------------- columns

def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lstrip("\ufeff").lower()).strip("_")


def _canonical_columns(src: _Source, schema: _Schema, columns: dict | None) -> None:
    frame = src.frame
    if columns:
        unknown = [k for k in columns if k not in frame.columns]
        if unknown:
            raise DataError(
                f"{src.name}: columns= names {', '.join(map(repr, unknown))} which the {schema.table} "
                f"file does not have. Its columns are: {', '.join(map(repr, frame.columns))}.")
        frame = frame.rename(columns=columns)
    wanted = schema.required + schema.optional
    frame = frame.rename(columns={c: _norm(c) for c in frame.columns if _norm(c) in wanted and _norm(c) != c})
    for target in wanted:
        if target in frame.columns:
            continue
        normed = {_norm(c): c for c in frame.columns if c not in wanted}
        for alias in ALIASES.get(target, ()):  # in order of preference
            if alias in normed:
                frame = frame.rename(columns={normed[alias]: target})
                src.notes.append(f"column {normed[alias]!r} used as {target!r}")
                break
    counts = pd.Series(frame.columns).value_counts()
    clashes = [c for c in counts.index[counts > 1] if c in wanted]
    if clashes:
        originals = {c: [o for o in src.frame.columns if _norm(o) == c or (columns or {}).get(o) == c]
                     for c in clashes}
        raise DataError(f"{src.name} ({schema.table}): " + "; ".join(
            f"columns {', '.join(map(repr, originals[c]))} would all be {c!r}" for c in clashes)
            + ". Keep one of them, or rename the others with columns={...}.")
    missing = [c for c in schema.required if c not in frame.columns]
    if missing:
        parts = []
        for col in missing:
            close = difflib.get_close_matches(col, list(frame.columns), n=1, cutoff=0.4)
            hint = (f" Did you mean {close[0]!r}? Pass columns={{{close[0]!r}: {col!r}}}."
                    if close else f" Name it {col!r}, or pass columns={{'your name': {col!r}}}.")
            parts.append(f"required column {col!r} is missing.{hint}")
        raise DataError(f"{src.name} ({schema.table}): " + " ".join(parts)
                        + f" Found columns: {', '.join(map(repr, frame.columns))}.")
    src.frame = frame


# ----------------------------------------------------------------------------- values

def _problem(src: _Source, column: str, mask: np.ndarray, values, rule: str) -> str | None:
    """One message for the rows in ``mask`` breaking ``rule``, or None when there are none."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return None
    shown = ", ".join(f"{src.row_word} {src.rows[i]}: {values[i]!r}" for i in idx[:_MAX_EXAMPLES])
    more = f" and {len(idx) - _MAX_EXAMPLES} more" if len(idx) > _MAX_EXAMPLES else ""
    return f"column {column!r}: {len(idx)} value(s) {rule} ({shown}{more})"


def _raise(src: _Source, problems: list[str | None], what_to_do: str) -> None:
    problems = [p for p in problems if p]
    if problems:
        raise DataError(f"{src.name}: " + "; ".join(problems) + f". {what_to_do}")


def _as_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(series):  # ids from Parquet or Excel: 1.0 is the id "1"
        whole = series.dropna()
        if (whole == whole.round()).all():
            series = series.astype("Int64")
    out = series.astype("string").str.strip()
    return out.mask(out.isin(["", "nan", "NaN", "None", "NULL", "null", "NA", "N/A", "<NA>"]))


_DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y",
    "%d.%m.%Y", "%d/%m/%y", "%m/%d/%y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
    "%d-%b-%Y", "%d-%b-%y",
)
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", "T%H:%M:%S", " %I:%M %p", " %I:%M:%S %p")


_TZ_SUFFIX = re.compile(r"(?<=\d)\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_PARTIAL_DATE = re.compile(r"^\d{4}([-/.]\d{1,2})?$")


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "#").replace("%m", "%d").replace("#", "%m")


def _parse_dates(src: _Source, column: str, required: bool) -> tuple[pd.Series, str | None]:
    """Dates in one format per column, chosen among common ones on the distinct values.

    Times are kept; a time-zone offset is dropped and the local time kept (the business day is
    the customer's), with a note. Years or year-months alone are not dates.
    """
    raw = src.frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) else raw
        bad = parsed.isna().to_numpy() if required else np.zeros(len(raw), bool)
        return parsed.astype("datetime64[ns]"), _problem(src, column, bad, raw.astype(str).to_numpy(),
                                                         "are missing; expected a date")
    text = _as_text(raw)
    present = text.notna().to_numpy()
    values = text.to_numpy(dtype=object)
    given = text[present]
    has_time = given.str.contains(r"\d:\d\d", regex=True)  # an offset only ever follows a time
    cleaned = given.where(~has_time, given.str.replace(_TZ_SUFFIX, "", regex=True))
    if (cleaned != given).any():
        src.notes.append(f"time-zone offsets in {column!r} were dropped; the local times are kept")
    uniq = pd.Series(cleaned.unique())
    uniq = uniq[~uniq.str.match(_PARTIAL_DATE)]
    best, best_ok, best_fmt = None, 0, None
    for fmt in ("ISO8601",) + tuple(d + t for d in _DATE_FORMATS for t in _TIME_SUFFIXES):
        try:
            parsed = pd.to_datetime(uniq, format=fmt, errors="coerce")
        except (ValueError, TypeError):
            continue
        ok = int(parsed.notna().sum())
        if ok > best_ok:
            best, best_ok, best_fmt = parsed, ok, fmt
        if ok == len(uniq):
            break
    full = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    if best is not None:
        lookup = pd.Series(best.to_numpy(dtype="datetime64[ns]"), index=uniq.to_numpy())
        full[present] = cleaned.map(lookup).to_numpy(dtype="datetime64[ns]")
    if best_fmt and best_fmt[:2] in ("%d", "%m") and best_ok == len(uniq):
        other = _swap_day_month(best_fmt)
        if pd.to_datetime(uniq, format=other, errors="coerce").notna().all():
            src.notes.append(f"dates in {column!r} such as {uniq.iloc[0]!r} fit both day-first and "
                             f"month-first; read as {best_fmt!r}")
    unparsed = present & full.isna().to_numpy()
    example = (f"expected dates in the format of the rest of the column ({best_fmt})" if best_fmt
               else "expected full dates such as 2024-01-31, 31/01/2024 or 31 Jan 2024")
    problems = [_problem(src, column, unparsed, values, f"are not dates; {example}")]
    if required:
        problems.append(_problem(src, column, ~present, values, "are empty; expected a date"))
    return full, "; ".join(p for p in problems if p) or None


_CURRENCY = re.compile(r"(?i)(₹|\$|€|£|৳|\brs\.?|\binr\b|\busd\b|\beur\b|\bgbp\b|\btk\.?|\bbdt\b)")


_DECIMAL_POINT = re.compile(r"^[-+]?(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d*)?([eE][-+]?\d+)?$"
                            r"|^[-+]?\.\d+$")
_DECIMAL_COMMA = re.compile(r"^[-+]?(\d+|\d{1,3}(\.\d{3})+)(,\d*)?$")
_NUMBER_WORDS = re.compile(r"(?i)^[-+]?(inf|infinity|nan)$")


def _parse_numbers(src: _Source, column: str, decimal_comma: bool | None = None):
    """Numbers from text with currency symbols and separators.

    One convention per column (decimal point or decimal comma, chosen from the values and the
    delimiter); a value written in another convention, or with misplaced separators such as
    ``1,2,3``, is not a number rather than a silently wrong one. Returns (values, not-a-number
    mask, the convention in words).
    """
    raw = src.frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        vals = pd.to_numeric(raw, errors="coerce").astype("float64")
        return vals, np.zeros(len(raw), bool), "numbers"
    text = _as_text(raw)
    s = text.str.replace(_CURRENCY, "", regex=True).str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    negative = s.str.match(r"^\(.*\)$") | s.str.endswith("-")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.replace(r"^(.*[0-9])-$", r"\1", regex=True)
    if decimal_comma is None:
        comma_decimal = s.str.contains(r"^[-+]?[0-9.]*,[0-9]{1,2}$", regex=True)
        dot_decimal = s.str.contains(r"\.[0-9]{1,2}$|,[0-9]{3}", regex=True)
        decimal_comma = bool(comma_decimal.fillna(False).any()) and not bool(
            (dot_decimal.fillna(False) & s.str.contains(",", regex=False).fillna(False)).any())
        if getattr(src, "delimiter", ",") == ";" and bool(s.str.contains(r",[0-9]{1,2}$").fillna(False).any()):
            decimal_comma = True
    words = s.str.match(_NUMBER_WORDS).fillna(False)
    grammar = _DECIMAL_COMMA if decimal_comma else _DECIMAL_POINT
    wellformed = (s.str.match(grammar).fillna(False) | words).to_numpy()
    if decimal_comma:
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        s = s.str.replace(",", "", regex=False)
    vals = pd.to_numeric(s.where(wellformed), errors="coerce").astype("float64")
    lowered = s.str.lower()
    vals[lowered.isin(["inf", "+inf", "infinity", "+infinity"]).fillna(False)] = np.inf
    vals[lowered.isin(["-inf", "-infinity"]).fillna(False)] = -np.inf
    vals = vals.where(~negative.fillna(False), -vals.abs())
    not_number = (text.notna() & vals.isna() & ~lowered.isin(["nan"]).fillna(False)).to_numpy()
    style = ("decimal comma, thousands grouped by points as in 1.234.567,89" if decimal_comma else
             "decimal point, thousands grouped by commas as in 1,234,567.89 or 12,34,567.89")
    return vals, not_number, style


def _drop(frame: pd.DataFrame, rows: np.ndarray, mask: np.ndarray, ledger: Ledger, reason: str,
          detail: str = "") -> tuple[pd.DataFrame, np.ndarray]:
    ledger.add(reason, int(mask.sum()), action="dropped", detail=detail, rows=rows[mask])
    return frame[~mask], rows[~mask]


def as_date(value, what: str = "observation_end") -> pd.Timestamp:
    """A date argument as a Timestamp at midnight, or a DataError saying what was wrong."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise DataError(f"{what}={value!r} is not a date; give it as YYYY-MM-DD, e.g. '2025-06-30'.") from None
    if pd.isna(stamp):
        raise DataError(f"{what} is empty; give a date as YYYY-MM-DD.")
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def after_end(dates: pd.Series, end) -> np.ndarray:
    """True for dates on a day after ``end``: the whole end day (any time of it) is inside the period."""
    return (pd.to_datetime(dates).dt.normalize() > as_date(end)).to_numpy()


def _copy_text(out: pd.DataFrame, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """Copy the optional text columns present in ``frame``; channels are lower-cased."""
    for col in columns:
        if col in frame.columns:
            out[col] = _as_text(frame[col])
    if "channel" in out.columns:
        out["channel"] = out["channel"].str.lower()


_DUP = "__duplicate_row"


def _start(src: _Source, **columns) -> pd.DataFrame:
    """The canonical frame being built, with the file's own exact-duplicate flags alongside."""
    out = pd.DataFrame(columns)
    out[_DUP] = src.frame.astype(str).duplicated(keep="first").to_numpy()
    return out


def _drop_unusable(out: pd.DataFrame, rows: np.ndarray, ledger: Ledger, why_id: str, late=None,
                   drop_duplicates: bool = True) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop, and count, rows without a customer id, rows after the observation end, exact duplicates."""
    out, rows = _drop(out, rows, out["customer_id"].isna().to_numpy(), ledger, "no customer_id", why_id)
    if late is not None:
        out, rows = _drop(out, rows, after_end(out["date"], late), ledger, "date after observation end",
                          f"after {as_date(late).date()}")
    if drop_duplicates:  # judged on every column of the file, so line items that differ elsewhere stay
        out, rows = _drop(out, rows, out[_DUP].to_numpy(), ledger, "exact duplicate row",
                          "the same values in every column of the file as an earlier row")
    return out.drop(columns=_DUP), rows


def _new_ledger(src: _Source, table: str) -> Ledger:
    return Ledger(source=src.name, table=table, rows_read=len(src.frame))


# ----------------------------------------------------------------------------- loaders

def read_transactions(source, columns: dict | None = None, observation_end=None,
                      drop_duplicates: bool = True) -> pd.DataFrame:
    """Read transactions: ``customer_id`` (string), ``date``, ``amount`` (float) and ``is_return``.

    Optional columns kept when present: ``order_id``, ``quantity``, ``category``, ``channel``.
    ``columns`` renames your own column names, e.g. ``{"Invoice Date": "date"}``.
    Transactions after ``observation_end`` are dropped and counted in the ledger.

    >>> import pandas as pd
    >>> raw = pd.DataFrame({"cust": ["a", "a", "b"], "date": ["2024-01-05", "2024-02-01", "2024-01-09"],
    ...                     "amount": ["₹1,00,000.50", "-20", "15"]})
    >>> tx = read_transactions(raw, columns={"cust": "customer_id"})
    >>> tx["amount"].tolist(), tx["is_return"].tolist()
    ([100000.5, -20.0, 15.0], [False, True, False])
    """
    src = _read(source, "transactions")
    _canonical_columns(src, TRANSACTIONS, columns)
    ledger = _new_ledger(src, "transactions")
    frame, rows = src.frame, src.rows

    ids = _as_text(frame["customer_id"])
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
                         "are empty or NaN; every transaction needs an amount"),
                _problem(src, "amount", inf_amount, raw_amount, "are infinite")]
    if "quantity" in frame.columns:
        qty, bad_qty, _ = _parse_numbers(src, "quantity")
        problems.append(_problem(src, "quantity", bad_qty, frame["quantity"].astype(str).to_numpy(),
                                 "are not numbers"))
        out["quantity"] = qty
    _raise(src, problems, "Fix these values in the file (or pass columns= if a column was misread) "
                          "and load it again.")
    _copy_text(out, frame, ("order_id", "category", "channel"))
    out, rows = _drop_unusable(out, rows, ledger, "cannot be attributed to a customer", late=observation_end,
                               drop_duplicates=drop_duplicates)
    out["is_return"] = (out["amount"] < 0).to_numpy()
    ledger.add("return or refund (negative amount)", int(out["is_return"].sum()), action="flagged",
               detail="kept; netted against same-day purchases in rfm_summary",
               rows=rows[out["is_return"].to_numpy()])
    zero = (out["amount"] == 0).to_numpy()
    ledger.add("zero amount", int(zero.sum()), action="flagged",
               detail="kept; counts as a purchase (e.g. a free item), as in the CDNOW data",
               rows=rows[zero])
    return _with_notes(out.reset_index(drop=True), src, ledger)


def _with_notes(frame: pd.DataFrame, src: _Source, ledger: Ledger) -> pd.DataFrame:
    unused = [c for c in src.frame.columns if c not in frame.columns]
    if unused:
        src.notes.append(f"column(s) not used: {', '.join(map(repr, unused))}")
    ledger.notes.extend(src.notes)
    return attach(frame, ledger)


def read_customers(source, columns: dict | None = None) -> pd.DataFrame:
    """Read customers: ``customer_id``; optional ``signup_date, city, loyalty_tier, name, email, phone``.

    The PII columns (``name``, ``email``, ``phone``) are kept for hashed audience exports only;
    use :func:`crmlib.privacy.drop_pii` before anything reaches a report.
    A customer id listed twice with different details is an error; an exact duplicate row is dropped.
    """
    src = _read(source, "customers")
    _canonical_columns(src, CUSTOMERS, columns)
    ledger = _new_ledger(src, "customers")
    frame, rows = src.frame, src.rows
    out = _start(src, customer_id=_as_text(frame["customer_id"]))
    problems = []
    if "signup_date" in frame.columns:
        out["signup_date"], problem = _parse_dates(src, "signup_date", required=False)
        problems.append(problem)
    _raise(src, problems, "Fix these values in the file and load it again.")
    _copy_text(out, frame, ("city", "loyalty_tier", "name", "email", "phone"))
    extra = [c for c in frame.columns if c not in out.columns]
    for col in extra:  # other columns stay: drop_pii and the reports decide what is shown
        out[col] = frame[col].to_numpy()
    out, rows = _drop_unusable(out, rows, ledger, "cannot be linked to transactions")
    repeated = out["customer_id"].duplicated(keep=False).to_numpy()
    if repeated.any():
        idx = np.flatnonzero(repeated)
        shown = ", ".join(f"{src.row_word} {rows[i]}: {out['customer_id'].iloc[i]!r}" for i in idx[:_MAX_EXAMPLES])
        raise DataError(f"{src.name}: column 'customer_id': {len(idx)} rows share an id with different "
                        f"details ({shown}). Keep one row per customer and load it again.")
    return _with_notes(out.reset_index(drop=True), src, ledger)


def read_feedback(source, columns: dict | None = None, redact: bool = True) -> pd.DataFrame:
    """Read survey feedback: ``customer_id, date``; optional ``nps`` (0-10), ``csat`` (1-5),
    ``ces`` (1-7), ``channel``, ``comment``.

    Scores are whole numbers in their range (empty is allowed: a response may answer only some
    questions). With ``redact=True`` (the default) emails and phone numbers in comments are
    replaced by ``[email]`` and ``[phone]`` as the file is read, and counted in the ledger, so
    that analytics never receives them.
    """
    src = _read(source, "feedback")
    _canonical_columns(src, FEEDBACK, columns)
    ledger = _new_ledger(src, "feedback")
    frame, rows = src.frame, src.rows
    dates, date_problem = _parse_dates(src, "date", required=True)
    out = _start(src, customer_id=_as_text(frame["customer_id"]), date=dates)
    problems = [date_problem]
    for col, (lo, hi) in SCORE_RANGES.items():
        if col not in frame.columns:
            continue
        vals, not_number, _ = _parse_numbers(src, col)
        raw = frame[col].astype(str).to_numpy()
        v = vals.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            outside = np.isfinite(v) & ((v < lo) | (v > hi) | (v != np.round(v)))
        problems += [_problem(src, col, not_number, raw, f"are not numbers; expected whole numbers {lo}-{hi}"),
                     _problem(src, col, outside | np.isinf(v), raw, f"are outside the {col.upper()} scale; "
                                                                     f"expected whole numbers {lo}-{hi}")]
        out[col] = vals.round().astype("Int64")
    _raise(src, problems, "Fix these values in the file and load it again.")
    _copy_text(out, frame, ("channel", "comment"))
    out, rows = _drop_unusable(out, rows, ledger, "cannot be linked to a customer")
    if redact and "comment" in out.columns:
        from crmlib.privacy import redact as _redact_series

        cleaned = _redact_series(out["comment"])
        changed = (cleaned.fillna("") != out["comment"].fillna("")).to_numpy()
        ledger.add("email or phone in comment", int(changed.sum()), action="changed",
                   detail="replaced by [email] / [phone]", rows=rows[changed])
        out["comment"] = cleaned
    return _with_notes(out.reset_index(drop=True), src, ledger)
