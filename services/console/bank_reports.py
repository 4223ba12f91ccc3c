"""A lender's scorecard (how it answers, what it financed) and the allocation plan."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.as_user import read
from console.pages import render
from console.session import Lender

router = APIRouter(prefix="/bank")


@router.get("/scorecard")
async def scorecard(request: Request, user: Lender) -> Response:
    """Deals matched and answered, response times, decline reasons, green financing."""
    card = await read(request, user, "audit", f"/v1/lenders/{user.tenant}/scorecard")
    return render(request, "bank/scorecard.html", {"card": card})


@router.get("/allocation")
async def allocation(request: Request, user: Lender) -> Response:
    """How the lender's capacity could finance the most emission reduction, and why."""
    plan = await read(request, user, "matching", "/v1/allocation-plan")
    return render(request, "bank/allocation.html", {"plan": plan})
