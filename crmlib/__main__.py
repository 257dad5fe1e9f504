"""``python -m crmlib``: the command line (:func:`crmlib.cli.main`)."""

import sys

from crmlib import interrupts

# Before anything heavy is imported: a Ctrl-C inside an import leaves at once (see crmlib.interrupts)
interrupts.install(interrupts.stopped_line(sys.argv[1:]))
try:
    from crmlib.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line itself is imported, before main() can catch it
    interrupts.leave(130, interrupts.stopped_line(sys.argv[1:]))  # CPython would end the process by SIGINT

sys.exit(main())
