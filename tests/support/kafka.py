"""Reading topics in tests with plain aiokafka clients, bounded in time."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from servicekit.kafka_access import KafkaAccess


async def read_until(
    access: KafkaAccess,
    topic: str,
    done: Callable[[list[ConsumerRecord[bytes, bytes]]], bool],
    *,
    timeout_s: float = 60.0,
    keep: Callable[[ConsumerRecord[bytes, bytes]], bool] = lambda _: True,
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read `topic` from the beginning until `done(kept records)` or the timeout."""
    consumer = AIOKafkaConsumer(
        topic,
        **access.client_options(),
        group_id=f"{access.username or 'test'}-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    kept: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and not done(kept):
            batches = await consumer.getmany(timeout_ms=500)
            kept.extend(r for records in batches.values() for r in records if keep(r))
    finally:
        await consumer.stop()
    return kept


async def eventually(
    probe: Callable[[], object], *, timeout_s: float = 60.0, interval_s: float = 0.2
) -> object:
    """Poll an async probe until it returns something truthy, or fail with its last value."""
    deadline = time.monotonic() + timeout_s
    last: object = None
    while time.monotonic() < deadline:
        result = probe()
        last = await result if asyncio.iscoroutine(result) else result
        if last:
            return last
        await asyncio.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s}s (last: {last!r})")


def data_field_equals(field: str, value: str) -> Callable[[ConsumerRecord[bytes, bytes]], bool]:
    """A record filter on one field of the event body that skips records which are not events."""
    import orjson

    def keep(record: ConsumerRecord[bytes, bytes]) -> bool:
        try:
            return str(orjson.loads(record.value or b"")["data"][field]) == value
        except (ValueError, KeyError, TypeError):
            return False

    return keep
