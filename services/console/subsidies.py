"""Subsidy programmes in the console: what an enterprise may claim from its own loans, and each
programme's budget use for regulators (with its CSV). Both read matching's subsidy API with
the user's own token, so row-level security there decides what each one sees."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.as_user import read
from console.pages import render
from console.regulator import passed_csv
from console.session import Enterprise, Reader

router = APIRouter()
CLAIMS_PAGE = 500


def claimed_by_programme(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each programme's claims summed: earned by the rules and granted by the budget."""
    totals: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"earned": Decimal(0), "granted": Decimal(0), "claims": 0}
    )
    for claim in claims:
        total = totals[claim["programme_id"]]
        total["name"] = claim["programme_name"]
        total["earned"] += Decimal(claim["earned_cny"])
        total["granted"] += Decimal(claim["granted_cny"])
        total["claims"] += 1
    return [{"programme_id": k, **v} for k, v in sorted(totals.items())]


def _percent(part: object, whole: object = 1) -> Decimal:
    total = Decimal(str(whole))
    return Decimal(str(part)) * 100 / total if total else Decimal(0)


@router.get("/enterprise/subsidies")
async def own_claims(request: Request, user: Enterprise) -> Response:
    """What the enterprise's loans earned from each programme, and each claim with its rule."""
    page = await read(request, user, "matching", "/v1/subsidy-claims", limit=CLAIMS_PAGE)
    sources = list(dict.fromkeys(c["rule_source"] for c in page["items"]))
    claims = [
        c | {"share_percent": _percent(c["share"]), "note": sources.index(c["rule_source"]) + 1}
        for c in page["items"]
    ]
    context = {"claims": claims, "totals": claimed_by_programme(claims), "sources": sources}
    return render(request, "enterprise/subsidies.html", context)


@router.get("/regulator/subsidies")
async def budget_use(request: Request, user: Reader) -> Response:
    """Each programme's budget, what it granted and what remains."""
    programmes = [
        p | {"used_percent": _percent(p["granted_cny"], p["budget_cny"])}
        for p in await read(request, user, "matching", "/v1/subsidy-programmes")
    ]
    return render(request, "regulator/subsidies.html", {"programmes": programmes})


@router.get("/regulator/subsidies.csv")
async def budget_use_csv(request: Request, user: Reader) -> Response:
    """The same table as CSV, as the matching service writes it."""
    return await passed_csv(
        request, user, "matching", "/v1/subsidy-programmes", {}, "subsidy-budget-use"
    )
