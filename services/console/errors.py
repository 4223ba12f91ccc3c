"""Every failure answers with a page in the user's language, never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from console.backends import BackendUnavailable
from console.pages import render
from console.session import SignInRequired

log = logging.getLogger(__name__)


def _field(location: tuple[object, ...] | list[object]) -> str:
    names = [str(part) for part in location if part not in ("body", "query", "path", "form")]
    return ".".join(names) or "request"


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_again(request: Request, exc: SignInRequired) -> Response:
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "detail": str(exc.detail)},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        problems = [f"{_field(e['loc'])}: {e['msg']}" for e in exc.errors()]
        return render(
            request,
            "error.html",
            {"status": 422, "detail": "; ".join(problems)[:2000]},
            status_code=422,
        )

    @app.exception_handler(BackendUnavailable)
    async def backend_down(request: Request, exc: BackendUnavailable) -> Response:
        log.warning("backend unavailable", extra={"backend": exc.service, "reason": str(exc)})
        return render(
            request,
            "error.html",
            {"status": 502, "detail": f"{exc.service}", "unavailable": True},
            status_code=502,
        )
