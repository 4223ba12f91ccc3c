"""Provenance: an event counts only if the service that owns its topic says it sent it.

ACLs stop one service's principal from writing another's topics; this check is the second
door, so a record that got past them anyway (a mistaken ACL, an operator's replay of the wrong
file) cannot speak for a service that never said it. Sources are `greenlink/<service>` or
`greenlink/<service>-<part>` (the registry's intake writes as `greenlink/registry-intake`).
"""

from __future__ import annotations

from schemas.catalog import TOPIC_OF_EVENT
from schemas.envelope import Envelope
from schemas.export.topology import producer_of
from schemas.topics import topic_named

SOURCE_PREFIX = "greenlink/"


class ForgedEvent(ValueError):
    """The event's source or type does not belong on the topic it arrived on."""


def source_service(source: str) -> str | None:
    """The service a CloudEvents `source` names, or None when it names none of ours."""
    if not source.startswith(SOURCE_PREFIX):
        return None
    return source.removeprefix(SOURCE_PREFIX).split("-", 1)[0] or None


def source_of(service: str) -> str:
    """The `source` a service's own events carry."""
    return f"{SOURCE_PREFIX}{service}"


def check_provenance(envelope: Envelope, topic_name: str) -> None:
    """Raise ForgedEvent unless the topic's owner sent an event of a type that travels on it."""
    try:
        topic = topic_named(topic_name)
    except KeyError:
        raise ForgedEvent(f"{topic_name} is not a topic of the registry") from None
    home = TOPIC_OF_EVENT.get(envelope.type)
    if home is None or home.name != topic.name:
        where = home.name if home else "no topic"
        raise ForgedEvent(f"{envelope.type} travels on {where}, not on {topic.name}")
    owner = producer_of(topic)
    if source_service(envelope.source) != owner:
        raise ForgedEvent(
            f"source {envelope.source!r} is not {topic.name}'s owner {source_of(owner)!r}"
        )
