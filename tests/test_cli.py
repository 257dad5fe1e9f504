"""The crmlib command: validate answers every bad-input case in one line, with no traceback.

The command runs in the test process (:func:`command_line.crmlib`), except in the first test, which
starts ``python -m crmlib`` as a user would."""

import subprocess
import sys

import pytest
from command_line import crmlib


@pytest.mark.slow
def test_validate_prints_the_ledger(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amount\na,2024-01-01,10\na,2024-01-01,10\nb,2024-01-02,-5\n")
    out = subprocess.run([sys.executable, "-m", "crmlib", "validate", "--transactions", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "3 rows read" in out.stdout  # kept or dropped, the duplicate is counted (crmlib.io decides which)
    assert "exact duplicate row" in out.stdout and "return or refund" in out.stdout


CASES = {
    "missing file": (None, "file not found"),
    "directory": ("DIR", "is a directory"),
    "empty file": ("", "empty"),
    "header only": ("customer_id,date,amount\n", "no rows"),
    "missing column": ("customer_id,date\na,2024-01-01\n", "column 'amount' missing (found: 'customer_id', 'date')"),
    "bad date": ("customer_id,date,amount\na,someday,1\n", "are not dates"),
    "non-numeric amount": ("customer_id,date,amount\na,2024-01-01,ten\n", "are not numbers"),
    "infinite amount": ("customer_id,date,amount\na,2024-01-01,inf\n", "infinite"),
}


@pytest.mark.parametrize("case", CASES)
def test_validate_bad_input_one_line(tmp_path, case):
    content, expected = CASES[case]
    path = tmp_path / "input.csv"
    if content == "DIR":
        path = tmp_path
    elif content is not None:
        path.write_text(content)
    out = crmlib("validate", "--transactions", path)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], out.stderr


def test_validate_feedback_score_out_of_range(tmp_path):
    path = tmp_path / "fb.csv"
    path.write_text("customer_id,date,nps\na,2024-01-01,12\n")
    out = crmlib("validate", "--feedback", path)
    assert out.returncode == 1 and len(out.stderr.strip().splitlines()) == 1
    assert "'nps'" in out.stderr and "'12'" in out.stderr


def test_report_without_a_needed_input_stops_before_any_kernel(tmp_path):
    out = crmlib("report", "clv", "--out", tmp_path / "out", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0
    assert "needs a transactions file: pass --transactions FILE" in out.stderr
    assert not (tmp_path / "out" / "clv.html").exists()


def test_demo_flag_refuses_files_of_your_own(tmp_path):
    out = crmlib("report", "segments", "--demo", "--transactions", tmp_path / "x.csv", cwd=tmp_path)
    assert out.returncode == 2 and "--demo runs the reports on the demo data alone" in out.stderr


@pytest.mark.slow
def test_demo_flag_runs_on_the_demo_files_of_the_working_folder_with_a_currency(tmp_path):
    from crmlib import datasets

    home = tmp_path / "home"
    datasets.make_crm_dataset(n_customers=200, seed=5).write(home / "data" / "demo")
    out = crmlib("report", "overview", "--demo", "--currency", "USD", "--out", "pages", cwd=home)
    assert out.returncode == 0, out.stderr
    page = (home / "pages" / "overview.html").read_text(encoding="utf-8")
    assert "USD" in page and "transactions.csv" in page and "customers.csv" in page


@pytest.mark.slow
def test_validate_reads_the_sheet_asked_for_and_drops_duplicates_on_request(tmp_path):
    import pandas as pd

    book = tmp_path / "orders.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1]}).to_excel(writer, sheet_name="Jan", index=False)
        pd.DataFrame({"customer_id": ["b", "b"], "date": ["2024-02-01"] * 2, "amount": [2, 2]}).to_excel(
            writer, sheet_name="Feb", index=False)
    refused = crmlib("validate", "--transactions", book)
    assert refused.returncode == 1 and "sheet" in refused.stderr
    by_name = crmlib("validate", "--transactions", book, "--sheet", "Feb")
    assert by_name.returncode == 0 and "2 rows read, 2 kept" in by_name.stdout  # duplicates kept by default
    dropped = crmlib("validate", "--transactions", book, "--sheet", "1", "--duplicates", "drop")
    assert dropped.returncode == 0 and "2 rows read, 1 kept, 1 dropped" in dropped.stdout


def test_default_key_warning_is_printed_once_per_process(monkeypatch, capsys, tmp_path):
    from pathlib import Path

    from crmlib.reports import runner

    monkeypatch.delenv("CRMLIB_SECRET", raising=False)
    monkeypatch.setattr(runner, "_PRINTED", set())
    monkeypatch.setattr(runner, "_run_batch", lambda *args, **kw: None)  # no kernels: the warning is printed first
    tiny = Path(__file__).parent / "notebooks" / "tiny.ipynb"
    runner.run_reports([tiny], tmp_path)
    runner.run_reports([tiny], tmp_path)
    assert capsys.readouterr().err.count("public default key") == 1


def test_help_texts_carry_no_docstring_markup():
    """Before: ``crmlib --help`` opened with "The ``crmlib`` command: ``validate``, ...", the module docstring's
    reStructuredText quotes shown to the user."""
    import argparse

    from crmlib.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    for text in [parser.format_help()] + [sub.format_help() for sub in commands.values()]:
        assert "``" not in text, text
