"""Deliberately implausible demo projects: what is broken in each and what should flag it."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from schemas.vocabulary import ProjectType
from seeds.synthetic.projects import wan
from seeds.synthetic.shapes import Row

T = ProjectType


class Implausible(NamedTuple):
    """A deliberately implausible demo project: how it is broken and what should flag it."""

    type: ProjectType
    reason: str
    change: Callable[[Row], Row]
    capex_factor: float = 1.0


def _times(field: str, base: str, factor: float, digits: int = 1) -> Callable[[Row], Row]:
    return lambda a: {field: round(a[base] * factor, digits)}


def _coal_rate_after(rate: float) -> Callable[[Row], Row]:
    def change(a: Row) -> Row:
        saved = a["annual_generation_mwh"] * (a["coal_rate_before_gce_per_kwh"] - rate) / 1000
        return {"coal_rate_after_gce_per_kwh": rate, "energy_saved_tce": round(saved, 1)}

    return change


# fmt: off
IMPLAUSIBLE: tuple[Implausible, ...] = (
    Implausible(T.WIND, "generation_exceeds_capacity",
                _times("annual_generation_mwh", "capacity_mw", 8760 * 1.3)),
    Implausible(T.ROOFTOP_PV, "generation_exceeds_capacity",
                _times("annual_generation_mwh", "capacity_mw", 9500)),
    Implausible(T.SOLAR_PV, "capacity_factor_implausible",
                _times("annual_generation_mwh", "capacity_mw", 8760 * 0.6)),
    Implausible(T.FORESTRY, "sequestration_rate_implausible",
                lambda a: {"sequestration_tco2e_per_ha": 80.0}),
    Implausible(T.WETLAND, "sequestration_rate_implausible",
                lambda a: {"sequestration_tco2e_per_ha": 45.0}),
    Implausible(T.COAL_POWER_UPGRADE, "coal_rate_implausible", _coal_rate_after(180.0)),
    Implausible(T.DATA_CENTRE_PUE, "reduction_per_investment_outlier",
                _times("it_load_kw", "it_load_kw", 25, 0), capex_factor=0.5),
    Implausible(T.EV_BUS, "reduction_per_investment_outlier", lambda a: {}, capex_factor=0.02),
    Implausible(T.ENERGY_EFFICIENCY, "reduction_per_investment_outlier", lambda a: {},
                capex_factor=0.02),
    Implausible(T.ENERGY_STORAGE, "storage_cycles_exceed_physical_limit",
                _times("curtailment_avoided_mwh", "storage_energy_mwh", 1500)),
    Implausible(T.EV_TRUCK, "annual_distance_implausible",
                lambda a: {"annual_km_per_vehicle": 400_000}),
    Implausible(T.EAF_STEEL, "electricity_intensity_implausible",
                _times("project_electricity_mwh", "steel_output_t", 0.05, 0)),
    Implausible(T.CCUS, "capture_energy_implausible",
                _times("capture_electricity_mwh", "co2_captured_t", 0.002)),
)
# fmt: on


def scale_capex(project: Row, factor: float) -> None:
    """Scale capex and financing need in place, keeping whole 万元 and need ≤ capex."""
    capex = max(1, round(int(project["capex_cny"][:-7]) * factor))
    need = min(capex, max(1, round(int(project["financing_need_cny"][:-7]) * factor)))
    project.update(capex_cny=wan(capex), financing_need_cny=wan(need))
