"""Registry commands: each runs domain rules and commits state plus outbox together.

Every transaction acts for the enterprise it serves, so row-level security holds it to that
enterprise's rows even where a query forgets to filter.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg

from registry import domain, repository
from schemas.enterprise import EnterpriseRegistered, EnterpriseSpec
from schemas.project import ProjectRegistered, ProjectSpec
from servicekit.auth import Role
from servicekit.commands import OwnedAggregate
from servicekit.db import Connection
from servicekit.errors import Conflict, Forbidden
from servicekit.outbox import enqueue
from servicekit.policies import owned
from servicekit.rls import acting_for

SOURCE = "greenlink/registry"


def _now() -> datetime:
    return datetime.now(UTC)


async def register_enterprise(
    pool: asyncpg.Pool, spec: EnterpriseSpec, enterprise_id: uuid.UUID
) -> EnterpriseRegistered:
    event = domain.register_enterprise(spec, enterprise_id, _now())
    try:
        async with acting_for(pool, Role.ENTERPRISE, enterprise_id) as con:
            if await repository.enterprise_exists(con, enterprise_id):
                raise Conflict("this enterprise is already registered", field="enterprise_id")
            await repository.insert_enterprise(con, event)
            await enqueue(con, [event], source=SOURCE)
    except asyncpg.UniqueViolationError as exc:
        # Another tenant's enterprise is invisible here, so the unique index is the check.
        if exc.constraint_name == "enterprises_credit_code_key":
            raise Conflict("credit code already registered", field="credit_code") from None
        raise Conflict("this enterprise is already registered", field="enterprise_id") from None
    return event


async def register_project(
    pool: asyncpg.Pool, spec: ProjectSpec, enterprise_id: uuid.UUID
) -> ProjectRegistered:
    event = domain.register_project(spec, uuid.uuid4(), enterprise_id, _now())
    try:
        async with acting_for(pool, Role.ENTERPRISE, enterprise_id) as con:
            await repository.insert_projects(con, [event])
            await enqueue(con, [event], source=SOURCE)
    except asyncpg.ForeignKeyViolationError:
        # The foreign key is the existence check: one round trip fewer on every registration.
        raise Forbidden("register the enterprise before its projects", field="enterprise") from None
    return event


async def _owned_state(
    con: Connection, project_id: uuid.UUID, enterprise_id: uuid.UUID
) -> domain.ProjectState:
    found = await repository.lock_project(con, project_id)
    missing = f"project {project_id} not found"
    return owned(found, lambda s: s.enterprise_id, enterprise_id, missing, "project_id")


PROJECTS = OwnedAggregate(Role.ENTERPRISE, SOURCE, _owned_state)


update_project = PROJECTS.command(domain.update_project, repository.apply_update)
"""(pool, project id, owner, spec, expected version): the project's next version."""
withdraw_project = PROJECTS.command(domain.withdraw_project, repository.apply_withdrawal)
"""(pool, project id, owner, reason): the project taken off the market."""
