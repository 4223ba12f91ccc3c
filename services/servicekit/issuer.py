"""Local token issuer for development and tests: an RSA key pair and a JWKS on disk."""

from __future__ import annotations

import functools
import time
import uuid
from pathlib import Path

import jwt
import orjson
import typer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from servicekit.auth import Role, default_jwks_path

ISSUER = "greenlink-local"
AUDIENCE = "greenlink"


def ensure_keys(jwks_path: Path | None = None) -> Path:
    """Create the development key pair once; returns the private key's path."""
    jwks_path = jwks_path or default_jwks_path()
    private_path = jwks_path.with_name("private.pem")
    if private_path.exists() and jwks_path.exists():
        return private_path
    jwks_path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_jwk = orjson.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    public_jwk.update({"kid": uuid.uuid4().hex[:16], "use": "sig", "alg": "RS256"})
    jwks_path.write_bytes(orjson.dumps({"keys": [public_jwk]}))
    return private_path


def mint(
    role: Role,
    tenant: uuid.UUID | None = None,
    *,
    subject: str | None = None,
    ttl_s: int = 3600,
    jwks_path: Path | None = None,
) -> str:
    """A signed token as the local issuer would grant it."""
    jwks_path = jwks_path or default_jwks_path()
    private_path = ensure_keys(jwks_path)
    key, kid = _signing_key(
        private_path, private_path.stat().st_mtime_ns, jwks_path, jwks_path.stat().st_mtime_ns
    )
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject or f"{role}:{tenant or 'staff'}",
        "role": str(role),
        "iat": now,
        "exp": now + ttl_s,
    }
    if tenant is not None:
        claims["tenant"] = str(tenant)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@functools.lru_cache(maxsize=8)
def _signing_key(
    private_path: Path, private_mtime_ns: int, jwks_path: Path, jwks_mtime_ns: int
) -> tuple[RSAPrivateKey, str]:
    """The private key and its key id, loaded once per version of the files: loading and
    checking an RSA key costs tens of milliseconds, signing with a loaded one well under one."""
    key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise ValueError(f"{private_path} does not hold an RSA private key")
    return key, str(orjson.loads(jwks_path.read_bytes())["keys"][0]["kid"])


cli = typer.Typer(help="Mint development tokens for GreenLink's local issuer.")


@cli.callback()
def main() -> None:
    """Development token issuer (never used outside development)."""


@cli.command("mint")
def mint_command(role: Role, tenant: str | None = None, ttl_s: int = 3600) -> None:
    """Print a bearer token for ROLE (and TENANT, an enterprise or lender id)."""
    typer.echo(mint(role, uuid.UUID(tenant) if tenant else None, ttl_s=ttl_s))


if __name__ == "__main__":
    cli()
