"""The three errors crmlib raises on purpose.

Every message names what is wrong and says what to do, so that a user fixes a
file in one pass instead of reading a traceback.
"""

from __future__ import annotations


class DataError(ValueError):
    """Input data that crmlib cannot use: the message names file, column, rows and values.

    ``reason=(key, fields)`` (optional) says the same for a report page: a short stable key and the
    values of the sentence (numbers, dates and labels as they are, not written out). The message stays
    English for programmers and the command line; :func:`crmlib.words.reasons.reason_text` turns the
    key into the page's language. Models on the lower floors raise it so, never importing the words.

    >>> err = DataError("nobody churned", reason=("nobody_churned", {"name": "ShiftedBetaGeo"}))
    >>> str(err), err.reason
    ('nobody churned', ('nobody_churned', {'name': 'ShiftedBetaGeo'}))
    >>> DataError("no reason given").reason is None
    True
    """

    def __init__(self, *args, reason: tuple[str, dict] | None = None):
        super().__init__(*args)
        self.reason = reason


class NotFittedError(RuntimeError):
    """A model was asked for predictions before ``fit``."""

    def __init__(self, model: object):
        name = type(model).__name__
        super().__init__(
            f"This {name} is not fitted yet: call {name}().fit(data) first, "
            "with data that has the columns listed in its docstring."
        )


class ConvergenceError(RuntimeError):
    """The optimiser did not find a maximum of the likelihood.

    The message is a short checklist of what to try.
    """

    def __init__(self, model_name: str, reason: str, hints: list[str] | None = None):
        tips = hints or [
            f"try other starting values: {model_name}().fit(data, initial_params={{...}})",
            f"try {model_name}(penalizer=0.001) to keep parameters finite; the penalty is on the "
            "squared parameters, so its effect depends on the data's time and money units",
        ]
        lines = "\n".join(f"  - {t}" for t in tips)
        super().__init__(f"{model_name} did not converge: {reason}\nWhat to try:\n{lines}")
