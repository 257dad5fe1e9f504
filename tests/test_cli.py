"""The crmlib command: validate answers every bad-input case in one line, with no traceback."""

import subprocess
import sys

import pytest


def crmlib(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "crmlib", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_validate_prints_the_ledger(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amount\na,2024-01-01,10\na,2024-01-01,10\nb,2024-01-02,-5\n")
    out = crmlib("validate", "--transactions", path)
    assert out.returncode == 0, out.stderr
    assert "3 rows read" in out.stdout  # kept or dropped, the duplicate is counted (crmlib.io decides which)
    assert "exact duplicate row" in out.stdout and "return or refund" in out.stdout


CASES = {
    "missing file": (None, "file not found"),
    "directory": ("DIR", "is a directory"),
    "empty file": ("", "empty"),
    "header only": ("customer_id,date,amount\n", "no rows"),
    "missing column": ("customer_id,date\na,2024-01-01\n", "'amount' is missing"),
    "bad date": ("customer_id,date,amount\na,someday,1\n", "are not dates"),
    "non-numeric amount": ("customer_id,date,amount\na,2024-01-01,ten\n", "are not numbers"),
    "NaN amount": ("customer_id,date,amount\na,2024-01-01,NaN\n", "empty or NaN"),
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
