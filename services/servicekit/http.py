"""FastAPI application factory: health, readiness, metrics, size limits and clear 4xx errors."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
from aiokafka import AIOKafkaClient
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.routing import iter_route_contexts
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.auth import TokenVerifier
from servicekit.db import create_pool
from servicekit.errors import DomainError, Unprocessable
from servicekit.metrics import HTTP_LATENCY, HTTP_REQUESTS
from servicekit.ratelimit import TokenBuckets, limit_writes
from servicekit.settings import ServiceSettings


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
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class UnsupportedMediaType(DomainError):
    status = 415


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def check_request(request: Request) -> None:
    """Refuse what no endpoint should parse: non-JSON bodies for JSON endpoints, NUL in queries."""
    for name, value in request.query_params.multi_items():
        if "\x00" in value or "\x00" in name:
            raise Unprocessable("query parameters must not contain NUL bytes", field=name)
    route = request.scope.get("route")
    if request.method not in BODY_METHODS or getattr(route, "body_field", None) is None:
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not _is_json(media_type) and (media_type or await request.body()):
        raise UnsupportedMediaType("content-type must be application/json", field="content-type")


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
            await _too_large(limit)(scope, receive, send)
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
            await _too_large(limit)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"detail": f"request body larger than {limit} bytes"}, 413)


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


def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


def create_app(
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    *,
    title: str,
    description: str,
    body_limits: Mapping[str, int] | None = None,
    on_startup: Sequence[Callable[[FastAPI], Awaitable[None]]] = (),
) -> FastAPI:
    """One FastAPI app per service with the same operational endpoints everywhere."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await create_pool(
            settings.database_url,
            settings.db_schema,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
        )
        app.state.kafka = AIOKafkaClient(bootstrap_servers=settings.kafka_bootstrap_servers)
        with contextlib.suppress(Exception):  # readiness reports it; the API still starts
            await app.state.kafka.bootstrap()
        for hook in on_startup:
            await hook(app)
        try:
            yield
        finally:
            await app.state.kafka.close()
            await app.state.pool.close()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    app.state.write_buckets = TokenBuckets(settings.rate_limit_writes_per_minute)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, overrides=body_limits)
    _add_metrics_middleware(app, settings.service_name)
    app.include_router(operational_router())
    guards = [Depends(limit_writes), Depends(check_request)]
    for router in routers:
        app.include_router(router, responses=ERROR_RESPONSES, dependencies=guards)
    return app


def _add_metrics_middleware(app: FastAPI, service: str) -> None:
    @app.middleware("http")
    async def measure(request: Request, call_next: Any) -> Any:
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        HTTP_REQUESTS.labels(service, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(service, route).observe(time.perf_counter() - started)
        return response


class Readiness(BaseModel):
    status: str
    database: str
    kafka: str


def operational_router() -> APIRouter:
    """Health, readiness and metrics: open to operators without a token."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @router.get(
        "/readyz",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "A dependency is down"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        """PostgreSQL and Kafka both answer, so requests can be served."""
        checks = {"database": await _check_db(request), "kafka": await _check_kafka(request)}
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "unready", **checks}, 200 if ready else 503
        )

    @router.get("/metrics", response_class=PlainTextResponse)
    async def metrics() -> PlainTextResponse:
        """Prometheus exposition format."""
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _check_db(request: Request) -> str:
    try:
        await asyncio.wait_for(request.app.state.pool.fetchval("SELECT 1"), 2)
        return "ok"
    except Exception as exc:
        return f"unavailable: {type(exc).__name__}"


async def _check_kafka(request: Request) -> str:
    client: AIOKafkaClient = request.app.state.kafka
    try:
        await asyncio.wait_for(client.fetch_all_metadata(), 2)
        return "ok"
    except Exception as exc:
        return f"unavailable: {type(exc).__name__}"
