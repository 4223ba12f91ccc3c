"""Bulk intake staged straight in the registry's tables, for tests that need more rows than
an upload in a test can carry, or a job in a state an upload cannot reach."""

from __future__ import annotations

import uuid

import asyncpg
import orjson

from tests.support.samples import project_body


async def stage_rows(con: asyncpg.Connection, job: uuid.UUID, rows: int) -> None:
    """`rows` staged lines of the sample project for `job`, as an upload leaves them."""
    await con.execute(
        "INSERT INTO intake_rows (job_id, line_no, raw) SELECT $1, n, $2"
        " FROM generate_series(1, $3) AS n",
        job,
        orjson.dumps(project_body()).decode(),
        rows,
    )
