"""Checks every request passes before a handler parses it: body size, content type, NUL bytes."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import HTTPException, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.auth import authenticate, bearer_token, current_principal
from servicekit.errors import DomainError, Unprocessable
from servicekit.http_errors import problem_response

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class UnsupportedMediaType(DomainError):
    status = 415


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def check_request(request: Request) -> None:
    """Refuse what no endpoint should parse: non-JSON bodies for JSON endpoints, NUL in queries.

    An operation that needs a token judges the token first, as FastAPI's own validation does,
    so a caller without a valid one always gets 401 and learns nothing about its input."""
    refusal = await _refusal(request)
    if refusal is None:
        return
    if _needs_token(request.scope.get("route")):
        token = bearer_token(request)
        if token is None:
            raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
        await authenticate(request, token)
    raise refusal


async def _refusal(request: Request) -> DomainError | None:
    for name, value in request.query_params.multi_items():
        if "\x00" in value or "\x00" in name:
            return Unprocessable("query parameters must not contain NUL bytes", field=name)
    route = request.scope.get("route")
    if request.method not in BODY_METHODS or getattr(route, "body_field", None) is None:
        return None
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not _is_json(media_type) and (media_type or await request.body()):
        return UnsupportedMediaType("content-type must be application/json", field="content-type")
    return None


def _needs_token(route: object) -> bool:
    """Whether the route's dependencies include the bearer-token check, however deep."""
    dependant: Dependant | None = getattr(route, "dependant", None)
    pending = [dependant] if dependant is not None else []
    while pending:
        found = pending.pop()
        if found.call is current_principal:
            return True
        pending.extend(found.dependencies)
    return False


class BodyLimit:
    """Refuses bodies over the limit with 413 before anything parses them."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, overrides: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = dict(overrides or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.overrides.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(limit, scope["path"])(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(limit, scope["path"])(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _too_large(limit: int, path: str) -> JSONResponse:
    return problem_response(413, f"request body larger than {limit} bytes", path, field="body")
