"""Fuel switching: a carbon-intensive fuel replaced by natural gas or electricity."""

from __future__ import annotations

from schemas.project import ProjectSpec
from schemas.vocabulary import Fuel, ProjectFamily, ProjectType
from scoring.estimate.errors import InvalidActivityData
from scoring.estimate.methodology import (
    auxiliary_tco2e,
    fuel_combustion_tco2e,
    fuel_energy_gj,
    methodology,
)
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.family import Family

VERSION = "1.0.0"


def _baseline_gj(w: Workings, fuel: Fuel) -> float:
    if fuel is Fuel.ELECTRICITY:
        raise InvalidActivityData(
            "baseline_fuel electricity is not a fuel switch; score it as energy efficiency",
            field="baseline_fuel",
        )
    gj = w.maybe("baseline_fuel_gj")
    if gj is not None:
        return gj
    return fuel_energy_gj(w, fuel, w.need("baseline_fuel_t"), "baseline_fuel_energy_gj")


@methodology(
    VERSION,
    "fs-fuel-switch",
    ProjectType.FUEL_SWITCH,
    required=("baseline_fuel", ("baseline_fuel_gj", "baseline_fuel_t")),
)
def fuel_switch(w: Workings) -> MethodologyResult:
    """The old fuel's emissions are the baseline; the new fuel or grid power the project side,
    none at all when the fuel is simply given up.

    Name: Fuel switching to natural gas, electricity or no fuel
    Formula: BE = baseline fuel (GJ, or t × NCV) × EF_CO2(baseline fuel);
        PE = project fuel GJ × EF_CO2(project fuel) + MWh × EF_grid × (1 + TDL), each term
        only when given (neither given: the fuel is abandoned, PE = 0); ER = BE − PE
    Source: UNFCCC ACM0009 / AMS-III.B (fossil fuel switch); CDM TOOL05 for electricity
    """
    fuel = w.fuel("baseline_fuel")
    baseline_gj = _baseline_gj(w, fuel)
    baseline = fuel_combustion_tco2e(w, fuel, baseline_gj, "baseline_fuel_tco2e")
    if w.activity.project_fuel_gj is None and w.activity.project_electricity_mwh is None:
        w.note("project_side", "no project fuel or electricity: fuel abandoned, PE = 0", "ACM0009")
    return w.result(baseline, auxiliary_tco2e(w))


METHODOLOGIES = (fuel_switch,)


def coal_phase_out_targets(p: ProjectSpec) -> tuple[str, ...]:
    """The plan's priority: coal giving way to gas, or else to electricity."""
    a = p.activity
    if a.baseline_fuel is not Fuel.COAL:
        return ()
    to_gas = a.project_fuel is Fuel.NATURAL_GAS and a.project_fuel_gj
    return (
        "Hunan plan priority: coal to gas"
        if to_gas
        else "Hunan plan priority: coal to electricity",
    )


FAMILY = Family(
    ProjectFamily.FUEL_SWITCHING, METHODOLOGIES, carbon_peak_targets=coal_phase_out_targets
)
