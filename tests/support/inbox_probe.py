"""A throwaway consumer whose only effect is a row per event, to count effects exactly."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from deploy.local.infra import InfraInfo
from schemas.project import ProjectWithdrawn
from schemas.topics import PROJECTS
from servicekit.consumers import Batch, HandlerTable, on
from servicekit.db import Connection, create_pool
from servicekit.inbox import InboxConsumer
from servicekit.kafka import make_consumer, make_producer
from servicekit.migrations import migrate

EFFECTS_SQL = """
CREATE TABLE effects (
    event_id   uuid NOT NULL,
    subject    text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    acting_as  text DEFAULT current_setting('app.role', true)  -- whom the handler acted for
);
"""


def probe_package(tmp: Path) -> Path:
    """A migrations folder for a probe schema: servicekit's plumbing plus an effects table."""
    (tmp / "migrations").mkdir(parents=True, exist_ok=True)
    (tmp / "migrations" / "0001_effects.sql").write_text(EFFECTS_SQL)
    return tmp


async def record_effects(con: Connection, events: Batch[ProjectWithdrawn]) -> None:
    """Deliberately not idempotent itself: only the inbox keeps effects single."""
    await con.executemany(
        "INSERT INTO effects (event_id, subject) VALUES ($1, $2)",
        [(e.envelope.id, e.envelope.subject) for e in events],
    )


def probe_handlers() -> HandlerTable:
    """The probe takes withdrawals, the one event type its tests publish."""
    return HandlerTable(on(ProjectWithdrawn, handle=record_effects))


def probe_schema() -> str:
    return f"probe_{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class Probe:
    """A running probe: its schema (also its consumer group and its metrics' service label),
    pool and producer."""

    schema: str
    pool: asyncpg.Pool
    producer: AIOKafkaProducer


@asynccontextmanager
async def running_probe(
    infra: InfraInfo, tmp: Path, handlers: HandlerTable, **inbox: Any
) -> AsyncIterator[Probe]:
    """An inbox consumer over the projects topic with a schema and group of its own, running
    `handlers` until the block ends; `inbox` overrides the consumer's other settings."""
    schema = probe_schema()
    await migrate(infra.database_url, schema, probe_package(tmp))
    pool = await create_pool(infra.database_url, schema)
    producer = make_producer(infra.kafka_access(), "probe")
    consumer = make_consumer(infra.kafka_access(), schema, [PROJECTS.name])
    await producer.start()
    await consumer.start()
    consumer_loop = InboxConsumer(schema, schema, pool, consumer, producer, handlers, **inbox)
    stop = asyncio.Event()
    task = asyncio.create_task(consumer_loop.run(stop))
    try:
        yield Probe(schema, pool, producer)
    finally:
        stop.set()
        await task
        await consumer.stop()
        await producer.stop()
        await pool.close()
