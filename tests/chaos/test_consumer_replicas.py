"""Two replicas of a consumer share its group's partitions; killing one mid-stream hands its
partitions to the other (a rebalance) and loses and doubles nothing. Every replica, and the
relay, serves /metrics with consumer lag per partition and the outbox backlog."""

from __future__ import annotations

import re
import uuid

import asyncpg
import httpx
import orjson
import pytest

from schemas.topics import PROJECTS
from tests.support.kafka import eventually
from tests.support.platform import platform_environment
from tests.support.processes import ServiceProcess, free_port, migrated_and_started
from tests.support.samples import enterprise_body, project_body

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(600)]
ROWS = 1500
LAG_LINE = re.compile(
    r'^greenlink_consumer_lag\{consumer="[^"]+",partition="(\d+)",service="scoring",'
    r'topic="' + re.escape(PROJECTS.name) + r'"\} (\S+)$',
    re.MULTILINE,
)


def metrics_of(process: ServiceProcess) -> str:
    port = process.env["METRICS_PORT"]
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
    except httpx.HTTPError:
        return ""


def owned_partitions(process: ServiceProcess) -> set[int]:
    return {int(partition) for partition, _ in LAG_LINE.findall(metrics_of(process))}


@pytest.fixture
def replicas(infra, jwks_path):
    env = platform_environment(infra, jwks_path) | {
        "RELAY_BATCH_MAX": "200",
        "CONSUMER_BATCH_MAX": "100",
    }

    def with_metrics() -> dict[str, str]:
        return env | {"METRICS_PORT": str(free_port())}

    started = {
        "api": ServiceProcess("registry", "api", env, port=free_port()),
        "relay": ServiceProcess("registry", "relay", with_metrics()),
        "scoring-1": ServiceProcess("scoring", "consume", with_metrics()),
        "scoring-2": ServiceProcess("scoring", "consume", with_metrics()),
    }
    with migrated_and_started(started) as running:
        yield running


async def test_killing_one_of_two_consumer_replicas_mid_stream_loses_and_doubles_nothing(
    replicas, mint, infra
):
    first, second = replicas["scoring-1"], replicas["scoring-2"]
    # Both replicas joined the group and each owns part of the projects topic.
    await eventually(lambda: owned_partitions(first) and owned_partitions(second), timeout_s=120)
    assert len(owned_partitions(second)) < PROJECTS.partitions

    tenant = uuid.uuid4()
    api = replicas["api"]
    async with httpx.AsyncClient(
        base_url=api.url, headers=mint("enterprise", tenant), timeout=60
    ) as client:
        assert (await client.post("/v1/enterprises", json=enterprise_body())).status_code == 201
        upload = b"\n".join(orjson.dumps(project_body(name=f"replica {i}")) for i in range(ROWS))
        job = await client.post(
            "/v1/intake-jobs", content=upload, headers={"content-type": "application/x-ndjson"}
        )
        assert job.status_code == 202

    con = await asyncpg.connect(infra.database_url)
    await con.execute("SELECT set_config('app.role', 'regulator', false)")
    try:

        async def scored() -> int:
            return int(
                await con.fetchval(
                    "SELECT count(*) FROM scoring.scores WHERE enterprise_id = $1 AND current",
                    tenant,
                )
            )

        await eventually(lambda: scored_at_least(scored, 1), timeout_s=180, interval_s=0.1)
        taken_over = owned_partitions(second)
        second.kill()  # mid-stream: its partitions still hold unscored projects
        assert await scored() < ROWS

        await eventually(lambda: scored_at_least(scored, ROWS), timeout_s=300, interval_s=1)
        doubled = await con.fetchval(
            "SELECT count(*) FROM (SELECT project_id FROM scoring.scores WHERE enterprise_id = $1"
            " AND current GROUP BY project_id HAVING count(*) > 1) d",
            tenant,
        )
    finally:
        await con.close()

    assert doubled == 0
    # The survivor took the dead replica's partitions over and reports their lag.
    await eventually(lambda: taken_over <= owned_partitions(first), timeout_s=60)
    assert "greenlink_outbox_unpublished{" in metrics_of(replicas["relay"])


async def scored_at_least(count, target: int) -> bool:
    return bool(await count() >= target)
