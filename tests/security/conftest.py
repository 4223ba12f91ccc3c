"""Fixtures of the security suite: every service that has a BOLA matrix, running in-process.

Scoring and matching run here on schemas of their own, their consumers reading only what is
published from the moment they start, and without relays. The shared schemas hold every
project ever registered locally: there an operator's rescore or retrain (which the matrix and
the fuzzer call) would rescore them all and publish as many events, and each new mandate
would be matched against all of them. Seeds still go through the real path: projects are
registered in the registry, scored by the scoring consumer, and their scores reach matching
through Kafka.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path

import asyncpg
import httpx
import pytest
from _pytest.mark.expression import Expression
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI

from deploy.local.infra import InfraInfo
from servicekit.db import create_pool
from servicekit.inbox import InboxConsumer
from servicekit.kafka import make_producer
from servicekit.runtime import ConsumerSpec, ServiceSpec, prepare
from tests.security.matrix import Mint, SeedContext
from tests.support.environment import environment
from tests.support.kafka import eventually
from tests.support.services import RunningService, serving

ASSIGNMENT_TIMEOUT_S = 60.0
FUZZ_MODULE = "test_api_fuzz.py"
FUZZ_MARKERS = frozenset({"security", "integration"})


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Skip importing the fuzzing module when `-m` selects none of its tests: importing it
    builds every service's OpenAPI schema and Schemathesis's tests, seconds of work."""
    markexpr = str(config.getoption("markexpr") or "")
    if collection_path.name != FUZZ_MODULE or not markexpr:
        return None
    selected = Expression.compile(markexpr).evaluate(_fuzz_marker)
    return None if selected else True


def _fuzz_marker(name: str, /, **_: str | int | bool | None) -> bool:
    return name in FUZZ_MARKERS


def isolated_spec(make_spec: Callable[[], ServiceSpec], **settings: str) -> ServiceSpec:
    """The service's own composition root, pointed at a new schema (plus `settings`)."""
    schema = f"{make_spec.__module__.split('.')[0]}_security_{uuid.uuid4().hex[:8]}"
    with environment({"DB_SCHEMA": schema, **settings}):
        return make_spec()


async def _consumer_from_now(
    stack: contextlib.AsyncExitStack, spec: ServiceSpec, consumer_spec: ConsumerSpec
) -> InboxConsumer:
    """An inbox consumer in a group of its own whose offsets start at the topics' current end."""
    s = spec.settings
    group = f"{consumer_spec.name}-{s.db_schema}"
    pool = await create_pool(s.database_url, s.db_schema, min_size=1, max_size=4)
    stack.push_async_callback(pool.close)
    producer = make_producer(s.kafka_access, f"{group}-dlq")
    await producer.start()
    stack.push_async_callback(producer.stop)
    consumer = AIOKafkaConsumer(
        *consumer_spec.topics,
        **s.kafka_access.client_options(),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="latest",
    )
    await consumer.start()
    stack.push_async_callback(consumer.stop)
    await eventually(consumer.assignment, timeout_s=ASSIGNMENT_TIMEOUT_S, interval_s=0.1)
    # Committed from the start, so a retry's rewind never falls back to the topic's beginning.
    await consumer.commit({tp: await consumer.position(tp) for tp in consumer.assignment()})
    return InboxConsumer(
        name=consumer_spec.name,
        service=s.service_name,
        pool=pool,
        consumer=consumer,
        producer=producer,
        handlers=consumer_spec.handlers,
        batch_max=s.consumer_batch_max,
    )


@contextlib.asynccontextmanager
async def isolated_service(spec: ServiceSpec) -> AsyncIterator[RunningService]:
    """Migrate, consume from now on, serve the app over ASGI; drop the schema afterwards."""
    stop = asyncio.Event()
    try:
        await prepare(spec)
        async with contextlib.AsyncExitStack() as stack:
            inboxes = [await _consumer_from_now(stack, spec, c) for c in spec.consumers]
            tasks = [asyncio.create_task(inbox.run(stop)) for inbox in inboxes]
            async with serving(spec, stop, tasks) as service:
                yield service
    finally:
        con = await asyncpg.connect(spec.settings.migrator_url)
        try:
            await con.execute(f'DROP SCHEMA IF EXISTS "{spec.settings.db_schema}" CASCADE')
        finally:
            await con.close()


@pytest.fixture(scope="session")
async def isolated_scoring(infra: InfraInfo, jwks_path: object) -> AsyncIterator[RunningService]:
    """Scoring on a schema of its own; no automatic retraining, so scores change only when
    a test asks for it."""
    from scoring.app import spec

    async with isolated_service(isolated_spec(spec, SCORING_MODEL_AUTO_MAX="0")) as service:
        yield service


@pytest.fixture(scope="session")
async def isolated_matching(infra: InfraInfo, jwks_path: object) -> AsyncIterator[RunningService]:
    """Matching on a schema of its own, polling its feed often so streams end quickly."""
    from matching.app import spec

    async with isolated_service(isolated_spec(spec, FEED_POLL_SECONDS="0.01")) as service:
        yield service


@pytest.fixture(scope="session")
def matrix_clients(
    registry: RunningService,
    audit: RunningService,
    scoring: RunningService,
    isolated_scoring: RunningService,
    isolated_matching: RunningService,
) -> Mapping[str, httpx.AsyncClient]:
    """Clients of the services the matrices cover. The shared scoring service runs too: it
    scores the registry's projects for matching, as it does in production."""
    return {
        "registry": registry.client,
        "audit": audit.client,
        "scoring": isolated_scoring.client,
        "matching": isolated_matching.client,
    }


@pytest.fixture(scope="session")
def seed_context(
    matrix_clients: Mapping[str, httpx.AsyncClient], mint: Mint, infra: InfraInfo
) -> SeedContext:
    return SeedContext(matrix_clients, mint, infra.kafka_access())


@pytest.fixture(scope="session")
async def matrix_console(
    matrix_clients: Mapping[str, httpx.AsyncClient],
) -> AsyncIterator[FastAPI]:
    """The console over the same services the matrices use."""
    from tests.support.console import console_app

    async with console_app(matrix_clients) as app:
        yield app
