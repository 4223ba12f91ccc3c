"""Signing in to the console through an OpenID Connect provider: authorization code + PKCE."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from console.app import build_app
from console.config import ConsoleSettings
from servicekit.auth import Role
from servicekit.issuer import mint
from tests.support.oidc_provider import Grant, Provider, running_provider

pytestmark = pytest.mark.integration


@pytest.fixture
def provider(jwks_path: Path) -> Iterator[Provider]:
    with running_provider(jwks_path) as running:
        yield running


def _console(provider: Provider) -> httpx.AsyncClient:
    settings = ConsoleSettings(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=provider.client_id,
        OIDC_CLIENT_SECRET="test-client-secret",
    )
    app = build_app(settings)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console")


async def _authorize(client: httpx.AsyncClient) -> dict[str, str]:
    """Follow the console to the provider; the query the provider receives."""
    answer = await client.get("/signin/oidc")
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    return {k: v[0] for k, v in query.items()}


async def test_signing_in_through_the_provider_uses_pkce_and_opens_a_session_for_the_role(
    provider: Provider, jwks_path: Path
) -> None:
    enterprise = uuid.uuid4()
    async with _console(provider) as client:
        asked = await _authorize(client)
        assert asked["response_type"] == "code"
        assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
        assert asked["client_id"] == provider.client_id and "openid" in asked["scope"]
        access = mint(Role.ENTERPRISE, enterprise, jwks_path=jwks_path)
        provider.grants["code-1"] = Grant(asked["code_challenge"], asked["nonce"], access)
        back = await client.get(
            "/auth/callback", params={"code": "code-1", "state": asked["state"]}
        )
        assert back.status_code == 303, back.text
        assert back.headers["location"] == "/enterprise"
        signed_in = await client.get("/signin")
    assert provider.verifiers_seen and len(provider.verifiers_seen[0]) >= 43
    assert "测试 用户" in signed_in.text  # the provider's name for the user


async def test_a_callback_with_another_state_is_refused_and_signs_nobody_in(
    provider: Provider, jwks_path: Path
) -> None:
    async with _console(provider) as client:
        asked = await _authorize(client)
        access = mint(Role.REGULATOR, jwks_path=jwks_path)
        provider.grants["code-2"] = Grant(asked["code_challenge"], asked["nonce"], access)
        back = await client.get("/auth/callback", params={"code": "code-2", "state": "forged"})
        after = await client.get("/regulator")
    assert back.status_code == 400
    assert after.status_code == 303


async def test_a_provider_token_that_names_no_greenlink_role_is_refused(
    provider: Provider,
) -> None:
    async with _console(provider) as client:
        asked = await _authorize(client)
        provider.grants["code-3"] = Grant(asked["code_challenge"], asked["nonce"], "not-a-jwt")
        back = await client.get(
            "/auth/callback", params={"code": "code-3", "state": asked["state"]}
        )
        after = await client.get("/enterprise")
    assert back.status_code == 403
    assert after.status_code == 303
