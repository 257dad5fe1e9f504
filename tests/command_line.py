"""Run the ``crmlib`` command inside the test process: what ``python -m crmlib ARGS`` would give.

A fresh interpreter costs about half a second of imports per call; tests of what the command prints
and returns (argument checks, validate, refusals before any kernel) call :func:`crmlib.cli.main`
instead, with the working folder, stdout and stderr of a process of their own. Warnings are written
to stderr as the interpreter would show them (its default filters), so a test that a message is one
line still sees any warning. Tests of the process itself (exit by signal, Ctrl-C, the ``__main__``
module) keep starting one: tests/test_cli.py's ``test_validate_prints_the_ledger``,
tests/test_runner_safety.py, tests/test_runner_robustness.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import warnings


def crmlib(*args, cwd=None) -> subprocess.CompletedProcess:
    """``crmlib ARGS`` run by :func:`crmlib.cli.main`: return code, stdout and stderr as text."""
    from crmlib.cli import main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    with (warnings.catch_warnings(record=True) as shown, contextlib.redirect_stdout(out),
          contextlib.redirect_stderr(err)):
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category)
        try:
            if cwd is not None:
                os.chdir(cwd)
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            os.chdir(before)
    stderr = err.getvalue() + "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line)
                                      for w in shown)
    return subprocess.CompletedProcess(["crmlib", *argv], code, out.getvalue(), stderr)
