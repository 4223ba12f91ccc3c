"""Withdrawal wins, and no rejected or withdrawn project is ever live, however a project's events
interleave across topics and batches.

The real inbox handlers of scoring and matching run against real PostgreSQL. Scoring reads the
projects topic in any order (outbox relays running in parallel can overtake each other) and in
any batch split; matching reads the scores scoring produced and the withdrawal in any
interleaving, with mandate re-matches in between. After every step: no score leaves scoring once
it has taken the withdrawal in, no deal opens once matching has, no deal of the project stays
open after it, and no feed entry, open deal or allocation-plan input ever holds a rejected version.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matching.app as matching_app
import scoring.app as scoring_app
from deploy.local.infra import InfraInfo
from matching import handlers as matching_handlers
from matching.lending.mandates import Mandate
from matching.mandate_sweeps import rematch_now
from matching.repository import deals as deal_store
from matching.repository.book_keeper import BookKeeper
from schemas.envelope import Envelope, EventData
from schemas.lending import LenderSpec, MandateSpec
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectWithdrawn
from schemas.scoring import ProjectScored
from schemas.topics import PROJECTS, SCORES
from scoring import repository as scoring_repository
from scoring.config import ScoringSettings
from scoring.context import ScoringContext
from scoring.estimate.factors import load_factor_sets
from scoring.handlers import project_handlers
from servicekit.db import create_pool
from servicekit.inbox import Delivered, InboxConsumer
from servicekit.rls import SYSTEM, act_for
from tests.support.deliveries import delivered, in_batches
from tests.support.samples import data_centre_body, lender_body, mandate_body
from tests.support.scratch_schema import scratch_schema

pytestmark = pytest.mark.integration

NOT_IMPROVED = {"it_load_kw": 5000.0, "pue_before": 1.5, "pue_after": 1.5}  # rejected, 0 tCO2e
T0 = datetime(2026, 3, 1, tzinfo=UTC)
OPEN = ("matched", "interested", "offered")


@dataclass
class World:
    scoring_pool: asyncpg.Pool
    matching_pool: asyncpg.Pool
    scoring_inbox: InboxConsumer
    matching_inbox: InboxConsumer
    mandate: Mandate


def _inbox(name: str, pool: asyncpg.Pool, handlers: Any) -> InboxConsumer:
    """The real inbox (dedupe, runs by type, one transaction per batch) without a broker."""
    return InboxConsumer(name, name, pool, cast(Any, None), cast(Any, None), handlers)


@pytest.fixture(scope="module")
async def world(infra: InfraInfo) -> AsyncIterator[World]:
    url = infra.database_url
    async with AsyncExitStack() as stack:
        pools = []
        for prefix, app in (("wins_scoring", scoring_app), ("wins_matching", matching_app)):
            schema = await stack.enter_async_context(
                scratch_schema(url, prefix, Path(str(app.__file__)).parent)
            )
            pool = await create_pool(url, schema, min_size=1, max_size=3)
            stack.push_async_callback(pool.close)
            pools.append(pool)
        scoring_pool, matching_pool = pools
        config = ScoringSettings().model_copy(update={"model_min_projects": 10**9})  # no retrain
        async with scoring_pool.acquire() as con, con.transaction():
            await act_for(con, SYSTEM, None)
            sets = list(load_factor_sets(config.factor_set_dir).values())
            await scoring_repository.sync_factor_sets(con, sets)
        scoring_inbox = _inbox(
            "scoring-projects", scoring_pool, project_handlers(ScoringContext(), config)
        )
        matching_inbox = _inbox(
            "matching-deals", matching_pool, matching_handlers.consumer_handlers(BookKeeper())
        )
        lender = uuid.uuid4()
        await matching_handlers.register_lender(
            matching_pool, LenderSpec.model_validate(lender_body()), lender
        )
        # Takes any score and excludes nothing: only the platform's own gates keep projects out.
        spec = MandateSpec.model_validate(mandate_body(min_score=0, exclusions=[]))
        mandate = await matching_handlers.register_mandate(matching_pool, spec, lender)
        yield World(scoring_pool, matching_pool, scoring_inbox, matching_inbox, mandate)


def _registry_events(
    project_id: uuid.UUID, rejected_versions: Sequence[bool], withdrawn: bool
) -> list[Delivered]:
    """What the registry commits, in its order: versions 1..n, then maybe the withdrawal."""
    enterprise = uuid.uuid4()
    events: list[EventData] = []
    for version, rejected in enumerate(rejected_versions, start=1):
        kind = ProjectRegistered if version == 1 else ProjectUpdated
        body = data_centre_body(activity=NOT_IMPROVED) if rejected else data_centre_body()
        events.append(
            kind.model_validate(
                body
                | {"project_id": project_id, "enterprise_id": enterprise, "version": version}
                | {"family": "data_centre", "recorded_at": T0 + timedelta(minutes=version)}
            )
        )
    if withdrawn:
        events.append(
            ProjectWithdrawn(
                project_id=project_id,
                enterprise_id=enterprise,
                version=len(rejected_versions),
                reason="the enterprise withdrew the project",
                withdrawn_at=T0 + timedelta(hours=1),
            )
        )
    return [delivered(e, PROJECTS.name, "greenlink/registry", n) for n, e in enumerate(events)]


async def _emitted_scores(pool: asyncpg.Pool, project_id: uuid.UUID) -> list[ProjectScored]:
    rows = await pool.fetch(
        "SELECT payload FROM outbox WHERE aggregate_id = $1 AND type = $2 ORDER BY seq",
        str(project_id),
        ProjectScored.event_type,
    )
    return [
        ProjectScored.model_validate(Envelope.from_bytes(bytes(r["payload"])).data) for r in rows
    ]


@dataclass(frozen=True)
class Seen:
    """What matching holds about the project after a step."""

    deal_ids: frozenset[uuid.UUID]
    open_deals: int
    withdrawn: bool
    rejected: bool
    rejected_in_feed: int
    planned: int


async def _look(pool: asyncpg.Pool, project_id: uuid.UUID) -> Seen:
    async with pool.acquire() as con, con.transaction():
        await act_for(con, SYSTEM, None)
        deals = await con.fetch(
            "SELECT deal_id, state FROM deals WHERE project_id = $1", project_id
        )
        row = await con.fetchrow(
            "SELECT withdrawn, scored->'flags' @> '[{\"severity\": \"reject\"}]' AS rejected"
            " FROM projects WHERE project_id = $1",
            project_id,
        )
        rejected_in_feed = await con.fetchval(
            "SELECT count(*) FROM feed WHERE event_type = 'deal.matched.v1'"
            " AND payload->>'project_id' = $1"
            " AND payload->'project'->'flags' @> '[{\"severity\": \"reject\"}]'",
            str(project_id),
        )
        planned = await deal_store.open_deals(con, None)  # the allocation plan's input
    return Seen(
        frozenset(r["deal_id"] for r in deals),
        sum(r["state"] in OPEN for r in deals),
        bool(row and row["withdrawn"]),
        bool(row and row["rejected"]),
        rejected_in_feed,
        sum(r["project_id"] == project_id for r in planned),
    )


def _check(seen: Seen, deals_at_withdrawal: frozenset[uuid.UUID] | None) -> None:
    if deals_at_withdrawal is not None:
        assert seen.deal_ids == deals_at_withdrawal, "a deal opened after the withdrawal"
    if seen.withdrawn or seen.rejected:
        assert seen.open_deals == 0, "a withdrawn or rejected project kept open deals"
        assert seen.planned == 0, "an allocation plan held a withdrawn or rejected project"
    assert seen.rejected_in_feed == 0, "a rejected version reached a feed"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rejected_versions=st.lists(st.booleans(), min_size=1, max_size=3),
    withdrawn=st.booleans(),
    data=st.data(),
)
async def test_withdrawal_wins_and_no_feed_or_plan_holds_a_rejected_or_withdrawn_project(
    world: World, rejected_versions: list[bool], withdrawn: bool, data: st.DataObject
) -> None:
    project_id = uuid.uuid4()
    registry = _registry_events(project_id, rejected_versions, withdrawn)

    # Scoring: the projects topic in any order and batch split.
    order = data.draw(st.permutations(registry), label="scoring order")
    cuts = data.draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
    emitted_before_withdrawal: int | None = None
    for chunk in in_batches(order, cuts):
        await world.scoring_inbox._apply(chunk)
        if any(isinstance(e.data, ProjectWithdrawn) for e in chunk):
            emitted_before_withdrawal = len(await _emitted_scores(world.scoring_pool, project_id))
    scores = await _emitted_scores(world.scoring_pool, project_id)
    if emitted_before_withdrawal is not None:
        assert len(scores) == emitted_before_withdrawal, "scoring scored after the withdrawal"

    # Matching: the scores (in their topic's order), the withdrawal and re-matches, interleaved.
    tokens = ["score"] * len(scores) + ["withdrawal"] * withdrawn
    tokens += ["rematch"] * data.draw(st.integers(0, 2), label="re-matches")
    steps = data.draw(st.permutations(tokens), label="matching order")
    cuts = data.draw(st.lists(st.booleans(), min_size=len(steps), max_size=len(steps)))
    pending = [delivered(s, SCORES.name, "greenlink/scoring", n) for n, s in enumerate(scores)]
    withdrawal = [e for e in registry if isinstance(e.data, ProjectWithdrawn)]
    deals_at_withdrawal: frozenset[uuid.UUID] | None = None
    batch: list[Delivered] = []
    for step, cut in zip(steps, cuts, strict=True):
        if step == "score":
            batch.append(pending.pop(0))
            if not cut:
                continue  # more scores of this partition may join the batch
        if batch:
            await world.matching_inbox._apply(batch)
            batch = []
        if step == "withdrawal":
            await world.matching_inbox._apply(withdrawal)
        elif step == "rematch":
            await rematch_now(world.matching_pool, world.mandate.mandate_id)
        seen = await _look(world.matching_pool, project_id)
        if step == "withdrawal":
            deals_at_withdrawal = seen.deal_ids
        _check(seen, deals_at_withdrawal)
    if batch:
        await world.matching_inbox._apply(batch)
    final = await _look(world.matching_pool, project_id)
    _check(final, deals_at_withdrawal)
    assert final.withdrawn == withdrawn
    if not withdrawn and not rejected_versions[-1]:
        assert final.open_deals >= 1  # the sound latest version is live: the gates are not blanket
