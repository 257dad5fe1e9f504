"""The message a report missing its transactions stops with suggests the option the command line
has (issue 20, finding 15): ``--dataset cdnow``, which the parser accepts, not ``-p dataset=...``."""

from __future__ import annotations

import re
import shlex

import pytest

from crmlib.cli import build_parser
from crmlib.exceptions import DataError
from crmlib.reports.inputs import check_request, missing_message


def test_missing_transactions_suggests_the_dataset_option_the_command_line_has():
    with pytest.raises(DataError) as caught:
        check_request("segments", {})
    message = str(caught.value)
    assert message == missing_message("segments", "transactions")
    assert "--dataset cdnow" in message and "-p dataset" not in message
    option = re.search(r"--dataset \S+", message).group(0)
    args = build_parser().parse_args(["report", "segments", *shlex.split(option)])
    assert args.dataset == "cdnow_master"  # what the suggestion runs: the bundled CDNOW master file


def test_other_missing_inputs_do_not_mention_cdnow():
    assert "cdnow" not in missing_message("feedback", "feedback").lower()
