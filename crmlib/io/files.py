"""Reading a table from a file or a DataFrame: formats (CSV, TSV, TXT, Parquet, Excel), compression,
text encodings and delimiters; the zip-bomb guard; the raw :class:`_Source` the loaders work on."""

from __future__ import annotations

import bz2
import csv
import gzip
import io as _io
import lzma
import os
import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.io.columns import _KNOWN_NAMES, _norm
from crmlib.ledger import Note
from crmlib.suffixes import COMPRESSED_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES

#: Environment variable with the most bytes a compressed file may expand to; when set, it
#: replaces the default rule: at most MAX_RATIO times the compressed size, but always up to
#: MIN_DECOMPRESSED and never beyond DEFAULT_MAX_DECOMPRESSED.
MAX_DECOMPRESSED_ENV = "CRMLIB_MAX_DECOMPRESSED_BYTES"
DEFAULT_MAX_DECOMPRESSED = 2 * 1024 ** 3
MIN_DECOMPRESSED = 100 * 1024 ** 2
MAX_RATIO = 200  # CSV exports compress 5 to 30 times; zip bombs a thousand times and more


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

    def header_of(self, column: str) -> str:
        """The file's own header of ``column`` (a name of crmlib's once the columns are renamed), for messages."""
        return next((h for c, h in zip(self.frame.columns, self.header) if c == column), column)

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
            self.notes.append(Note("{lines} blank line(s) skipped", lines=int(blank.sum())))


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
        listed = {"sheet": chosen, "sheets": len(names), "others": ", ".join(map(repr, others))}
        if empty:  # the words are the page's: no English "(empty)" inside a field
            notes.append(Note("read sheet '{sheet}' of {sheets}; not read: {others}; of these, empty: {empty}",
                              **listed, empty=", ".join(map(repr, empty))))
        else:
            notes.append(Note("read sheet '{sheet}' of {sheets}; not read: {others}", **listed))
    src = _Source(frame, path.name if len(names) == 1 else sheet_reference(path.name, chosen), True, notes, header)
    src.drop_blank_rows()
    return src


def sheet_reference(book: str, sheet: str) -> str:
    """A workbook's sheet named as Excel refers to it from another workbook (without its quotes), the same in
    every language.

    >>> sheet_reference("sales.xlsx", "Feb"), sheet_reference("sales.xlsx", "Q1 2024")
    ('[sales.xlsx]Feb', '[sales.xlsx]Q1 2024')
    """
    return f"[{book}]{sheet}"


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
            return raw.decode("utf-16"), [Note("read as UTF-16 (Excel's Unicode Text export)")]
        except UnicodeDecodeError:
            pass
    encoding = _utf16_without_bom(raw)
    if encoding:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            pass
        else:
            return text.lstrip("\ufeff"), [Note("read as {encoding} without a byte-order mark",
                                                 encoding=encoding.upper().replace("-16-", "-16"))]
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
    return "".join(lines), [Note("{count} line(s) are not UTF-8 and were read as cp1252 (lines {lines}); save the "
                                 "file as UTF-8 to be sure of their characters", count=len(fallback), lines=shown)]


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
