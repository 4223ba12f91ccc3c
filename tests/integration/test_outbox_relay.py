"""Outbox and relay: what commits is published exactly once, even across a relay crash."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from schemas.envelope import Envelope
from schemas.project import ProjectWithdrawn
from schemas.topics import PROJECTS
from servicekit import relay
from servicekit.db import create_pool
from servicekit.kafka import make_producer
from servicekit.migrations import migrate
from servicekit.outbox import enqueue
from tests.support.inbox_probe import probe_package, probe_schema
from tests.support.kafka import data_field_equals, eventually, read_to_end, read_until

pytestmark = pytest.mark.integration


def _event(enterprise: uuid.UUID) -> ProjectWithdrawn:
    return ProjectWithdrawn(
        project_id=uuid.uuid4(),
        enterprise_id=enterprise,
        version=1,
        reason="test",
        withdrawn_at=datetime.now(UTC),
    )


async def _outbox_pool(infra, tmp_path: Path):
    schema = probe_schema()
    await migrate(infra.database_url, schema, probe_package(tmp_path))
    return schema, await create_pool(infra.database_url, schema, max_size=20)


def _mine(enterprise: uuid.UUID):
    return data_field_equals("enterprise_id", str(enterprise))


async def test_concurrent_transactions_committing_out_of_order_publish_each_event_once(
    infra, topics, tmp_path
):
    schema, pool = await _outbox_pool(infra, tmp_path)
    enterprise = uuid.uuid4()
    producer = make_producer(infra.kafka_access(), "test-relay")
    await producer.start()
    stop = asyncio.Event()
    relay_task = asyncio.create_task(
        relay.run_relay(pool, producer, schema=schema, service="test", stop=stop)
    )
    rng = random.Random(16)

    async def transaction(i: int) -> uuid.UUID:
        async with pool.acquire() as con, con.transaction():
            event = _event(enterprise)
            await enqueue(con, [event], source="test")
            await asyncio.sleep(rng.random() * 0.3)  # later sequence numbers may commit first
            return event.project_id

    try:
        project_ids = set(await asyncio.gather(*(transaction(i) for i in range(16))))
        await read_until(
            infra.kafka_access(),
            PROJECTS.name,
            lambda got: len(got) >= 16,
            keep=_mine(enterprise),
        )
    finally:
        stop.set()
        await relay_task
        await producer.stop()
    # The relay has stopped: read everything it could ever have published, and no more.
    records = await read_to_end(infra.kafka_access(), PROJECTS.name, keep=_mine(enterprise))
    published = [Envelope.from_bytes(r.value).data["project_id"] for r in records]
    assert sorted(published) == sorted(str(p) for p in project_ids)
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    await pool.close()


class _SessionDiesAfterProduce:
    """A producer after whose first acknowledged record the relay's database session is
    killed, so the relay dies between producing its batch and marking it published."""

    def __init__(self, producer: Any, pool: asyncpg.Pool) -> None:
        self._producer, self._pool, self._killed = producer, pool, False

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        acked = await self._producer.send(*args, **kwargs)
        await acked
        if not self._killed:
            self._killed = await self._pool.fetchval(
                "SELECT bool_or(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE state = 'idle in transaction' AND query LIKE '%aggregate_id = ANY%'"
                " AND pid <> pg_backend_pid()"
            )
        return acked


async def test_relay_dying_after_produce_republishes_and_never_loses(infra, topics, tmp_path):
    _, pool = await _outbox_pool(infra, tmp_path)
    enterprise = uuid.uuid4()
    async with pool.acquire() as con, con.transaction():
        await enqueue(con, [_event(enterprise) for _ in range(5)], source="test")
    producer = make_producer(infra.kafka_access(), "test-relay")
    await producer.start()
    try:
        # The relay's own database session dies right after Kafka acknowledged the batch.
        dying = _SessionDiesAfterProduce(producer, pool)
        with pytest.raises(Exception):  # noqa: B017 - any connection error is the crash
            await relay.publish_once(pool, dying, batch_max=100, service="test")
        assert dying._killed
        assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 5
        assert await relay.publish_once(pool, producer, batch_max=100, service="test") == 5
    finally:
        await producer.stop()
    records = await read_until(
        infra.kafka_access(), PROJECTS.name, lambda got: len(got) >= 10, keep=_mine(enterprise)
    )
    ids = [Envelope.from_bytes(r.value).id for r in records]
    assert len(ids) == 10 and len(set(ids)) == 5  # every event twice on the wire, same ids
    await pool.close()


class _CrashesBeforeMark(Exception):
    """A relay dying after Kafka acknowledged its batch and before the rows were marked."""


async def _relay_replica(
    pool: asyncpg.Pool, producer: Any, stop: asyncio.Event, *, crash_every: int = 0
) -> None:
    """One relay replica publishing small batches; with `crash_every` it dies before marking
    every that many batches and starts again, as a supervisor would restart it."""
    batches = 0

    def maybe_crash() -> None:
        if crash_every and batches % crash_every == 0:
            raise _CrashesBeforeMark

    while not stop.is_set():
        batches += 1
        try:
            published = await relay.publish_once(
                pool, producer, batch_max=7, service="test", before_mark=maybe_crash
            )
        except _CrashesBeforeMark:
            continue
        if not published:
            await asyncio.sleep(0.01)


async def test_two_relay_replicas_publish_each_aggregates_events_in_order(infra, topics, tmp_path):
    """Two relays share one outbox full of interleaved events of a few aggregates; one of them
    keeps dying between publishing and marking. Read back, each aggregate's events first reach
    Kafka in the order they were written: duplicates may follow, a later event never leads."""
    _, pool = await _outbox_pool(infra, tmp_path)
    enterprise = uuid.uuid4()
    aggregates = [uuid.uuid4() for _ in range(6)]
    per_aggregate = 120
    events = [
        ProjectWithdrawn(
            project_id=project,
            enterprise_id=enterprise,
            version=version,
            withdrawn_at=datetime.now(UTC),
        )
        for version in range(1, per_aggregate + 1)
        for project in aggregates
    ]
    async with pool.acquire() as con, con.transaction():
        await enqueue(con, events, source="test")
    producers = [make_producer(infra.kafka_access(), f"test-relay-{i}") for i in range(2)]
    for producer in producers:
        await producer.start()
    stop = asyncio.Event()
    replicas = [
        asyncio.create_task(_relay_replica(pool, producers[0], stop)),
        asyncio.create_task(_relay_replica(pool, producers[1], stop, crash_every=3)),
    ]
    try:

        async def drained() -> bool:
            return not await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")

        await eventually(drained, timeout_s=120)
    finally:
        stop.set()
        await asyncio.gather(*replicas)
        for producer in producers:
            await producer.stop()
    records = await read_to_end(infra.kafka_access(), PROJECTS.name, keep=_mine(enterprise))
    first_seen: dict[str, list[int]] = {str(a): [] for a in aggregates}
    for record in records:
        data = Envelope.from_bytes(record.value).data
        versions = first_seen[data["project_id"]]
        if data["version"] not in versions:
            versions.append(data["version"])
    expected = list(range(1, per_aggregate + 1))
    assert {a: v for a, v in first_seen.items() if v != expected} == {}
    await pool.close()


async def test_a_relay_batch_ends_at_its_byte_budget_and_always_takes_its_first_event(
    infra, topics, tmp_path
):
    """Ten events of one size and a budget of two and a half of them: each claim takes three
    (the third starts inside the budget), then a budget smaller than one event still takes one,
    so no event is ever too large to leave."""
    _, pool = await _outbox_pool(infra, tmp_path)
    enterprise = uuid.uuid4()
    async with pool.acquire() as con, con.transaction():
        await enqueue(con, [_event(enterprise) for _ in range(10)], source="test")
    sizes = await pool.fetch("SELECT octet_length(payload) AS n FROM outbox ORDER BY seq")
    size = max(r["n"] for r in sizes)
    assert min(r["n"] for r in sizes) == size  # same-shaped events: equal lengths
    producer = make_producer(infra.kafka_access(), "test-relay")
    await producer.start()
    try:
        budget = size * 5 // 2

        async def publish(batch_bytes: int) -> int:
            return await relay.publish_once(
                pool, producer, batch_max=100, batch_bytes=batch_bytes, service="test"
            )

        assert [await publish(budget) for _ in range(3)] == [3, 3, 3]
        assert await publish(1) == 1
        assert await publish(budget) == 0
    finally:
        await producer.stop()
    records = await read_until(
        infra.kafka_access(), PROJECTS.name, lambda got: len(got) >= 10, keep=_mine(enterprise)
    )
    assert len({Envelope.from_bytes(r.value).id for r in records}) == 10
    await pool.close()
