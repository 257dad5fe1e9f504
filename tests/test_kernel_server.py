"""Report kernels forked from a server that has imported the stack once (issue 22.5, issue 24.4):
the same outputs as a new interpreter, isolated from each other, killed with their client,
interrupted through it, and a new interpreter whenever no server can serve."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import papermill
import pytest

from crmlib.reports import kernel_server
from crmlib.reports.kernels import KERNEL_NAME, _kernel_manager_class, _kill

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork servers run on Linux only")


@pytest.fixture
def forking(monkeypatch):
    """Fork servers on, and a batch of several reports announced: the first kernel is forked already."""
    monkeypatch.delenv(kernel_server.FORK_ENV, raising=False)
    monkeypatch.setattr(kernel_server, "_EXPECTED", 2)


def _run(tmp_path: Path, *sources: str, name: str = "run") -> list[str]:
    """Execute a notebook of ``sources`` in a report kernel; the text each cell printed."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    src, out = tmp_path / f"{name}.ipynb", tmp_path / f"{name}.out.ipynb"
    nbformat.write(nb, src)
    papermill.execute_notebook(str(src), str(out), kernel_name=KERNEL_NAME, progress_bar=False,
                               kernel_manager_class=_kernel_manager_class(tmp_path / "kernel.log"),
                               resources={"metadata": {"path": str(tmp_path)}})
    return ["".join(o.get("text", "") for o in c.outputs) for c in nbformat.read(out, 4).cells]


@pytest.mark.slow
def test_report_kernels_are_forked_and_each_starts_from_a_clean_state(tmp_path, forking):
    """Two runs in one process: the second kernel is another process and sees nothing the first one
    changed (a module's attribute, matplotlib's settings, the environment, the folder, random state)."""
    (tmp_path / "elsewhere").mkdir()
    probe = ("import os, random, sys, crmlib, matplotlib, numpy\n"
             "print(os.getpid(), os.getppid() != int(os.environ['JPY_PARENT_PID']),"
             " getattr(crmlib, 'left_behind', None), matplotlib.rcParams['lines.linewidth'],"
             " os.environ.get('LEFT_BEHIND'), os.getcwd(), 'pandas' in sys.modules)")
    spoil = ("crmlib.left_behind = 1; matplotlib.rcParams['lines.linewidth'] = 9; os.environ['LEFT_BEHIND'] = '1';"
             " os.chdir('elsewhere'); print(random.random(), numpy.random.rand())")
    first = _run(tmp_path, probe, spoil, name="first")
    second = _run(tmp_path, probe, spoil, name="second")
    pid1, forked1, *state1 = first[0].split()
    pid2, forked2, *state2 = second[0].split()
    assert pid1 != pid2 and forked1 == forked2 == "True"  # a child of the server, not of this process
    # pandas was imported before the first line ran: the kernel came from the server
    assert state1 == state2 == ["None", "1.5", "None", str(tmp_path), "True"]
    assert first[1] != second[1]  # random generators seeded afresh, as in a new interpreter


@pytest.mark.slow
def test_a_forked_report_is_the_report_of_a_new_interpreter(tmp_path, monkeypatch, forking):
    """The overview report of the same files: every output (tables, sentences, figures' PNG bytes)
    equal with a forked kernel and with a new interpreter."""
    from crmlib.datasets import write_demo
    from crmlib.reports import run_reports

    data = write_demo(tmp_path / "data", n_customers=120, seed=3)
    monkeypatch.setattr(kernel_server, "expect", lambda kernels: None)  # fork the batch's one kernel
    outputs = {}
    for fork in ("1", "0"):
        kernel_server._stop_all()
        kernel_server._SERVERS.clear()
        monkeypatch.setenv(kernel_server.FORK_ENV, fork)
        out = tmp_path / "out"
        [result] = run_reports(["overview"], out, inputs={"transactions": data["transactions"],
                                                          "customers": data["customers"]}).reports
        assert result.status == "ok", result.error
        assert any(server.alive() for server in kernel_server._SERVERS.values()) == (fork == "1")
        nb = nbformat.read(out / "overview.ipynb", 4)
        shown = []
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data_ = {k: v for k, v in output.get("data", {}).items() if k != "text/plain"}  # repr with addresses
                shown.append((output.get("text"), data_))
        outputs[fork] = shown
    assert sum(bool(d.get("image/png")) for _, d in outputs["1"]) >= 3
    assert outputs["1"] == outputs["0"]


async def _started(tmp_path: Path):
    """A started report kernel: (manager, client, client pid, kernel pid); the kernel prints its pid."""
    km = _kernel_manager_class(tmp_path / "kernel.log")(kernel_name=KERNEL_NAME)
    await km.start_kernel(cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    seen = []
    reply = await kc.execute_interactive("import os; print(os.getpid())", timeout=30, output_hook=seen.append)
    assert reply["content"]["status"] == "ok"
    text = "".join(m["content"].get("text", "") for m in seen if m["msg_type"] == "stream")
    return km, kc, km.provisioner.process.pid, int(text)


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow  # kernels or servers started and stopped: make test runs it
def test_killing_a_kernels_client_kills_the_kernel(tmp_path, forking):
    """A stopped batch kills each kernel's process group (``_kill``): with a forked kernel that is the
    client, and the kernel must follow it (its lifeline closes), not run on as an orphan."""

    async def scenario():
        km, kc, client, kernel = await _started(tmp_path)
        kc.stop_channels()
        assert client != kernel
        _kill(km)
        assert _gone(kernel), "the forked kernel outlived its killed client"
        await km.cleanup_resources()

    asyncio.run(scenario())


@pytest.mark.slow  # kernels or servers started and stopped: make test runs it
def test_an_interrupt_reaches_the_forked_kernel_and_shutdown_ends_its_client(tmp_path, forking):

    async def scenario():
        km, kc, client, kernel = await _started(tmp_path)
        try:
            msg_id = kc.execute("import time; time.sleep(60)")
            await asyncio.sleep(1.0)
            await km.interrupt_kernel()
            reply = await kc.get_shell_msg(timeout=20)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = await kc.get_shell_msg(timeout=20)
            assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=False)
        return client, kernel

    client, kernel = asyncio.run(scenario())
    assert client != kernel and _gone(kernel) and _gone(client)


def test_without_a_server_the_client_becomes_the_kernel_command(tmp_path):
    """No server at the socket (it died, or never started): the client execs the kernel command."""
    proc = subprocess.run([sys.executable, "-I", "-S", str(kernel_server.CLIENT), str(tmp_path / "no-socket"),
                           sys.executable, "-c", "import os; print('plain', os.getcwd())"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0 and proc.stdout.split() == ["plain", str(tmp_path)], proc.stderr


@pytest.mark.slow
def test_a_process_forks_from_its_second_kernel_or_its_first_when_a_batch_expects_several(monkeypatch):
    """A single report gains nothing from a server (its imports would be the kernel's own)."""
    monkeypatch.delenv(kernel_server.FORK_ENV, raising=False)
    monkeypatch.setattr(kernel_server, "_EXPECTED", 0)
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]
    env = {**os.environ, "CRMLIB_TEST_ENVIRONMENT": str(time.time())}
    assert kernel_server.kernel_command(cmd, env) == cmd
    assert kernel_server.kernel_command(cmd, env)[3] == str(kernel_server.CLIENT)
    kernel_server.expect(5)
    other = {**env, "CRMLIB_TEST_ENVIRONMENT": "another"}
    assert kernel_server.kernel_command(cmd, other)[3] == str(kernel_server.CLIENT)


def test_the_test_being_run_does_not_choose_the_server():
    """pytest rewrites PYTEST_CURRENT_TEST before every test: were it part of the key, every test that runs
    reports would start a server of its own (each importing the stack, ~3 s of CPU) instead of forking its
    kernels from its worker's one. Any other variable still gives another server."""
    env = dict(os.environ)
    first = kernel_server._key({**env, "PYTEST_CURRENT_TEST": "tests/test_a.py::test_one (call)"})
    assert first == kernel_server._key({**env, "PYTEST_CURRENT_TEST": "tests/test_b.py::test_two (setup)"})
    assert first == kernel_server._key({k: v for k, v in env.items() if k != "PYTEST_CURRENT_TEST"})
    assert kernel_server._key({**env, "CRMLIB_SECRET": "one"}) != kernel_server._key({**env, "CRMLIB_SECRET": "two"})


@pytest.mark.slow  # kernels or servers started and stopped: make test runs it
def test_fork_servers_are_off_when_asked_and_kept_per_environment(monkeypatch):
    monkeypatch.setattr(kernel_server, "_EXPECTED", 2)
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]
    monkeypatch.setenv(kernel_server.FORK_ENV, "0")
    assert kernel_server.kernel_command(cmd, dict(os.environ)) == cmd
    monkeypatch.setenv(kernel_server.FORK_ENV, "1")
    other = ["/other/python", "-m", "ipykernel_launcher", "-f", "x.json"]
    assert kernel_server.kernel_command(other, dict(os.environ)) == other  # not this interpreter's kernel
    env = dict(os.environ)
    first = kernel_server.kernel_command(cmd, {**env, "JPY_PARENT_PID": "1"})
    again = kernel_server.kernel_command(cmd, {**env, "JPY_PARENT_PID": "2"})
    changed = kernel_server.kernel_command(cmd, {**env, "CRMLIB_SECRET": "another key"})
    assert first[-5:] == cmd and first[3] == str(kernel_server.CLIENT)
    assert first == again  # jupyter's own variables aside, the same environment: the same server
    assert changed[4] != first[4]  # a module may read the environment when imported: another server


@pytest.mark.slow  # kernels or servers started and stopped: make test runs it
def test_the_server_stops_and_kills_its_kernels_when_the_reports_process_ends(tmp_path):
    """A report process killed outright leaves no server or kernel running."""
    script = f"""
import asyncio, time
from crmlib.reports import kernel_server
from crmlib.reports.kernels import _kernel_manager_class
kernel_server.expect(2)

async def main():
    km = _kernel_manager_class({str(tmp_path / 'k.log')!r})(kernel_name='python3')
    await km.start_kernel(cwd={str(tmp_path)!r})
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    await kc.execute_interactive("import os; _ = open('kernel.pid', 'w').write(str(os.getpid()))", timeout=30)
    print('ready', flush=True)
    time.sleep(120)

asyncio.run(main())
"""
    env = {k: v for k, v in os.environ.items() if k != kernel_server.FORK_ENV}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "ready"
        kernel = int((tmp_path / "kernel.pid").read_text())
        assert list(tmp_path.glob("crmlib-kernels-*/socket"))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert _gone(kernel, 20), "a forked kernel outlived its report process"
        deadline = time.monotonic() + 20
        while list(tmp_path.glob("crmlib-kernels-*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not list(tmp_path.glob("crmlib-kernels-*")), "the server's folder outlived it"  # before: left in /tmp
    finally:
        proc.kill()


@pytest.mark.slow
def test_edited_code_gets_a_new_server_and_a_server_that_died_is_not_asked_again(monkeypatch):
    """A JupyterLab session that runs reports while crmlib is edited: the next kernels come from a
    server with the new code. A server that died (e.g. killed) leaves its environment to new interpreters."""
    monkeypatch.setattr(kernel_server, "_EXPECTED", 2)
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]
    env = {**os.environ, "CRMLIB_TEST_ENVIRONMENT": f"edited {time.time()}"}
    before = kernel_server.kernel_command(cmd, env)
    stamp = kernel_server._code_stamp()
    monkeypatch.setattr(kernel_server, "_code_stamp", lambda: (stamp[0] + 1, stamp[1]))  # a file saved since
    after = kernel_server.kernel_command(cmd, env)
    assert before[4] != after[4]
    [server] = [s for s in kernel_server._SERVERS.values() if s.path == after[4]]
    server.process.kill()
    server.process.wait(timeout=10)
    assert kernel_server.kernel_command(cmd, env) == cmd
    assert not os.path.exists(server.folder) and server not in kernel_server._ALL  # its socket folder went with it
    assert kernel_server.kernel_command(cmd, env) == cmd


@pytest.mark.slow  # a server started and stopped: make test runs it
def test_a_server_started_ahead_serves_the_first_kernel_of_a_single_report(monkeypatch):
    """crmlib report and crmlib demo start the server before their own imports and checks (prestart): the
    first kernel, even of a single report, is forked from it; no second server is started."""
    monkeypatch.delenv(kernel_server.FORK_ENV, raising=False)
    monkeypatch.setattr(kernel_server, "_EXPECTED", 1)
    from crmlib.reports.kernels import kernel_env

    env = kernel_env({**os.environ, "CRMLIB_TEST_ENVIRONMENT": f"ahead {time.time()}"})
    env.pop("KMP_DUPLICATE_LIB_OK", None)
    kernel_server.prestart(env)
    [server] = [s for k, s in kernel_server._SERVERS.items() if k == kernel_server._key(env)]
    kernel_server.prestart(env)  # a server for this environment runs: nothing more
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]
    # what the kernel manager adds (JPY_*), and what importing scikit-learn sets meanwhile (crmlib demo writes
    # its data after the server started), leave the kernel with the server started ahead
    asked = {**env, "JPY_PARENT_PID": "7", "KMP_DUPLICATE_LIB_OK": "True"}
    assert kernel_server.kernel_command(cmd, asked)[3:5] == [str(kernel_server.CLIENT), server.path]
    assert kernel_server._SERVERS[kernel_server._key(asked)] is server  # no other server for these kernels
    server.stop()
    assert not server.alive()


def test_a_server_stops_importing_once_its_reports_process_has_gone(tmp_path):
    """A server started ahead by a command that then failed (a file that cannot be read) exits between two
    imports when its lifeline closes, instead of finishing the stack's imports first."""
    import socket

    read, write = os.pipe()
    os.close(write)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "socket"))
    code = (f"import sys; from crmlib.reports import kernel_server as k; k.serve({listener.fileno()});"
            " print(sorted(m for m in k.PRELOAD if m in sys.modules))")
    try:
        proc = subprocess.run([sys.executable, "-c", code], stdin=read, pass_fds=[listener.fileno()],
                              capture_output=True, text=True, timeout=120)
    finally:
        os.close(read)
        listener.close()
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"  # closed before the first import: none of the stack was imported


def test_the_working_folder_is_not_code_a_server_was_started_for(tmp_path, monkeypatch):
    """python -m crmlib puts the working folder on sys.path; the reports' folders written there after a
    server started ahead must not make the next kernel ask for another server."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    before = kernel_server._code_stamp()
    (tmp_path / "reports").mkdir()
    os.utime(tmp_path, ns=(1, 1))
    assert kernel_server._code_stamp() == before
