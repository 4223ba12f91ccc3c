"""Scoring rows of the BOLA matrix: enterprises read their projects' scores, admins operate."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import httpx

from scoring.estimate.factors import default_factor_set
from tests.security.expectations import (
    ADMIN_ONLY,
    CONSUMER_LAG,
    ENTERPRISE_READ,
    EVERYONE,
    READERS_ONLY,
)
from tests.security.matrix import (
    Caller,
    Endpoint,
    Mint,
    SeedContext,
    ServiceMatrix,
    Tenant,
    World,
    new_marker,
)
from tests.security.registry_matrix import registered_project
from tests.support.kafka import eventually
from tests.support.samples import project_body


@dataclass(frozen=True)
class ActiveFactorSetEndpoint(Endpoint):
    """Aims `{factor_set_id}` at the set that is active already: activating it again rescores
    nothing, so the row proves who may activate without changing any score."""

    def url(self, world: World) -> str:
        return self.path.replace("{factor_set_id}", default_factor_set().id)


SCORE = "/v1/scores/{project_id}"
ROWS = (
    Endpoint("GET", SCORE, ENTERPRISE_READ),
    Endpoint("GET", f"{SCORE}/history", ENTERPRISE_READ),
    Endpoint("GET", "/v1/rankings", READERS_ONLY),
    Endpoint("GET", "/v1/rankings/rejected", READERS_ONLY),
    Endpoint("GET", "/v1/methodologies", EVERYONE),
    Endpoint("GET", "/v1/factor-sets", EVERYONE),
    ActiveFactorSetEndpoint(
        "POST",
        "/v1/factor-sets/{factor_set_id}/activate",
        ADMIN_ONLY,
        owner=Caller.ADMIN,
        state=("/v1/factor-sets", f"{SCORE}/history"),
    ),
    Endpoint("POST", "/v1/estimate", EVERYONE, json=lambda _: project_body()),
    CONSUMER_LAG,
    # Last: a retrain rescores every project, so the rows above see the scores as seeded.
    Endpoint(
        "POST", "/v1/models/train", ADMIN_ONLY, owner=Caller.ADMIN, state=(f"{SCORE}/history",)
    ),
)


async def scored(registry: httpx.AsyncClient, scoring: httpx.AsyncClient, mint: Mint) -> Tenant:
    """An enterprise whose project, registered in the registry, scoring has scored."""
    marker = new_marker()
    project = project_body(name=f"Project {marker}")
    enterprise_id, project_id = await registered_project(registry, mint, marker, project)
    headers = mint("enterprise", enterprise_id)

    async def has_score() -> bool:
        return (await scoring.get(f"/v1/scores/{project_id}", headers=headers)).status_code == 200

    await eventually(has_score, timeout_s=60)
    objects = {"enterprise_id": enterprise_id, "project_id": project_id}
    return Tenant(enterprise_id, uuid.uuid4(), marker, objects)


async def seed(ctx: SeedContext) -> World:
    registry, scoring = ctx.clients["registry"], ctx.clients["scoring"]
    own, other = await asyncio.gather(
        scored(registry, scoring, ctx.mint), scored(registry, scoring, ctx.mint)
    )
    return World(own, other)


MATRIX = ServiceMatrix("scoring", ROWS, seed)
