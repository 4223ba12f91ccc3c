"""SQL of the registry, next to the function that runs it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from registry.domain import ProjectState
from schemas.enterprise import EnterpriseRegistered
from schemas.project import ProjectVersion, ProjectWithdrawn
from servicekit.db import Connection, Executor
from servicekit.rls import insert_many


async def insert_enterprise(con: Connection, e: EnterpriseRegistered) -> None:
    await con.execute(
        "INSERT INTO enterprises (id, credit_code, name, city, county, industry, contact_name,"
        " contact_email, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        e.enterprise_id,
        e.credit_code,
        e.name,
        e.city,
        e.county,
        e.industry,
        e.contact_name,
        e.contact_email,
        e.registered_at,
    )


async def enterprise_exists(con: Connection, enterprise_id: uuid.UUID) -> bool:
    return bool(await con.fetchval("SELECT 1 FROM enterprises WHERE id = $1", enterprise_id))


async def fetch_enterprise(con: Executor, enterprise_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow(
        "SELECT id, credit_code, name, city, county, industry, contact_name, contact_email,"
        " registered_at FROM enterprises WHERE id = $1",
        enterprise_id,
    )


async def list_enterprises(
    con: Executor, *, city: str | None, after: int, limit: int
) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT seq, id, credit_code, name, city, county, industry, registered_at"
        " FROM enterprises WHERE seq > $1 AND ($2::text IS NULL OR city = $2)"
        " ORDER BY seq LIMIT $3",
        after,
        city,
        limit,
    )


_PROJECT_INSERT = (
    ("id", "uuid"),
    ("enterprise_id", "uuid"),
    ("version", "integer"),
    ("name", "text"),
    ("type", "text"),
    ("family", "text"),
    ("city", "text"),
    ("spec", "jsonb"),
    ("registered_at", "timestamptz"),
    ("updated_at", "timestamptz"),
)
_HISTORY_INSERT = (
    ("project_id", "uuid"),
    ("version", "integer"),
    ("event_type", "text"),
    ("spec", "jsonb"),
    ("recorded_at", "timestamptz"),
)


def _described(v: ProjectVersion) -> tuple[Any, ...]:
    """The columns a version sets on its project: version, name, type, family, city, spec."""
    return (v.version, v.name, str(v.type), str(v.family), str(v.city), v.model_dump(mode="json"))


def _version_row(v: ProjectVersion) -> tuple[Any, ...]:
    return (v.project_id, v.enterprise_id, *_described(v), v.recorded_at, v.recorded_at)


async def insert_projects(con: Connection, versions: Sequence[ProjectVersion]) -> None:
    """New projects and their first history rows, any number in two statements."""
    rows = [_version_row(v) for v in versions]
    history = [
        (v.project_id, v.version, v.event_type, r[7], v.recorded_at)
        for v, r in zip(versions, rows, strict=True)
    ]
    await insert_many(con, "projects", _PROJECT_INSERT, rows)
    await insert_many(con, "project_versions", _HISTORY_INSERT, history)


async def lock_project(con: Connection, project_id: uuid.UUID) -> ProjectState | None:
    row = await con.fetchrow(
        "SELECT id, enterprise_id, version, status FROM projects WHERE id = $1 FOR UPDATE",
        project_id,
    )
    if row is None:
        return None
    return ProjectState(row["id"], row["enterprise_id"], row["version"], row["status"])


async def apply_update(con: Connection, v: ProjectVersion) -> None:
    await con.execute(
        "UPDATE projects SET version = $2, name = $3, type = $4, family = $5, city = $6,"
        " spec = $7, updated_at = $8 WHERE id = $1",
        v.project_id,
        *_described(v),
        v.recorded_at,
    )
    await _add_history(con, v, v.recorded_at)


async def apply_withdrawal(con: Connection, w: ProjectWithdrawn) -> None:
    await con.execute(
        "UPDATE projects SET status = 'withdrawn', updated_at = $2 WHERE id = $1",
        w.project_id,
        w.withdrawn_at,
    )
    await _add_history(con, w, w.withdrawn_at)


async def _add_history(con: Connection, e: ProjectVersion | ProjectWithdrawn, at: datetime) -> None:
    """One row of a project's history: the event's type and body, as of `at`."""
    await con.execute(
        "INSERT INTO project_versions (project_id, version, event_type, spec, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        e.project_id,
        e.version,
        e.event_type,
        e.model_dump(mode="json"),
        at,
    )


PROJECT_COLUMNS = "seq, id, enterprise_id, version, status, spec, registered_at, updated_at"


async def fetch_project(con: Executor, project_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow(f"SELECT {PROJECT_COLUMNS} FROM projects WHERE id = $1", project_id)


async def list_projects(
    con: Executor,
    *,
    enterprise_id: uuid.UUID | None,
    city: str | None,
    type_: str | None,
    family: str | None,
    status: str | None,
    after: int,
    limit: int,
) -> list[asyncpg.Record]:
    return await con.fetch(
        f"SELECT {PROJECT_COLUMNS} FROM projects WHERE seq > $1"
        " AND ($2::uuid IS NULL OR enterprise_id = $2) AND ($3::text IS NULL OR city = $3)"
        " AND ($4::text IS NULL OR type = $4) AND ($5::text IS NULL OR family = $5)"
        " AND ($6::text IS NULL OR status = $6) ORDER BY seq LIMIT $7",
        after,
        enterprise_id,
        city,
        type_,
        family,
        status,
        limit,
    )


async def project_history(con: Executor, project_id: uuid.UUID) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT version, event_type, spec, recorded_at FROM project_versions"
        " WHERE project_id = $1 ORDER BY version, recorded_at",
        project_id,
    )
