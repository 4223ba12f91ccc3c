"""The allocation plan: how limited lender capacity could be spread over open deals to
finance the most emission reduction."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from matching.allocation.allocation_plan import plan_allocation
from matching.allocation.problem import OpenDeal
from matching.api.views import AllocationPlanView
from matching.config import MatchingSettings
from matching.lending.mandates import Mandate
from matching.matching.scored import facts_from_scored
from matching.repository import deals as deal_store
from matching.repository import lenders as lender_store
from schemas.scoring import ProjectScored
from schemas.vocabulary import City, ProjectFamily
from servicekit.http_deps import AsCaller, app_settings
from servicekit.policies import EACH_LENDER_ITS_OWN, EachLender, tenant_of

router = APIRouter(prefix="/v1", tags=["matching"])
Settings = Annotated[MatchingSettings, Depends(app_settings(MatchingSettings))]


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
    principal: EachLender,
    as_caller: AsCaller,
    settings: Settings,
    lender_id: uuid.UUID | None = None,
) -> AllocationPlanView:
    """How limited lender capacity could be spread to finance the most emission reduction.

    The solver runs after the reads' transaction ends, so it never holds a connection."""
    if not EACH_LENDER_ITS_OWN.sees_all(principal):
        lender_id = tenant_of(principal)
    async with as_caller.transaction() as con:
        rows = await deal_store.open_deals(con, lender_id)
        deals = [
            OpenDeal(
                r["deal_id"],
                facts_from_scored(ProjectScored.model_validate(r["scored"], extra="ignore")),
                r["mandate_id"],
            )
            for r in rows
        ]
        mandates = await lender_store.load_mandates(con, list({d.mandate_id for d in deals}))
    _allocate_again_what_open_offers_hold(rows, mandates)
    limit_s = settings.allocation_time_limit_s
    plan = await asyncio.to_thread(plan_allocation, deals, mandates, time_limit_s=limit_s)
    return AllocationPlanView(**asdict(plan), open_deals=len(deals))
