"""Taxonomy tags carry the 2025 catalogue, the facility field, ICMA and Hunan plan targets."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.project import ProjectSpec
from schemas.scoring import CarbonReductionField, IcmaCategory
from schemas.vocabulary import City, Fuel, ProjectType
from scoring.taxonomy.tags import BASE_TAGS, tag

pytestmark = pytest.mark.unit
BuildProject = Callable[..., ProjectSpec]


def test_every_type_is_tagged_with_the_2025_catalogue() -> None:
    for project_type, tags in BASE_TAGS.items():
        assert tags.catalogue_version == "2025", project_type
        assert tags.catalogue_code_path.startswith(tags.catalogue_category_code + ".")
        assert tags.catalogue_category_code in "123456789"


@pytest.mark.parametrize(
    ("project_type", "facility_field"),
    [
        (ProjectType.WIND, CarbonReductionField.CLEAN_ENERGY),
        (
            ProjectType.DATA_CENTRE_PUE,
            CarbonReductionField.ENERGY_CONSERVATION_ENVIRONMENTAL_PROTECTION,
        ),
        (ProjectType.CCUS, CarbonReductionField.CARBON_REDUCTION_TECHNOLOGY),
        (ProjectType.COAL_POWER_UPGRADE, CarbonReductionField.NOT_ELIGIBLE),
    ],
)
def test_facility_fields_follow_the_original_three_directions(
    project_type: ProjectType, facility_field: CarbonReductionField
) -> None:
    assert BASE_TAGS[project_type].carbon_reduction_facility_field is facility_field


def test_electric_buses_are_clean_transportation_under_icma() -> None:
    assert BASE_TAGS[ProjectType.EV_BUS].icma_category is IcmaCategory.CLEAN_TRANSPORTATION


def test_a_data_centre_at_pue_1_3_is_recognised_as_meeting_the_plan(
    make_project: BuildProject,
) -> None:
    project = make_project(
        ProjectType.DATA_CENTRE_PUE, it_load_kw=1_000, pue_before=1.6, pue_after=1.3
    )
    recognitions = " ".join(tag(project).plan_recognitions)
    assert "target met: PUE 1.3" in recognitions
    assert "above PUE 1.5" in recognitions


def test_a_data_centre_above_pue_1_3_is_not_recognised(make_project: BuildProject) -> None:
    project = make_project(
        ProjectType.DATA_CENTRE_PUE, it_load_kw=1_000, pue_before=1.45, pue_after=1.35
    )
    assert tag(project).plan_recognitions == ()


def test_a_coal_unit_above_300_gce_is_a_plan_priority(make_project: BuildProject) -> None:
    above = make_project(
        ProjectType.COAL_POWER_UPGRADE,
        coal_rate_before_gce_per_kwh=312,
        coal_rate_after_gce_per_kwh=298,
        annual_generation_mwh=3e6,
    )
    below = make_project(
        ProjectType.COAL_POWER_UPGRADE,
        coal_rate_before_gce_per_kwh=295,
        coal_rate_after_gce_per_kwh=290,
        annual_generation_mwh=3e6,
    )
    assert (
        "Hunan plan priority: coal unit upgrade (312 gce/kWh > 300)" in tag(above).plan_recognitions
    )
    assert tag(below).plan_recognitions == ()


def test_coal_to_gas_and_dongting_wetlands_are_plan_priorities(make_project: BuildProject) -> None:
    gas = make_project(
        ProjectType.FUEL_SWITCH,
        baseline_fuel=Fuel.COAL,
        baseline_fuel_t=1_000,
        project_fuel=Fuel.NATURAL_GAS,
        project_fuel_gj=15_000,
    )
    wetland = make_project(ProjectType.WETLAND, city=City.YUEYANG, area_ha=500)
    assert "Hunan plan priority: coal to gas" in tag(gas).plan_recognitions
    assert "Hunan plan priority: Dongting Lake wetland protection" in tag(wetland).plan_recognitions


def test_high_energy_high_emission_projects_are_flagged_and_lose_facility_eligibility(
    make_project: BuildProject,
) -> None:
    tags = tag(
        make_project(
            ProjectType.ENERGY_EFFICIENCY, energy_saved_tce=100, high_energy_high_emission=True
        )
    )
    assert tags.high_energy_high_emission
    assert tags.carbon_reduction_facility_field is CarbonReductionField.NOT_ELIGIBLE
    assert any("high-emission" in note for note in tags.notes)
