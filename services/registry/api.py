"""Registry HTTP API: parse, authorize, call a handler, shape the response.

Who may call each endpoint is a named policy (servicekit.policies); reads run on a connection
acting as the caller (servicekit.http_deps), so the database's row-level security agrees with
the ownership checks made here.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import asyncpg
from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, ConfigDict

from registry import handlers, intake, repository, upload
from registry.config import RegistrySettings
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
from servicekit.errors import Unprocessable
from servicekit.http import Pool
from servicekit.http_deps import CallerConnection, ExpectedVersion, app_settings, app_state
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, page_of
from servicekit.policies import (
    ENTERPRISE_READ,
    EnterpriseReader,
    OwningEnterprise,
    Readable,
    Reader,
    tenant_of,
)

router = APIRouter(prefix="/v1", tags=["registry"])
OWNER = "enterprise_id"  # the column naming the enterprise that owns a row
ENTERPRISES = Readable(
    "enterprise",
    "enterprise_id",
    ENTERPRISE_READ,
    "id",
    repository.fetch_enterprise,
    enterprise_view,
)
PROJECTS = Readable(
    "project", "project_id", ENTERPRISE_READ, OWNER, repository.fetch_project, project_view
)
JOBS = Readable("intake job", "job_id", ENTERPRISE_READ, OWNER, intake.fetch_job, job_view)
Settings = Annotated[RegistrySettings, Depends(app_settings(RegistrySettings))]
Workers = Annotated[
    intake.IntakeWorkers, Depends(app_state("intake_workers", intake.IntakeWorkers))
]


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText = ""


@router.post("/enterprises", status_code=status.HTTP_201_CREATED)
async def register_enterprise(
    spec: EnterpriseSpec, principal: OwningEnterprise, pool: Pool
) -> EnterpriseView:
    """Register the calling enterprise (its id is the token's tenant)."""
    event = await handlers.register_enterprise(pool, spec, tenant_of(principal))
    return EnterpriseView(**event.model_dump())


@router.get("/enterprises")
async def list_enterprises(
    principal: Reader,
    con: CallerConnection,
    limit: Limit = 50,
    after: Cursor = None,
    city: City | None = None,
) -> Page[EnterpriseView]:
    """All enterprises, for regulators and operators."""
    rows = await repository.list_enterprises(
        con, city=city, after=decode_cursor(after), limit=limit
    )
    return page_of(rows, enterprise_view, limit)


@router.get("/enterprises/{enterprise_id}")
async def get_enterprise(
    enterprise_id: uuid.UUID, principal: EnterpriseReader, con: CallerConnection
) -> EnterpriseView:
    """One enterprise: its own record, or any for regulators."""
    return await ENTERPRISES.read(con, principal, enterprise_id)


@router.post("/projects", status_code=status.HTTP_201_CREATED)
async def register_project(spec: ProjectSpec, principal: OwningEnterprise, pool: Pool) -> Accepted:
    """Add a low-carbon project to the carbon-peaking project database."""
    event = await handlers.register_project(pool, spec, tenant_of(principal))
    return Accepted(project_id=event.project_id, version=event.version)


@router.get("/projects")
async def list_projects(
    principal: EnterpriseReader,
    con: CallerConnection,
    limit: Limit = 50,
    after: Cursor = None,
    city: City | None = None,
    type: ProjectType | None = None,
    family: ProjectFamily | None = None,
    project_status: Annotated[Literal["active", "withdrawn"] | None, Query(alias="status")] = None,
) -> Page[ProjectView]:
    """Projects with filters: an enterprise sees its own, regulators see all."""
    rows = await repository.list_projects(
        con,
        enterprise_id=ENTERPRISE_READ.own_tenant(principal),
        city=city,
        type_=type,
        family=family,
        status=project_status,
        after=decode_cursor(after),
        limit=limit,
    )
    return page_of(rows, project_view, limit)


@router.get("/projects/{project_id}")
async def get_project(
    project_id: uuid.UUID, principal: EnterpriseReader, con: CallerConnection
) -> ProjectView:
    """The current version of one project."""
    return await PROJECTS.read(con, principal, project_id)


@router.get("/projects/{project_id}/versions")
async def project_versions(
    project_id: uuid.UUID, principal: EnterpriseReader, con: CallerConnection
) -> list[ProjectHistoryEntry]:
    """Every version of a project, oldest first."""
    await PROJECTS.read(con, principal, project_id)
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
    principal: OwningEnterprise,
    pool: Pool,
    expected_version: ExpectedVersion = None,
) -> Accepted:
    """Replace the project's description; the change becomes a new version."""
    event = await handlers.update_project(
        pool, project_id, tenant_of(principal), spec, expected_version
    )
    return Accepted(project_id=event.project_id, version=event.version)


@router.post("/projects/{project_id}/withdraw")
async def withdraw_project(
    project_id: uuid.UUID, body: Withdrawal, principal: OwningEnterprise, pool: Pool
) -> Accepted:
    """Take a project off the market; lenders' open deals on it close."""
    event = await handlers.withdraw_project(pool, project_id, tenant_of(principal), body.reason)
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
    request: Request,
    principal: OwningEnterprise,
    pool: Pool,
    settings: Settings,
    workers: Workers,
) -> IntakeJobView:
    """Upload projects as JSON lines or CSV; rows are checked and registered in the background.

    The body is streamed to a spooled file, never held whole in memory; an enterprise may have
    only a few jobs queued or running at once (429 beyond that, naming the limit).
    """
    tenant = tenant_of(principal)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = INTAKE_TYPES.get(content_type)
    if fmt is None:
        raise Unprocessable(
            f"content type must be one of {', '.join(INTAKE_TYPES)}", field="content-type"
        )
    await intake.check_capacity(pool, tenant, settings.intake_max_running_jobs)
    with await upload.spool(request.stream()) as spooled:
        job = await intake.create_job(pool, tenant, fmt, spooled, settings.intake_max_running_jobs)
    workers.start(
        intake.process_job(
            pool, job["id"], settings.intake_chunk_rows, settings.intake_statement_timeout_ms
        )
    )
    return job_view(job)


@router.get("/intake-jobs/{job_id}")
async def get_intake_job(
    job_id: uuid.UUID, principal: EnterpriseReader, con: CallerConnection
) -> IntakeJobView:
    """Progress of an upload: rows processed, accepted and rejected."""
    return await JOBS.read(con, principal, job_id)


@router.get("/intake-jobs/{job_id}/errors")
async def intake_job_errors(
    job_id: uuid.UUID,
    principal: EnterpriseReader,
    con: CallerConnection,
    limit: Limit = 100,
    after: Cursor = None,
) -> Page[RowErrorView]:
    """Each refused row with its line number and the reason."""
    await JOBS.read(con, principal, job_id)
    rows = await intake.fetch_errors(con, job_id, decode_cursor(after), limit)
    return page_of(rows, _row_error, limit, position="line_no")


def _row_error(r: asyncpg.Record) -> RowErrorView:
    return RowErrorView(line=r["line_no"], reason=r["reason"])
