"""The process jupyter_client starts for a report kernel when a fork server runs (see
:mod:`crmlib.reports.kernel_server`): ``python -I -S kernel_client.py SOCKET KERNEL_CMD...``.

It is run by path, with the standard library only, so that it starts in milliseconds. It hands its
standard streams, its environment, its working directory and a lifeline pipe to the fork server,
which forks a kernel that has pandas, matplotlib, seaborn and crmlib imported already; then it
stands in for that kernel: signals sent to it (an interrupt, a terminate) are passed on, and it exits
when the kernel exits, with its status. When it is killed, the kernel sees the lifeline close and
kills itself. When there is no server to reach, it becomes the kernel ``KERNEL_CMD`` by ``exec``:
the report runs as it would without a fork server.
"""

import json
import os
import signal
import socket
import sys

#: Signals passed on to the kernel (SIGKILL cannot be caught: the lifeline covers it).
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def _forked_kernel(path: str, kernel_cmd: list[str]):
    """Ask the server at ``path`` for a kernel: (its pid, the stream its exit status comes on)."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    lifeline, keep = os.pipe()
    try:
        socket.send_fds(conn, [b"K"], [0, 1, 2, lifeline])
    finally:
        os.close(lifeline)
    request = {"argv": kernel_cmd, "env": dict(os.environ), "cwd": os.getcwd()}
    conn.sendall(json.dumps(request).encode() + b"\n")
    replies = conn.makefile("rb")
    pid = int(replies.readline())  # ValueError when the server closed without forking
    return pid, replies, keep


def main(argv: list[str]) -> int:
    path, kernel_cmd = argv[0], argv[1:]
    try:
        pid, replies, _lifeline = _forked_kernel(path, kernel_cmd)
    except (OSError, ValueError):
        os.execv(kernel_cmd[0], kernel_cmd)  # no server: be the kernel itself
    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:  # the kernel has just exited: its status is on its way
            pass

    for signum in FORWARDED:
        signal.signal(signum, forward)
    status = replies.readline().strip()
    return int(status) if status.lstrip(b"-").isdigit() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
