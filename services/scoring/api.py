"""Scoring HTTP API: scores with their trace, rankings, methodologies, factor sets, estimates.

Who may call each endpoint is a named policy (servicekit.policies). Reads run on a connection
acting as the caller (servicekit.http_deps), so row-level security agrees with the checks made
here. Operators' commands rescore every tenant's projects: the service does that work as
itself (`ServiceConnection`) once the admin policy has admitted the caller.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

from asyncpg import Record
from fastapi import APIRouter, Depends, Path, Query

from schemas.project import ProjectSpec, ProjectVersion
from schemas.scoring import Flag
from schemas.vocabulary import FAMILY_OF_TYPE, City, ProjectType
from scoring import handlers, repository
from scoring.context import ScoringContext
from scoring.estimate.catalogue import MethodologyInfo, catalogue
from scoring.estimate.errors import ActivityDataError
from scoring.events import scored_event
from scoring.score.batch import score_one
from scoring.score.ranking import rank
from scoring.views import (
    Estimate,
    FactorSetView,
    RankedProject,
    RejectedProject,
    RescoreResult,
    ScoreHistoryEntry,
    ScoreView,
    Standing,
)
from servicekit.errors import NotFound, Unprocessable
from servicekit.http import Pool
from servicekit.http_deps import CallerConnection, ServiceConnection, app_state
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from servicekit.policies import ENTERPRISE_READ, Admin, AnyCaller, EnterpriseReader, Reader
from servicekit.rls import SYSTEM, act_as
from servicekit.row_views import row_view

router = APIRouter(prefix="/v1", tags=["scoring"])
NIL = uuid.UUID(int=0)
FactorSetId = Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
Context = Annotated[ScoringContext, Depends(app_state("scoring_context", ScoringContext))]


def _status(row: Record) -> str:
    """Only a `scored` project is ranked: withdrawn, unscorable and rejected ones are not."""
    if row["project_status"] == "withdrawn":
        return "withdrawn"
    return "unscorable" if row["unscorable"] else "rejected" if row["rejected"] else "scored"


@router.get("/scores/{project_id}")
async def get_score(
    project_id: uuid.UUID,
    principal: EnterpriseReader,
    con: CallerConnection,
    factor_set_id: FactorSetId = None,
) -> ScoreView:
    """A project's current score (or the one made with a given factor set) and its trace."""
    found = await repository.score_of(con, project_id, factor_set_id)
    missing = f"no score for project {project_id}"
    row = ENTERPRISE_READ.row_for(principal, found, "enterprise_id", missing, "project_id")
    status = _status(row)
    standing = None
    if row["current"] and status == "scored":
        # Ranks count every tenant's scores; only the counts leave this transaction.
        await act_as(con, SYSTEM)
        found = await repository.standing_of(con, row["score"], row["type"], row["city"])
        standing = Standing(**dict(found.items())) if found else None
    return row_view(
        ScoreView,
        row,
        status=status,
        unscorable_reason=row["unscorable"],
        standing=standing,
        score=row["record"],
    )


@router.get("/scores/{project_id}/history")
async def score_history(
    project_id: uuid.UUID, principal: EnterpriseReader, con: CallerConnection
) -> list[ScoreHistoryEntry]:
    """Every score a project has had: per version, factor set and model."""
    rows = await repository.score_history(con, project_id)
    latest = await repository.score_of(con, project_id, None)
    owner = latest["enterprise_id"] if latest and rows else None
    ENTERPRISE_READ.reveal(principal, owner, f"no score for project {project_id}", "project_id")
    return [ScoreHistoryEntry(**dict(r.items())) for r in rows]


@router.get("/rankings")
async def rankings(
    principal: Reader,
    con: CallerConnection,
    limit: Limit = 50,
    after: Cursor = None,
    type: ProjectType | None = None,
    city: City | None = None,
) -> Page[RankedProject]:
    """Projects ranked by score, best first, with percentiles overall, in type and in city;
    rejected and withdrawn projects are not ranked (see `/v1/rankings/rejected`)."""
    rows = await repository.current_scores(con)
    standings = rank(
        [r["score"] for r in rows], [r["type"] for r in rows], [r["city"] for r in rows]
    )
    order = sorted(
        range(len(rows)), key=lambda i: (standings.rank_overall[i], str(rows[i]["project_id"]))
    )
    chosen = [
        i
        for i in order
        if (type is None or rows[i]["type"] == type) and (city is None or rows[i]["city"] == city)
    ]
    start = decode_cursor(after)
    page = chosen[start : start + limit]
    items = [
        RankedProject(
            project_id=rows[i]["project_id"],
            name=rows[i]["name"],
            type=rows[i]["type"],
            city=rows[i]["city"],
            score=rows[i]["score"],
            annual_tco2e=rows[i]["annual_tco2e"],
            standing=Standing(**asdict(standings.at(i))),
        )
        for i in page
    ]
    more = start + limit < len(chosen)
    return Page(items=items, next_cursor=encode_cursor(start + limit) if more else None)


@router.get("/rankings/rejected")
async def rejected_projects(
    principal: Reader,
    con: CallerConnection,
    limit: Limit = 50,
    after: Cursor = None,
    type: ProjectType | None = None,
    city: City | None = None,
) -> Page[RejectedProject]:
    """Projects whose current score is rejected, newest first, with the reasons: never ranked."""
    start = decode_cursor(after)
    rows = await repository.rejected_scores(con, type, city, start, limit + 1)
    items = [
        RejectedProject(
            project_id=r["project_id"],
            project_version=r["project_version"],
            name=r["name"],
            type=r["type"],
            city=r["city"],
            reasons=[Flag.model_validate(f) for f in r["flags"] or () if f["severity"] == "reject"],
            scored_at=r["scored_at"],
        )
        for r in rows[:limit]
    ]
    more = len(rows) > limit
    return Page(items=items, next_cursor=encode_cursor(start + limit) if more else None)


@router.get("/methodologies")
async def methodologies(principal: AnyCaller) -> list[MethodologyInfo]:
    """Every methodology with its formula, version, source and required activity data."""
    return catalogue()


@router.get("/factor-sets")
async def factor_sets(principal: AnyCaller, pool: Pool) -> list[FactorSetView]:
    """Emission-factor sets, each value with its unit and source; one is active."""
    return [
        FactorSetView(id=s.id, version=s.version, active=active, body=s.model_dump(mode="json"))
        for s, active in await repository.factor_sets(pool)
    ]


@router.post("/factor-sets/{factor_set_id}/activate")
async def activate_factor_set(
    factor_set_id: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._-]+$")],
    principal: Admin,
    con: ServiceConnection,
    context: Context,
) -> RescoreResult:
    """Make a factor set active and rescore every active project with it (a replay)."""
    if not await repository.activate_factor_set(con, factor_set_id):
        raise NotFound(f"factor set {factor_set_id!r} not found", field="factor_set_id")
    count = await handlers.rescore_all(con, context)
    active = await context.active(con)
    return RescoreResult(
        rescored=count, factor_set_id=active.factors.id, model_version=active.model_version
    )


@router.post("/models/train")
async def train_model(principal: Admin, con: ServiceConnection, context: Context) -> RescoreResult:
    """Retrain the plausibility model from the database and rescore with it."""
    count = await handlers.retrain_and_rescore(con, context)
    active = await context.active(con)
    return RescoreResult(
        rescored=count, factor_set_id=active.factors.id, model_version=active.model_version
    )


def _spec_path(field: str) -> str:
    """Where an activity-data error's field sits in a project description: `province` and the
    other top-level fields as they are, activity fields under `activity.`."""
    return field if field in ProjectSpec.model_fields else f"activity.{field}"


@router.post("/estimate")
async def estimate(
    spec: ProjectSpec, principal: AnyCaller, pool: Pool, context: Context
) -> Estimate:
    """Score a project description without registering it; impossible claims get a 422."""
    active = await context.active(pool)
    try:
        record = score_one(spec, active.factors, active.model)
    except ActivityDataError as exc:
        raise Unprocessable(str(exc), field=_spec_path(exc.field)) from None
    if record.rejected:
        reasons = "; ".join(f.reason for f in record.flags if f.severity == "reject")
        field = next(f.field for f in record.flags if f.severity == "reject")
        raise Unprocessable(f"implausible claim: {reasons}", field=field)
    version = ProjectVersion(
        **dict(spec),
        project_id=NIL,
        enterprise_id=NIL,
        version=1,
        family=FAMILY_OF_TYPE[spec.type],
        recorded_at=datetime.now(UTC),
    )
    body: dict[str, Any] = scored_event(version, record, datetime.now(UTC)).model_dump(mode="json")
    for key in ("project_id", "enterprise_id", "project_version"):
        body.pop(key)
    return Estimate(score=body)
