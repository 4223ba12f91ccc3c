"""Registry end to end: HTTP request → state + outbox → relay → Kafka."""

from __future__ import annotations

import uuid

import orjson
import pytest

from schemas.envelope import CONTENT_TYPE, Envelope
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectWithdrawn
from schemas.topics import PROJECTS
from tests.support.kafka import data_field_equals, read_until
from tests.support.projects import finished_upload, upload_errors
from tests.support.samples import enterprise_body, project_body
from tests.support.services import RunningService

pytestmark = pytest.mark.integration


async def enrolled(registry: RunningService, mint, tenant: uuid.UUID) -> dict[str, str]:
    headers: dict[str, str] = mint("enterprise", tenant)
    response = await registry.client.post(
        "/v1/enterprises", json=enterprise_body(), headers=headers
    )
    assert response.status_code == 201, response.text
    return headers


def _about(project_id: str):
    return lambda record: record.key == project_id.encode()


async def test_registered_project_reaches_kafka_as_a_valid_event(registry, mint, tenant, infra):
    headers = await enrolled(registry, mint, tenant)
    response = await registry.client.post("/v1/projects", json=project_body(), headers=headers)
    assert response.status_code == 201, response.text
    project_id = response.json()["project_id"]

    records = await read_until(
        infra.kafka_access(), PROJECTS.name, lambda got: len(got) >= 1, keep=_about(project_id)
    )
    assert len(records) == 1
    envelope = Envelope.from_bytes(records[0].value)
    assert envelope.type == "project.registered.v1"
    event = ProjectRegistered.model_validate(envelope.data)  # strict: unknown fields refused
    assert str(event.project_id) == project_id
    assert event.enterprise_id == tenant
    assert event.family == "renewable_power"
    # Structured mode: the whole CloudEvent is the value; the header says so.
    assert dict(records[0].headers)["content-type"] == CONTENT_TYPE.encode()


async def test_update_creates_a_version_and_withdrawal_ends_it(registry, mint, tenant, infra):
    headers = await enrolled(registry, mint, tenant)
    created = await registry.client.post("/v1/projects", json=project_body(), headers=headers)
    project_id = created.json()["project_id"]

    changed = project_body(activity={"capacity_mw": 60.0, "annual_generation_mwh": 130000.0})
    updated = await registry.client.put(
        f"/v1/projects/{project_id}?expected_version=1", json=changed, headers=headers
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2
    stale = await registry.client.put(
        f"/v1/projects/{project_id}?expected_version=1", json=changed, headers=headers
    )
    assert stale.status_code == 409
    withdrawn = await registry.client.post(
        f"/v1/projects/{project_id}/withdraw",
        json={"reason": "financed elsewhere"},
        headers=headers,
    )
    assert withdrawn.status_code == 200
    again = await registry.client.post(
        f"/v1/projects/{project_id}/withdraw", json={}, headers=headers
    )
    assert again.status_code == 409

    history = (
        await registry.client.get(f"/v1/projects/{project_id}/versions", headers=headers)
    ).json()
    assert [h["event_type"] for h in history] == [
        "project.registered.v1",
        "project.updated.v1",
        "project.withdrawn.v1",
    ]
    current = (await registry.client.get(f"/v1/projects/{project_id}", headers=headers)).json()
    assert current["status"] == "withdrawn"
    assert current["project"]["activity"]["capacity_mw"] == 60.0

    records = await read_until(
        infra.kafka_access(), PROJECTS.name, lambda got: len(got) >= 3, keep=_about(project_id)
    )
    types = [Envelope.from_bytes(r.value).type for r in records]
    assert types == [
        ProjectRegistered.event_type,
        ProjectUpdated.event_type,
        ProjectWithdrawn.event_type,
    ]


async def test_project_list_filters_and_pages_without_gaps(registry, mint, tenant):
    headers = await enrolled(registry, mint, tenant)
    for i in range(7):
        city = "yueyang" if i % 2 else "changde"
        body = project_body(name=f"Project {i}", city=city)
        assert (
            await registry.client.post("/v1/projects", json=body, headers=headers)
        ).status_code == 201

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, "city": "yueyang"} | ({"after": cursor} if cursor else {})
        page = (await registry.client.get("/v1/projects", params=params, headers=headers)).json()
        seen.extend(p["project"]["name"] for p in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Project 1", "Project 3", "Project 5"]


async def test_bulk_upload_registers_valid_rows_and_reports_each_bad_one(
    registry, mint, tenant, infra
):
    headers = await enrolled(registry, mint, tenant)
    bad_lines = set(range(7, 10_000, 200))  # 50 bad rows
    lines = []
    for line in range(1, 10_001):
        body = project_body(name=f"bulk {line}")
        if line in bad_lines:
            body["city"] = "atlantis"
        lines.append(orjson.dumps(body))
    upload = b"\n".join(lines)
    job = await finished_upload(registry, headers, upload, timeout_s=180)
    assert job["accepted_rows"] == 9_950 and job["rejected_rows"] == 50
    errors = await upload_errors(registry, headers, job, limit=500)
    assert {e["line"] for e in errors} == bad_lines
    assert all("city" in e["reason"] for e in errors)

    records = await read_until(
        infra.kafka_access(),
        PROJECTS.name,
        lambda got: len(got) >= 9_950,
        timeout_s=180,
        keep=data_field_equals("enterprise_id", str(tenant)),
    )
    assert len({Envelope.from_bytes(r.value).id for r in records}) == 9_950
