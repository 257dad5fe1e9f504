"""Report kernels: this interpreter's ipykernel with crmlib's environment and options, whose output
goes to a log file, registered with their batch so that a stopped batch can kill them."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
from pathlib import Path

from crmlib import privacy
from crmlib.config import SECRET_ENV
from crmlib.reports import html as pages
from crmlib.reports.kernel_env import (  # noqa: F401 (their names here too)
    KERNEL_ARGS,
    KERNEL_ENV,
    KERNEL_NAME,
    WORK_PREFIX,
    kernel_env,
    sweep_work_folders,
    work_folder,
)
from crmlib.reports.kernel_server import kernel_command


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
            kw["env"] = kernel_env(kw.pop("env", None))
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
