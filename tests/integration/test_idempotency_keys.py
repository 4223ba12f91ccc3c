"""Idempotency-Key: a blind retry of a create replays the first answer and never creates twice."""

from __future__ import annotations

import uuid

import orjson
import pytest

from tests.integration.test_registry_flow import enrolled
from tests.security.apps import offline_app
from tests.support.samples import project_body

pytestmark = pytest.mark.integration


def _keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return headers | {"Idempotency-Key": key}


async def _project_count(registry, headers: dict[str, str]) -> int:
    page = await registry.client.get("/v1/projects?limit=200", headers=headers)
    assert page.status_code == 200, page.text
    return len(page.json()["items"])


async def test_retried_registration_with_its_key_replays_the_first_answer(registry, mint):
    headers = await enrolled(registry, mint, uuid.uuid4())
    key = f'"{uuid.uuid4()}"'  # the draft's structured-field string form
    body = project_body()
    first = await registry.client.post("/v1/projects", json=body, headers=_keyed(headers, key))
    retry = await registry.client.post("/v1/projects", json=body, headers=_keyed(headers, key))
    assert first.status_code == retry.status_code == 201, (first.text, retry.text)
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _project_count(registry, headers) == 1


async def test_a_key_reused_for_another_request_is_refused_naming_the_header(registry, mint):
    headers = await enrolled(registry, mint, uuid.uuid4())
    key = str(uuid.uuid4())
    first = await registry.client.post(
        "/v1/projects", json=project_body(name="Xiangjiang wind"), headers=_keyed(headers, key)
    )
    other = await registry.client.post(
        "/v1/projects", json=project_body(name="Dongting solar"), headers=_keyed(headers, key)
    )
    assert first.status_code == 201, first.text
    assert other.status_code == 422, other.text
    assert other.json()["field"] == "Idempotency-Key"
    assert await _project_count(registry, headers) == 1


async def test_a_malformed_key_is_refused_naming_the_header(registry, mint):
    headers = await enrolled(registry, mint, uuid.uuid4())
    refused = await registry.client.post(
        "/v1/projects", json=project_body(), headers=_keyed(headers, "two words")
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "Idempotency-Key"
    assert await _project_count(registry, headers) == 0


async def test_another_tenants_key_never_replays_its_answer(registry, mint):
    own = await enrolled(registry, mint, uuid.uuid4())
    other = await enrolled(registry, mint, uuid.uuid4())
    key, body = str(uuid.uuid4()), project_body()
    mine = await registry.client.post("/v1/projects", json=body, headers=_keyed(own, key))
    theirs = await registry.client.post("/v1/projects", json=body, headers=_keyed(other, key))
    assert mine.status_code == theirs.status_code == 201, (mine.text, theirs.text)
    assert theirs.json()["project_id"] != mine.json()["project_id"]
    assert "idempotent-replayed" not in theirs.headers
    assert await _project_count(registry, other) == 1


async def test_retried_upload_with_its_key_creates_one_intake_job(registry, mint):
    headers = await enrolled(registry, mint, uuid.uuid4())
    upload = _keyed(headers, str(uuid.uuid4())) | {"content-type": "application/x-ndjson"}
    lines = b"\n".join(orjson.dumps(project_body()) for _ in range(3))
    first = await registry.client.post("/v1/intake-jobs", content=lines, headers=upload)
    retry = await registry.client.post("/v1/intake-jobs", content=lines, headers=upload)
    assert first.status_code == retry.status_code == 202, (first.text, retry.text)
    assert retry.json()["job_id"] == first.json()["job_id"]
    assert retry.headers["idempotent-replayed"] == "true"


@pytest.mark.parametrize("service", ["registry", "matching", "scoring", "audit"])
def test_every_post_documents_the_idempotency_key_header(service):
    paths = offline_app(service).openapi()["paths"]
    posts = {
        path: operations["post"]
        for path, operations in paths.items()
        if "post" in operations and operations["post"].get("security")
    }
    assert posts
    undocumented = [
        path
        for path, operation in posts.items()
        if "Idempotency-Key" not in {p["name"] for p in operation.get("parameters", [])}
    ]
    assert undocumented == []
