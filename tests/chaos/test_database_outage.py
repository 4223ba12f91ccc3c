"""While PostgreSQL is down (stopped in immediate mode), the APIs answer 503 with Retry-After,
never 500, and serve again once it is back."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest

from deploy.local import postgres
from deploy.local.infra import stop_postgres
from tests.support.kafka import eventually
from tests.support.platform import platform_environment
from tests.support.processes import ServiceProcess, free_port, migrated_and_started
from tests.support.samples import enterprise_body, project_body
from tests.support.sessions import ended, waiting_for_a_lock

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(300)]


@pytest.fixture
def apis(infra, jwks_path):
    env = platform_environment(infra, jwks_path)
    started = {
        name: ServiceProcess(name, "api", env, port=free_port()) for name in ("registry", "scoring")
    }
    with migrated_and_started(started) as running:
        yield running


async def test_apis_answer_503_with_retry_after_while_postgresql_is_down(apis, mint):
    registry, scoring = apis["registry"].url, apis["scoring"].url
    owner = mint("enterprise", uuid.uuid4())
    regulator = mint("regulator")
    async with httpx.AsyncClient(timeout=30) as client:
        created = await client.post(
            f"{registry}/v1/enterprises", json=enterprise_body(), headers=owner
        )
        assert created.status_code == 201, created.text

        stop_postgres(immediate=True)
        try:
            during = [
                await client.post(f"{registry}/v1/projects", json=project_body(), headers=owner),
                await client.get(f"{registry}/v1/projects", headers=owner),
                await client.get(f"{scoring}/v1/rankings", headers=regulator),
                await client.post(f"{registry}/v1/projects", json=project_body(), headers=owner),
            ]
        finally:
            postgres.ensure()  # the same cluster, port and passwords, recovered from its log

        async def registered_again() -> bool:
            answer = await client.post(
                f"{registry}/v1/projects", json=project_body(), headers=owner
            )
            assert answer.status_code in (201, 503), answer.text
            return answer.status_code == 201

        await eventually(registered_again, timeout_s=60, interval_s=0.5)

    assert [answer.status_code for answer in during] == [503] * len(during), [
        (a.request.url.path, a.status_code, a.text[:200]) for a in during
    ]
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in during)


async def test_a_registration_whose_connection_dies_mid_transaction_answers_503(apis, mint, infra):
    """PostgreSQL ends the session while the registration's transaction is open (as a crash or
    a failover does): nothing committed, and the answer is 503 with Retry-After, not 500."""
    registry, owner = apis["registry"].url, mint("enterprise", uuid.uuid4())
    locker = await asyncpg.connect(infra.database_url)
    app = await asyncpg.connect(infra.app_database_url)
    try:
        async with httpx.AsyncClient(base_url=registry, headers=owner, timeout=30) as client:
            created = await client.post("/v1/enterprises", json=enterprise_body())
            assert created.status_code == 201, created.text
            async with locker.transaction():
                await locker.execute("LOCK TABLE registry.outbox IN EXCLUSIVE MODE")
                answer = asyncio.create_task(client.post("/v1/projects", json=project_body()))
                await ended(app, await waiting_for_a_lock(app, "INSERT INTO outbox"))
            during = await answer
            listed = await client.get("/v1/projects")
    finally:
        await locker.close()
        await app.close()

    assert during.status_code == 503, during.text
    assert int(during.headers["Retry-After"]) > 0
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == []
