"""The outbox relay: claims unpublished rows, produces them, then marks them published.

Each record is a structured-mode CloudEvent: the envelope as its value, `content-type`
`application/cloudevents+json` as its only header (schemas.envelope).

Any number of relay replicas share one outbox and keep each aggregate's events in order. A relay
claims aggregates, not rows: walking the unpublished rows in sequence order it takes a
transaction-scoped advisory lock on each row's aggregate, passing over aggregates another relay
holds (so replicas work on different aggregates, and rows that commit out of order are never
skipped for good: they are unpublished until someone marks them). Only then, in a fresh
snapshot, does it read every unpublished row of the aggregates it holds, in sequence order, up
to its window's end. The lock lives until the rows are marked and committed, so the next holder
of an aggregate sees them published and starts after them: an aggregate's later event never
reaches Kafka ahead of an earlier one.

A relay that dies between producing and marking leaves the rows unpublished and its locks
released: the next relay produces them again, after the first copies, and consumers' inboxes
absorb the duplicates (docs/operations.md, "Relay replicas").
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
from servicekit.settings import RELAY_BATCH_BYTES
from servicekit.tracing import publishing

log = logging.getLogger(__name__)

# The advisory key pairs the schema with the aggregate: services sharing one database never
# wait on each other's aggregates (a project id is an aggregate in several outboxes).
# A window ends at `batch_max` rows or once it holds `batch_bytes` of payload, whichever comes
# first, so a batch of large events stays bounded in memory and on the wire (its first row is
# always taken, however large). Aggregates locked past the byte budget stay locked, unpublished,
# until this batch commits: the next claim takes them.
CLAIM_AGGREGATES = """
SELECT array_agg(DISTINCT aggregate_id) AS aggregates, max(seq) AS window_end
FROM (
    SELECT seq, aggregate_id,
           sum(octet_length(payload)) OVER (ORDER BY seq) - octet_length(payload) AS bytes_before
    FROM (
        SELECT seq, aggregate_id, payload FROM outbox
        WHERE published_at IS NULL
          AND pg_try_advisory_xact_lock(hashtext(current_schema()), hashtext(aggregate_id))
        ORDER BY seq LIMIT $1
    ) locked
) claim_window
WHERE bytes_before < $2
"""
CLAIM = """
SELECT seq, topic, aggregate_id, payload, type, id, headers->>'traceparent' AS traceparent
FROM outbox
WHERE published_at IS NULL AND seq <= $2 AND aggregate_id = ANY($1::text[])
ORDER BY seq
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
    batch_bytes: int = RELAY_BATCH_BYTES,
    before_mark: Callable[[], object] | None = None,
) -> int:
    """Publish one claimed batch; returns how many rows left the outbox.

    `before_mark` runs after the broker acknowledged the batch and before the rows are marked:
    the fault suite's crash point (servicekit.settings, FAULT_RELAY_EXIT_BEFORE_MARK).
    """
    async with pool.acquire() as con, con.transaction():
        (claimed,) = await con.fetch(CLAIM_AGGREGATES, batch_max, batch_bytes)
        if claimed["aggregates"] is None:
            return 0
        rows = await con.fetch(CLAIM, claimed["aggregates"], claimed["window_end"])
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
    batch_bytes: int = RELAY_BATCH_BYTES,
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
                    pool,
                    producer,
                    batch_max=batch_max,
                    batch_bytes=batch_bytes,
                    service=service,
                    before_mark=before_mark,
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
