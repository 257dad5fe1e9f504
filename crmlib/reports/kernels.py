"""Report kernels: this interpreter's ipykernel with crmlib's environment and options, whose output
goes to a log file, registered with their batch so that a stopped batch can kill them."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
from pathlib import Path

from crmlib import privacy
from crmlib.config import SECRET_ENV, WORK_ENV
from crmlib.reports import html as pages
from crmlib.reports.kernel_server import kernel_command

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
        import shutil
        import tempfile

        sweep_work_folders(Path(tempfile.gettempdir()))
        home = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))  # mode 0700
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        _WORK.append(home / "shared")
    return _WORK[0]


def _kill(km) -> None:
    """Kill a kernel and its process group (jupyter_client starts each kernel in a new session)."""
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    if proc is None or proc.poll() is not None:
        return
    try:
        if os.name == "posix" and os.getpgid(proc.pid) == proc.pid:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _kernel_manager_class(log_file: Path, batch=None):
    """A kernel manager class whose kernels write their own stdout/stderr to ``log_file`` and are
    registered with ``batch`` so that a stopped batch can kill them."""
    return type("ReportKernelManager", (_base_kernel_manager_class(),), {"log_file": str(log_file), "batch": batch})


@functools.cache
def _base_kernel_manager_class():
    """An AsyncKernelManager that always starts this interpreter's ipykernel, with KERNEL_ENV set.

    ``python3`` is looked up in no kernelspec directory, so a stale global kernelspec can never
    send reports to another Python: the kernel is ``sys.executable -m ipykernel_launcher``.
    The kernel process's own messages (start-up warnings, crashes) go to ``log_file``, not to the
    terminal where they would break the progress bar.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class OwnKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name == KERNEL_NAME:
                spec = get_kernel_dict()
                spec["argv"] = [*spec["argv"], *KERNEL_ARGS]
                return KernelSpec(resource_dir=RESOURCES, **spec)
            return super().get_kernel_spec(kernel_name)

    class ReportKernelManager(AsyncKernelManager):
        log_file: str | None = None
        batch=None

        @default("kernel_spec_manager")
        def _own_kernel_spec_manager(self):
            return OwnKernelSpecManager(data_dir=self.data_dir)

        async def _async_pre_start_kernel(self, **kw):
            env = dict(kw.pop("env", None) or os.environ)
            env.update(KERNEL_ENV)
            env[WORK_ENV] = str(work_folder())
            kw["env"] = env
            return await super()._async_pre_start_kernel(**kw)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kernel_cmd = kernel_command(list(kernel_cmd), kw.get("env") or dict(os.environ))
            with contextlib.ExitStack() as stack:
                if self.log_file:  # the kernel process keeps its own copy of the file
                    log = stack.enter_context(open(self.log_file, "ab"))
                    kw["stdout"] = kw["stderr"] = log
                launched = await super()._async_launch_kernel(kernel_cmd, **kw)
            if self.batch is not None:
                self.batch.kernel_started(self)
            return launched

        async def _async_cleanup_resources(self, *args, **kw):
            if self.batch is not None:
                self.batch.kernel_done(self)
            return await super()._async_cleanup_resources(*args, **kw)

    return ReportKernelManager


def kernels_use_default_key() -> bool:
    """Whether report kernels, started with this process's environment plus KERNEL_ENV, lack
    CRMLIB_SECRET (or have the public key itself) and so pseudonymise with crmlib's public default key."""
    secret = KERNEL_ENV.get(SECRET_ENV) or os.environ.get(SECRET_ENV) or None
    using = getattr(privacy, "using_default_key", None)
    return bool(using(secret)) if using is not None else secret is None


def default_key_warning() -> str | None:
    """The one line a batch prints on stderr when its kernels use the public default key, else None."""
    if not kernels_use_default_key():
        return None
    make = getattr(privacy, "default_key_warning", None)
    text = make(KERNEL_ENV.get(SECRET_ENV) or os.environ.get(SECRET_ENV) or None) if make else None
    return "crmlib report: warning: " + " ".join((text or pages.DEFAULT_KEY_NOTICE).split())
