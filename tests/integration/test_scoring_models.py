"""The peer model has one active version however many replicas decide to retrain at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from scoring import app as scoring_app
from scoring import repository
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, acting_as
from tests.support.scratch_schema import scratch_schema

pytestmark = pytest.mark.integration


async def test_two_replicas_saving_a_model_at_once_leave_exactly_one_active(infra) -> None:
    package = Path(scoring_app.__file__).parent
    async with scratch_schema(infra.database_url, "scoring_models", package) as schema:
        pool = await create_pool(infra.database_url, schema, min_size=2, max_size=2)
        try:
            first_saved = asyncio.Event()
            release_first = asyncio.Event()

            async def first() -> None:
                async with acting_as(pool, SYSTEM) as con:
                    await repository.save_model(con, "m-first", b"first", 10)
                    first_saved.set()
                    await release_first.wait()  # still uncommitted while the second saves

            async def second() -> None:
                await first_saved.wait()
                async with acting_as(pool, SYSTEM) as con:
                    await repository.save_model(con, "m-second", b"second", 12)

            racing = asyncio.gather(first(), second())
            await first_saved.wait()
            await asyncio.sleep(0.3)  # the second replica reaches its save meanwhile
            release_first.set()
            await asyncio.wait_for(racing, timeout=30)

            async with acting_as(pool, SYSTEM) as con:
                active = await con.fetch("SELECT version FROM models WHERE active")
                saved = await con.fetchval("SELECT count(*) FROM models")
            assert [r["version"] for r in active] == ["m-second"]
            assert saved == 2
        finally:
            await pool.close()
