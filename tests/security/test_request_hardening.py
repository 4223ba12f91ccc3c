"""Malformed and hostile requests get a 4xx that names the problem; open endpoints stay open."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from servicekit.issuer import AUDIENCE, ISSUER
from tests.security.matrix import Mint
from tests.support.samples import enterprise_body, project_body
from tests.support.services import RunningService

pytestmark = [pytest.mark.security, pytest.mark.integration]


@pytest.fixture(scope="module")
async def enrolled_headers(registry: RunningService, mint: Mint) -> dict[str, str]:
    headers = mint("enterprise", uuid.uuid4())
    made = await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
    assert made.status_code == 201
    return headers


async def _project_refused_naming(
    registry: RunningService, headers: dict[str, str], field: str, value: Any
) -> None:
    """A project whose `field` holds `value` gets 422 naming that field."""
    body = project_body(**{field: value})
    response = await registry.client.post("/v1/projects", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


@pytest.mark.parametrize("media_type", ["text/plain", "application/xml", "multipart/form-data"])
async def test_a_json_endpoint_refuses_other_content_types_with_415(
    registry: RunningService, enrolled_headers: dict[str, str], media_type: str
) -> None:
    response = await registry.client.post(
        "/v1/projects",
        content=b'{"name": "x"}',
        headers=enrolled_headers | {"content-type": media_type},
    )
    assert response.status_code == 415
    assert response.json()["field"] == "content-type"


async def test_deeply_nested_valid_json_is_a_client_error(
    registry: RunningService, enrolled_headers: dict[str, str]
) -> None:
    depth = 200_000
    body = b"[" * depth + b"]" * depth
    response = await registry.client.post(
        "/v1/projects",
        content=body,
        headers=enrolled_headers | {"content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500


async def test_a_nul_byte_in_a_query_parameter_is_refused_by_name(
    registry: RunningService, enrolled_headers: dict[str, str]
) -> None:
    response = await registry.client.get(
        "/v1/projects", params={"city": "changsha\x00"}, headers=enrolled_headers
    )
    assert response.status_code == 422 and response.json()["field"] == "city"


async def test_page_sizes_are_capped_and_unknown_query_parameters_ignored(
    registry: RunningService, enrolled_headers: dict[str, str]
) -> None:
    too_big = await registry.client.get(
        "/v1/projects", params={"limit": 501}, headers=enrolled_headers
    )
    assert too_big.status_code == 422 and too_big.json()["field"] == "limit"
    unknown = await registry.client.get(
        "/v1/projects", params={"utm_source": "mail"}, headers=enrolled_headers
    )
    assert unknown.status_code == 200


async def test_the_tenant_cannot_be_smuggled_in_through_the_body(
    registry: RunningService, enrolled_headers: dict[str, str]
) -> None:
    body = project_body(enterprise_id=str(uuid.uuid4()))
    response = await registry.client.post("/v1/projects", json=body, headers=enrolled_headers)
    assert response.status_code == 422 and "enterprise_id" in response.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tenor_months", "180"),
        ("tenor_months", 180.5),
        ("high_energy_high_emission", 1),
        ("construction_start", 20250301),
        ("capex_cny", "3.2e8"),
        ("name", "   "),
    ],
)
async def test_values_of_the_wrong_json_type_or_form_are_refused_by_name(
    registry: RunningService, enrolled_headers: dict[str, str], field: str, value: Any
) -> None:
    await _project_refused_naming(registry, enrolled_headers, field, value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Solar \u202eexe.txt"),  # right-to-left override
        ("name", "Solar \u2066phase\u2069"),  # isolates
        ("name", "So\u200blar"),  # zero-width space
        ("name", "\ufeffSolar"),  # byte-order mark
        ("name", "Solar\x85"),  # C1 next line
        ("name", "Solar\x7f"),  # DEL
        ("name", "\u200b\u200b\u200b"),  # nothing visible
        ("name", " \u200e\u3000"),  # blank once the invisible mark is removed
        ("description", "fine\u202d"),
        ("county", "\u2067县"),
    ],
)
async def test_text_that_hides_or_reorders_what_a_reader_sees_is_refused_by_name(
    registry: RunningService, enrolled_headers: dict[str, str], field: str, value: str
) -> None:
    await _project_refused_naming(registry, enrolled_headers, field, value)


async def test_an_enterprise_named_only_with_zero_width_spaces_is_refused_by_name(
    registry: RunningService, mint: Mint
) -> None:
    body = enterprise_body(name="\u200b\u200c\u2060")
    response = await registry.client.post(
        "/v1/enterprises", json=body, headers=mint("enterprise", uuid.uuid4())
    )
    assert response.status_code == 422 and response.json()["field"] == "name"


async def test_a_wrong_method_gets_405_listing_every_allowed_method(
    registry: RunningService, enrolled_headers: dict[str, str]
) -> None:
    response = await registry.client.delete("/v1/projects", headers=enrolled_headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


def _token(key: Any, **claims: Any) -> dict[str, str]:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "enterprise:x",
        "role": "enterprise",
        "tenant": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 600,
    } | claims
    return {"Authorization": "Bearer " + jwt.encode(body, key, algorithm="RS256")}


async def test_tokens_that_are_expired_foreign_or_for_another_audience_get_401(
    registry: RunningService, jwks_path: Any
) -> None:
    own_key = (jwks_path.parent / "private.pem").read_bytes()
    foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused = [
        _token(own_key, exp=int(time.time()) - 60),
        _token(own_key, aud="someone-else"),
        _token(own_key, iss="https://evil.example/"),
        _token(foreign_key),
        _token(own_key, role="superuser"),
        _token(own_key, tenant=12345),
        {"Authorization": "Bearer not-a-jwt"},
    ]
    bodies = set()
    for headers in refused:
        response = await registry.client.get("/v1/projects", headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        bodies.add(response.text)
    # One fixed body: no response tells a forger which check (signature, expiry, audience,
    # issuer, claims) its token failed.
    assert len(bodies) == 1, bodies
    (body,) = bodies
    assert not any(word in body.lower() for word in ("signature", "audience", "issuer", "claim"))


async def test_health_and_metrics_are_open_and_openapi_shows_the_bearer_scheme(
    registry: RunningService,
) -> None:
    assert (await registry.client.get("/healthz")).status_code == 200
    assert (await registry.client.get("/readyz")).status_code in (200, 503)
    assert (await registry.client.get("/metrics")).status_code == 200
    spec = (await registry.client.get("/openapi.json")).json()
    scheme = spec["components"]["securitySchemes"]["HTTPBearer"]
    assert scheme == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "OAuth2 bearer JWT (OIDC access token)",
    }
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            opened = path in ("/healthz", "/readyz", "/metrics")
            assert ("security" not in operation) == opened, path
