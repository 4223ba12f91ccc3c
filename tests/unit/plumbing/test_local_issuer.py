"""The development issuer signs with its key loaded once, and follows a key that is replaced."""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from servicekit.auth import Role, TokenVerifier
from servicekit.issuer import AUDIENCE, ISSUER, ensure_keys, mint


@dataclass(frozen=True)
class LocalKeys:
    """What a service reads to verify the local issuer's tokens."""

    jwks_path: str
    jwt_issuer: str = ISSUER
    jwt_audience: str = AUDIENCE
    jwks_url: str | None = None


def _verifier(jwks: Path) -> TokenVerifier:
    return TokenVerifier(LocalKeys(str(jwks)))


def test_tokens_minted_one_after_another_verify_against_the_published_key(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    lender = uuid.uuid4()
    tokens = [mint(Role.LENDER, lender, jwks_path=jwks) for _ in range(3)]
    for token in tokens:
        principal = asyncio.run(_verifier(jwks).verify(token))
        assert principal.role == Role.LENDER and principal.tenant == lender


def test_a_replaced_key_pair_signs_the_next_token(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    before = mint(Role.ENTERPRISE, uuid.uuid4(), jwks_path=jwks)
    old_kid = jwt.get_unverified_header(before)["kid"]
    for path in (jwks, jwks.with_name("private.pem")):
        path.unlink()
    ensure_keys(jwks)
    for path in (jwks, jwks.with_name("private.pem")):  # as if written a second later
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = mint(Role.ENTERPRISE, uuid.uuid4(), jwks_path=jwks)
    assert jwt.get_unverified_header(after)["kid"] != old_kid
    claims = jwt.decode(after, options={"verify_signature": False})
    assert claims["iss"] == ISSUER and claims["aud"] == AUDIENCE
    asyncio.run(_verifier(jwks).verify(after))
    with pytest.raises(Exception, match="signing key"):
        asyncio.run(_verifier(jwks).verify(before))


def test_the_private_key_is_loaded_once_for_many_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing and checking the RSA key took about 50 ms per token (a benchmark registering
    10,000 mandates spent most of its time there); signing with the loaded key about 1 ms."""
    jwks = tmp_path / "jwks.json"
    ensure_keys(jwks)
    loads: list[bytes] = []
    real = serialization.load_pem_private_key

    def counting(data: bytes, password: bytes | None) -> object:
        loads.append(data)
        return real(data, password)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)
    for _ in range(5):
        mint(Role.REGULATOR, jwks_path=jwks)
    assert len(loads) == 1
