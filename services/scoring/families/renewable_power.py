"""Grid-connected renewable power: generation displaces grid electricity at the grid factor."""

from __future__ import annotations

import math

from schemas.project import ProjectSpec
from schemas.scoring import Flag
from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.estimate.methodology import (
    auxiliary_tco2e,
    displaced_grid_tco2e,
    generation_displacing_grid,
    methodology,
)
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.family import Family
from scoring.plausibility.flags import warn

VERSION = "1.0.0"
HYDRO_PD_NO_EMISSIONS_W_PER_M2 = 10.0
HYDRO_PD_ELIGIBLE_W_PER_M2 = 4.0


@methodology(
    VERSION,
    "re-wind-solar",
    ProjectType.WIND,
    ProjectType.SOLAR_PV,
    required=("annual_generation_mwh",),
)
def wind_solar_power(w: Workings) -> MethodologyResult:
    """Wind and solar farms displace grid power; only auxiliary fossil fuel and imports count.

    Name: Grid-connected wind and solar power
    Formula: ER = EG × EF_grid − PE; LE = 0;
        PE = fossil fuel GJ × EF_CO2 + grid import MWh × EF_grid × (1 + TDL)
    Source: UNFCCC ACM0002 (large scale) / AMS-I.D (small scale); CCER-01-001 (offshore wind)
    """
    return generation_displacing_grid(w)


@methodology(VERSION, "re-geothermal", ProjectType.GEOTHERMAL, required=("annual_generation_mwh",))
def geothermal_power(w: Workings) -> MethodologyResult:
    """Geothermal power displaces grid power; non-condensable gases are not modelled.

    Name: Geothermal power
    Formula: ER = EG × EF_grid − PE; LE = 0;
        PE = fossil fuel GJ × EF_CO2 + grid import MWh × EF_grid × (1 + TDL)
    Source: UNFCCC ACM0002 (geothermal plants) / AMS-I.D
    """
    return generation_displacing_grid(w)


@methodology(VERSION, "re-biomass", ProjectType.BIOMASS, required=("annual_generation_mwh",))
def biomass_power(w: Workings) -> MethodologyResult:
    """Biomass residues replace grid power; co-fired fossil fuel is project emissions.

    Name: Biomass residue power
    Formula: ER = EG × EF_grid − PE; LE = 0;
        PE = co-fired fossil GJ × EF_CO2 + grid import MWh × EF_grid × (1 + TDL)
    Source: UNFCCC ACM0018 (biomass residues, power only) / AMS-I.D
    """
    return generation_displacing_grid(w)


@methodology(
    VERSION, "re-waste-to-energy", ProjectType.WASTE_TO_ENERGY, required=("annual_generation_mwh",)
)
def waste_to_energy_power(w: Workings) -> MethodologyResult:
    """Waste incineration power credited for displaced grid power only (no landfill methane).

    Name: Waste-to-energy power (electricity component)
    Formula: ER = EG × EF_grid − PE; LE = 0;
        PE = auxiliary fossil GJ × EF_CO2 + grid import MWh × EF_grid × (1 + TDL)
    Source: UNFCCC ACM0022 (electricity component only; avoided landfill methane not credited)
    """
    return generation_displacing_grid(w)


@methodology(VERSION, "re-hydro", ProjectType.HYDRO, required=("annual_generation_mwh",))
def hydro_power(w: Workings) -> MethodologyResult:
    """Hydro displaces grid power; a reservoir's emissions follow the power-density rule.

    Name: Grid-connected hydro power (run-of-river, or with reservoir power-density rule)
    Formula: ER = EG × EF_grid − PE_res − PE_aux; no reservoir area given (run-of-river) →
        PE_res = 0; else PD = capacity / flooded area; PD > 10 W/m² → PE_res = 0;
        4 < PD ≤ 10 W/m² → PE_res = 0.090 tCO2e/MWh × EG; PD ≤ 4 W/m² → not eligible,
        no reduction credited
    Source: UNFCCC ACM0002 (run-of-river plants and hydro power plants with reservoirs)
    """
    generation = w.need("annual_generation_mwh")
    baseline = displaced_grid_tco2e(w, generation)
    auxiliary = auxiliary_tco2e(w)
    area_km2 = w.maybe("reservoir_area_km2")
    if area_km2 is None:
        w.note(
            "reservoir_rule", "no reservoir area: run-of-river, reservoir emissions 0", "ACM0002"
        )
        return w.result(baseline, auxiliary)
    capacity_mw = w.need("capacity_mw")
    density = capacity_mw / area_km2 if area_km2 > 0 else math.inf
    w.step("power_density_w_per_m2", density, "W/m²", "capacity_mw × 1e6 W / (km² × 1e6 m²)")
    if density > HYDRO_PD_NO_EMISSIONS_W_PER_M2:
        w.note("reservoir_rule", "PD > 10 W/m²: reservoir emissions 0", "ACM0002")
        return w.result(baseline, auxiliary)
    if density > HYDRO_PD_ELIGIBLE_W_PER_M2:
        reservoir = generation * w.factor("hydro_reservoir_tco2e_per_mwh")
        w.step("pe_reservoir_tco2e", reservoir, "tCO2e/yr", "EF_res × EG  [ACM0002]")
        return w.result(baseline, reservoir + auxiliary)
    w.note("reservoir_rule", "PD ≤ 4 W/m²: not eligible, no reduction credited", "ACM0002")
    return w.result(baseline, baseline)


METHODOLOGIES = (
    wind_solar_power,
    hydro_power,
    biomass_power,
    geothermal_power,
    waste_to_energy_power,
)


def hydro_checks(p: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    """A reservoir too large for its capacity earns nothing under ACM0002: say so up front."""
    a = p.activity
    if p.type is not ProjectType.HYDRO or not a.capacity_mw or not a.reservoir_area_km2:
        return []
    density = a.capacity_mw / a.reservoir_area_km2
    if density > HYDRO_PD_ELIGIBLE_W_PER_M2:
        return []
    return [
        warn(
            "hydro_power_density_low",
            "reservoir_area_km2",
            f"power density {density:.2f} W/m² ≤ 4: ACM0002 credits nothing",
        )
    ]


FAMILY = Family(
    ProjectFamily.RENEWABLE_POWER,
    METHODOLOGIES,
    checks=hydro_checks,
    capacity_factor_norms={
        ProjectType.SOLAR_PV: 0.25,
        ProjectType.WIND: 0.45,
        ProjectType.HYDRO: 0.70,
        ProjectType.BIOMASS: 0.95,
        ProjectType.GEOTHERMAL: 0.95,
        ProjectType.WASTE_TO_ENERGY: 0.95,
    },
)
