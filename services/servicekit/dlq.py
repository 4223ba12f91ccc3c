"""Parking a record on its topic's dead-letter twin, with the reason in headers."""

from __future__ import annotations

import logging

from aiokafka import AIOKafkaProducer, ConsumerRecord

from schemas.topics import dead_letter_twin
from servicekit.metrics import DEAD_LETTERS

log = logging.getLogger(__name__)


async def send_to_dlq(
    producer: AIOKafkaProducer,
    consumer: str,
    service: str,
    record: ConsumerRecord[bytes, bytes],
    exc: BaseException,
) -> None:
    """The partition moves on; the record (value, key and headers, so a CloudEvent stays one),
    its position and why it was refused are kept."""
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    kept = [(name, value) for name, value in record.headers if not name.startswith("dlq_")]
    headers = [
        *kept,
        ("dlq_reason", reason.encode()),
        ("dlq_error_type", type(exc).__name__.encode()),
        ("dlq_consumer", consumer.encode()),
        ("dlq_source_topic", record.topic.encode()),
        ("dlq_source_partition", str(record.partition).encode()),
        ("dlq_source_offset", str(record.offset).encode()),
    ]
    await producer.send_and_wait(
        dead_letter_twin(record.topic), value=record.value, key=record.key, headers=headers
    )
    DEAD_LETTERS.labels(service, record.topic).inc()
    log.warning(
        "event dead-lettered",
        extra={"topic": record.topic, "offset": record.offset, "reason": reason},
    )
