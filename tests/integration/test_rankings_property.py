"""No ranking ever holds a rejected or withdrawn project, however the projects' events
interleave and split into batches.

Scoring's real inbox handlers run against real PostgreSQL (a schema of this test's own). Several
projects' registrations, updates (sound or rejected) and withdrawals arrive in any order and any
batch split; after every batch the rankings hold no project whose withdrawal scoring has read and
no rejected score, the rejected listing holds only rejected, not withdrawn projects, and at the
end each project sits exactly where its life says.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring.app as scoring_app
from deploy.local.infra import InfraInfo
from schemas.envelope import EventData
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectWithdrawn
from schemas.topics import PROJECTS
from scoring import repository
from scoring.config import ScoringSettings
from scoring.context import ScoringContext
from scoring.estimate.factors import load_factor_sets
from scoring.handlers import project_handlers
from servicekit.db import create_pool
from servicekit.inbox import Delivered, InboxConsumer
from servicekit.rls import SYSTEM, act_for
from tests.support.deliveries import delivered, in_batches
from tests.support.samples import data_centre_body
from tests.support.scratch_schema import scratch_schema

pytestmark = pytest.mark.integration
NOT_IMPROVED = {"it_load_kw": 5000.0, "pue_before": 1.5, "pue_after": 1.5}  # rejected
T0 = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Life:
    """One project's life: whether each version is rejected, and whether it is withdrawn."""

    project_id: uuid.UUID
    rejected_versions: tuple[bool, ...]
    withdrawn: bool


@dataclass
class Scoring:
    pool: asyncpg.Pool
    inbox: InboxConsumer


@pytest.fixture(scope="module")
async def scoring_world(infra: InfraInfo) -> AsyncIterator[Scoring]:
    async with AsyncExitStack() as stack:
        schema = await stack.enter_async_context(
            scratch_schema(infra.database_url, "rank_scoring", Path(scoring_app.__file__).parent)
        )
        pool = await create_pool(infra.database_url, schema, min_size=1, max_size=2)
        stack.push_async_callback(pool.close)
        config = ScoringSettings().model_copy(update={"model_min_projects": 10**9})  # no retrain
        async with pool.acquire() as con, con.transaction():
            await act_for(con, SYSTEM, None)
            sets = list(load_factor_sets(config.factor_set_dir).values())
            await repository.sync_factor_sets(con, sets)
        handlers = project_handlers(ScoringContext(), config)
        inbox = InboxConsumer(
            "scoring-projects", "scoring", pool, cast(Any, None), cast(Any, None), handlers
        )
        yield Scoring(pool, inbox)


def _events(life: Life) -> list[Delivered]:
    enterprise = uuid.uuid4()
    events: list[EventData] = []
    for version, rejected in enumerate(life.rejected_versions, start=1):
        kind = ProjectRegistered if version == 1 else ProjectUpdated
        body = data_centre_body(activity=NOT_IMPROVED) if rejected else data_centre_body()
        events.append(
            kind.model_validate(
                body
                | {"project_id": life.project_id, "enterprise_id": enterprise}
                | {"version": version, "family": "data_centre"}
                | {"recorded_at": T0 + timedelta(minutes=version)}
            )
        )
    if life.withdrawn:
        events.append(
            ProjectWithdrawn(
                project_id=life.project_id,
                enterprise_id=enterprise,
                version=len(life.rejected_versions),
                withdrawn_at=T0 + timedelta(hours=1),
            )
        )
    return [delivered(e, PROJECTS.name, "greenlink/registry", n) for n, e in enumerate(events)]


async def _lists(pool: asyncpg.Pool, ids: set[uuid.UUID]) -> tuple[set[Any], list[Any]]:
    async with pool.acquire() as con, con.transaction():
        await act_for(con, SYSTEM, None)
        ranked = {r["project_id"] for r in await repository.current_scores(con)} & ids
        rejected = [
            r
            for r in await repository.rejected_scores(con, None, None, 0, 100_000)
            if r["project_id"] in ids
        ]
        flagged = await con.fetch(
            "SELECT project_id FROM scores WHERE project_id = ANY($1::uuid[])"
            " AND current AND rejected",
            list(ranked),
        )
    assert not flagged, "a rejected score is ranked"
    return ranked, rejected


lives = st.lists(
    st.tuples(st.lists(st.booleans(), min_size=1, max_size=3), st.booleans()),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shapes=lives, data=st.data())
async def test_no_ranking_ever_holds_a_rejected_or_withdrawn_project(
    scoring_world: Scoring, shapes: list[tuple[list[bool], bool]], data: st.DataObject
) -> None:
    projects = [Life(uuid.uuid4(), tuple(r), w) for r, w in shapes]
    ids = {p.project_id for p in projects}
    events = [e for p in projects for e in _events(p)]
    order = data.draw(st.permutations(events), label="delivery order")
    cuts = data.draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
    withdrawn_seen: set[uuid.UUID] = set()
    for batch in in_batches(order, cuts):
        await scoring_world.inbox._apply(batch)
        withdrawn_seen |= {e.data.project_id for e in batch if isinstance(e.data, ProjectWithdrawn)}
        ranked, rejected = await _lists(scoring_world.pool, ids)
        assert not ranked & withdrawn_seen, "a withdrawn project is ranked"
        assert not {r["project_id"] for r in rejected} & withdrawn_seen
        assert all(any(f["severity"] == "reject" for f in r["flags"]) for r in rejected)

    ranked, rejected = await _lists(scoring_world.pool, ids)
    listed_apart = {r["project_id"] for r in rejected}
    for p in projects:
        # The newest version wins whatever order the versions arrived in.
        expect_ranked = not p.withdrawn and not p.rejected_versions[-1]
        expect_apart = not p.withdrawn and p.rejected_versions[-1]
        assert (p.project_id in ranked) == expect_ranked, p
        assert (p.project_id in listed_apart) == expect_apart, p
