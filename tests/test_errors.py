"""One wording for a missing column (issue 22, point 3): every check of crmlib says it through
:func:`crmlib.errors.require_columns` -- "SOURCE (TABLE): column(s) ... missing (found: ...). What to do."
Before, about sixteen hand-written checks each said it differently ("missing column(s) [...]",
"needs column 'R'", "has no column(s)", "no column ..."), some without the columns found."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from crmlib import basket, feedback, overview, rfm
from crmlib.exceptions import DataError

#: the one wording, with the source and table of the check
WORDING = re.compile(r"^(?P<source>.+) \((?P<table>[^()]+)\): columns? (?P<missing>'.+') missing "
                     r"\(found: (?P<found>.+)\)\. (?P<hint>.+)$")


def _message(call) -> str:
    with pytest.raises(DataError) as caught:
        call()
    return str(caught.value)


def test_segment_without_scores_names_what_is_missing_and_what_was_found():
    message = _message(lambda: rfm.segment(pd.DataFrame({"frequency": [1], "recency": [2]})))
    assert message == ("segment() (scores): columns 'R', 'F' missing (found: 'frequency', 'recency'). "
                       "Score the summary first with crmlib.rfm.score().")


def test_feedback_scores_without_the_score_column_say_it_in_the_same_words():
    answers = pd.DataFrame({"customer_id": ["a"], "rating": [9]})
    message = _message(lambda: feedback.score_by(answers, "nps"))
    assert message == ("score_by() (feedback): column 'nps' missing (found: 'customer_id', 'rating'). "
                       "Pass the right names (score_col=, by=, date_col=).")


@pytest.mark.parametrize("call", [
    lambda: rfm.score(pd.DataFrame({"frequency": [1], "recency": [1]})),
    lambda: rfm.add_spend(pd.DataFrame({"frequency": [1]}), pd.DataFrame({"customer_id": ["a"]})),
    lambda: rfm.rf_grid(pd.DataFrame({"R": [1]})),
    lambda: rfm.check_scheme(pd.DataFrame({"segment": ["x"]})),
    lambda: basket.rules(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"]})),
    lambda: overview.attribute_value(pd.DataFrame({"customer_id": ["a"]}), pd.DataFrame({"revenue": [1.0]}), "city"),
], ids=["score", "add_spend", "rf_grid", "check_scheme", "basket", "attribute_value"])
def test_every_missing_column_check_uses_the_one_wording(call):
    message = _message(call)
    assert WORDING.match(message), message


def test_column_names_in_the_message_are_redacted():
    """A column named after a person's email (a pivoted export) is not repeated in the message."""
    message = _message(lambda: rfm.segment(pd.DataFrame({"asha@example.com": [1]})))
    assert "asha@example.com" not in message and "'[email]'" in message


def test_the_loaders_say_a_missing_column_in_the_same_words_with_their_hint(tmp_path):
    from crmlib.io import read_transactions

    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amont\na,2024-01-01,5\n", encoding="utf-8")
    message = _message(lambda: read_transactions(path))
    assert message == ("tx.csv (transactions): column 'amount' missing (found: 'customer_id', 'date', 'amont'). "
                       "Did you mean 'amont'? Pass columns={'amont': 'amount'}.")
