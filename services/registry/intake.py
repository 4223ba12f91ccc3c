"""Bulk intake jobs: staged rows are validated, written with COPY and emitted in chunks.

Each chunk (rows, history, outbox, errors and the job's progress) commits in one
transaction, so a job interrupted by a restart resumes at the first unprocessed row and
never writes a row twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import asyncpg

from registry import domain, repository
from registry.intake_rows import RowError, parse_row, split_csv, split_jsonl
from schemas.project import ProjectVersion
from servicekit.auth import Role
from servicekit.db import Executor
from servicekit.errors import Forbidden
from servicekit.outbox import enqueue
from servicekit.rls import SYSTEM, acting_for, insert_many

log = logging.getLogger(__name__)
SOURCE = "greenlink/registry-intake"
STAGE_CHUNK = 10_000
_STAGED = (("job_id", "uuid"), ("line_no", "integer"), ("raw", "text"))
_ERRORS = (("job_id", "uuid"), ("line_no", "integer"), ("reason", "text"))


def _split(text: str, fmt: str) -> Iterator[tuple[int, str]]:
    return split_csv(text) if fmt == "csv" else split_jsonl(text)


async def create_job(
    pool: asyncpg.Pool, enterprise_id: uuid.UUID, fmt: str, text: str
) -> uuid.UUID:
    """Stage every row of an upload under a new job; processing happens in the background."""
    job_id = uuid.uuid4()
    async with acting_for(pool, Role.ENTERPRISE, enterprise_id) as con:
        if not await repository.enterprise_exists(con, enterprise_id):
            raise Forbidden("register the enterprise before its projects", field="enterprise")
        await con.execute(
            "INSERT INTO intake_jobs (id, enterprise_id, format, status)"
            " VALUES ($1, $2, $3, 'queued')",
            job_id,
            enterprise_id,
            fmt,
        )
        total = 0
        chunk: list[tuple[uuid.UUID, int, str]] = []
        for line_no, raw in _split(text, fmt):
            chunk.append((job_id, line_no, raw))
            if len(chunk) >= STAGE_CHUNK:
                await insert_many(con, "intake_rows", _STAGED, chunk)
                total += len(chunk)
                chunk = []
        await insert_many(con, "intake_rows", _STAGED, chunk)
        total += len(chunk)
        await con.execute("UPDATE intake_jobs SET total_rows = $2 WHERE id = $1", job_id, total)
    return job_id


async def process_job(pool: asyncpg.Pool, job_id: uuid.UUID, chunk_rows: int = 5000) -> None:
    """Work through a job's staged rows chunk by chunk until none are left.

    Only claiming the job needs the service's own view; every chunk acts for the job's
    enterprise, so it cannot write another enterprise's rows.
    """
    async with acting_for(pool, SYSTEM, None) as con:
        job = await con.fetchrow(
            "UPDATE intake_jobs SET status = 'running' WHERE id = $1"
            " RETURNING enterprise_id, format",
            job_id,
        )
    if job is None:
        return
    more = True
    while more:
        more = await _process_chunk(pool, job_id, job["enterprise_id"], job["format"], chunk_rows)
    async with acting_for(pool, Role.ENTERPRISE, job["enterprise_id"]) as con:
        await con.execute(
            "UPDATE intake_jobs SET status = 'done', finished_at = now() WHERE id = $1", job_id
        )
    log.info("intake job finished", extra={"job_id": str(job_id)})


async def _process_chunk(
    pool: asyncpg.Pool, job_id: uuid.UUID, enterprise_id: uuid.UUID, fmt: str, limit: int
) -> bool:
    async with acting_for(pool, Role.ENTERPRISE, enterprise_id) as con:
        rows = await con.fetch(
            "DELETE FROM intake_rows WHERE (job_id, line_no) IN (SELECT job_id, line_no"
            " FROM intake_rows WHERE job_id = $1 ORDER BY line_no LIMIT $2"
            " FOR UPDATE SKIP LOCKED)"
            " RETURNING line_no, raw",
            job_id,
            limit,
        )
        if not rows:
            return False
        now = datetime.now(UTC)
        versions: list[ProjectVersion] = []
        errors: list[tuple[uuid.UUID, int, str]] = []
        for row in sorted(rows, key=lambda r: r["line_no"]):
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
            "UPDATE intake_jobs SET processed_rows = processed_rows + $2,"
            " accepted_rows = accepted_rows + $3, rejected_rows = rejected_rows + $4"
            " WHERE id = $1",
            job_id,
            len(rows),
            len(versions),
            len(errors),
        )
    return True


async def resume_unfinished(pool: asyncpg.Pool, chunk_rows: int) -> None:
    """Restart jobs a previous process left queued or running."""
    async with acting_for(pool, SYSTEM, None) as con:
        unfinished = await con.fetch(
            "SELECT id FROM intake_jobs WHERE status IN ('queued', 'running') ORDER BY created_at"
        )
    for row in unfinished:
        await process_job(pool, row["id"], chunk_rows)


async def fetch_job(con: Executor, job_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow(
        "SELECT id, enterprise_id, format, status, total_rows, processed_rows, accepted_rows,"
        " rejected_rows, created_at, finished_at FROM intake_jobs WHERE id = $1",
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
