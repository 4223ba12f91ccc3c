"""Errors are RFC 9457 problem details naming the field, and every OpenAPI document is valid
and lists, per operation, only the answers that operation can give."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Query
from openapi_spec_validator import validate
from pydantic import BaseModel, Field

from servicekit.auth import CurrentPrincipal, Role
from servicekit.errors import NotFound
from servicekit.http import create_app
from servicekit.issuer import mint
from servicekit.settings import ServiceSettings
from tests.security.apps import api_services, offline_app

pytestmark = pytest.mark.security

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


class Thing(BaseModel):
    name: str = Field(min_length=1)
    size: int = Field(ge=1)


@pytest.fixture
async def probe(tmp_path: Path) -> Any:
    jwks = tmp_path / "jwks.json"
    settings = ServiceSettings(
        DATABASE_URL="postgresql://offline:unused@127.0.0.1:9/none",
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:9",
        GREENLINK_ENV="development",
        GREENLINK_JWKS_PATH=str(jwks),
        MAX_BODY_BYTES=1000,
    )
    router = APIRouter(prefix="/v1")

    @router.post("/things")
    async def make(thing: Thing, principal: CurrentPrincipal) -> Thing:
        return thing

    @router.get("/things/{thing_id}")
    async def one(
        thing_id: uuid.UUID, principal: CurrentPrincipal, limit: int = Query(10, le=100)
    ) -> Thing:
        raise NotFound(f"thing {thing_id} not found", field="thing_id")

    app = create_app(settings, [router], title="probe", description="probe")
    headers = {"authorization": f"Bearer {mint(Role.ADMIN, jwks_path=jwks)}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        yield client, headers


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status and body["type"] == "about:blank"
    assert isinstance(body["detail"], str) and body["detail"]
    return body


async def test_a_validation_failure_is_a_problem_listing_every_invalid_field(probe: Any) -> None:
    client, headers = probe
    response = await client.post("/v1/things", json={"name": "", "size": 0}, headers=headers)
    body = _problem(response, 422)
    assert body["title"] == HTTPStatus(422).phrase and body["instance"] == "/v1/things"
    assert body["field"] == "name"
    assert [e["field"] for e in body["errors"]] == ["name", "size"]
    assert "name" in body["detail"] and "size" in body["detail"]


async def test_domain_auth_size_and_method_errors_are_problems(probe: Any) -> None:
    client, headers = probe
    thing = uuid.uuid4()
    missing = _problem(await client.get(f"/v1/things/{thing}", headers=headers), 404)
    assert missing["field"] == "thing_id" and missing["instance"] == f"/v1/things/{thing}"
    assert (
        _problem(await client.get(f"/v1/things/{thing}?limit=101", headers=headers), 422)["field"]
        == "limit"
    )
    refused = await client.get(f"/v1/things/{thing}")
    assert _problem(refused, 401)["title"] == "Unauthorized"
    assert refused.headers["www-authenticate"] == "Bearer"
    too_big = await client.post("/v1/things", content=b"x" * 2000, headers=headers)
    assert _problem(too_big, 413)["field"] == "body"
    wrong = await client.post(
        "/v1/things", content=b"<a/>", headers=headers | {"content-type": "application/xml"}
    )
    assert _problem(wrong, 415)["field"] == "content-type"
    not_allowed = await client.delete(f"/v1/things/{thing}", headers=headers)
    assert _problem(not_allowed, 405) and not_allowed.headers["allow"] == "GET"


@pytest.mark.parametrize("service", api_services())
def test_every_openapi_document_is_valid_under_openapi_spec_validator(service: str) -> None:
    validate(offline_app(service).openapi())  # raises, naming the invalid part


@pytest.mark.parametrize("service", api_services())
def test_each_operation_documents_only_answers_it_can_give(service: str) -> None:
    schema = offline_app(service).openapi()
    assert "ProblemDetails" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {int(c) for c in operation["responses"] if c.isdigit()}
            where = f"{method.upper()} {path}"
            if not operation.get("security"):
                assert not codes & {401, 403}, where
            if "requestBody" not in operation:
                assert not codes & {400, 413, 415}, where
            if method == "get":
                assert not codes & {409, 429}, where
            if not operation.get("parameters") and "requestBody" not in operation:
                assert 422 not in codes, where
            for code in codes - {200, 201, 202, 204, 503}:
                content = operation["responses"][str(code)].get("content", {})
                assert list(content) == ["application/problem+json"], f"{where} {code}"


async def test_a_caller_without_a_token_gets_401_before_any_input_check(probe: Any) -> None:
    client, headers = probe
    url = f"/v1/things/{uuid.uuid4()}?note=a%00b"
    assert _problem(await client.get(url), 401)["title"] == "Unauthorized"
    wrong = await client.post("/v1/things", content=b"<a/>", headers={"content-type": "text/xml"})
    assert _problem(wrong, 401)
    assert _problem(await client.get(url, headers=headers), 422)["field"] == "note"
