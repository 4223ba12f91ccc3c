"""A freshly migrated schema of a test's or benchmark's own, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from servicekit.migrations import migrate


@asynccontextmanager
async def scratch_schema(
    database_url: str, prefix: str, service_dir: Path, app_role: str | None = None
) -> AsyncIterator[str]:
    """A freshly migrated schema of its own, dropped afterwards: benchmarks measure on empty
    tables, and leave nothing behind even when they fail. With `app_role`, that role (a
    service's API connecting as itself) gets its rights there."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        await migrate(database_url, schema, service_dir, app_role=app_role)
        yield schema
    finally:
        con = await asyncpg.connect(database_url)
        try:
            await con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await con.close()
