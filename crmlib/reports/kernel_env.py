"""What a report kernel starts with, kept light (no pandas, no Jupyter) so that the command line can start
the kernels' fork server before it imports anything heavy (:func:`prestart_kernels`): the kernels'
environment and command-line options, and the work folder their batches share."""

from __future__ import annotations

import os
from pathlib import Path

from crmlib import interrupts
from crmlib.config import WORK_ENV
from crmlib.reports import kernel_server

#: Set in every report kernel's environment so that runs repeat exactly and draw without a display.
#: The inline backend is headless like Agg and, unlike Agg, puts each figure in the notebook as a PNG.
#: CRMLIB_PROGRESS=0: no DuckDB progress bar (a widget when ipywidgets is installed) on the pages.
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0",
              "CRMLIB_PROGRESS": "0"}
#: Added to every report kernel's command line: the inline backend draws figures as high-density
#: PNGs ("retina": twice the pixels each way) and gives their display size in the output's metadata,
#: so a page shows them at the usual size, sharp on high-density screens.
KERNEL_ARGS = ("--InlineBackend.figure_formats=retina",)
KERNEL_NAME = "python3"


_WORK: list[Path] = []  # this process's private folder for its batches' work folders (made once)


#: The private folders of :func:`work_folder` are named ``crmlib-work-<pid>-<random>``.
WORK_PREFIX = "crmlib-work-"


def sweep_work_folders(where: Path) -> list[Path]:
    """Remove the work folders in ``where`` that a process killed before its exit handlers ran left
    behind (a batch's work folder holds raw customer ids): those of this user whose process is gone.
    Returns the folders removed."""
    from crmlib.workfiles import sweep_left_folders

    return sweep_left_folders(where, WORK_PREFIX)


def work_folder() -> Path:
    """The work folder the kernels of this process's batches share (:mod:`crmlib.shared_table`), named
    in every kernel's environment (:data:`crmlib.config.WORK_ENV`): the same path for every batch of the
    process, so its kernels keep one environment (and one fork server). It lies in a private folder
    made once per process and removed at exit; the runner makes the work folder itself for a batch of
    several reports and removes it when the batch ends."""
    if not _WORK:
        import atexit
        import functools
        import shutil
        import tempfile

        sweep_work_folders(Path(tempfile.gettempdir()))
        home = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))  # mode 0700
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        interrupts.on_leaving(functools.partial(shutil.rmtree, home, ignore_errors=True))  # Ctrl-C: no atexit
        _WORK.append(home / "shared")
    return _WORK[0]


def kernel_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a report kernel: ``base`` (this process's environment when None), with
    :data:`KERNEL_ENV` and the work folder (:func:`work_folder`)."""
    env = dict(base or os.environ)
    env.update(KERNEL_ENV)
    env[WORK_ENV] = str(work_folder())
    return env


def prestart_kernels() -> None:
    """Start the fork server of this process's report kernels now (:func:`kernel_server.prestart`)."""
    kernel_server.prestart(kernel_env())
