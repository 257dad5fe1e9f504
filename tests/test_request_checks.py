"""Issue 20, findings 9 and 15: a real export survives, and every refusal comes before any kernel.

Blank amounts are dropped and counted (or refused on request); input files, parameter values and
currencies are checked by the planner; messages advise what the command line can do; the help names
every report, every option and the bundled CDNOW data.
"""

from __future__ import annotations

import argparse

import pandas as pd
import pytest
from command_line import crmlib

from crmlib import config, io
from crmlib.cli import build_parser
from crmlib.exceptions import DataError
from crmlib.ledger import ledger_of, ledger_table
from crmlib.reports import plan_reports
from crmlib.reports.checks import currency_code, for_command_line

BLANKS = "customer_id,date,amount\na,2024-01-01,10\nb,2024-01-02,\nc,2024-01-03,NaN\nd,2024-01-04,5\n"


def test_blank_amounts_are_dropped_and_counted_like_rows_without_a_customer(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text(BLANKS)
    tx = io.read_transactions(path)
    assert tx["customer_id"].tolist() == ["a", "d"]
    ledger = ledger_of(tx)
    assert ledger.rows_read - ledger.rows_dropped == len(tx) == 2
    quality = ledger_table(tx)  # the page's data-quality table
    row = quality[quality["reason"] == io.BLANK_AMOUNT]
    assert row["rows"].tolist() == [2] and row["action"].tolist() == ["dropped"]


def test_blank_amounts_are_refused_on_request_naming_the_rows(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text(BLANKS)
    with pytest.raises(DataError, match=r"2 value\(s\) are empty or NaN.*row 3.*row 4"):
        io.read_transactions(path, blank_amounts="refuse")


def test_validate_drops_blank_amounts_unless_asked_to_refuse(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text(BLANKS)
    out = crmlib("validate", "--transactions", path)
    assert out.returncode == 0 and "no amount" in out.stdout, out.stderr
    out = crmlib("validate", "--transactions", path, "--refuse-blank-amounts")
    assert out.returncode == 1 and "empty or NaN" in out.stderr and "columns=" not in out.stderr


@pytest.mark.parametrize("content, words", [
    (BLANKS, "empty or NaN"),
    ("customer_id,date,amont\na,2024-01-01,1\n", "Rename that header to 'amount'"),
    ("customer_id,date,amount\na,2024-01-01,ten\n", "are not numbers"),
])
@pytest.mark.slow
def test_input_problems_stop_the_command_before_any_kernel(tmp_path, content, words):
    """The README promises it; the old code started a kernel and wrote a failed page (exit 1)."""
    path = tmp_path / "tx.csv"
    path.write_text(content)
    out = crmlib("report", "overview", "--transactions", path, "--refuse-blank-amounts", "--out", tmp_path / "out",
                 cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    line = out.stderr.strip()
    assert "\n" not in line and words in line and "columns=" not in line and "Traceback" not in line
    assert not list((tmp_path / "out").glob("*.html")) and not list((tmp_path / "out").glob("*.ipynb"))


def test_command_line_messages_never_advise_columns():
    for raw in ["x.csv: column 'amount': 1 value(s) are not numbers (row 2: 'ten'). Fix these values in the file "
                "(or pass columns= if a column was misread) and load it again.",
                "x.csv (transactions): column 'amount' missing (found: 'a'). Name it 'amount', or pass "
                "columns={'your name': 'amount'}.",
                "x.csv (transactions): columns 'amount', 'Amount' would all be 'amount'. Keep one of them, or "
                "rename the others with columns={...}."]:
        assert "columns=" not in for_command_line(raw)


@pytest.fixture
def feedback_file(tmp_path):
    path = tmp_path / "fb.csv"
    path.write_text("customer_id,date,nps\na,2024-01-01,9\nb,2024-02-01,3\n")
    return path


@pytest.mark.parametrize("name, value, words", [
    ("period", "D", "'W', 'M', 'Q'"),
    ("freq", "Y", "'D', 'W', 'M'"),
    ("model", "BG", "'BetaGeo'"),
    ("observation_end", "last week", "YYYY-MM-DD"),
    ("min_responses", "0", "above 0"),
])
def test_parameter_values_are_checked_by_the_planner(feedback_file, name, value, words):
    """-p period=Q passed the planner and failed inside the kernel (quarters are now supported: D is refused)."""
    with pytest.raises(DataError, match=f"Report 'feedback': -p {name}=.*{words}"):
        plan_reports(["feedback"], params={name: value}, inputs={"feedback": feedback_file})


def test_currency_is_an_iso_code_or_an_unambiguous_symbol(feedback_file):
    assert currency_code("₹") == currency_code("inr") == currency_code(" INR ") == "INR"
    assert currency_code("৳") == "BDT" and currency_code("€") == "EUR"
    for bad, words in [("$", "several currencies"), ("XYZ", "not an ISO 4217"), ("Rupees", "not an ISO 4217")]:
        with pytest.raises(DataError, match=words):
            plan_reports(["feedback"], inputs={"feedback": feedback_file}, options={"currency": bad})
    plan, = plan_reports(["feedback"], inputs={"feedback": feedback_file}, options={"currency": "₹"})
    assert plan.options["currency"] == "INR"  # the feedback page now takes --currency


def test_feedback_notebook_takes_the_currency_for_its_money_table():
    from crmlib.reports.params import inspect_notebook

    assert "currency" in inspect_notebook("feedback").parameters
    import inspect

    import nbformat

    from crmlib.reports import feedback_page

    nb = nbformat.read(config.report_notebook("feedback"), as_version=4)
    assert "currency=currency" in "".join(c.source for c in nb.cells)  # the notebook hands it to the page
    source = inspect.getsource(feedback_page)  # every table of the page takes the page's formatter
    assert "fmt = Formats(lang, currency=currency" in source and "functools.partial(show, fmt=self.fmt)" in source
    assert "self.show(self._on_page(self.at_risk))" in source


def test_bundled_cdnow_has_its_own_option_naming_the_report(tmp_path):
    parser = build_parser()
    args = parser.parse_args(["report", "segments", "clv", "--dataset", "cdnow"])
    from crmlib.reports.command import _inputs

    plans = plan_reports(args.names, inputs=_inputs(args), options={"dataset": args.dataset})
    assert [p.stem for p in plans] == ["segments__dataset=cdnow_master", "clv__dataset=cdnow_master"]
    assert all(p.parameters["dataset"] == "cdnow_master" for p in plans)
    from crmlib.reports.command import run_from_args

    both = parser.parse_args(["report", "clv", "--dataset", "cdnow", "--transactions", str(tmp_path / "x.csv")])
    assert run_from_args(both) == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["report", "clv", "--dataset", "cdnow_full"])


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_help_names_every_report_every_option_and_the_cdnow_data():
    subs = _subparsers(build_parser())
    report_help = subs["report"].format_help()
    for name in config.REPORTS:
        assert name in report_help.split("positional arguments")[1].split("options")[0], name
    assert "--dataset cdnow" in report_help
    for command, sub in subs.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"crmlib {command} {action.option_strings or action.dest} has no help text"


def test_readme_documents_the_cdnow_option_and_blank_amounts():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "--dataset cdnow" in readme and "--refuse-blank-amounts" in readme


def test_ledger_reason_reads_as_a_data_quality_row():
    frame = pd.DataFrame({"customer_id": ["a", "b"], "date": ["2024-01-01"] * 2, "amount": [1.0, None]})
    tx = io.read_transactions(frame)
    assert len(tx) == 1 and ledger_of(tx).to_frame()["reason"].tolist() == [io.BLANK_AMOUNT]


@pytest.mark.slow  # a fresh interpreter: make test runs it
def test_checking_a_request_imports_no_model_and_no_scipy_stats(tmp_path):
    """``crmlib report`` checks every request before any kernel starts; the check of ``-p model=`` needs the
    models' names only. It imported crmlib.customers for them, and with it every model and scipy.stats
    (0.6 s of CPU in every ``crmlib report`` process, whose kernels import them anyway); the names now live
    in crmlib.config, and the models still take them from there."""
    import subprocess
    import sys

    from crmlib.customers import TRANSACTION_MODELS
    from crmlib.reports.checks import check_values

    code = ("import sys; from crmlib.reports.checks import check_values; "
            "check_values('clv', {'model': 'ParetoNBD', 'freq': 'W', 'observation_end': '2024-06-30'}); "
            "print(sorted(m for m in ('scipy.stats', 'crmlib.clv', 'crmlib.customers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
    assert TRANSACTION_MODELS is config.TRANSACTION_MODELS == ("BetaGeo", "ModifiedBetaGeo", "ParetoNBD")
    with pytest.raises(DataError, match=r"Report 'clv'.*model.*'ParetoNBD'"):
        check_values("clv", {"model": "Pareto"})
