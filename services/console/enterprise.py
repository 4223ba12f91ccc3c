"""Enterprise pages: profile, projects with their scores, a project's full story."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.as_user import read, read_or_none
from console.pages import render
from console.session import Enterprise

router = APIRouter(prefix="/enterprise")
PAGE_SIZE = 20


async def _with_scores(request: Request, user: Enterprise, projects: list[Any]) -> list[Any]:
    """Each project beside its current score (None until scoring has seen it)."""
    scores = await asyncio.gather(
        *(read_or_none(request, user, "scoring", f"/v1/scores/{p['project_id']}") for p in projects)
    )
    return [{"project": p, "score": s} for p, s in zip(projects, scores, strict=True)]


@router.get("")
async def home(request: Request, user: Enterprise, after: str | None = None) -> Response:
    """Profile with credit code, then the enterprise's projects with status, score and rank."""
    profile = await read_or_none(request, user, "registry", f"/v1/enterprises/{user.tenant}")
    page = await read(request, user, "registry", "/v1/projects", limit=PAGE_SIZE, after=after)
    rows = await _with_scores(request, user, page["items"])
    return render(
        request,
        "enterprise/home.html",
        {"profile": profile, "rows": rows, "next_cursor": page.get("next_cursor")},
    )
