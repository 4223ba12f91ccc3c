"""The audit service's checkpoint-signing key: read from its file, minted once in development.

Outside development the key must already exist at `AUDIT_SIGNING_KEY_PATH` (a mounted secret);
it is never generated there, so no default key can sign a production checkpoint.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.config import AuditSettings
from audit.ledger.checkpoint import Signer


def _mint(path: Path) -> None:
    """Write a fresh key; of processes racing to do so, the first link wins for all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
        os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


@lru_cache(maxsize=4)
def _load(path: Path, mint: bool) -> Signer:
    if mint and not path.exists():
        _mint(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return Signer(key)


def signer_for(settings: AuditSettings) -> Signer:
    """The signer this install uses; a missing key file is fatal outside development."""
    path = settings.signing_key_file.resolve()
    if not settings.is_development and not path.is_file():
        raise FileNotFoundError(f"AUDIT_SIGNING_KEY_PATH {path} does not exist")
    return _load(path, settings.is_development)
