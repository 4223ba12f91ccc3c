"""API_WORKERS: a service's API served by several processes on one port (SO_REUSEPORT), which
start and stop with the process that started them, even when it is killed."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from deploy.local.infra import InfraInfo
from tests.bench.cpu import family_cpu_ms
from tests.support.processes import ServiceProcess, free_port

pytestmark = pytest.mark.integration
START_TIME = re.compile(r"^process_start_time_seconds (\S+)$", re.MULTILINE)


def _serving_processes(url: str, connections: int = 40) -> set[str]:
    """The start times of the processes that answered, one fresh connection per request."""
    seen = set()
    for _ in range(connections):
        with httpx.Client() as client:  # a new connection, so the kernel chooses again
            found = START_TIME.search(client.get(f"{url}/metrics").text)
            assert found is not None
            seen.add(found.group(1))
    return seen


def _workers_of(parent: int) -> set[int]:
    return set(family_cpu_ms(parent)) - {parent}


def _gone(pids: set[int], within_s: float = 20) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def two_workers(infra: InfraInfo, jwks_path: Path) -> ServiceProcess:
    env = {
        **infra.environment(),
        "GREENLINK_JWKS_PATH": str(jwks_path),
        "GREENLINK_ENV": "test",
        "API_WORKERS": "2",
    }
    ServiceProcess("registry", "migrate", env).run_to_end()
    return ServiceProcess("registry", "api", env, port=free_port())


def test_two_api_workers_share_the_port_and_stop_with_their_service(
    two_workers: ServiceProcess,
) -> None:
    api = two_workers.start()
    try:
        assert api.process is not None
        workers = _workers_of(api.process.pid)
        assert len(workers) == 1
        deadline = time.monotonic() + 60
        while len(served := _serving_processes(api.url)) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)  # the second worker is still starting
        assert len(served) == 2
    finally:
        api.stop()
    assert _gone(workers)


def test_a_killed_service_takes_its_api_workers_with_it(two_workers: ServiceProcess) -> None:
    api = two_workers.start()
    try:
        assert api.process is not None
        workers = _workers_of(api.process.pid)
        assert workers
    finally:
        api.kill()
    assert _gone(workers)
