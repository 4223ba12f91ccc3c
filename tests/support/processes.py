"""Service roles as real OS processes, so tests can SIGKILL them mid-stream."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServiceProcess:
    """`python -m <service> <role>` with its output in a log file under the state folder."""

    service: str
    role: str
    env: dict[str, str]
    port: int | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return ROOT / ".greenlink" / "logs" / f"test-{self.service}-{self.role}.log"

    def start(self) -> ServiceProcess:
        env = os.environ | self.env | {"LOG_LEVEL": "WARNING"}
        if self.port is not None:
            env[f"{self.service.upper()}_PORT"] = str(self.port)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.service, self.role],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if self.port is not None:
            self.wait_ready()
        return self

    def run_to_end(self, timeout_s: float = 120) -> None:
        """Run a one-shot role (such as `migrate`) and fail loudly if it fails."""
        env = os.environ | self.env
        done = subprocess.run(
            [sys.executable, "-m", self.service, self.role],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.service} {self.role} not ready; see {self.log_path}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no final commit, exactly like a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def migrated_and_started(
    processes: Mapping[str, ServiceProcess],
) -> Iterator[Mapping[str, ServiceProcess]]:
    """Migrate each service the processes belong to (so nobody queries a schema that is not
    there yet), start them all, and stop them all when the block ends."""
    first_of_service = {p.service: p for p in reversed(list(processes.values()))}
    for service, process in first_of_service.items():
        ServiceProcess(service, "migrate", process.env).run_to_end()
    for process in processes.values():
        process.start()
    try:
        yield processes
    finally:
        for process in processes.values():
            process.stop()


def rss_bytes(pid: int) -> int:
    """A process's resident memory, as the kernel reports it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


class PeakMemory:
    """Samples a process's resident memory in a thread until the block ends; keeps the peak."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        self.pid, self.interval_s, self.peak = pid, interval_s, rss_bytes(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.peak = max(self.peak, rss_bytes(self.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def api_processes(service: str, count: int = 2) -> Iterator[list[ServiceProcess]]:
    """`count` more API processes of a service (its schema already migrated), each on its own
    port, stopped on the way out: requests racing through separate OS processes."""
    apis = [ServiceProcess(service, "api", {}, port=free_port()) for _ in range(count)]
    try:
        for api in apis:
            api.start()
        yield apis
    finally:
        for api in apis:
            api.stop()
