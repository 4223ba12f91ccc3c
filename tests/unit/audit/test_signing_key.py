"""The checkpoint-signing key: minted once per install in development, never in production."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from audit.config import AuditSettings
from audit.ledger.signing_key import signer_for

pytestmark = pytest.mark.unit

PRODUCTION = {
    "GREENLINK_ENV": "production",
    "DATABASE_URL": "postgresql://greenlink:s3cret-Xq81-not-a-default@db.internal/greenlink",
    "KAFKA_BOOTSTRAP_SERVERS": "kafka.internal:9093",
    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "KAFKA_PASSWORD": "kafka-Zt94-own-secret-for-audit",
    "GREENLINK_JWKS_URL": "https://login.example.cn/.well-known/jwks.json",
    "GREENLINK_JWT_ISSUER": "https://login.example.cn/",
}


def local(tmp_path: Path) -> AuditSettings:
    return AuditSettings(
        GREENLINK_ENV="test", DATABASE_URL="postgresql://greenlink@127.0.0.1:1/greenlink",
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", AUDIT_SIGNING_KEY_PATH=tmp_path / "k.pem",
    )  # fmt: skip


def test_development_mints_one_private_key_and_keeps_using_it(tmp_path: Path) -> None:
    first = signer_for(local(tmp_path))
    path = tmp_path / "k.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signer_for(local(tmp_path)).key_id == first.key_id
    assert not [p for p in tmp_path.iterdir() if p.name != "k.pem"]  # no temporary left


def test_production_refuses_to_start_without_a_configured_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AUDIT_SIGNING_KEY_PATH", raising=False)
    with pytest.raises(ValidationError, match="AUDIT_SIGNING_KEY_PATH"):
        AuditSettings(**PRODUCTION)  # type: ignore[arg-type]


def test_production_never_mints_a_key_that_is_missing(tmp_path: Path) -> None:
    settings = AuditSettings(**PRODUCTION, AUDIT_SIGNING_KEY_PATH=tmp_path / "absent.pem")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match="AUDIT_SIGNING_KEY_PATH"):
        signer_for(settings)
    assert not (tmp_path / "absent.pem").exists()


def test_a_key_of_another_kind_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    (tmp_path / "k.pem").write_bytes(pem)
    with pytest.raises(ValueError, match="Ed25519"):
        signer_for(local(tmp_path))
