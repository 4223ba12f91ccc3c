"""Bulk intake jobs: staged rows are validated, written in bulk and emitted in chunks.

An upload is read from a spooled file and staged a bounded chunk at a time. Each processing
chunk (rows, history, outbox, errors and the job's progress and cursor) commits in one
transaction, so a job interrupted by a restart resumes at the first unprocessed row and never
writes a row twice.

A chunk is claimed by primary-key range from the job's cursor (`job_id = $1 AND line_no
BETWEEN $2 AND $3`), with sequential and bitmap scans switched off for the claim and a
statement timeout on the whole chunk: whatever the statistics, the claim reads only its rows.
A chunk that times out is retried at half the size; a job that cannot go on is marked failed
with the reason instead of sitting at 0 %.
"""

from __future__ import annotations

import asyncio
import enum
import io
import logging
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, TextIO

import asyncpg

from registry import domain, repository
from registry.intake_rows import RowError, UploadError, parse_row, split_csv, split_jsonl
from schemas.project import ProjectVersion
from servicekit.auth import Role
from servicekit.db import Connection, Executor
from servicekit.errors import Forbidden, TooMany, Unprocessable
from servicekit.idempotency import record_effect
from servicekit.outbox import enqueue
from servicekit.rls import SYSTEM, acting_for, insert_many

log = logging.getLogger(__name__)
SOURCE = "greenlink/registry-intake"
STAGE_CHUNK = 2000
FIRST_CHUNK = 250  # the first chunk is small, so progress shows within a second
MIN_CHUNK = 50
TRANSIENT_RETRIES = 5
# A restarting PostgreSQL refuses connections, drops them, or answers "not yet accepting
# connections" / "terminating connection due to administrator command" (operator intervention).
DATABASE_DOWN: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
)
_STAGED = (("job_id", "uuid"), ("line_no", "integer"), ("raw", "text"))
_ERRORS = (("job_id", "uuid"), ("line_no", "integer"), ("reason", "text"))
_LOCK_JOB = (
    "SELECT next_line FROM intake_jobs WHERE id = $1 AND status = 'running' FOR UPDATE SKIP LOCKED"
)
# The last line of the next chunk, then the chunk itself: both are ranges of the primary key.
CLAIM_END = (
    "SELECT max(line_no) FROM (SELECT line_no FROM intake_rows"
    " WHERE job_id = $1 AND line_no >= $2 ORDER BY line_no LIMIT $3) AS chunk"
)
CLAIM = (
    "DELETE FROM intake_rows WHERE job_id = $1 AND line_no BETWEEN $2 AND $3 RETURNING line_no, raw"
)
# Set for the claim alone: row-level security's filters defeat the planner's estimates, so it
# may pick a whole-table or whole-job scan; with these off, only the ordered key range remains.
INDEX_RANGE_ONLY = (
    "SELECT set_config('enable_seqscan', 'off', true),"
    " set_config('enable_bitmapscan', 'off', true), set_config('jit', 'off', true)"
)
_PLANNER_DEFAULTS = (
    "SELECT set_config('enable_seqscan', 'on', true), set_config('enable_bitmapscan', 'on', true)"
)
_UNFINISHED = (
    "SELECT count(*) FROM intake_jobs WHERE enterprise_id = $1 AND status IN ('queued', 'running')"
)


class Step(enum.Enum):
    MORE = "more"
    STOP = "stop"  # finished, or another worker holds the job


def _split(stream: TextIO, fmt: str) -> Iterator[tuple[int, str]]:
    return split_csv(stream) if fmt == "csv" else split_jsonl(stream)


async def ensure_capacity(con: Connection, enterprise_id: uuid.UUID, max_running: int) -> None:
    """429 naming the limit when the enterprise already has `max_running` unfinished jobs."""
    if await con.fetchval(_UNFINISHED, enterprise_id) >= max_running:
        raise TooMany(
            f"at most {max_running} intake jobs may be queued or running at once per"
            " enterprise; wait for one to finish",
            field="intake_jobs",
        )


async def check_capacity(pool: asyncpg.Pool, enterprise_id: uuid.UUID, max_running: int) -> None:
    """The same check before an upload is read, so a refused one costs nothing."""
    async with acting_for(pool, Role.ENTERPRISE, enterprise_id) as con:
        await ensure_capacity(con, enterprise_id, max_running)


async def create_job(
    pool: asyncpg.Pool, enterprise_id: uuid.UUID, fmt: str, upload: IO[bytes], max_running: int
) -> asyncpg.Record:
    """Stage every row of a spooled upload under a new job, a bounded chunk at a time; the
    job as committed, queued with its row count."""
    job_id = uuid.uuid4()
    async with acting_for(pool, Role.ENTERPRISE, enterprise_id) as con:
        if not await repository.enterprise_exists(con, enterprise_id):
            raise Forbidden("register the enterprise before its projects", field="enterprise")
        # One upload of an enterprise at a time counts and creates, so the limit holds.
        await con.execute(
            "SELECT pg_advisory_xact_lock(7241, hashtext($1::uuid::text))", enterprise_id
        )
        await ensure_capacity(con, enterprise_id, max_running)
        await record_effect(con)  # a retried upload with its Idempotency-Key never doubles
        await con.execute(
            "INSERT INTO intake_jobs (id, enterprise_id, format, status)"
            " VALUES ($1, $2, $3, 'queued')",
            job_id,
            enterprise_id,
            fmt,
        )
        total = 0
        chunk: list[tuple[uuid.UUID, int, str]] = []
        text = io.TextIOWrapper(upload, encoding="utf-8", newline="")
        try:
            for line_no, raw in _split(text, fmt):
                chunk.append((job_id, line_no, raw))
                if len(chunk) >= STAGE_CHUNK:
                    await insert_many(con, "intake_rows", _STAGED, chunk)
                    total += len(chunk)
                    chunk = []
        except UploadError as exc:
            raise Unprocessable(str(exc), field="body") from None
        await insert_many(con, "intake_rows", _STAGED, chunk)
        total += len(chunk)
        await con.execute("UPDATE intake_jobs SET total_rows = $2 WHERE id = $1", job_id, total)
        job = await fetch_job(con, job_id)
    assert job is not None
    return job


async def process_job(
    pool: asyncpg.Pool, job_id: uuid.UUID, chunk_rows: int = 2000, timeout_ms: int = 60_000
) -> None:
    """Work through a job's staged rows chunk by chunk until none are left.

    Only claiming the job needs the service's own view; every chunk acts for the job's
    enterprise, so it cannot write another enterprise's rows.
    """
    job = await _claimed(pool, job_id)
    if job is None:
        return
    limit, failures = min(FIRST_CHUNK, chunk_rows), 0
    while True:
        try:
            step = await _process_chunk(
                pool, job_id, job["enterprise_id"], job["format"], limit, timeout_ms
            )
        except asyncpg.QueryCanceledError:
            if limit <= MIN_CHUNK:
                await _fail(pool, job_id, "a chunk of rows took longer than the time allowed")
                return
            limit = max(MIN_CHUNK, limit // 2)
            log.warning("intake chunk timed out", extra={"job_id": str(job_id), "rows": limit})
            continue
        except DATABASE_DOWN as exc:
            failures += 1
            if failures > TRANSIENT_RETRIES:
                await _fail(pool, job_id, "the database was unavailable; upload again")
                return
            log.warning("intake chunk failed, retrying: %r", exc, extra={"job_id": str(job_id)})
            await asyncio.sleep(0.5 * 2**failures)
            continue
        except Exception:
            log.exception("intake job failed", extra={"job_id": str(job_id)})
            await _fail(pool, job_id, "an internal error stopped this job; upload again")
            return
        if step is Step.STOP:
            break
        failures = 0
        limit = min(limit * 2, chunk_rows)
    log.info("intake job stopped", extra={"job_id": str(job_id)})


async def _claimed(pool: asyncpg.Pool, job_id: uuid.UUID) -> asyncpg.Record | None:
    """The job marked running, or None if it is finished or the database stayed down (it is
    then still queued or running, and the next start of the service resumes it)."""
    for failures in range(1, TRANSIENT_RETRIES + 2):
        try:
            async with acting_for(pool, SYSTEM, None) as con:
                job: asyncpg.Record | None = await con.fetchrow(
                    "UPDATE intake_jobs SET status = 'running' WHERE id = $1"
                    " AND status IN ('queued', 'running') RETURNING enterprise_id, format",
                    job_id,
                )
                return job
        except DATABASE_DOWN as exc:
            log.warning("intake job claim failed, retrying: %r", exc, extra={"job_id": str(job_id)})
            await asyncio.sleep(0.5 * 2**failures)
    return None


async def _fail(pool: asyncpg.Pool, job_id: uuid.UUID, reason: str) -> None:
    async with acting_for(pool, SYSTEM, None) as con:
        await con.execute(
            "UPDATE intake_jobs SET status = 'failed', failure = $2, finished_at = now()"
            " WHERE id = $1",
            job_id,
            reason,
        )


async def _claim(
    con: Connection, job_id: uuid.UUID, start: int, limit: int
) -> tuple[int, list[asyncpg.Record]] | None:
    """The next chunk's rows by key range, or None when the job has no rows left."""
    await con.execute(INDEX_RANGE_ONLY)
    end = await con.fetchval(CLAIM_END, job_id, start, limit)
    rows = [] if end is None else await con.fetch(CLAIM, job_id, start, end)
    await con.execute(_PLANNER_DEFAULTS)
    return None if end is None else (end, rows)


async def _process_chunk(
    pool: asyncpg.Pool,
    job_id: uuid.UUID,
    enterprise_id: uuid.UUID,
    fmt: str,
    limit: int,
    timeout_ms: int,
) -> Step:
    async with acting_for(pool, Role.ENTERPRISE, enterprise_id) as con:
        await con.execute("SELECT set_config('statement_timeout', $1, true)", str(timeout_ms))
        start = await con.fetchval(_LOCK_JOB, job_id)
        if start is None:
            return Step.STOP
        claimed = await _claim(con, job_id, start, limit)
        if claimed is None:
            await con.execute(
                "UPDATE intake_jobs SET status = 'done', finished_at = now() WHERE id = $1",
                job_id,
            )
            return Step.STOP
        end, rows = claimed
        now = datetime.now(UTC)
        versions: list[ProjectVersion] = []
        errors: list[tuple[uuid.UUID, int, str]] = []
        for row in rows:
            try:
                spec = parse_row(row["raw"], fmt)
            except RowError as exc:
                errors.append((job_id, row["line_no"], str(exc)))
                continue
            project_id = uuid.uuid5(job_id, str(row["line_no"]))
            versions.append(domain.register_project(spec, project_id, enterprise_id, now))
        await repository.insert_projects(con, versions)
        await insert_many(con, "intake_errors", _ERRORS, errors)
        await enqueue(con, versions, source=SOURCE)
        await con.execute(
            "UPDATE intake_jobs SET next_line = $2, processed_rows = processed_rows + $3,"
            " accepted_rows = accepted_rows + $4, rejected_rows = rejected_rows + $5"
            " WHERE id = $1",
            job_id,
            end + 1,
            len(rows),
            len(versions),
            len(errors),
        )
    return Step.MORE


async def resume_unfinished(pool: asyncpg.Pool, chunk_rows: int, timeout_ms: int) -> None:
    """Restart jobs a previous process left queued or running."""
    async with acting_for(pool, SYSTEM, None) as con:
        unfinished = await con.fetch(
            "SELECT id FROM intake_jobs WHERE status IN ('queued', 'running') ORDER BY created_at"
        )
    for row in unfinished:
        await process_job(pool, row["id"], chunk_rows, timeout_ms)


async def fetch_job(con: Executor, job_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow(
        "SELECT id, enterprise_id, format, status, total_rows, processed_rows, accepted_rows,"
        " rejected_rows, failure, created_at, finished_at FROM intake_jobs WHERE id = $1",
        job_id,
    )


async def fetch_errors(
    con: Executor, job_id: uuid.UUID, after_line: int, limit: int
) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT line_no, reason FROM intake_errors WHERE job_id = $1 AND line_no > $2::bigint"
        " ORDER BY line_no LIMIT $3",
        job_id,
        after_line,
        limit,
    )


@dataclass
class IntakeWorkers:
    """The jobs this process works through in the background, held so none is collected
    mid-way; the app keeps one (`app.state.intake_workers`)."""

    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
