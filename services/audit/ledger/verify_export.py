"""Offline verification of an exported ledger against signed checkpoints: no database.

The export is what `GET /v1/ledger` serves (pages saved as JSON, or their items as JSON
Lines); the checkpoints are what `GET /v1/ledger/checkpoints` serves, or the events read off
`greenlink.ledger-checkpoints` (one envelope per line); the key is what
`GET /v1/ledger/signing-key` serves (or its PEM). Every entry's hash is recomputed from its
envelope and the entry before, and every signed checkpoint must both carry a valid signature
and name a hash the export holds at its seq. Recomputing the whole chain consistently from the
first entry keeps the links intact but cannot reproduce the signed heads.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit.ledger.chain import GENESIS_HASH, EntryIndex
from audit.ledger.chain_walk import Break, ChainWalk, StoredEntry, index_of_body
from audit.ledger.checkpoint import SignedHead, from_b64url, signature_holds
from schemas.ledger import LedgerCheckpointed


@dataclass(frozen=True)
class ExportVerdict:
    """What the offline check covered and the first thing that does not hold, if any."""

    ok: bool
    entries: int
    first_seq: int | None
    last_seq: int | None
    signed_checkpoints: int
    anchored_through: int | None
    problem: str | None = None
    detail: str | None = None
    seq: int | None = None


def items_in(path: Path) -> Iterator[dict[str, Any]]:
    """Objects of a JSON file (a page with `items`, a list, one object) or of JSON Lines."""
    raw = path.read_bytes()
    try:
        docs: Iterable[Any] = [orjson.loads(raw)]
    except orjson.JSONDecodeError:
        docs = (orjson.loads(line) for line in raw.splitlines() if line.strip())
    for doc in docs:
        found = doc.get("items", [doc]) if isinstance(doc, dict) else doc
        for item in found:
            if not isinstance(item, dict):
                raise ValueError(f"{path}: expected objects, found {type(item).__name__}")
            yield item


# Stands for the index of a body that is not an event: the walk then names the entry.
_NO_INDEX = EntryIndex(uuid.UUID(int=0), "", "", None, datetime.min)


def stored_entry(item: dict[str, Any]) -> StoredEntry:
    """An entry as served: its body is the canonical form of the envelope it carries, and
    the index columns served beside it must agree with that body."""
    body = orjson.dumps(item["envelope"], option=orjson.OPT_SORT_KEYS)
    if "event_id" in item:
        project = item.get("project_id")
        index = EntryIndex(
            uuid.UUID(item["event_id"]),
            item["type"],
            item["subject"],
            uuid.UUID(project) if project else None,
            datetime.fromisoformat(item["event_time"]),
        )
    else:
        index = index_of_body(body) or _NO_INDEX
    prev_hash, digest = bytes.fromhex(item["prev_hash"]), bytes.fromhex(item["hash"])
    return StoredEntry(int(item["seq"]), index, prev_hash, digest, body)


def signed_head(item: dict[str, Any]) -> SignedHead | None:
    """A checkpoint as served, or as published (a `ledger.checkpointed.v1` envelope read off
    the topic); None for one recorded before checkpoints were signed."""
    if item.get("type") == LedgerCheckpointed.event_type and isinstance(item.get("data"), dict):
        item = item["data"]
    if not item.get("signature"):
        return None
    return SignedHead(
        int(item["seq"]),
        bytes.fromhex(item["hash"]),
        datetime.fromisoformat(item["signed_at"]),
        str(item["key_id"]),
        from_b64url(item["signature"]),
    )


def _failed(verdict: ExportVerdict, broken: Break) -> ExportVerdict:
    return replace(verdict, ok=False, problem=broken.problem, detail=broken.detail, seq=broken.seq)


def signed_hashes(
    heads: Iterable[SignedHead], key: Ed25519PublicKey
) -> tuple[dict[int, bytes], Break | None]:
    """The hash each checkpoint signs at its seq; the first forged or conflicting one breaks."""
    sealed: dict[int, bytes] = {}
    for head in heads:
        if not signature_holds(key, head):
            detail = "the signature does not verify with this key: forged or altered checkpoint"
            return sealed, Break(head.seq, None, "bad_signature", detail)
        if sealed.setdefault(head.seq, head.hash) != head.hash:
            detail = "two validly signed checkpoints name different hashes for this entry"
            return sealed, Break(head.seq, None, "conflicting_checkpoints", detail)
    return sealed, None


def _walk(
    entries: Iterable[dict[str, Any]], sealed: dict[int, bytes]
) -> tuple[ChainWalk, int | None, Break | None]:
    """Walk the entries in the order given, anchored at genesis or at the first one's link."""
    walk: ChainWalk | None = None
    first: int | None = None
    for item in entries:
        entry = stored_entry(item)
        if walk is None:
            first = entry.seq
            anchor = GENESIS_HASH if entry.seq == 1 else entry.prev_hash
            walk = ChainWalk(
                entry.seq, anchor, None, {s: h for s, h in sealed.items() if s >= first}
            )
        broken = walk.feed([entry])
        if broken is not None:
            return walk, first, broken
    return walk or ChainWalk(1, GENESIS_HASH), first, None


def verify_export(
    entries: Iterable[dict[str, Any]],
    checkpoints: Iterable[dict[str, Any]],
    key: Ed25519PublicKey,
) -> ExportVerdict:
    """Check the signed heads, then walk the export against them; see the module docstring."""
    heads = [h for h in (signed_head(c) for c in checkpoints) if h is not None]
    sealed, forged = signed_hashes(heads, key)
    nothing = ExportVerdict(True, 0, None, None, len(heads), None)
    if forged is not None:
        return _failed(nothing, forged)
    walk, first, broken = _walk(entries, sealed)
    last = walk.next_seq - 1 if first is not None else None
    covered = [s for s in sealed if first is not None and first <= s <= (last or 0)]
    verdict = replace(
        nothing, entries=walk.checked, first_seq=first, last_seq=last,
        anchored_through=max(covered, default=None),
    )  # fmt: skip
    if broken is not None:
        return _failed(verdict, broken)
    beyond = [s for s in sealed if s > (last or 0)]
    if beyond:
        detail = (
            f"a signed checkpoint seals entry {max(beyond)} but the export ends at {last or 0}:"
            " entries are missing (or the export is older than the checkpoints)"
        )
        return _failed(verdict, Break((last or 0) + 1, None, "missing_entry", detail))
    if verdict.anchored_through is None:
        detail = "no signed checkpoint falls within the export: nothing anchors it"
        return _failed(verdict, Break(first or 0, None, "unanchored", detail))
    return verdict
