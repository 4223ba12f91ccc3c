"""Scoring's reactions to project events and its commands: score, retrain, rescore."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial

from schemas.project import ProjectRegistered, ProjectUpdated, ProjectVersion, ProjectWithdrawn
from schemas.scoring import ProjectScored
from scoring import repository
from scoring.config import ScoringSettings
from scoring.context import Active, ScoringContext
from scoring.events import scored_event
from scoring.plausibility.intensity import IntensityRow
from scoring.plausibility.peer_model import train
from scoring.score.batch import Unscorable, score_batch
from servicekit.consumers import Batch, HandlerTable, on
from servicekit.db import Connection
from servicekit.outbox import enqueue

log = logging.getLogger(__name__)
SOURCE = "greenlink/scoring"


async def score_versions(
    con: Connection, versions: Sequence[ProjectVersion], active: Active
) -> list[ProjectScored]:
    """Score a batch (vectorized), keep what is new, announce it through the outbox."""
    if not versions:
        return []
    now = datetime.now(UTC)
    outcomes = score_batch(list(versions), active.factors, active.model)
    rows, events = [], {}
    for version, outcome in zip(versions, outcomes, strict=True):
        row = partial(repository.score_row, version, active.factors.id, active.model_version, now)
        if isinstance(outcome, Unscorable):
            rows.append(
                row(
                    score=None,
                    annual_tco2e=None,
                    rejected=False,
                    record=None,
                    unscorable=f"{outcome.field}: {outcome.error}",
                )
            )
            continue
        event = scored_event(version, outcome, now)
        events[version.project_id, version.version] = event
        rows.append(
            row(
                score=event.score,
                annual_tco2e=event.annual_tco2e,
                rejected=outcome.rejected,
                unscorable=None,
                record=event.model_dump(mode="json"),
            )
        )
    new = await repository.save_scores(con, rows)
    fresh = [events[k[0], k[1]] for k in sorted(new, key=str) if (k[0], k[1]) in events]
    await enqueue(con, fresh, source=SOURCE)
    return fresh


def project_handlers(context: ScoringContext, settings: ScoringSettings) -> HandlerTable:
    """Scoring's consumer of the projects topic: new versions are scored, withdrawals kept."""

    async def on_versions(con: Connection, events: Batch[ProjectVersion]) -> None:
        newer = await repository.keep_newer_versions(con, events.data)
        if await _retrain_due(con, settings):
            await repository.lock_models(con)
            # Another replica may have retrained while this one waited for the lock.
            if await _retrain_due(con, settings):
                await retrain_and_rescore(con, context)
                return
        await score_versions(con, newer, await context.active(con))

    async def on_withdrawn(con: Connection, events: Batch[ProjectWithdrawn]) -> None:
        await repository.mark_withdrawn(con, events.data)

    return HandlerTable(
        on(ProjectRegistered, ProjectUpdated, handle=on_versions),
        on(ProjectWithdrawn, handle=on_withdrawn),
    )


async def _retrain_due(con: Connection, settings: ScoringSettings) -> bool:
    """Train once enough peers exist and again as the database grows, up to a size past
    which retraining (a full rescore) is an operator's decision (`POST /v1/models/train`)."""
    count = await repository.count_active_projects(con, at_most=settings.model_auto_max + 1)
    if count < settings.model_min_projects or count > settings.model_auto_max:
        return False
    trained_on = await repository.model_training_rows(con)
    return trained_on == 0 or count >= trained_on * settings.model_retrain_growth


async def _all_active(con: Connection, chunk: int = 5000) -> list[ProjectVersion]:
    versions: list[ProjectVersion] = []
    after: uuid.UUID | None = None
    while rows := await repository.active_snapshots(con, after, chunk):
        versions.extend(ProjectVersion.model_validate(r["snapshot"]) for r in rows)
        after = rows[-1]["project_id"]
    return versions


async def retrain_and_rescore(con: Connection, context: ScoringContext) -> int:
    """Fit a new peer model from every active project, then rescore them all with it."""
    active = await context.active(con)
    versions = await _all_active(con)
    first = score_batch(versions, active.factors, None)
    rows = [
        IntensityRow.of(v, o.annual_tco2e)
        for v, o in zip(versions, first, strict=True)
        if not isinstance(o, Unscorable)
    ]
    model = train(rows)
    await repository.save_model(con, model.version, model.to_bytes(), len(rows))
    log.info("plausibility model trained", extra={"model": model.version, "rows": len(rows)})
    return len(await score_versions(con, versions, await context.active(con)))


async def rescore_all(con: Connection, context: ScoringContext) -> int:
    """Rescore every active project with what is active now (after a factor-set change)."""
    versions = await _all_active(con)
    return len(await score_versions(con, versions, await context.active(con)))
