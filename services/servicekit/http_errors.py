"""How every service answers a bad request: RFC 9457 problem details, each naming its field.

Every 4xx body is `application/problem+json` with `type`, `title`, `status`, `detail` and
`instance`, plus two extensions: `field`, the dotted name of the (first) input to fix, and
`errors`, one entry per invalid input of a validation failure.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from servicekit.errors import DomainError
from servicekit.http_docs import document_problems

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)

# What an unreachable, restarting or shutting-down PostgreSQL raises: refused or dropped
# connections, "the database system is starting up / shutting down". Nothing the caller did
# wrong and nothing corrupted (the transaction did not commit), so: 503 and when to retry.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    # A session ended inside a transaction surfaces as this, from the transaction's exit,
    # in place of the connection error that ended it (nothing committed).
    asyncpg.exceptions.InterfaceError,
)
RETRY_AFTER_S = 5


class InvalidField(BaseModel):
    """One invalid input: where it is, the dotted field name, and what is wrong with it."""

    field: str
    loc: list[str | int]
    detail: str
    type: str


class ProblemDetails(BaseModel):
    """An RFC 9457 problem: `about:blank` types, so `title` is the status's own phrase."""

    type: str = "about:blank"
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str = Field(description="The request path that met the problem")
    field: str | None = Field(default=None, description="The input to fix, as a dotted name")
    errors: list[InvalidField] | None = Field(
        default=None, description="Each invalid input, when the request failed validation"
    )


def problem_response(
    status: int,
    detail: str,
    instance: str,
    *,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one way any layer (handler, guard or middleware) answers with an error."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status, headers=headers, media_type=PROBLEM_JSON)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ())[1:]),
            "loc": list(e.get("loc", ())),
            "detail": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]
    fields = ", ".join(dict.fromkeys(e["field"] or str(e["loc"][0]) for e in errors))
    return problem_response(
        422,
        f"invalid input: {fields}" if errors else "invalid input",
        request.url.path,
        field=errors[0]["field"] if errors else None,
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    """A problem for every HTTP error; a 405 lists every method the path supports in `Allow`."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        methods: set[str] = set()
        for route in iter_route_contexts(request.app.router.routes):
            if route.matches(request.scope)[0] is not Match.NONE:
                methods |= route.methods or set()
        headers["Allow"] = ", ".join(sorted(methods))
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code < 400:
        return Response(status_code=exc.status_code, headers=headers)
    return problem_response(exc.status_code, detail, request.url.path, headers=headers)


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem_response(exc.status, exc.message, request.url.path, field=exc.field)


def database_unavailable(path: str, exc: BaseException) -> JSONResponse:
    """503 with Retry-After: the answer to any layer meeting a database outage."""
    log.warning("database unavailable; answered 503", extra={"path": path, "error": repr(exc)})
    return problem_response(
        503,
        "the database is unavailable; retry later",
        path,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return database_unavailable(request.url.path, exc)


def install_error_handlers(app: FastAPI) -> None:
    """Validation, HTTP and domain errors all answer with a problem; the OpenAPI document
    lists, for each operation, only the problems it can answer with. A database outage
    answers 503 with Retry-After, never 500."""
    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DomainError, _domain_error)
    document_problems(app, ProblemDetails, PROBLEM_JSON)
