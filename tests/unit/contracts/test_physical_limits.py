"""Physical possibility: one rule set, the same answer in the registry, intake and scoring."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import domain
from registry.intake_rows import RowError, parse_row
from schemas.physical_limits import MIN_COAL_RATE_GCE_PER_KWH, breaches
from schemas.project import ActivityData, ProjectSpec
from schemas.scoring import FlagSeverity
from scoring.estimate.factors import default_factor_set
from scoring.plausibility.checks import hard_checks
from servicekit.errors import Unprocessable
from tests.support.samples import project_body

pytestmark = pytest.mark.unit
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _spec(project_type: str = "wind", **activity: Any) -> ProjectSpec:
    return ProjectSpec.model_validate(project_body(type=project_type, activity=activity))


def test_generation_above_capacity_times_8760_breaches_naming_field_and_bound() -> None:
    (found,) = breaches(ActivityData(capacity_mw=10.0, annual_generation_mwh=87_601.0))
    assert (found.code, found.path, found.bound) == (
        "generation_exceeds_capacity",
        "activity.annual_generation_mwh",
        87_600.0,
    )
    assert "87,600 MWh" in found.reason and "physically impossible" in found.reason


def test_generation_at_exactly_capacity_times_8760_is_possible() -> None:
    assert breaches(ActivityData(capacity_mw=10.0, annual_generation_mwh=87_600.0)) == []


def test_storage_cannot_deliver_more_than_its_power_all_year() -> None:
    (found,) = breaches(ActivityData(capacity_mw=2.0, curtailment_avoided_mwh=17_521.0))
    assert found.field == "curtailment_avoided_mwh" and found.bound == 17_520.0


def test_a_coal_rate_above_100_percent_efficiency_is_impossible() -> None:
    (found,) = breaches(ActivityData(coal_rate_after_gce_per_kwh=120.0))
    assert found.code == "coal_rate_below_thermodynamic_limit"
    assert found.bound == MIN_COAL_RATE_GCE_PER_KWH == 122.8
    assert breaches(ActivityData(coal_rate_after_gce_per_kwh=180.0)) == []


def test_without_a_capacity_nothing_bounds_generation() -> None:
    assert breaches(ActivityData(annual_generation_mwh=1e9)) == []


@settings(max_examples=200, deadline=None)
@given(
    capacity=st.floats(0.1, 500),
    hours=st.floats(0, 12_000),
    storage=st.booleans(),
    coal_after=st.one_of(st.none(), st.floats(0, 400)),
)
def test_scoring_rejects_exactly_what_the_registry_refuses(
    capacity: float, hours: float, storage: bool, coal_after: float | None
) -> None:
    """Registry and scoring share the rules: every breach is a reject flag on the same field,
    and a spec with no breach registers."""
    energy = round(capacity * hours, 3)
    activity: dict[str, Any] = {"capacity_mw": capacity}
    if storage:
        activity |= {"curtailment_avoided_mwh": energy, "storage_energy_mwh": capacity * 4}
    else:
        activity |= {"annual_generation_mwh": energy}
    if coal_after is not None:
        activity["coal_rate_after_gce_per_kwh"] = coal_after
    spec = _spec("energy_storage" if storage else "wind", **activity)
    found = {(b.code, b.field) for b in breaches(spec.activity)}
    rejected = {
        (f.code, f.field)
        for f in hard_checks(spec, 1_000.0, default_factor_set())
        if f.severity is FlagSeverity.REJECT
    }
    assert found <= rejected
    if found:
        with pytest.raises(Unprocessable) as refused:
            domain.register_project(spec, uuid.uuid4(), uuid.uuid4(), NOW)
        assert refused.value.field in {f"activity.{field}" for _, field in found}
    else:
        domain.register_project(spec, uuid.uuid4(), uuid.uuid4(), NOW)


def test_an_update_to_an_impossible_version_is_refused() -> None:
    state = domain.ProjectState(uuid.uuid4(), uuid.uuid4(), 1, "active")
    impossible = _spec(capacity_mw=10.0, annual_generation_mwh=100_000.0)
    with pytest.raises(Unprocessable, match="87,600 MWh") as refused:
        domain.update_project(state, NOW, impossible)
    assert refused.value.field == "activity.annual_generation_mwh"


def test_an_impossible_intake_row_is_refused_naming_field_and_bound() -> None:
    row = project_body(activity={"capacity_mw": 10.0, "annual_generation_mwh": 100_000.0})
    with pytest.raises(RowError, match=r"activity\.annual_generation_mwh: .*87,600 MWh"):
        parse_row(orjson.dumps(row).decode(), "jsonl")
