"""End to end: from `POST /v1/projects` to the deal in the lender's live feed, per project.

Registry, scoring and matching run as their own processes. Projects are registered at a
steady offered rate (each of `RATES` in turn) while the lender follows its deal stream; each
project's latency runs from sending its registration to the stream delivering its deal.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import httpx
import orjson

from deploy.local.infra import InfraInfo, ensure_started
from servicekit.auth import Role
from servicekit.issuer import ensure_keys, mint
from tests.bench.drain import wait_drained
from tests.bench.registration import Rate, percentiles
from tests.bench.scratch_database import scratch_database
from tests.support.processes import ServiceProcess, free_port
from tests.support.samples import data_centre_body, enterprise_body, lender_body, mandate_body


def _bearer(role: Role, tenant: uuid.UUID) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(role, tenant)}"}


async def _warm_up(
    client: httpx.AsyncClient,
    registry: str,
    matching: str,
    eh: dict[str, str],
    lender: uuid.UUID,
    lh: dict[str, str],
) -> None:
    """One project all the way through first, so consumer groups have settled; then wait
    until the new mandate's re-match of every live project is over (the stream is silent
    for 3 s), so no earlier work overlaps the timed run."""
    response = await client.post(f"{registry}/v1/projects", json=data_centre_body(), headers=eh)
    project = response.json()["project_id"]
    url = f"{matching}/v1/lenders/{lender}/deals/stream"
    deadline = time.perf_counter() + 300
    found, position = False, ""
    while time.perf_counter() < deadline:
        params = {"idle_timeout_s": 3} | ({"after": position} if position else {})
        grew = False
        try:
            async with client.stream("GET", url, params=params, headers=lh, timeout=None) as feed:
                async for line in feed.aiter_lines():
                    if line.startswith("id:"):
                        position, grew = line[3:].strip(), True
                    elif line.startswith("data:") and project in line:
                        found = True
        except httpx.TransportError:  # a kept-alive connection the server closed: follow again
            continue
        if found and not grew:
            return
    raise RuntimeError("the pipeline did not settle with a warm-up deal within 300 s")


async def _run(
    registry: str,
    matching: str,
    count: int,
    per_second: float,
    apis: Sequence[str],
    database_url: str | None = None,
) -> Rate:
    lender = uuid.uuid4()
    lh = _bearer(Role.LENDER, lender)
    async with httpx.AsyncClient(timeout=30) as client:
        (
            await client.post(f"{matching}/v1/lenders", json=lender_body(), headers=lh)
        ).raise_for_status()
        mandate = mandate_body(capacity_cny="100000000000.00")
        created = await client.post(f"{matching}/v1/mandates", json=mandate, headers=lh)
        created.raise_for_status()
        try:
            return await _measure(
                client, registry, matching, count, per_second, lh, lender, apis, database_url
            )
        finally:  # later runs must not also match their projects to this run's mandate
            closing = f"{matching}/v1/mandates/{created.json()['mandate_id']}/close"
            done = {"reason": "benchmark run over"}
            (await client.post(closing, json=done, headers=lh)).raise_for_status()


async def _measure(
    client: httpx.AsyncClient,
    registry: str,
    matching: str,
    count: int,
    per_second: float,
    lh: dict[str, str],
    lender: uuid.UUID,
    apis: Sequence[str],
    database_url: str | None,
) -> Rate:
    enterprise = uuid.uuid4()
    eh = _bearer(Role.ENTERPRISE, enterprise)
    (
        await client.post(f"{registry}/v1/enterprises", json=enterprise_body(), headers=eh)
    ).raise_for_status()
    await _warm_up(client, registry, matching, eh, lender, lh)
    step = f"register → feed at {per_second:.0f}/s"
    await asyncio.to_thread(wait_drained, step, apis, database_url=database_url)
    sent: dict[str, float] = {}
    arrived: dict[str, float] = {}

    async def register_one(i: int) -> None:
        started = time.perf_counter()
        response = await client.post(
            f"{registry}/v1/projects",
            json=data_centre_body(name=f"pipeline {i}"),
            headers=eh,
        )
        sent[response.json()["project_id"]] = started

    async def register() -> None:
        """One registration every 1/rate s, each in its own task: a slow answer does not
        lower the offered rate."""
        begun, tasks = time.perf_counter(), []
        for i in range(count):
            await asyncio.sleep(max(0.0, begun + i / per_second - time.perf_counter()))
            tasks.append(asyncio.create_task(register_one(i)))
        await asyncio.gather(*tasks)

    async def watch() -> None:
        """Follow the lender's live stream (as a bank would) until every project arrived."""
        url = f"{matching}/v1/lenders/{lender}/deals/stream"
        params = {"idle_timeout_s": 30}
        async with client.stream("GET", url, params=params, headers=lh, timeout=None) as feed:
            async for line in feed.aiter_lines():
                if not line.startswith("data:"):
                    continue
                item = orjson.loads(line[5:])
                if item["event_type"] == "deal.matched.v1":
                    arrived.setdefault(item["event"]["project_id"], time.perf_counter())
                if len(sent) == count and sent.keys() <= arrived.keys():
                    return

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(register(), watch()), timeout=count / per_second + 120)
    elapsed = time.perf_counter() - started
    latencies = sorted((arrived[p] - sent[p]) * 1000 for p in sent if p in arrived)
    if not latencies:
        raise RuntimeError("no deal reached the feed")
    return Rate(
        f"register → deal in feed ({per_second:.0f} projects/s)",
        len(latencies),
        elapsed,
        statistics.median(latencies),
        latencies[max(0, int(len(latencies) * 0.99) - 1)],
        percentiles(latencies),
    )


RATES = (20.0, 100.0)  # projects/s offered, each for 15 s (x scale)


# Steady state: a small database would otherwise retrain the plausibility model, and rescore
# everything, each time its project count doubles (scoring's SCORING_MODEL_AUTO_MAX).
STEADY_STATE = {"SCORING_MODEL_AUTO_MAX": "0"}


REPLICAS = (1, 2)  # each figure is measured with one and with two of every relay and consumer


def replica_processes(env: dict[str, str], replicas: int) -> list[ServiceProcess]:
    """Registry, scoring and matching each as one `all` process (API, relay, consumers), plus
    `replicas - 1` more relay and consumer processes of each: the extra relays claim outbox rows
    with SKIP LOCKED, the extra consumers join the same Kafka consumer groups."""
    processes = [
        ServiceProcess(name, "all", env | STEADY_STATE, port=free_port())
        for name in ("registry", "scoring", "matching")
    ]
    for _ in range(replicas - 1):
        processes += [ServiceProcess(name, "relay", env) for name in ("registry",)]
        processes += [
            ServiceProcess(name, role, env | STEADY_STATE)
            for name in ("scoring", "matching")
            for role in ("relay", "consume")
        ]
    return processes


DATABASE = "greenlink_bench_latency"


def _rates(env: dict[str, str], replicas: int, scale: float) -> list[Rate]:
    """Each offered rate in turn, against one set of processes on a database of its own: the
    development database keeps every earlier run's and test's mandates, and each of those
    that fits a run's project would open a deal of its own, so the figure would measure
    whatever the database happened to hold."""
    with scratch_database(env, DATABASE) as run_env:
        processes = replica_processes(run_env, replicas)
        for process in processes:
            process.start()
        try:
            rates = []
            for per_second in RATES:
                count = int(per_second * 15 * scale)
                registry, matching = processes[0].url, processes[2].url
                apis = [p.url for p in processes[:3]]
                database = run_env["MIGRATION_DATABASE_URL"]
                run = _run(registry, matching, count, per_second, apis, database)
                rates.append(asyncio.run(run))
            return rates
        finally:
            for process in processes:
                process.stop()


def pipeline_lines(env: dict[str, str], scale: float) -> tuple[list[str], list[Rate]]:
    """The printed lines and each rate measured (named with its replica count)."""
    lines, measured = [], []
    for replicas in REPLICAS:
        rates = _rates(env, replicas, scale)
        label = f"  {replicas} replica{'s' if replicas > 1 else ''} of each relay and consumer"
        measured += [replace(r, name=f"{r.name}, {replicas} replica(s)") for r in rates]
        lines += [label] + [
            r.line() + "   (target p50 ≤ 50 ms, p99 ≤ 250 ms at half load)" for r in rates
        ]
    return lines, measured


def bench_environment() -> tuple[InfraInfo, dict[str, str]]:
    """Kafka and PostgreSQL started (or reused), and the environment service processes run
    with, also set on this process (for the tokens it mints)."""
    info = ensure_started()
    keys = Path(".greenlink") / "bench-keys" / "jwks.json"
    ensure_keys(keys)
    env = os.environ | {
        **info.environment(),
        "GREENLINK_JWKS_PATH": str(keys.resolve()),
        "GREENLINK_ENV": "development",
    }
    os.environ.update(env)
    return info, env


def main(scale: float = 1.0) -> None:
    """`python -m tests.bench.pipeline [--scale S]`: only these figures, 1 and 2 replicas."""
    _, env = bench_environment()
    for line in pipeline_lines(env, scale)[0]:
        print(line)


if __name__ == "__main__":
    import typer

    typer.run(main)
