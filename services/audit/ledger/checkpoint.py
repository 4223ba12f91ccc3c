"""Signed checkpoints: what is signed, how, and how anyone checks it. Pure: no I/O.

A checkpoint signs one line-oriented statement (below) with Ed25519, so a verifier in any
language can rebuild the exact bytes from the checkpoint's fields:

    greenlink-ledger-checkpoint/v1
    seq=<entry number>
    hash=<hex of that entry's chain hash>
    signed_at=<UTC time, YYYY-MM-DDTHH:MM:SS.ffffffZ>
    key_id=<RFC 7638 thumbprint of the public key>

The key id is the public key's JWK thumbprint, so a checkpoint names the key that signed it.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
STATEMENT_HEADER = "greenlink-ledger-checkpoint/v1"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def utc_text(moment: datetime) -> str:
    """The one text form of a signing time: UTC, microseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def statement(seq: int, chain_hash: bytes, signed_at: datetime, key_id: str) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    lines = (
        STATEMENT_HEADER,
        f"seq={seq}",
        f"hash={chain_hash.hex()}",
        f"signed_at={utc_text(signed_at)}",
        f"key_id={key_id}",
    )
    return ("\n".join(lines) + "\n").encode()


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    """The public key as an RFC 8037 JWK (OKP, Ed25519)."""
    return {"kty": "OKP", "crv": ALGORITHM, "x": b64url(raw_public(key))}


def key_id_of(key: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint: SHA-256 of the JWK's required members in lexicographic order."""
    required = orjson.dumps(public_jwk(key), option=orjson.OPT_SORT_KEYS)
    return b64url(hashlib.sha256(required).digest())


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@dataclass(frozen=True)
class SignedHead:
    """A chain head and the signature over its statement."""

    seq: int
    hash: bytes
    signed_at: datetime
    key_id: str
    signature: bytes


@dataclass(frozen=True)
class Signer:
    """The audit service's signing key and the id verifiers know it by."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key)

    def sign(self, seq: int, chain_hash: bytes, signed_at: datetime) -> SignedHead:
        key_id = self.key_id
        message = statement(seq, chain_hash, signed_at, key_id)
        return SignedHead(seq, chain_hash, signed_at, key_id, self.private_key.sign(message))


def signature_holds(key: Ed25519PublicKey, head: SignedHead) -> bool:
    """True only if `key` signed exactly this seq, hash, time and key id."""
    if head.key_id != key_id_of(key):
        return False
    try:
        key.verify(head.signature, statement(head.seq, head.hash, head.signed_at, head.key_id))
    except InvalidSignature:
        return False
    return True


def load_public_key(text: bytes) -> Ed25519PublicKey:
    """A public key from PEM, from a JWK, or from a JSON object holding one under `jwk`
    (the audit API's signing-key answer) or `keys` (a JWKS with one Ed25519 key)."""
    stripped = text.strip()
    if stripped.startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(stripped)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 public key")
        return key
    doc = orjson.loads(stripped)
    if isinstance(doc, dict) and isinstance(doc.get("jwk"), dict):
        doc = doc["jwk"]
    if isinstance(doc, dict) and isinstance(doc.get("keys"), list):
        found = [k for k in doc["keys"] if isinstance(k, dict) and k.get("crv") == ALGORITHM]
        if len(found) != 1:
            raise ValueError("the JWKS must hold exactly one Ed25519 key")
        doc = found[0]
    if not (isinstance(doc, dict) and doc.get("kty") == "OKP" and doc.get("crv") == ALGORITHM):
        raise ValueError("not an Ed25519 key: expected PEM or a JWK with kty OKP, crv Ed25519")
    return Ed25519PublicKey.from_public_bytes(from_b64url(str(doc["x"])))
