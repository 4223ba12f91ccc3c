"""Reading every live project for a mandate re-match: fact columns beside parsing each score.

A mandate change re-matches every live project, so this read bounds how fast a feed follows
a mandate edit. The baseline parses each stored `project.scored.v1` snapshot, as a re-match
would without the generated fact columns.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import matching.app
from matching.matching.project_facts import ProjectFacts
from matching.repository import projects as project_store
from schemas.scoring import (
    CarbonReductionField,
    Flag,
    FlagSeverity,
    ProjectScored,
    ScoreComponents,
    Taxonomy,
    TraceItem,
)
from schemas.vocabulary import FAMILY_OF_TYPE
from servicekit.db import Executor, create_pool
from servicekit.rls import SYSTEM, act_for
from tests.support.matching_samples import enterprise_pool, synthetic_project
from tests.support.scratch_schema import scratch_schema

PACKAGE_DIR = Path(matching.app.__file__).parent
SCORED_AT = datetime(2026, 1, 5, tzinfo=UTC)
TYPE_OF_FAMILY = {family: kind for kind, family in FAMILY_OF_TYPE.items()}
# A calculation trace as long as a real one: it is what makes stored snapshots large.
TRACE = tuple(
    TraceItem(name=f"input_{i}", value=float(i), unit="MWh", source="synthetic benchmark input")
    for i in range(24)
)
FLAG = Flag(code="synthetic", field="activity", severity=FlagSeverity.WARN, reason="benchmark flag")


@dataclass(frozen=True)
class LiveFactsBench:
    projects: int
    columns_s: float
    parse_s: float

    @property
    def speedup(self) -> float:
        return self.parse_s / self.columns_s


def scored_of(p: ProjectFacts) -> ProjectScored:
    """A full `project.scored.v1` whose facts are `p`."""
    return ProjectScored(
        project_id=p.project_id, enterprise_id=p.enterprise_id, project_version=p.project_version,
        project_name="benchmark project", type=TYPE_OF_FAMILY[p.family], family=p.family,
        city=p.city, instruments=tuple(sorted(p.instruments)),
        financing_need_cny=p.financing_need_cny, capex_cny=p.capex_cny,
        tenor_months=p.tenor_months, lifetime_years=20,
        high_energy_high_emission=p.high_energy_high_emission, annual_tco2e=p.annual_tco2e,
        lifetime_tco2e=p.annual_tco2e * 20, tco2e_per_10k_cny=p.tco2e_per_10k_cny,
        abatement_cost_cny_per_tco2e=p.abatement_cost_cny_per_tco2e, data_quality_tier=3,
        score=p.score,
        score_components=ScoreComponents(
            reduction_intensity=0.5, cost_effectiveness=0.5, data_quality=0.5,
            flag_penalty_points=0,
        ),
        taxonomy=Taxonomy(
            catalogue_category_code="3", catalogue_category="清洁能源产业",
            catalogue_code_path="3.2", catalogue_item="benchmark", icma_category=None,
            carbon_reduction_facility_field=CarbonReductionField.NOT_ELIGIBLE,
        ),
        flags=(FLAG,) if p.plausibility_flagged else (), methodology_id="benchmark",
        methodology_version="1", factor_set_id="benchmark", factor_set_version=1, trace=TRACE,
        scored_at=SCORED_AT,
    )  # fmt: skip


async def _parse_every_snapshot(con: Executor) -> int:
    rows = await con.fetch("SELECT scored FROM projects WHERE NOT withdrawn")
    return len([ProjectScored.model_validate(r["scored"], extra="ignore") for r in rows])


async def bench_live_facts(
    database_url: str, projects: int = 50_000, seed: int = 5
) -> LiveFactsBench:
    """Store `projects` scores in a schema of its own, then time both ways of reading them."""
    rng, enterprises = random.Random(seed), enterprise_pool(500, seed)
    async with scratch_schema(database_url, "matching_bench", PACKAGE_DIR) as schema:
        pool = await create_pool(database_url, schema, min_size=1, max_size=1)
        try:
            async with pool.acquire() as con:
                for at in range(0, projects, 5_000):
                    batch = [
                        scored_of(synthetic_project(rng, enterprises))
                        for _ in range(min(5_000, projects - at))
                    ]
                    async with con.transaction():
                        await act_for(con, SYSTEM, None)
                        await project_store.keep_newer_scores(con, batch)
                async with con.transaction():
                    await act_for(con, SYSTEM, None)
                    started = time.perf_counter()
                    read = len(await project_store.live_project_facts(con))
                    columns_s = time.perf_counter() - started
                    started = time.perf_counter()
                    parsed = await _parse_every_snapshot(con)
                    parse_s = time.perf_counter() - started
        finally:
            await pool.close()
    if read != parsed:
        raise RuntimeError(f"read {read} facts but parsed {parsed} snapshots")
    return LiveFactsBench(read, columns_s, parse_s)
