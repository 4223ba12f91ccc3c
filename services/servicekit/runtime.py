"""Process roles every service offers: migrate, api, relay, consume, or all of them at once."""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import asyncpg
import typer
import uvicorn
import uvloop
from fastapi import FastAPI

from servicekit.consumers import HandlerTable
from servicekit.db import create_pool
from servicekit.inbox import InboxConsumer
from servicekit.kafka import create_topics, make_consumer, make_producer
from servicekit.kafka_acls import writable_topics
from servicekit.logs import configure_logging
from servicekit.metrics import serve_metrics
from servicekit.migrations import migrate
from servicekit.relay import OUTAGES, exit_before_mark, run_relay
from servicekit.settings import ServiceSettings
from servicekit.tracing import configure_tracing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    """One consumer group: its inbox name, the topics it reads and its handler table."""

    name: str
    topics: tuple[str, ...]
    handlers: HandlerTable


Worker = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Duty:
    """Work a service repeats on a timer beside its relay; safe to run in every replica."""

    name: str
    every_s: float
    run: Callable[[asyncpg.Pool], Awaitable[object]]


@dataclass(frozen=True)
class ServiceSpec:
    """Everything the runtime needs to know about a service."""

    settings: ServiceSettings
    package_dir: Path
    app_factory: Callable[[], FastAPI]
    consumers: tuple[ConsumerSpec, ...] = field(default=())
    workers: tuple[Worker, ...] = field(default=())  # run beside the consumers until stopped
    prestart: Callable[[], Awaitable[None]] | None = None
    append_only_tables: tuple[str, ...] = ()
    duties: tuple[Duty, ...] = ()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def prepare(spec: ServiceSpec) -> None:
    """Migrate, create topics, load reference data: safe to run at every start."""
    s = spec.settings
    configure_tracing(s.service_name)
    await migrate(
        s.migrator_url,
        s.db_schema,
        spec.package_dir,
        app_role=s.app_role,
        append_only=spec.append_only_tables,
    )
    # Each service creates what it writes: its own topics and its consumed topics' DLQs.
    await create_topics(s.kafka_access, writable_topics(s.service_name), s.kafka_replication_factor)
    if spec.prestart is not None:
        await spec.prestart()


async def prepare_when_reachable(spec: ServiceSpec, stop: asyncio.Event) -> bool:
    """`prepare`, retried with backoff while PostgreSQL or Kafka cannot be reached, for up to
    `startup_wait_s`: a process started during an outage (or before its database, as a
    container may be) waits for it instead of exiting. False if stopped meanwhile."""
    deadline = time.monotonic() + spec.settings.startup_wait_s
    delay = 0.5
    attempt = 1
    while True:
        try:
            await prepare(spec)
            return True
        except OUTAGES as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning(
                "cannot start yet: PostgreSQL or Kafka is unreachable; trying again",
                extra={"attempt": attempt, "retry_in_s": delay, "error": repr(exc)},
            )
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
            return False
        except TimeoutError:
            pass
        delay = min(delay * 2, 10.0)
        attempt += 1


class _Client(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


C = TypeVar("C", bound=_Client)


async def _started(stack: AsyncExitStack, client: C) -> C:
    """A Kafka client started now and stopped when `stack` closes."""
    await client.start()
    stack.push_async_callback(client.stop)
    return client


async def _pool(
    stack: AsyncExitStack, s: ServiceSettings, min_size: int, max_size: int
) -> asyncpg.Pool:
    """The service's pool, closed when `stack` closes."""
    pool = await create_pool(s.database_url, s.db_schema, min_size=min_size, max_size=max_size)
    stack.push_async_callback(pool.close)
    return pool


async def serve_relay(spec: ServiceSpec, stop: asyncio.Event) -> None:
    s = spec.settings
    async with AsyncExitStack() as stack:
        pool = await _pool(stack, s, 2, 3)
        producer = await _started(stack, make_producer(s.kafka_access, f"{s.service_name}-relay"))
        await run_relay(
            pool,
            producer,
            schema=s.db_schema,
            service=s.service_name,
            batch_max=s.relay_batch_max,
            batch_bytes=s.relay_batch_bytes,
            stop=stop,
            before_mark=exit_before_mark if s.fault_relay_exit_before_mark else None,
        )


async def repeat(duty: Duty, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Run `duty` after every `every_s` seconds until `stop`; a failure of the database or the
    network is logged and retried at the next tick, anything else is a bug and ends the role."""
    while True:
        try:
            await asyncio.wait_for(stop.wait(), timeout=duty.every_s)
            return
        except TimeoutError:
            pass
        try:
            await duty.run(pool)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.exception("duty failed; retried at its next tick", extra={"duty": duty.name})


async def serve_duties(spec: ServiceSpec, stop: asyncio.Event) -> None:
    """Run each of the service's duties every `every_s` seconds until stopped."""
    if not spec.duties:
        return
    s = spec.settings
    async with AsyncExitStack() as stack:
        pool = await _pool(stack, s, 1, 1)
        await asyncio.gather(*(repeat(d, pool, stop) for d in spec.duties))


async def serve_consumer(
    spec: ServiceSpec, consumer_spec: ConsumerSpec, stop: asyncio.Event
) -> None:
    s = spec.settings
    async with AsyncExitStack() as stack:
        pool = await _pool(stack, s, 1, 4)
        producer = await _started(stack, make_producer(s.kafka_access, f"{consumer_spec.name}-dlq"))
        consumer = await _started(
            stack, make_consumer(s.kafka_access, consumer_spec.name, consumer_spec.topics)
        )
        inbox = InboxConsumer(
            name=consumer_spec.name,
            service=s.service_name,
            pool=pool,
            consumer=consumer,
            producer=producer,
            handlers=consumer_spec.handlers,
            batch_max=s.consumer_batch_max,
        )
        await inbox.run(stop)


def shared_listener(host: str, port: int) -> socket.socket:
    """The API's listening socket, bound with SO_REUSEPORT: every API worker process of a
    service binds the same port and the kernel spreads new connections among them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    return listener


WORKER_MARK = "GREENLINK_API_WORKER"  # set in the processes api_workers starts
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a started worker: SIGTERM when the process that started it dies, even by SIGKILL,
    so no worker outlives its service."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def api_workers(spec: ServiceSpec) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`API_WORKERS - 1` more `api` processes beside this one, stopped with it: one Python
    process serves requests on one core, and a registration is CPU-bound in it."""
    s = spec.settings
    command = [sys.executable, "-m", s.service_name, "api"]
    count = 0 if os.environ.get(WORKER_MARK) else s.api_workers - 1
    env = os.environ | {WORKER_MARK: "1"}
    extra = [subprocess.Popen(command, env=env, preexec_fn=_die_with_parent) for _ in range(count)]
    try:
        yield extra
    finally:
        for worker in extra:
            worker.terminate()
        for worker in extra:
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()


async def serve_api(spec: ServiceSpec, stop: asyncio.Event) -> None:
    s = spec.settings
    config = uvicorn.Config(
        spec.app_factory(), host=s.http_host, port=s.http_port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    # One worker binds as uvicorn does, so a second service on a taken port fails loudly.
    sockets = [shared_listener(s.http_host, s.http_port)] if s.api_workers > 1 else None
    serving = asyncio.create_task(server.serve(sockets=sockets))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stop.set()
    await serving


def build_cli(make_spec: Callable[[], ServiceSpec]) -> typer.Typer:
    """The `python -m <service>` command line."""
    cli = typer.Typer(help="Run one role of the service.", no_args_is_help=True)

    def start(role: str, body: Callable[[ServiceSpec, asyncio.Event], object]) -> None:
        spec = make_spec()
        configure_logging(f"{spec.settings.service_name}-{role}", spec.settings.log_level)
        if role in ("relay", "consume"):  # the API (and `all`) serve /metrics on the HTTP port
            serve_metrics(spec.settings.http_host, spec.settings.metrics_port)

        async def main() -> None:
            stop = _stop_on_signals()
            if not await prepare_when_reachable(spec, stop):
                return
            log.info("starting", extra={"role": role})
            await body(spec, stop)  # type: ignore[misc]

        uvloop.run(main())

    @cli.command("migrate")
    def migrate_command() -> None:
        """Apply migrations and create topics, then exit."""
        start("migrate", lambda spec, stop: asyncio.sleep(0))

    @cli.command("api")
    def api_command() -> None:
        """Serve the HTTP API (in API_WORKERS processes sharing its port)."""
        with api_workers(make_spec()):
            start("api", serve_api)

    @cli.command("relay")
    def relay_command() -> None:
        """Publish the outbox to Kafka, and run the service's timed duties."""
        start(
            "relay",
            lambda spec, stop: asyncio.gather(serve_relay(spec, stop), serve_duties(spec, stop)),
        )

    @cli.command("consume")
    def consume_command() -> None:
        """Run every consumer group of the service."""
        start(
            "consume",
            lambda spec, stop: asyncio.gather(
                *(serve_consumer(spec, c, stop) for c in spec.consumers),
                *(worker(stop) for worker in spec.workers),
            ),
        )

    @cli.command("all")
    def all_command() -> None:
        """API, relay and consumers in one process (small deployments, tests); API_WORKERS
        above 1 adds API-only processes sharing the port."""
        with api_workers(make_spec()):
            start(
                "all",
                lambda spec, stop: asyncio.gather(
                    serve_api(spec, stop),
                    serve_relay(spec, stop),
                    serve_duties(spec, stop),
                    *(serve_consumer(spec, c, stop) for c in spec.consumers),
                    *(worker(stop) for worker in spec.workers),
                ),
            )

    return cli
