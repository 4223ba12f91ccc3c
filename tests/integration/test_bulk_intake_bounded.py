"""A large upload into a registry that already holds a large finished job completes, shows
progress on the way, and keeps the API process's memory bounded.

The API and the outbox relay run as their own OS processes, so the API's resident memory is
its own and is read from /proc while the upload streams in and the job runs.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
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
from tests.support.kafka import eventually
from tests.support.processes import ServiceProcess, free_port
from tests.support.samples import enterprise_body, project_body

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
UPLOAD_ROWS = 100_000
FINISHED_ROWS = 100_000
MIB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


class PeakMemory:
    """Samples a process's resident memory in a thread until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, rss_bytes(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_bytes(self.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def registry_processes(infra: InfraInfo, jwks_path: Path) -> Iterator[dict[str, ServiceProcess]]:
    env = {
        **infra.environment(),
        "GREENLINK_JWKS_PATH": str(jwks_path),
        "GREENLINK_ENV": "test",
    }
    ServiceProcess("registry", "migrate", env).run_to_end()
    started = {
        "api": ServiceProcess("registry", "api", env, port=free_port()).start(),
        "relay": ServiceProcess("registry", "relay", env).start(),
    }
    yield started
    for process in started.values():
        process.stop()


async def seed_large_finished_job(database_url: str, rows: int) -> None:
    """Another enterprise's finished job of `rows` projects, with the planner's statistics
    taken while its staged rows were still there (they are deleted as a job runs)."""
    enterprise, job = uuid.uuid4(), uuid.uuid4()
    spec = domain.register_project(
        ProjectSpec.model_validate(project_body()), uuid.uuid4(), enterprise, datetime.now(UTC)
    ).model_dump(mode="json")
    con = await asyncpg.connect(database_url)
    try:
        async with con.transaction():
            await con.execute("SELECT set_config('app.role', 'system', true)")
            await con.execute(
                "INSERT INTO registry.enterprises (id, credit_code, name, city, industry,"
                " registered_at) VALUES ($1, $2, 'seeded', 'changsha', 'wind', now())",
                enterprise,
                enterprise_body()["credit_code"],
            )
            await con.execute(
                "INSERT INTO registry.intake_jobs (id, enterprise_id, format, status, total_rows,"
                " processed_rows, accepted_rows, finished_at) VALUES ($1, $2, 'jsonl', 'done',"
                " $3, $3, $3, now())",
                job,
                enterprise,
                rows,
            )
            await con.execute(
                "INSERT INTO registry.projects (id, enterprise_id, version, name, type, family,"
                " city, spec, registered_at, updated_at) SELECT gen_random_uuid(), $1, 1,"
                " 'seeded ' || n, 'wind', 'renewable_power', 'changsha', $2::jsonb, now(), now()"
                " FROM generate_series(1, $3) AS n",
                enterprise,
                orjson.dumps(spec).decode(),
                rows,
            )
            await con.execute(
                "INSERT INTO registry.project_versions (project_id, version, event_type, spec,"
                " recorded_at) SELECT id, 1, 'project.registered.v1', spec, registered_at"
                " FROM registry.projects WHERE enterprise_id = $1",
                enterprise,
            )
            await con.execute(
                "INSERT INTO registry.intake_rows (job_id, line_no, raw) SELECT $1, n, $2"
                " FROM generate_series(1, $3) AS n",
                job,
                orjson.dumps(project_body()).decode(),
                rows,
            )
        await con.execute(
            "ANALYZE registry.intake_rows, registry.intake_jobs, registry.projects,"
            " registry.project_versions"
        )
        async with con.transaction():
            await con.execute("SELECT set_config('app.role', 'system', true)")
            await con.execute("DELETE FROM registry.intake_rows WHERE job_id = $1", job)
    finally:
        await con.close()


async def upload_lines(rows: int) -> AsyncIterator[bytes]:
    line = orjson.dumps(project_body(name="bounded intake")) + b"\n"
    for _ in range(rows // 1000):
        yield line * 1000
        await asyncio.sleep(0)


async def test_a_large_upload_into_a_registry_with_a_large_finished_job_completes_in_bounded_memory(
    registry_processes: dict[str, ServiceProcess],
    infra: InfraInfo,
    mint: Mint,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def say(message: str) -> None:
        with capsys.disabled():
            print(f"\n[bulk intake] {message}", end="", flush=True)

    say(f"seeding a finished job of {FINISHED_ROWS:,} rows")
    await seed_large_finished_job(infra.database_url, FINISHED_ROWS)
    api = registry_processes["api"]
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

    con = await asyncpg.connect(infra.database_url)
    try:

        async def all_published() -> bool:
            return not await con.fetchval(
                "SELECT count(*) FROM registry.outbox WHERE published_at IS NULL"
            )

        await eventually(all_published, timeout_s=300, interval_s=1)
    finally:
        await con.close()
