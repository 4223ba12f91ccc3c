"""Row-level security holds even when a query forgets its tenant filter.

Every query here is deliberately careless (no WHERE on the tenant) and runs on a connection
acting as one enterprise or lender; PostgreSQL itself must keep the other tenant's rows out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import asyncpg
import pytest

from audit.handlers import record
from deploy.local.infra import InfraInfo
from schemas.envelope import Envelope, EventData
from servicekit.auth import Principal, Role
from servicekit.db import Connection, create_pool
from servicekit.kafka_access import KafkaAccess
from servicekit.rls import SYSTEM, act_as, act_for, acting_as
from tests.security.matching_matrix import lending
from tests.security.matrix import SeedContext, Tenant
from tests.security.registry_matrix import enrolled
from tests.security.scoring_matrix import scored
from tests.support.services import RunningService
from tests.unit.audit import samples as ledgered
from tests.unit.audit.samples import Deal

pytestmark = [pytest.mark.security, pytest.mark.integration]

TENANT_TABLES = (
    ("enterprises", "id"),
    ("projects", "enterprise_id"),
    ("intake_jobs", "enterprise_id"),
)


@pytest.fixture(scope="module")
async def pool(infra: InfraInfo, registry: RunningService) -> AsyncIterator[asyncpg.Pool]:
    """The registry schema as the service's own role sees it (registry fixture: migrated)."""
    pool = await create_pool(infra.app_database_url, "registry", min_size=1, max_size=2)
    yield pool
    await pool.close()


@asynccontextmanager
async def _app_pool(infra: InfraInfo, service: RunningService) -> AsyncIterator[asyncpg.Pool]:
    """The service's schema as the services' own role sees it (the fixture migrated it)."""
    pool = await create_pool(
        infra.app_database_url, service.spec.settings.db_schema, min_size=1, max_size=2
    )
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture(scope="module")
async def tenants(registry: RunningService, mint) -> tuple[Tenant, Tenant]:
    return await enrolled(registry.client, mint), await enrolled(registry.client, mint)


def _enterprise(tenant: Tenant) -> Principal:
    return Principal(f"enterprise:{tenant.enterprise_id}", Role.ENTERPRISE, tenant.enterprise_id)


async def _seen(con: Connection, column: str, table: str) -> set[object]:
    """Every value of one column this session is let see, with no filter of its own."""
    return {r[0] for r in await con.fetch(f"SELECT {column} FROM {table}")}


async def _refused(con: Connection, sql: str, *args: object) -> None:
    """The write fails on row security; the surrounding transaction goes on."""
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with con.transaction():
            await con.execute(sql, *args)


@asynccontextmanager
async def _rolled_back(con: Connection) -> AsyncIterator[None]:
    """A transaction undone at the end, so a careless write shows its reach and keeps nothing."""
    tx = con.transaction()
    await tx.start()
    try:
        yield
    finally:
        await tx.rollback()


async def test_a_query_without_a_tenant_filter_returns_only_the_tenants_rows(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, b = tenants
    async with pool.acquire() as con, con.transaction():
        await act_as(con, _enterprise(a))
        for table, owner_column in TENANT_TABLES:
            assert await _seen(con, owner_column, table) == {a.enterprise_id}, table
        projects = await con.fetch("SELECT * FROM registry.projects")
        assert {p["id"] for p in projects} >= {a.objects["project_id"]}
        assert b.objects["project_id"] not in {p["id"] for p in projects}
        versions = await con.fetch("SELECT project_id FROM project_versions")
        assert b.objects["project_id"] not in {v["project_id"] for v in versions}
        errors = await con.fetch("SELECT job_id FROM intake_errors")
        assert {e["job_id"] for e in errors} == {a.objects["job_id"]}


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE projects DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE projects NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY enterprise_own ON projects",
        "SET ROLE greenlink",
    ],
)
async def test_the_services_role_owns_no_table_so_it_cannot_lift_row_security(
    infra: InfraInfo, pool: asyncpg.Pool, statement: str
) -> None:
    if infra.app_database_url == infra.database_url:
        pytest.skip("external PostgreSQL given without a separate MIGRATION_DATABASE_URL")
    role = await pool.fetchrow(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    assert role is not None and not role["rolsuper"] and not role["rolbypassrls"]
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await pool.execute(statement)


async def test_a_careless_update_touches_only_the_tenants_rows(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, _ = tenants
    async with pool.acquire() as con, _rolled_back(con):
        await act_as(con, _enterprise(a))
        updated = await con.execute("UPDATE projects SET name = 'renamed by a bug'")
        mine = await con.fetchval("SELECT count(*) FROM projects")
        assert updated == f"UPDATE {mine}"


async def test_writing_a_row_for_another_tenant_is_refused(
    pool: asyncpg.Pool, tenants: tuple[Tenant, Tenant]
) -> None:
    a, b = tenants
    async with pool.acquire() as con, con.transaction():
        await act_as(con, _enterprise(a))
        await _refused(
            con,
            "INSERT INTO intake_jobs (id, enterprise_id, format, status)"
            " VALUES ($1, $2, 'csv', 'queued')",
            uuid.uuid4(),
            b.enterprise_id,
        )
        await _refused(
            con,
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
    assert await _secured_tables(pool) == {
        "enterprises",
        "projects",
        "project_versions",
        "intake_jobs",
        "intake_rows",
        "intake_errors",
    }
    assert not await pool.fetchval("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user")


# -- matching: lenders' rows, and what an enterprise may know about its projects' deals -------

LENDER_TABLES = ("lenders", "mandates", "deals", "feed")
MATCHING_TABLES = {
    "lenders",
    "mandates",
    "mandate_versions",
    "deals",
    "disbursements",
    "repayments",
    "subsidy_claims",
    "feed",
    "ranker_requests",
    "ranker_versions",
    "ranker_lender_models",
    "mandate_sweeps",
}


@pytest.fixture(scope="module")
async def matching_pool(
    infra: InfraInfo, isolated_matching: RunningService
) -> AsyncIterator[asyncpg.Pool]:
    async with _app_pool(infra, isolated_matching) as pool:
        yield pool


@pytest.fixture(scope="module")
async def lenders(
    isolated_matching: RunningService, registry: RunningService, scoring: RunningService, mint
) -> tuple[Tenant, Tenant]:
    """Two lenders with a deal each; A has made an offer and paid it out."""
    ctx = SeedContext(
        {"registry": registry.client, "matching": isolated_matching.client}, mint, KafkaAccess("")
    )
    a, b = await asyncio.gather(lending(ctx), lending(ctx))
    headers = mint("lender", a.lender_id)
    deal_url = f"/v1/deals/{a.objects['deal_id']}"
    deal = (await isolated_matching.client.get(deal_url, headers=headers)).json()
    need, tenor = (deal["matched"]["project"][k] for k in ("financing_need_cny", "tenor_months"))
    offer = {"instrument": "green_loan", "amount_cny": need, "rate_percent": "3.1"}
    for response in (
        {"kind": "offer", **offer, "tenor_months": tenor},
        {"kind": "disbursed", "amount_cny": need, "disbursed_on": "2026-03-01"},
    ):
        answered = await isolated_matching.client.post(
            f"{deal_url}/responses", json={"response": response}, headers=headers
        )
        assert answered.status_code == 201, answered.text
    return a, b


def _lender(tenant: Tenant) -> Principal:
    return Principal(f"lender:{tenant.lender_id}", Role.LENDER, tenant.lender_id)


async def test_a_lenders_query_without_a_tenant_filter_returns_only_its_own_rows(
    matching_pool: asyncpg.Pool, lenders: tuple[Tenant, Tenant]
) -> None:
    a, b = lenders
    async with matching_pool.acquire() as con, con.transaction():
        await act_as(con, _lender(a))
        for table in LENDER_TABLES:
            assert await _seen(con, "lender_id", table) == {a.lender_id}, table
        assert await _seen(con, "mandate_id", "mandate_versions") == {a.objects["mandate_id"]}
        assert await _seen(con, "deal_id", "disbursements") == {a.objects["deal_id"]}
        projects = await _seen(con, "project_id", "projects")
        matched = await _seen(con, "project_id", "deals")
        assert a.objects["project_id"] in projects <= matched
        assert b.objects["project_id"] not in projects


async def test_an_enterprise_sees_its_projects_and_only_the_lenders_that_answered_them(
    matching_pool: asyncpg.Pool, lenders: tuple[Tenant, Tenant]
) -> None:
    a, _ = lenders
    async with matching_pool.acquire() as con, con.transaction():
        await act_for(con, Role.ENTERPRISE, a.enterprise_id)
        assert await _seen(con, "enterprise_id", "projects") == {a.enterprise_id}
        deals = await con.fetch("SELECT deal_id, enterprise_id, state FROM deals")
        assert {d["deal_id"] for d in deals} == {a.objects["deal_id"]}
        assert await _seen(con, "lender_id", "lenders") == {a.lender_id}
        for table in ("mandates", "mandate_versions", "feed"):
            assert await con.fetchval(f"SELECT count(*) FROM {table}") == 0, table
        for table in ("disbursements", "repayments"):  # its own loans' money, nobody else's
            assert await _seen(con, "deal_id", table) <= {a.objects["deal_id"]}, table


async def test_a_careless_update_touches_only_the_lenders_rows(
    matching_pool: asyncpg.Pool, lenders: tuple[Tenant, Tenant]
) -> None:
    a, _ = lenders
    async with matching_pool.acquire() as con, _rolled_back(con):
        await act_as(con, _lender(a))
        for table in ("mandates", "deals", "feed"):
            updated = await con.execute(f"UPDATE {table} SET lender_id = lender_id")
            assert updated == f"UPDATE {await con.fetchval(f'SELECT count(*) FROM {table}')}"
        assert await con.execute("DELETE FROM disbursements") == "DELETE 1"


async def test_writing_a_row_for_another_lender_is_refused(
    matching_pool: asyncpg.Pool, lenders: tuple[Tenant, Tenant]
) -> None:
    a, b = lenders
    forged = (
        ("INSERT INTO feed (lender_id, position, deal_id, event_type, payload)"
         " VALUES ($1, 999999, $2, 'deal.matched.v1', '{}')", b.lender_id, b.objects["deal_id"]),
        ("INSERT INTO mandate_versions (mandate_id, version, event_type, snapshot, recorded_at)"
         " VALUES ($1, 99, 'mandate.updated.v1', '{}', now())", b.objects["mandate_id"]),
        ("INSERT INTO disbursements (deal_id, mandate_id, enterprise_id, city, family, amount_cny,"
         " disbursed_on) VALUES ($1, $2, $3, 'changsha', 'data_centre', 1, now())",
         b.objects["deal_id"], b.objects["mandate_id"], b.enterprise_id),
    )  # fmt: skip
    async with matching_pool.acquire() as con, con.transaction():
        await act_as(con, _lender(a))
        for sql, *args in forged:
            await _refused(con, sql, *args)
        stolen = "UPDATE deals SET state = 'withdrawn' WHERE deal_id = $1"
        assert await con.execute(stolen, b.objects["deal_id"]) == "UPDATE 0"


async def test_matching_readers_see_every_lender_and_the_service_writes(
    matching_pool: asyncpg.Pool, lenders: tuple[Tenant, Tenant]
) -> None:
    a, b = lenders
    both = [a.objects["deal_id"], b.objects["deal_id"]]
    async with matching_pool.acquire() as con:
        assert await con.fetchval("SELECT count(*) FROM deals") == 0
        async with con.transaction():
            await act_for(con, Role.REGULATOR, None)
            seen = await con.fetchval("SELECT count(*) FROM deals WHERE deal_id = ANY($1)", both)
            assert seen == 2
            assert await con.execute("UPDATE deals SET state = state") == "UPDATE 0"
            assert await con.execute("DELETE FROM feed") == "DELETE 0"
        async with _rolled_back(con):
            await act_as(con, SYSTEM)
            touched = await con.execute(
                "UPDATE deals SET state = state WHERE deal_id = ANY($1)", both
            )
            assert touched == "UPDATE 2"


async def test_row_security_is_forced_on_every_matching_tenant_table(
    matching_pool: asyncpg.Pool,
) -> None:
    assert await _secured_tables(matching_pool) == MATCHING_TABLES | {"projects"}


# -- scoring: enterprises read their own projects' scores; only the service writes ---------


@pytest.fixture(scope="module")
async def scoring_pool(
    infra: InfraInfo, isolated_scoring: RunningService
) -> AsyncIterator[asyncpg.Pool]:
    async with _app_pool(infra, isolated_scoring) as pool:
        yield pool


@pytest.fixture(scope="module")
async def scored_tenants(
    isolated_scoring: RunningService, registry: RunningService, mint
) -> tuple[Tenant, Tenant]:
    a, b = await asyncio.gather(
        scored(registry.client, isolated_scoring.client, mint),
        scored(registry.client, isolated_scoring.client, mint),
    )
    return a, b


async def test_an_enterprise_reads_only_its_own_scores_and_writes_none(
    scoring_pool: asyncpg.Pool, scored_tenants: tuple[Tenant, Tenant]
) -> None:
    a, b = scored_tenants
    async with scoring_pool.acquire() as con, con.transaction():
        await act_as(con, _enterprise(a))
        for table in ("scores", "projects"):
            assert await _seen(con, "enterprise_id", table) == {a.enterprise_id}, table
        assert await con.execute("UPDATE scores SET current = current") == "UPDATE 0"
        await _refused(
            con,
            "INSERT INTO projects (project_id, enterprise_id, version, snapshot)"
            " VALUES ($1, $2, 1, '{}')",
            uuid.uuid4(),
            a.enterprise_id,
        )
    async with scoring_pool.acquire() as con, con.transaction():
        await act_for(con, Role.REGULATOR, None)
        seen = await con.fetchval(
            "SELECT count(DISTINCT project_id) FROM scores WHERE project_id = ANY($1)",
            [a.objects["project_id"], b.objects["project_id"]],
        )
        assert seen == 2
        await act_for(con, Role.LENDER, a.enterprise_id)
        assert await con.fetchval("SELECT count(*) FROM scores") == 0


async def test_row_security_is_forced_on_every_scoring_tenant_table(
    scoring_pool: asyncpg.Pool,
) -> None:
    assert await _secured_tables(scoring_pool) == {"projects", "scores"}


async def _secured_tables(pool: asyncpg.Pool) -> set[str]:
    rows = await pool.fetch(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
        " WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
    )
    return {r["relname"] for r in rows if r["relrowsecurity"] and r["relforcerowsecurity"]}


# -- audit: the read models behind a lender's reports and an enterprise's lineage -------------

AUDIT_TABLES = {"projects", "project_scores", "lenders", "deals", "responses"}


@pytest.fixture(scope="module")
async def audit_pool(infra: InfraInfo, audit: RunningService) -> AsyncIterator[asyncpg.Pool]:
    async with _app_pool(infra, audit) as pool:
        yield pool


@pytest.fixture(scope="module")
async def financed(audit_pool: asyncpg.Pool) -> tuple[Deal, Deal]:
    """Two lenders, each with a paid-out deal on its own enterprise's project, ledgered as the
    consumer ledgers them."""
    a, b = (Deal(ledgered.scored(uuid.uuid4(), uuid.uuid4())) for _ in range(2))
    events: list[EventData] = [a.score, b.score, *map(ledgered.lender, (a.lender_id, b.lender_id))]
    events += a.financed("5000000.00", "1.75", date(2026, 3, 1))
    events += b.financed("9000000.00", "1.75", date(2026, 3, 2))
    async with acting_as(audit_pool, SYSTEM) as con:
        await record(con, [(Envelope.wrap(e, source="greenlink/test"), e) for e in events],
                     ledgered.throwaway_anchoring(10_000))  # fmt: skip
    return a, b


async def test_an_audit_lenders_query_without_a_filter_returns_only_its_own_rows(
    audit_pool: asyncpg.Pool, financed: tuple[Deal, Deal]
) -> None:
    a, _ = financed
    async with audit_pool.acquire() as con, con.transaction():
        await act_for(con, Role.LENDER, a.lender_id)
        for table in ("lenders", "deals", "responses"):
            assert await _seen(con, "lender_id", table) == {a.lender_id}, table
        for table in ("projects", "project_scores"):  # the projects it financed, no other
            assert await _seen(con, "project_id", table) == {a.score.project_id}, table


async def test_an_audit_enterprise_sees_only_its_projects_and_no_lender_rows(
    audit_pool: asyncpg.Pool, financed: tuple[Deal, Deal]
) -> None:
    a, _ = financed
    async with audit_pool.acquire() as con, con.transaction():
        await act_for(con, Role.ENTERPRISE, a.score.enterprise_id)
        for table in ("projects", "project_scores"):
            assert await _seen(con, "project_id", table) == {a.score.project_id}, table
        for table in ("lenders", "deals", "responses"):
            assert await con.fetchval(f"SELECT count(*) FROM {table}") == 0, table


async def test_audit_readers_see_every_tenant_and_nobody_named_sees_nothing(
    audit_pool: asyncpg.Pool, financed: tuple[Deal, Deal]
) -> None:
    both = [d.lender_id for d in financed]
    count = "SELECT count(DISTINCT lender_id) FROM responses WHERE lender_id = ANY($1)"
    async with audit_pool.acquire() as con:
        assert await con.fetchval(count, both) == 0
        async with con.transaction():
            await act_for(con, Role.REGULATOR, None)
            assert await con.fetchval(count, both) == 2
            assert await con.execute("UPDATE deals SET withdrawal_reason = 'x'") == "UPDATE 0"


async def test_audit_read_models_are_forced_and_the_ledger_stays_one_unfiltered_chain(
    audit_pool: asyncpg.Pool,
) -> None:
    assert await _secured_tables(audit_pool) == AUDIT_TABLES
    async with audit_pool.acquire() as con, con.transaction():
        await act_for(con, Role.LENDER, uuid.uuid4())
        head = await con.fetchval("SELECT seq FROM ledger_head")
        assert await con.fetchval("SELECT count(*) FROM ledger") == head > 0
