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

What is refused, with one :class:`~crmlib.exceptions.DataError` naming the file, the column (by the
file's own header), the rule, rows and values (all problems of a file in one message):

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

Customers and feedback: exact duplicate rows are dropped, rows without a ``customer_id`` too. A
signup date that is no date at all (``n/a``, ``soon``) in a column of dates is a slip: the customer
is kept without a signup date and the slips are counted in the ledger under the file's own header,
with their rows and values (harmless ones such as ``n/a`` as they are, words only as ``[text]``);
a column whose values are mostly no dates is no signup date (:data:`crmlib.io.columns.KEYWORD_FITS`).

A channel written in several upper/lower cases (``Online``, ``online ``, ``ONLINE``) is one channel,
and so is a category, a city or a loyalty tier (``Electronics``, ``electronics``),
shown as most rows of the file spell it (ties: the first row's spelling), on this path and on the
out-of-core one (:class:`crmlib.TransactionLog`) alike: :func:`crmlib.io.values.spellings`.

>>> import pandas as pd
>>> raw = pd.DataFrame({"customer_id": ["a", "b"], "date": ["2024-01-05", "2300-01-05"], "amount": [5, 7]})
>>> try:
...     read_transactions(raw)
... except DataError as exc:
...     print(exc)  # doctest: +ELLIPSIS
<DataFrame>: column 'date': 1 value(s) are outside 1900-01-01 to 2100-12-31, ... (index 1: '2300-01-05'). Fix ...
"""

from __future__ import annotations

# One job per module: files (formats, reading), columns (names, aliases), messages (values shown in
# errors), values (dates, numbers, ids), loaders (the three loaders). Every name of the former
# crmlib/io.py, the private helpers too, is still importable from crmlib.io.
from crmlib.exceptions import DataError
from crmlib.io.columns import (
    _DATE_LIKE,
    _KNOWN_NAMES,
    _NUMBER,
    ALIASES,
    CUSTOMERS,
    FEEDBACK,
    TRANSACTIONS,
    _canonical_columns,
    _data_like,
    _norm,
    _repeated_headers,
    _Schema,
)
from crmlib.io.files import (
    COMPRESSED_SUFFIXES,
    DEFAULT_MAX_DECOMPRESSED,
    EXCEL_SUFFIXES,
    MAX_DECOMPRESSED_ENV,
    MAX_RATIO,
    MIN_DECOMPRESSED,
    PARQUET_SUFFIXES,
    _decode,
    _decompress,
    _read,
    _read_excel,
    _read_text,
    _sniff_delimiter,
    _Source,
    _unique,
    _utf16_without_bom,
    cannot_open,
    max_decompressed_bytes,
    not_a_file,
)
from crmlib.io.loaders import (
    _AUDIENCE_PII,
    _DUP,
    _FIX,
    BLANK_AMOUNT,
    BLANK_AMOUNT_RULES,
    DUPLICATE_RULES,
    NO_PURCHASE_DAY,
    NOT_USED,
    OVERFLOW_RULE,
    _copy_text,
    _drop,
    _drop_unusable,
    _new_ledger,
    _start,
    _with_notes,
    no_purchase_day,
    overflowing,
    read_customers,
    read_feedback,
    read_transactions,
)
from crmlib.io.messages import _MAX_EXAMPLES, _MAX_SHOWN_CHARS, _names, _problem, _raise, _show
from crmlib.io.values import (
    _CURRENCY,
    _DATE_FORMATS,
    _DECIMAL_COMMA,
    _DECIMAL_POINT,
    _DIGIT_SPACE,
    _GROUP,
    _NUMBER_WORDS,
    _PARTIAL_DATE,
    _TIME_SUFFIXES,
    _TZ_SUFFIX,
    DATE_MAX,
    DATE_MIN,
    SCORE_RANGES,
    TZ_NOTE,
    _as_text,
    _customer_ids,
    _finish_dates,
    _in_range,
    _parse_dates,
    _parse_numbers,
    _swap_day_month,
    _to_datetime,
    after_end,
    as_date,
)
