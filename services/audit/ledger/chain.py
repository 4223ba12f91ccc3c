"""The hash chain: canonical bytes of an envelope and how each entry seals the one before.

`hash = SHA-256(prev_hash || canonical JSON)`, where prev_hash is the previous entry's 32-byte
digest (32 zero bytes before the first entry) and canonical JSON is the envelope serialised by
orjson with keys sorted at every depth. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import orjson

from schemas.envelope import Envelope

GENESIS_HASH = bytes(32)


def canonical_json(envelope: Envelope) -> bytes:
    """The one byte form of an envelope that is hashed: equal events give equal bytes."""
    return orjson.dumps(envelope.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)


def chain_hash(prev_hash: bytes, body: bytes) -> bytes:
    """The digest that seals `body` to everything before it."""
    return hashlib.sha256(prev_hash + body).digest()


@dataclass(frozen=True)
class EntryIndex:
    """Columns kept beside the hashed body so the ledger can be searched; derived from it."""

    event_id: uuid.UUID
    type: str
    subject: str
    project_id: uuid.UUID | None
    event_time: datetime


def project_id_in(data: dict[str, object]) -> uuid.UUID | None:
    """Events keyed by lender (deals) carry the project in their data: index them by it too."""
    value = data.get("project_id")
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def index_of(envelope: Envelope) -> EntryIndex:
    return EntryIndex(
        envelope.id, envelope.type, envelope.subject, project_id_in(envelope.data), envelope.time
    )


@dataclass(frozen=True)
class Entry:
    """One sealed ledger entry, ready to be stored."""

    seq: int
    index: EntryIndex
    prev_hash: bytes
    hash: bytes
    body: bytes


def link(head_seq: int, head_hash: bytes, envelopes: Iterable[Envelope]) -> list[Entry]:
    """Seal envelopes after the head, in the order given (the order they were consumed)."""
    entries: list[Entry] = []
    seq, prev = head_seq, head_hash
    for envelope in envelopes:
        body = canonical_json(envelope)
        seq, digest = seq + 1, chain_hash(prev, body)
        entries.append(Entry(seq, index_of(envelope), prev, digest, body))
        prev = digest
    return entries


def checkpoint_due(old_seq: int, new_seq: int, every: int) -> bool:
    """A checkpoint is written whenever an append crosses a multiple of `every`."""
    return new_seq // every > old_seq // every
