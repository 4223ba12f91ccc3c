"""One gate for physical possibility: registration, update and bulk intake refuse what scoring's
estimate refuses; a version stored before the gate is still scored `rejected`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest

from schemas.envelope import Envelope
from schemas.project import ProjectRegistered
from schemas.scoring import ProjectScored
from schemas.topics import PROJECTS, SCORES
from schemas.vocabulary import FAMILY_OF_TYPE, ProjectType
from tests.support.kafka import first_records_about, send_one
from tests.support.projects import finished_upload, upload_errors
from tests.support.samples import enterprise_body, project_body
from tests.support.services import RunningService

pytestmark = pytest.mark.integration
IMPOSSIBLE_ACTIVITY = {"capacity_mw": 10.0, "annual_generation_mwh": 100_000.0}
BOUND = "87,600 MWh"  # 10 MW × 8,760 h


async def _enrolled(registry: RunningService, mint) -> dict[str, str]:
    headers: dict[str, str] = mint("enterprise", uuid.uuid4())
    created = await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
    assert created.status_code == 201, created.text
    return headers


async def test_registration_refuses_generation_above_capacity_times_8760_naming_field_and_bound(
    registry: RunningService, scoring: RunningService, mint
):
    impossible = project_body(activity=IMPOSSIBLE_ACTIVITY)
    headers = await _enrolled(registry, mint)
    estimate = await scoring.client.post("/v1/estimate", json=impossible, headers=headers)
    registered = await registry.client.post("/v1/projects", json=impossible, headers=headers)
    assert estimate.status_code == 422
    assert registered.status_code == 422, registered.text
    assert "activity.annual_generation_mwh" in registered.text and BOUND in registered.text
    listed = await registry.client.get("/v1/projects", headers=headers)
    assert listed.json()["items"] == []


async def test_an_update_to_impossible_generation_is_refused_and_the_version_stays(
    registry: RunningService, mint
):
    headers = await _enrolled(registry, mint)
    created = await registry.client.post("/v1/projects", json=project_body(), headers=headers)
    project_id = created.json()["project_id"]
    changed = await registry.client.put(
        f"/v1/projects/{project_id}",
        json=project_body(activity=IMPOSSIBLE_ACTIVITY),
        headers=headers,
    )
    assert changed.status_code == 422, changed.text
    assert "activity.annual_generation_mwh" in changed.text and BOUND in changed.text
    project = (await registry.client.get(f"/v1/projects/{project_id}", headers=headers)).json()
    assert project["version"] == 1


async def test_bulk_intake_refuses_each_impossible_line_naming_field_and_bound(
    registry: RunningService, mint
):
    headers = await _enrolled(registry, mint)
    rows = [project_body(name=f"gate {n}") for n in range(1, 5)]
    rows[1]["activity"] = IMPOSSIBLE_ACTIVITY
    rows[3]["activity"] = {"capacity_mw": 2.0, "curtailment_avoided_mwh": 20_000.0}
    rows[3]["type"] = "energy_storage"
    upload = b"\n".join(orjson.dumps(r) for r in rows)
    job = await finished_upload(registry, headers, upload)
    assert (job["accepted_rows"], job["rejected_rows"]) == (2, 2)
    errors = await upload_errors(registry, headers, job)
    assert [e["line"] for e in errors] == [2, 4]
    assert "activity.annual_generation_mwh" in errors[0]["reason"] and BOUND in errors[0]["reason"]
    assert "activity.curtailment_avoided_mwh" in errors[1]["reason"]
    assert "17,520 MWh" in errors[1]["reason"]


async def test_a_version_stored_before_the_gate_is_still_scored_rejected(
    scoring: RunningService, infra, topics
):
    """Events are read tolerantly: an old impossible version parses, and its score says why."""
    body = project_body(activity=IMPOSSIBLE_ACTIVITY)
    project_id = uuid.uuid4()
    old = ProjectRegistered.model_validate(
        body
        | {
            "project_id": project_id,
            "enterprise_id": uuid.uuid4(),
            "version": 1,
            "family": FAMILY_OF_TYPE[ProjectType.WIND],
            "recorded_at": datetime.now(UTC),
        }
    )
    envelope = Envelope.wrap(old, source="greenlink/registry")
    key = str(project_id).encode()
    access = infra.kafka_access()
    await send_one(
        access, "test-old-impossible-version", PROJECTS.name, envelope.to_bytes(), key=key
    )
    records = await first_records_about(access, SCORES.name, project_id)
    event = ProjectScored.model_validate(Envelope.from_bytes(records[0].value).data)
    (flag,) = [f for f in event.flags if f.severity == "reject"]
    assert (flag.code, flag.field) == ("generation_exceeds_capacity", "annual_generation_mwh")
    assert BOUND in flag.reason and event.score == 0


async def test_a_province_without_its_own_factor_is_registered_and_estimated_at_its_regions(
    registry: RunningService, scoring: RunningService, mint
):
    elsewhere = project_body(province="guangdong")
    headers = await _enrolled(registry, mint)
    registered = await registry.client.post("/v1/projects", json=elsewhere, headers=headers)
    assert registered.status_code == 201, registered.text
    estimate = await scoring.client.post("/v1/estimate", json=elsewhere, headers=headers)
    assert estimate.status_code == 200, estimate.text
    trace = {item["name"]: item for item in estimate.json()["score"]["trace"]}
    assert trace["grid_electricity_tco2_per_mwh"]["value"] == 0.3869
    assert (trace["grid_province"]["value"], trace["grid_province"]["unit"]) == (
        "guangdong",
        "2022",
    )
    assert "MEE regional table" in trace["grid_province"]["source"]
    sourced = await scoring.client.post(
        "/v1/estimate", json=project_body(province="sichuan"), headers=headers
    )
    assert sourced.status_code == 200, sourced.text
    trace = {item["name"]: item for item in sourced.json()["score"]["trace"]}
    assert trace["grid_electricity_tco2_per_mwh"]["value"] == 0.1404
    assert (trace["grid_province"]["value"], trace["grid_province"]["unit"]) == ("sichuan", "2022")


async def test_operating_hours_beyond_a_year_are_refused_naming_field_and_bound(
    registry: RunningService, scoring: RunningService, mint
):
    centre = project_body(
        type="data_centre_pue",
        activity={
            "it_load_kw": 1000.0,
            "pue_before": 1.6,
            "pue_after": 1.3,
            "operating_hours_per_year": 9000.0,
        },
    )
    headers = await _enrolled(registry, mint)
    estimate = await scoring.client.post("/v1/estimate", json=centre, headers=headers)
    registered = await registry.client.post("/v1/projects", json=centre, headers=headers)
    assert estimate.status_code == 422
    assert registered.status_code == 422, registered.text
    assert registered.json()["field"] == "activity.operating_hours_per_year"
    assert "8,760 h" in registered.text
