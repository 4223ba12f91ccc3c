"""Shared fixtures: real Kafka and PostgreSQL from the local launcher, tokens, service apps."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from deploy.local.infra import InfraInfo, ensure_started
from tests.support import environment as _environment  # noqa: F401 - snapshots os.environ first
from tests.support.services import RunningService, running_service

KEYS_DIR = Path(os.environ.get("GREENLINK_STATE_DIR", ".greenlink")) / "test-keys"


@pytest.fixture(scope="session")
def infra() -> Iterator[InfraInfo]:
    """Start (or reuse) the local Kafka and PostgreSQL once per test session.

    Services built in this process read these variables; tests of the launcher itself use
    tests.support.environment.without_session_infra() so they see the environment as it was.
    """
    info = ensure_started()
    os.environ.update(info.environment())
    os.environ.setdefault("GREENLINK_ENV", "test")
    os.environ.setdefault("OFFER_SWEEP_SECONDS", "2")  # offers past validity expire promptly
    yield info


@pytest.fixture(scope="session")
def jwks_path() -> Path:
    """A development issuer's keys just for tests; services are pointed at them."""
    from servicekit.issuer import ensure_keys

    path = KEYS_DIR.resolve() / "jwks.json"
    ensure_keys(path)
    os.environ["GREENLINK_JWKS_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
async def topics(infra: InfraInfo) -> None:
    from servicekit.kafka import all_topic_names, create_topics

    await create_topics(infra.kafka_access(), all_topic_names())


def random_tenant() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def tenant() -> uuid.UUID:
    return random_tenant()


@pytest.fixture(scope="session")
def mint(jwks_path: Path):
    """mint(role, tenant) -> bearer header dict."""
    from servicekit.auth import Role
    from servicekit.issuer import mint as mint_token

    def _mint(role: str, tenant: uuid.UUID | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(Role(role), tenant, jwks_path=jwks_path)}"}

    return _mint


@pytest.fixture(scope="session")
async def registry(infra: InfraInfo, jwks_path: Path) -> AsyncIterator[RunningService]:
    """The registry service in this process: API, outbox relay and consumers."""
    from registry.app import spec

    async with running_service(spec()) as service:
        yield service


@pytest.fixture(scope="session")
async def audit(infra: InfraInfo, jwks_path: Path) -> AsyncIterator[RunningService]:
    """The audit service in this process: API, the ledger consumer over every other service's
    topic, and the relay publishing its signed checkpoints."""
    from audit.app import spec

    async with running_service(spec()) as service:
        yield service


@pytest.fixture(scope="session")
async def scoring(infra: InfraInfo, jwks_path: Path) -> AsyncIterator[RunningService]:
    """The scoring service in this process: API, outbox relay and the projects consumer."""
    from scoring.app import spec

    async with running_service(spec()) as service:
        yield service


@pytest.fixture(scope="session")
async def matching(infra: InfraInfo, jwks_path: Path) -> AsyncIterator[RunningService]:
    """The matching service in this process: API, outbox relay and the deals consumer."""
    from matching.app import spec

    async with running_service(spec()) as service:
        yield service


@pytest.fixture(scope="session")
async def console(
    registry: RunningService,
    scoring: RunningService,
    matching: RunningService,
    audit: RunningService,
) -> AsyncIterator[FastAPI]:
    """The console in this process over the four services above."""
    from tests.support.console import console_app

    clients = {
        "registry": registry.client,
        "scoring": scoring.client,
        "matching": matching.client,
        "audit": audit.client,
    }
    async with console_app(clients) as app:
        yield app
