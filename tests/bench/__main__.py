"""`make bench`: performance figures, each beside a naive baseline measured in the same run.

Starts (or reuses) the local Kafka and PostgreSQL and runs the registry as its own process.
Sizes are bounded so a run takes a few minutes on two cores; pass --scale to change them.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import httpx
import typer

from deploy.local.infra import ensure_started
from servicekit.auth import Role
from servicekit.issuer import ensure_keys, mint
from tests.bench import (
    cpu,
    domain,
    memory,
    pipeline,
    profiles,
    raw_limits,
    registration,
    report,
    throughput,
)
from tests.bench.drain import wait_drained
from tests.bench.mandate_books import MandateBook
from tests.support.processes import PeakMemory, rss_bytes

ROOT = Path(__file__).resolve().parents[2]
QUICK_SCALE = 0.02


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_registry(
    env: dict[str, str], port: int, api_workers: int = 1
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "all"],
        cwd=ROOT,
        env=env
        | {
            "REGISTRY_PORT": str(port),
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_WRITES_PER_MINUTE": "10000000",
            "API_WORKERS": str(api_workers),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("registry did not become ready")


def _with_api_workers(
    env: dict[str, str], headers: dict[str, str], workers: int, pg: dict[str, int]
) -> tuple[registration.Rate | None, cpu.CpuUse]:
    """The wrk registration figure again with the registry's API in `workers` processes
    (API_WORKERS), its CPU counted over all of them."""
    port = _free_port()
    registry = _start_registry(env, port, api_workers=workers)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_drained(f"registration API, {workers} API workers", [base])
        registry_family = {f"registry (`all` + {workers - 1} API workers)": registry.pid}
        with cpu.measured({}, registry_family | pg) as used:
            rate = registration.wrk_registrations(base, headers, connections=16, seconds=10)
    finally:
        registry.terminate()
        registry.wait(30)
    if rate is None:
        return None, used
    return replace(rate, name=f"{rate.name}, {workers} API workers"), used


def _against(
    raw: raw_limits.RawLimits,
    apis: list[registration.Rate],
    naive: registration.Rate,
    bulk: registration.Rate,
    bulk_runs: list[throughput.BulkRun],
) -> list[tuple[registration.Rate, dict[str, str]]]:
    """Each platform figure as a share of the raw limit it stands on, and of the naive path."""
    ratio = raw_limits.ratio
    kafka, copy, transactions = raw.kafka.per_second, raw.copy.per_second, raw.transactions
    figures = [
        (
            api,
            {
                "naive": ratio(api.per_second, naive.per_second),
                "PostgreSQL transactions": ratio(api.per_second, transactions.per_second),
            },
        )
        for api in apis
    ]
    figures += [
        (
            naive,
            {
                "PostgreSQL transactions": ratio(naive.per_second, transactions.per_second),
                "Kafka records": ratio(naive.per_second, kafka),
            },
        ),
        (
            bulk,
            {
                "PostgreSQL COPY": ratio(bulk.per_second, copy),
                "naive": ratio(bulk.per_second, naive.per_second),
            },
        ),
    ]
    for run in bulk_runs:
        for stage in run.stages:
            if stage.seconds is None:
                continue
            rate = registration.Rate(run.figure(stage), stage.count, stage.seconds)
            ratios = {
                "Kafka records": ratio(rate.per_second, kafka),
                "naive": ratio(rate.per_second, naive.per_second),
            }
            figures.append((rate, ratios))
    return figures


def _ratio_lines(figures: list[tuple[registration.Rate, dict[str, str]]]) -> list[str]:
    lines = ["platform figures against the raw limits and the naive baseline"]
    for rate, ratios in figures:
        shares = ", ".join(f"{share} of {limit}" for limit, share in ratios.items())
        lines.append(f"  {rate.name[:52]:<52} {rate.per_second:9,.0f}/s = {shares}")
    return lines


def main(
    scale: float = typer.Option(1.0, help="multiply every workload size"),
    bulk_projects: int = typer.Option(
        0, help="projects for the bulk pipeline run (default 20,000 x scale)", min=0
    ),
    book_projects: int = typer.Option(
        0,
        help="projects for the bulk pipeline run against 10,000 x scale synthetic mandates"
        " (default 2,000 x scale: each opens about forty deals)",
        min=0,
    ),
    quick: bool = typer.Option(False, help="smoke test: every size x 0.02 (a few minutes)"),
    profile: bool = typer.Option(
        False,
        help="py-spy flame graphs of every service process in the registration and bulk"
        " pipeline steps, under profiles/ beside the report (the figures are then perturbed)",
    ),
) -> None:
    scale = QUICK_SCALE if quick else scale
    started, machine = report.utc_now(), report.machine()  # load average before the run
    flames_folder = report.profiles_folder(started) if profile else None
    info = ensure_started()
    keys = ROOT / ".greenlink" / "bench-keys" / "jwks.json"
    ensure_keys(keys)
    env = os.environ | {
        **info.environment(),
        "GREENLINK_JWKS_PATH": str(keys),
        "GREENLINK_ENV": "development",
    }
    os.environ.update(env)
    port = _free_port()
    registry = _start_registry(env, port)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {mint(Role.ENTERPRISE, uuid.uuid4(), jwks_path=keys)}"}
    pg = {"postgres (all backends)": info.pids["postgres"]} if "postgres" in info.pids else {}
    typer.echo("[raw limits] running ...")
    raw = raw_limits.measure(info.kafka_access(), info.database_url, scale)
    try:
        asyncio.run(registration.enrol(base, headers))
        n = int(2000 * scale)
        typer.echo("[registry] running ...")
        wait_drained("registration API", [base])
        registry_pid = {"registry (one `all` process)": registry.pid}
        with (
            cpu.measured(registry_pid, pg) as api_cpu,
            profiles.profiled("registration API", registry_pid, flames_folder) as api_flames,
        ):
            api = registration.wrk_registrations(base, headers, connections=16, seconds=10)
            if api is None:  # no wrk: the Python client shares the cores with the service
                api = asyncio.run(registration.api_registrations(base, headers, n, concurrency=32))
        naive = asyncio.run(
            registration.naive_registrations(info.database_url, info.kafka_access(), n // 4)
        )
        idle = rss_bytes(registry.pid)
        wait_drained("bulk intake", [base])
        with PeakMemory(registry.pid) as intake_memory:
            bulk = asyncio.run(registration.bulk_intake(base, headers, int(50_000 * scale)))
    finally:
        registry.terminate()
        registry.wait(30)
    typer.echo("[registry, 2 API workers] running ...")
    api_2, api_2_cpu = _with_api_workers(env, headers, 2, pg)
    printed: list[str] = []

    def say(line: str) -> None:
        typer.echo(line)
        printed.append(line)

    say("\nGreenLink benchmark (2 cores: services, PostgreSQL and Kafka on one machine)")
    say(api.line())
    for line in api_cpu.lines(api.count)[1:]:
        say(line.replace("ms/project", "ms/registration"))
    for line in api_flames.lines():
        say(line)
    if api_2 is not None:
        say(api_2.line())
        for line in api_2_cpu.lines(api_2.count)[1:]:
            say(line.replace("ms/project", "ms/registration"))
    say(naive.line())
    best = max([api, *([api_2] if api_2 else [])], key=lambda r: r.per_second)
    say(
        f"  ratio API / naive: {best.per_second / naive.per_second:.1f}x   "
        "(target ≥ 1,500 req/s, p99 ≤ 50 ms)"
    )
    say(bulk.line())
    say(
        f"  registry process during bulk intake: peak {intake_memory.peak / 2**20:,.0f} MiB RSS"
        f" (before {idle / 2**20:,.0f} MiB; bound 2x that + 64 MiB, tested at 100,000 lines)"
    )
    say(
        f"  ratio bulk / API: {bulk.per_second / api.per_second:.1f}x   "
        "(target: 1,000,000 projects through the pipeline in ≤ 10 min)"
    )
    typer.echo("[pipeline] running ...")
    lines, latencies = pipeline.pipeline_lines(env, scale)
    bulk_runs = []
    books = [
        (MandateBook(), bulk_projects or int(20_000 * scale)),
        (MandateBook(synthetic=int(10_000 * scale)), book_projects or int(2_000 * scale)),
    ]
    for book, count in books:
        typer.echo(f"[bulk pipeline, {book.name}] running ...")
        bulk_run = throughput.throughput_lines(
            env,
            count,
            throughput.broker_pids(info.pids),
            pg,
            book,
            profile_folder=flames_folder,
        )
        bulk_runs.append(bulk_run)
        lines += bulk_run.lines
    typer.echo("[scoring] running ...")
    lines += domain.scoring_lines(scale)
    typer.echo("[matching] running ...")
    lines += domain.matching_lines(scale)
    lines += domain.live_facts_lines(info.database_url, scale)
    typer.echo("[audit] running ...")
    lines += domain.audit_lines(info.database_url, scale)
    say("")
    for line in lines:
        say(line)
    say(memory.report())
    say("")
    apis = [api] + ([api_2] if api_2 else [])
    figures = _against(raw, apis, naive, bulk, bulk_runs)
    for line in [*raw.lines(), *_ratio_lines(figures)]:
        say(line)
    say("  (2 cores shared by broker, database, services and the benchmark itself)")
    run = {
        "started_utc": started,
        "scale": scale,
        "machine": machine,
        "rates": [report.rate_row(r) for r in (raw.kafka, raw.copy, raw.transactions)]
        + [report.rate_row(rate, **ratios) for rate, ratios in figures]
        + [report.rate_row(r) for r in latencies],
        "cpu_ms_per_project": bulk_runs[0].cpu_ms_per_project,
        "cpu_ms_per_project_by_book": {r.book: r.cpu_ms_per_project for r in bulk_runs},
        "profiles": report.profile_rows([api_flames, *(r.profiles for r in bulk_runs)]),
        "lines": printed,
    }
    saved = report.write(run)
    report.update_readme(saved)
    typer.echo(f"\nwritten: {saved} (and last.json, last.md beside it); README table updated")


if __name__ == "__main__":
    typer.run(main)
