"""Registry rules: versions grow by one, withdrawn projects stay withdrawn."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from registry import domain
from schemas.project import ProjectRegistered, ProjectSpec, ProjectUpdated
from servicekit.errors import Conflict, Unprocessable
from tests.support.samples import project_body

pytestmark = pytest.mark.unit
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _state(status: str = "active", version: int = 1) -> domain.ProjectState:
    return domain.ProjectState(uuid.uuid4(), uuid.uuid4(), version, status)


def test_registered_event_is_exactly_what_validation_would_build() -> None:
    spec = ProjectSpec.model_validate(project_body())
    event = domain.register_project(spec, uuid.uuid4(), uuid.uuid4(), NOW)
    assert ProjectRegistered.model_validate(event.model_dump(mode="json")) == event
    assert event.family == "renewable_power" and event.version == 1


def test_update_is_the_next_version_and_refuses_a_stale_one() -> None:
    spec = ProjectSpec.model_validate(project_body())
    state = _state(version=3)
    event = domain.update_project(state, NOW, spec, expected_version=3)
    assert event.version == 4
    assert ProjectUpdated.model_validate(event.model_dump(mode="json")) == event
    with pytest.raises(Conflict, match="version 3"):
        domain.update_project(state, NOW, spec, expected_version=2)


def test_withdrawn_project_cannot_change_or_be_withdrawn_again() -> None:
    spec = ProjectSpec.model_validate(project_body())
    with pytest.raises(Conflict):
        domain.update_project(_state("withdrawn"), NOW, spec)
    with pytest.raises(Conflict):
        domain.withdraw_project(_state("withdrawn"), NOW, "again")


@pytest.mark.usefixtures("no_regional_factors")
def test_a_project_in_a_province_without_any_sourced_grid_factor_is_refused_naming_it() -> None:
    spec = ProjectSpec.model_validate(project_body(province="guangdong"))
    with pytest.raises(Unprocessable) as refused:
        domain.register_project(spec, uuid.uuid4(), uuid.uuid4(), NOW)
    assert refused.value.field == "province" and "guangdong" in str(refused.value)
    with pytest.raises(Unprocessable):
        domain.update_project(_state(), NOW, spec)


def test_a_project_in_a_sourced_province_registers_with_its_province() -> None:
    spec = ProjectSpec.model_validate(project_body(province="sichuan"))
    assert domain.register_project(spec, uuid.uuid4(), uuid.uuid4(), NOW).province == "sichuan"
    regional = ProjectSpec.model_validate(project_body(province="guangdong"))  # its region's
    assert (
        domain.register_project(regional, uuid.uuid4(), uuid.uuid4(), NOW).province == "guangdong"
    )
    assert ProjectSpec.model_validate(project_body()).province == "hunan"
