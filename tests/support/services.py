"""Run a service's API, relay and consumers inside the test process against real infra."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from servicekit.runtime import ServiceSpec, prepare, serve_consumer, serve_duties, serve_relay


@dataclass
class RunningService:
    spec: ServiceSpec
    client: httpx.AsyncClient
    stop: asyncio.Event


@contextlib.asynccontextmanager
async def running_service(
    spec: ServiceSpec, *, relay: bool = True, consumers: bool = True
) -> AsyncIterator[RunningService]:
    """Migrate, then serve the app through ASGI with the background roles as tasks."""
    await prepare(spec)
    stop = asyncio.Event()
    tasks = []
    if relay:
        tasks.append(asyncio.create_task(serve_relay(spec, stop)))
        tasks.append(asyncio.create_task(serve_duties(spec, stop)))
    if consumers:
        tasks.extend(asyncio.create_task(serve_consumer(spec, c, stop)) for c in spec.consumers)
        tasks.extend(asyncio.create_task(worker(stop)) for worker in spec.workers)
    app = spec.app_factory()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            try:
                yield RunningService(spec, client, stop)
            finally:
                stop.set()
                await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
