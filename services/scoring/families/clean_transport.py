"""Transport electrification: electric buses and trucks replace diesel or gasoline vehicles."""

from __future__ import annotations

from schemas.vocabulary import Fuel, ProjectFamily, ProjectType
from scoring.estimate.errors import InvalidActivityData
from scoring.estimate.methodology import grid_import_tco2e, methodology
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.activity_norm import ActivityNorm
from scoring.families.family import Family

VERSION = "1.0.0"
LIQUID_FUELS = (Fuel.DIESEL, Fuel.GASOLINE)
MAX_KM_PER_VEHICLE_YEAR = 200_000.0
"""City buses and heavy trucks run 60,000-150,000 km a year; 200,000 km is ~550 km a day."""


@methodology(
    VERSION,
    "tr-electric-fleet",
    ProjectType.EV_BUS,
    ProjectType.EV_TRUCK,
    required=(
        "fleet_size",
        "annual_km_per_vehicle",
        "baseline_fuel_l_per_100km",
        "electricity_kwh_per_100km",
    ),
)
def electric_fleet(w: Workings) -> MethodologyResult:
    """Fuel the replaced vehicles would burn, minus the grid power the new ones draw.

    Name: Electric buses and trucks replacing fossil vehicles
    Formula: EF_km = SFC (L/100 km) / 100 × density × NCV × EF_CO2;
        BE = EF_km × km per vehicle × vehicles;
        PE = vehicles × km × kWh/100 km / 1e5 × EF_grid × (1 + TDL); ER = BE − PE
    Source: UNFCCC AMS-III.C (emission reductions by electric and hybrid vehicles)
    """
    fuel = w.fuel("baseline_fuel", default=Fuel.DIESEL)
    if fuel not in LIQUID_FUELS:
        raise InvalidActivityData(
            f"baseline_fuel {fuel.value} is not a liquid vehicle fuel (diesel or gasoline)",
            field="baseline_fuel",
        )
    vehicles = w.need("fleet_size")
    km = w.need("annual_km_per_vehicle")
    sfc = w.need("baseline_fuel_l_per_100km")
    kwh_per_100km = w.need("electricity_kwh_per_100km")
    key = f"fuel.{fuel.value}"
    t_per_km = sfc / 100.0 * w.factor(f"{key}.density_t_per_m3") / 1000.0
    ef_km = t_per_km * w.factor(f"{key}.ncv_gj_per_t") * w.factor(f"{key}.ef_tco2_per_gj")
    w.step("ef_km_tco2_per_km", ef_km, "tCO2/km", "SFC / 100 × density / 1e3 × NCV × EF_CO2")
    baseline = w.step("fleet_fuel_tco2e", ef_km * km * vehicles, "tCO2e/yr", "EF_km × km × N")
    mwh = vehicles * km * kwh_per_100km / 1e5
    w.step("fleet_electricity_mwh", mwh, "MWh/yr", "N × km × kWh/100 km / 1e5")
    return w.result(baseline, grid_import_tco2e(w, mwh, "pe_electricity_tco2e"))


METHODOLOGIES = (electric_fleet,)


DISTANCE = ActivityNorm(
    code="annual_distance_implausible",
    field="annual_km_per_vehicle",
    per=None,
    limit=MAX_KM_PER_VEHICLE_YEAR,
    floor=False,
    reason="{value:,.0f} km per vehicle a year is above the {limit:,.0f} km a vehicle can run"
    " (about 550 km a day)",
    rule="annual_distance_implausible: credited at {limit:,.0f} km",
)


FAMILY = Family(
    ProjectFamily.CLEAN_TRANSPORT,
    METHODOLOGIES,
    norms=(DISTANCE,),
)
