"""A lender's mandates: what it finances, in versions, and what each has committed and left."""

from __future__ import annotations

import uuid

import asyncpg
from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from matching import handlers
from matching.api.views import MandateAccepted, MandateView
from matching.repository import lenders as lender_store
from schemas.fields import LongText
from schemas.lending import MandateSpec
from servicekit.http import Pool
from servicekit.http_deps import CallerConnection, ExpectedVersion
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, page_of
from servicekit.policies import (
    EACH_LENDER_ITS_OWN,
    LENDER_READ,
    EachLender,
    LenderReader,
    OwningLender,
    tenant_of,
)
from servicekit.row_views import row_view

router = APIRouter(prefix="/v1", tags=["matching"])


class Closing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText = ""


def _mandate_view(r: asyncpg.Record) -> MandateView:
    terms = {k: v for k, v in r["snapshot"].items() if k in MandateSpec.model_fields}
    return row_view(MandateView, r, terms=terms)


@router.post("/mandates", status_code=status.HTTP_201_CREATED)
async def register_mandate(
    spec: MandateSpec, principal: OwningLender, pool: Pool
) -> MandateAccepted:
    """Say what the lender finances; matching projects start arriving in its feed."""
    mandate = await handlers.register_mandate(pool, spec, tenant_of(principal))
    return MandateAccepted(mandate_id=mandate.mandate_id, version=mandate.version, closed=False)


@router.get("/mandates")
async def list_mandates(
    principal: EachLender, con: CallerConnection, limit: Limit = 50, after: Cursor = None
) -> Page[MandateView]:
    """A lender's own mandates; regulators see every mandate."""
    lender = EACH_LENDER_ITS_OWN.own_tenant(principal)
    rows = await lender_store.list_mandates(con, lender, decode_cursor(after), limit)
    return page_of(rows, _mandate_view, limit)


@router.get("/mandates/{mandate_id}")
async def get_mandate(
    mandate_id: uuid.UUID, principal: LenderReader, con: CallerConnection
) -> MandateView:
    """One mandate with what its offers reserve, what it has lent and the room it has left."""
    found = await lender_store.fetch_mandate_row(con, mandate_id)
    money = await lender_store.mandate_balance(con, mandate_id)
    mandate = await lender_store.load_mandate(con, mandate_id)
    missing = f"mandate {mandate_id} not found"
    found = found if mandate is not None else None
    row = LENDER_READ.row_for(principal, found, "lender_id", missing, "mandate_id")
    assert mandate is not None
    view = _mandate_view(row)
    view.disbursed_cny, view.repaid_cny = money["disbursed_cny"], money["repaid_cny"]
    view.outstanding_cny, view.reserved_cny = money["outstanding_cny"], money["reserved_cny"]
    view.remaining_capacity_cny = mandate.remaining_capacity_cny
    return view


@router.put("/mandates/{mandate_id}")
async def update_mandate(
    mandate_id: uuid.UUID,
    spec: MandateSpec,
    principal: OwningLender,
    pool: Pool,
    expected_version: ExpectedVersion = None,
) -> MandateAccepted:
    """New terms become the next version; live projects are matched again."""
    event = await handlers.update_mandate(
        pool, mandate_id, tenant_of(principal), spec, expected_version
    )
    return MandateAccepted(mandate_id=event.mandate_id, version=event.version, closed=False)


@router.post("/mandates/{mandate_id}/close")
async def close_mandate(
    mandate_id: uuid.UUID, body: Closing, principal: OwningLender, pool: Pool
) -> MandateAccepted:
    """Stop a mandate; its open deals are withdrawn, offers and disbursements stand."""
    event = await handlers.close_mandate(pool, mandate_id, tenant_of(principal), body.reason)
    return MandateAccepted(mandate_id=event.mandate_id, version=event.version, closed=True)
