"""The console's front door and its operational endpoints."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from console.as_user import backends
from console.backends import SERVICES, Service
from console.session import current_user

router = APIRouter()


@router.get("/")
async def front_door(request: Request) -> Response:
    """Each role's home page, or the sign-in page."""
    user = current_user(request)
    return RedirectResponse(user.home if user else "/signin", status_code=303)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Every service the console calls answers its own health check."""

    async def check(name: Service) -> str:
        try:
            answer = await asyncio.wait_for(backends(request).clients[name].get("/healthz"), 2)
        except Exception as exc:
            return f"unavailable: {type(exc).__name__}"
        return "ok" if answer.status_code == 200 else f"unavailable: {answer.status_code}"

    checks = dict(zip(SERVICES, await asyncio.gather(*(check(s) for s in SERVICES)), strict=True))
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unready", **checks}, 200 if ready else 503
    )
