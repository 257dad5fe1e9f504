"""One-liners that say what is wrong (issue 18): a device is not "empty", a permission error is not
a format problem, a read-only --out names the folder, not an internal temporary file, and a folder
given as --grid is not "missing"."""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd
import pytest

from crmlib import DataError, rfm_summary
from crmlib.reports.inputs import existing_file
from crmlib.reports.params import check_out_dir, read_grid


def test_a_device_given_as_a_report_input_is_named_a_device():
    with pytest.raises(DataError, match=r"^Input 'transactions': /dev/zero: is a device, not a file crmlib can read"):
        existing_file("transactions", "/dev/zero")


def test_a_device_or_a_folder_on_the_sql_path_is_named_for_what_it_is(tmp_path):
    with pytest.raises(DataError, match=r"^/dev/zero: is a device"):
        rfm_summary("/dev/zero")
    with pytest.raises(DataError, match=r"is a folder, not a file\. Pass the files inside it"):
        rfm_summary(str(tmp_path))


def test_a_file_that_cannot_be_opened_on_the_sql_path_is_a_permission_problem(tmp_path, monkeypatch):
    import os

    path = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]}).to_csv(path, index=False)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # tests run as root, who may read anything
    with pytest.raises(DataError) as err:
        rfm_summary(str(path))
    assert "cannot be opened: permission denied" in str(err.value) and "check its permissions" in str(err.value)
    assert "what their names say" not in str(err.value)


def test_a_folder_given_as_grid_is_not_said_to_be_missing(tmp_path):
    with pytest.raises(DataError) as err:
        read_grid(tmp_path)
    assert "is a folder, not a file" in str(err.value) and "does not exist" not in str(err.value)


def test_a_read_only_out_folder_is_named_not_the_temporary_probe(tmp_path, monkeypatch):
    """On a read-only file system removing the probe that was never created fails too (EROFS);
    that error replaced the one line about the folder."""
    from crmlib.reports import params

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(args[0]))

    monkeypatch.setattr(params, "open", read_only, raising=False)
    monkeypatch.setattr(Path, "unlink", read_only)
    with pytest.raises(DataError) as err:
        check_out_dir(tmp_path)
    assert str(err.value) == (f"Output folder {tmp_path} is not writable (Read-only file system); "
                              "give --out a folder you can write to.")
