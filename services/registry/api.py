"""Registry HTTP API: parse, authorize, call a handler, shape the response.

Reads run in a transaction acting as the caller (servicekit.rls), so the database's row-level
security agrees with the ownership checks made here.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict

from registry import handlers, intake, repository, upload
from registry.views import (
    Accepted,
    EnterpriseView,
    IntakeJobView,
    ProjectHistoryEntry,
    ProjectView,
    RowErrorView,
    enterprise_view,
    job_view,
    project_view,
)
from schemas.enterprise import EnterpriseSpec
from schemas.fields import LongText
from schemas.project import ProjectSpec
from schemas.vocabulary import City, ProjectFamily, ProjectType
from servicekit.auth import CurrentPrincipal, Principal, Role, require_role, require_tenant
from servicekit.errors import NotFound, Unprocessable
from servicekit.http import Pool
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, next_cursor
from servicekit.rls import acting_as

READERS = (Role.REGULATOR, Role.ADMIN)
OWNER_OR_READERS = (Role.ENTERPRISE, *READERS)
router = APIRouter(prefix="/v1", tags=["registry"])


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText = ""


def _tenant(principal: Principal) -> uuid.UUID:
    return require_tenant(principal, Role.ENTERPRISE)


def _may_read(principal: Principal, owner: uuid.UUID) -> bool:
    """403 for a role with no business here; False for another enterprise's object."""
    require_role(principal, *OWNER_OR_READERS)
    return principal.role in READERS or principal.owns(owner)


@router.post("/enterprises", status_code=status.HTTP_201_CREATED)
async def register_enterprise(
    spec: EnterpriseSpec, principal: CurrentPrincipal, pool: Pool
) -> EnterpriseView:
    """Register the calling enterprise (its id is the token's tenant)."""
    event = await handlers.register_enterprise(pool, spec, _tenant(principal))
    return EnterpriseView(**event.model_dump())


@router.get("/enterprises")
async def list_enterprises(
    principal: CurrentPrincipal,
    pool: Pool,
    limit: Limit = 50,
    after: Cursor = None,
    city: City | None = None,
) -> Page[EnterpriseView]:
    """All enterprises, for regulators and operators."""
    require_role(principal, *READERS)
    async with acting_as(pool, principal) as con:
        rows = await repository.list_enterprises(
            con, city=city, after=decode_cursor(after), limit=limit
        )
    return Page(
        items=[enterprise_view(r) for r in rows],
        next_cursor=next_cursor([r["seq"] for r in rows], limit),
    )


@router.get("/enterprises/{enterprise_id}")
async def get_enterprise(
    enterprise_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool
) -> EnterpriseView:
    """One enterprise: its own record, or any for regulators."""
    if not _may_read(principal, enterprise_id):
        raise NotFound(f"enterprise {enterprise_id} not found", field="enterprise_id")
    async with acting_as(pool, principal) as con:
        row = await repository.fetch_enterprise(con, enterprise_id)
    if row is None:
        raise NotFound(f"enterprise {enterprise_id} not found", field="enterprise_id")
    return enterprise_view(row)


@router.post("/projects", status_code=status.HTTP_201_CREATED)
async def register_project(spec: ProjectSpec, principal: CurrentPrincipal, pool: Pool) -> Accepted:
    """Add a low-carbon project to the carbon-peaking project database."""
    event = await handlers.register_project(pool, spec, _tenant(principal))
    return Accepted(project_id=event.project_id, version=event.version)


@router.get("/projects")
async def list_projects(
    principal: CurrentPrincipal,
    pool: Pool,
    limit: Limit = 50,
    after: Cursor = None,
    city: City | None = None,
    type: ProjectType | None = None,
    family: ProjectFamily | None = None,
    project_status: Annotated[Literal["active", "withdrawn"] | None, Query(alias="status")] = None,
) -> Page[ProjectView]:
    """Projects with filters: an enterprise sees its own, regulators see all."""
    if principal.role not in READERS:
        _tenant(principal)
    async with acting_as(pool, principal) as con:
        rows = await repository.list_projects(
            con,
            enterprise_id=None if principal.role in READERS else principal.tenant,
            city=city,
            type_=type,
            family=family,
            status=project_status,
            after=decode_cursor(after),
            limit=limit,
        )
    return Page(
        items=[project_view(r) for r in rows],
        next_cursor=next_cursor([r["seq"] for r in rows], limit),
    )


async def _readable_project(pool: Pool, project_id: uuid.UUID, principal: Principal) -> ProjectView:
    require_role(principal, *OWNER_OR_READERS)
    async with acting_as(pool, principal) as con:
        row = await repository.fetch_project(con, project_id)
    if row is None or not _may_read(principal, row["enterprise_id"]):
        raise NotFound(f"project {project_id} not found", field="project_id")
    return project_view(row)


@router.get("/projects/{project_id}")
async def get_project(
    project_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool
) -> ProjectView:
    """The current version of one project."""
    return await _readable_project(pool, project_id, principal)


@router.get("/projects/{project_id}/versions")
async def project_versions(
    project_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool
) -> list[ProjectHistoryEntry]:
    """Every version of a project, oldest first."""
    await _readable_project(pool, project_id, principal)
    async with acting_as(pool, principal) as con:
        rows = await repository.project_history(con, project_id)
    return [
        ProjectHistoryEntry(
            version=r["version"],
            event_type=r["event_type"],
            snapshot=r["spec"],
            recorded_at=r["recorded_at"],
        )
        for r in rows
    ]


@router.put("/projects/{project_id}")
async def update_project(
    project_id: uuid.UUID,
    spec: ProjectSpec,
    principal: CurrentPrincipal,
    pool: Pool,
    expected_version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Accepted:
    """Replace the project's description; the change becomes a new version."""
    event = await handlers.update_project(
        pool, project_id, spec, _tenant(principal), expected_version
    )
    return Accepted(project_id=event.project_id, version=event.version)


@router.post("/projects/{project_id}/withdraw")
async def withdraw_project(
    project_id: uuid.UUID, body: Withdrawal, principal: CurrentPrincipal, pool: Pool
) -> Accepted:
    """Take a project off the market; lenders' open deals on it close."""
    event = await handlers.withdraw_project(pool, project_id, body.reason, _tenant(principal))
    return Accepted(project_id=event.project_id, version=event.version)


INTAKE_TYPES = {"application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "text/csv": "csv"}


@router.post(
    "/intake-jobs",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def create_intake_job(
    request: Request, principal: CurrentPrincipal, pool: Pool
) -> IntakeJobView:
    """Upload projects as JSON lines or CSV; rows are checked and registered in the background.

    The body is streamed to a spooled file, never held whole in memory; an enterprise may have
    only a few jobs queued or running at once (429 beyond that, naming the limit).
    """
    tenant = _tenant(principal)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = INTAKE_TYPES.get(content_type)
    if fmt is None:
        raise Unprocessable(
            f"content type must be one of {', '.join(INTAKE_TYPES)}", field="content-type"
        )
    settings = request.app.state.settings
    await intake.check_capacity(pool, tenant, settings.intake_max_running_jobs)
    with await upload.spool(request.stream()) as spooled:
        job_id = await intake.create_job(
            pool, tenant, fmt, spooled, settings.intake_max_running_jobs
        )
    task = asyncio.create_task(
        intake.process_job(
            pool, job_id, settings.intake_chunk_rows, settings.intake_statement_timeout_ms
        )
    )
    request.app.state.intake_tasks.add(task)
    task.add_done_callback(request.app.state.intake_tasks.discard)
    async with acting_as(pool, principal) as con:
        row = await intake.fetch_job(con, job_id)
    assert row is not None
    return job_view(row)


async def _readable_job(pool: Pool, job_id: uuid.UUID, principal: Principal) -> IntakeJobView:
    require_role(principal, *OWNER_OR_READERS)
    async with acting_as(pool, principal) as con:
        row = await intake.fetch_job(con, job_id)
    if row is None or not _may_read(principal, row["enterprise_id"]):
        raise NotFound(f"intake job {job_id} not found", field="job_id")
    return job_view(row)


@router.get("/intake-jobs/{job_id}")
async def get_intake_job(
    job_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool
) -> IntakeJobView:
    """Progress of an upload: rows processed, accepted and rejected."""
    return await _readable_job(pool, job_id, principal)


@router.get("/intake-jobs/{job_id}/errors")
async def intake_job_errors(
    job_id: uuid.UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    limit: Limit = 100,
    after: Cursor = None,
) -> Page[RowErrorView]:
    """Each refused row with its line number and the reason."""
    await _readable_job(pool, job_id, principal)
    async with acting_as(pool, principal) as con:
        rows = await intake.fetch_errors(con, job_id, decode_cursor(after), limit)
    return Page(
        items=[RowErrorView(line=r["line_no"], reason=r["reason"]) for r in rows],
        next_cursor=next_cursor([r["line_no"] for r in rows], limit),
    )
