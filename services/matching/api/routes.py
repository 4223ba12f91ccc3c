"""Matching HTTP API: lenders, mandates, deal feeds (pull and live), responses, allocation.

Each endpoint checks the caller's role (403), then ownership (404); reads run in a transaction
acting as the caller (servicekit.rls), so row-level security agrees with those checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from matching import handlers
from matching.allocation.allocation_plan import plan_allocation
from matching.allocation.problem import OpenDeal
from matching.api.views import (
    AllocationPlanView,
    DealView,
    FeedEntry,
    FeedPage,
    InterestedLender,
    LenderView,
    LoanView,
    MandateAccepted,
    MandateView,
    PlanLine,
    PlanProject,
    RepaymentLine,
    Tranche,
)
from matching.lending.mandates import Mandate
from matching.matching.scored import facts_from_scored
from matching.repository import deals as deal_store
from matching.repository import feeds as feed_store
from matching.repository import lenders as lender_store
from matching.repository.feed_signals import FeedSignals
from schemas.deals import (
    DealMatched,
    DealOfferClosed,
    DealRepaid,
    DealResponded,
    DealResponse,
    DealWithdrawn,
    Repayment,
)
from schemas.fields import LongText
from schemas.lending import LenderSpec, MandateSpec
from schemas.scoring import ProjectScored
from schemas.vocabulary import City, ProjectFamily
from servicekit.auth import CurrentPrincipal, Principal, Role, require_role, require_tenant
from servicekit.errors import NotFound
from servicekit.http import Pool
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor, next_cursor
from servicekit.rls import acting_as

router = APIRouter(prefix="/v1", tags=["matching"])
DEAL_EVENTS = (DealMatched, DealWithdrawn, DealResponded, DealOfferClosed, DealRepaid)
READERS = (Role.REGULATOR, Role.ADMIN)
LENDER_OR_READERS = (Role.LENDER, *READERS)


class Closing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText = ""


class ResponseBody(BaseModel):
    """A lender's answer to a deal: interest, decline, offer or disbursed."""

    model_config = ConfigDict(extra="forbid")
    response: DealResponse = Field(discriminator="kind")


def _lender(principal: Principal) -> uuid.UUID:
    return require_tenant(principal, Role.LENDER)


def _may_read(principal: Principal, lender_id: uuid.UUID) -> bool:
    """403 for a role with no business here; False for another lender's object."""
    require_role(principal, *LENDER_OR_READERS)
    return principal.role in READERS or principal.owns(lender_id)


@router.post("/lenders", status_code=status.HTTP_201_CREATED)
async def register_lender(spec: LenderSpec, principal: CurrentPrincipal, pool: Pool) -> LenderView:
    """Register the calling lender (its id is the token's tenant)."""
    event = await handlers.register_lender(pool, spec, _lender(principal))
    return LenderView(**event.model_dump())


@router.get("/lenders/{lender_id}")
async def get_lender(lender_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool) -> LenderView:
    """A lender's registration: its own, or any for regulators."""
    if not _may_read(principal, lender_id):
        raise NotFound(f"lender {lender_id} not found", field="lender_id")
    async with acting_as(pool, principal) as con:
        row = await lender_store.fetch_lender(con, lender_id)
    if row is None:
        raise NotFound(f"lender {lender_id} not found", field="lender_id")
    return LenderView(**{k: v for k, v in row.items() if k in LenderView.model_fields})


def _mandate_view(row: object) -> MandateView:
    r = dict(row.items())  # type: ignore[attr-defined]
    terms = {k: v for k, v in r["snapshot"].items() if k in MandateSpec.model_fields}
    return MandateView(
        mandate_id=r["mandate_id"],
        lender_id=r["lender_id"],
        version=r["version"],
        closed=r["closed"],
        terms=terms,
        updated_at=r["updated_at"],
    )


@router.post("/mandates", status_code=status.HTTP_201_CREATED)
async def register_mandate(
    spec: MandateSpec, principal: CurrentPrincipal, pool: Pool
) -> MandateAccepted:
    """Say what the lender finances; matching projects start arriving in its feed."""
    mandate = await handlers.register_mandate(pool, spec, _lender(principal))
    return MandateAccepted(mandate_id=mandate.mandate_id, version=mandate.version, closed=False)


@router.get("/mandates")
async def list_mandates(
    principal: CurrentPrincipal, pool: Pool, limit: Limit = 50, after: Cursor = None
) -> Page[MandateView]:
    """A lender's own mandates; regulators see every mandate."""
    lender = None if principal.role in READERS else _lender(principal)
    async with acting_as(pool, principal) as con:
        rows = await lender_store.list_mandates(con, lender, decode_cursor(after), limit)
    return Page(
        items=[_mandate_view(r) for r in rows],
        next_cursor=next_cursor([r["seq"] for r in rows], limit),
    )


@router.get("/mandates/{mandate_id}")
async def get_mandate(
    mandate_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool
) -> MandateView:
    """One mandate with what its offers reserve, what it has lent and the room it has left."""
    require_role(principal, *LENDER_OR_READERS)
    async with acting_as(pool, principal) as con:
        row = await lender_store.fetch_mandate_row(con, mandate_id)
        money = await lender_store.mandate_balance(con, mandate_id)
        mandate = await lender_store.load_mandate(con, mandate_id)
    if row is None or mandate is None or not _may_read(principal, row["lender_id"]):
        raise NotFound(f"mandate {mandate_id} not found", field="mandate_id")
    view = _mandate_view(row)
    view.disbursed_cny, view.repaid_cny = money["disbursed_cny"], money["repaid_cny"]
    view.outstanding_cny, view.reserved_cny = money["outstanding_cny"], money["reserved_cny"]
    view.remaining_capacity_cny = mandate.remaining_capacity_cny
    return view


@router.put("/mandates/{mandate_id}")
async def update_mandate(
    mandate_id: uuid.UUID,
    spec: MandateSpec,
    principal: CurrentPrincipal,
    pool: Pool,
    expected_version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> MandateAccepted:
    """New terms become the next version; live projects are matched again."""
    mandate = await handlers.update_mandate(
        pool, mandate_id, spec, _lender(principal), expected_version
    )
    return MandateAccepted(mandate_id=mandate.mandate_id, version=mandate.version, closed=False)


@router.post("/mandates/{mandate_id}/close")
async def close_mandate(
    mandate_id: uuid.UUID, body: Closing, principal: CurrentPrincipal, pool: Pool
) -> MandateAccepted:
    """Stop a mandate; its open deals are withdrawn, offers and disbursements stand."""
    mandate = await handlers.close_mandate(pool, mandate_id, body.reason, _lender(principal))
    return MandateAccepted(mandate_id=mandate.mandate_id, version=mandate.version, closed=True)


def _entry(r: object) -> FeedEntry:
    row = dict(r.items())  # type: ignore[attr-defined]
    return FeedEntry(
        position=row["position"],
        deal_id=row["deal_id"],
        event_type=row["event_type"],
        event=row["payload"],
        at=row["at"],
    )


def _feed_owner(principal: Principal, lender_id: uuid.UUID) -> None:
    if not _may_read(principal, lender_id):
        raise NotFound(f"lender {lender_id} not found", field="lender_id")


@router.get("/lenders/{lender_id}/deals")
async def deal_feed(
    lender_id: uuid.UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    limit: Limit = 100,
    after: Cursor = None,
) -> FeedPage:
    """The lender's deal feed in order (matched, withdrawn, answered), paged by cursor."""
    _feed_owner(principal, lender_id)
    async with acting_as(pool, principal) as con:
        rows = await feed_store.feed_page(con, lender_id, decode_cursor(after), limit)
    items = [_entry(r) for r in rows]
    cursor = encode_cursor(items[-1].position) if items else after
    return FeedPage(items=items, next_cursor=cursor)


FEED_POSITION = r"^[0-9]{1,18}$"
FEED_EVENT = {
    "type": "object",
    "required": ["id", "event", "data"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": FEED_POSITION,
            "description": "The entry's feed position: send it back as Last-Event-ID to resume.",
        },
        "event": {"type": "string", "enum": [t.event_type for t in DEAL_EVENTS]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": "The FeedEntry as JSON.",
        },
    },
}
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One server-sent event per feed entry, oldest first",
        "content": {"text/event-stream": {"schema": FEED_EVENT}},
    }
}


@router.get(
    "/lenders/{lender_id}/deals/stream",
    response_class=EventSourceResponse,
    responses=STREAM_RESPONSES,
)
async def deal_stream(
    lender_id: uuid.UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    request: Request,
    after: Cursor = None,
    last_event_id: Annotated[str, Header(pattern=FEED_POSITION)] = "",
    max_events: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    idle_timeout_s: Annotated[float | None, Query(gt=0, le=3600)] = None,
) -> EventSourceResponse:
    """Live feed as server-sent events; resumes after `Last-Event-ID` with no gap or repeat."""
    _feed_owner(principal, lender_id)
    position = int(last_event_id) if last_event_id else decode_cursor(after)
    poll_s: float = request.app.state.settings.feed_poll_s
    signals: FeedSignals = request.app.state.feed_signals

    async def events() -> AsyncIterator[ServerSentEvent]:
        nonlocal position
        sent, clock = 0, asyncio.get_running_loop().time
        idle_since = clock()
        with signals.follow(lender_id) as grew:
            while max_events is None or sent < max_events:
                grew.clear()  # before the read: an append after it wakes the wait below
                async with acting_as(pool, principal) as con:  # one short transaction
                    rows = await feed_store.feed_page(con, lender_id, position, 100)
                for r in rows[: None if max_events is None else max_events - sent]:
                    entry = _entry(r)
                    position = entry.position
                    sent += 1
                    yield ServerSentEvent(
                        data=entry.model_dump_json(), id=str(entry.position), event=entry.event_type
                    )
                if rows:
                    idle_since = clock()
                    continue
                wait_s = poll_s
                if idle_timeout_s is not None:
                    left = idle_timeout_s - (clock() - idle_since)
                    if left <= 0:
                        return
                    wait_s = min(wait_s, left)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(grew.wait(), wait_s)

    return EventSourceResponse(events(), ping=15)


@router.get("/deals/{deal_id}")
async def get_deal(deal_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool) -> DealView:
    """One deal of the calling lender, with its explanation and state."""
    require_role(principal, *LENDER_OR_READERS)
    async with acting_as(pool, principal) as con:
        row = await deal_store.fetch_deal(con, deal_id)
    if row is None or not _may_read(principal, row["lender_id"]):
        raise NotFound(f"deal {deal_id} not found", field="deal_id")
    return DealView(**{k: v for k, v in row.items() if k in DealView.model_fields})


@router.post("/deals/{deal_id}/responses", status_code=status.HTTP_201_CREATED)
async def answer_deal(
    deal_id: uuid.UUID, body: ResponseBody, principal: CurrentPrincipal, pool: Pool
) -> DealResponded:
    """Answer a deal: interest, decline (with reason), offer, or disbursed (draws capacity)."""
    return await handlers.answer_deal(pool, deal_id, body.response, _lender(principal))


class OfferClosing(BaseModel):
    """Why an offer is withdrawn or declined (shown to the other side)."""

    model_config = ConfigDict(extra="forbid")
    reason: LongText = ""


@router.post("/deals/{deal_id}/offer/withdrawal", status_code=status.HTTP_201_CREATED)
async def withdraw_offer(
    deal_id: uuid.UUID, body: OfferClosing, principal: CurrentPrincipal, pool: Pool
) -> DealOfferClosed:
    """The lender takes its live offer back; the undrawn amount returns to the mandate."""
    return await handlers.withdraw_offer(pool, deal_id, body.reason, _lender(principal))


@router.post("/deals/{deal_id}/offer/decline", status_code=status.HTTP_201_CREATED)
async def decline_offer(
    deal_id: uuid.UUID, body: OfferClosing, principal: CurrentPrincipal, pool: Pool
) -> DealOfferClosed:
    """The enterprise turns down an offer on its own project; the reservation is released."""
    enterprise = require_tenant(principal, Role.ENTERPRISE)
    return await handlers.decline_offer(pool, deal_id, body.reason, enterprise)


@router.post("/deals/{deal_id}/repayments", status_code=status.HTTP_201_CREATED)
async def record_repayment(
    deal_id: uuid.UUID, body: Repayment, principal: CurrentPrincipal, pool: Pool
) -> DealRepaid:
    """The lender books principal repaid; a revolving mandate gets the capacity back."""
    return await handlers.record_repayment(pool, deal_id, body, _lender(principal))


@router.get("/deals/{deal_id}/loan")
async def deal_loan(deal_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool) -> LoanView:
    """A deal's offer, tranches, repayments and balance: its lender, the project's owner and
    regulators may read it."""
    require_role(principal, Role.LENDER, Role.ENTERPRISE, *READERS)
    async with acting_as(pool, principal) as con:
        found = await deal_store.lock_deal(con, deal_id, lock=False)
        tranches, repaid = await deal_store.loan_movements(con, deal_id)
    if found is None or not (
        principal.role in READERS
        or principal.owns(
            found[0].lender_id if principal.role is Role.LENDER else found[0].enterprise_id
        )
    ):
        raise NotFound(f"deal {deal_id} not found", field="deal_id")
    deal = found[0]
    return LoanView(
        deal_id=deal.deal_id,
        lender_id=deal.lender_id,
        mandate_id=deal.mandate_id,
        project_id=deal.project_id,
        enterprise_id=deal.enterprise_id,
        state=deal.state,
        offer=deal.offer.model_dump(mode="json") if deal.offer else None,
        offer_open=deal.offer_open,
        balance=deal.balance,
        tranches=[Tranche(**dict(r.items())) for r in tranches],
        repayments=[RepaymentLine(**dict(r.items())) for r in repaid],
    )


@router.get("/projects/{project_id}/lenders")
async def interested_lenders(
    project_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool
) -> list[InterestedLender]:
    """Which lenders have shown interest in, offered on or funded the caller's project."""
    require_role(principal, Role.ENTERPRISE, *READERS)
    async with acting_as(pool, principal) as con:
        owner = await deal_store.project_owner(con, project_id)
        rows = await deal_store.interested_lenders(con, project_id)
    if owner is None or not (principal.role in READERS or principal.owns(owner)):
        raise NotFound(f"project {project_id} not found", field="project_id")
    return [
        InterestedLender(**{k: v for k, v in r.items() if k in InterestedLender.model_fields})
        for r in rows
    ]


def _plan_again_what_open_offers_hold(rows: list[Any], mandates: list[Mandate]) -> None:
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
    principal: CurrentPrincipal,
    pool: Pool,
    request: Request,
    lender_id: uuid.UUID | None = None,
) -> AllocationPlanView:
    """How limited lender capacity could be spread to finance the most emission reduction."""
    if principal.role not in READERS:
        lender_id = _lender(principal)
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
    _plan_again_what_open_offers_hold(rows, mandates)
    limit_s: float = request.app.state.settings.allocation_time_limit_s
    plan = await asyncio.to_thread(plan_allocation, deals, mandates, time_limit_s=limit_s)
    return AllocationPlanView(
        method=plan.method,
        note=plan.note,
        financed_tco2e=plan.financed_tco2e,
        greedy_financed_tco2e=plan.greedy_financed_tco2e,
        milp_financed_tco2e=plan.milp_financed_tco2e,
        open_deals=len(deals),
        lines=[PlanLine(**asdict(line)) for line in plan.lines],
        projects=[PlanProject(**asdict(p)) for p in plan.projects],
    )
