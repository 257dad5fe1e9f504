"""A fork server for report kernels: one process imports what every report needs (ipykernel, pandas,
matplotlib, seaborn, scipy, crmlib's page modules) once, then forks a fresh kernel for each report.

A report kernel started as a new interpreter spends about 2 s of CPU on start-up and imports before
the report's first line runs; a forked one starts in milliseconds with the same modules in memory.
Reports stay isolated: each kernel is a process of its own, forked from a server that has only
imported modules and never runs a report, so no report sees another's variables, figures, settings
or random state (the random generators are seeded afresh in every kernel, as in a new interpreter).

How a kernel is started (:func:`kernel_command`): jupyter_client runs :mod:`kernel_client` in place of
``python -m ipykernel_launcher``. The client passes its standard streams, environment, working
directory and a lifeline pipe to the server over a Unix socket; the server forks; the child becomes
the kernel exactly as ``ipykernel_launcher`` would (same arguments, environment and directory) and
kills itself when the lifeline closes (the client was killed). The client passes signals on and exits
with the kernel's status, so jupyter_client manages it like the kernel itself.

A server starts with the second kernel a process asks for with the same environment, or with the
first one when a batch has said it will run several reports (:func:`expect`): a single report gains
nothing from it, since the server's imports are the kernel's own.

A server is kept per environment: a module may read the environment when it is imported, so a kernel
is forked only from a server started with the same environment (jupyter's own ``JPY_*`` variables
aside). ``CRMLIB_FORK_KERNELS=0`` starts every kernel as a new interpreter; so does any system but
Linux. When a server cannot be reached, the client becomes the kernel itself.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from crmlib import interrupts

#: Environment variable: "0" starts every report kernel as a new interpreter.
FORK_ENV = "CRMLIB_FORK_KERNELS"
#: The client, run by path with the standard library only (see :mod:`crmlib.reports.kernel_client`).
CLIENT = Path(__file__).with_name("kernel_client.py")
#: Imported by the server before it forks: the kernel itself, what the report notebooks import (their
#: page modules bring pandas, numpy, matplotlib and seaborn) and what the pages import when they build
#: (the models, scipy.stats, scikit-learn, DuckDB, pyarrow, babel). Nothing here opens a database,
#: draws a figure or reads a file: importing is all the server does.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "IPython.core.pylabtools", "matplotlib_inline.backend_inline",
    "crmlib.reports.overview_page", "crmlib.reports.segments_page", "crmlib.reports.clv_page",
    "crmlib.reports.retention_page", "crmlib.reports.feedback_page",
    "crmlib.customers", "crmlib.clv", "crmlib.rfm", "crmlib.feedback", "crmlib.churn", "crmlib.churn_scores",
    "crmlib.retention", "crmlib.basket", "crmlib.audiences", "crmlib.overview", "crmlib.txlog",
    "duckdb", "pyarrow.parquet", "scipy.stats", "sklearn.ensemble", "sklearn.cluster", "jinja2", "babel.numbers",
)
#: At most this many servers (one per environment) are kept; the least recently used one stops.
MAX_SERVERS = 2
_SERVERS: dict[frozenset, _Server] = {}
_ASKED: dict[frozenset, int] = {}  # kernels asked for, per environment
_BROKEN: set[frozenset] = set()  # environments whose server died: their kernels are new interpreters
_EXPECTED = 0  # report kernels the running batch will ask for
_LOCK = threading.Lock()


def expect(kernels: int) -> None:
    """Say how many report kernels the batch starting now will ask for: with more than one, the
    first kernel already comes from a server."""
    global _EXPECTED
    _EXPECTED = kernels


def prestart(env: dict[str, str]) -> None:
    """Start the server for kernels of the environment ``env`` now, before any is asked for: its imports
    (about 3 s of CPU) then run beside what the process does first (its own imports, reading and
    checking the inputs, writing the demo data) instead of before the first report's first cell. The
    command line does this for ``crmlib report`` and ``crmlib demo``. Nothing happens when fork servers
    are off or ``env`` has a server already (or had one that died)."""
    if not enabled():
        return
    key = _key(env)
    with _LOCK:
        if key in _SERVERS or key in _BROKEN:
            return
        _keep(key, _Server(env))


def _keep(key: frozenset, server: _Server) -> None:
    """Keep ``server`` as the most recently used one (last); stop the least recently used beyond
    :data:`MAX_SERVERS`. Called under :data:`_LOCK`."""
    _SERVERS[key] = server
    while len(_SERVERS) > MAX_SERVERS:
        _SERVERS.pop(next(iter(_SERVERS))).stop()


def enabled() -> bool:
    """Fork servers run on Linux only: macOS's system libraries are not safe to fork after use (Python's
    multiprocessing spawns there for that reason), and Windows has no fork."""
    return sys.platform.startswith("linux") and os.environ.get(FORK_ENV, "1") != "0"


#: Variables a server's key leaves out: they change between the reports of one process without changing what
#: any module does on import. pytest rewrites ``PYTEST_CURRENT_TEST`` before every test, so with it in the key
#: every test that ran reports started a server of its own (a worker's kernels forked from one server instead).
#: scikit-learn sets ``KMP_DUPLICATE_LIB_OK`` (to "True", unless set) when it is imported: a process that
#: started its server before importing scikit-learn (``crmlib demo`` writing its data) asks with it, and the
#: server has set the same for its own import of scikit-learn. Each kernel still gets its request's whole
#: environment, these variables included.
KEY_IGNORES = ("PYTEST_CURRENT_TEST", "KMP_DUPLICATE_LIB_OK")


def _key(env: dict[str, str]) -> frozenset:
    """A server's key: the environment (jupyter's ``JPY_*`` and :data:`KEY_IGNORES` aside) and :func:`_code_stamp`."""
    return frozenset([*((k, v) for k, v in env.items() if not k.startswith("JPY_") and k not in KEY_IGNORES),
                      ("", _code_stamp())])


def _code_stamp() -> tuple:
    """When crmlib's source or an installed package last changed: a server imported the code of its
    start, so a process that runs reports while crmlib is edited or packages are installed (a
    JupyterLab session) gets a new server, and its kernels the new code, as new interpreters would.
    The working folder is left out though ``python -m`` puts it on ``sys.path``: reports write their
    folders there, which is no change of code (a server started before them stays the server)."""
    package = Path(__file__).resolve().parents[1]
    newest = max((f.stat().st_mtime_ns for f in package.rglob("*.py")), default=0)
    here = os.path.realpath(os.getcwd())
    folders = tuple(os.stat(p).st_mtime_ns for p in sys.path
                    if p and os.path.isdir(p) and os.path.realpath(p) != here)
    return newest, folders


def kernel_command(kernel_cmd: list[str], env: dict[str, str]) -> list[str]:
    """The command jupyter_client runs for a kernel ``kernel_cmd`` with environment ``env``: the
    fork server's client when ``kernel_cmd`` is this interpreter's ipykernel and fork servers are
    enabled, else ``kernel_cmd`` itself."""
    if not enabled() or kernel_cmd[:3] != [sys.executable, "-m", "ipykernel_launcher"]:
        return kernel_cmd
    key = _key(env)
    with _LOCK:
        _ASKED[key] = _ASKED.get(key, 0) + 1
        server = _SERVERS.pop(key, None)
        if server is not None and not server.alive():  # it died: kernels of this environment start anew
            server.stop()
            _BROKEN.add(key)
        if key in _BROKEN:
            return kernel_cmd
        if server is None:
            if _ASKED[key] < 2 and _EXPECTED < 2:
                return kernel_cmd
            server = _Server(env)
        _keep(key, server)
    return [sys.executable, "-I", "-S", str(CLIENT), server.path, *kernel_cmd]


class _Server:
    """A server process and its socket; it stops when this process closes its lifeline (or exits)."""

    def __init__(self, env: dict[str, str]):
        self.folder = tempfile.mkdtemp(prefix="crmlib-kernels-")
        self.path = os.path.join(self.folder, "socket")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.path)
            listener.listen(64)  # kernels asked for while the server imports wait here
            read, self._lifeline = os.pipe()
            try:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "crmlib.reports.kernel_server", str(listener.fileno())],
                    stdin=read, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=self.folder,
                    pass_fds=[listener.fileno()], start_new_session=True)
            finally:
                os.close(read)
        finally:
            listener.close()  # only the server holds it: when the server is gone, clients are refused
        _ALL.append(self)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self._lifeline is None:
            return
        with contextlib.suppress(OSError):
            os.close(self._lifeline)
        self._lifeline = None  # its number may be another file's now
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)
        _ALL.remove(self)


_ALL: list[_Server] = []  # the servers not stopped yet


def _remove_folders() -> None:
    """When the process leaves without its exit handlers (:func:`crmlib.interrupts.leave`): the servers'
    folders; each server ends by itself when its lifeline closes with this process."""
    for server in list(_ALL):
        shutil.rmtree(server.folder, ignore_errors=True)


interrupts.on_leaving(_remove_folders)


@atexit.register
def _stop_all() -> None:
    for server in list(_ALL):
        server.stop()


# The server process -------------------------------------------------------------------------------


def serve(listener_fd: int) -> None:
    """Import :data:`PRELOAD`, then fork a kernel for each request until standard input closes; then
    kill the kernels still running (their report's process is gone) and exit."""
    import importlib

    for name in PRELOAD:
        if _lifeline_closed():  # started ahead (prestart) by a process that has finished already
            return
        with contextlib.suppress(Exception):  # a module that cannot be imported fails in the kernel that needs it
            importlib.import_module(name)
    listener = socket.socket(fileno=listener_fd)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    kernels: dict[int, socket.socket] = {}
    with selectors.DefaultSelector() as selector:
        selector.register(listener, selectors.EVENT_READ)
        selector.register(wake_read, selectors.EVENT_READ)
        selector.register(sys.stdin.fileno(), selectors.EVENT_READ)
        while True:
            for key, _ in selector.select():
                if key.fileobj is listener:
                    _fork(listener, kernels, closing=[listener, wake_read, wake_write])
                elif key.fileobj == wake_read:
                    os.read(wake_read, 4096)
                elif not os.read(sys.stdin.fileno(), 1):  # the reports' process has gone
                    for pid in kernels:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                    return
            _reap(kernels)


def _lifeline_closed() -> bool:
    """Whether the reports' process has closed this server's standard input (without waiting)."""
    import select

    readable, _, _ = select.select([sys.stdin.fileno()], [], [], 0)
    return bool(readable) and not os.read(sys.stdin.fileno(), 1)


def _reap(kernels: dict[int, socket.socket]) -> None:
    """Send each kernel that has exited its status (as a shell gives it) on its client's connection."""
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = kernels.pop(pid, None)
        if conn is not None:
            code = os.waitstatus_to_exitcode(status)
            with contextlib.suppress(OSError):
                conn.sendall(b"%d\n" % (code if code >= 0 else 128 - code))
            conn.close()


def _fork(listener: socket.socket, kernels: dict[int, socket.socket], closing: list) -> None:
    conn, _ = listener.accept()
    fds: list[int] = []
    try:
        conn.settimeout(30)
        _, fds, _, _ = socket.recv_fds(conn, 1, 4)
        line = conn.makefile("rb").readline()
        request = json.loads(line)
        if len(fds) != 4:
            raise ValueError("a kernel request comes with four file descriptors")
    except (OSError, ValueError):  # not a client: refuse it; a client then starts its own kernel
        for fd in fds:
            os.close(fd)
        conn.close()
        return
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            for item in [*closing, conn, *kernels.values()]:
                with contextlib.suppress(OSError):
                    item.close() if hasattr(item, "close") else os.close(item)
            code = _become_kernel(request, fds)
        finally:
            os._exit(code)
    for fd in fds:
        os.close(fd)
    kernels[pid] = conn
    with contextlib.suppress(OSError):
        conn.sendall(b"%d\n" % pid)


def _become_kernel(request: dict, fds: list[int]) -> int:
    """In the forked child: become the kernel ``python -m ipykernel_launcher ARGS`` of ``request``."""
    import atexit as exits
    import random

    os.setsid()  # a session and process group of its own, as jupyter_client gives a kernel
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
        os.close(fd)
    threading.Thread(target=_die_with_client, args=(fds[3],), daemon=True).start()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    if sys.path and sys.path[0] and Path(sys.path[0]) != Path.cwd():
        del sys.path[0]  # the server's folder, which ipykernel_launcher takes off in the same way
    argv = request["argv"]
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__, *argv[3:]]
    random.seed()
    _seed_numpy()
    code = 0
    try:
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv[3:])
        _inline_figures()
        app.start()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    exits._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    return code


def _die_with_client(lifeline: int) -> None:
    """Kill this kernel when its client's end of the lifeline closes (the client was killed)."""
    while os.read(lifeline, 1):
        pass
    os.kill(os.getpid(), signal.SIGKILL)


def _seed_numpy() -> None:
    """numpy's global generator afresh from the operating system, as in a new interpreter."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _inline_figures() -> None:
    """What importing matplotlib's inline backend does inside a kernel: it was imported before there
    was a kernel (:data:`PRELOAD`), so its hooks (each cell's figures shown as images) are set here."""
    from matplotlib_inline import backend_inline

    backend_inline._enable_matplotlib_integration()


def _remove_own_folder() -> None:
    """The server runs in its folder (:class:`_Server`): its socket and the folder go when it ends, so that a
    reports' process killed outright (no exit handlers) leaves nothing in the temporary folder. Only an empty
    ``crmlib-kernels-`` folder is removed: the module run by hand elsewhere removes nothing."""
    folder = Path.cwd()
    if folder.name.startswith("crmlib-kernels-"):
        with contextlib.suppress(OSError):
            (folder / "socket").unlink(missing_ok=True)
            folder.rmdir()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
    _remove_own_folder()
    # Nothing else of the server's needs finishing (its kernels are gone), and unwinding the interpreter that
    # imported PRELOAD took 0.77 s, which the reports' process waits for at its exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
