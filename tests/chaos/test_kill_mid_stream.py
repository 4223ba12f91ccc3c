"""Nothing lost, nothing doubled: intake, relay and consumer processes SIGKILLed mid-stream."""

from __future__ import annotations

import asyncio
import random
import uuid

import asyncpg
import httpx
import orjson
import pytest

from schemas.envelope import Envelope
from schemas.topics import PROJECTS
from tests.support.kafka import data_field_equals, eventually, read_until
from tests.support.platform import platform_environment
from tests.support.processes import ServiceProcess, free_port, migrated_and_started
from tests.support.samples import enterprise_body, project_body

# Its waits are bounded by their own deadlines; on a loaded machine they need more than 300 s.
pytestmark = [pytest.mark.chaos, pytest.mark.timeout(900)]
ROWS = 3000


@pytest.fixture
def processes(infra, jwks_path):
    env = platform_environment(infra, jwks_path) | {
        "RELAY_BATCH_MAX": "200",
        "CONSUMER_BATCH_MAX": "200",
    }
    started = {
        "api": ServiceProcess("registry", "api", env, port=free_port()),
        "relay": ServiceProcess("registry", "relay", env),
        "scoring": ServiceProcess("scoring", "consume", env),
    }
    with migrated_and_started(started) as running:
        yield running


async def test_killing_intake_relay_and_consumer_mid_stream_loses_and_doubles_nothing(
    processes, mint, infra
):
    tenant = uuid.uuid4()
    headers = mint("enterprise", tenant)
    api = processes["api"]
    async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=60) as client:
        assert (await client.post("/v1/enterprises", json=enterprise_body())).status_code == 201
        upload = b"\n".join(orjson.dumps(project_body(name=f"chaos {i}")) for i in range(ROWS))
        job = await client.post(
            "/v1/intake-jobs", content=upload, headers={"content-type": "application/x-ndjson"}
        )
        assert job.status_code == 202

        rng = random.Random(7)
        for _ in range(3):  # crash intake, relay and scoring consumer while events flow
            await asyncio.sleep(rng.uniform(0.3, 1.5))
            for process in processes.values():
                process.kill()
            await asyncio.sleep(0.5)
            for process in processes.values():
                process.start()

        async def finished():
            body = (await client.get(f"/v1/intake-jobs/{job.json()['job_id']}")).json()
            return body["status"] == "done" and body

        done = await eventually(finished, timeout_s=240)
    assert done["accepted_rows"] == ROWS  # type: ignore[index]

    records = await read_until(
        infra.kafka_access(),
        PROJECTS.name,
        lambda got: len({r.key for r in got}) >= ROWS,
        timeout_s=240,
        keep=data_field_equals("enterprise_id", str(tenant)),
    )
    ids = {Envelope.from_bytes(r.value).id for r in records}
    assert len(ids) == ROWS  # every event published; any duplicates on the wire share an id

    con = await asyncpg.connect(infra.database_url)
    # Rows are behind row-level security: this checking session reads as a regulator.
    await con.execute("SELECT set_config('app.role', 'regulator', false)")
    try:

        async def all_scored():
            return (
                await con.fetchval(
                    "SELECT count(*) FROM scoring.scores WHERE enterprise_id = $1 AND current",
                    tenant,
                )
                == ROWS
            )

        await eventually(all_scored, timeout_s=300, interval_s=1)
        doubled = await con.fetchval(
            "SELECT count(*) FROM (SELECT project_id FROM scoring.scores WHERE enterprise_id = $1"
            " AND current GROUP BY project_id HAVING count(*) > 1) d",
            tenant,
        )
        assert doubled == 0
        async with con.transaction():  # registry rows are behind row-level security
            await con.execute("SELECT set_config('app.role', 'regulator', true)")
            registered = await con.fetchval(
                "SELECT count(*) FROM registry.projects WHERE enterprise_id = $1", tenant
            )
        assert registered == ROWS
    finally:
        await con.close()
