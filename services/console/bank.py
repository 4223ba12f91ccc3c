"""Lender pages: who the lender is, and its deal feed growing live without a reload."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from console.as_user import backends, field_errors, read, read_or_none, send
from console.forms import texts
from console.pages import TEMPLATES, base_context, render
from console.session import CsrfChecked, Lender

router = APIRouter(prefix="/bank")
FEED_PAGE = 50
RANKED = 10  # deals awaiting an answer shown first, in the order the lender's ranker earned
LENDER_FIELDS = ("name", "kind", "city", "description")
LENDER_KINDS = ("bank", "green_fund", "leasing", "guarantee")
FEED_POSITION = re.compile(r"[0-9]{1,18}")


@router.get("")
async def feed(request: Request, user: Lender, after: str | None = None) -> Response:
    """The deals awaiting the lender's answer, ranked (by its learned model where that model beat
    the fixed weights), then its whole deal feed, oldest first, each deal with why it fits."""
    lender = await read_or_none(request, user, "matching", f"/v1/lenders/{user.tenant}")
    page, ranked = await asyncio.gather(
        read(
            request,
            user,
            "matching",
            f"/v1/lenders/{user.tenant}/deals",
            limit=FEED_PAGE,
            after=after,
        ),
        read(request, user, "matching", f"/v1/lenders/{user.tenant}/deals/ranked", limit=RANKED),
    )
    return render(
        request,
        "bank/feed.html",
        {
            "lender": lender,
            "entries": page["items"],
            "next_cursor": page.get("next_cursor"),
            "ranked": ranked,
            "after": after,
            "values": {},
            "errors": {},
            "kinds": LENDER_KINDS,
        },
    )


@router.post("/profile", dependencies=[CsrfChecked])
async def register_lender(request: Request, user: Lender) -> Response:
    """Register the lender itself: name, kind and city."""
    body = texts(await request.form(), LENDER_FIELDS)
    answer = await send(request, user, "matching", "POST", "/v1/lenders", json=body)
    if answer.ok:
        return RedirectResponse("/bank", status_code=303)
    return render(
        request,
        "bank/feed.html",
        {
            "lender": None,
            "entries": [],
            "values": body,
            "errors": field_errors(answer),
            "kinds": LENDER_KINDS,
        },
        status_code=answer.status,
    )


@router.get("/feed/stream")
async def feed_stream(
    request: Request,
    user: Lender,
    after: Annotated[str | None, Query(max_length=100)] = None,
    idle_timeout_s: Annotated[float | None, Query(gt=0, le=3600)] = None,
) -> EventSourceResponse:
    """Matching's live feed relayed as rendered entries; the page's script appends them."""
    params: dict[str, str | float] = {"after": after} if after else {}
    if idle_timeout_s is not None:
        params["idle_timeout_s"] = idle_timeout_s
    headers = {"Authorization": f"Bearer {user.token}"}
    resume = request.headers.get("last-event-id", "")
    if FEED_POSITION.fullmatch(resume):  # a browser reconnecting resumes where it was
        headers["Last-Event-ID"] = resume
    client = backends(request).client("matching")
    template = TEMPLATES.get_template("bank/feed_entry.html")
    context = base_context(request)

    async def entries() -> AsyncIterator[ServerSentEvent]:
        async with client.stream(
            "GET",
            f"/v1/lenders/{user.tenant}/deals/stream",
            params=params,
            headers=headers,
            timeout=None,
        ) as upstream:
            if upstream.status_code != 200:
                return
            async for line in upstream.aiter_lines():
                if not line.startswith("data:"):
                    continue
                entry = orjson.loads(line[5:].strip())
                html = template.render(context | {"e": entry})
                yield ServerSentEvent(data=html, id=str(entry["position"]), event="entry")

    return EventSourceResponse(entries(), ping=15)
