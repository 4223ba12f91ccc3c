"""Bearer-token authentication against a JWKS, so any OIDC identity provider plugs in.

The tenant (enterprise or lender id) always comes from the token's `tenant` claim, never from
a path or body, which is what makes object-level checks trustworthy.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Protocol

import httpx
import jwt
import orjson
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

log = logging.getLogger(__name__)
# One body for every refused token: the library's reason would tell a forger which check failed.
INVALID_TOKEN = "invalid or expired bearer token"


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    LENDER = "lender"
    REGULATOR = "regulator"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role and, for enterprises and lenders, the tenant they act for."""

    subject: str
    role: Role
    tenant: uuid.UUID | None

    def owns(self, tenant: uuid.UUID) -> bool:
        return self.tenant is not None and self.tenant == tenant


class TokenSettings(Protocol):
    """Where the keys are and what a token must say: services' and the console's settings."""

    @property
    def jwt_issuer(self) -> str: ...
    @property
    def jwt_audience(self) -> str: ...
    @property
    def jwks_url(self) -> str | None: ...
    @property
    def jwks_path(self) -> str | None: ...


class TokenVerifier:
    """Verifies RS256/ES256 tokens against keys from a JWKS file or URL.

    Keys from a URL are fetched with a non-blocking client, one fetch at a time, so a slow
    identity provider delays only the requests that need a new key, never the event loop.
    """

    CACHE_SIZE = 10_000
    CACHE_TTL_S = 60.0
    JWKS_MAX_AGE_S = 300.0
    JWKS_MIN_REFETCH_S = 10.0
    JWKS_TIMEOUT_S = 10.0

    def __init__(self, settings: TokenSettings) -> None:
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self._url = settings.jwks_url
        self._path = Path(settings.jwks_path or default_jwks_path())
        self._verified: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._remote: jwt.PyJWKSet | None = None
        self._fetched_at = -float("inf")
        self._fetching = asyncio.Lock()

    async def verify(self, token: str) -> Principal:
        """Signature checks dominate a request's CPU, so a token verified in the last minute
        (and not yet expired) is trusted again without repeating them."""
        now = time.time()
        hit = self._verified.get(token)
        if hit is not None and hit[0] > now:
            self._verified.move_to_end(token)
            return hit[1]
        principal, expires_at = self._verify_signed(token, await self._key(token))
        self._verified[token] = (min(expires_at, now + self.CACHE_TTL_S), principal)
        if len(self._verified) > self.CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    async def _key(self, token: str) -> jwt.PyJWK:
        kid = jwt.get_unverified_header(token).get("kid")
        if self._url is None:
            keys = _load_jwks(self._path, self._path.stat().st_mtime)
        else:
            keys = await self._remote_keys(kid)
        for key in keys.keys:
            if key.key_id == kid:
                return key
        raise jwt.InvalidTokenError("unknown signing key")

    async def _remote_keys(self, kid: object) -> jwt.PyJWKSet:
        """The provider's key set: refetched when stale, or when an unknown key id appears
        (a rotation), but at most once per `JWKS_MIN_REFETCH_S` so random ids cannot flood it."""
        async with self._fetching:
            age = time.monotonic() - self._fetched_at
            known = self._remote is not None and any(k.key_id == kid for k in self._remote.keys)
            stale = age > self.JWKS_MAX_AGE_S or (not known and age > self.JWKS_MIN_REFETCH_S)
            if self._remote is None or stale:
                assert self._url is not None
                async with httpx.AsyncClient(timeout=self.JWKS_TIMEOUT_S) as client:
                    response = await client.get(self._url)
                    response.raise_for_status()
                self._remote = jwt.PyJWKSet.from_dict(orjson.loads(response.content))
                self._fetched_at = time.monotonic()
            return self._remote

    def _verify_signed(self, token: str, key: jwt.PyJWK) -> tuple[Principal, float]:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256", "ES256"],
            audience=self.audience,
            issuer=self.issuer,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
        role = Role(str(claims.get("role")))
        tenant = claims.get("tenant")
        if tenant is not None and not isinstance(tenant, str):
            raise jwt.InvalidTokenError("the tenant claim must be a string")
        if role in (Role.ENTERPRISE, Role.LENDER) and not tenant:
            raise jwt.InvalidTokenError(f"a {role} token needs a tenant claim")
        principal = Principal(str(claims["sub"]), role, uuid.UUID(tenant) if tenant else None)
        return principal, float(claims["exp"])


def default_jwks_path() -> Path:
    """Where the local development issuer keeps its public keys (`GREENLINK_JWKS_PATH` wins,
    so the services and the issuer always agree)."""
    import os

    if configured := os.environ.get("GREENLINK_JWKS_PATH"):
        return Path(configured)
    state = Path(os.environ.get("GREENLINK_STATE_DIR", ".greenlink"))
    return state / "keys" / "jwks.json"


@lru_cache(maxsize=4)
def _load_jwks(path: Path, _mtime: float) -> jwt.PyJWKSet:
    return jwt.PyJWKSet.from_dict(orjson.loads(path.read_bytes()))


_bearer = HTTPBearer(
    auto_error=False, bearerFormat="JWT", description="OAuth2 bearer JWT (OIDC access token)"
)
_VERIFIED = "greenlink.principal"


def bearer_token(request: Request) -> str | None:
    """The raw token of an `Authorization: Bearer ...` header, if one came."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


async def authenticate(request: Request, token: str) -> Principal:
    """Verify once per request (rate limiting and the endpoint share the answer); 401 if bad."""
    cached = request.scope.get(_VERIFIED)
    if cached is not None and cached[0] == token:
        outcome: Principal | HTTPException = cached[1]
    else:
        verifier: TokenVerifier = request.app.state.verifier
        try:
            outcome = await verifier.verify(token)
        except (jwt.PyJWTError, ValueError, OSError, httpx.HTTPError) as exc:
            # The reason names a check or a key id, never the token, so it may go to the log.
            log.info("bearer token refused", extra={"reason": f"{type(exc).__name__}: {exc}"[:300]})
            outcome = HTTPException(401, INVALID_TOKEN, {"WWW-Authenticate": "Bearer"})
        request.scope[_VERIFIED] = (token, outcome)
    if isinstance(outcome, HTTPException):
        raise outcome
    return outcome


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """401 unless a valid bearer token is presented."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    return await authenticate(request, credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_role(principal: Principal, *roles: Role) -> Principal:
    """403 unless the caller holds one of `roles`."""
    if principal.role not in roles:
        allowed = ", ".join(roles)
        raise HTTPException(403, f"role {principal.role} may not do this (needs {allowed})")
    return principal


def require_tenant(principal: Principal, role: Role) -> uuid.UUID:
    """The tenant an enterprise or lender acts for; 403 for any other role."""
    require_role(principal, role)
    if principal.tenant is None:
        raise HTTPException(403, f"a {role} token must name its tenant")
    return principal.tenant
