"""Every project type has one cited, versioned methodology, and missing data is named."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest

from schemas.project import ProjectSpec
from schemas.vocabulary import Fuel, ProjectType
from scoring.estimate.catalogue import METHODOLOGIES, METHODOLOGY_OF_TYPE, catalogue, compute
from scoring.estimate.errors import InvalidActivityData, MissingActivityData
from scoring.estimate.factors import FactorSet
from seeds.synthetic.specs import synthetic_spec

pytestmark = pytest.mark.unit
BuildProject = Callable[..., ProjectSpec]


def test_every_project_type_has_exactly_one_methodology() -> None:
    assert set(METHODOLOGY_OF_TYPE) == set(ProjectType)
    claimed = [t for m in METHODOLOGIES for t in m.applicable_types]
    assert len(claimed) == len(set(claimed))


def test_catalogue_lists_formula_source_version_and_required_fields() -> None:
    entries = catalogue()
    assert {e.id for e in entries} == {m.id for m in METHODOLOGIES}
    for entry in entries:
        assert entry.formula and "=" in entry.formula
        assert entry.source
        assert entry.version.count(".") == 2
        assert entry.required_activity_fields
        assert entry.model_dump(mode="json")["applicable_types"]


def test_catalogue_cites_the_cdm_methodologies_by_id() -> None:
    sources = " ".join(e.source for e in catalogue())
    for methodology_id in ("ACM0002", "AMS-I.D", "AMS-II.C", "AMS-III.C", "AR-ACM0003", "ACM0009"):
        assert methodology_id in sources


@pytest.mark.parametrize("project_type", list(ProjectType))
def test_each_methodology_scores_a_typical_project_of_its_type(
    factors: FactorSet, project_type: ProjectType
) -> None:
    typical = synthetic_spec(random.Random(7), project_type)
    project = typical.model_copy(update={"declared_factor": None})  # the official factors
    result = compute(project, factors)
    assert math.isfinite(result.annual_tco2e) and result.annual_tco2e > 0
    assert result.annual_tco2e == pytest.approx(
        result.baseline_tco2e - result.project_tco2e - result.leakage_tco2e
    )
    for name, (_value, unit, source) in result.trace.items():
        assert source, name
        assert isinstance(unit, str)


@pytest.mark.parametrize("project_type", list(ProjectType))
def test_a_missing_required_field_is_named_in_the_error(
    factors: FactorSet, project_type: ProjectType
) -> None:
    project = synthetic_spec(random.Random(11), project_type)
    methodology = METHODOLOGY_OF_TYPE[project_type]
    first = methodology.required[0]
    stripped = project.model_copy(
        update={"activity": project.activity.model_copy(update=dict.fromkeys(first))}
    )
    with pytest.raises(MissingActivityData) as caught:
        compute(stripped, factors)
    assert caught.value.field == " | ".join(first)
    assert caught.value.methodology_id == methodology.id
    assert first[0] in str(caught.value)


def test_hydro_power_density_rule_follows_acm0002(
    factors: FactorSet, make_project: BuildProject
) -> None:
    def hydro(area_km2: float) -> float:
        project = make_project(
            ProjectType.HYDRO,
            capacity_mw=100,
            annual_generation_mwh=400_000,
            reservoir_area_km2=area_km2,
        )
        return compute(project, factors).annual_tco2e

    displaced = 400_000 * 0.4976
    assert hydro(0) == pytest.approx(displaced)  # run-of-river
    assert hydro(5) == pytest.approx(displaced)  # 20 W/m²
    assert hydro(15) == pytest.approx(displaced - 0.090 * 400_000)  # 6.7 W/m²
    assert hydro(50) == 0.0  # 2 W/m²: not eligible


def test_coal_unit_upgrade_credits_the_coal_rate_difference(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.COAL_POWER_UPGRADE,
        coal_rate_before_gce_per_kwh=310,
        coal_rate_after_gce_per_kwh=300,
        annual_generation_mwh=3_000_000,
    )
    # 10 gce/kWh × 3e9 kWh = 30,000 tce × 2.7725 tCO2/tce
    assert compute(project, factors).annual_tco2e == pytest.approx(83_175)


def test_electric_buses_follow_ams_iii_c_with_td_losses(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.EV_BUS,
        fleet_size=100,
        annual_km_per_vehicle=60_000,
        baseline_fuel_l_per_100km=35,
        electricity_kwh_per_100km=100,
    )
    result = compute(project, factors)
    litres = 100 * 60_000 * 0.35
    baseline = litres * 0.8275 / 1000 * 42.652 * 0.072585
    project_side = 100 * 60_000 * 1.0 / 1000 * 0.4976 * 1.2
    assert result.baseline_tco2e == pytest.approx(baseline)
    assert result.project_tco2e == pytest.approx(project_side)
    assert result.trace["baseline_fuel"][2] == "methodology default"


def test_a_transport_baseline_that_is_not_a_liquid_fuel_is_invalid(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.EV_TRUCK,
        baseline_fuel=Fuel.NATURAL_GAS,
        fleet_size=10,
        annual_km_per_vehicle=80_000,
        baseline_fuel_l_per_100km=30,
        electricity_kwh_per_100km=150,
    )
    with pytest.raises(InvalidActivityData) as caught:
        compute(project, factors)
    assert caught.value.field == "baseline_fuel"


def test_coal_to_electricity_counts_grid_power_with_losses(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.FUEL_SWITCH,
        baseline_fuel=Fuel.COAL,
        baseline_fuel_t=10_000,
        project_electricity_mwh=20_000,
    )
    result = compute(project, factors)
    assert result.baseline_tco2e == pytest.approx(10_000 * 20.908 * 0.0946)
    assert result.project_tco2e == pytest.approx(20_000 * 0.4976 * 1.2)


def test_storage_earns_only_avoided_curtailment(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.ENERGY_STORAGE,
        capacity_mw=50,
        storage_energy_mwh=100,
        curtailment_avoided_mwh=8_000,
    )
    assert compute(project, factors).annual_tco2e == pytest.approx(8_000 * 0.4976)


def test_ccus_nets_out_capture_energy(factors: FactorSet, make_project: BuildProject) -> None:
    project = make_project(ProjectType.CCUS, co2_captured_t=100_000, capture_electricity_mwh=25_000)
    expected = 100_000 - 25_000 * 0.4976 * 1.2
    assert compute(project, factors).annual_tco2e == pytest.approx(expected)


def test_forestry_without_a_measured_rate_uses_the_conservative_default(
    factors: FactorSet, make_project: BuildProject
) -> None:
    result = compute(make_project(ProjectType.FORESTRY, area_ha=1_000), factors)
    assert result.annual_tco2e == pytest.approx(3_300)
    assert result.defaults_used == ("sequestration_tco2e_per_ha",)


def test_scrap_eaf_credits_the_scrap_share_against_bf_bof(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.EAF_STEEL,
        steel_output_t=1_000_000,
        scrap_share=0.9,
        project_electricity_mwh=420_000,
    )
    expected = 1_000_000 * 0.9 * 1.8 - 420_000 * 0.4976 * 1.2
    assert compute(project, factors).annual_tco2e == pytest.approx(expected)
