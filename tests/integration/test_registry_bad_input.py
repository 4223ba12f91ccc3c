"""Hostile and malformed requests get a 4xx naming the problem, and write nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.samples import enterprise_body, project_body
from tests.support.services import RunningService

pytestmark = pytest.mark.integration


def _with_activity(**values: Any) -> dict[str, Any]:
    body = project_body()
    body["activity"] = {**body["activity"], **values}
    return body


BAD_PROJECTS: list[tuple[str, Any, str]] = [
    ("unknown city", project_body(city="atlantis"), "city"),
    ("negative capacity", _with_activity(capacity_mw=-5), "capacity_mw"),
    ("zero capex", project_body(capex_cny="0"), "capex_cny"),
    ("NaN money", project_body(capex_cny="NaN"), "capex_cny"),
    ("infinite quantity", _with_activity(capacity_mw="Infinity"), "capacity_mw"),
    ("NUL byte", project_body(name="wind\x00farm"), "name"),
    ("10 MB string", project_body(description="x" * 10_000_000), "body"),
    ("unknown field", project_body(owner_password="hunter2"), "owner_password"),
    ("wrong type", project_body(tenor_months="forever"), "tenor_months"),
    ("need above capex", project_body(financing_need_cny="999999999999.00"), "financing_need"),
    ("operation before construction", project_body(operation_date="2020-01-01"), "operation"),
    ("unknown instrument", project_body(instruments=["payday_loan"]), "instruments"),
    ("too many decimals", project_body(capex_cny="1.001"), "capex_cny"),
    ("not an object", [1, 2, 3], "body"),
]


@pytest.mark.parametrize(("case", "body", "names"), BAD_PROJECTS, ids=[c[0] for c in BAD_PROJECTS])
async def test_bad_project_is_refused_with_the_field_named_and_nothing_written(
    registry: RunningService, mint, case: str, body: Any, names: str
):
    tenant = uuid.uuid4()
    headers = mint("enterprise", tenant)
    created = await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
    assert created.status_code == 201
    response = await registry.client.post("/v1/projects", json=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert names in response.text or response.status_code == 413
    listed = await registry.client.get("/v1/projects", headers=headers)
    assert listed.json()["items"] == []


async def test_raw_nan_literal_in_json_is_refused(registry: RunningService, mint):
    headers = mint("enterprise", uuid.uuid4()) | {"content-type": "application/json"}
    raw = b'{"name": "x", "capacity_mw": NaN}'
    response = await registry.client.post("/v1/projects", content=raw, headers=headers)
    assert 400 <= response.status_code < 500


async def test_wrong_credit_code_check_character_is_refused(registry: RunningService, mint):
    body = enterprise_body()
    last = body["credit_code"][-1]
    body["credit_code"] = body["credit_code"][:-1] + ("0" if last != "0" else "1")
    response = await registry.client.post(
        "/v1/enterprises", json=body, headers=mint("enterprise", uuid.uuid4())
    )
    assert response.status_code == 422
    assert "credit_code" in response.text and "check character" in response.text


async def test_oversized_body_is_refused_before_parsing(registry: RunningService, mint):
    headers = mint("enterprise", uuid.uuid4()) | {"content-type": "application/json"}
    response = await registry.client.post("/v1/projects", content=b" " * 2_000_001, headers=headers)
    assert response.status_code == 413


async def test_deeply_nested_json_is_a_client_error(registry: RunningService, mint):
    headers = mint("enterprise", uuid.uuid4()) | {"content-type": "application/json"}
    response = await registry.client.post("/v1/projects", content=b"[" * 100_000, headers=headers)
    assert 400 <= response.status_code < 500


async def test_project_of_an_unregistered_enterprise_is_refused(registry: RunningService, mint):
    response = await registry.client.post(
        "/v1/projects", json=project_body(), headers=mint("enterprise", uuid.uuid4())
    )
    assert response.status_code == 403
    assert "enterprise" in response.text


async def test_upload_with_wrong_content_type_names_it(registry: RunningService, mint):
    tenant = uuid.uuid4()
    headers = mint("enterprise", tenant)
    await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
    response = await registry.client.post(
        "/v1/intake-jobs", content=b"<xml/>", headers=headers | {"content-type": "application/xml"}
    )
    assert response.status_code == 422 and "content-type" in response.text


async def test_requests_without_a_valid_token_get_401(registry: RunningService):
    assert (await registry.client.get("/v1/projects")).status_code == 401
    bad = {"Authorization": "Bearer not.a.token"}
    assert (await registry.client.get("/v1/projects", headers=bad)).status_code == 401
