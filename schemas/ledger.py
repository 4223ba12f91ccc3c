"""Ledger contracts: a signed checkpoint of the audit ledger's hash chain.

A checkpoint states "entry `seq` of the ledger has hash `hash`", signed with the audit
service's Ed25519 key. Copies kept outside the platform's database (by a regulator reading the
topic or the API) anchor the chain: a rewrite of the ledger no longer matches them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from schemas.envelope import EventData

# The hex of a SHA-256 digest; the base64url (no padding) of a 64-byte Ed25519 signature.
HashHex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", min_length=64, max_length=64)]
SignatureB64 = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{86}$", min_length=86, max_length=86)]
# RFC 7638 thumbprint of the public key: base64url (no padding) of a SHA-256 digest.
Reason = Literal["periodic", "interval", "requested"]
KeyId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{43}$", min_length=43, max_length=43)]


class LedgerCheckpointed(EventData):
    """The audit ledger's chain head at `seq`, signed by the audit service's key."""

    event_type: ClassVar[str] = "ledger.checkpointed.v1"

    checkpoint_id: int = Field(ge=1)
    seq: int = Field(ge=1, le=2**62)
    hash: HashHex
    reason: Reason
    signed_at: datetime
    algorithm: Literal["Ed25519"] = "Ed25519"
    key_id: KeyId
    signature: SignatureB64

    def subject(self) -> str:
        return f"ledger:{self.seq}"
