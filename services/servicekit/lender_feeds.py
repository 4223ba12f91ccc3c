"""Copies every deal into its lender's own topic, which only that lender may read.

A record is copied byte for byte (same key, same headers) after the checks every consumer
makes: it parses, it is a deal event, and its topic's owner sent it. Offsets are committed
after the copies are acknowledged, so a crash copies a batch again: a bank's consumer may see
an event twice and recognises it by its envelope id. Feed topics are created on first use.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from schemas.catalog import model_for
from schemas.envelope import Envelope
from schemas.lender_feed import lender_feed_topic
from schemas.topics import DEALS
from servicekit.dlq import send_to_dlq
from servicekit.kafka import create_topics, make_consumer, make_producer, rewind_to_committed
from servicekit.provenance import check_provenance
from servicekit.settings import ServiceSettings

log = logging.getLogger(__name__)

GROUP = "matching-lender-feeds"
POISON = (ValueError, KeyError, AttributeError, TypeError)


def feed_of(record: ConsumerRecord[bytes, bytes]) -> str:
    """The lender topic a deal record belongs in; raises for anything that is not a deal."""
    if record.value is None:
        raise ValueError("record has no value")
    envelope = Envelope.from_record(record.value, record.headers)
    data = model_for(envelope.type).model_validate(envelope.data, extra="ignore")
    check_provenance(envelope, record.topic)
    lender_id = getattr(data, "lender_id", None)
    if lender_id is None:
        raise ValueError(f"{envelope.type} names no lender")
    return lender_feed_topic(uuid.UUID(str(lender_id)))


class LenderFeeds:
    """One consumer group over greenlink.deals, one producer into the lenders' topics."""

    def __init__(
        self, settings: ServiceSettings, consumer: AIOKafkaConsumer, producer: AIOKafkaProducer
    ) -> None:
        self.settings = settings
        self.consumer = consumer
        self.producer = producer
        self.known: set[str] = set()

    async def _ensure(self, topics: set[str]) -> None:
        new = topics - self.known
        if new:
            s = self.settings
            await create_topics(s.kafka_access, sorted(new), s.kafka_replication_factor)
            self.known |= new

    async def copy_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        routed: list[tuple[str, ConsumerRecord[bytes, bytes]]] = []
        for record in records:
            try:
                routed.append((feed_of(record), record))
            except POISON as exc:
                await send_to_dlq(self.producer, GROUP, self.settings.service_name, record, exc)
        await self._ensure({topic for topic, _ in routed})
        sent = [
            await self.producer.send(topic, value=r.value, key=r.key, headers=list(r.headers))
            for topic, r in routed
        ]
        await asyncio.gather(*sent)

    async def run(self, stop: asyncio.Event) -> None:
        """Copy until `stop`; after a failure, resume from the committed offsets."""
        failures = 0
        while not stop.is_set():
            try:
                batches = await self.consumer.getmany(timeout_ms=500, max_records=1000)
                for tp, records in batches.items():
                    await self.copy_batch(records)
                    await self.consumer.commit({tp: records[-1].offset + 1})
                failures = 0
            except Exception as exc:  # Kafka unavailable, rebalance: nothing committed is lost
                failures += 1
                log.warning("lender feed copy failed, retrying", extra={"error": repr(exc)})
                await asyncio.sleep(min(0.2 * 2**failures, 10.0))
                await rewind_to_committed(self.consumer)


async def run_lender_feeds(settings: ServiceSettings, stop: asyncio.Event) -> None:
    """The matching service's worker that keeps every lender's own feed topic filled."""
    access = settings.kafka_access
    consumer = make_consumer(access, GROUP, [DEALS.name])
    producer = make_producer(access, GROUP)
    await producer.start()
    try:
        await consumer.start()
        try:
            await LenderFeeds(settings, consumer, producer).run(stop)
        finally:
            await consumer.stop()
    finally:
        await producer.stop()
