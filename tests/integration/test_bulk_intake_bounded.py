"""A large upload into a registry that already holds a large finished job completes, shows
progress on the way, and keeps the API process's memory bounded.

The registry API runs as its own OS process against real PostgreSQL and Kafka, so its resident
memory is its own and is read from /proc while the upload streams in and the job runs. It works
on a schema of its own, dropped afterwards, and no relay publishes its outbox: 100,000
`project.registered.v1` events on the shared topic would leave every later consumer of the
suite (and of the next run) a backlog to score, match and seal. The relay's path from the
intake outbox to Kafka is proven by tests/chaos/test_kill_mid_stream.py; the rate of the whole
pipeline is measured by `make bench`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from deploy.local.infra import InfraInfo
from registry import domain
from schemas.project import ProjectSpec
from tests.security.matrix import Mint
from tests.support.intake import stage_rows
from tests.support.kafka import eventually
from tests.support.processes import PeakMemory, ServiceProcess, free_port, rss_bytes
from tests.support.samples import enterprise_body, project_body

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
UPLOAD_ROWS = 100_000
FINISHED_ROWS = 100_000
MIB = 1024 * 1024


@pytest.fixture
async def registry_api(infra: InfraInfo, jwks_path: Path) -> AsyncIterator[ServiceProcess]:
    schema = f"registry_intake_{uuid.uuid4().hex[:8]}"
    env = {
        **infra.environment(),
        "GREENLINK_JWKS_PATH": str(jwks_path),
        "GREENLINK_ENV": "test",
        "DB_SCHEMA": schema,
    }
    ServiceProcess("registry", "migrate", env).run_to_end()
    api = ServiceProcess("registry", "api", env, port=free_port())
    try:
        yield api.start()
    finally:
        api.stop()
        con = await asyncpg.connect(infra.database_url)
        try:
            await con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await con.close()


async def seed_large_finished_job(database_url: str, schema: str, rows: int) -> None:
    """Another enterprise's finished job of `rows` projects, with the planner's statistics
    taken while its staged rows were still there (they are deleted as a job runs)."""
    enterprise, job = uuid.uuid4(), uuid.uuid4()
    spec = domain.register_project(
        ProjectSpec.model_validate(project_body()), uuid.uuid4(), enterprise, datetime.now(UTC)
    ).model_dump(mode="json")
    con = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        async with con.transaction():
            await con.execute("SELECT set_config('app.role', 'system', true)")
            await con.execute(
                "INSERT INTO enterprises (id, credit_code, name, city, industry,"
                " registered_at) VALUES ($1, $2, 'seeded', 'changsha', 'wind', now())",
                enterprise,
                enterprise_body()["credit_code"],
            )
            await con.execute(
                "INSERT INTO intake_jobs (id, enterprise_id, format, status, total_rows,"
                " processed_rows, accepted_rows, finished_at) VALUES ($1, $2, 'jsonl', 'done',"
                " $3, $3, $3, now())",
                job,
                enterprise,
                rows,
            )
            await con.execute(
                "INSERT INTO projects (id, enterprise_id, version, name, type, family,"
                " city, spec, registered_at, updated_at) SELECT gen_random_uuid(), $1, 1,"
                " 'seeded ' || n, 'wind', 'renewable_power', 'changsha', $2::jsonb, now(), now()"
                " FROM generate_series(1, $3) AS n",
                enterprise,
                orjson.dumps(spec).decode(),
                rows,
            )
            await con.execute(
                "INSERT INTO project_versions (project_id, version, event_type, spec,"
                " recorded_at) SELECT id, 1, 'project.registered.v1', spec, registered_at"
                " FROM projects WHERE enterprise_id = $1",
                enterprise,
            )
            await stage_rows(con, job, rows)
        await con.execute("ANALYZE intake_rows, intake_jobs, projects, project_versions")
        async with con.transaction():
            await con.execute("SELECT set_config('app.role', 'system', true)")
            await con.execute("DELETE FROM intake_rows WHERE job_id = $1", job)
    finally:
        await con.close()


async def upload_lines(rows: int) -> AsyncIterator[bytes]:
    line = orjson.dumps(project_body(name="bounded intake")) + b"\n"
    for _ in range(rows // 1000):
        yield line * 1000
        await asyncio.sleep(0)


async def test_a_large_upload_into_a_registry_with_a_large_finished_job_completes_in_bounded_memory(
    registry_api: ServiceProcess,
    infra: InfraInfo,
    mint: Mint,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def say(message: str) -> None:
        with capsys.disabled():
            print(f"\n[bulk intake] {message}", end="", flush=True)

    say(f"seeding a finished job of {FINISHED_ROWS:,} rows")
    api = registry_api
    await seed_large_finished_job(infra.database_url, api.env["DB_SCHEMA"], FINISHED_ROWS)
    assert api.process is not None
    headers = mint("enterprise", uuid.uuid4())
    async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=600) as client:
        assert (await client.post("/v1/enterprises", json=enterprise_body())).status_code == 201
        await client.get("/v1/intake-jobs/" + str(uuid.uuid4()))
        idle = rss_bytes(api.process.pid)
        limit = 2 * idle + 64 * MIB
        say(f"API idle at {idle / MIB:.0f} MiB; limit {limit / MIB:.0f} MiB")
        progress: list[int] = []
        with PeakMemory(api.process.pid) as memory:
            started = time.monotonic()
            response = await client.post(
                "/v1/intake-jobs",
                content=upload_lines(UPLOAD_ROWS),
                headers={"content-type": "application/x-ndjson"},
            )
            assert response.status_code == 202, response.text
            job_id = response.json()["job_id"]
            assert response.json()["total_rows"] == UPLOAD_ROWS
            say(f"staged in {time.monotonic() - started:.0f}s; peak {memory.peak / MIB:.0f} MiB")

            async def finished() -> dict[str, object] | None:
                job = (await client.get(f"/v1/intake-jobs/{job_id}")).json()
                progress.append(job["processed_rows"])
                if len(progress) % 10 == 0:
                    say(f"{job['processed_rows']:,} rows; peak {memory.peak / MIB:.0f} MiB")
                return job if job["status"] in ("done", "failed") else None

            job: Any = await eventually(finished, timeout_s=600, interval_s=1)
        say(f"done in {time.monotonic() - started:.0f}s; peak {memory.peak / MIB:.0f} MiB")
    assert job is not None and job["status"] == "done", job
    assert job["accepted_rows"] == UPLOAD_ROWS and job["rejected_rows"] == 0
    assert any(0 < seen < UPLOAD_ROWS for seen in progress), progress
    assert memory.peak < limit, (memory.peak / MIB, idle / MIB)
    con = await asyncpg.connect(
        infra.database_url, server_settings={"search_path": api.env["DB_SCHEMA"]}
    )
    try:  # every accepted row waits in the outbox, once, for the relay
        registered = "SELECT count(*) FROM outbox WHERE type = 'project.registered.v1'"
        assert await con.fetchval(registered) == UPLOAD_ROWS
    finally:
        await con.close()
