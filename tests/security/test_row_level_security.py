"""Row-level security holds even when a query forgets its tenant filter.

Every query here is deliberately careless (no WHERE on the tenant) and runs on a connection
acting as one enterprise; PostgreSQL itself must keep the other enterprise's rows out.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from deploy.local.infra import InfraInfo
from servicekit.auth import Principal, Role
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, act_as, act_for
from tests.security.matrix import Tenant
from tests.security.registry_matrix import enrolled
from tests.support.services import RunningService

pytestmark = [pytest.mark.security, pytest.mark.integration]

TENANT_TABLES = (
    ("enterprises", "id"),
    ("projects", "enterprise_id"),
    ("intake_jobs", "enterprise_id"),
)


@pytest.fixture(scope="module")
async def pool(infra: InfraInfo, registry: RunningService) -> AsyncIterator[asyncpg.Pool]:
    """The registry schema as the service's own role sees it (registry fixture: migrated)."""
    pool = await create_pool(infra.database_url, "registry", min_size=1, max_size=2)
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
async def tenants(registry: RunningService, mint) -> tuple[Tenant, Tenant]:
    return await enrolled(registry.client, mint), await enrolled(registry.client, mint)


def _enterprise(tenant: Tenant) -> Principal:
    return Principal(f"enterprise:{tenant.enterprise_id}", Role.ENTERPRISE, tenant.enterprise_id)


async def test_a_query_without_a_tenant_filter_returns_only_the_tenants_rows(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, b = tenants
    async with pool.acquire() as con, con.transaction():
        await act_as(con, _enterprise(a))
        for table, owner_column in TENANT_TABLES:
            owners = {r[0] for r in await con.fetch(f"SELECT {owner_column} FROM {table}")}
            assert owners == {a.enterprise_id}, table
        projects = await con.fetch("SELECT * FROM registry.projects")
        assert {p["id"] for p in projects} >= {a.objects["project_id"]}
        assert b.objects["project_id"] not in {p["id"] for p in projects}
        versions = await con.fetch("SELECT project_id FROM project_versions")
        assert b.objects["project_id"] not in {v["project_id"] for v in versions}
        errors = await con.fetch("SELECT job_id FROM intake_errors")
        assert {e["job_id"] for e in errors} == {a.objects["job_id"]}


async def test_a_careless_update_touches_only_the_tenants_rows(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, _ = tenants
    async with pool.acquire() as con:
        tx = con.transaction()
        await tx.start()
        try:
            await act_as(con, _enterprise(a))
            updated = await con.execute("UPDATE projects SET name = 'renamed by a bug'")
            mine = await con.fetchval("SELECT count(*) FROM projects")
            assert updated == f"UPDATE {mine}"
        finally:
            await tx.rollback()


async def test_writing_a_row_for_another_tenant_is_refused(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, b = tenants
    async with pool.acquire() as con, con.transaction():
        await act_as(con, _enterprise(a))
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with con.transaction():
                await con.execute(
                    "INSERT INTO intake_jobs (id, enterprise_id, format, status)"
                    " VALUES ($1, $2, 'csv', 'queued')",
                    uuid.uuid4(),
                    b.enterprise_id,
                )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with con.transaction():
                await con.execute(
                    "INSERT INTO intake_errors (job_id, line_no, reason) VALUES ($1, 99, 'x')",
                    b.objects["job_id"],
                )


async def test_nobody_named_sees_nothing_and_the_setting_ends_with_the_transaction(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, _ = tenants
    async with pool.acquire() as con:
        assert await con.fetchval("SELECT count(*) FROM projects") == 0
        async with con.transaction():
            await act_as(con, _enterprise(a))
            assert await con.fetchval("SELECT count(*) FROM projects") > 0
        assert await con.fetchval("SELECT count(*) FROM projects") == 0
        with pytest.raises(RuntimeError, match="transaction"):
            await act_as(con, _enterprise(a))


async def test_a_regulator_reads_every_tenant_but_writes_nothing(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, b = tenants
    async with pool.acquire() as con, con.transaction():
        await act_for(con, Role.REGULATOR, None)
        ids = {r["id"] for r in await con.fetch("SELECT id FROM projects WHERE id = ANY($1)", [
            a.objects["project_id"], b.objects["project_id"],
        ])}  # fmt: skip
        assert ids == {a.objects["project_id"], b.objects["project_id"]}
        assert await con.execute("UPDATE projects SET name = 'x'") == "UPDATE 0"
        assert await con.execute("DELETE FROM intake_errors") == "DELETE 0"


async def test_a_lender_token_sees_no_registry_rows(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, _ = tenants
    async with pool.acquire() as con, con.transaction():
        await act_for(con, Role.LENDER, a.enterprise_id)
        assert await con.fetchval("SELECT count(*) FROM projects") == 0


async def test_the_service_itself_sees_every_row_for_background_work(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, b = tenants
    async with pool.acquire() as con, con.transaction():
        await act_as(con, SYSTEM)
        found = await con.fetchval(
            "SELECT count(*) FROM intake_jobs WHERE id = ANY($1)",
            [a.objects["job_id"], b.objects["job_id"]],
        )
        assert found == 2


async def test_row_security_is_forced_on_every_tenant_table(pool: asyncpg.Pool) -> None:
    rows = await pool.fetch(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
        " WHERE relnamespace = 'registry'::regnamespace AND relkind = 'r'"
    )
    secured = {r["relname"] for r in rows if r["relrowsecurity"] and r["relforcerowsecurity"]}
    assert secured == {
        "enterprises",
        "projects",
        "project_versions",
        "intake_jobs",
        "intake_rows",
        "intake_errors",
    }
    assert not await pool.fetchval("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user")
