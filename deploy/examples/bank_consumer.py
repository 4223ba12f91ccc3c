"""A bank reads its own GreenLink deal feed from Kafka with its own credentials.

Needs only aiokafka (`pip install aiokafka`); copy it and adapt the `handle` function. The
platform operator gives the bank these settings (locally: `python deploy/local/infra.py
lender-credentials <lender_id>`):

    KAFKA_BOOTSTRAP_SERVERS   brokers, e.g. kafka.greenlink.example:9093
    KAFKA_SECURITY_PROTOCOL   SASL_SSL in production (SASL_PLAINTEXT only on a local machine)
    KAFKA_SASL_MECHANISM      SCRAM-SHA-512
    KAFKA_USERNAME            lender-<lender_id>
    KAFKA_PASSWORD            the bank's own secret
    KAFKA_SSL_CAFILE          the platform's CA certificate (SASL_SSL)
    GREENLINK_LENDER_ID       the lender id, which names the feed topic

Each record is a CloudEvent in the Kafka binding's structured content mode: the value is the
event in the JSON format, the `content-type` header is `application/cloudevents+json`. It is
read here with the standard library; any CloudEvents SDK decodes it too (in Python,
`cloudevents.core.bindings.kafka.from_kafka` with the JSON format).

The principal may read `greenlink.lender.<lender_id>.deals` in consumer groups whose names start
with `lender-<lender_id>` and nothing else. Deliveries are at least once: an event seen twice
carries the same envelope `id`, so keep the ids you have handled.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
from typing import Any

from aiokafka import AIOKafkaConsumer


def feed_topic(lender_id: str) -> str:
    return f"greenlink.lender.{lender_id}.deals"


def connection() -> dict[str, Any]:
    """aiokafka options from the environment; TLS whenever the protocol says SSL."""
    protocol = os.environ.get("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    options: dict[str, Any] = {
        "bootstrap_servers": os.environ["KAFKA_BOOTSTRAP_SERVERS"],
        "security_protocol": protocol,
        "sasl_mechanism": os.environ.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
        "sasl_plain_username": os.environ["KAFKA_USERNAME"],
        "sasl_plain_password": os.environ["KAFKA_PASSWORD"],
    }
    if protocol.endswith("SSL"):
        options["ssl_context"] = ssl.create_default_context(
            cafile=os.environ.get("KAFKA_SSL_CAFILE")
        )
    return options


def is_cloudevent(headers: Any) -> bool:
    """A structured-mode CloudEvent in JSON, as every GreenLink record is."""
    declared = dict(headers).get("content-type", b"application/cloudevents+json")
    return bool(declared.split(b";")[0].strip().lower() == b"application/cloudevents+json")


def handle(event: dict[str, Any]) -> None:
    """Replace with the bank's own processing; here each event is one JSON line on stdout."""
    data = event.get("data", {})
    summary = {"id": event.get("id"), "type": event.get("type"), "deal_id": data.get("deal_id")}
    print(json.dumps(summary, ensure_ascii=False), flush=True)


async def consume(lender_id: str, max_events: int | None = None) -> int:
    """Read the feed from the last committed position; offsets are committed after handling."""
    options = connection()
    consumer = AIOKafkaConsumer(
        feed_topic(lender_id),
        **options,
        group_id=f"{options['sasl_plain_username']}-feed",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    seen: set[str] = set()
    await consumer.start()
    try:
        while max_events is None or len(seen) < max_events:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                for record in records:
                    if not is_cloudevent(record.headers):
                        continue
                    event = json.loads(record.value or b"{}")
                    if event.get("id") not in seen:
                        seen.add(str(event.get("id")))
                        handle(event)
            if batches:
                await consumer.commit()
    finally:
        await consumer.stop()
    return len(seen)


if __name__ == "__main__":
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else None
    asyncio.run(consume(os.environ["GREENLINK_LENDER_ID"], limit))
