"""Properties every methodology keeps: linearity in activity, no negative reduction for a valid
reduction project, and a declared factor that replaces the default and lowers data quality."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.project import ProjectSpec
from schemas.vocabulary import Fuel, ProjectType
from scoring.estimate.catalogue import compute
from scoring.estimate.factors import FactorSet
from scoring.score.quality import data_quality_tier
from seeds.synthetic.specs import synthetic_spec

pytestmark = pytest.mark.unit
BuildProject = Callable[..., ProjectSpec]
Case = tuple[ProjectType, dict[str, Any]]

EXTENSIVE = {
    "capacity_mw",
    "annual_generation_mwh",
    "reservoir_area_km2",
    "energy_saved_tce",
    "electricity_saved_mwh",
    "baseline_fuel_t",
    "baseline_fuel_gj",
    "project_fuel_gj",
    "project_electricity_mwh",
    "floor_area_m2",
    "it_load_kw",
    "annual_km_per_vehicle",
    "area_ha",
    "steel_output_t",
    "storage_energy_mwh",
    "curtailment_avoided_mwh",
    "co2_captured_t",
    "capture_electricity_mwh",
}
GENERATORS = [
    ProjectType.WIND,
    ProjectType.SOLAR_PV,
    ProjectType.BIOMASS,
    ProjectType.GEOTHERMAL,
    ProjectType.WASTE_TO_ENERGY,
    ProjectType.WASTE_HEAT_POWER,
    ProjectType.ROOFTOP_PV,
]
AMOUNT = st.floats(min_value=0.0, max_value=1e7, allow_nan=False)


def _scaled(project: ProjectSpec, k: float) -> ProjectSpec:
    values = project.activity.model_dump(exclude_none=True)
    scaled = {n: v * k if n in EXTENSIVE else v for n, v in values.items()}
    return project.model_copy(update={"activity": project.activity.model_validate(scaled)})


@settings(max_examples=150, deadline=None)
@given(
    project_type=st.sampled_from(list(ProjectType)),
    seed=st.integers(0, 10_000),
    k=st.floats(min_value=0.01, max_value=100.0),
)
def test_reduction_scales_linearly_with_activity(
    factors: FactorSet, project_type: ProjectType, seed: int, k: float
) -> None:
    project = synthetic_spec(random.Random(seed), project_type)
    base = compute(project, factors).annual_tco2e
    assert compute(_scaled(project, k), factors).annual_tco2e == pytest.approx(k * base, rel=1e-9)


def _generator(draw: st.DrawFn) -> Case:
    return draw(st.sampled_from(GENERATORS)), {"annual_generation_mwh": draw(AMOUNT)}


def _hydro(draw: st.DrawFn) -> Case:
    activity = {
        "capacity_mw": draw(st.floats(0.1, 1_000)),
        "annual_generation_mwh": draw(AMOUNT),
        "reservoir_area_km2": draw(st.floats(0, 1_000)),
    }
    return ProjectType.HYDRO, activity


def _savings(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from([ProjectType.ENERGY_EFFICIENCY, ProjectType.BUILDING_RETROFIT]))
    activity = {
        "energy_saved_tce": draw(AMOUNT),
        "electricity_saved_mwh": draw(AMOUNT),
        "floor_area_m2": draw(st.floats(1, 1e6)),
    }
    return kind, activity


def _pue(draw: st.DrawFn) -> Case:
    before = draw(st.floats(1.0, 5.0))
    activity = {
        "it_load_kw": draw(AMOUNT),
        "pue_before": before,
        "pue_after": draw(st.floats(1.0, before)),
    }
    return ProjectType.DATA_CENTRE_PUE, activity


def _coal(draw: st.DrawFn) -> Case:
    before = draw(st.floats(250, 450))
    activity = {
        "coal_rate_before_gce_per_kwh": before,
        "coal_rate_after_gce_per_kwh": draw(st.floats(200, before)),
        "annual_generation_mwh": draw(AMOUNT),
    }
    return ProjectType.COAL_POWER_UPGRADE, activity


def _sink(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from([ProjectType.FORESTRY, ProjectType.WETLAND]))
    return kind, {
        "area_ha": draw(AMOUNT),
        "sequestration_tco2e_per_ha": draw(st.none() | st.floats(0, 50)),
    }


def _coal_to_gas(draw: st.DrawFn) -> Case:
    baseline = draw(AMOUNT)
    activity = {
        "baseline_fuel": Fuel.COAL,
        "baseline_fuel_gj": baseline,
        "project_fuel": Fuel.NATURAL_GAS,
        "project_fuel_gj": draw(st.floats(0, 1)) * baseline,
    }
    return ProjectType.FUEL_SWITCH, activity


def _storage(draw: st.DrawFn) -> Case:
    return ProjectType.ENERGY_STORAGE, {"curtailment_avoided_mwh": draw(AMOUNT)}


@st.composite
def reduction_projects(draw: st.DrawFn) -> Case:
    """Activity data describing a genuine reduction (less of the emitting thing afterwards)."""
    kinds = [_generator, _hydro, _savings, _pue, _coal, _sink, _coal_to_gas, _storage]
    make: Callable[[st.DrawFn], Case] = draw(st.sampled_from(kinds))
    return make(draw)


@settings(max_examples=300, deadline=None)
@given(case=reduction_projects())
def test_a_valid_reduction_project_never_has_a_negative_reduction(
    factors: FactorSet, make_project: BuildProject, case: Case
) -> None:
    project_type, activity = case
    assert compute(make_project(project_type, **activity), factors).annual_tco2e >= 0.0


@settings(max_examples=100, deadline=None)
@given(
    generation=st.floats(1.0, 1e7),
    declared=st.floats(0.01, 2.0),
    project_type=st.sampled_from(GENERATORS),
)
def test_a_declared_factor_overrides_the_default_and_lowers_quality(
    factors: FactorSet,
    make_project: BuildProject,
    generation: float,
    declared: float,
    project_type: ProjectType,
) -> None:
    own_factor = {"value": declared, "source": "PDD table 7"}
    default = compute(make_project(project_type, annual_generation_mwh=generation), factors)
    own = compute(
        make_project(project_type, annual_generation_mwh=generation, declared=own_factor), factors
    )
    assert own.annual_tco2e == pytest.approx(generation * declared)
    assert own.trace["grid_electricity_tco2_per_mwh"] == (
        declared,
        "tCO2/MWh",
        "declared: PDD table 7",
    )
    assert data_quality_tier(own, has_evidence=True) > data_quality_tier(default, has_evidence=True)


def test_a_declared_factor_the_methodology_does_not_use_changes_nothing(
    factors: FactorSet, make_project: BuildProject
) -> None:
    declared = {"factor": "fuel.coal.ef_tco2_per_gj", "value": 0.2, "source": "lab test"}
    plain = compute(make_project(ProjectType.WIND, annual_generation_mwh=1_000), factors)
    odd = compute(
        make_project(ProjectType.WIND, annual_generation_mwh=1_000, declared=declared), factors
    )
    assert odd.annual_tco2e == plain.annual_tco2e
    assert "declared_factor_unused" in odd.trace
