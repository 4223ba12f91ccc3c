"""Process and port checks that treat zombies and recycled pids as dead."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from deploy.local.state import InfraError

HOST = "127.0.0.1"


def pid_alive(pid: int | None, marker: str = "") -> bool:
    """A pid counts only if it runs and its command line still names our files."""
    if not pid:
        return False
    _reap(pid)
    proc = Path(f"/proc/{pid}")
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    if stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X"):
        return False
    return marker in cmdline


def _reap(pid: int) -> None:
    """A child started by this very process stays a zombie until someone waits for it."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def terminate(processes: Iterable[tuple[int | None, str]], timeout_s: float = 30.0) -> None:
    """SIGTERM all at once (a cluster stopped one node at a time loses quorum and hangs);
    SIGKILL whatever has not finished in time. Each process is a (pid, marker) pair."""
    live = [(pid, marker) for pid, marker in processes if pid and pid_alive(pid, marker)]
    for pid, _ in live:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while any(pid_alive(*p) for p in live) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid, marker in live:
        if pid_alive(pid, marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    while any(pid_alive(*p) for p in live):
        time.sleep(0.1)


def spawn_detached(command: list[str], log: Path, env: dict[str, str] | None = None) -> int:
    """posix_spawn with setsid: the server outlives the launching shell or test process, and no
    Popen object is left behind to warn that its child is still running. Output goes to `log`;
    `env` is added to this process's environment."""
    append = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    return os.posix_spawn(
        command[0],
        command,
        os.environ | (env or {}),
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(log), append, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ],
        setsid=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_free(port: int | None) -> bool:
    if not port:
        return False
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT ok
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def reuse_or_pick(port: int | None, taken: set[int]) -> int:
    """Stable ports keep exported URLs valid across restarts; a busy one is replaced."""
    if port and port not in taken and port_free(port):
        return port
    while (candidate := free_port()) in taken:
        pass
    return candidate


def port_open(port: int, timeout_s: float = 0.5) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def _confirmed_dead(alive: Callable[[], bool], checks: int = 4, pause_s: float = 0.25) -> bool:
    """Death only when several looks agree: while a launcher execs, /proc briefly shows no
    command line, and one such look must not fail a start that is going well."""
    for _ in range(checks):
        if alive():
            return False
        time.sleep(pause_s)
    return True


def wait_until(
    ready: Callable[[], bool],
    *,
    timeout_s: float,
    what: str,
    log: Path,
    alive: Callable[[], bool] = lambda: True,
) -> None:
    """Fail fast when the process died, and always point at the log that explains why."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        if _confirmed_dead(alive):
            raise InfraError(f"{what} exited during start-up; see {log}")
        if time.monotonic() > deadline:
            raise InfraError(f"{what} not ready after {timeout_s:.0f} s; see {log}")
        time.sleep(0.25)
