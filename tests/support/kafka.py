"""Reading topics in tests with plain aiokafka clients, bounded in time."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import RecordMetadata

from servicekit.kafka import make_producer
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


async def read_to_end(
    access: KafkaAccess,
    topic: str,
    *,
    keep: Callable[[ConsumerRecord[bytes, bytes]], bool] = lambda _: True,
    timeout_s: float = 60.0,
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every kept record of `topic` up to its end offsets as of this call, from the beginning.

    The end is taken first, so the answer is exact however full the topic is: a test proving
    that something was published only once reads everything written before it asks, rather
    than whatever a fixed time window happens to reach. Not reaching the end fails loudly.
    """
    consumer = AIOKafkaConsumer(**access.client_options(), enable_auto_commit=False)
    await consumer.start()
    kept: list[ConsumerRecord[bytes, bytes]] = []
    try:
        partitions = await _partitions_of(access, topic)
        ends = await consumer.end_offsets(partitions)
        pending = {tp: end for tp, end in ends.items() if end > 0}
        consumer.assign(list(pending))
        if pending:
            await consumer.seek_to_beginning(*pending)
        deadline = time.monotonic() + timeout_s
        while pending:
            if time.monotonic() >= deadline:
                raise AssertionError(f"{topic} not read to its end within {timeout_s}s")
            batches = await consumer.getmany(*pending, timeout_ms=500)
            for tp, records in batches.items():
                kept.extend(r for r in records if r.offset < pending[tp] and keep(r))
            for tp in list(pending):
                if await consumer.position(tp) >= pending[tp]:
                    del pending[tp]
    finally:
        await consumer.stop()
    return kept


async def _partitions_of(access: KafkaAccess, topic: str) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(**access.client_options(), client_id="test-partitions")
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [TopicPartition(topic, int(p["partition"])) for p in described["partitions"]]


async def wait_until_consumed(
    access: KafkaAccess, group: str, tp: TopicPartition, offset: int, *, timeout_s: float = 60.0
) -> None:
    """Wait until consumer group `group` has committed past `offset` on `tp`.

    Inbox consumers commit only after the database transaction holding the record's effects
    committed (servicekit.inbox), so this proves those effects, outbox rows included, exist.
    """
    admin = AIOKafkaAdminClient(**access.client_options(), client_id="test-offsets")
    await admin.start()
    try:

        async def committed_past() -> bool:
            offsets = await admin.list_consumer_group_offsets(group, partitions=[tp])
            meta = offsets.get(tp)
            return meta is not None and meta.offset > offset

        await eventually(committed_past, timeout_s=timeout_s)
    finally:
        await admin.close()


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


async def first_records_about(
    access: KafkaAccess, topic: str, project_id: object, *, timeout_s: float = 60.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """The records of `topic` whose event names the project, read until the first arrives."""
    keep = data_field_equals("project_id", str(project_id))
    return await read_until(
        access, topic, lambda got: len(got) >= 1, keep=keep, timeout_s=timeout_s
    )


async def send_one(
    access: KafkaAccess,
    client_id: str,
    topic: str,
    value: bytes,
    *,
    key: bytes,
    headers: Iterable[tuple[str, bytes]] = (),
) -> RecordMetadata:
    """One record from a producer of its own, as a client outside the services writes it."""
    async with make_producer(access, client_id) as producer:
        return await producer.send_and_wait(topic, value, key=key, headers=list(headers))
