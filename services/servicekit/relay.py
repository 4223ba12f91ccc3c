"""The outbox relay: claims unpublished rows, produces them, then marks them published.

Rows are claimed with FOR UPDATE SKIP LOCKED inside one transaction, so a second relay never
takes the same rows and rows that commit out of order are never skipped. A relay that dies
between producing and marking leaves the rows unpublished: they are produced again, and
consumers' inboxes absorb the duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg
from aiokafka import AIOKafkaProducer

from servicekit.metrics import EVENTS_PRODUCED, OUTBOX_LAG
from servicekit.outbox import OUTBOX_CHANNEL_SUFFIX

log = logging.getLogger(__name__)

CLAIM = """
SELECT seq, topic, aggregate_id, payload, type, id FROM outbox
WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
"""
MARK = "UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])"


async def publish_once(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    *,
    batch_max: int,
    service: str,
) -> int:
    """Publish one claimed batch; returns how many rows left the outbox."""
    async with pool.acquire() as con, con.transaction():
        rows = await con.fetch(CLAIM, batch_max)
        if not rows:
            return 0
        futures = [
            await producer.send(
                r["topic"],
                value=bytes(r["payload"]),
                key=r["aggregate_id"].encode(),
                headers=[("ce_type", r["type"].encode()), ("ce_id", str(r["id"]).encode())],
            )
            for r in rows
        ]
        await asyncio.gather(*futures)
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
) -> None:
    """Drain the outbox whenever NOTIFY says rows arrived, and poll as a safety net."""
    stop = stop or asyncio.Event()
    wake = asyncio.Event()
    listener = await pool.acquire()
    channel = f"{schema}{OUTBOX_CHANNEL_SUFFIX}"

    def on_notify(*_: object) -> None:
        wake.set()

    await listener.add_listener(channel, on_notify)
    try:
        while not stop.is_set():
            published = await publish_once(pool, producer, batch_max=batch_max, service=service)
            if published:
                continue
            lag = await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            OUTBOX_LAG.labels(service).set(lag)
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=idle_poll_s)
    finally:
        await listener.remove_listener(channel, on_notify)
        await pool.release(listener)
