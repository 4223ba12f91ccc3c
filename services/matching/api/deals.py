"""One deal and its loan: the lender's answers, the enterprise's decline, repayments, and the
lenders that answered a project."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from matching import handlers
from matching.api.ranker import learned_part
from matching.api.views import DealView, InterestedLender, LoanView, RepaymentLine, Tranche
from matching.lending.collateral import issuance_of
from matching.lending.deals import china_date
from matching.repository import carbon_prices as price_store
from matching.repository import deals as deal_store
from schemas.deals import DealOfferClosed, DealRepaid, DealResponded, DealResponse, Repayment
from schemas.fields import IsoDate, LongText
from servicekit.auth import Role
from servicekit.http import Pool
from servicekit.http_deps import CallerConnection
from servicekit.policies import (
    DEAL_PARTIES_READ,
    ENTERPRISE_READ,
    LENDER_READ,
    DealPartyReader,
    EnterpriseReader,
    LenderReader,
    OwningEnterprise,
    OwningLender,
    Readable,
    tenant_of,
)
from servicekit.row_views import object_view, row_view

router = APIRouter(prefix="/v1", tags=["matching"])
DEALS = Readable(
    "deal", "deal_id", LENDER_READ, "lender_id", deal_store.fetch_deal, partial(row_view, DealView)
)


class ResponseBody(BaseModel):
    """A lender's answer to a deal: interest, decline, offer or disbursed."""

    model_config = ConfigDict(extra="forbid")
    response: DealResponse = Field(discriminator="kind")


ValuedOn = Annotated[
    IsoDate | None,
    Query(description="Value the pledgeable carbon credits on this day (default: today in China)"),
]


@router.get("/deals/{deal_id}")
async def get_deal(
    deal_id: uuid.UUID, principal: LenderReader, con: CallerConnection, valued_on: ValuedOn = None
) -> DealView:
    """One deal of the calling lender, with its explanation (the fixed fit's parts and the
    learned model's feature contributions), state and carbon collateral."""
    view = await DEALS.read(con, principal, deal_id)
    on = valued_on or china_date(datetime.now(UTC))
    collateral = await price_store.collateral_on(con, issuance_of(view.matched["project"]), on)
    learned = await learned_part(con, view)
    return view.model_copy(update={"collateral": collateral, "learned": learned})


@router.post("/deals/{deal_id}/responses", status_code=status.HTTP_201_CREATED)
async def answer_deal(
    deal_id: uuid.UUID, body: ResponseBody, principal: OwningLender, pool: Pool
) -> DealResponded:
    """Answer a deal: interest, decline (with reason), offer, or disbursed (draws capacity)."""
    return await handlers.answer_deal(pool, deal_id, body.response, tenant_of(principal))


class OfferClosing(BaseModel):
    """Why an offer is withdrawn or declined (shown to the other side)."""

    model_config = ConfigDict(extra="forbid")
    reason: LongText = ""


@router.post("/deals/{deal_id}/offer/withdrawal", status_code=status.HTTP_201_CREATED)
async def withdraw_offer(
    deal_id: uuid.UUID, body: OfferClosing, principal: OwningLender, pool: Pool
) -> DealOfferClosed:
    """The lender takes its live offer back; the undrawn amount returns to the mandate."""
    return await handlers.withdraw_offer(pool, deal_id, body.reason, tenant_of(principal))


@router.post("/deals/{deal_id}/offer/decline", status_code=status.HTTP_201_CREATED)
async def decline_offer(
    deal_id: uuid.UUID, body: OfferClosing, principal: OwningEnterprise, pool: Pool
) -> DealOfferClosed:
    """The enterprise turns down an offer on its own project; the reservation is released."""
    return await handlers.decline_offer(pool, deal_id, body.reason, tenant_of(principal))


@router.post("/deals/{deal_id}/repayments", status_code=status.HTTP_201_CREATED)
async def record_repayment(
    deal_id: uuid.UUID, body: Repayment, principal: OwningLender, pool: Pool
) -> DealRepaid:
    """The lender books principal repaid; a revolving mandate gets the capacity back."""
    return await handlers.record_repayment(pool, deal_id, body, tenant_of(principal))


@router.get("/deals/{deal_id}/loan")
async def deal_loan(
    deal_id: uuid.UUID, principal: DealPartyReader, con: CallerConnection
) -> LoanView:
    """A deal's offer, tranches, repayments and balance: its lender, the project's owner and
    regulators may read it."""
    found = await deal_store.lock_deal(con, deal_id, lock=False)
    tranches, repaid = await deal_store.loan_movements(con, deal_id)
    party = None
    if found is not None:
        party = found[0].lender_id if principal.role is Role.LENDER else found[0].enterprise_id
    DEAL_PARTIES_READ.reveal(principal, party, f"deal {deal_id} not found", "deal_id")
    assert found is not None
    deal = found[0]
    return object_view(
        LoanView,
        deal,
        offer=deal.offer.model_dump(mode="json") if deal.offer else None,
        tranches=[Tranche(**dict(r.items())) for r in tranches],
        repayments=[RepaymentLine(**dict(r.items())) for r in repaid],
    )


@router.get("/projects/{project_id}/lenders")
async def interested_lenders(
    project_id: uuid.UUID, principal: EnterpriseReader, con: CallerConnection
) -> list[InterestedLender]:
    """Which lenders have answered the caller's project (interest, offer, loan), and how each
    answer stands now, ended offers and repaid loans included."""
    owner = await deal_store.project_owner(con, project_id)
    rows = await deal_store.interested_lenders(con, project_id)
    ENTERPRISE_READ.reveal(principal, owner, f"project {project_id} not found", "project_id")
    return [row_view(InterestedLender, r) for r in rows]
