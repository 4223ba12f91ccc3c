"""Bulk throughput: many projects uploaded at once, timed through every service.

Registry, scoring, matching and audit each run as three processes (API, relay, consumers), so
the CPU time of every stage can be read from /proc, on a database of the run's own
(`scratch_database`). A mandate book is registered first (the seeded lenders', or synthetic
mandates), and the run starts once every consumer group's lag is zero and every new mandate has
met the (empty) project store. One enterprise uploads synthetic projects of every type and city
(JSONL intake jobs of at most 100,000 rows); the benchmark then counts, in each service's own
tables, how many of them each stage holds, and reports when each stage had them all, and how
many deals matching opened for them. Progress is printed every few seconds.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import orjson

from seeds.synthetic.streams import synthetic_projects
from servicekit.auth import Role
from servicekit.issuer import mint
from tests.bench.cpu import measured
from tests.bench.drain import count_as_system, wait_drained
from tests.bench.mandate_books import MandateBook
from tests.bench.pipeline import STEADY_STATE, bench_environment
from tests.bench.profiles import Profiles, profiled
from tests.bench.report import profiles_folder, utc_now
from tests.bench.scratch_database import scratch_database
from tests.support.processes import ServiceProcess, free_port
from tests.support.samples import enterprise_body

JOB_ROWS = 100_000
NDJSON = {"content-type": "application/x-ndjson"}
SERVICES = ("registry", "scoring", "matching", "audit")
# How many of the enterprise's projects each stage holds, read as the service itself.
STAGES = {
    "registered (registry rows + outbox)": (
        "SELECT count(*) FROM registry.projects WHERE enterprise_id = $1"
    ),
    "scored (scoring)": (
        "SELECT count(DISTINCT project_id) FROM scoring.scores WHERE enterprise_id = $1"
    ),
    "matched (matching read model)": (
        "SELECT count(*) FROM matching.projects WHERE enterprise_id = $1"
    ),
    "audited (scores in the ledger)": (
        "SELECT count(*) FROM audit.projects p JOIN audit.project_scores s USING (project_id)"
        " WHERE p.enterprise_id = $1"
    ),
}
DEALS = "SELECT count(*) FROM matching.deals WHERE enterprise_id = $1"
DATABASE = "greenlink_bench_pipeline"
POLL_S = 5  # each poll reads four indexes; the services, not the benchmark, should use the CPU
POLL_SMALL_S = 0.5  # below SMALL_RUN projects a poll is cheap, and 5 s would be most of the run
SMALL_RUN = 10_000


@dataclass(frozen=True)
class StageTime:
    stage: str
    count: int
    seconds: float | None  # None: not all arrived before the deadline

    def line(self) -> str:
        if self.seconds is None:
            return f"{self.stage:<44} {self.count:>9,} (incomplete at the deadline)"
        return (
            f"{self.stage:<44} {self.count:>9,} after {self.seconds:7.1f} s"
            f" = {self.count / self.seconds:9,.0f} projects/s"
        )


def _jobs(count: int, seed: int) -> Iterator[bytes]:
    """JSONL bodies of at most JOB_ROWS projects each, built lazily."""
    rows = (line["project"] for line in synthetic_projects(count, ["unused"], seed))
    while True:
        chunk = [orjson.dumps(row) for _, row in zip(range(JOB_ROWS), rows, strict=False)]
        if not chunk:
            return
        yield b"\n".join(chunk)


async def _counts(con: asyncpg.Connection, enterprise: uuid.UUID) -> dict[str, int]:
    return {stage: await count_as_system(con, sql, enterprise) for stage, sql in STAGES.items()}


@dataclass(frozen=True)
class Outcome:
    stages: list[StageTime]
    deals: int


async def _run(owner_url: str, registry: str, count: int, seed: int) -> Outcome:
    enterprise = uuid.uuid4()
    headers = {"Authorization": f"Bearer {mint(Role.ENTERPRISE, enterprise)}"}
    con = await asyncpg.connect(owner_url)
    try:
        async with httpx.AsyncClient(base_url=registry, headers=headers, timeout=600) as client:
            (await client.post("/v1/enterprises", json=enterprise_body())).raise_for_status()
            started = time.perf_counter()
            for body in _jobs(count, seed):
                response = await client.post(
                    "/v1/intake-jobs",
                    content=body,
                    headers={"content-type": "application/x-ndjson"},
                )
                response.raise_for_status()
        done: dict[str, float] = {}
        seen = dict.fromkeys(STAGES, 0)
        deadline = started + 300 + count / 20
        last_report = 0.0
        while len(done) < len(STAGES) and time.perf_counter() < deadline:
            seen = await _counts(con, enterprise)
            now = time.perf_counter()
            for stage, n in seen.items():
                if n >= count:
                    done.setdefault(stage, now - started)
            if now - last_report >= 15:
                progress = "  ".join(f"{s.split(' ')[0]} {n:,}" for s, n in seen.items())
                print(f"  [{now - started:6.0f} s] {progress}", flush=True)
                last_report = now
            await asyncio.sleep(POLL_SMALL_S if count < SMALL_RUN else POLL_S)
        deals = await count_as_system(con, DEALS, enterprise)
    finally:
        await con.close()
    return Outcome([StageTime(stage, seen[stage], done.get(stage)) for stage in STAGES], deals)


@dataclass(frozen=True)
class BulkRun:
    book: str
    lines: list[str]
    stages: list[StageTime]
    cpu_ms_per_project: dict[str, float]
    profiles: Profiles = field(default_factory=lambda: Profiles("bulk pipeline", []))

    def figure(self, stage: StageTime) -> str:
        """A stage's figure name; the seeded book's keeps the name earlier runs used."""
        if self.book == MandateBook().name:
            return f"bulk pipeline: {stage.stage}"
        return f"bulk pipeline, {self.book}: {stage.stage}"


ROLES = ("api", "relay", "consume")  # each its own process, so CPU is read per stage


def _processes(env: dict[str, str]) -> dict[str, ServiceProcess]:
    return {
        f"{name} {role}": ServiceProcess(
            name, role, env | STEADY_STATE, port=free_port() if role == "api" else None
        )
        for name in SERVICES
        for role in ROLES
    }


def throughput_lines(
    env: dict[str, str],
    count: int,
    infra_pids: Mapping[str, int],
    infra_families: Mapping[str, int],
    book: MandateBook | None = None,
    seed: int = 11,
    profile_folder: Path | None = None,
) -> BulkRun:
    """The bulk run against `book`, on a database of its own, from a drained pipeline, with
    each process's CPU time during it (and each service process's flame graph, given a
    folder for them)."""
    book = book or MandateBook()
    with scratch_database(env, DATABASE) as run_env:
        processes = _processes(run_env)
        for process in processes.values():
            process.start()
        try:
            apis = [processes[f"{name} api"].url for name in SERVICES]
            mandates = book.register(processes["matching api"].url)
            owner = run_env["MIGRATION_DATABASE_URL"]
            wait_drained(f"bulk pipeline, {book.name}", apis, database_url=owner)
            pids = {name: p.process.pid for name, p in processes.items() if p.process}
            services = dict(pids)
            pids |= infra_pids
            with (
                measured(pids, infra_families) as cpu,
                profiled(f"bulk pipeline, {book.name}", services, profile_folder) as flames,
            ):
                outcome = asyncio.run(_run(run_env["MIGRATION_DATABASE_URL"], apis[0], count, seed))
        finally:
            for process in processes.values():
                process.stop()
    lines = [
        f"bulk pipeline: {count:,} projects uploaded at once against {mandates:,} mandates"
        f" ({book.name}), time until each stage holds all",
        *(s.line() for s in outcome.stages),
        f"  deals opened: {outcome.deals:,} ({outcome.deals / count:.1f} per project)",
        "  (target: 1,000,000 projects through the pipeline in ≤ 10 min)",
        *cpu.lines(count),
        *flames.lines(),
    ]
    per_project = {name: ms / count for name, ms in cpu.spent.items()}
    return BulkRun(book.name, lines, outcome.stages, per_project, flames)


def broker_pids(pids: Mapping[str, int]) -> dict[str, int]:
    """The local broker's JVMs (PostgreSQL's work happens in per-connection backends)."""
    return {f"broker {name}": pid for name, pid in pids.items() if name != "postgres" and pid}


def main(projects: int = 5000, synthetic_mandates: int = 0, profile: bool = False) -> None:
    """`python -m tests.bench.throughput [--projects N] [--synthetic-mandates M] [--profile]`:
    only the bulk pipeline (against the seeded mandates, or M synthetic ones), to compare two
    versions of the code one after the other on the same machine; with --profile, a flame
    graph of every service process under `.greenlink/bench/profiles/<start>/`."""
    info, env = bench_environment()
    postgres = {"postgres (all backends)": info.pids["postgres"]} if "postgres" in info.pids else {}
    brokers = broker_pids(info.pids)
    book = MandateBook(synthetic_mandates)
    folder = profiles_folder(utc_now()) if profile else None
    run = throughput_lines(env, projects, brokers, postgres, book, profile_folder=folder)
    for line in run.lines:
        print(line)


if __name__ == "__main__":
    import typer

    typer.run(main)
