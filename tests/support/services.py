"""Run a service's API, relay and consumers inside the test process against real infra."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from servicekit.runtime import ServiceSpec, prepare, serve_consumer, serve_duties, serve_relay


@dataclass
class RunningService:
    spec: ServiceSpec
    client: httpx.AsyncClient
    stop: asyncio.Event


@contextlib.asynccontextmanager
async def app_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan started, called in this process through ASGI."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


@contextlib.asynccontextmanager
async def serving(
    spec: ServiceSpec, stop: asyncio.Event, tasks: Iterable[asyncio.Task[object]]
) -> AsyncIterator[RunningService]:
    """The spec's app in this process beside its background tasks; on the way out `stop` is
    set and the tasks get 30 s to finish."""
    try:
        async with app_client(spec.app_factory()) as client:
            yield RunningService(spec, client, stop)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)


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
    async with serving(spec, stop, tasks) as service:
        yield service
