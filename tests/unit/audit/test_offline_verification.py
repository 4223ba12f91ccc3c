"""Offline verification of an exported ledger: a rewritten chain no longer meets its anchors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.ledger.chain import GENESIS_HASH, Entry, link
from audit.ledger.checkpoint import Signer, b64url
from audit.ledger.verify_export import items_in, verify_export
from schemas.envelope import Envelope

pytestmark = pytest.mark.unit

SIGNER = Signer(Ed25519PrivateKey.generate())
AT = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def envelope(n: int, amount: str) -> Envelope:
    return Envelope(
        id=uuid.UUID(int=n + 1), source="matching", type="deal.responded.v1",
        time=datetime(2026, 1, 1, 8, n % 60, tzinfo=UTC), subject=str(uuid.UUID(int=900 + n)),
        traceparent=f"00-{n + 1:032x}-{n + 1:016x}-01",
        data={"project_id": str(uuid.UUID(int=5000 + n)), "amount_cny": amount},
    )  # fmt: skip


def ledger(first_amount: str = "1.00", n: int = 12) -> list[Entry]:
    return link(
        0, GENESIS_HASH, [envelope(0, first_amount)] + [envelope(i, "2.50") for i in range(1, n)]
    )


def served(entries: list[Entry]) -> list[dict[str, Any]]:
    """Entries as `GET /v1/ledger` serves them, through JSON and back."""
    items = [
        {
            "seq": e.seq, "event_id": str(e.index.event_id), "type": e.index.type,
            "subject": e.index.subject, "project_id": str(e.index.project_id),
            "event_time": e.index.event_time.isoformat(), "appended_at": AT.isoformat(),
            "prev_hash": e.prev_hash.hex(), "hash": e.hash.hex(), "envelope": orjson.loads(e.body),
        }
        for e in entries
    ]  # fmt: skip
    return list(orjson.loads(orjson.dumps(items)))


def checkpoints(
    entries: list[Entry], every: int = 5, signer: Signer = SIGNER
) -> list[dict[str, Any]]:
    """Checkpoints as `GET /v1/ledger/checkpoints` serves them, every `every` entries."""
    found: list[dict[str, Any]] = []
    for e in entries[every - 1 :: every]:
        head = signer.sign(e.seq, e.hash, AT)
        found.append({
            "id": len(found) + 1, "seq": e.seq, "hash": e.hash.hex(), "reason": "periodic",
            "signed_at": "2026-03-01T08:30:00Z", "algorithm": "Ed25519", "key_id": head.key_id,
            "signature": b64url(head.signature),
        })  # fmt: skip
    return found


def test_the_intact_export_passes_and_says_how_far_it_is_anchored() -> None:
    entries = ledger()
    verdict = verify_export(served(entries), checkpoints(entries), SIGNER.public_key)
    assert verdict.ok, verdict
    assert (verdict.entries, verdict.signed_checkpoints, verdict.anchored_through) == (12, 2, 10)


def test_a_ledger_rewritten_consistently_from_the_first_entry_fails() -> None:
    original = ledger("1.00")
    anchors = checkpoints(original)
    rewritten = ledger("987654321.00")  # every hash recomputed: the links all hold
    assert [e.prev_hash for e in rewritten[1:]] == [e.hash for e in rewritten[:-1]]
    verdict = verify_export(served(rewritten), anchors, SIGNER.public_key)
    assert not verdict.ok
    assert (verdict.problem, verdict.seq) == ("checkpoint_mismatch", 5)


def test_checkpoints_re_hashed_to_match_a_rewrite_fail_their_signatures() -> None:
    original, rewritten = ledger("1.00"), ledger("987654321.00")
    anchors = checkpoints(original)
    for anchor, entry in zip(anchors, rewritten[4::5], strict=True):
        anchor["hash"] = entry.hash.hex()
    verdict = verify_export(served(rewritten), anchors, SIGNER.public_key)
    assert (verdict.ok, verdict.problem, verdict.seq) == (False, "bad_signature", 5)


def test_a_checkpoint_signed_by_another_key_fails() -> None:
    entries = ledger()
    forged = checkpoints(entries, signer=Signer(Ed25519PrivateKey.generate()))
    verdict = verify_export(served(entries), forged, SIGNER.public_key)
    assert (verdict.ok, verdict.problem) == (False, "bad_signature")


def test_an_export_cut_short_of_a_signed_checkpoint_fails() -> None:
    entries = ledger()
    verdict = verify_export(served(entries[:7]), checkpoints(entries), SIGNER.public_key)
    assert (verdict.ok, verdict.problem, verdict.seq) == (False, "missing_entry", 8)


def test_an_export_no_signed_checkpoint_covers_fails_as_unanchored() -> None:
    entries = ledger()
    verdict = verify_export(served(entries), [], SIGNER.public_key)
    assert (verdict.ok, verdict.problem) == (False, "unanchored")


def test_an_altered_envelope_in_the_export_is_named() -> None:
    entries = ledger()
    items = served(entries)
    items[2]["envelope"]["data"]["amount_cny"] = "9.99"
    verdict = verify_export(items, checkpoints(entries), SIGNER.public_key)
    assert (verdict.ok, verdict.problem, verdict.seq) == (False, "hash_mismatch", 3)


def test_a_later_slice_of_the_ledger_verifies_from_its_first_entry(tmp_path: Path) -> None:
    entries = ledger()
    verdict = verify_export(served(entries[3:]), checkpoints(entries), SIGNER.public_key)
    assert verdict.ok and (verdict.first_seq, verdict.anchored_through) == (4, 10)


def test_exports_read_as_saved_pages_or_as_json_lines(tmp_path: Path) -> None:
    items = served(ledger())
    pages = tmp_path / "pages.json"
    pages.write_bytes(orjson.dumps({"items": items[:6], "next_cursor": "6"}))
    lines = tmp_path / "entries.ndjson"
    lines.write_bytes(b"\n".join(orjson.dumps(i) for i in items) + b"\n")
    per_line_pages = tmp_path / "pages.ndjson"
    per_line_pages.write_bytes(
        orjson.dumps({"items": items[:6]}) + b"\n" + orjson.dumps({"items": items[6:]}) + b"\n"
    )
    assert list(items_in(pages)) == items[:6]
    assert list(items_in(lines)) == items == list(items_in(per_line_pages))


def test_checkpoints_read_off_the_topic_anchor_the_export_as_well() -> None:
    entries = ledger()
    published = [
        {"type": "ledger.checkpointed.v1", "source": "greenlink/audit", "data": c}
        for c in checkpoints(entries)
    ]
    verdict = verify_export(served(ledger("987654321.00")), published, SIGNER.public_key)
    assert (verdict.ok, verdict.problem) == (False, "checkpoint_mismatch")
    assert verify_export(served(entries), published, SIGNER.public_key).ok
