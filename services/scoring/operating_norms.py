"""Operating-norm checks: claims that no real vehicle, battery, capture unit or furnace meets.

Sources for the bounds (deliberately loose, so only exaggerations trip them):
- city buses and heavy trucks run 60,000-150,000 km a year; 200,000 km is about 550 km every
  day of the year;
- grid batteries cycle at most about once or twice a day, so avoided curtailment above
  550 × the stored energy (1.5 cycles a day all year) cannot be delivered;
- post-combustion capture with compression needs about 0.1-0.4 MWh of electricity per tonne
  of CO2 (IEA GHG); below 0.05 MWh/t the energy claim is not credible;
- scrap-based electric-arc furnaces use about 0.35-0.6 MWh per tonne of steel (worldsteel);
  below 0.25 MWh/t the electricity claim is not credible.
"""

from __future__ import annotations

from schemas.project import ProjectSpec
from schemas.scoring import Flag, FlagSeverity
from schemas.vocabulary import ProjectType

MAX_KM_PER_VEHICLE_YEAR = 200_000.0
MAX_STORAGE_CYCLES_PER_YEAR = 550.0
MIN_CAPTURE_MWH_PER_T = 0.05
MIN_EAF_MWH_PER_T = 0.25


def _warn(code: str, field: str, reason: str) -> Flag:
    return Flag(code=code, field=field, severity=FlagSeverity.WARN, reason=reason)


def operating_checks(p: ProjectSpec) -> list[Flag]:
    """Flags for activity data beyond what the equipment can physically do in a year."""
    a, flags = p.activity, []
    km = a.annual_km_per_vehicle
    if p.type in (ProjectType.EV_BUS, ProjectType.EV_TRUCK) and km and km > MAX_KM_PER_VEHICLE_YEAR:
        flags.append(
            _warn(
                "annual_distance_implausible",
                "annual_km_per_vehicle",
                f"{a.annual_km_per_vehicle:,.0f} km per vehicle a year is above the "
                f"{MAX_KM_PER_VEHICLE_YEAR:,.0f} km a vehicle can run (about 550 km a day)",
            )
        )
    if p.type is ProjectType.ENERGY_STORAGE and a.storage_energy_mwh and a.curtailment_avoided_mwh:
        cycles = a.curtailment_avoided_mwh / a.storage_energy_mwh
        if cycles > MAX_STORAGE_CYCLES_PER_YEAR:
            flags.append(
                _warn(
                    "storage_cycles_exceed_physical_limit",
                    "curtailment_avoided_mwh",
                    f"{cycles:,.0f} full cycles a year exceeds the "
                    f"~{MAX_STORAGE_CYCLES_PER_YEAR:.0f} a grid battery can deliver (1.5 a day)",
                )
            )
    if p.type is ProjectType.CCUS and a.co2_captured_t and a.capture_electricity_mwh is not None:
        per_t = a.capture_electricity_mwh / a.co2_captured_t
        if per_t < MIN_CAPTURE_MWH_PER_T:
            flags.append(
                _warn(
                    "capture_energy_implausible",
                    "capture_electricity_mwh",
                    f"{per_t:.3f} MWh per tonne captured is below the {MIN_CAPTURE_MWH_PER_T} MWh/t"
                    " that capture and compression need (typically 0.1-0.4)",
                )
            )
    electricity = a.project_electricity_mwh
    if p.type is ProjectType.EAF_STEEL and a.steel_output_t and electricity is not None:
        per_t = electricity / a.steel_output_t
        if per_t < MIN_EAF_MWH_PER_T:
            flags.append(
                _warn(
                    "electricity_intensity_implausible",
                    "project_electricity_mwh",
                    f"{per_t:.3f} MWh per tonne of steel is below the {MIN_EAF_MWH_PER_T} MWh/t"
                    " an electric-arc furnace needs (typically 0.35-0.6)",
                )
            )
    return flags
