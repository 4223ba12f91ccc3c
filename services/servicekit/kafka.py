"""Kafka clients configured once: idempotent producer, manual-commit consumer, topic setup."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from schemas.topics import TOPICS, Topic
from servicekit.kafka_access import KafkaAccess

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36


class TopicCreationError(RuntimeError):
    """The broker refused to create a topic (most often: the principal may not)."""


def make_producer(access: KafkaAccess, client_id: str) -> AIOKafkaProducer:
    """acks=all + idempotence: a retried send never lands twice in a partition."""
    return AIOKafkaProducer(
        **access.client_options(),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=30_000,
    )


def make_consumer(access: KafkaAccess, group_id: str, topics: Iterable[str]) -> AIOKafkaConsumer:
    """Offsets are committed by hand, after the database commit, never automatically."""
    return AIOKafkaConsumer(
        *topics,
        **access.client_options(),
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
        session_timeout_ms=30_000,
        heartbeat_interval_ms=3_000,
    )


async def rewind_to_committed(consumer: AIOKafkaConsumer) -> None:
    """Seek every assigned partition back to its committed offset, so a retry skips nothing."""
    for tp in consumer.assignment():
        committed = await consumer.committed(tp)
        if committed is None:
            await consumer.seek_to_beginning(tp)
        else:
            consumer.seek(tp, committed)


def all_topic_names(topics: Iterable[Topic] = TOPICS) -> list[str]:
    """Every topic of the registry with its dead-letter twin."""
    return [name for t in topics for name in (t.name, t.dlq)]


def _partitions(name: str, topics: Iterable[Topic]) -> int:
    """A registry topic's own count; dead-letter twins and lender feeds have one."""
    return next((t.partitions for t in topics if t.name == name), 1)


async def create_topics(
    access: KafkaAccess, names: Iterable[str], replication_factor: int = 1
) -> None:
    """Create the named topics that do not exist yet (idempotent); the principal needs CREATE."""
    admin = AIOKafkaAdminClient(**access.client_options(), client_id="greenlink-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, _partitions(name, TOPICS), replication_factor)
            for name in dict.fromkeys(names)
            if name not in existing
        ]
        if not wanted:
            return
        response = await admin.create_topics(wanted)
        refused = [
            (e[0], e[1]) for e in response.topic_errors if e[1] not in (0, TOPIC_ALREADY_EXISTS)
        ]
        if refused:
            raise TopicCreationError(f"topics not created (name, Kafka error code): {refused}")
        log.info("topics created", extra={"topics": [t.name for t in wanted]})
    finally:
        await admin.close()
