"""Lenders register themselves and read their registration."""

from __future__ import annotations

import uuid
from functools import partial

from fastapi import APIRouter, status

from matching import handlers
from matching.api.views import LenderView
from matching.repository import lenders as lender_store
from schemas.lending import LenderSpec
from servicekit.http import Pool
from servicekit.http_deps import CallerConnection
from servicekit.policies import LENDER_READ, LenderReader, OwningLender, Readable, tenant_of
from servicekit.row_views import row_view

router = APIRouter(prefix="/v1", tags=["matching"])
LENDERS = Readable(
    "lender",
    "lender_id",
    LENDER_READ,
    "lender_id",
    lender_store.fetch_lender,
    partial(row_view, LenderView),
)


@router.post("/lenders", status_code=status.HTTP_201_CREATED)
async def register_lender(spec: LenderSpec, principal: OwningLender, pool: Pool) -> LenderView:
    """Register the calling lender (its id is the token's tenant)."""
    event = await handlers.register_lender(pool, spec, tenant_of(principal))
    return LenderView(**event.model_dump())


@router.get("/lenders/{lender_id}")
async def get_lender(
    lender_id: uuid.UUID, principal: LenderReader, con: CallerConnection
) -> LenderView:
    """A lender's registration: its own, or any for regulators."""
    return await LENDERS.read(con, principal, lender_id)
