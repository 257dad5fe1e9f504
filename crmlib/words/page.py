"""The words around every report: the page's header and footer, and the index page.

Placeholders hold values already written for the page: numbers and dates by
:class:`crmlib.formats.Formats`, file names, parameter names and error messages as they are, and
``{status}`` by one of the status words below. ``{secret_env}`` is the environment variable's name.
"""

from crmlib.words import N_, NP_

# ----------------------------------------------------------------------------- header
#: Before a notice, in bold.
NOTE = N_("Note:")
#: On every page and on the index when the reports ran without CRMLIB_SECRET.
DEFAULT_KEY_NOTICE = N_(
    "Pseudonyms use crmlib's public default key: set {secret_env} for pseudonyms that cannot be "
    "recomputed. Anyone who can guess the customer ids can reverse the pseudonyms on this page and in "
    "the files written beside it.")
DATA_PERIOD = N_("Data period: {period}")
#: A data period between two dates written as the page writes dates (ISO, in the page's digits).
PERIOD_FROM_TO = N_("{start} to {end}")
NOT_RECORDED = N_("not recorded")
INPUT_FILES = N_("Input files: {files}")
NONE_RECORDED = N_("none recorded")
PARAMETERS = N_("Parameters")
#: {place} is one of the CELL_* messages below; {error} the error's first line, in English.
FAILED_AT = N_("This report failed at {place}: {error}")
FAILED_BELOW = N_("Below: what the report showed up to the failure; later cells did not run.")
CELL_LINE = N_("cell {cell}, line {line}")
CELL = N_("cell {cell}")
LINE = N_("line {line}")
BEFORE_ANY_CELL = N_("before any cell ran")
NO_CELL = N_("no cell")
#: Alternative text of a figure: the nearest heading above it.
FIGURE_UNDER = N_("Figure: {heading}")
FIGURE = N_("Figure")

# ----------------------------------------------------------------------------- footer
FILES_WRITTEN_BY = N_("Files written by this report")
ROWS = NP_("{rows} row", "{rows} rows")
#: Under the files a report wrote, when one of them names customers by pseudonym (issue 20, finding 10).
#: {secret_env} is the key's environment variable, {command} the command line: both stay as they are.
REIDENTIFY_NOTE = N_(
    "These files name customers by pseudonym. Whoever holds {secret_env} can map a list back to customer ids "
    "with {command}; the file it writes holds real ids: keep it outside this folder and never forward it.")
#: The command of REIDENTIFY_NOTE, the same in every language (FILE and PATH are the user's own paths).
REIDENTIFY_COMMAND = "crmlib reidentify --list FILE --customers FILE --out PATH"
PROVENANCE = N_("Provenance")
NOTEBOOK = N_("Notebook")
DEFAULTS = N_("defaults")
#: {name} is the input's parameter name (transactions, customers, feedback), left as it is.
INPUT_NAMED = N_("Input file: {name}")
BYTES = NP_("{size} byte", "{size} bytes")
SIZE_UNKNOWN = N_("size unknown")
PSEUDONYM_KEY = N_("Pseudonym key")
#: The footer's pseudonym key when the reports ran without CRMLIB_SECRET.
PUBLIC_DEFAULT_KEY = N_("crmlib's public default key")
INPUT_FINGERPRINT = N_("Input fingerprint")
NO_INPUT_FILES = N_("no input files")
CRMLIB_VERSION = N_("crmlib version")
RUN_AT = N_("Run at (UTC)")
RUN_TIME = N_("Run time")
SECONDS = N_("{seconds} s")
STATUS = N_("Status")
#: The status of a report run, on its page and on the index.
STATUS_OK = N_("ok")
STATUS_FAILED = N_("failed")
STATUS_INTERRUPTED = N_("interrupted")

# ----------------------------------------------------------------------------- index page
INDEX_TITLE = N_("crmlib reports")
#: How many reports ran with the public key; {count} and {total} are counts.
KEY_NOTICE_COUNT = N_("Reports run without {secret_env}: {count} of {total}.")
COUNTS = NP_("{total} report: {ok} ok, {failed} failed.", "{total} reports: {ok} ok, {failed} failed.")
COUNTS_INTERRUPTED = NP_("{total} report: {ok} ok, {failed} failed, {interrupted} interrupted.",
                         "{total} reports: {ok} ok, {failed} failed, {interrupted} interrupted.")
#: Column headings of the index table (the column "crmlib" is the package's name and stays).
COLUMN_REPORT = N_("Report")
COLUMN_INPUT_FILES = N_("Input files")
COLUMN_DATA_PERIOD = N_("Data period")
COLUMN_FILES_WRITTEN = N_("Files written")
NOTEBOOK_LINK = N_("notebook")
NONE = N_("none")
#: {started} and {run_at} are times; {previous_status} a status word.
STOPPED_PAGE_KEPT = N_("the run started {started} was stopped; the page is from the run at {run_at} "
                       "({previous_status})")
STOPPED_NO_PAGE = N_("the run started {started} was stopped before its page was written")
#: Under a report whose page could not be saved (a full disk) when an earlier run's page is kept.
UNSAVED_PAGE_KEPT = N_("the page linked is from the run at {run_at} ({previous_status})")
#: The notes under the index table; {digits} is a count (12).
NOTE_INPUT_FILES = N_("Input files: name, size and the first {digits} hex digits of the file's SHA-256.")
NOTE_FINGERPRINT = N_("Input fingerprint: the first {digits} hex digits of a SHA-256 over all of a "
                      "report's input files; equal fingerprints mean the same data.")
#: {status} is STATUS_INTERRUPTED, in emphasis.
NOTE_INTERRUPTED = N_("A report marked {status} was stopped while it ran; its page, if any, is from the "
                      "previous run.")
#: Under a report's title on the index when it ran with no parameter given.
DEFAULT_PARAMETERS = N_("default parameters")
#: Folded lists on the index: {count} is a count.
INPUT_FILE_COUNT = NP_("{count} input file", "{count} input files")
FILE_COUNT = NP_("{count} file", "{count} files")
#: Column headings of the index table not shared with the page.
COLUMN_REPORT_AND_PARAMETERS = N_("Report and parameters")
COLUMN_RUN = N_("Run (UTC), run time, version, input fingerprint")
#: Before the input fingerprint in the index's last column.
FINGERPRINT = N_("fingerprint")
