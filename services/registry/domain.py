"""Registry rules: what registering, changing and withdrawing a project means. Pure."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from schemas import physical_limits
from schemas.enterprise import EnterpriseRegistered, EnterpriseSpec
from schemas.project import ProjectRegistered, ProjectSpec, ProjectUpdated, ProjectWithdrawn
from schemas.provincial_grid import unsourced_reason
from schemas.vocabulary import FAMILY_OF_TYPE
from servicekit.errors import Conflict, Unprocessable


@dataclass(frozen=True)
class ProjectState:
    """What the registry must know about a project to judge a change."""

    project_id: uuid.UUID
    enterprise_id: uuid.UUID
    version: int
    status: str


def register_enterprise(
    spec: EnterpriseSpec, enterprise_id: uuid.UUID, now: datetime
) -> EnterpriseRegistered:
    return EnterpriseRegistered(**spec.model_dump(), enterprise_id=enterprise_id, registered_at=now)


def require_physically_possible(spec: ProjectSpec) -> None:
    """422 naming each impossible activity field and its bound (`schemas.physical_limits`)."""
    found = physical_limits.breaches(spec.activity)
    if found:
        raise Unprocessable(physical_limits.describe(found), field=found[0].path)


def require_scorable(spec: ProjectSpec) -> None:
    """Physically possible, in a province whose grid factor is sourced
    (`schemas.provincial_grid`): a missing factor is refused, never guessed."""
    require_physically_possible(spec)
    if reason := unsourced_reason(spec.province):
        raise Unprocessable(reason, field="province")


def register_project(
    spec: ProjectSpec, project_id: uuid.UUID, enterprise_id: uuid.UUID, now: datetime
) -> ProjectRegistered:
    require_scorable(spec)
    # The spec is already validated and the added fields are computed: constructing the event
    # without re-validating the whole description keeps registration cheap.
    return ProjectRegistered.model_construct(
        **dict(spec),
        project_id=project_id,
        enterprise_id=enterprise_id,
        version=1,
        family=FAMILY_OF_TYPE[spec.type],
        recorded_at=now,
    )


def update_project(
    state: ProjectState, now: datetime, spec: ProjectSpec, expected_version: int | None = None
) -> ProjectUpdated:
    """A change is a new full version; a withdrawn project cannot change."""
    _require_active(state)
    require_scorable(spec)
    if expected_version is not None and expected_version != state.version:
        raise Conflict(
            f"project is at version {state.version}, not {expected_version}",
            field="expected_version",
        )
    return ProjectUpdated.model_construct(
        **dict(spec),
        project_id=state.project_id,
        enterprise_id=state.enterprise_id,
        version=state.version + 1,
        family=FAMILY_OF_TYPE[spec.type],
        recorded_at=now,
    )


def withdraw_project(state: ProjectState, now: datetime, reason: str) -> ProjectWithdrawn:
    _require_active(state)
    return ProjectWithdrawn(
        project_id=state.project_id,
        enterprise_id=state.enterprise_id,
        version=state.version,
        reason=reason,
        withdrawn_at=now,
    )


def _require_active(state: ProjectState) -> None:
    if state.status != "active":
        raise Conflict(f"project {state.project_id} is {state.status}", field="project_id")
