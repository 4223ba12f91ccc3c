"""Response shapes of the registry API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from schemas.vocabulary import City
from servicekit.row_views import row_view


class EnterpriseView(BaseModel):
    enterprise_id: uuid.UUID
    name: str
    credit_code: str
    city: City
    county: str | None
    industry: str
    contact_name: str | None = None
    contact_email: str | None = None
    registered_at: datetime


class ProjectView(BaseModel):
    project_id: uuid.UUID
    enterprise_id: uuid.UUID
    version: int
    status: str
    project: dict[str, Any]
    registered_at: datetime
    updated_at: datetime


class ProjectHistoryEntry(BaseModel):
    version: int
    event_type: str
    snapshot: dict[str, Any]
    recorded_at: datetime


class Accepted(BaseModel):
    project_id: uuid.UUID
    version: int


class IntakeJobView(BaseModel):
    job_id: uuid.UUID
    status: str
    format: str
    total_rows: int
    processed_rows: int
    accepted_rows: int
    rejected_rows: int
    progress_percent: float
    failure: str | None = None
    created_at: datetime
    finished_at: datetime | None


class RowErrorView(BaseModel):
    line: int
    reason: str


def enterprise_view(r: asyncpg.Record) -> EnterpriseView:
    return row_view(EnterpriseView, r, enterprise_id=r["id"])


def project_view(r: asyncpg.Record) -> ProjectView:
    spec = dict(r["spec"])
    for key in ("project_id", "enterprise_id", "version", "recorded_at"):
        spec.pop(key, None)
    return row_view(ProjectView, r, project_id=r["id"], project=spec)


def job_view(r: asyncpg.Record) -> IntakeJobView:
    total = r["total_rows"] or 0
    done = r["processed_rows"]
    return row_view(
        IntakeJobView,
        r,
        job_id=r["id"],
        total_rows=total,
        progress_percent=round(100.0 * done / total, 1) if total else 100.0,
    )
