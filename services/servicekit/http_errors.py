"""How every service answers a bad request: one body shape, each problem naming its field."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
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
    503: _error("The database is unreachable for a moment; retry after Retry-After seconds"),
}

# What an unreachable, restarting or shutting-down PostgreSQL raises: refused or dropped
# connections, "the database system is starting up / shutting down". Nothing the caller did
# wrong and nothing corrupted (the transaction did not commit), so: 503 and when to retry.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
)
RETRY_AFTER_S = 5


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


log = logging.getLogger(__name__)


def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning(
        "database unavailable; answered 503",
        extra={"path": request.url.path, "error": repr(exc)},
    )
    return JSONResponse(
        {"detail": "the database is unavailable; retry later"},
        503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Validation, HTTP and domain errors all answer with an `ErrorBody`; a database outage
    with 503 and Retry-After, never 500."""
    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DomainError, _domain_error)
