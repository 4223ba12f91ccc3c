"""What the bulk pipeline benchmark runs against: a database of its own and a named mandate
book, registered through the matching API as lenders would."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from deploy.local.infra import InfraInfo
from tests.bench.mandate_books import MANDATES_PER_LENDER, MandateBook
from tests.bench.scratch_database import on_database, scratch_database
from tests.support.processes import ServiceProcess, free_port

SCRATCH = "greenlink_test_scratch"


async def _as_system(url: str, sql: str) -> list[asyncpg.Record]:
    con = await asyncpg.connect(url)
    try:
        async with con.transaction():
            await con.execute("SELECT set_config('app.role', 'system', true)")
            return list(await con.fetch(sql))
    finally:
        await con.close()


async def _databases(url: str) -> set[str]:
    con = await asyncpg.connect(url)
    try:
        return {r["datname"] for r in await con.fetch("SELECT datname FROM pg_database")}
    finally:
        await con.close()


def test_on_database_moves_only_the_path_of_a_url() -> None:
    moved = on_database("postgresql://u:p%40ss@127.0.0.1:5433/greenlink?sslmode=disable", "x")
    assert moved == "postgresql://u:p%40ss@127.0.0.1:5433/x?sslmode=disable"


def test_a_synthetic_book_is_registered_in_a_database_of_the_run_and_dropped_after(
    infra: InfraInfo, jwks_path: Path
) -> None:
    env = infra.environment() | {"GREENLINK_JWKS_PATH": str(jwks_path), "GREENLINK_ENV": "test"}
    book = MandateBook(synthetic=MANDATES_PER_LENDER + 20)
    with scratch_database(env, SCRATCH) as run_env:
        assert run_env["DATABASE_URL"].endswith(f"/{SCRATCH}")
        api = ServiceProcess("matching", "api", run_env, port=free_port()).start()
        try:
            assert book.register(api.url) == MANDATES_PER_LENDER + 20
        finally:
            api.stop()
        owner = run_env["MIGRATION_DATABASE_URL"]
        rows = asyncio.run(
            _as_system(owner, "SELECT lender_id, count(*) AS n FROM matching.mandates GROUP BY 1")
        )
        assert sorted(r["n"] for r in rows) == [20, MANDATES_PER_LENDER]
        assert SCRATCH in asyncio.run(_databases(infra.database_url))
    assert SCRATCH not in asyncio.run(_databases(infra.database_url))
    # the development database holds none of the run's mandates
    lenders = {str(r["lender_id"]) for r in rows}
    kept = asyncio.run(_as_system(infra.database_url, "SELECT lender_id FROM matching.mandates"))
    assert lenders.isdisjoint(str(r["lender_id"]) for r in kept)


def test_the_seeded_book_is_named_for_the_seeds_and_a_synthetic_one_by_its_size() -> None:
    assert MandateBook().name == "seeded mandates"
    assert MandateBook(synthetic=10_000).name == "10,000 synthetic mandates"
