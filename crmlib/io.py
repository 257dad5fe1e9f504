"""Loaders for the files people really export: transactions, customers and feedback.

Each loader takes a path (CSV, TSV, TXT, Parquet, Excel) or a DataFrame and returns a
DataFrame with canonical columns and a :class:`~crmlib.ledger.Ledger` in ``df.attrs["ledger"]``
that counts every row dropped, flagged, kept-but-noted or changed, with its reason. For every
loaded table, ``len(df) == ledger.rows_read - ledger.rows_dropped``.

What the text reader copes with: comma, semicolon, tab or pipe delimiters (sniffed); UTF-8
with or without a byte-order mark, falling back to cp1252 and then Latin-1 (the fallback is
noted in the ledger); UTF-16 with a byte-order mark, and UTF-16LE/BE without one (recognised by
the NUL byte in every other position; noted); ``.gz``, ``.bz2``, ``.xz`` and single-file
``.zip`` exports; common date formats (ISO, day-first and month-first with ``/ - .``,
``20240131``, ``31 Jan 2024``); amounts with currency symbols (₹ $ € £ ৳, Rs, INR, Tk),
thousands separators including Indian grouping (``₹1,00,000.50`` is 100000.5), accounting
negatives ``(12.50)``, and decimal commas (``1.234,56`` or ``12,5`` in semicolon files).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
For a DataFrame input, rows are its index labels. Blank lines are skipped (noted), keeping the
row numbers of the file.

What is refused, with one :class:`~crmlib.exceptions.DataError` naming the file, column, rule,
rows and values (all problems of a file in one message):

* dates outside **1900-01-01 to 2100-12-31** (:data:`DATE_MIN`, :data:`DATE_MAX`), in every date
  column of every loader and from text, Parquet, Excel or DataFrame input alike. Such a date is
  almost always a typo (``2300`` for ``2030``) or a placeholder (``9999-12-31``, ``1500-01-01``);
  refusing it beats guessing. Dates are parsed at a resolution that holds any calendar date and
  range-checked before the cast to the canonical ``datetime64[ns]``, so no date wraps around;
* numbers that are not numbers in the column's convention, and infinite
  values, including ones too large for a float (``1e400``); amounts and quantities must be
  finite, feedback scores whole numbers on their scale (checked before any cast to integers);
  the amounts of one customer must add up, in absolute value, to less than 1.8e308
  (:data:`OVERFLOW_RULE`), or their sum and the summary's spend would be inf or NaN;
* two columns with the same header (``amount,amount``), or two headers that both mean one
  canonical column (``customer_id,Customer ID``);
* an Excel workbook with more than one sheet holding data, unless ``sheet=`` names the sheet
  to read (its name, or its position counting from 0); the chosen sheet is noted in the ledger.
  crmlib reads one sheet at a time and does not guess which one holds the table;
* a compressed file that expands to more than 200 times its size (but always up to 100 MiB, and
  never beyond 2 GiB): a zip-bomb guard that refuses a 4 KB bomb in under a second without
  holding its contents in memory. Set the environment variable ``CRMLIB_MAX_DECOMPRESSED_BYTES``
  to a number of bytes to replace this rule, or decompress the file and pass the plain one;
* a file holding NUL bytes that is not UTF-16 (a binary file with a text name), an empty file,
  a header without rows, a folder, a device (``/dev/zero``) or a pipe instead of a file; a file
  this user may not open is said to be so (not a format problem).

Values shown in messages come only from id, date and number columns, passed through
:func:`crmlib.privacy.redact_text` and cut to 40 characters; values of free-text columns
(names, comments, cities) are never shown.

How rows are counted (transactions):

* exact duplicate rows (the same values in every column of the file as an earlier row) are
  **kept** by default and counted in the ledger (action ``kept``): in a log without a
  transaction id, two identical rows are usually two real purchases (CDNOW has 255). They are
  **dropped** when the file has a transaction id (``order_id`` or one of its aliases such as
  ``invoice`` or ``transaction_id``) and the id repeats with an identical row, the same
  transaction exported twice. ``duplicates="drop"`` or ``"keep"`` overrides this for all of
  them; the ledger says which rule applied;
* rows without a ``customer_id`` are dropped;
* rows whose amount is empty or NaN are dropped and counted (``blank_amounts="refuse"`` refuses
  the file instead, naming the rows);
* returns and refunds (negative amounts) are kept and flagged with ``is_return``;
  :func:`crmlib.summary.rfm_summary` nets them against the purchases of the same day and
  does not count a day with only returns as a purchase;
* zero amounts are kept and flagged (they count as purchases, as in the CDNOW data);
* the rows of customers without a purchase day (every day of theirs holds only returns, or nets
  below 0) are kept and flagged (:data:`NO_PURCHASE_DAY`), with the number of such customers:
  :func:`crmlib.summary.rfm_summary` leaves them out, so every customer count does;
* transactions dated after ``observation_end`` are dropped.

Customers and feedback: exact duplicate rows are dropped, rows without a ``customer_id`` too.

>>> import pandas as pd
>>> raw = pd.DataFrame({"customer_id": ["a", "b"], "date": ["2024-01-05", "2300-01-05"], "amount": [5, 7]})
>>> try:
...     read_transactions(raw)
... except DataError as exc:
...     print(exc)  # doctest: +ELLIPSIS
<DataFrame>: column 'date': 1 value(s) are outside 1900-01-01 to 2100-12-31, ... (index 1: '2300-01-05'). Fix ...
"""

from __future__ import annotations

import bz2
import csv
import difflib
import gzip
import io as _io
import lzma
import os
import re
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.ids import ID_RULE, float_style, normalise_ids
from crmlib.ledger import Ledger, attach
from crmlib.privacy import _kind_by_name
from crmlib.screening import screen

PARQUET_SUFFIXES = {".parquet", ".pq"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
COMPRESSED_SUFFIXES = {".gz", ".bz2", ".xz", ".zip"}

#: The dates crmlib accepts, in every date column. Outside them a date is a typo or a placeholder.
DATE_MIN = pd.Timestamp("1900-01-01")
DATE_MAX = pd.Timestamp("2100-12-31 23:59:59.999999")

#: Environment variable with the most bytes a compressed file may expand to; when set, it
#: replaces the default rule: at most MAX_RATIO times the compressed size, but always up to
#: MIN_DECOMPRESSED and never beyond DEFAULT_MAX_DECOMPRESSED.
MAX_DECOMPRESSED_ENV = "CRMLIB_MAX_DECOMPRESSED_BYTES"
DEFAULT_MAX_DECOMPRESSED = 2 * 1024 ** 3
MIN_DECOMPRESSED = 100 * 1024 ** 2
MAX_RATIO = 200  # CSV exports compress 5 to 30 times; zip bombs a thousand times and more

#: Ways of treating exact duplicate transaction rows (see the module docstring).
DUPLICATE_RULES = ("auto", "keep", "drop")

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

#: Every column name crmlib recognises, normalised: canonical names and their aliases.
_KNOWN_NAMES = ({c for schema in (TRANSACTIONS, CUSTOMERS, FEEDBACK) for c in schema.required + schema.optional}
                | {a for names in ALIASES.values() for a in names})

_MAX_EXAMPLES = 5
_MAX_SHOWN_CHARS = 40


# ----------------------------------------------------------------------------- reading

class _Source:
    """A raw table with the name and row labels used in messages.

    ``header`` holds the column names as the file spells them (possibly repeated); the frame's
    own columns are made unique (``amount``, ``amount.1``) so that each can be looked at.
    """

    def __init__(self, frame: pd.DataFrame, name: str, spreadsheet_rows: bool, notes=(), header=None):
        self.header = [str(c) for c in (frame.columns if header is None else header)]
        frame.columns = _unique(self.header)
        self.frame = frame
        self.name = name
        self.notes = list(notes)
        n = len(frame)
        self.rows = np.arange(2, n + 2) if spreadsheet_rows else np.asarray(frame.index)
        self.row_word = "row" if spreadsheet_rows else "index"
        self.delimiter = None
        self.short_years: list[str] = []  # date columns written with two-digit years

    def drop_blank_rows(self) -> None:
        """Skip rows with no value at all (blank lines, empty spreadsheet rows, cells of spaces only),
        keeping row numbers."""
        frame = self.frame
        blank = np.ones(len(frame), bool)
        for col in range(frame.shape[1]):  # each column looked at only for the rows still blank
            where = np.flatnonzero(blank)
            if not len(where):
                break
            values = frame.iloc[where, col]
            empty = values.isna() | (values.astype(str).str.strip() == "")
            blank[where[~empty.to_numpy(dtype=bool)]] = False
        if blank.any() and len(frame.columns):
            self.frame, self.rows = frame[~blank], self.rows[~blank]
            self.notes.append(f"{int(blank.sum())} blank line(s) skipped")


def _unique(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    taken = set(names)
    for name in names:
        if seen[name]:
            candidate = f"{name}.{seen[name]}"
            while candidate in taken:
                seen[name] += 1
                candidate = f"{name}.{seen[name]}"
            taken.add(candidate)
            out.append(candidate)
        else:
            out.append(name)
        seen[name] += 1
    return out


def _read(source, table: str, sheet=None) -> _Source:
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise DataError(f"sheet={sheet!r} is for Excel workbooks; the {table} given are a DataFrame.")
        frame = source.copy()
        if frame.empty:
            raise DataError(f"The {table} DataFrame is empty: it has no rows.")
        return _Source(frame, "<DataFrame>", False)
    if not isinstance(source, (str, Path)):
        raise DataError(f"{table}: expected a file path or a pandas DataFrame, got {type(source).__name__}.")
    path = Path(source).expanduser()
    if path.is_dir():
        inside = sorted(p.name for p in path.iterdir() if p.is_file() and not p.name.startswith("."))[:3]
        hint = f" (it holds e.g. {', '.join(map(repr, inside))})" if inside else " (it holds no files)"
        raise DataError(f"{path}: is a directory (a folder), not a file. Pass the path of the {table} "
                        f"file itself{hint}.")
    if not path.exists():
        raise DataError(f"{path}: file not found. Check the path (working directory: {Path.cwd()}).")
    if not path.is_file():
        raise DataError(not_a_file(path, table))
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise DataError(f"{path.name}: sheet={sheet!r} is for Excel workbooks (.xlsx, .xlsm, .xls); "
                        f"this is a {suffix or 'text'} file. Leave sheet= out.")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes). Export the {table} again.")
    try:
        if suffix in PARQUET_SUFFIXES:
            src = _Source(pd.read_parquet(path), path.name, True)
        elif suffix in EXCEL_SUFFIXES:
            src = _read_excel(path, table, sheet)
        else:
            src = _read_text(path)
    except DataError:
        raise
    except PermissionError as exc:
        raise DataError(cannot_open(path, exc)) from None
    except Exception as exc:  # the reader's own message, wrapped with the file name
        message = " ".join(str(exc).split())[:300]
        raise DataError(f"{path}: could not be read as a {suffix or 'text'} file "
                        f"({type(exc).__name__}: {message}). Check that the file is what its name says, "
                        f"or export the {table} again.") from None
    if src.frame.empty:
        raise DataError(f"{path}: has a header ({', '.join(map(str, src.header))}) "
                        f"but no rows. Export the {table} again with its data.")
    return src


def not_a_file(path, table: str = "transactions") -> str:
    """The message for a path that exists but is not a regular file (a device such as /dev/zero,
    a pipe, a socket): it has no size to check and no end to read to."""
    import stat

    mode = os.stat(path).st_mode
    kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    return (f"{path}: is {kind}, not a file crmlib can read. Pass the path of the {table} file saved on disk "
            "(CSV, TSV, Excel or Parquet).")


def cannot_open(path, exc: OSError) -> str:
    """The message for a file the operating system will not let crmlib open (not a format problem)."""
    return (f"{path}: cannot be opened: {exc.strerror or 'permission denied'}. The file is there, but this user "
            "may not read it: check its permissions (ls -l) and those of its folders, or copy it somewhere "
            "readable.")


def _read_excel(path: Path, table: str, sheet) -> _Source:
    """One sheet of a workbook: the only sheet with data, or the one ``sheet`` names.

    An .xlsx workbook is a zip archive: the sizes its members declare (which zipfile, and so the
    Excel reader, never reads past) may add up to at most :func:`max_decompressed_bytes`, as for
    any compressed export.
    """
    if zipfile.is_zipfile(path):
        size = path.stat().st_size
        limit, rule = max_decompressed_bytes(size)
        with zipfile.ZipFile(path) as archive:
            declared = sum(m.file_size for m in archive.infolist())
        if declared > limit:
            raise DataError(
                f"{path.name}: the workbook would expand to {declared:,} bytes from {size:,} bytes; crmlib "
                f"stops a compressed file at {rule}, to guard against zip bombs. If this is a real workbook, "
                f"set the environment variable {MAX_DECOMPRESSED_ENV} to the number of bytes to allow, or "
                "save the sheet as CSV and pass that.")
    book = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
    names = list(book)
    with_data = [n for n in names if book[n].notna().any().any()]
    if sheet is None:
        if not with_data:
            raise DataError(f"{path.name}: every sheet of the workbook is empty. Export the {table} again.")
        if len(with_data) > 1:
            listed = ", ".join(f"{n!r} ({max(len(book[n].dropna(how='all')) - 1, 0):,} row(s))" for n in with_data)
            raise DataError(f"{path.name}: the workbook has {len(with_data)} sheets with data: {listed}. "
                            f"crmlib reads one sheet at a time and does not guess which one holds the {table}. "
                            f"Pass sheet={with_data[0]!r} (a sheet's name, or its position from 0) to the "
                            f"loader, or save that sheet as its own CSV file.")
        chosen = with_data[0]
    elif isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise DataError(f"{path.name}: sheet={sheet} is not a sheet of the workbook; its {len(names)} "
                            f"sheet(s), by position from 0: "
                            + ", ".join(f"{i}: {n!r}" for i, n in enumerate(names)) + ".")
        chosen = names[sheet]
    elif str(sheet) in book:
        chosen = str(sheet)
    else:
        raise DataError(f"{path.name}: the workbook has no sheet named {str(sheet)!r}; its sheets are "
                        + ", ".join(map(repr, names)) + ". Pass one of these names, or a position from 0.")
    raw = book[chosen]
    if raw.empty:
        raise DataError(f"{path.name}: sheet {chosen!r} is empty. Pass the sheet that holds the {table}.")
    header = [f"Unnamed: {i}" if pd.isna(v) else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
              for i, v in enumerate(raw.iloc[0])]
    frame = raw.iloc[1:].reset_index(drop=True)
    notes = []
    if len(names) > 1:
        others = [n for n in names if n != chosen]
        empty = [n for n in others if n not in with_data]
        notes.append(f"read sheet {chosen!r} of {len(names)}; not read: "
                     + ", ".join(f"{n!r}" + (" (empty)" if n in empty else "") for n in others))
    src = _Source(frame, path.name if len(names) == 1 else f"{path.name} [sheet {chosen!r}]", True, notes, header)
    src.drop_blank_rows()
    return src


def max_decompressed_bytes(compressed_size: int) -> tuple[int, str]:
    """The most bytes a file of ``compressed_size`` bytes may expand to, and the rule in words:
    ``CRMLIB_MAX_DECOMPRESSED_BYTES`` when set, else 200 times the compressed size, at least
    100 MiB and at most 2 GiB.

    >>> max_decompressed_bytes(1_000)[0] == MIN_DECOMPRESSED, max_decompressed_bytes(10 ** 9)[0] == 2 * 1024 ** 3
    (True, True)
    """
    value = os.environ.get(MAX_DECOMPRESSED_ENV, "").strip()
    if not value:
        limit = min(DEFAULT_MAX_DECOMPRESSED, max(MIN_DECOMPRESSED, MAX_RATIO * compressed_size))
        return limit, (f"{MAX_RATIO} times its compressed size, at least {MIN_DECOMPRESSED // 1024 ** 2} MiB "
                       f"and at most {DEFAULT_MAX_DECOMPRESSED // 1024 ** 3} GiB")
    try:
        limit = int(value.replace("_", ""))
    except ValueError:
        limit = 0
    if limit <= 0:
        raise DataError(f"{MAX_DECOMPRESSED_ENV}={value!r} is not a positive whole number of bytes; "
                        f"set it e.g. to {4 * 1024 ** 3} for 4 GiB, or unset it for the default rule.")
    return limit, f"{MAX_DECOMPRESSED_ENV}={limit}"


def _decompress(path: Path) -> bytes:
    """The bytes of a .gz, .bz2, .xz or single-file .zip export; other files as they are.

    A compressed file may expand to at most :func:`max_decompressed_bytes`: its size is measured
    in a first pass that keeps nothing, so a zip bomb costs a second or two but no memory.
    """
    suffix = path.suffix.lower()
    if suffix not in COMPRESSED_SUFFIXES:
        return path.read_bytes()
    size = path.stat().st_size
    limit, rule = max_decompressed_bytes(size)

    def too_big(what: str) -> DataError:
        return DataError(
            f"{path.name}: {what} more than {limit:,} bytes when decompressed, from {size:,} bytes; "
            f"crmlib stops a compressed file at {rule}, to guard against zip bombs. If this is a real "
            f"export, set the environment variable {MAX_DECOMPRESSED_ENV} to the number of bytes to allow, "
            "or decompress the file and pass the plain one.")

    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise DataError(f"{path.name}: a zip file must hold exactly one table, it holds "
                                f"{len(members)}: {', '.join(m.filename for m in members[:5])}. "
                                "Unzip it and pass one file.")
            if members[0].file_size > limit:  # zipfile never reads past the declared size
                raise too_big("would expand to")
            return archive.read(members[0])
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix]
    total = 0
    with opener(path, "rb") as stream:
        while chunk := stream.read(1 << 24):
            total += len(chunk)
            if total > limit:
                raise too_big("expands to")
    with opener(path, "rb") as stream:
        return stream.read()


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 text without a byte-order mark:
    ASCII characters (the header, digits, delimiters) put a NUL byte in every other position, odd
    ones in little-endian, even ones in big-endian; Hindi or Bengali characters have none. Binary
    files have NULs in both positions."""
    sample = raw[:8192]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    enough = max(4, len(sample) // 20)  # at least 10 % of the characters are ASCII
    if odd >= enough and even * 20 <= odd:
        return "utf-16-le"
    if even >= enough and odd * 20 <= even:
        return "utf-16-be"
    return None


def _decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    """Text and notes: UTF-16 by its byte-order mark or by its NUL bytes; else UTF-8 (with or without
    BOM), line by line, with cp1252 (then Latin-1) only for the lines that are not UTF-8, so one stray
    byte does not turn a file of Hindi or Bengali comments into mojibake."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16"), ["read as UTF-16 (Excel's Unicode Text export)"]
        except UnicodeDecodeError:
            pass
    encoding = _utf16_without_bom(raw)
    if encoding:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            pass
        else:
            return text.lstrip("\ufeff"), [f"read as {encoding.upper().replace('-16-', '-16')} "
                                            "without a byte-order mark"]
    if b"\x00" in raw:
        kind = ("an Excel workbook or a zip file" if raw[:4] == b"PK\x03\x04" else
                "a Parquet file" if raw[:4] == b"PAR1" else "a binary file")
        raise DataError(f"{name}: holds NUL bytes, so it is not a text table; it looks like {kind}. "
                        "Give the file its real extension (.xlsx, .parquet, .zip) or save it as CSV (UTF-8).")
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
    """The delimiter, of comma, semicolon, tab and pipe, under which the first 50 lines read best:
    most header names crmlib knows, then most rows as wide as the header (quotes respected, so
    delimiters inside quoted comments do not count), then the widest header."""
    lines = [ln for ln in text[:1 << 20].lstrip("\ufeff").splitlines()[:50] if ln.strip()]
    sample = "\n".join(lines)
    best, best_score = ",", None
    for delimiter in ",;\t|":
        try:
            rows = [r for r in csv.reader(_io.StringIO(sample), delimiter=delimiter, skipinitialspace=True)
                    if any(f.strip() for f in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        known = sum(_norm(name) in _KNOWN_NAMES for name in rows[0])
        body = rows[1:]
        fitting = sum(len(r) == width or (len(r) == width + 1 and not r[-1].strip()) for r in body)
        score = (known, fitting / len(body) if body else 1.0, width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(path: Path) -> _Source:
    text, notes = _decode(_decompress(path), path.name)
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
        where = f" at row {m.group(1)}: it has {m.group(2)} fields" if m else f" ({exc})"
        raise DataError(f"{path.name}: rows have different numbers of fields (delimiter {delimiter!r})"
                        f"{where}. Quote values that contain the delimiter, or fix that row.") from None
    header = None  # the names as written: pandas renames a repeated one to "amount.1"
    try:
        first = next(csv.reader(_io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter, skipinitialspace=True))
        if len(first) == len(frame.columns):
            header = [h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(first)]
    except (csv.Error, StopIteration):
        pass
    src = _Source(frame, path.name, True, notes, header)
    src.drop_blank_rows()
    src.delimiter = delimiter
    return src


# ----------------------------------------------------------------------------- columns

def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lstrip("\ufeff").lower()).strip("_")


def _names(names) -> str:
    """Column names for a message (a header-less file's first row is data: redacted, cut)."""
    return ", ".join(_show(n) for n in names)


_NUMBER = re.compile(r"^[-+]?[\d.,]+$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _data_like(header) -> list[str]:
    """Where a header row holds values that no header would: a number, a date or an email address
    ("a date in column 3"), counting columns from 1; empty when the row reads as column names.

    >>> _data_like(["C001", "Rahul Sharma", "2024-01-05", "100.5"])
    ['a date in column 3', 'a number in column 4']
    >>> _data_like(["Customer", "Invoice Date", "Amount (INR)"])
    []
    """
    found = []
    for i, name in enumerate(header, start=1):
        text = str(name).strip()
        if _DATE_LIKE.match(text):
            found.append(f"a date in column {i}")
        elif _NUMBER.match(text) and any(ch.isdigit() for ch in text):
            found.append(f"a number in column {i}")
        elif "@" in text and "." in text.split("@")[-1]:
            found.append(f"an email address in column {i}")
    return found


def _repeated_headers(src: _Source, schema: _Schema, columns: dict | None) -> None:
    """Refuse a header written twice (``amount,amount``) when crmlib would use it; note the others."""
    counts = Counter(src.header)
    repeated = [n for n, k in counts.items() if k > 1]
    if not repeated:
        return
    wanted = schema.required + schema.optional
    known = {a for t in wanted for a in ALIASES.get(t, ())} | set(wanted)

    def where(name):
        return ", ".join(str(i + 1) for i, h in enumerate(src.header) if h == name)

    used = [n for n in repeated if n in (columns or {}) or _norm(n) in known]
    if used:
        raise DataError(f"{src.name} ({schema.table}): " + "; ".join(
            f"the header {_show(n)} appears {counts[n]} times (columns {where(n)}, counting from 1)" for n in used)
            + ". crmlib will not guess which of them holds the data: rename or delete the extra ones "
              "in the file and load it again.")
    for n in repeated:
        mangled = [c for c, h in zip(src.frame.columns, src.header) if h == n]
        src.notes.append(f"the header {_show(n)} appears {counts[n]} times (columns {where(n)}); "
                         f"read as {_names(mangled)}")


def _canonical_columns(src: _Source, schema: _Schema, columns: dict | None) -> None:
    _repeated_headers(src, schema, columns)
    frame = src.frame
    if columns:
        unknown = [k for k in columns if k not in frame.columns]
        if unknown:
            raise DataError(
                f"{src.name}: columns= names {', '.join(map(repr, unknown))} which the {schema.table} "
                f"file does not have. Its columns are: {_names(frame.columns)}.")
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
            f"columns {_names(originals[c])} would all be {c!r}" for c in clashes)
            + ". Keep one of them, or rename the others with columns={...}.")
    missing = [c for c in schema.required if c not in frame.columns]
    if missing:
        parts = []
        for col in missing:
            close = difflib.get_close_matches(col, list(frame.columns), n=1, cutoff=0.4)
            hint = (f" Did you mean {_show(close[0])}? Pass columns={{{_show(close[0])}: {col!r}}}."
                    if close else f" Name it {col!r}, or pass columns={{'your name': {col!r}}}.")
            parts.append(f"required column {col!r} is missing.{hint}")
        data_like = _data_like(src.header)
        if data_like:  # the first row is data: it may hold a name, so none of it is repeated
            raise DataError(
                f"{src.name} ({schema.table}): the file seems to have no header row: its first row holds "
                + ", ".join(data_like) + f", which look like data, not column names. Add a header row "
                f"naming the columns ({', '.join(schema.required)} are required), or pass columns={{...}}.")
        raise DataError(f"{src.name} ({schema.table}): " + " ".join(parts)
                        + f" Found columns: {_names(frame.columns)}.")
    src.frame = frame


# ----------------------------------------------------------------------------- values

def _show(value) -> str:
    """A value of an id, date or number column, or a column name, as a message shows it: quoted,
    with emails and phone numbers redacted, cut to 40 characters. Never used for free text."""
    from crmlib.privacy import redact_text

    text = redact_text(str(value))
    if len(text) > _MAX_SHOWN_CHARS:
        text = text[:_MAX_SHOWN_CHARS - 3] + "..."
    return repr(text)


def _problem(src: _Source, column: str, mask: np.ndarray, values, rule: str) -> str | None:
    """One message for the rows in ``mask`` breaking ``rule``, or None when there are none."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return None
    shown = ", ".join(f"{src.row_word} {src.rows[i]}: {_show(values[i])}" for i in idx[:_MAX_EXAMPLES])
    more = f" and {len(idx) - _MAX_EXAMPLES} more" if len(idx) > _MAX_EXAMPLES else ""
    return f"column {column!r}: {len(idx)} value(s) {rule} ({shown}{more})"


def _raise(src: _Source, problems: list[str | None], what_to_do: str) -> None:
    problems = [p for p in problems if p]
    if problems:
        raise DataError(f"{src.name}: " + "; ".join(problems) + f". {what_to_do}")


def _as_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(series):  # ids from Parquet or Excel: 1.0 is the id "1"
        whole = series.dropna()
        if (np.isfinite(whole) & (whole.abs() < 2 ** 53) & (whole == whole.round())).all():
            series = series.astype("Int64")
    out = series.astype("string").str.strip()
    return out.mask(out.isin(["", "nan", "NaN", "None", "NULL", "null", "NA", "N/A", "<NA>"]))


_DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y",
    "%d.%m.%Y", "%d/%m/%y", "%m/%d/%y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
    "%d-%b-%Y", "%d-%b-%y",
)
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", "T%H:%M:%S", " %I:%M %p", " %I:%M:%S %p")


#: The ledger's note when a date column held times with a zone (text offsets, zoned Parquet or frames).
TZ_NOTE = "time-zone offsets in {column!r} were dropped; the local times are kept"
_TZ_SUFFIX = re.compile(r"(?<=\d)\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_PARTIAL_DATE = re.compile(r"^\d{4}([-/.]\d{1,2})?$")


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "#").replace("%m", "%d").replace("#", "%m")


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series | None:
    """``values`` parsed in one format (NaT where they do not fit), at the resolution pandas picks
    (never narrower than the dates need), or None when the format does not apply at all."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return None
    if not pd.api.types.is_datetime64_any_dtype(parsed):
        return None
    return parsed.dt.tz_localize(None) if getattr(parsed.dt, "tz", None) else parsed


def _in_range(parsed: pd.Series) -> np.ndarray:
    """True for dates from DATE_MIN to DATE_MAX (and for NaT), judged on the calendar year, which
    every resolution gets right."""
    years = parsed.dt.year.to_numpy(dtype=float, na_value=np.nan)
    return ~((years < DATE_MIN.year) | (years > DATE_MAX.year))


def _finish_dates(src: _Source, column: str, parsed: pd.Series, values) -> tuple[pd.Series, str | None]:
    """Refuse dates outside the accepted range, then (only then) cast to the canonical ns dates."""
    ok = _in_range(parsed)
    problem = _problem(src, column, ~ok, values,
                       f"are outside {DATE_MIN.date()} to {DATE_MAX.date()}, the dates crmlib accepts; such a "
                       "date is usually a typo (2300 for 2030) or a placeholder (9999-12-31)")
    # the range is checked before the cast, so no date can wrap around
    return parsed.where(ok).astype("datetime64[ns]"), problem


def _parse_dates(src: _Source, column: str, required: bool) -> tuple[pd.Series, str | None]:
    """Dates in one format per column, chosen among common ones on the distinct values.

    Times are kept; a time-zone offset is dropped and the local time kept (the business day is
    the customer's), with a note. Years or year-months alone are not dates. Dates outside
    DATE_MIN to DATE_MAX are refused.
    """
    raw = src.frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        zoned = getattr(raw.dt, "tz", None) is not None
        if zoned:  # the same rule and the same note as offsets written in text
            src.notes.append(TZ_NOTE.format(column=column))
        parsed = raw.dt.tz_localize(None) if zoned else raw
        shown = raw.astype(str).to_numpy()
        full, range_problem = _finish_dates(src, column, parsed, shown)
        bad = parsed.isna().to_numpy() if required else np.zeros(len(raw), bool)
        problems = [_problem(src, column, bad, shown, "are missing; expected a date"), range_problem]
        return full, "; ".join(p for p in problems if p) or None
    text = _as_text(raw)
    present = text.notna().to_numpy()
    values = text.to_numpy(dtype=object)
    given = text[present]
    has_time = given.str.contains(r"\d:\d\d", regex=True)  # an offset only ever follows a time
    cleaned = given.where(~has_time, given.str.replace(_TZ_SUFFIX, "", regex=True))
    if (cleaned != given).any():
        src.notes.append(TZ_NOTE.format(column=column))
    uniq = pd.Series(cleaned.unique(), dtype="string")
    uniq = uniq[~uniq.str.match(_PARTIAL_DATE).fillna(False).to_numpy(dtype=bool)]
    best, best_ok, best_fmt = None, 0, None
    for fmt in ("ISO8601",) + tuple(d + t for d in _DATE_FORMATS for t in _TIME_SUFFIXES):
        parsed = _to_datetime(uniq, fmt)
        if parsed is None:
            continue
        ok = int(parsed.notna().sum())
        if ok > best_ok:
            best, best_ok, best_fmt = parsed, ok, fmt
        if ok == len(uniq):
            break
    full = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if best is not None:
        lookup = pd.Series(best.to_numpy(), index=uniq.to_numpy(dtype=object))
        full = pd.Series(pd.NaT, index=raw.index, dtype=best.dtype)
        full[present] = cleaned.astype(object).map(lookup).to_numpy(dtype=best.dtype)
    if best_fmt and best_fmt[:2] in ("%d", "%m") and best_ok == len(uniq):
        swapped = _to_datetime(uniq, _swap_day_month(best_fmt))
        if swapped is not None and swapped.notna().all():
            src.notes.append(f"dates in {column!r} such as {_show(uniq.iloc[0])} fit both day-first and "
                             f"month-first; read as {best_fmt!r}")
    if best_fmt and "%y" in best_fmt:
        src.short_years.append(column)
    unparsed = present & full.isna().to_numpy()
    example = (f"expected dates in the format of the rest of the column ({best_fmt})" if best_fmt
               else "expected full dates such as 2024-01-31, 31/01/2024 or 31 Jan 2024")
    full, range_problem = _finish_dates(src, column, full, values)
    problems = [_problem(src, column, unparsed, values, f"are not dates; {example}"), range_problem]
    if required:
        problems.append(_problem(src, column, ~present, values, "are empty; expected a date"))
    return full, "; ".join(p for p in problems if p) or None


_CURRENCY = re.compile(r"(?i)(₹|\$|€|£|৳|\brs\.?|\binr\b|\busd\b|\beur\b|\bgbp\b|\btk\.?|\bbdt\b)")


_DECIMAL_POINT = re.compile(r"^[-+]?(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d*)?([eE][-+]?\d+)?$"
                            r"|^[-+]?\.\d+$")
_DECIMAL_COMMA = re.compile(r"^[-+]?(\d+|\d{1,3}(\.\d{3})+)(,\d*)?$")
_DIGIT_SPACE = re.compile(r"(?<=\d)[\s\u00a0\u202f']+(?=\d)")
_GROUP = "_"  # where spaces grouped digits (never part of a number)
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
    # a space (or apostrophe) between digits groups them, under the same rule as a comma: kept
    # as a mark here, checked with the column's grammar below, so "5 5" is not silently 55
    spaced = text.str.replace(_CURRENCY, "", regex=True).str.replace(_DIGIT_SPACE, _GROUP, regex=True)
    s = spaced.str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    spaced = s
    s = s.str.replace(_GROUP, "", regex=False)
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
    grouped = spaced.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.replace(r"^(.*[0-9])-$", r"\1", regex=True)
    grouped = grouped.str.replace(_GROUP, "." if decimal_comma else ",", regex=False)
    wellformed = (s.str.match(grammar).fillna(False) & grouped.str.match(grammar).fillna(False) | words).to_numpy()
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
    frame = pd.DataFrame({"c": pd.Series(ids).to_numpy(), "d": pd.to_datetime(pd.Series(dates)).dt.normalize().to_numpy(),
                          "a": amounts, "p": amounts >= 0})
    daily = frame.groupby(["c", "d"], sort=False, observed=True).agg(a=("a", "sum"), p=("p", "any"))
    buys = (daily["p"] & (daily["a"] >= 0)).groupby(level="c").any()
    bought = daily["p"].groupby(level="c").any()
    groups = {"net": set(buys.index[~buys & bought]), "returns": set(buys.index[~bought])}
    return {k: (frame["c"].isin(v).to_numpy(dtype=bool), len(v)) for k, v in groups.items()}


_AUDIENCE_PII = ("name", "email", "phone")  # kept for hashed audiences; drop_pii removes them from reports


def _customer_ids(src: _Source, ledger: Ledger) -> pd.Series:
    """The customer ids by :data:`crmlib.ids.ID_RULE`; ids written as ``81.0`` are counted as changed."""
    raw = src.frame["customer_id"]
    floaty = float_style(raw)
    ledger.add("customer id written as a whole-number float (81.0)", int(floaty.sum()), action="changed",
               detail=f"read as the whole number (81): {ID_RULE}", rows=src.rows[floaty])
    return normalise_ids(raw)


def _drop(frame: pd.DataFrame, rows: np.ndarray, mask: np.ndarray, ledger: Ledger, reason: str,
          detail: str = "", fields=None) -> tuple[pd.DataFrame, np.ndarray]:
    ledger.add(reason, int(mask.sum()), action="dropped", detail=detail, rows=rows[mask], fields=fields)
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


# ----------------------------------------------------------------------------- loaders

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


def _with_notes(frame: pd.DataFrame, src: _Source, ledger: Ledger) -> pd.DataFrame:
    unused = [c for c in src.frame.columns if c not in frame.columns]
    if unused:
        src.notes.append(f"column(s) not used: {_names(unused)}")
    ledger.notes.extend(src.notes)
    return attach(frame, ledger)


def read_customers(source, columns: dict | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read customers: ``customer_id``; optional ``signup_date, city, loyalty_tier, name, email, phone``.

    The PII columns (``name``, ``email``, ``phone``) are kept for hashed audience exports only;
    use :func:`crmlib.privacy.drop_pii` before anything reaches a report.
    A customer id listed twice with different details is an error; an exact duplicate row is dropped.
    Signup dates must lie from 1900-01-01 to 2100-12-31. ``sheet`` picks the sheet of an Excel
    workbook with several.
    """
    src = _read(source, "customers", sheet)
    _canonical_columns(src, CUSTOMERS, columns)
    ledger = _new_ledger(src, "customers")
    frame, rows = src.frame, src.rows
    out = _start(src, customer_id=_customer_ids(src, ledger))
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
        shown = ", ".join(f"{src.row_word} {rows[i]}: {_show(out['customer_id'].iloc[i])}"
                          for i in idx[:_MAX_EXAMPLES])
        raise DataError(f"{src.name}: column 'customer_id': {len(idx)} rows share an id with different "
                        f"details ({shown}). Keep one row per customer and load it again.")
    attributes = tuple(c for c in out.columns if c not in ("customer_id", "signup_date", *_AUDIENCE_PII)
                       and _kind_by_name(c) in (None, "free_text"))
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
