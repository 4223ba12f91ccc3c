"""Kafka ACLs derived from the topic topology, so a topic added later is guarded at once.

A service may write the topics it owns and the dead-letter twins of the topics it consumes, and
read only the topics it consumes; its consumer groups start with its name. A lender may read
only its own deal feed (`greenlink.lender.<lender_id>.deals`), which the deals' owner fills.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import IntEnum

from schemas.export.topology import consumers_of, producer_of
from schemas.lender_feed import LENDER_FEED_PREFIX, lender_feed_topic, lender_principal
from schemas.topics import DEALS, TOPICS, Topic


class Resource(IntEnum):
    """Kafka's AclResourceType codes."""

    TOPIC = 2
    GROUP = 3


class Pattern(IntEnum):
    """Kafka's PatternType codes."""

    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    """Kafka's AclOperation codes."""

    READ = 3
    WRITE = 4
    CREATE = 5
    DESCRIBE = 8


ALLOW = 3  # AclPermissionType.ALLOW
WRITER = (Operation.WRITE, Operation.DESCRIBE, Operation.CREATE)
READER = (Operation.READ, Operation.DESCRIBE)


@dataclass(frozen=True, order=True)
class AclBinding:
    """One allow rule: `principal` may do `operation` on the resource (any host)."""

    principal: str
    resource: Resource
    name: str
    pattern: Pattern
    operation: Operation

    @property
    def user(self) -> str:
        return f"User:{self.principal}"


def _grant(
    principal: str, name: str, operations: tuple[Operation, ...], pattern: Pattern
) -> list[AclBinding]:
    return [AclBinding(principal, Resource.TOPIC, name, pattern, op) for op in operations]


def services(topics: tuple[Topic, ...] = TOPICS) -> tuple[str, ...]:
    """Every service principal the topology names, in a stable order."""
    names = {producer_of(t) for t in topics} | {s for t in topics for s in consumers_of(t)}
    return tuple(sorted(names))


def writable_topics(service: str, topics: tuple[Topic, ...] = TOPICS) -> list[str]:
    """Topics `service` writes, and so creates: its own, and the DLQs of what it consumes
    (the deals' owner consumes deals too, to fill the lenders' feeds)."""
    owned = [t.name for t in topics if producer_of(t) == service]
    dlqs = [t.dlq for t in topics if service in consumers_of(t) or _feeds_lenders(service, t)]
    return owned + dlqs


def _feeds_lenders(service: str, topic: Topic) -> bool:
    return topic == DEALS and producer_of(topic) == service


def service_acls(service: str, topics: tuple[Topic, ...] = TOPICS) -> list[AclBinding]:
    """What one service principal may do, derived from the topology."""
    acls: list[AclBinding] = []
    for name in writable_topics(service, topics):
        acls += _grant(service, name, WRITER, Pattern.LITERAL)
    for topic in topics:
        if service in consumers_of(topic) or _feeds_lenders(service, topic):
            acls += _grant(service, topic.name, READER, Pattern.LITERAL)
        if _feeds_lenders(service, topic):
            acls += _grant(service, LENDER_FEED_PREFIX, WRITER, Pattern.PREFIXED)
    acls.append(
        AclBinding(service, Resource.GROUP, f"{service}-", Pattern.PREFIXED, Operation.READ)
    )
    return sorted(set(acls))


def lender_acls(lender_id: uuid.UUID) -> list[AclBinding]:
    """A lender reads its own feed, in consumer groups named after itself, and nothing else."""
    principal = lender_principal(lender_id)
    return [
        *_grant(principal, lender_feed_topic(lender_id), READER, Pattern.LITERAL),
        AclBinding(principal, Resource.GROUP, principal, Pattern.PREFIXED, Operation.READ),
    ]


def platform_acls(topics: tuple[Topic, ...] = TOPICS) -> list[AclBinding]:
    """Every service's ACLs together: what `make up`, the tests and compose provision."""
    return [acl for service in services(topics) for acl in service_acls(service, topics)]
