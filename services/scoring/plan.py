"""Targets of the Hunan carbon-peak implementation plan that a project's own figures meet.

The plan (Hunan Provincial Department of Housing and Urban-Rural Development copy) asks that
new large data centres reach PUE ≤ 1.3 and those above 1.5 be retrofitted, that coal units
above 300 gce/kWh be upgraded, that coal give way to electricity and gas, and that the
Dongting Lake wetlands be protected.
"""

from __future__ import annotations

from schemas.project import ProjectSpec
from schemas.vocabulary import City, Fuel, ProjectType

PUE_TARGET = 1.3
PUE_RETROFIT_ABOVE = 1.5
COAL_RATE_ABOVE = 300.0  # gce/kWh
DONGTING_LAKE_CITIES = frozenset({City.YUEYANG, City.CHANGDE, City.YIYANG})


def recognitions(project: ProjectSpec) -> tuple[str, ...]:
    """Plan targets this project's activity data shows it meets or serves."""
    a = project.activity
    found: list[str] = []
    if project.type is ProjectType.DATA_CENTRE_PUE:
        if a.pue_after is not None and a.pue_after <= PUE_TARGET:
            found.append(f"Hunan plan target met: PUE {a.pue_after:g} ≤ {PUE_TARGET}")
        if a.pue_before is not None and a.pue_before > PUE_RETROFIT_ABOVE:
            found.append(
                f"Hunan plan priority: retrofit of data centres above PUE 1.5 "
                f"(before {a.pue_before:g})"
            )
    before = a.coal_rate_before_gce_per_kwh or 0.0
    if project.type is ProjectType.COAL_POWER_UPGRADE and before > COAL_RATE_ABOVE:
        found.append(f"Hunan plan priority: coal unit upgrade ({before:g} gce/kWh > 300)")
    if project.type is ProjectType.FUEL_SWITCH and a.baseline_fuel is Fuel.COAL:
        to_gas = a.project_fuel is Fuel.NATURAL_GAS and a.project_fuel_gj
        found.append(
            "Hunan plan priority: coal to gas"
            if to_gas
            else "Hunan plan priority: coal to electricity"
        )
    if project.type is ProjectType.WETLAND and project.city in DONGTING_LAKE_CITIES:
        found.append("Hunan plan priority: Dongting Lake wetland protection")
    return tuple(found)
