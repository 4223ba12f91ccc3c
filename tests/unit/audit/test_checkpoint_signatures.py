"""Checkpoint signatures: they hold for exactly what was signed, by exactly the key named."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from audit.ledger.checkpoint import (
    Signer,
    from_b64url,
    key_id_of,
    load_public_key,
    public_jwk,
    public_pem,
    signature_holds,
    statement,
)

pytestmark = pytest.mark.unit

AT = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
SIGNER = Signer(Ed25519PrivateKey.generate())


def test_a_checkpoint_verifies_with_the_signers_public_key() -> None:
    head = SIGNER.sign(500, bytes(range(32)), AT)
    assert head.key_id == key_id_of(SIGNER.public_key)
    assert signature_holds(SIGNER.public_key, head)


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 501},
        {"hash": bytes(32)},
        {"signed_at": AT + timedelta(microseconds=1)},
        {"signature": bytes(64)},
    ],
    ids=["seq", "hash", "signed_at", "signature"],
)
def test_a_checkpoint_with_any_field_changed_fails(change: dict[str, object]) -> None:
    head = SIGNER.sign(500, bytes(range(32)), AT)
    assert not signature_holds(SIGNER.public_key, dataclasses.replace(head, **change))  # type: ignore[arg-type]


def test_a_signature_by_another_key_fails_even_when_it_names_the_expected_key() -> None:
    forger = Signer(Ed25519PrivateKey.generate())
    forged = forger.sign(500, bytes(range(32)), AT)
    named = dataclasses.replace(forged, key_id=SIGNER.key_id)
    forged_message = statement(500, bytes(range(32)), AT, SIGNER.key_id)
    resigned = dataclasses.replace(named, signature=forger.private_key.sign(forged_message))
    assert not signature_holds(SIGNER.public_key, forged)
    assert not signature_holds(SIGNER.public_key, resigned)


def test_the_statement_is_the_documented_text_whatever_the_time_zone() -> None:
    east8 = AT.astimezone(UTC).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    expected = (
        "greenlink-ledger-checkpoint/v1\nseq=7\nhash=" + "ab" * 32 + "\n"
        "signed_at=2026-03-01T08:30:15.123456Z\nkey_id=kid\n"
    ).encode()
    assert statement(7, bytes.fromhex("ab" * 32), east8, "kid") == expected


def test_the_key_id_is_the_rfc_7638_thumbprint_of_the_rfc_8037_example_key() -> None:
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"  # RFC 8037 appendix A.2
    key = Ed25519PublicKey.from_public_bytes(from_b64url(x))
    assert public_jwk(key) == {"kty": "OKP", "crv": "Ed25519", "x": x}
    assert key_id_of(key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"  # RFC 8037 A.3


@pytest.mark.parametrize("form", ["pem", "jwk", "signing-key answer", "jwks"])
def test_the_public_key_loads_from_each_published_form(form: str) -> None:
    public = SIGNER.public_key
    jwk = public_jwk(public) | {"kid": SIGNER.key_id}
    texts = {
        "pem": public_pem(public).encode(),
        "jwk": orjson.dumps(jwk),
        "signing-key answer": orjson.dumps({"algorithm": "Ed25519", "jwk": jwk}),
        "jwks": orjson.dumps({"keys": [jwk]}),
    }
    assert key_id_of(load_public_key(texts[form])) == SIGNER.key_id


def test_a_key_of_another_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="Ed25519"):
        load_public_key(orjson.dumps({"kty": "RSA", "n": "AQAB", "e": "AQAB"}))
