"""Synthetic Hunan-like projects for benchmarks, model training in tests and demos.

Magnitudes are typical of each type (capacity factors, capex per unit, savings per m²) so
intensities land where real peers would; nothing here is data about real projects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from schemas.project import ProjectSpec
from schemas.vocabulary import City, Fuel, Instrument, ProjectType

Rng = np.random.Generator
Span = tuple[float, float]
Draw = Callable[[Rng], tuple[dict[str, Any], float]]
T = ProjectType


def _power(cf: tuple[float, float], mw: tuple[float, float], cny_per_mw: float) -> Draw:
    def draw(r: Rng) -> tuple[dict[str, Any], float]:
        capacity = r.uniform(*mw)
        generation = capacity * 8760 * r.uniform(*cf)
        return {
            "capacity_mw": capacity,
            "annual_generation_mwh": generation,
        }, capacity * cny_per_mw * r.lognormal(0, 0.15)

    return draw


def _hydro(r: Rng) -> tuple[dict[str, Any], float]:
    activity, capex = _power((0.35, 0.5), (5, 300), 8e6)(r)
    return activity | {"reservoir_area_km2": activity["capacity_mw"] / r.uniform(12, 60)}, capex


def _efficiency(r: Rng) -> tuple[dict[str, Any], float]:
    tce = r.uniform(1_000, 50_000)
    return {"energy_saved_tce": tce}, tce * r.uniform(3_000, 6_000)


def _coal(r: Rng) -> tuple[dict[str, Any], float]:
    before = r.uniform(303, 330)
    activity = {
        "coal_rate_before_gce_per_kwh": before,
        "coal_rate_after_gce_per_kwh": before - r.uniform(5, 15),
        "annual_generation_mwh": r.uniform(2e6, 6e6),
    }
    return activity, r.uniform(5e7, 2e8)


def _fuel_switch(r: Rng) -> tuple[dict[str, Any], float]:
    coal_t = r.uniform(5_000, 50_000)
    gas_gj = coal_t * 20.908 * r.uniform(0.8, 0.9)
    activity = {
        "baseline_fuel": Fuel.COAL,
        "baseline_fuel_t": coal_t,
        "project_fuel": Fuel.NATURAL_GAS,
        "project_fuel_gj": gas_gj,
    }
    return activity, coal_t * r.uniform(500, 1_500)


def _building(kwh_per_m2: tuple[float, float], cny_per_m2: tuple[float, float]) -> Draw:
    def draw(r: Rng) -> tuple[dict[str, Any], float]:
        area = r.uniform(5_000, 200_000)
        saved = area * r.uniform(*kwh_per_m2) / 1000
        return {"floor_area_m2": area, "electricity_saved_mwh": saved}, area * r.uniform(
            *cny_per_m2
        )

    return draw


def _data_centre(r: Rng) -> tuple[dict[str, Any], float]:
    load = r.uniform(500, 20_000)
    activity = {
        "it_load_kw": load,
        "pue_before": r.uniform(1.5, 2.0),
        "pue_after": r.uniform(1.2, 1.4),
    }
    return activity, load * r.uniform(2_000, 6_000)


def _fleet(n: tuple[int, int], km: Span, litres: Span, kwh: Span, cny: float) -> Draw:
    def draw(r: Rng) -> tuple[dict[str, Any], float]:
        fleet = int(r.integers(*n))
        activity = {
            "fleet_size": fleet,
            "annual_km_per_vehicle": r.uniform(*km),
            "baseline_fuel_l_per_100km": r.uniform(*litres),
            "electricity_kwh_per_100km": r.uniform(*kwh),
        }
        return activity, fleet * cny * r.lognormal(0, 0.1)

    return draw


def _sink(cny_per_ha: tuple[float, float]) -> Draw:
    def draw(r: Rng) -> tuple[dict[str, Any], float]:
        area = r.uniform(200, 20_000)
        return {"area_ha": area, "sequestration_tco2e_per_ha": r.uniform(2.5, 8)}, area * r.uniform(
            *cny_per_ha
        )

    return draw


def _eaf(r: Rng) -> tuple[dict[str, Any], float]:
    output = r.uniform(3e5, 2e6)
    activity = {
        "steel_output_t": output,
        "scrap_share": r.uniform(0.7, 1.0),
        "project_electricity_mwh": output * r.uniform(0.35, 0.5),
    }
    return activity, output * r.uniform(1_500, 3_000)


def _storage(r: Rng) -> tuple[dict[str, Any], float]:
    mw = r.uniform(20, 200)
    energy = mw * 2
    activity = {
        "capacity_mw": mw,
        "storage_energy_mwh": energy,
        "curtailment_avoided_mwh": energy * r.uniform(200, 300) * r.uniform(0.3, 0.6),
    }
    return activity, energy * 1.5e6 * r.lognormal(0, 0.1)


def _ccus(r: Rng) -> tuple[dict[str, Any], float]:
    captured = r.uniform(1e4, 5e5)
    return {
        "co2_captured_t": captured,
        "capture_electricity_mwh": captured * r.uniform(0.15, 0.3),
    }, captured * r.uniform(1_000, 3_000)


DRAWS: dict[ProjectType, tuple[Draw, int]] = {
    T.WIND: (_power((0.22, 0.3), (20, 200), 6e6), 25),
    T.SOLAR_PV: (_power((0.11, 0.14), (10, 200), 3.5e6), 25),
    T.HYDRO: (_hydro, 40),
    T.BIOMASS: (_power((0.7, 0.85), (15, 50), 9e6), 20),
    T.GEOTHERMAL: (_power((0.8, 0.9), (1, 20), 2e7), 25),
    T.WASTE_TO_ENERGY: (_power((0.7, 0.85), (10, 60), 1.5e7), 25),
    T.ENERGY_EFFICIENCY: (_efficiency, 15),
    T.WASTE_HEAT_POWER: (_power((0.7, 0.85), (5, 50), 6e6), 20),
    T.COAL_POWER_UPGRADE: (_coal, 15),
    T.FUEL_SWITCH: (_fuel_switch, 20),
    T.BUILDING_RETROFIT: (_building((20, 60), (300, 800)), 20),
    T.ULTRA_LOW_ENERGY_BUILDING: (_building((50, 100), (800, 1_500)), 50),
    T.ROOFTOP_PV: (_power((0.11, 0.13), (0.5, 20), 3.8e6), 25),
    T.DATA_CENTRE_PUE: (_data_centre, 10),
    T.EV_BUS: (_fleet((20, 500), (50_000, 80_000), (30, 40), (80, 120), 1.2e6), 8),
    T.EV_TRUCK: (_fleet((10, 200), (60_000, 120_000), (38, 50), (110, 150), 1.1e6), 8),
    T.FORESTRY: (_sink((10_000, 30_000)), 30),
    T.WETLAND: (_sink((20_000, 60_000)), 30),
    T.EAF_STEEL: (_eaf, 25),
    T.ENERGY_STORAGE: (_storage, 15),
    T.CCUS: (_ccus, 20),
}
_TYPES = tuple(DRAWS)
_CITIES = tuple(City)
_INSTRUMENTS = tuple(Instrument)


def synthetic_project(r: Rng, project_type: ProjectType | None = None) -> ProjectSpec:
    """One plausible project of `project_type` (random type when None)."""
    kind = project_type or _TYPES[int(r.integers(len(_TYPES)))]
    draw, lifetime = DRAWS[kind]
    activity, capex = draw(r)
    capex_cny = Decimal(f"{max(capex, 1e5):.2f}")
    start = date(2023, 1, 1) + timedelta(days=int(r.integers(0, 900)))
    chosen = r.choice(len(_INSTRUMENTS), size=int(r.integers(1, 4)), replace=False)
    return ProjectSpec.model_validate(
        {
            "name": f"{kind.value} project {int(r.integers(1_000_000))}",
            "type": kind,
            "city": _CITIES[int(r.integers(len(_CITIES)))],
            "capex_cny": capex_cny,
            "financing_need_cny": (capex_cny * Decimal("0.7")).quantize(Decimal("0.01")),
            "instruments": [_INSTRUMENTS[int(i)] for i in chosen],
            "tenor_months": int(r.integers(36, 181)),
            "lifetime_years": lifetime,
            "construction_start": start,
            "operation_date": start + timedelta(days=int(r.integers(180, 730))),
            "activity": activity,
            "evidence": [{"title": "feasibility study", "reference": "FS-1"}]
            if r.random() < 0.6
            else [],
        }
    )


def synthetic_projects(
    n: int, seed: int = 0, project_type: ProjectType | None = None
) -> list[ProjectSpec]:
    """`n` reproducible synthetic projects (mixed types unless one is given)."""
    rng = np.random.default_rng(seed)
    return [synthetic_project(rng, project_type) for _ in range(n)]
