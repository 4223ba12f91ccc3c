"""How far each of a service's consumer groups is behind, read from Kafka when asked.

The relay and consumer processes publish `greenlink_consumer_lag` for the partitions each
replica owns, but only while they run and only on their own metrics ports. The group's
committed offsets live in Kafka whatever runs, so the API asks the broker directly: committed
offset against the partition's end, which also shows the lag of a group whose consumers are
all down. A partition the group never committed on counts from its first record (the groups
start at the earliest offset). The service's own principal suffices: its groups' READ and its
consumed topics' DESCRIBE (kafka_acls) allow fetching offsets.

The same answer counts the records parked on the dead-letter twins of those topics: the
consumer processes that park them are not the API, so their metrics counters never reach it,
while the twin's offsets hold the count for every replica that ever wrote there. A twin is
shared by every service reading its topic, so its depth is the topic's, not one group's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from pydantic import BaseModel, Field

from schemas.topics import dead_letter_twin
from servicekit.kafka_access import KafkaAccess

TIMEOUT_S = 10.0
ConsumerGroups = Mapping[str, Sequence[str]]  # group id -> the topics it reads


class KafkaUnavailable(RuntimeError):
    """The broker could not be asked in time; the caller answers 503."""


class PartitionLag(BaseModel):
    topic: str
    partition: int = Field(ge=0)
    committed_offset: int | None = Field(description="Next offset the group will apply")
    end_offset: int = Field(ge=0, description="Offset the next record written will get")
    lag: int = Field(ge=0, description="Records written and not yet applied by the group")


class GroupLag(BaseModel):
    group: str
    topics: list[str]
    total_lag: int = Field(ge=0)
    partitions: list[PartitionLag]


class DeadLetterDepth(BaseModel):
    topic: str = Field(description="A dead-letter twin of a topic the service reads")
    records: int = Field(ge=0, description="Records parked there now, by any consumer")


class ConsumerLag(BaseModel):
    """Every consumer group of the service, with each partition of each topic it reads, and
    what the dead-letter twins of those topics hold."""

    groups: list[GroupLag]
    dead_letters: list[DeadLetterDepth] = Field(default_factory=list)


async def _partitions(admin: AIOKafkaAdminClient, topics: set[str]) -> list[TopicPartition]:
    """Every partition of `topics` the principal may describe (a refused topic is left out)."""
    described = await admin.describe_topics(sorted(topics))
    return sorted(
        TopicPartition(t["topic"], p["partition"])
        for t in described
        if not t["error_code"]
        for p in t["partitions"]
    )


async def _measure(access: KafkaAccess, groups: ConsumerGroups) -> ConsumerLag:
    async with AsyncExitStack() as stack:
        options = access.client_options()
        reader = AIOKafkaConsumer(**options, group_id=None, client_id="greenlink-lag")
        await reader.start()
        stack.push_async_callback(reader.stop)
        admin = AIOKafkaAdminClient(**options, client_id="greenlink-lag")
        await admin.start()
        stack.push_async_callback(admin.close)
        read = {t for ts in groups.values() for t in ts}
        partitions = await _partitions(admin, read | {dead_letter_twin(t) for t in read})
        # Assigned partitions have their leaders' metadata loaded at once; unassigned ones
        # make end_offsets wait out metadata retries (about half a second per call).
        reader.assign(partitions)
        ends = await reader.end_offsets(partitions)
        starts = await reader.beginning_offsets(partitions)
        parked: dict[str, int] = {}
        for tp in partitions:
            if tp.topic not in read:
                parked[tp.topic] = parked.get(tp.topic, 0) + ends[tp] - starts[tp]
        measured = []
        for group, topics in groups.items():
            own = [tp for tp in partitions if tp.topic in topics]
            committed = await admin.list_consumer_group_offsets(group, partitions=own)
            rows = []
            for tp in own:
                offset = committed.get(tp)
                at = offset.offset if offset is not None and offset.offset >= 0 else None
                lag = max(ends[tp] - (starts[tp] if at is None else at), 0)
                rows.append(
                    PartitionLag(
                        topic=tp.topic,
                        partition=tp.partition,
                        committed_offset=at,
                        end_offset=ends[tp],
                        lag=lag,
                    )
                )
            total = sum(r.lag for r in rows)
            measured.append(
                GroupLag(group=group, topics=list(topics), total_lag=total, partitions=rows)
            )
        depths = [DeadLetterDepth(topic=t, records=n) for t, n in sorted(parked.items())]
        return ConsumerLag(groups=measured, dead_letters=depths)


async def consumer_lag(access: KafkaAccess, groups: ConsumerGroups) -> ConsumerLag:
    """Each group's lag per partition; KafkaUnavailable when the broker does not answer."""
    if not groups:
        return ConsumerLag(groups=[])
    try:
        return await asyncio.wait_for(_measure(access, groups), TIMEOUT_S)
    except (KafkaError, OSError, TimeoutError) as exc:
        raise KafkaUnavailable(type(exc).__name__) from exc
