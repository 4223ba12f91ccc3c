"""Scoring end to end: a registered project is scored once, traceably, and ranked."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable

import orjson
import pytest
from aiokafka import TopicPartition

from schemas.envelope import Envelope
from schemas.scoring import ProjectScored
from schemas.topics import PROJECTS, SCORES
from scoring import repository
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, acting_as
from tests.support.kafka import (
    data_field_equals,
    eventually,
    first_records_about,
    read_to_end,
    read_until,
    send_one,
    wait_until_consumed,
)
from tests.support.projects import register_projects
from tests.support.samples import project_body

pytestmark = pytest.mark.integration


async def _register(registry, mint, body=None):
    (project_id,), headers = await register_projects(registry, mint, [body or project_body()])
    return project_id, headers


async def test_registered_project_is_scored_and_announced(registry, scoring, mint, infra):
    project_id, headers = await _register(registry, mint)

    records = await first_records_about(infra.kafka_access(), SCORES.name, project_id)
    event = ProjectScored.model_validate(Envelope.from_bytes(records[0].value).data)
    assert event.annual_tco2e == pytest.approx(110_000 * 0.4976, rel=1e-3)  # Hunan 2023 factor
    assert event.factor_set_id and event.methodology_id

    view = (await scoring.client.get(f"/v1/scores/{project_id}", headers=headers)).json()
    assert view["status"] == "scored"
    assert view["standing"]["rank_overall"] >= 1
    trace = view["score"]["trace"]
    assert any(item["source"].startswith("factor set") for item in trace)
    assert all(item["source"] for item in trace)

    other = mint("enterprise", uuid.uuid4())
    assert (await scoring.client.get(f"/v1/scores/{project_id}", headers=other)).status_code == 404

    ranked = await scoring.client.get(
        "/v1/rankings", params={"limit": 5}, headers=mint("regulator")
    )
    assert ranked.status_code == 200, ranked.text
    first = ranked.json()["items"][0]["standing"]
    assert first["rank_overall"] == 1 and first["percentile_overall"] == 100.0


async def test_redelivered_project_event_is_not_scored_twice(registry, scoring, mint, infra):
    project_id, _ = await _register(registry, mint)
    registered = await first_records_about(infra.kafka_access(), PROJECTS.name, project_id)
    value, key = registered[0].value, registered[0].key
    again = await send_one(infra.kafka_access(), "test-redeliver", PROJECTS.name, value, key=key)
    # Scoring has committed past the redelivery, so whatever it made of it is in its outbox...
    await wait_until_consumed(
        infra.kafka_access(),
        next(c.name for c in scoring.spec.consumers if PROJECTS.name in c.topics),
        TopicPartition(PROJECTS.name, again.partition),
        again.offset,
    )
    pool = await create_pool(infra.database_url, scoring.spec.settings.db_schema, max_size=1)
    try:
        unpublished = "SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND published_at IS NULL"
        await eventually(lambda: _is_zero(pool.fetchval(unpublished, project_id)))
    finally:
        await pool.close()
    # ...and on the scores topic: everything up to its current end is everything there is.
    scores = await read_to_end(
        infra.kafka_access(), SCORES.name, keep=data_field_equals("project_id", project_id)
    )
    assert len({Envelope.from_bytes(r.value).id for r in scores}) == 1


async def _is_zero(count: Awaitable[object]) -> bool:
    return await count == 0


async def test_impossible_generation_is_refused_by_estimate_naming_the_field(scoring, mint):
    """Registration refuses it too (test_physical_gate); old versions are scored rejected."""
    impossible = project_body(activity={"capacity_mw": 10.0, "annual_generation_mwh": 100_000.0})
    headers = mint("enterprise", uuid.uuid4())
    refused = await scoring.client.post("/v1/estimate", json=impossible, headers=headers)
    assert refused.status_code == 422
    assert "annual_generation_mwh" in refused.text


async def test_estimate_scores_a_description_without_registering_it(scoring, mint):
    response = await scoring.client.post(
        "/v1/estimate", json=project_body(), headers=mint("lender", uuid.uuid4())
    )
    assert response.status_code == 200, response.text
    assert response.json()["score"]["annual_tco2e"] == pytest.approx(54_736, rel=1e-3)


async def test_malformed_project_event_goes_to_the_dlq_and_scoring_moves_on(
    registry, scoring, mint, infra
):
    key = uuid.uuid4().hex.encode()
    poison = {
        "id": str(uuid.uuid4()),
        "source": "x",
        "type": "project.registered.v1",
        "time": "2026-01-01T00:00:00Z",
        "subject": "x",
        "data": {"project_id": "not-a-uuid"},
    }
    await send_one(
        infra.kafka_access(), "test-poison", PROJECTS.name, orjson.dumps(poison), key=key
    )
    dead = await read_until(
        infra.kafka_access(),
        PROJECTS.dlq,
        lambda got: len(got) >= 1,
        keep=lambda r: r.key == key and dict(r.headers).get("dlq_consumer") == b"scoring-projects",
    )
    assert b"project_id" in dict(dead[0].headers)["dlq_reason"]
    project_id, headers = await _register(registry, mint)

    async def scored():
        response = await scoring.client.get(f"/v1/scores/{project_id}", headers=headers)
        return response.status_code == 200

    await eventually(scored)


async def test_methodologies_and_factor_sets_cite_their_sources(scoring, mint):
    headers = mint("regulator")
    methods = (await scoring.client.get("/v1/methodologies", headers=headers)).json()
    assert len(methods) >= 10
    sets = (await scoring.client.get("/v1/factor-sets", headers=headers)).json()
    assert sum(1 for s in sets if s["active"]) == 1


async def test_the_retrain_check_counts_active_projects_no_further_than_its_ceiling(
    registry, scoring, mint, infra
):
    await _register(registry, mint)
    await _register(registry, mint)
    pool = await create_pool(infra.app_database_url, "scoring", min_size=1, max_size=1)
    every_sql = "SELECT count(*) FROM projects WHERE status = 'active'"
    try:
        async with acting_as(pool, SYSTEM) as con:
            every = await con.fetchval(every_sql)
            assert every >= 2
            assert await repository.count_active_projects(con, at_most=1) == 1
            assert await repository.count_active_projects(con, at_most=2) == 2
            # The consumer may add projects meanwhile: below the ceiling, every one counts.
            assert await repository.count_active_projects(con, at_most=every + 10**6) >= every
    finally:
        await pool.close()
