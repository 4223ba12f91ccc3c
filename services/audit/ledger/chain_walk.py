"""Re-walking the chain (both verifications use it): the first entry whose seal, position or
index does not hold.

The walk is fed in batches so a ledger of millions of rows never sits in memory. It finds
altered entries (the recomputed hash differs), deleted ones (a gap in seq, or a prev_hash that
is not the previous entry's hash), inserted ones (a hash that does not follow, or entries past
the recorded head) and index columns that disagree with the hashed body. Pure: no I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import orjson

from audit.ledger.chain import EntryIndex, chain_hash, project_id_in


@dataclass(frozen=True)
class StoredEntry:
    """A ledger row as read back from storage."""

    seq: int
    index: EntryIndex
    prev_hash: bytes
    hash: bytes
    body: bytes


@dataclass(frozen=True)
class Break:
    """The first entry at which the chain does not hold, and why."""

    seq: int
    event_id: uuid.UUID | None
    problem: str
    detail: str
    expected_hash: bytes | None = None
    stored_hash: bytes | None = None


def index_of_body(body: bytes) -> EntryIndex | None:
    """The index columns as the hashed body states them; None when the body is not an event."""
    try:
        doc = orjson.loads(body)
        data = doc.get("data")
        return EntryIndex(
            uuid.UUID(doc["id"]),
            doc["type"],
            doc["subject"],
            project_id_in(data if isinstance(data, dict) else {}),
            datetime.fromisoformat(doc["time"]),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None


@dataclass
class ChainWalk:
    """Walks entries in seq order from an anchor (the hash of the entry before the first)."""

    next_seq: int
    prev_hash: bytes
    head_seq: int | None = None
    checkpoints: Mapping[int, bytes] = field(default_factory=dict)
    checked: int = 0

    def feed(self, entries: Iterable[StoredEntry]) -> Break | None:
        for entry in entries:
            broken = self._check(entry)
            if broken is not None:
                return broken
            self.prev_hash = entry.hash
            self.next_seq = entry.seq + 1
            self.checked += 1
        return None

    def _check(self, e: StoredEntry) -> Break | None:
        eid = e.index.event_id
        if self.head_seq is not None and e.seq > self.head_seq:
            return Break(
                e.seq,
                eid,
                "beyond_head",
                f"entry {e.seq} lies past the recorded head ({self.head_seq}): inserted outside"
                " the chain",
            )
        if e.seq != self.next_seq:
            return Break(
                self.next_seq,
                None,
                "missing_entry",
                f"entry {self.next_seq} is missing: the next stored entry is {e.seq}",
            )
        if e.prev_hash != self.prev_hash:
            return Break(
                e.seq,
                eid,
                "prev_hash_mismatch",
                "prev_hash is not the hash of the entry before: an entry was removed or inserted",
                self.prev_hash,
                e.prev_hash,
            )
        expected = chain_hash(self.prev_hash, e.body)
        if expected != e.hash:
            return Break(
                e.seq,
                eid,
                "hash_mismatch",
                "the stored hash does not seal this body: the entry was altered or forged",
                expected,
                e.hash,
            )
        if index_of_body(e.body) != e.index:
            return Break(
                e.seq,
                eid,
                "index_mismatch",
                "the indexed columns (id, type, subject, project, time) disagree with the body",
            )
        sealed = self.checkpoints.get(e.seq)
        if sealed is not None and sealed != e.hash:
            return Break(
                e.seq,
                eid,
                "checkpoint_mismatch",
                "the chain was rewritten since a checkpoint recorded this entry's hash",
                sealed,
                e.hash,
            )
        return None

    def finish(self, head_seq: int, head_hash: bytes) -> Break | None:
        """After the last entry: the recorded head must be exactly where the walk ended."""
        last = self.next_seq - 1
        if last < head_seq:
            return Break(
                self.next_seq,
                None,
                "missing_entry",
                f"the head records {head_seq} entries but the ledger ends at {last}",
            )
        sealed_later = [seq for seq in self.checkpoints if seq > last]
        if sealed_later:
            return Break(
                last + 1,
                None,
                "missing_entry",
                f"a checkpoint sealed entry {max(sealed_later)} but the ledger ends at {last}",
            )
        if last > 0 and head_hash != self.prev_hash:
            return Break(
                last,
                None,
                "head_mismatch",
                "the recorded head hash differs from the last entry",
                self.prev_hash,
                head_hash,
            )
        return None
