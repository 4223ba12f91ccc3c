"""Response shapes of the ledger and lineage API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from audit.ledger.chain_walk import Break


class LedgerEntryView(BaseModel):
    seq: int
    event_id: uuid.UUID
    type: str
    subject: str
    project_id: uuid.UUID | None
    event_time: datetime
    appended_at: datetime
    prev_hash: str
    hash: str
    envelope: dict[str, Any]


class BreakView(BaseModel):
    seq: int
    event_id: uuid.UUID | None
    problem: str
    detail: str
    expected_hash: str | None
    stored_hash: str | None

    @classmethod
    def of(cls, b: Break) -> BreakView:
        return cls(
            seq=b.seq,
            event_id=b.event_id,
            problem=b.problem,
            detail=b.detail,
            expected_hash=b.expected_hash.hex() if b.expected_hash else None,
            stored_hash=b.stored_hash.hex() if b.stored_hash else None,
        )


class VerifyReport(BaseModel):
    ok: bool
    from_seq: int
    to_seq: int | None
    last_seq: int
    head_seq: int
    checked: int
    seconds: float
    entries_per_second: float
    first_break: BreakView | None


class CheckpointView(BaseModel):
    """A chain head as recorded; signed ones verify offline with the signing key.

    The signature (base64url, no padding) covers the statement of `audit/ledger/checkpoint.py`,
    built from seq, hash, signed_at and key_id; checkpoints from before signing have none.
    """

    id: int
    seq: int
    hash: str
    reason: str
    requested_by: str | None
    created_at: datetime
    signed_at: datetime | None
    algorithm: Literal["Ed25519"] | None
    key_id: str | None
    signature: str | None


class SigningKeyView(BaseModel):
    """The public half of the key that signs checkpoints, as a JWK (RFC 8037) and as PEM."""

    algorithm: Literal["Ed25519"]
    key_id: str
    jwk: dict[str, str]
    pem: str


class LineageEntry(BaseModel):
    seq: int
    event_id: uuid.UUID
    type: str
    step: str
    at: datetime
    source: str
    summary: dict[str, Any]
    data: dict[str, Any] | None = None
