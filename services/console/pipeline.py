"""Pipeline health as each service reports it on its operational endpoints.

`/readyz` says whether the service reaches PostgreSQL and Kafka; `/metrics` carries the API
process's own figures. `/v1/consumer-lag` (asked with the regulator's token) says how far each
of the service's consumer groups is behind and what the dead-letter twins of its topics hold,
as Kafka keeps them, so consumers running as separate processes, or not running at all, show
too. A twin is shared by every service reading its topic: the page lists each twin once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from console.backends import SERVICES, Backends, BackendUnavailable, Service


@dataclass(frozen=True)
class GroupLag:
    """A consumer group's records not yet applied: in total, and on its worst partition."""

    service: str
    group: str
    total_lag: int
    partitions: list[dict[str, Any]]

    @property
    def worst(self) -> dict[str, Any] | None:
        return max(self.partitions, key=lambda p: p["lag"], default=None)


@dataclass
class ServiceHealth:
    name: str
    reachable: bool = False
    ready: bool = False
    checks: dict[str, str] = field(default_factory=dict)
    outbox_unpublished: int = 0
    handler_failures: int = 0
    events_consumed: int = 0
    groups: list[GroupLag] = field(default_factory=list)
    lag_known: bool = False
    dead_letters: dict[str, int] = field(default_factory=dict)  # twin -> records parked


def read_metrics(health: ServiceHealth, exposition: str) -> None:
    """Fold the Prometheus text into the figures the page shows."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            value = int(sample.value)
            if sample.name == "greenlink_outbox_unpublished":
                health.outbox_unpublished += value
            elif sample.name == "greenlink_handler_failures_total":
                health.handler_failures += value
            elif sample.name == "greenlink_events_consumed_total":
                health.events_consumed += value


async def read_lag(health: ServiceHealth, backends: Backends, name: Service, token: str) -> None:
    """The service's consumer groups; unknown (not zero) when it cannot say."""
    try:
        answer = await backends.call(name, "GET", "/v1/consumer-lag", token)
    except BackendUnavailable:
        return
    if not answer.ok or not isinstance(answer.body, dict):
        return
    health.lag_known = True
    health.groups = [
        GroupLag(health.name, g["group"], g["total_lag"], g["partitions"])
        for g in answer.body.get("groups", [])
    ]
    health.dead_letters = {d["topic"]: d["records"] for d in answer.body.get("dead_letters", [])}


async def service_health(backends: Backends, name: Service, token: str) -> ServiceHealth:
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
    await read_lag(health, backends, name, token)
    return health


async def platform_health(backends: Backends, token: str) -> list[ServiceHealth]:
    """Every service's health, asked at once; `token` is the reader's own."""
    found = await asyncio.gather(*(service_health(backends, name, token) for name in SERVICES))
    return list(found)


@dataclass(frozen=True)
class DeadLetterTwin:
    topic: str
    records: int
    read_by: list[str]


def dead_letter_twins(services: list[ServiceHealth]) -> list[DeadLetterTwin]:
    """Each dead-letter twin once, with the services whose topics it serves."""
    twins: dict[str, DeadLetterTwin] = {}
    for health in services:
        for topic, records in health.dead_letters.items():
            known = twins.get(topic)
            readers = [*known.read_by, health.name] if known else [health.name]
            twins[topic] = DeadLetterTwin(
                topic, max(records, known.records if known else 0), readers
            )
    return [twins[t] for t in sorted(twins)]
