"""The ``crmlib`` command: ``validate``, ``report``, ``demo`` and ``reidentify``.

Bad input ends in one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmlib import config, interrupts
from crmlib.exceptions import DataError

#: Reports ``crmlib demo`` writes (:data:`crmlib.config.DEMO_REPORTS`), with the parameters of each run.
DEMO_REPORTS = tuple((name, {}) for name in config.DEMO_REPORTS)


def _validate(args: argparse.Namespace) -> int:
    from crmlib import io
    from crmlib.ledger import ledger_of
    from crmlib.reports.checks import for_command_line

    loaders = (("transactions", io.read_transactions), ("customers", io.read_customers),
               ("feedback", io.read_feedback))
    given = [(name, load, getattr(args, name)) for name, load, in loaders if getattr(args, name)]
    if not given:
        print("crmlib validate: give at least one of --transactions, --customers, --feedback",
              file=sys.stderr)
        return 2
    status = 0
    for name, load, path in given:
        options = {"sheet": _sheet(args.sheet)} if args.sheet is not None else {}
        if name == "transactions":
            options["duplicates"] = args.duplicates
            options["blank_amounts"] = "refuse" if args.refuse_blank_amounts else "drop"
        try:
            if name == "transactions" and args.sheet is None and _large_log(path):
                from crmlib.txlog import TransactionLog  # out of core; DuckDB's progress bar on a terminal

                frame = TransactionLog(path, duplicates=args.duplicates)
            else:
                frame = load(path, **options)
        except DataError as exc:
            print(f"crmlib validate: {for_command_line(' '.join(str(exc).split()))}", file=sys.stderr)
            status = 1
            continue
        print(ledger_of(frame))
    return status


def _large_log(path) -> bool:
    """A Parquet file, or a CSV over 200 MB, with crmlib's column names: read out of core, as reports do."""
    from pathlib import Path

    from crmlib.reports import inputs

    path = Path(path)
    return path.is_file() and path.stat().st_size > inputs.LARGE_FILE_BYTES and inputs.uses_log(path)


def _sheet(text: str) -> str | int:
    """A workbook sheet given on the command line: a position from 0 when it is a number, else a name."""
    return int(text) if text.strip().isdigit() else text


def _report(args: argparse.Namespace) -> int:
    _prestart_kernels()
    from crmlib import reports

    return reports.run_from_args(args)


def _prestart_kernels() -> None:
    """Start the report kernels' fork server before this process imports the report machinery and checks
    the inputs: the server's imports run on the other core meanwhile (issue 24.4: a single report gains
    about 3 s, the demo about 2 s)."""
    from crmlib.reports.kernel_env import prestart_kernels

    prestart_kernels()


def _demo(args: argparse.Namespace) -> int:
    """Write the demo data, then every report on exactly those files: both under the working folder
    (data/demo/, reports/), or both under --out (DIR/data/, DIR)."""
    _prestart_kernels()
    from crmlib import config, datasets, reports

    out = args.out or config.reports_dir()
    data_dir = Path(args.out) / "data" if args.out else config.demo_dir()
    paths = datasets.write_demo(data_dir, n_customers=args.customers, seed=args.seed)
    print(f"demo data written to {data_dir}: {', '.join(p.name for p in paths.values())}")
    options = reports.language_options(args)
    # the CDNOW page is another data set: its own folder and index, not mixed into the demo's. Both batches
    # share the -j kernels, so no core idles while the other batch finishes (issue 24.4).
    result, extra = reports.run_suites([
        {"names": [name for name, _ in DEMO_REPORTS], "out_dir": out, "inputs": {k: str(v) for k, v in paths.items()},
         "options": options},
        {"names": ["segments"], "out_dir": Path(out) / "cdnow", "params": {"dataset": ["cdnow_master"]},
         "options": options},
    ], jobs=args.jobs)
    ok = result.ok and extra.ok
    for failed in result.failed + extra.failed:
        print(f"FAILED {failed.describe_failure()}", file=sys.stderr)
    print(f"reports written to {out}; open {result.index_path} (the CDNOW segments page: {extra.index_path})")
    return 0 if ok else 1


def _reidentify(args: argparse.Namespace) -> int:
    """Map an action list's pseudonyms back to real ids into a private file (crmlib.reidentify)."""
    from crmlib import reidentify

    key = reidentify.key_from_environment(args.allow_public_key)
    from crmlib.privacy import using_default_key

    if using_default_key(key):  # allowed by --allow-public-key, else refused above
        print("crmlib reidentify: warning: CRMLIB_SECRET is crmlib's public default key, so these lists were "
              "never private: anyone with crmlib can do what this command does. Set your own secret and make "
              "the reports again.", file=sys.stderr)
    done = reidentify.reidentify(args.list, args.out, customers=args.customers or (),
                                 transactions=args.transactions or (), column=args.column, key=key,
                                 allow_public_key=args.allow_public_key, overwrite=args.overwrite)
    print(f"{done['matched']} of {done['rows']} rows of {args.list} mapped to real customer ids "
          f"(column {done['column']!r}) in {done['out']} (readable by you alone). It holds real ids: keep it "
          "out of the reports folder, do not forward it, delete it when done.")
    if done["matched"] < done["rows"]:
        print(f"crmlib reidentify: {done['rows'] - done['matched']} rows found no id in the given files; their "
              "customer_id is blank (were all the files the reports read given?)", file=sys.stderr)
    return 0


def _reidentify_parser(sub) -> None:
    rid = sub.add_parser(
        "reidentify", help="for the key holder: map an action list's pseudonyms back to real customer ids",
        description="Pseudonymise every customer id of the given input files with CRMLIB_SECRET (the key the "
                    "reports were made with), join the action list's pseudonym column back to those ids and "
                    "write the list with a customer_id column to a private file (mode 0600, first line a "
                    "PRIVATE comment). Refused without CRMLIB_SECRET, with crmlib's public key unless "
                    "--allow-public-key, and inside a reports folder. No report reads or links the file.")
    rid.add_argument("--list", required=True, metavar="ACTION_LIST.csv",
                     help="a list a report wrote: clv/customer-value.csv, retention/winback.csv, "
                          "segments/user_data_import.csv, segments/audience_*_ids.csv")
    rid.add_argument("--out", required=True, metavar="PRIVATE.csv",
                     help="where the private file goes: a path outside every reports folder")
    rid.add_argument("--customers", action="append", metavar="FILE",
                     help="a customers file the reports read (may be repeated)")
    rid.add_argument("--transactions", action="append", metavar="FILE",
                     help="a transactions file the reports read (may be repeated)")
    rid.add_argument("--column", metavar="NAME",
                     help="the list's pseudonym column (default: the first whose values are all pseudonyms)")
    rid.add_argument("--allow-public-key", action="store_true",
                     help="accept CRMLIB_SECRET equal to crmlib's public default key (lists made with it were "
                          "never private; a warning is printed)")
    rid.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    rid.set_defaults(func=_reidentify)


def build_parser() -> argparse.ArgumentParser:
    from crmlib import config

    parser = argparse.ArgumentParser(prog="crmlib", description=__doc__.splitlines()[0].replace("``", ""))  # the docstring's markup is no help text
    sub = parser.add_subparsers(dest="command", required=True)

    val = sub.add_parser("validate", help="read files, print what was dropped, flagged or changed",
                         description="Read input files as the reports do and print each file's ledger: rows "
                                     "read, dropped, flagged or changed, and why. Exits 1 for a file a report "
                                     "would refuse.")
    val.add_argument("--transactions", metavar="FILE",
                     help="transactions file (CSV, TSV, Excel or Parquet): customer id, date, amount")
    val.add_argument("--customers", metavar="FILE",
                     help="customers file: customer id and attributes such as city or loyalty tier")
    val.add_argument("--feedback", metavar="FILE", help="survey answers: customer id, date, NPS/CSAT/CES, comment")
    val.add_argument("--sheet", metavar="NAME",
                     help="the sheet to read from workbooks with several (a name, or a position from 0)")
    val.add_argument("--duplicates", choices=("auto", "keep", "drop"), default="auto",
                     help="exact duplicate transaction rows: auto (dropped only where a transaction id "
                          "repeats), keep, or drop (default auto)")
    val.add_argument("--refuse-blank-amounts", action="store_true",
                     help="treat transactions with an empty amount as an error (default: dropped and counted)")
    val.set_defaults(func=_validate)

    rep = sub.add_parser("report", help=f"run report notebooks ({', '.join(config.REPORTS)}) into HTML pages")
    from crmlib import reports

    reports.add_report_arguments(rep)
    rep.set_defaults(func=_report)

    demo = sub.add_parser("demo", help="build the demo data and write every report")
    demo.add_argument("--out", metavar="DIR",
                      help="where reports go, with the demo data in DIR/data/ (default: reports/ and data/demo/ in the "
                           "working folder)")
    demo.add_argument("--customers", type=int, default=2000, help="demo customers (default 2000)")
    demo.add_argument("--seed", type=int, default=42, help="random seed of the demo data (default 42)")
    demo.add_argument("-j", "--jobs", type=int, default=2, help="reports run in parallel (default 2)")
    reports.add_language_arguments(demo)
    demo.set_defaults(func=_demo)
    _reidentify_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; every way it can end is an exit status and at most one line on stderr.

    Ctrl-C at any moment, even while the parser and the report machinery are still being imported
    (the first second of ``crmlib report``), exits 130 with one line, never a traceback (issue 18;
    :mod:`crmlib.interrupts` for a Ctrl-C inside an import);
    ``import crmlib`` itself is light (no pandas) so that this function runs almost at once."""
    interrupts.install(interrupts.stopped_line(sys.argv[1:] if argv is None else argv))  # until reports run
    try:
        return _run(argv)
    finally:
        interrupts.restore()


def _run(argv: list[str] | None) -> int:
    command = "report"
    try:
        args = build_parser().parse_args(argv)
        command = args.command
        return _leave(args.func(args), argv)
    except DataError as exc:
        print(f"crmlib {command}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except OSError as exc:  # a path that cannot be read or written: one line, no traceback
        where = f": {exc.filename}" if exc.filename else ""
        print(f"crmlib {command}: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM while reports run (crmlib.reports.Interrupted)
        describe = getattr(exc, "describe", None)
        print(f"crmlib {command}: {describe()}" if describe else interrupts.stopped_line([command]), file=sys.stderr)
        return _leave(getattr(exc, "exit_status", 130), argv)


def _leave(status: int, argv: list[str] | None) -> int:
    """``status``; when the program itself was stopped by a signal (130, 143), exit with it at once.

    CPython 3.11 remembers a Ctrl-C that interrupted code run while a module was imported even when
    crmlib caught it, and at exit ends the process by SIGINT (status -2) instead of with 130; the
    batch's kernels are already stopped and its index written, so the program leaves directly, with
    its one line flushed."""
    if argv is None and status in (130, 143):
        interrupts.leave(status)  # the line is written; the kernels' fork servers' folders go
    return status


if __name__ == "__main__":
    sys.exit(main())
