"""Ctrl-C while the command line is still importing: the process leaves at once, with its one line.

CPython turns SIGINT into a KeyboardInterrupt wherever the main thread is. Inside an import that is not
safe: the initialisation of an extension module can swallow the exception (numpy.random registering a
class with an abstract base did, and ``crmlib report`` then ran to the end with status 0) or turn it into
a SystemError (pandas' Cython modules did: a traceback, status 1), and an interrupted import can keep
the import lock, so that a report thread importing later waits forever (``crmlib report`` hung). Each
was seen about once in fifty Ctrl-Cs in the first two seconds of a report on a loaded two-core machine.

So while the command line imports and checks its inputs, :func:`install` puts a handler on SIGINT that
raises KeyboardInterrupt as Python's own does, except when the signal lands inside an import: then the
process leaves at once (:func:`leave`), with the one line and the status a caught Ctrl-C gives, after the
clean-ups registered with :func:`on_leaving` (the kernels' fork servers remove their folders). Nothing
else can have been written yet: the handler goes back to Python's before the first report runs
(:func:`restore`), where crmlib catches KeyboardInterrupt itself and the main thread imports nothing.

Standard library only, so that ``python -m crmlib`` can install the handler before it imports anything.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

_LINE = ["stopped by Ctrl-C"]  # the line the process leaves with
_CLEANUPS: list = []  # called, in order, before the process leaves by os._exit


def stopped_line(argv: list[str]) -> str:
    """The line a Ctrl-C before any work ends with: ``crmlib report: stopped by Ctrl-C before any report ran``."""
    command = argv[0] if argv and not argv[0].startswith("-") else ""
    said = "stopped by Ctrl-C" + (" before any report ran" if command == "report" else "")
    return f"crmlib{' ' + command if command else ''}: {said}"


def install(line: str) -> None:
    """Handle SIGINT as described above, leaving with ``line``; nothing happens outside the main thread,
    or when SIGINT has a handler other than Python's (a program that set its own keeps it)."""
    _LINE[0] = line
    with contextlib.suppress(ValueError):  # not the main thread: signals are not this thread's to handle
        if signal.getsignal(signal.SIGINT) in (signal.default_int_handler, _handler):
            signal.signal(signal.SIGINT, _handler)


def restore() -> None:
    """Python's own SIGINT handler again, when :func:`install` put crmlib's there (reports start: see above)."""
    with contextlib.suppress(ValueError):
        if signal.getsignal(signal.SIGINT) is _handler:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def on_leaving(cleanup) -> None:
    """Call ``cleanup()`` before the process leaves by :func:`leave` (errors in it are ignored)."""
    _CLEANUPS.append(cleanup)


def leave(status: int, line: str | None = None) -> None:
    """Run the clean-ups, write ``line`` (if any) to stderr and end the process with ``status`` at once."""
    for cleanup in _CLEANUPS:
        with contextlib.suppress(Exception):
            cleanup()
    with contextlib.suppress(Exception):
        if line:
            sys.stderr.write(line + "\n")
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


def _handler(signum, frame):
    if _importing(frame):
        leave(130, _LINE[0])
    raise KeyboardInterrupt


def _importing(frame) -> bool:
    """True when ``frame`` or a frame that called it runs Python's import machinery."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


__all__ = ["install", "leave", "on_leaving", "restore", "stopped_line"]
