"""Who writes and who reads each topic: the one table the generated documents cannot infer."""

from __future__ import annotations

import inspect

from schemas.catalog import TOPIC_OF_EVENT
from schemas.topics import (
    CHECKPOINTS,
    DEALS,
    ENTERPRISES,
    MANDATES,
    PROJECTS,
    RANKER,
    SCORES,
    TOPICS,
    Topic,
)

# Each topic has a single writer. The event family alone cannot say who that is
# (`project.scored.v1` is a project event written by scoring), the owning topic can.
PRODUCER_OF_TOPIC: dict[str, str] = {
    ENTERPRISES.name: "registry",
    PROJECTS.name: "registry",
    SCORES.name: "scoring",
    MANDATES.name: "matching",
    DEALS.name: "matching",
    RANKER.name: "matching",
    CHECKPOINTS.name: "audit",
}
# Inbox readers besides the audit ledger, which reads every topic but its own and is added to
# each of them. Audit does not ledger the checkpoints it writes: they are about the ledger, kept
# in its append-only checkpoints table, and sealing each one would move the head the next
# checkpoint must sign, without end. Their readers are outside the platform (regulators).
CONSUMERS_OF_TOPIC: dict[str, tuple[str, ...]] = {
    PROJECTS.name: ("scoring", "matching"),
    SCORES.name: ("matching",),
    MANDATES.name: ("matching",),
    RANKER.name: ("matching",),
}
AUDITOR = "audit"


def producer_of(topic: Topic) -> str:
    """The one service that writes `topic`; a new topic must be given its writer above."""
    try:
        return PRODUCER_OF_TOPIC[topic.name]
    except KeyError:
        raise KeyError(f"{topic.name} has no producer in schemas/export/topology.py") from None


def consumers_of(topic: Topic) -> tuple[str, ...]:
    """Services whose inbox reads `topic`, the audit ledger last (unless audit wrote it)."""
    auditor = () if producer_of(topic) == AUDITOR else (AUDITOR,)
    return (*CONSUMERS_OF_TOPIC.get(topic.name, ()), *auditor)


def ledgered_topics() -> tuple[Topic, ...]:
    """The topics the audit ledger seals: every topic a service other than audit writes."""
    return tuple(t for t in TOPICS if AUDITOR in consumers_of(t))


def events_on(topic: Topic) -> list[str]:
    """Event types that travel on `topic`, sorted so output never depends on import order."""
    return sorted(t for t, owner in TOPIC_OF_EVENT.items() if owner == topic)


def summary(model: type[object]) -> str:
    """First line of a model's docstring: the one-line meaning the documents show."""
    return (inspect.cleandoc(model.__doc__ or "").splitlines() or [""])[0]
