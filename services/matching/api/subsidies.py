"""Subsidy programmes: regulators see each budget's use (and download it); enterprises see
what they may claim, lenders what their loans earned."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import asyncpg
from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from matching.lending.money import from_fen
from matching.repository import subsidies as subsidy_store
from schemas.subsidies import Claimant, ProgrammeKind, SubsidyEarned
from servicekit.csv_export import CSV_RESPONSE, WantsCsv, csv_response
from servicekit.http_deps import CallerConnection
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, page_of
from servicekit.policies import AnyCaller, Reader

router = APIRouter(prefix="/v1", tags=["subsidies"])


class BudgetUse(BaseModel):
    """One programme's budget and its use: granted never exceeds the budget; `earned_cny`
    above `granted_cny` is what claims earned after the budget ran out."""

    programme_id: str
    name: str
    name_zh: str
    kind: ProgrammeKind
    claimant: Claimant
    valid_from: date
    valid_to: date | None
    budget_cny: Decimal
    granted_cny: Decimal
    remaining_cny: Decimal
    earned_cny: Decimal
    claims: int
    enterprises: int
    illustrative: bool
    source: str


def _use(r: asyncpg.Record) -> BudgetUse:
    budget, granted = from_fen(r["budget_fen"]), from_fen(r["granted_fen"])
    return BudgetUse(
        **{k: r[k] for k in ("programme_id", "name", "name_zh", "kind", "claimant")},
        **{k: r[k] for k in ("valid_from", "valid_to", "claims", "enterprises")},
        budget_cny=budget,
        granted_cny=granted,
        remaining_cny=budget - granted,
        earned_cny=from_fen(r["earned_fen"]),
        illustrative=r["illustrative"],
        source=r["source"],
    )


@router.get("/subsidy-programmes", response_model=list[BudgetUse], responses=CSV_RESPONSE)
async def budget_use(
    as_csv: WantsCsv, principal: Reader, con: CallerConnection
) -> list[BudgetUse] | Response:
    """Each subsidy programme's budget, what it granted and what remains (CSV with
    `?format=csv`): regulators and admins."""
    uses = [_use(r) for r in await subsidy_store.budget_use(con)]
    if as_csv:
        return csv_response(uses, "subsidy-budget-use", model=BudgetUse)
    return uses


@router.get("/subsidy-claims")
async def subsidy_claims(
    principal: AnyCaller, con: CallerConnection, limit: Limit = 100, after: Cursor = None
) -> Page[SubsidyEarned]:
    """What loans earned, oldest first: an enterprise sees what it may claim itself, a lender
    what its loans earned, regulators everything."""
    rows = await subsidy_store.claims(con, decode_cursor(after), limit)
    return page_of(rows, lambda r: SubsidyEarned.model_validate(r["event"]), limit)
