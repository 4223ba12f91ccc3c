"""How every service answers a bad request: one body shape, each problem naming its field."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from servicekit.errors import DomainError


class Problem(BaseModel):
    """One invalid input: where it is, the dotted field name, and what is wrong with it."""

    loc: list[str | int]
    field: str
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every 4xx answer: a message (or one problem per invalid input) and the field to fix."""

    detail: str | list[Problem]
    field: str | None = None


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The body is not parseable JSON"),
    401: _error("No valid bearer token"),
    403: _error("The token's role may not do this"),
    404: _error("No such object, or not one the caller may see"),
    409: _error("Conflicts with the object's current state"),
    413: _error("Body larger than this endpoint accepts"),
    415: _error("Content type this endpoint does not accept"),
    422: _error("Invalid input; each problem names its field"),
    429: _error("Too many writes from this client; see Retry-After"),
}


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail = [
        {
            "loc": list(e.get("loc", ())),
            "field": ".".join(str(p) for p in e.get("loc", ())[1:]),
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]
    return JSONResponse({"detail": detail, "field": detail[0]["field"] if detail else None}, 422)


async def _http_error(request: Request, exc: Exception) -> Response:
    """FastAPI's answer, except that a 405 lists every method the path supports in `Allow`."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        methods: set[str] = set()
        for route in iter_route_contexts(request.app.router.routes):
            if route.matches(request.scope)[0] is not Match.NONE:
                methods |= route.methods or set()
        exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(methods))}
    return await http_exception_handler(request, exc)


def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return JSONResponse(body, exc.status)


def install_error_handlers(app: FastAPI) -> None:
    """Validation, HTTP and domain errors all answer with an `ErrorBody`."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DomainError, _domain_error)
