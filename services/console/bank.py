"""Lender pages: the live deal feed, each deal and its answers, mandates, scorecard, plan."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.as_user import read
from console.pages import render
from console.session import Lender

router = APIRouter(prefix="/bank")
FEED_PAGE = 50


@router.get("")
async def feed(request: Request, user: Lender, after: str | None = None) -> Response:
    """The lender's deal feed, newest last, each deal with why it fits."""
    page = await read(
        request, user, "matching", f"/v1/lenders/{user.tenant}/deals", limit=FEED_PAGE, after=after
    )
    return render(
        request,
        "bank/feed.html",
        {"entries": page["items"], "next_cursor": page.get("next_cursor"), "after": after},
    )
