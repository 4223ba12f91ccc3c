"""Matching rows of the BOLA matrix: lenders own their registration, mandates, deals and feed;
an enterprise sees which lenders answered its project; regulators read everything."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from decimal import Decimal
from typing import Any

import httpx

from tests.security.expectations import (
    CONSUMER_LAG,
    DEAL_PARTIES_READ,
    EACH_LENDER_ITS_OWN,
    ENTERPRISE_READ,
    EVERYONE,
    LENDER_READ,
    LENDER_WRITE,
    READERS_ONLY,
)
from tests.security.matrix import (
    READERS,
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
from tests.security.registry_matrix import registered_project
from tests.support.kafka import eventually
from tests.support.samples import data_centre_body, lender_body, mandate_body

CITY = "zhangjiajie"
_terms = itertools.count(1)


def exclusive_terms() -> tuple[int, Decimal]:
    """A tenor and financing need no other seeded tenant shares: a mandate capped at this
    tenor with this minimum ticket matches its own tenant's project and no other seed's."""
    n = next(_terms)
    return 12 + n, Decimal(10_000_000 + 1_000 * n).quantize(Decimal("0.01"))


def fitting_mandate(tenor_months: int, need_cny: Decimal, **overrides: Any) -> dict[str, Any]:
    return mandate_body(
        cities=[CITY],
        max_tenor_months=tenor_months,
        ticket_min_cny=str(need_cny),
        min_score=0,
        exclusions=[],
        **overrides,
    )


MANDATE = "/v1/mandates/{mandate_id}"
FEED = "/v1/lenders/{lender_id}/deals"
DEAL = "/v1/deals/{deal_id}"
ROWS = (
    Endpoint(
        "POST",
        "/v1/lenders",
        only(lender_own=409, lender_other=409),
        owner=Caller.LENDER_OWN,
        json=lambda _: lender_body(),
        state=("/v1/lenders/{lender_id}",),
    ),
    Endpoint("GET", "/v1/lenders/{lender_id}", LENDER_READ, owner=Caller.LENDER_OWN),
    Endpoint(
        "POST",
        "/v1/mandates",
        only(lender_own=201, lender_other=201),
        owner=Caller.LENDER_OWN,
        json=lambda _: mandate_body(name="Another mandate"),
        fresh=True,
        state=("/v1/mandates",),
    ),
    Endpoint("GET", "/v1/mandates", EACH_LENDER_ITS_OWN, owner=Caller.LENDER_OWN),
    Endpoint("GET", MANDATE, LENDER_READ, owner=Caller.LENDER_OWN),
    Endpoint(
        "PUT",
        MANDATE,
        LENDER_WRITE,
        owner=Caller.LENDER_OWN,
        json=lambda _: mandate_body(name="Renamed mandate"),
        fresh=True,
        state=(MANDATE, "/v1/mandates"),
    ),
    Endpoint(
        "POST",
        f"{MANDATE}/close",
        LENDER_WRITE,
        owner=Caller.LENDER_OWN,
        json=lambda _: {"reason": "fully allocated"},
        fresh=True,
        state=(MANDATE, FEED),
    ),
    Endpoint("GET", FEED, LENDER_READ, owner=Caller.LENDER_OWN),
    Endpoint(
        "GET",
        f"{FEED}/stream",
        LENDER_READ,
        owner=Caller.LENDER_OWN,
        query={"max_events": "1", "idle_timeout_s": "0.2"},
    ),
    Endpoint("GET", DEAL, LENDER_READ, owner=Caller.LENDER_OWN),
    Endpoint(
        "POST",
        f"{DEAL}/responses",
        only(lender_own=201, lender_other=404),
        owner=Caller.LENDER_OWN,
        json=lambda _: {"response": {"kind": "decline", "reason": "outside our pipeline"}},
        fresh=True,
        state=(DEAL, FEED),
    ),
    Endpoint(
        "POST",
        f"{DEAL}/offer/withdrawal",
        only(lender_own=201, lender_other=404),
        owner=Caller.LENDER_OWN,
        json=lambda _: {"reason": "terms no longer available"},
        fresh=True,
        state=(f"{DEAL}/loan", FEED),
    ),
    Endpoint(
        "POST",
        f"{DEAL}/offer/decline",
        only(enterprise_own=201, enterprise_other=404),
        json=lambda _: {"reason": "financed elsewhere"},
        fresh=True,
        state=(f"{DEAL}/loan", "/v1/projects/{project_id}/lenders"),
    ),
    Endpoint(
        "POST",
        f"{DEAL}/repayments",
        # The seeded offer is not drawn yet: its own lender is told so.
        only(lender_own=409, lender_other=404),
        owner=Caller.LENDER_OWN,
        json=lambda _: {"amount_cny": "1000000.00", "repaid_on": "2026-09-01"},
        fresh=True,
        state=(f"{DEAL}/loan",),
    ),
    Endpoint(  # a loan's two parties: its lender and the project's enterprise
        "GET",
        f"{DEAL}/loan",
        DEAL_PARTIES_READ,
        sees=READERS | {Caller.ENTERPRISE_OWN, Caller.LENDER_OWN},
    ),
    Endpoint(
        "GET",
        "/v1/projects/{project_id}/lenders",
        ENTERPRISE_READ,
    ),
    Endpoint("GET", "/v1/allocation-plan", EACH_LENDER_ITS_OWN, owner=Caller.LENDER_OWN),
    Endpoint("GET", "/v1/subsidy-programmes", READERS_ONLY),
    # Everyone may ask; each sees only what its own loans earned (the shared world's loans).
    Endpoint(
        "GET",
        "/v1/subsidy-claims",
        EVERYONE,
        sees=READERS | {Caller.ENTERPRISE_OWN, Caller.LENDER_OWN},
    ),
    Endpoint("GET", f"{FEED}/ranked", LENDER_READ, owner=Caller.LENDER_OWN),
    Endpoint("GET", "/v1/ranker/evaluation", READERS_ONLY, owner=Caller.REGULATOR),
    Endpoint(
        "POST",
        "/v1/ranker/retrain",
        only(admin=202),
        owner=Caller.ADMIN,
        json=lambda _: {"note": "new answers in"},
    ),
    CONSUMER_LAG,
)


async def _lender_with_mandate(
    matching: httpx.AsyncClient, mint: Mint, marker: str, tenor: int, need: Decimal
) -> tuple[uuid.UUID, uuid.UUID]:
    lender_id = uuid.uuid4()
    headers = mint("lender", lender_id)
    made = await matching.post(
        "/v1/lenders", json=lender_body(name=f"Bank {marker}"), headers=headers
    )
    assert made.status_code == 201, made.text
    mandate = await matching.post(
        "/v1/mandates", json=fitting_mandate(tenor, need, name=f"Mandate {marker}"), headers=headers
    )
    assert mandate.status_code == 201, mandate.text
    return lender_id, uuid.UUID(mandate.json()["mandate_id"])


async def lending(ctx: SeedContext) -> Tenant:
    """A lender whose mandate matched an enterprise's project (scored on the way) and who
    answered the deal with interest, then an offer; everything named with the tenant's
    marker."""
    registry, matching = ctx.clients["registry"], ctx.clients["matching"]
    marker = new_marker()
    tenor, need = exclusive_terms()
    lender_id, mandate_id = await _lender_with_mandate(matching, ctx.mint, marker, tenor, need)
    project = data_centre_body(
        name=f"Project {marker}", city=CITY, tenor_months=tenor, financing_need_cny=str(need)
    )
    enterprise_id, project_id = await registered_project(registry, ctx.mint, marker, project)
    headers = ctx.mint("lender", lender_id)

    async def matched() -> str | None:
        feed = await matching.get(f"/v1/lenders/{lender_id}/deals", headers=headers)
        return next(
            (
                item["deal_id"]
                for item in feed.json()["items"]
                if item["event"]["project_id"] == str(project_id)
            ),
            None,
        )

    deal_id = str(await eventually(matched, timeout_s=90))
    interest = await matching.post(
        f"/v1/deals/{deal_id}/responses",
        json={"response": {"kind": "interest", "note": f"Bank {marker} would like to talk"}},
        headers=headers,
    )
    assert interest.status_code == 201, interest.text
    offer = {
        "kind": "offer",
        "instrument": "green_loan",
        "amount_cny": str(need),
        "rate_percent": "3.2",
        "tenor_months": tenor,
    }
    offered = await matching.post(
        f"/v1/deals/{deal_id}/responses", json={"response": offer}, headers=headers
    )
    assert offered.status_code == 201, offered.text
    objects = {
        "enterprise_id": enterprise_id,
        "project_id": project_id,
        "lender_id": lender_id,
        "mandate_id": mandate_id,
        "deal_id": uuid.UUID(deal_id),
    }
    return Tenant(enterprise_id, lender_id, marker, objects)


async def seed(ctx: SeedContext) -> World:
    own, other = await asyncio.gather(lending(ctx), lending(ctx))
    return World(own, other)


async def _drawn_loan(ctx: SeedContext, tenant: Tenant) -> None:
    """A second project of the tenant's enterprise, matched to its lender's mandate and drawn
    in two tranches a month apart: the second earns an interest subsidy named with the
    tenant's marker (the project's name)."""
    registry, matching = ctx.clients["registry"], ctx.clients["matching"]
    lender_id = tenant.lender_id
    headers = ctx.mint("lender", lender_id)
    mandate = await matching.get(f"/v1/mandates/{tenant.objects['mandate_id']}", headers=headers)
    terms = mandate.json()["terms"]
    project = data_centre_body(
        name=f"Loan {tenant.marker}",
        city=CITY,
        tenor_months=terms["max_tenor_months"],
        financing_need_cny=terms["ticket_min_cny"],
    )
    owner = ctx.mint("enterprise", tenant.enterprise_id)
    registered = await registry.post("/v1/projects", json=project, headers=owner)
    assert registered.status_code == 201, registered.text
    project_id = registered.json()["project_id"]

    async def matched() -> str | None:
        feed = await matching.get(
            f"/v1/lenders/{lender_id}/deals", params={"limit": 500}, headers=headers
        )
        items = feed.json()["items"]
        return next((i["deal_id"] for i in items if i["event"]["project_id"] == project_id), None)

    url = f"/v1/deals/{await eventually(matched, timeout_s=90)}/responses"
    offer = {
        "kind": "offer",
        "instrument": "green_loan",
        "amount_cny": terms["ticket_min_cny"],
        "rate_percent": "3.2",
        "tenor_months": terms["max_tenor_months"],
    }
    half = str(Decimal(terms["ticket_min_cny"]) / 2)
    for body in (
        offer,
        {"kind": "disbursed", "amount_cny": half, "disbursed_on": "2026-03-02"},
        {"kind": "disbursed", "amount_cny": half, "disbursed_on": "2026-04-01"},
    ):
        answered = await matching.post(url, json={"response": body}, headers=headers)
        assert answered.status_code == 201, answered.text


async def shared_seed(ctx: SeedContext) -> World:
    """The read-only rows' world: `seed`'s, and each tenant with a drawn loan as well."""
    world = await seed(ctx)
    await asyncio.gather(_drawn_loan(ctx, world.own), _drawn_loan(ctx, world.other))
    return world


MATRIX = ServiceMatrix("matching", ROWS, seed, shared_seed)
