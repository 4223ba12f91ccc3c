"""Kafka clients configured once: idempotent producer, manual-commit consumer, topic setup."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from schemas.topics import TOPICS, Topic

log = logging.getLogger(__name__)


def make_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """acks=all + idempotence: a retried send never lands twice in a partition."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=30_000,
    )


def make_consumer(bootstrap: str, group_id: str, topics: Iterable[str]) -> AIOKafkaConsumer:
    """Offsets are committed by hand, after the database commit, never automatically."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
        session_timeout_ms=30_000,
        heartbeat_interval_ms=3_000,
    )


def all_topic_names(topics: Iterable[Topic] = TOPICS) -> list[str]:
    """Every topic of the registry with its dead-letter twin."""
    return [name for t in topics for name in (t.name, t.dlq)]


async def ensure_topics(
    bootstrap: str, replication_factor: int = 1, topics: Iterable[Topic] = TOPICS
) -> None:
    """Create the registry's topics and DLQs that do not exist yet (idempotent)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="greenlink-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, t.partitions if name == t.name else 1, replication_factor)
            for t in topics
            for name in (t.name, t.dlq)
            if name not in existing
        ]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
            log.info("topics created", extra={"topics": [t.name for t in wanted]})
    finally:
        await admin.close()
