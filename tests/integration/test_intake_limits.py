"""Bulk intake cannot be made to stall: chunk claims read an index range whatever the
statistics, an enterprise has a bounded number of unfinished jobs, and a job that cannot go on
says why instead of sitting at 0 %."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator

import asyncpg
import orjson
import pytest

from deploy.local.infra import InfraInfo
from registry import intake
from servicekit.db import create_pool
from tests.security.matrix import Mint
from tests.support.intake import stage_rows
from tests.support.samples import enterprise_body, project_body
from tests.support.services import RunningService
from tests.support.sessions import ended, waiting_for_a_lock

pytestmark = pytest.mark.integration
STAGED_ROWS = 50_000


@pytest.fixture
async def owner(infra: InfraInfo) -> AsyncIterator[asyncpg.Connection]:
    """The schema owner's session acting as the service itself (row-level security binds it)."""
    con = await asyncpg.connect(infra.database_url, server_settings={"search_path": "registry"})
    await con.execute("SELECT set_config('app.role', 'system', false)")
    yield con
    await con.close()


async def enrolled(registry: RunningService, mint: Mint) -> tuple[uuid.UUID, dict[str, str]]:
    tenant = uuid.uuid4()
    headers = mint("enterprise", tenant)
    made = await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
    assert made.status_code == 201
    return tenant, headers


async def stage_job(
    con: asyncpg.Connection, tenant: uuid.UUID, status: str = "queued", rows: int = 0
) -> uuid.UUID:
    job = uuid.uuid4()
    await con.execute(
        "INSERT INTO intake_jobs (id, enterprise_id, format, status, total_rows)"
        " VALUES ($1, $2, 'jsonl', $3, $4)",
        job,
        tenant,
        status,
        rows,
    )
    await stage_rows(con, job, rows)
    return job


async def test_an_enterprise_beyond_its_unfinished_job_limit_gets_429_naming_the_limit(
    registry: RunningService, mint: Mint, owner: asyncpg.Connection
) -> None:
    tenant, headers = await enrolled(registry, mint)
    first = await stage_job(owner, tenant)
    await stage_job(owner, tenant, status="running")
    upload = orjson.dumps(project_body()) + b"\n"
    jsonl = headers | {"content-type": "application/x-ndjson"}

    refused = await registry.client.post("/v1/intake-jobs", content=upload, headers=jsonl)
    assert refused.status_code == 429, refused.text
    assert refused.json()["field"] == "intake_jobs" and "at most 2" in refused.json()["detail"]

    await owner.execute("UPDATE intake_jobs SET status = 'done' WHERE id = $1", first)
    accepted = await registry.client.post("/v1/intake-jobs", content=upload, headers=jsonl)
    assert accepted.status_code == 202, accepted.text


async def test_the_chunk_claim_reads_an_index_range_even_when_statistics_favour_a_scan(
    infra: InfraInfo, registry: RunningService, mint: Mint, owner: asyncpg.Connection
) -> None:
    """The job being claimed holds nearly every staged row, and ANALYZE knows it: a planner
    left to itself scans the table; the claim must still read a key range."""
    tenant, _ = await enrolled(registry, mint)
    job = await stage_job(owner, tenant, status="running", rows=STAGED_ROWS)
    await owner.execute("ANALYZE intake_rows")
    app = await asyncpg.connect(infra.app_database_url, server_settings={"search_path": "registry"})
    try:
        async with app.transaction():
            await app.execute(
                "SELECT set_config('app.role', 'enterprise', true),"
                " set_config('app.tenant', $1::uuid::text, true)",
                tenant,
            )
            await app.execute(intake.INDEX_RANGE_ONLY)
            plans = [
                "\n".join(
                    r[0] for r in await app.fetch(f"EXPLAIN {intake.CLAIM_END}", job, 0, 2000)
                ),
                "\n".join(r[0] for r in await app.fetch(f"EXPLAIN {intake.CLAIM}", job, 0, 2000)),
            ]
    finally:
        await app.close()
        await owner.execute("DELETE FROM intake_jobs WHERE id = $1", job)
    for plan in plans:  # an ordered walk of the primary key, stopping at the chunk's end
        assert re.search(r"Index (Only )?Scan using intake_rows_pkey", plan), plan
        assert "Seq Scan on intake_rows" not in plan, plan
        assert "Bitmap Heap Scan on intake_rows" not in plan, plan
        assert "Sort" not in plan, plan


async def test_a_job_whose_chunks_keep_timing_out_is_marked_failed_with_the_reason(
    infra: InfraInfo, registry: RunningService, mint: Mint, owner: asyncpg.Connection
) -> None:
    tenant, headers = await enrolled(registry, mint)
    job = await stage_job(owner, tenant, rows=500)
    pool = await create_pool(infra.app_database_url, "registry", max_size=2)
    try:
        await intake.process_job(pool, job, chunk_rows=500, timeout_ms=1)
    finally:
        await pool.close()
    seen = (await registry.client.get(f"/v1/intake-jobs/{job}", headers=headers)).json()
    assert seen["status"] == "failed", seen
    assert "took longer than the time allowed" in seen["failure"]


async def test_a_csv_record_too_large_to_read_is_refused_with_its_line(
    registry: RunningService, mint: Mint
) -> None:
    _, headers = await enrolled(registry, mint)
    upload = b'name,city\n"ok",changsha\n"' + b"x" * 200_000 + b'",changsha\n'
    response = await registry.client.post(
        "/v1/intake-jobs", content=upload, headers=headers | {"content-type": "text/csv"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "body" and "line 3" in response.json()["detail"]


async def test_a_job_whose_claim_loses_its_database_session_is_claimed_again_and_finishes(
    infra: InfraInfo, registry: RunningService, mint: Mint, owner: asyncpg.Connection
) -> None:
    """PostgreSQL ends the session that claims the job (a restart, a failover): the claim is
    retried like any chunk, instead of the job's task dying and the job staying queued."""
    tenant, _ = await enrolled(registry, mint)
    job = await stage_job(owner, tenant, rows=3)
    pool = await create_pool(infra.app_database_url, "registry", max_size=2)
    app = await asyncpg.connect(infra.app_database_url)
    try:
        async with owner.transaction():
            await owner.execute("SELECT 1 FROM intake_jobs WHERE id = $1 FOR UPDATE", job)
            processing = asyncio.create_task(intake.process_job(pool, job, chunk_rows=500))
            await ended(app, await waiting_for_a_lock(app, "UPDATE intake_jobs SET status"))
        await asyncio.wait_for(processing, 60)
    finally:
        await app.close()
        await pool.close()
    status = await owner.fetchval("SELECT status FROM intake_jobs WHERE id = $1", job)
    assert status == "done"
