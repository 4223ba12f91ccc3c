"""Shared fixtures: real Kafka and PostgreSQL from the local launcher, tokens, service apps."""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import AsyncIterator, Generator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from deploy.local.infra import InfraInfo, ensure_started
from tests.support.environment import environment  # imported first: snapshots os.environ
from tests.support.services import RunningService, running_service

KEYS_DIR = Path(os.environ.get("GREENLINK_STATE_DIR", ".greenlink")) / "test-keys"


@pytest.fixture(scope="session")
def infra() -> InfraInfo:
    """Start (or reuse) the local Kafka and PostgreSQL once per test session.

    The process environment is left as it was: the variables services read reach only the
    tests and fixtures that use this fixture, for the length of their own setup and call
    (see `session_environment`), so a test of the launcher never mistakes them for its own.
    """
    return ensure_started()


def session_environment(info: InfraInfo) -> dict[str, str]:
    """What a service built inside a test reads: the session's Kafka and PostgreSQL."""
    return {
        "GREENLINK_ENV": os.environ.get("GREENLINK_ENV", "test"),
        # offers past validity expire promptly
        "OFFER_SWEEP_SECONDS": os.environ.get("OFFER_SWEEP_SECONDS", "2"),
    } | info.environment()


class SessionEnvironment:
    """Gives the session's infrastructure variables to the fixtures and tests that use the
    `infra` fixture of this file, for the length of their setup and call.

    Registered as a plugin (pytest_configure) rather than as this conftest's own hooks: pytest
    calls a session-scoped fixture's setup hook only on plugins that apply at the rootdir.
    """

    @staticmethod
    def session_infra_of(item: pytest.Item) -> InfraInfo | None:
        """The session's infrastructure if this test (or a fixture of it) uses it and it is up.

        A module may define its own `infra` fixture (the launcher tests do); only this file's
        counts.
        """
        info = getattr(item, "_fixtureinfo", None)
        definitions = info.name2fixturedefs.get("infra") if info else None
        if not definitions or definitions[-1].func is not infra.__wrapped__:  # type: ignore[attr-defined]
            return None
        cached = definitions[-1].cached_result
        return cached[0] if cached and isinstance(cached[0], InfraInfo) else None

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest
    ) -> Generator[None, object, object]:
        """Fixtures that build services from the environment see the session's infrastructure."""
        session = self.session_infra_of(request._pyfuncitem)
        if session is None or fixturedef.argname == "infra":
            return (yield)
        with environment(session_environment(session)):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        """So does the body of every test that uses it, and nothing else, only while it runs."""
        session = self.session_infra_of(item)
        if session is None:
            return (yield)
        with environment(session_environment(session)):
            return (yield)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SessionEnvironment(), "greenlink-session-environment")


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


def _in_process(service: str, doc: str) -> Any:
    """A session fixture named after `service` that runs it in this process."""

    async def fixture(infra: InfraInfo, jwks_path: Path) -> AsyncIterator[RunningService]:
        spec = importlib.import_module(f"{service}.app").spec
        async with running_service(spec()) as running:
            yield running

    fixture.__doc__ = doc
    return pytest.fixture(scope="session", name=service)(fixture)


registry = _in_process("registry", "The registry: API, outbox relay and consumers.")
scoring = _in_process("scoring", "Scoring: API, outbox relay and the projects consumer.")
matching = _in_process("matching", "Matching: API, outbox relay and the deals consumer.")
audit = _in_process(
    "audit",
    "Audit: API, the ledger consumer over every other service's topic, and the relay"
    " publishing its signed checkpoints.",
)


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
