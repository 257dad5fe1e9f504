"""The ``crmlib report`` command: arguments and the function that runs them (wired in crmlib.cli)."""

from __future__ import annotations

import argparse
import sys

from crmlib.exceptions import DataError


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``crmlib report NAME... --out DIR [-p key=value] [--grid F] [-j N]``."""
    from crmlib import config
    from crmlib.reports.inputs import DATASETS

    parser.description = "Run report notebooks into HTML pages, with an index.html listing every report."
    parser.epilog = (
        "examples:\n"
        "  crmlib report overview clv --transactions orders.csv --currency INR\n"
        "  crmlib report segments clv --dataset cdnow     # the bundled CDNOW data (Fader, Hardie & Lee 2005)\n"
        "  crmlib report feedback --feedback survey.csv --transactions orders.csv\n"
        "  crmlib report overview --demo                  # the generated demo data")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("names", nargs="+", metavar="NAME",
                        help=f"report names ({', '.join(config.REPORTS)}) or paths to .ipynb files")
    for name in ("transactions", "customers", "feedback"):
        parser.add_argument(f"--{name}", metavar="FILE",
                            help=f"{name} file, passed to reports that have a '{name}' parameter (no default: "
                                 "a report reads only the files it is given)")
    parser.add_argument("--demo", action="store_true",
                        help="run on the demo data in data/demo/ of the working folder (written first when "
                             "missing), instead of files of your own")
    parser.add_argument("--dataset", metavar="NAME", type=_dataset,
                        help=f"run on a data set shipped with crmlib instead of --transactions: cdnow (the CDNOW "
                             f"master file, 23,570 customers' purchases 1997-98) or one of {', '.join(DATASETS)}; "
                             "same as -p dataset=cdnow_master")
    parser.add_argument("--currency", metavar="CODE",
                        help="currency of the amounts: an ISO 4217 code such as INR, USD or EUR (or the symbol "
                             "₹, €, £ or ৳), for money labels on every page (default: plain amounts)")
    add_language_arguments(parser)
    parser.add_argument("--refuse-blank-amounts", action="store_true",
                        help="stop when a transactions file has rows with an empty amount (default: such rows "
                             "are dropped and counted on each page's data-quality table)")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="folder for the pages, executed notebooks and index.html "
                             "(default: reports/ in the working folder)")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                        help="set a notebook parameter; repeat a key for one report per value; numbers "
                             "beyond 1,000,000 are refused unless CRMLIB_MAX_PARAMETER raises the limit")
    parser.add_argument("--grid", metavar="FILE.yaml",
                        help="YAML grid: a mapping name -> list of values (all combinations) or a list of mappings")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="kernels to run at once (default 1)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="fail a report when one cell runs longer than this")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar over reports (default: only on a terminal)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar; print only failures")


def add_language_arguments(parser: argparse.ArgumentParser) -> None:
    """``--lang en|hi|bn`` and ``--digits latin|native``: the pages' language and digits (issue 21)."""
    parser.add_argument("--lang", choices=("en", "hi", "bn"), default=None,
                        help="language of the pages and the index: en English, hi Hindi, bn Bengali (default en)")
    parser.add_argument("--digits", choices=("latin", "native"), default=None,
                        help="digits of the numbers: latin (0-9) or native (Devanagari or Bengali digits with "
                             "--lang hi or bn) (default latin)")


def language_options(args: argparse.Namespace) -> dict[str, object]:
    """The ``lang`` and ``digits`` options of a request, for the notebooks that declare them."""
    return {"lang": getattr(args, "lang", None), "digits": getattr(args, "digits", None)}


def _dataset(text: str) -> str:
    """``--dataset``: a bundled data set; ``cdnow`` is the CDNOW master file."""
    from crmlib.reports.inputs import DATASETS

    name = {"cdnow": "cdnow_master"}.get(text.strip().lower(), text.strip().lower())
    if name not in DATASETS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a bundled data set; use cdnow or one of {', '.join(DATASETS)}")
    return name


def parse_params(pairs: list[str]) -> dict[str, object]:
    """Group ``-p`` values; a repeated key gives a list (one report per value).

    >>> parse_params(["region=North", "region=South", "n=3"])
    {'region': ['North', 'South'], 'n': '3'}
    """
    grouped: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise DataError(f"Parameter {pair!r} is not KEY=VALUE; write e.g. -p region=North.")
        grouped.setdefault(key.strip(), []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in grouped.items()}


def _inputs(args: argparse.Namespace) -> dict[str, object]:
    """The input files of the request: the user's own, or with ``--demo`` the demo files alone."""
    given = {name: getattr(args, name) for name in ("transactions", "customers", "feedback")}
    if getattr(args, "dataset", None) and given["transactions"]:
        raise DataError(f"--dataset {args.dataset} stands for the transactions; leave out --transactions, "
                        "or leave out --dataset.")
    if not getattr(args, "demo", False):
        return given
    if getattr(args, "dataset", None):
        raise DataError("--demo and --dataset each choose the data; give one of them.")
    if any(v is not None for v in given.values()):
        raise DataError("--demo runs the reports on the demo data alone; leave out --transactions, "
                        "--customers and --feedback, or leave out --demo.")
    from crmlib import config, datasets

    folder = config.demo_dir()
    paths = {name: folder / f"{name}.csv" for name in given}
    if not all(p.is_file() for p in paths.values()):
        paths = datasets.write_demo(folder)
        print(f"demo data written to {folder}", file=sys.stderr)
    return {k: str(v) for k, v in paths.items()}


def run_from_args(args: argparse.Namespace) -> int:
    """Run ``crmlib report``: 0 when every report ran, 1 when one failed, 2 for a bad request,
    130 after Ctrl-C and 143 after SIGTERM (one line on stderr says what was left)."""
    from crmlib.reports.runner import Interrupted, run_reports

    progress = False if args.quiet else args.progress
    try:
        inputs = _inputs(args)
        batch = run_reports(
            args.names,
            args.out,
            params=parse_params(args.param),
            grid=args.grid,
            inputs=inputs,
            jobs=args.jobs,
            progress=progress,
            timeout=args.timeout,
            options={"currency": args.currency, "dataset": args.dataset, **language_options(args)},
            blank_amounts="refuse" if args.refuse_blank_amounts else "drop",
        )
    except DataError as exc:
        print(f"crmlib report: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except OSError as exc:  # a path that turned bad while the batch was set up
        where = f": {exc.filename}" if exc.filename else ""
        print(f"crmlib report: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"crmlib report: {exc.describe()}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:  # Ctrl-C while the request was being checked
        print("crmlib report: stopped by Ctrl-C before any report ran", file=sys.stderr)
        return 130
    if args.quiet:
        for r in batch.failed:
            print(f"FAILED {r.describe_failure()}", file=sys.stderr)
    else:
        print(batch.summary(), file=sys.stdout if batch.ok else sys.stderr)
    return 0 if batch.ok else 1
