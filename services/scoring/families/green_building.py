"""Buildings: retrofits and ultra-low-energy buildings save energy; rooftop PV displaces grid."""

from __future__ import annotations

from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.estimate.methodology import (
    generation_displacing_grid,
    methodology,
)
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.energy_efficiency import savings_tco2e
from scoring.families.family import Family

VERSION = "1.0.0"
_SAVINGS = ("energy_saved_tce", "electricity_saved_mwh")


def _building_savings(w: Workings) -> MethodologyResult:
    baseline = savings_tco2e(w)
    area = w.need("floor_area_m2")
    if area > 0:
        w.step("reduction_kg_per_m2", baseline * 1000.0 / area, "kgCO2e/m²/yr", "BE × 1e3 / m²")
    return w.result(baseline, 0.0)


@methodology(
    VERSION, "bld-retrofit", ProjectType.BUILDING_RETROFIT, required=(_SAVINGS, "floor_area_m2")
)
def building_retrofit(w: Workings) -> MethodologyResult:
    """Energy a retrofitted building no longer uses is emissions avoided.

    Name: Energy-saving retrofit of existing buildings
    Formula: ER = tce saved × EF_coal(tCO2/tce) + MWh saved × EF_grid; PE = LE = 0
    Source: UNFCCC AMS-II.E (energy efficiency and fuel switching measures for buildings)
    """
    return _building_savings(w)


@methodology(
    VERSION,
    "bld-ultra-low-energy",
    ProjectType.ULTRA_LOW_ENERGY_BUILDING,
    required=(_SAVINGS, "floor_area_m2"),
)
def ultra_low_energy_building(w: Workings) -> MethodologyResult:
    """Savings against a code-compliant building of the same floor area.

    Name: Ultra-low-energy building
    Formula: ER = tce saved × EF_coal(tCO2/tce) + MWh saved × EF_grid (versus GB 55015-2021
        code baseline); PE = LE = 0
    Source: UNFCCC AMS-II.E; GB/T 51350-2019 (nearly zero energy buildings)
    """
    return _building_savings(w)


@methodology(VERSION, "bld-rooftop-pv", ProjectType.ROOFTOP_PV, required=("annual_generation_mwh",))
def rooftop_pv(w: Workings) -> MethodologyResult:
    """Rooftop PV, self-consumed or exported, displaces grid electricity.

    Name: Rooftop photovoltaics
    Formula: ER = EG × EF_grid − PE;
        PE = auxiliary fossil GJ × EF_CO2 + grid import MWh × EF_grid × (1 + TDL)
    Source: UNFCCC AMS-I.F (captive use) / AMS-I.D (grid export)
    """
    return generation_displacing_grid(w)


METHODOLOGIES = (building_retrofit, ultra_low_energy_building, rooftop_pv)


FAMILY = Family(
    ProjectFamily.GREEN_BUILDING,
    METHODOLOGIES,
    capacity_factor_norms={ProjectType.ROOFTOP_PV: 0.25},
)
