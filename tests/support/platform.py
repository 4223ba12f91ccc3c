"""The platform as `make up` runs it, for end-to-end and browser tests: each service as its own
process on a free loopback port, against the session's Kafka and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deploy.local import infra as launcher
from deploy.local.infra import InfraInfo
from deploy.local.state import cache_dir, state_dir
from tests.support.environment import only, without_session_infra
from tests.support.processes import ServiceProcess, free_port

SERVICES = ("registry", "scoring", "matching", "audit")


def platform_environment(infra: InfraInfo, jwks_path: Path) -> dict[str, str]:
    return {
        **infra.environment(),
        "GREENLINK_JWKS_PATH": str(jwks_path),
        "GREENLINK_ENV": "test",
    }


def service_urls(running: dict[str, ServiceProcess]) -> dict[str, str]:
    """REGISTRY_URL and its siblings, as a client of the services (seeds, console) reads them."""
    return {f"{name.upper()}_URL": process.url for name, process in running.items()}


@contextmanager
def running_platform(infra: InfraInfo, jwks_path: Path) -> Iterator[dict[str, ServiceProcess]]:
    """Every service with all its roles in one process each; stopped when the block ends."""
    env = platform_environment(infra, jwks_path)
    running: dict[str, ServiceProcess] = {}
    try:
        for name in SERVICES:
            running[name] = ServiceProcess(name, "all", env, port=free_port()).start()
        yield running
    finally:
        for process in running.values():
            process.stop()


@contextmanager
def own_infrastructure(name: str) -> Iterator[InfraInfo]:
    """A Kafka and a PostgreSQL of their own, empty, as on a fresh machine; stopped and
    deleted when the block ends.

    A platform that loads the seeds must not inherit every earlier test's projects and
    events: the seeded lenders' new mandates would rematch all of them, and fresh consumers
    would replay the topics' history. The downloads cache stays shared.
    """
    cache = str(cache_dir())
    root = state_dir() / name
    values = without_session_infra() | {
        "GREENLINK_STATE_DIR": str(root),
        "GREENLINK_CACHE_DIR": cache,
    }

    def wipe() -> None:
        if root.exists():
            with only(values):
                launcher.stop()
            shutil.rmtree(root, ignore_errors=True)

    wipe()  # what an interrupted run left behind
    try:
        with only(values):
            info = launcher.ensure_started()
        yield info
    finally:
        wipe()
