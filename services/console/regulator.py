"""Regulator pages: financing flows, the ledger's integrity, disclosures, lineage."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.as_user import read
from console.pages import render
from console.session import Reader

router = APIRouter(prefix="/regulator")


@router.get("")
async def dashboard(request: Request, user: Reader) -> Response:
    """Financing flows by city (the first of the regulator's views)."""
    flows = await read(request, user, "audit", "/v1/flows", group_by="city")
    return render(request, "regulator/dashboard.html", {"flows": flows})
