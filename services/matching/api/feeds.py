"""A lender's deal feed, paged by cursor or live as server-sent events resuming after
`Last-Event-ID` with no gap or repeat."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from matching.api.views import FeedEntry, FeedPage
from matching.config import MatchingSettings
from matching.lending.collateral import CREDIT_MARKET, issuance_of, pledged_collateral
from matching.lending.deals import china_date
from matching.repository import carbon_prices as price_store
from matching.repository import feeds as feed_store
from matching.repository.feed_signals import FeedSignals
from schemas.deals import DealMatched, DealOfferClosed, DealRepaid, DealResponded, DealWithdrawn
from servicekit.auth import Principal
from servicekit.db import Executor
from servicekit.http_deps import AsCaller, CallerConnection, app_settings, app_state
from servicekit.pagination import Cursor, Limit, decode_cursor, encode_cursor
from servicekit.policies import LENDER_READ, LenderReader
from servicekit.row_views import row_view

router = APIRouter(prefix="/v1", tags=["matching"])
DEAL_EVENTS = (DealMatched, DealWithdrawn, DealResponded, DealOfferClosed, DealRepaid)
Settings = Annotated[MatchingSettings, Depends(app_settings(MatchingSettings))]
Signals = Annotated[FeedSignals, Depends(app_state("feed_signals", FeedSignals))]


async def _entries(con: Executor, rows: Sequence[asyncpg.Record]) -> list[FeedEntry]:
    """Feed entries; a match of a project with expected credits shows their collateral value
    today (one price read per page)."""
    today = china_date(datetime.now(UTC))
    matched = DealMatched.event_type
    price = None
    if any(r["event_type"] == matched for r in rows):
        price = await price_store.price_in_force(con, CREDIT_MARKET, today)
    return [
        row_view(
            FeedEntry,
            r,
            event=r["payload"],
            collateral=pledged_collateral(issuance_of(r["payload"]["project"]), price, today)
            if r["event_type"] == matched
            else None,
        )
        for r in rows
    ]


def _feed_owner(principal: Principal, lender_id: uuid.UUID) -> None:
    LENDER_READ.reveal(principal, lender_id, f"lender {lender_id} not found", "lender_id")


@router.get("/lenders/{lender_id}/deals")
async def deal_feed(
    lender_id: uuid.UUID,
    principal: LenderReader,
    con: CallerConnection,
    limit: Limit = 100,
    after: Cursor = None,
) -> FeedPage:
    """The lender's deal feed in order (matched, withdrawn, answered), paged by cursor."""
    _feed_owner(principal, lender_id)
    rows = await feed_store.feed_page(con, lender_id, decode_cursor(after), limit)
    items = await _entries(con, rows)
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


# Absent means "from `after`". Typed `str` with a None default so the document shows the
# pattern-bound string alone (no null to send, no default that breaks the pattern) and a bad
# value is named `last-event-id`.
LastEventId = Annotated[str, Header(pattern=FEED_POSITION)]
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
    principal: LenderReader,
    as_caller: AsCaller,
    settings: Settings,
    signals: Signals,
    after: Cursor = None,
    last_event_id: LastEventId = None,  # type: ignore[assignment]
    max_events: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    idle_timeout_s: Annotated[float | None, Query(gt=0, le=3600)] = None,
) -> EventSourceResponse:
    """Live feed as server-sent events; resumes after `Last-Event-ID` with no gap or repeat."""
    _feed_owner(principal, lender_id)
    position = int(last_event_id) if last_event_id else decode_cursor(after)
    poll_s = settings.feed_poll_s

    async def events() -> AsyncIterator[ServerSentEvent]:
        nonlocal position
        sent, clock = 0, asyncio.get_running_loop().time
        idle_since = clock()
        with signals.follow(lender_id) as grew:
            while max_events is None or sent < max_events:
                grew.clear()  # before the read: an append after it wakes the wait below
                async with as_caller.transaction() as con:  # one short transaction
                    rows = await feed_store.feed_page(con, lender_id, position, 100)
                    entries = await _entries(con, rows)
                for entry in entries[: None if max_events is None else max_events - sent]:
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
