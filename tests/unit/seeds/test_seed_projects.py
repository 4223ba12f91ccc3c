"""The committed demo projects are valid, cover Hunan and every type, and flag what they should."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import date
from typing import Any

import orjson
import pytest

from schemas.project import ProjectSpec
from schemas.vocabulary import City, ProjectType
from seeds.synthetic import IMPLAUSIBLE, SEEDS_DIR, demo_rows, jsonl_bytes

pytestmark = pytest.mark.unit

T = ProjectType
Line = dict[str, Any]


def _read(name: str) -> list[Line]:
    return [orjson.loads(b) for b in (SEEDS_DIR / name).read_bytes().splitlines()]


LINES = _read("projects.jsonl")
OWNERS = {e["credit_code"] for e in _read("enterprises.jsonl")}
PLAUSIBLE = [line for line in LINES if "implausible" not in line]
IMPLAUSIBLE_LINES = [line for line in LINES if "implausible" in line]

_POWER = (("capacity_mw",), ("annual_generation_mwh",))
_FLEET = (
    ("fleet_size",),
    ("annual_km_per_vehicle",),
    ("baseline_fuel",),
    ("baseline_fuel_l_per_100km",),
    ("electricity_kwh_per_100km",),
)
_SINK = (("area_ha",), ("sequestration_tco2e_per_ha",))
_BUILDING = (("floor_area_m2",), ("electricity_saved_mwh",))
NEEDS: dict[ProjectType, tuple[tuple[str, ...], ...]] = {
    T.WIND: _POWER,
    T.SOLAR_PV: _POWER,
    T.BIOMASS: _POWER,
    T.GEOTHERMAL: _POWER,
    T.WASTE_TO_ENERGY: _POWER,
    T.ROOFTOP_PV: _POWER,
    T.HYDRO: _POWER,  # run-of-river plants have no reservoir area
    T.ENERGY_EFFICIENCY: (("energy_saved_tce", "electricity_saved_mwh"),),
    T.WASTE_HEAT_POWER: (*_POWER, ("electricity_saved_mwh",)),
    T.COAL_POWER_UPGRADE: (
        ("annual_generation_mwh",),
        ("coal_rate_before_gce_per_kwh",),
        ("coal_rate_after_gce_per_kwh",),
        ("energy_saved_tce",),
    ),
    T.FUEL_SWITCH: (
        ("baseline_fuel",),
        ("baseline_fuel_t", "baseline_fuel_gj"),
        ("project_fuel",),
        ("project_fuel_gj", "project_electricity_mwh"),
    ),
    T.BUILDING_RETROFIT: _BUILDING,
    T.ULTRA_LOW_ENERGY_BUILDING: _BUILDING,
    T.DATA_CENTRE_PUE: (("it_load_kw",), ("pue_before",), ("pue_after",)),
    T.EV_BUS: _FLEET,
    T.EV_TRUCK: _FLEET,
    T.FORESTRY: _SINK,
    T.WETLAND: _SINK,
    T.EAF_STEEL: (("steel_output_t",), ("scrap_share",), ("project_electricity_mwh",)),
    T.ENERGY_STORAGE: (("capacity_mw",), ("storage_energy_mwh",), ("curtailment_avoided_mwh",)),
    T.CCUS: (("co2_captured_t",), ("capture_electricity_mwh",)),
}


def _ratio(a: dict[str, float], top: str, bottom: str) -> float:
    return a[top] / a[bottom] if top in a and bottom in a else 0.0


# Each hard rule a scoring service can apply, by the reason code it should report.
RULES: dict[str, Callable[[str, dict[str, float]], bool]] = {
    "generation_exceeds_capacity": lambda t, a: (
        _ratio(a, "annual_generation_mwh", "capacity_mw") > 8760
    ),
    "capacity_factor_implausible": lambda t, a: (
        t in {"solar_pv", "rooftop_pv"}
        and _ratio(a, "annual_generation_mwh", "capacity_mw") > 0.3 * 8760
    ),
    "sequestration_rate_implausible": lambda t, a: a.get("sequestration_tco2e_per_ha", 0) > 20,
    "coal_rate_implausible": lambda t, a: 0 < a.get("coal_rate_after_gce_per_kwh", 999) < 250,
    "storage_cycles_exceed_physical_limit": lambda t, a: (
        _ratio(a, "curtailment_avoided_mwh", "storage_energy_mwh") > 365
    ),
    "annual_distance_implausible": lambda t, a: a.get("annual_km_per_vehicle", 0) > 200_000,
    "electricity_intensity_implausible": lambda t, a: (
        t == "eaf_steel" and _ratio(a, "project_electricity_mwh", "steel_output_t") < 0.3
    ),
    "capture_energy_implausible": lambda t, a: (
        t == "ccus" and _ratio(a, "capture_electricity_mwh", "co2_captured_t") < 0.05
    ),
}
# A physical activity measure per CNY, for the types whose outlier is cheapness.
ACTIVITY_PER_CNY: dict[str, Callable[[dict[str, float]], float]] = {
    "ev_bus": lambda a: (
        a["fleet_size"] * a["annual_km_per_vehicle"] * a["baseline_fuel_l_per_100km"]
    ),
    "energy_efficiency": lambda a: (
        a.get("energy_saved_tce", 0) * 2.77 + a.get("electricity_saved_mwh", 0) * 0.5
    ),
    "data_centre_pue": lambda a: a["it_load_kw"] * (a["pue_before"] - a["pue_after"]),
}


def test_there_are_at_least_300_projects_and_8_deliberately_implausible_ones() -> None:
    assert len(LINES) >= 300
    assert len(IMPLAUSIBLE_LINES) >= 8


@pytest.mark.parametrize("line", LINES, ids=lambda line: line["key"])
def test_every_project_is_a_valid_project_spec_of_a_seeded_enterprise(line: Line) -> None:
    assert set(line) <= {"enterprise_credit_code", "key", "implausible", "project"}
    assert line["enterprise_credit_code"] in OWNERS
    spec = ProjectSpec.model_validate(line["project"])
    assert date(2023, 1, 1) <= spec.construction_start <= spec.operation_date <= date(2028, 12, 31)


def test_keys_are_unique_and_numbered() -> None:
    assert [line["key"] for line in LINES] == [f"seed-{n:04d}" for n in range(1, len(LINES) + 1)]


def test_projects_cover_every_project_type_and_all_14_cities() -> None:
    assert {line["project"]["type"] for line in PLAUSIBLE} == {t.value for t in ProjectType}
    assert {line["project"]["city"] for line in PLAUSIBLE} == {c.value for c in City}


@pytest.mark.parametrize("line", LINES, ids=lambda line: line["key"])
def test_every_project_carries_the_activity_fields_its_type_needs(line: Line) -> None:
    activity = line["project"]["activity"]
    for alternatives in NEEDS[ProjectType(line["project"]["type"])]:
        assert any(name in activity for name in alternatives), alternatives


def test_the_demo_holds_run_of_river_hydro_and_data_centres_stating_operating_hours() -> None:
    projects = [line["project"] for line in LINES]
    hydro = [p["activity"] for p in projects if p["type"] == T.HYDRO]
    centres = [p["activity"] for p in projects if p["type"] == T.DATA_CENTRE_PUE]
    assert any("reservoir_area_km2" not in a for a in hydro)
    assert any("reservoir_area_km2" in a for a in hydro)
    assert any("operating_hours_per_year" in a for a in centres)


def test_some_projects_declare_a_sourced_factor_evidence_or_high_emission_sector() -> None:
    projects = [line["project"] for line in LINES]
    assert sum("declared_factor" in p for p in projects) >= 10
    assert all(p["declared_factor"]["source"] for p in projects if "declared_factor" in p)
    assert sum(bool(p.get("evidence")) for p in projects) >= 100
    assert 5 <= sum(p["high_energy_high_emission"] for p in projects) < len(projects) / 4


def test_no_plausible_project_breaks_a_hard_rule() -> None:
    broken = [
        (line["key"], code)
        for line in PLAUSIBLE
        for code, rule in RULES.items()
        if rule(line["project"]["type"], line["project"]["activity"])
    ]
    assert broken == []


@pytest.mark.parametrize("line", IMPLAUSIBLE_LINES, ids=lambda line: line["key"])
def test_each_implausible_project_is_implausible_in_the_way_its_reason_names(line: Line) -> None:
    project, code = line["project"], line["implausible"]
    assert code in {item.reason for item in IMPLAUSIBLE}
    if code in RULES:
        assert RULES[code](project["type"], project["activity"])
        return
    assert code == "reduction_per_investment_outlier"
    per_cny = ACTIVITY_PER_CNY[project["type"]]
    peers = [
        per_cny(p["project"]["activity"]) / float(p["project"]["capex_cny"])
        for p in PLAUSIBLE
        if p["project"]["type"] == project["type"]
    ]
    claimed = per_cny(project["activity"]) / float(project["capex_cny"])
    assert claimed > 20 * statistics.median(peers)
    assert max(peers) < 5 * statistics.median(peers)


def test_seed_files_are_exactly_what_the_demo_command_writes() -> None:
    enterprises, projects = demo_rows()
    assert jsonl_bytes(enterprises) == (SEEDS_DIR / "enterprises.jsonl").read_bytes()
    assert jsonl_bytes(projects) == (SEEDS_DIR / "projects.jsonl").read_bytes()
