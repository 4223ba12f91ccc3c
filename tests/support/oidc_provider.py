"""A minimal OpenID Connect provider on loopback: discovery, JWKS and a token endpoint that
checks PKCE, so the console's sign-in is tested against a real HTTP exchange."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import orjson
import uvicorn
from fastapi import FastAPI, Form, HTTPException

from tests.support.processes import free_port


@dataclass
class Grant:
    """What the provider remembers of one authorization: the PKCE challenge and the nonce."""

    challenge: str
    nonce: str
    access_token: str


@dataclass
class Provider:
    issuer: str
    client_id: str
    jwks_path: Path
    grants: dict[str, Grant] = field(default_factory=dict)
    verifiers_seen: list[str] = field(default_factory=list)

    def id_token(self, nonce: str, subject: str) -> str:
        kid = orjson.loads(self.jwks_path.read_bytes())["keys"][0]["kid"]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": subject,
            "name": "测试 用户",
            "nonce": nonce,
            "iat": now,
            "exp": now + 300,
        }
        key = self.jwks_path.with_name("private.pem").read_bytes()
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _app(provider: Provider) -> FastAPI:
    app = FastAPI()

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, Any]:
        return {
            "issuer": provider.issuer,
            "authorization_endpoint": f"{provider.issuer}/authorize",
            "token_endpoint": f"{provider.issuer}/token",
            "jwks_uri": f"{provider.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    @app.get("/jwks")
    async def jwks() -> dict[str, Any]:
        keys: dict[str, Any] = orjson.loads(provider.jwks_path.read_bytes())
        return keys

    @app.post("/token")
    async def token(code: str = Form(), code_verifier: str = Form("")) -> dict[str, Any]:
        grant = provider.grants.pop(code, None)
        provider.verifiers_seen.append(code_verifier)
        digest = hashlib.sha256(code_verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if grant is None or challenge != grant.challenge:
            raise HTTPException(400, {"error": "invalid_grant"})
        return {
            "access_token": grant.access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": provider.id_token(grant.nonce, "oidc-user"),
        }

    return app


@contextmanager
def running_provider(jwks_path: Path, client_id: str = "greenlink-console") -> Iterator[Provider]:
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}", client_id, jwks_path)
    server = uvicorn.Server(
        uvicorn.Config(_app(provider), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise TimeoutError("the test identity provider did not start")
        time.sleep(0.05)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(10)
