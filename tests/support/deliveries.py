"""Events as the inbox receives them, built in memory: property tests hand a consumer's
handlers the same life in any order and any batching without a broker in between."""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import ConsumerRecord

from schemas.envelope import Envelope, EventData
from servicekit.inbox import Delivered


def delivered(event: EventData, topic: str, source: str, offset: int) -> Delivered:
    """`event` as read from partition 0 of `topic` at `offset`, published by `source`."""
    record = ConsumerRecord(topic, 0, offset, 0, 0, None, None, None, 0, 0, ())
    return Delivered(Envelope.wrap(event, source=source), event, record)


def in_batches(items: Sequence[Delivered], cuts: Sequence[bool]) -> list[list[Delivered]]:
    """Split a partition's records into consecutive batches (a cut after item i)."""
    batches: list[list[Delivered]] = [[]]
    for item, cut in zip(items, cuts, strict=True):
        batches[-1].append(item)
        if cut:
            batches.append([])
    return [b for b in batches if b]
