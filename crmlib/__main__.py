"""``python -m crmlib``: the command line (:func:`crmlib.cli.main`)."""

import os
import sys

try:
    from crmlib.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line itself is imported, before main() can catch it
    command = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else ""
    said = "stopped by Ctrl-C" + (" before any report ran" if command == "report" else "")
    sys.stderr.write(f"crmlib{' ' + command if command else ''}: {said}\n")
    sys.stderr.flush()
    os._exit(130)  # as crmlib.cli._leave: CPython would otherwise end a process interrupted in an import by SIGINT

sys.exit(main())
