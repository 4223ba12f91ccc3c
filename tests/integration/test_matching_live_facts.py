"""The facts a mandate re-match reads straight from SQL are the facts matching derives in Python."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest

import matching.app as matching_app
from deploy.local.infra import InfraInfo
from matching.matching.scored import facts_from_scored
from matching.repository import projects as project_store
from schemas.carbon_assets import ExpectedIssuance, VintageIssuance
from schemas.scoring import CarbonReductionField, Flag, FlagSeverity, ProjectScored, Taxonomy
from schemas.vocabulary import City, Instrument, ProjectFamily
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, act_for
from tests.bench.matching_live_facts import bench_live_facts
from tests.support.scratch_schema import scratch_schema
from tests.unit.matching.test_scored import scored_event

pytestmark = pytest.mark.integration

FLAG = Flag(
    code="capacity_factor_high", field="activity.annual_generation_mwh",
    severity=FlagSeverity.WARN, reason="Generation is high for the capacity.",
)  # fmt: skip
REJECT = Flag(
    code="generation_exceeds_capacity", field="annual_generation_mwh",
    severity=FlagSeverity.REJECT, reason="More than capacity x 8,760 h: physically impossible.",
)  # fmt: skip


ISSUANCE = ExpectedIssuance(
    basis="derived", crediting_start=date(2025, 1, 1), crediting_end=date(2026, 12, 31),
    vintages=(VintageIssuance(vintage=2025, tco2e=900), VintageIssuance(vintage=2026, tco2e=900)),
)  # fmt: skip


def _variants() -> list[ProjectScored]:
    """One score per way a fact can differ: flags, missing cost, emission tags, instruments."""
    base = scored_event()
    taxonomy = base.taxonomy.model_copy(update={"high_energy_high_emission": True})
    return [
        base,
        scored_event(project_id=uuid.uuid4(), flags=(FLAG,)),
        scored_event(project_id=uuid.uuid4(), abatement_cost_cny_per_tco2e=None),
        scored_event(project_id=uuid.uuid4(), high_energy_high_emission=True),
        scored_event(project_id=uuid.uuid4(), taxonomy=Taxonomy.model_validate(taxonomy)),
        scored_event(
            project_id=uuid.uuid4(),
            instruments=(Instrument.GREEN_LOAN, Instrument.CARBON_REDUCTION_FACILITY_LOAN),
            taxonomy=base.taxonomy.model_copy(
                update={"carbon_reduction_facility_field": CarbonReductionField.NOT_ELIGIBLE}
            ),
        ),
        scored_event(
            project_id=uuid.uuid4(),
            instruments=(Instrument.GREEN_LOAN, Instrument.CARBON_ASSET_PLEDGE_LOAN),
        ),
        scored_event(
            project_id=uuid.uuid4(),
            instruments=(Instrument.CARBON_ASSET_PLEDGE_LOAN,),
            expected_issuance=ISSUANCE,
        ),
        scored_event(
            project_id=uuid.uuid4(), project_version=3, city=City.YUEYANG,
            family=ProjectFamily.ENERGY_EFFICIENCY,
            instruments=(Instrument.GREEN_BOND, Instrument.CARBON_REDUCTION_FACILITY_LOAN),
            financing_need_cny=Decimal("12345678.91"), score=12.5, annual_tco2e=-3.25,
            tco2e_per_10k_cny=0.001,
        ),
    ]  # fmt: skip


@pytest.fixture
async def pool(infra: InfraInfo) -> AsyncIterator[asyncpg.Pool]:
    package = Path(matching_app.__file__).parent
    async with scratch_schema(infra.database_url, "matching_facts", package) as schema:
        pool = await create_pool(infra.database_url, schema, min_size=1, max_size=2)
        try:
            yield pool
        finally:
            await pool.close()


async def test_live_facts_read_in_sql_equal_the_facts_of_the_parsed_scores(
    pool: asyncpg.Pool,
) -> None:
    scores = _variants()
    withdrawn = scored_event(project_id=uuid.uuid4())
    rejected = scored_event(project_id=uuid.uuid4(), flags=(FLAG, REJECT))
    stored = [*scores, withdrawn, rejected]
    async with pool.acquire() as con, con.transaction():
        await act_for(con, SYSTEM, None)
        assert len(await project_store.keep_newer_scores(con, stored)) == len(stored)
        await project_store.withdraw_projects(con, [withdrawn.project_id])
        facts = {f.project_id: f for f in await project_store.live_project_facts(con)}
        whole = await project_store.live_scores(con, [s.project_id for s in stored])
    assert facts == {s.project_id: facts_from_scored(s) for s in scores}
    assert whole == {s.project_id: s for s in scores}


async def test_a_withdrawal_waits_for_a_rematch_opening_deals_on_the_project(
    pool: asyncpg.Pool,
) -> None:
    """A re-match holds the scores it opens deals from until commit, so a concurrent
    withdrawal (another consumer process) sees those deals and withdraws them."""
    score = scored_event(project_id=uuid.uuid4())
    async with pool.acquire() as con, con.transaction():
        await act_for(con, SYSTEM, None)
        await project_store.keep_newer_scores(con, [score])
    async with pool.acquire() as rematch, pool.acquire() as withdrawal:
        async with rematch.transaction():
            await act_for(rematch, SYSTEM, None)
            assert list(await project_store.live_scores(rematch, [score.project_id]))
            with pytest.raises(asyncpg.exceptions.LockNotAvailableError):
                async with withdrawal.transaction():
                    await act_for(withdrawal, SYSTEM, None)
                    await withdrawal.execute("SET LOCAL lock_timeout = '300ms'")
                    await project_store.withdraw_projects(withdrawal, [score.project_id])
        async with withdrawal.transaction():
            await act_for(withdrawal, SYSTEM, None)
            await project_store.withdraw_projects(withdrawal, [score.project_id])
            assert await project_store.live_scores(withdrawal, [score.project_id]) == {}


async def test_the_live_facts_benchmark_reads_every_stored_project_both_ways(
    infra: InfraInfo,
) -> None:
    result = await bench_live_facts(infra.database_url, projects=300)
    assert result.projects == 300 and result.columns_s > 0 and result.parse_s > 0
