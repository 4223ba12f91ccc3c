"""The outbox relay: claims unpublished rows, produces them, then marks them published.

Each record is a structured-mode CloudEvent: the envelope as its value, `content-type`
`application/cloudevents+json` as its only header (schemas.envelope).

Rows are claimed with FOR UPDATE SKIP LOCKED inside one transaction, so a second relay never
takes the same rows and rows that commit out of order are never skipped. A relay that dies
between producing and marking leaves the rows unpublished: they are produced again, and
consumers' inboxes absorb the duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from schemas.envelope import RECORD_HEADERS
from servicekit.metrics import EVENTS_PRODUCED, OUTBOX_LAG
from servicekit.outbox import OUTBOX_CHANNEL_SUFFIX
from servicekit.tracing import publishing

log = logging.getLogger(__name__)

CLAIM = """
SELECT seq, topic, aggregate_id, payload, type, id, headers->>'traceparent' AS traceparent
FROM outbox
WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
"""
BACKLOG_EVERY_S = 1.0
# PostgreSQL restarting or unreachable, Kafka without a leader past the producer's own retries.
OUTAGES: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InterfaceError,
    KafkaError,
)
CRASHED_BEFORE_MARK = 86  # the exit status of a relay stopped at its fault-test crash point


def exit_before_mark() -> None:
    """Die at once, as a SIGKILL would: the batch is on Kafka and its rows still unpublished."""
    log.warning("fault injection: relay exits after publishing, before marking")
    os._exit(CRASHED_BEFORE_MARK)


MARK = "UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])"


async def publish_once(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    *,
    batch_max: int,
    service: str,
    before_mark: Callable[[], object] | None = None,
) -> int:
    """Publish one claimed batch; returns how many rows left the outbox.

    `before_mark` runs after the broker acknowledged the batch and before the rows are marked:
    the fault suite's crash point (servicekit.settings, FAULT_RELAY_EXIT_BEFORE_MARK).
    """
    async with pool.acquire() as con, con.transaction():
        rows = await con.fetch(CLAIM, batch_max)
        if not rows:
            return 0
        futures = []
        for r in rows:
            with publishing(r["topic"], r["traceparent"]):
                futures.append(
                    await producer.send(
                        r["topic"],
                        value=bytes(r["payload"]),
                        key=r["aggregate_id"].encode(),
                        headers=list(RECORD_HEADERS),
                    )
                )
        await asyncio.gather(*futures)
        if before_mark is not None:
            before_mark()
        await con.execute(MARK, [r["seq"] for r in rows])
    for r in rows:
        EVENTS_PRODUCED.labels(service, r["topic"]).inc()
    return len(rows)


async def run_relay(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    *,
    schema: str,
    service: str,
    batch_max: int = 2000,
    idle_poll_s: float = 1.0,
    stop: asyncio.Event | None = None,
    before_mark: Callable[[], object] | None = None,
) -> None:
    """Drain the outbox whenever NOTIFY says rows arrived, and poll as a safety net."""
    stop = stop or asyncio.Event()
    wake = asyncio.Event()
    listener = await pool.acquire()
    channel = f"{schema}{OUTBOX_CHANNEL_SUFFIX}"

    def on_notify(*_: object) -> None:
        wake.set()

    await listener.add_listener(channel, on_notify)
    measured_at = 0.0
    try:
        while not stop.is_set():
            try:
                published = await publish_once(
                    pool, producer, batch_max=batch_max, service=service, before_mark=before_mark
                )
                if published and time.monotonic() - measured_at < BACKLOG_EVERY_S:
                    continue
                # The backlog is measured while draining too (at most once a second), so a
                # relay falling behind shows a growing number rather than the last idle zero.
                lag = await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
                OUTBOX_LAG.labels(service).set(lag)
                measured_at = time.monotonic()
            except OUTAGES as exc:
                # The claim rolled back: the rows stay unpublished and are claimed again.
                log.warning("relay waits out an outage", extra={"error": repr(exc)})
                published = 0
            if published:
                continue
            wake.clear()  # after an outage NOTIFY may be gone with its connection: poll
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=idle_poll_s)
    finally:
        with contextlib.suppress(*OUTAGES):
            await listener.remove_listener(channel, on_notify)
        with contextlib.suppress(*OUTAGES):
            await pool.release(listener)
