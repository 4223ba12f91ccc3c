"""Pipeline health as each service reports it on its open operational endpoints.

`/readyz` says whether the service reaches PostgreSQL and Kafka; `/metrics` carries its
dead-letter counts per topic, the outbox rows not yet published and the batches a handler
failed on. The console reads them over HTTP like any monitoring system would.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
from prometheus_client.parser import text_string_to_metric_families

from console.backends import SERVICES, Backends, Service


@dataclass
class ServiceHealth:
    name: str
    reachable: bool = False
    ready: bool = False
    checks: dict[str, str] = field(default_factory=dict)
    dead_letters: dict[str, int] = field(default_factory=dict)
    outbox_unpublished: int = 0
    handler_failures: int = 0
    events_consumed: int = 0

    @property
    def dead_letter_total(self) -> int:
        return sum(self.dead_letters.values())


def read_metrics(health: ServiceHealth, exposition: str) -> None:
    """Fold the Prometheus text into the figures the page shows."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            value = int(sample.value)
            if sample.name == "greenlink_dead_letters_total":
                topic = sample.labels.get("topic", "?")
                health.dead_letters[topic] = health.dead_letters.get(topic, 0) + value
            elif sample.name == "greenlink_outbox_unpublished":
                health.outbox_unpublished += value
            elif sample.name == "greenlink_handler_failures_total":
                health.handler_failures += value
            elif sample.name == "greenlink_events_consumed_total":
                health.events_consumed += value


async def service_health(backends: Backends, name: Service) -> ServiceHealth:
    health = ServiceHealth(name)
    client = backends.client(name)
    try:
        ready = await client.get("/readyz")
        metrics = await client.get("/metrics")
    except httpx.HTTPError:
        return health
    health.reachable = True
    health.ready = ready.status_code == 200
    try:
        body = ready.json()
    except ValueError:
        body = {}
    health.checks = {k: str(v) for k, v in body.items() if k != "status"}
    if metrics.status_code == 200:
        read_metrics(health, metrics.text)
    return health


async def platform_health(backends: Backends) -> list[ServiceHealth]:
    return list(await asyncio.gather(*(service_health(backends, name) for name in SERVICES)))
