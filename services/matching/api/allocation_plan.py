"""The allocation plan: how limited lender capacity could be spread over open deals to
finance the most emission reduction."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request

from matching.allocation.allocation_plan import plan_allocation
from matching.allocation.problem import OpenDeal
from matching.api.access import READERS, lender_of
from matching.api.views import AllocationPlanView
from matching.lending.mandates import Mandate
from matching.matching.scored import facts_from_scored
from matching.repository import deals as deal_store
from matching.repository import lenders as lender_store
from schemas.scoring import ProjectScored
from schemas.vocabulary import City, ProjectFamily
from servicekit.auth import CurrentPrincipal
from servicekit.http import Pool
from servicekit.rls import acting_as

router = APIRouter(prefix="/v1", tags=["matching"])


def _allocate_again_what_open_offers_hold(rows: list[Any], mandates: list[Mandate]) -> None:
    """An open deal's live offer holds part of its mandate; the plan spreads that part again
    (with the deal among the candidates), so it is not counted as taken twice."""
    by_id = {m.mandate_id: m for m in mandates}
    for r in rows:
        mandate = by_id.get(r["mandate_id"])
        if mandate is not None and r["reserved_cny"]:
            axes = (r["enterprise_id"], City(r["city"]), ProjectFamily(r["family"]))
            mandate.release(r["reserved_cny"], *axes)


@router.get("/allocation-plan")
async def allocation_plan(
    principal: CurrentPrincipal, pool: Pool, request: Request, lender_id: uuid.UUID | None = None
) -> AllocationPlanView:
    """How limited lender capacity could be spread to finance the most emission reduction."""
    if principal.role not in READERS:
        lender_id = lender_of(principal)
    async with acting_as(pool, principal) as con:
        rows = await deal_store.open_deals(con, lender_id)
        deals = [
            OpenDeal(
                r["deal_id"],
                facts_from_scored(ProjectScored.model_validate(r["scored"], extra="ignore")),
                r["mandate_id"],
            )
            for r in rows
        ]
        mandates = [
            m
            for m in [
                await lender_store.load_mandate(con, mid)
                for mid in sorted({d.mandate_id for d in deals})
            ]
            if m is not None
        ]
    _allocate_again_what_open_offers_hold(rows, mandates)
    limit_s: float = request.app.state.settings.allocation_time_limit_s
    plan = await asyncio.to_thread(plan_allocation, deals, mandates, time_limit_s=limit_s)
    return AllocationPlanView(**asdict(plan), open_deals=len(deals))
