"""A request that stalls past its Idempotency-Key's lease is taken over by its retry, and the
two together register once: one project, one event, and the stalled first attempt can never
commit a second effect (servicekit.idempotency, docs/operations.md "Idempotency keys").

The registry API runs as its own process over real HTTP with a lease of LEASE_S seconds. The
first attempt sends its headers and half its body, then stops: the API has leased the key and
waits for the rest of the body, as it would behind a slow client or a stalled proxy. Once the
lease has run out, a retry with the same key and body takes the key over.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from deploy.local.infra import InfraInfo
from tests.support.platform import platform_environment
from tests.support.processes import ServiceProcess, free_port, migrated_and_started
from tests.support.samples import enterprise_body, project_body

pytestmark = pytest.mark.integration
LEASE_S = 2


@pytest.fixture(scope="module")
def registry_api(infra, jwks_path) -> Iterator[ServiceProcess]:
    env = platform_environment(infra, jwks_path) | {"IDEMPOTENCY_LEASE_SECONDS": str(LEASE_S)}
    with migrated_and_started(
        {"api": ServiceProcess("registry", "api", env, port=free_port())}
    ) as started:
        yield started["api"]


class StalledPost:
    """A POST that sends its headers and the first half of its body, then waits to be let go."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str], body: bytes) -> None:
        self._go_on = asyncio.Event()
        half = len(body) // 2
        self.answer = asyncio.create_task(
            client.post(
                "/v1/projects", content=self._body(body[:half], body[half:]), headers=headers
            )
        )

    async def _body(self, first: bytes, rest: bytes) -> AsyncIterator[bytes]:
        yield first
        await self._go_on.wait()
        yield rest

    async def resumed(self) -> httpx.Response:
        self._go_on.set()
        return await self.answer


class Keys:
    """The registry's idempotency_keys row for one caller and key, read as the owner."""

    def __init__(self, infra: InfraInfo, tenant: uuid.UUID, key: str) -> None:
        self.url, self.scope, self.key = infra.database_url, f"tenant:{tenant}", key

    async def lease(self) -> uuid.UUID | None:
        con = await asyncpg.connect(self.url)
        try:
            lease: uuid.UUID | None = await con.fetchval(
                "SELECT lease FROM registry.idempotency_keys WHERE scope = $1 AND key = $2",
                self.scope,
                self.key,
            )
        finally:
            await con.close()
        return lease

    async def leased_other_than(self, previous: uuid.UUID | None) -> uuid.UUID:
        """Waits until the key is leased by someone other than `previous`."""
        for _ in range(300):
            lease = await self.lease()
            if lease is not None and lease != previous:
                return lease
            await asyncio.sleep(0.05)
        raise AssertionError(f"the key was never leased anew (still {previous})")


async def _registered(infra: InfraInfo, tenant: uuid.UUID) -> tuple[int, int]:
    """(projects the enterprise has, project.registered events staged for them)."""
    con = await asyncpg.connect(infra.database_url)
    try:
        async with con.transaction():  # registry rows are behind row-level security
            await con.execute("SELECT set_config('app.role', 'regulator', true)")
            ids = [
                str(r["id"])
                for r in await con.fetch(
                    "SELECT id FROM registry.projects WHERE enterprise_id = $1", tenant
                )
            ]
        events = await con.fetchval(
            "SELECT count(*) FROM registry.outbox"
            " WHERE aggregate_id = ANY($1::text[]) AND type = 'project.registered.v1'",
            ids,
        )
    finally:
        await con.close()
    return len(ids), int(events)


def _json(answer: httpx.Response) -> dict[str, Any]:
    return dict(answer.json())


@pytest.mark.parametrize("first_to_resume", ["retry", "original"])
async def test_a_retry_takes_over_a_stalled_requests_expired_key_and_registers_once(
    registry_api: ServiceProcess, infra: InfraInfo, mint, first_to_resume: str
) -> None:
    tenant, key = uuid.uuid4(), str(uuid.uuid4())
    headers = mint("enterprise", tenant)
    keyed = headers | {"Idempotency-Key": key, "content-type": "application/json"}
    body = orjson.dumps(project_body(name=f"stalled {first_to_resume}"))
    keys = Keys(infra, tenant, key)
    async with httpx.AsyncClient(base_url=registry_api.url, timeout=60) as client:
        enrolled = await client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
        assert enrolled.status_code == 201, enrolled.text

        original = StalledPost(client, keyed, body)
        first_lease = await keys.leased_other_than(None)
        await asyncio.sleep(LEASE_S + 1)  # the original stalls past its lease

        if first_to_resume == "retry":
            retry = await client.post("/v1/projects", content=body, headers=keyed)
            late = await original.resumed()
        else:  # the retry takes the key over and stalls too; the original wakes up first
            stalled_retry = StalledPost(client, keyed, body)
            await keys.leased_other_than(first_lease)
            late = await original.resumed()
            retry = await stalled_retry.resumed()
        again = await client.post("/v1/projects", content=body, headers=keyed)

    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers
    assert late.status_code == 409, late.text
    assert _json(late)["field"] == "Idempotency-Key"
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert _json(again)["project_id"] == _json(retry)["project_id"]
    assert await _registered(infra, tenant) == (1, 1)
