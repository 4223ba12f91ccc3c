"""A small world for the console's pages to show: a lender with a mandate, an enterprise with a
project matched to it, a carbon-reduction-facility loan offered and partly drawn in 2026Q1 (so
the offer is still open and its owner may decline the rest), all through the services' public
APIs."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.deals import deal_for, offer_body, tranche_body
from tests.support.processes import ServiceProcess
from tests.support.samples import data_centre_body, enterprise_body, lender_body, mandate_body


@dataclass
class Remote:
    """A service process seen through an HTTP client (what the deal helpers expect)."""

    client: httpx.AsyncClient


@dataclass(frozen=True)
class Scene:
    enterprise: uuid.UUID
    lender: uuid.UUID
    project_id: str
    deal_id: str

    def tenant_of(self, role: str) -> uuid.UUID | None:
        return {"enterprise": self.enterprise, "lender": self.lender}.get(role)


@asynccontextmanager
async def remotes(platform: dict[str, ServiceProcess]) -> AsyncIterator[dict[str, Remote]]:
    clients = {n: httpx.AsyncClient(base_url=p.url, timeout=30) for n, p in platform.items()}
    try:
        yield {name: Remote(client) for name, client in clients.items()}
    finally:
        for client in clients.values():
            await client.aclose()


async def posted(remote: Remote, path: str, body: dict[str, Any], headers: Any) -> Any:
    answer = await remote.client.post(path, json=body, headers=headers)
    assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text}"
    return answer.json()


async def build_scene(platform: dict[str, ServiceProcess], mint: Any, **project: Any) -> Scene:
    enterprise, lender = uuid.uuid4(), uuid.uuid4()
    as_enterprise, as_lender = mint("enterprise", enterprise), mint("lender", lender)
    async with remotes(platform) as services:
        await posted(services["matching"], "/v1/lenders", lender_body(), as_lender)
        await posted(services["matching"], "/v1/mandates", mandate_body(), as_lender)
        await posted(services["registry"], "/v1/enterprises", enterprise_body(), as_enterprise)
        created = await posted(
            services["registry"], "/v1/projects", data_centre_body(**project), as_enterprise
        )
        deal = await deal_for(services["matching"], lender, as_lender, created["project_id"])  # type: ignore[arg-type]
        answers = f"/v1/deals/{deal['deal_id']}/responses"
        offer = offer_body("10000000.00", instrument="carbon_reduction_facility_loan")
        await posted(services["matching"], answers, offer, as_lender)
        await posted(services["matching"], answers, tranche_body("8000000.00"), as_lender)
    return Scene(enterprise, lender, created["project_id"], deal["deal_id"])
