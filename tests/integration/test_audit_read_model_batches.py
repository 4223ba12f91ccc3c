"""A batch written to the audit read models with one statement per table leaves exactly what the
same events applied one at a time in ledger order leave: newer versions win, stale ones change
nothing, a deal's first withdrawal stands and an event repeated adds no row."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest

import audit.app as audit_app
from audit.read_model.table_rows import Recorded
from audit.repository import projections as read_model
from deploy.local.infra import InfraInfo
from schemas.deals import DealWithdrawn
from schemas.envelope import EventData
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectWithdrawn
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, acting_for
from tests.support.samples import data_centre_body
from tests.support.scratch_schema import scratch_schema
from tests.unit.audit.samples import T0, Deal, lender, scored

pytestmark = pytest.mark.integration

TABLES = {
    "projects": "project_id",
    "project_scores": "project_id",
    "lenders": "lender_id",
    "deals": "deal_id",
    "responses": "event_id",
}


@pytest.fixture
async def two_pools(infra: InfraInfo) -> AsyncIterator[tuple[asyncpg.Pool, asyncpg.Pool]]:
    package = Path(audit_app.__file__).parent
    async with AsyncExitStack() as stack:
        pools = []
        for prefix in ("audit_batched", "audit_one_by_one"):
            schema = await stack.enter_async_context(
                scratch_schema(infra.database_url, prefix, package)
            )
            pool = await create_pool(infra.database_url, schema, min_size=1, max_size=1)
            stack.push_async_callback(pool.close)
            pools.append(pool)
        yield pools[0], pools[1]


def _version(project_id: uuid.UUID, enterprise: uuid.UUID, version: int, minutes: int) -> EventData:
    kind = ProjectRegistered if version == 1 else ProjectUpdated
    return kind.model_validate(
        data_centre_body(name=f"version {version} at {minutes}")
        | {"project_id": project_id, "enterprise_id": enterprise, "version": version}
        | {"family": "data_centre", "recorded_at": T0 + timedelta(minutes=minutes)}
    )


def _story() -> list[EventData]:
    """Every way one batch can hold more than one event for the same row."""
    enterprise, project, score_only = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    deal = Deal(scored(project, enterprise))
    other = Deal(scored(project, enterprise))
    withdrawn = [
        DealWithdrawn(
            deal_id=deal.deal_id, lender_id=deal.lender_id, mandate_id=deal.mandate_id,
            mandate_version=1, project_id=project, project_version=1,
            reason=reason, withdrawn_at=T0 + timedelta(hours=hours),
        )
        for reason, hours in (("project withdrawn by its owner", 50), ("mandate closed", 60))
    ]  # fmt: skip
    versions = [_version(project, enterprise, v, m) for v, m in ((1, 0), (2, 5), (2, 9), (1, 12))]
    scores = [
        scored(project, enterprise, project_version=v, score=s, scored_at=T0 + timedelta(minutes=m))
        for v, s, m in ((1, 60.0, 1), (2, 70.0, 6), (2, 71.5, 10), (1, 10.0, 13))
    ]
    return [
        *versions,
        *scores,
        scored(score_only, enterprise),
        scored(score_only, enterprise, project_version=2, project_name="renamed"),
        lender(deal.lender_id),
        lender(deal.lender_id),
        *deal.financed("5000000.00", "3.1", T0.date()),
        other.matched(),
        other.matched(),
        *withdrawn,
        ProjectWithdrawn(project_id=project, enterprise_id=enterprise, version=1,
                         withdrawn_at=T0 + timedelta(hours=40)),
        ProjectWithdrawn(project_id=project, enterprise_id=enterprise, version=2,
                         withdrawn_at=T0 + timedelta(hours=41)),
    ]  # fmt: skip


async def _apply(pool: asyncpg.Pool, batches: Sequence[Sequence[Recorded]]) -> None:
    for batch in batches:
        async with acting_for(pool, SYSTEM, None) as con:
            await read_model.apply(con, batch)


async def _tables(pool: asyncpg.Pool) -> dict[str, list[dict[str, object]]]:
    async with acting_for(pool, SYSTEM, None) as con:
        return {
            table: [dict(r) for r in await con.fetch(f"SELECT * FROM {table} ORDER BY {key}")]
            for table, key in TABLES.items()
        }


async def test_a_batch_leaves_the_read_models_as_its_events_one_at_a_time_do(
    two_pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    batched, one_by_one = two_pools
    recorded = [Recorded(seq, uuid.uuid4(), e) for seq, e in enumerate(_story(), start=1)]
    await _apply(batched, [recorded])
    await _apply(one_by_one, [[r] for r in recorded])
    together, alone = await _tables(batched), await _tables(one_by_one)
    assert together == alone
    project = next(r for r in alone["projects"] if r["name"] == "version 2 at 9")
    assert (project["version"], project["status"]) == (2, "withdrawn")
    assert {r["score"] for r in alone["project_scores"]} >= {71.5}
    withdrawn = [r["withdrawal_reason"] for r in alone["deals"] if r["withdrawn_at"]]
    assert withdrawn == ["project withdrawn by its owner"]
    assert len(alone["lenders"]) == 1 and len(alone["responses"]) == 3
