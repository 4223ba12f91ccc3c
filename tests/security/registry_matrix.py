"""Registry rows of the BOLA matrix: enterprises own their enterprise, projects and uploads."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import orjson

from tests.security.expectations import CONSUMER_LAG, ENTERPRISE_READ, OWNER_WRITE, READERS_ONLY
from tests.security.matrix import (
    Caller,
    Endpoint,
    Mint,
    SeedContext,
    ServiceMatrix,
    Tenant,
    World,
    new_marker,
    only,
)
from tests.support.kafka import eventually
from tests.support.samples import enterprise_body, project_body

NDJSON = "application/x-ndjson"


def creation(status: int) -> dict[Caller, int]:
    """Any enterprise creates for itself (the tenant comes from its token); nobody else may."""
    return only(enterprise_own=status, enterprise_other=status)


def upload(world: World) -> bytes:
    good = project_body(name=f"Uploaded {uuid.uuid4().hex[:8]}")
    return orjson.dumps(good) + b"\n" + orjson.dumps(project_body(city="atlantis"))


PROJECT = "/v1/projects/{project_id}"
PROJECT_STATE = (PROJECT, f"{PROJECT}/versions")
ROWS = (
    Endpoint(
        "POST",
        "/v1/enterprises",
        only(enterprise_own=409, enterprise_other=409),
        json=lambda _: enterprise_body(),
        fresh=True,
        state=("/v1/enterprises/{enterprise_id}",),
    ),
    Endpoint("GET", "/v1/enterprises", READERS_ONLY),
    Endpoint("GET", "/v1/enterprises/{enterprise_id}", ENTERPRISE_READ),
    Endpoint(
        "POST",
        "/v1/projects",
        creation(201),
        json=lambda _: project_body(),
        fresh=True,
        state=("/v1/projects",),
    ),
    Endpoint(
        "GET",
        "/v1/projects",
        only(enterprise_own=200, enterprise_other=200, regulator=200, admin=200),
    ),
    Endpoint("GET", PROJECT, ENTERPRISE_READ),
    Endpoint("GET", f"{PROJECT}/versions", ENTERPRISE_READ),
    Endpoint(
        "PUT",
        PROJECT,
        OWNER_WRITE,
        json=lambda _: project_body(name="Renamed", tenor_months=120),
        fresh=True,
        state=PROJECT_STATE,
    ),
    Endpoint(
        "POST",
        f"{PROJECT}/withdraw",
        OWNER_WRITE,
        json=lambda _: {"reason": "financed elsewhere"},
        fresh=True,
        state=PROJECT_STATE,
    ),
    Endpoint(
        "POST",
        "/v1/intake-jobs",
        creation(202),
        content=(NDJSON, upload),
        fresh=True,
        state=("/v1/projects",),
    ),
    Endpoint("GET", "/v1/intake-jobs/{job_id}", ENTERPRISE_READ),
    Endpoint("GET", "/v1/intake-jobs/{job_id}/errors", ENTERPRISE_READ),
    CONSUMER_LAG,
)


async def registered_project(
    client: httpx.AsyncClient, mint: Mint, marker: str, project: dict[str, Any]
) -> tuple[uuid.UUID, uuid.UUID]:
    """A new enterprise named with `marker` and its `project`: (enterprise id, project id)."""
    enterprise_id = uuid.uuid4()
    headers = mint("enterprise", enterprise_id)
    made = await client.post(
        "/v1/enterprises", json=enterprise_body(name=f"Enterprise {marker}"), headers=headers
    )
    assert made.status_code == 201, made.text
    registered = await client.post("/v1/projects", json=project, headers=headers)
    assert registered.status_code == 201, registered.text
    return enterprise_id, uuid.UUID(registered.json()["project_id"])


async def enrolled(client: httpx.AsyncClient, mint: Mint) -> Tenant:
    """An enterprise with one project and one finished upload, all named with its marker."""
    marker = new_marker()
    project = project_body(name=f"Project {marker}")
    enterprise_id, project_id = await registered_project(client, mint, marker, project)
    headers = mint("enterprise", enterprise_id)
    rows = orjson.dumps(project_body(name=f"Uploaded {marker}")) + b"\n{}"
    job = await client.post(
        "/v1/intake-jobs", content=rows, headers=headers | {"content-type": NDJSON}
    )
    assert job.status_code == 202, job.text
    job_id = job.json()["job_id"]

    async def finished() -> bool:
        state = await client.get(f"/v1/intake-jobs/{job_id}", headers=headers)
        return bool(state.json()["status"] == "done")

    await eventually(finished, timeout_s=30)
    objects = {
        "enterprise_id": enterprise_id,
        "project_id": project_id,
        "job_id": uuid.UUID(job_id),
    }
    return Tenant(enterprise_id, uuid.uuid4(), marker, objects)


async def seed(ctx: SeedContext) -> World:
    client = ctx.clients["registry"]
    return World(await enrolled(client, ctx.mint), await enrolled(client, ctx.mint))


MATRIX = ServiceMatrix("registry", ROWS, seed)
