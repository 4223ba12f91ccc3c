"""Per-client limits on writes: a flood from one caller gets 429 with Retry-After, nobody else."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from servicekit.ratelimit import TokenBuckets
from tests.security.matrix import Mint
from tests.support.samples import enterprise_body, project_body
from tests.support.services import RunningService, app_client

pytestmark = pytest.mark.security


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.unit
def test_a_bucket_allows_a_minutes_burst_then_refills_one_token_at_a_time() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock=clock)
    assert all(buckets.take("a") == 0.0 for _ in range(60))
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0
    clock.now += 1.0
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0.0


@pytest.mark.unit
def test_the_bucket_table_forgets_the_least_recent_clients_first() -> None:
    buckets = TokenBuckets(1, max_clients=2, clock=Clock())
    buckets.take("a")
    buckets.take("b")
    buckets.take("c")
    assert buckets.take("a") == 0.0  # forgotten, so a full bucket again
    assert buckets.take("c") > 0.0


@pytest.fixture(scope="module")
async def strict_registry(registry: RunningService) -> AsyncIterator[httpx.AsyncClient]:
    """A registry app of its own allowing three writes a minute (the registry fixture migrated)."""
    from registry.app import build_app
    from registry.config import RegistrySettings

    async with app_client(build_app(RegistrySettings(RATE_LIMIT_WRITES_PER_MINUTE=3))) as client:
        yield client


@pytest.mark.integration
async def test_writes_beyond_the_limit_get_429_with_retry_after_and_reads_go_on(
    strict_registry: httpx.AsyncClient, mint: Mint
) -> None:
    flooder = mint("enterprise", uuid.uuid4())
    answers = [
        await strict_registry.post("/v1/enterprises", json=enterprise_body(), headers=flooder),
        await strict_registry.post("/v1/projects", json=project_body(), headers=flooder),
        await strict_registry.post("/v1/projects", json=project_body(), headers=flooder),
    ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    refused = await strict_registry.post("/v1/projects", json=project_body(), headers=flooder)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 20
    assert (await strict_registry.get("/v1/projects", headers=flooder)).status_code == 200
    bystander = mint("enterprise", uuid.uuid4())
    welcome = await strict_registry.post(
        "/v1/enterprises", json=enterprise_body(), headers=bystander
    )
    assert welcome.status_code == 201


@pytest.mark.integration
async def test_a_forged_token_cannot_spend_another_clients_budget(
    strict_registry: httpx.AsyncClient, mint: Mint
) -> None:
    victim_tenant = uuid.uuid4()
    forged = {"Authorization": "Bearer " + "x" * 40}
    for _ in range(5):
        assert (await strict_registry.post("/v1/projects", headers=forged)).status_code in (
            401,
            429,
        )
    victim = mint("enterprise", victim_tenant)
    made = await strict_registry.post("/v1/enterprises", json=enterprise_body(), headers=victim)
    assert made.status_code == 201
