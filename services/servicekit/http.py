"""FastAPI application factory: health, readiness and metrics, with the shared guards and errors.

Request guards live in `http_guards`, error answers in `http_errors`.
"""

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
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi_offline import FastAPIOffline
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from servicekit.auth import TokenVerifier
from servicekit.consumer_lag import ConsumerGroups
from servicekit.db import create_pool
from servicekit.http_consumer_lag import consumer_lag_router
from servicekit.http_errors import install_error_handlers
from servicekit.http_guards import BodyLimit, check_request
from servicekit.http_idempotency import IdempotencyKeys
from servicekit.metrics import HTTP_LATENCY, HTTP_REQUESTS
from servicekit.ratelimit import TokenBuckets, limit_writes
from servicekit.settings import ServiceSettings
from servicekit.tracing import configure_tracing


async def get_pool(request: Request) -> asyncpg.Pool:
    """Async like every plumbing dependency: a plain `def` would cost a thread-pool hop."""
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
    on_shutdown: Sequence[Callable[[FastAPI], Awaitable[None]]] = (),
    consumer_groups: ConsumerGroups | None = None,
) -> FastAPI:
    """One FastAPI app per service with the same operational endpoints everywhere.

    `on_startup` hooks run once the pool and Kafka client exist; `on_shutdown` hooks run
    before they close. `consumer_groups` (group id -> topics) are the groups whose lag
    `/v1/consumer-lag` reports.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await create_pool(
            settings.database_url,
            settings.db_schema,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
        )
        app.state.kafka = AIOKafkaClient(**settings.kafka_access.client_options())
        with contextlib.suppress(Exception):  # readiness reports it; the API still starts
            await app.state.kafka.bootstrap()
        for hook in on_startup:
            await hook(app)
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook(app)
            await app.state.kafka.close()
            await app.state.pool.close()

    app = _fastapi(settings, title=title, description=description, lifespan=lifespan)
    configure_tracing(settings.service_name)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    app.state.write_buckets = TokenBuckets(settings.rate_limit_writes_per_minute)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, overrides=body_limits)
    app.add_middleware(
        IdempotencyKeys,
        ttl_hours=settings.idempotency_key_ttl_hours,
        lease_s=settings.idempotency_lease_seconds,
    )
    _add_metrics_middleware(app, settings.service_name)
    app.include_router(operational_router())
    guards = [Depends(limit_writes), Depends(check_request)]
    for router in (*routers, consumer_lag_router(consumer_groups or {})):
        app.include_router(router, dependencies=guards)
    return app


def _fastapi(settings: ServiceSettings, **options: Any) -> FastAPI:
    """The app with its OpenAPI document; interactive docs only outside production, with their
    scripts served by the service itself so no page ever loads code from a public CDN."""
    if settings.is_development:
        return FastAPIOffline(version="1.0.0", static_url="/docs/assets", **options)
    return FastAPI(version="1.0.0", docs_url=None, redoc_url=None, **options)


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
