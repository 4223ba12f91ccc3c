"""Inbox consumer: a batch's effects and its processed_events rows commit together.

The Kafka offset is committed only after the database commit, so a crash replays the batch
and the inbox turns the replay into a no-op. Handlers run as the service itself (`SYSTEM`
in servicekit.rls), since one batch holds many tenants' events. Only records that break their
contract (cannot be parsed or validated, wrong provenance) or that a handler explicitly calls
poison (`PoisonEvent`) go to the topic's dead-letter twin with the reason in headers. Any other
handler error is a bug, not the event's fault: it is logged, counted and retried with backoff
while the partition waits, so a good event is never parked. Database outages are retried too.

Which handler takes which event is the service's table (servicekit.consumers); a batch a
handler refuses is isolated record by record (servicekit.batches).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError
from pydantic import ValidationError

from schemas.catalog import model_for
from schemas.envelope import Envelope
from servicekit.batches import apply_isolating
from servicekit.consumers import Delivered, HandlerTable
from servicekit.dlq import send_to_dlq
from servicekit.kafka import rewind_to_committed
from servicekit.metrics import (
    CONSUMER_LAG,
    EVENTS_CONSUMED,
    EVENTS_DUPLICATE,
    HANDLER_FAILURES,
    TRANSIENT_RETRIES,
)
from servicekit.provenance import check_provenance
from servicekit.rls import SYSTEM, act_for

__all__ = ["CONTRACT_ERRORS", "Delivered", "InboxConsumer", "PoisonEvent"]
log = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.TooManyConnectionsError,
    TimeoutError,
)


class PoisonEvent(Exception):
    """A handler's verdict that an event can never be applied (it goes to the DLQ)."""


# A record breaking its contract: undecodable, failing validation, of an unknown type.
CONTRACT_ERRORS = (PoisonEvent, ValueError, ValidationError, KeyError, asyncpg.DataError)
# What a handler may raise to park an event: its explicit verdict, or data the database refuses.
# A ValueError or KeyError from a handler is a bug and is retried (InboxConsumer.run).
HANDLER_POISON = (PoisonEvent, asyncpg.DataError)


def parse_record(
    record: ConsumerRecord[bytes, bytes], handled: Container[str]
) -> Delivered[Any] | None:
    """Validate a record tolerantly (unknown fields ignored); raises for the dead-letter path.

    Returns None for a well-formed event of a type this consumer has no interest in. An event
    its topic's owner did not send is refused (servicekit.provenance).
    """
    if record.value is None:
        raise PoisonEvent("record has no value")
    envelope = Envelope.from_record(record.value, record.headers)
    model = model_for(envelope.type)
    data = model.model_validate(envelope.data, extra="ignore")
    check_provenance(envelope, record.topic)
    if envelope.type not in handled:
        return None
    return Delivered(envelope, data, record)


@dataclass
class InboxConsumer:
    """Runs handlers over batches from Kafka with effectively-once effects."""

    name: str
    service: str
    pool: asyncpg.Pool
    consumer: AIOKafkaConsumer
    producer: AIOKafkaProducer
    handlers: HandlerTable
    batch_max: int = 2000
    retry_initial_s: float = 0.2
    retry_max_s: float = 10.0
    lag_every_s: float = 1.0
    _lag_measured_at: float = field(default=0.0, init=False)
    _lag_reported: set[TopicPartition] = field(default_factory=set, init=False)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Consume until `stop` is set."""
        stop = stop or asyncio.Event()
        failures = 0
        while not stop.is_set():
            try:
                batches = await self.consumer.getmany(timeout_ms=500, max_records=self.batch_max)
                for tp, records in batches.items():
                    await self._process_partition(tp, records)
                failures = 0
                await self.record_lag()
            except Exception as exc:  # uncommitted offsets are read again after the pause
                failures += 1
                HANDLER_FAILURES.labels(self.service).inc()
                log.exception(
                    "consumer batch failed; the partition waits and the batch is retried",
                    extra={"consumer": self.name, "attempt": failures, "error": repr(exc)},
                )
                await asyncio.sleep(min(self.retry_initial_s * 2**failures, self.retry_max_s))
                await rewind_to_committed(self.consumer)

    async def record_lag(self, force: bool = False) -> None:
        """Publish how far behind each partition this replica owns is (`greenlink_consumer_lag`)
        at most once per `lag_every_s`: what an autoscaler on consumer lag reads."""
        now = time.monotonic()
        if not force and now - self._lag_measured_at < self.lag_every_s:
            return
        self._lag_measured_at = now
        owned = self.consumer.assignment()
        for tp in self._lag_reported - owned:  # revoked in a rebalance: another replica reports
            CONSUMER_LAG.remove(self.service, self.name, tp.topic, str(tp.partition))
        self._lag_reported &= owned
        for tp in owned:
            end = self.consumer.highwater(tp)
            if end is None:  # nothing fetched from it yet
                continue
            position = await self.consumer.position(tp)
            labels = (self.service, self.name, tp.topic, str(tp.partition))
            CONSUMER_LAG.labels(*labels).set(max(end - position, 0))
            self._lag_reported.add(tp)

    async def _process_partition(
        self, tp: TopicPartition, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> None:
        good: list[Delivered[Any]] = []
        for record in records:
            try:
                delivered = parse_record(record, self.handlers)
            except CONTRACT_ERRORS as exc:
                await self.dead_letter(record, exc)
                continue
            if delivered is not None:
                good.append(delivered)
        await self._apply_with_retry(good)
        try:
            await self.consumer.commit({tp: records[-1].offset + 1})
        except CommitFailedError as exc:
            log.warning("offset commit failed after rebalance", extra={"error": str(exc)})

    async def _apply_with_retry(self, events: list[Delivered[Any]]) -> None:
        delay = self.retry_initial_s
        while True:
            try:
                await self._apply_isolating_poison(events)
                return
            except TRANSIENT_ERRORS as exc:
                TRANSIENT_RETRIES.labels(self.service).inc()
                log.warning("transient failure, retrying", extra={"error": repr(exc)})
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max_s)

    async def _apply_isolating_poison(self, events: list[Delivered[Any]]) -> None:
        """Apply the batch at once; if a handler rejects it, apply one by one to find why."""

        async def park(event: Delivered[Any], exc: BaseException) -> None:
            await self.dead_letter(event.record, exc)

        await apply_isolating(events, self._apply, HANDLER_POISON, park)

    async def _apply(self, events: Sequence[Delivered[Any]]) -> None:
        async with self.pool.acquire() as con, con.transaction():
            # A batch holds many tenants' events: handlers work as the service itself.
            await act_for(con, SYSTEM, None)
            inserted = await con.fetch(
                "INSERT INTO processed_events (consumer, event_id)"
                " SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id",
                self.name,
                [e.envelope.id for e in events],
            )
            fresh_ids = {r["event_id"] for r in inserted}
            fresh = [e for e in events if e.envelope.id in fresh_ids]
            fresh = list({e.envelope.id: e for e in reversed(fresh)}.values())[::-1]
            EVENTS_DUPLICATE.labels(self.service).inc(len(events) - len(fresh))
            await self.handlers.dispatch(con, fresh, consumer=self.name)
        for e in fresh:
            EVENTS_CONSUMED.labels(self.service, e.record.topic).inc()

    async def dead_letter(self, record: ConsumerRecord[bytes, bytes], exc: BaseException) -> None:
        """Park a record on the DLQ with the reason; the partition moves on."""
        await send_to_dlq(self.producer, self.name, self.service, record, exc)
