"""Normalized reduction intensities: the features peers are compared on.

Per MW for capacity-based types, per 10,000 CNY for every type, per hectare for sinks; the model
works on their natural logarithms so a factor-of-ten claim is equally far up or down.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from schemas.project import ProjectSpec
from schemas.vocabulary import ProjectType

PER_MW = "tco2e_per_mw"
PER_10K_CNY = "tco2e_per_10k_cny"
PER_HA = "tco2e_per_ha"
FEATURES: tuple[str, ...] = (PER_MW, PER_10K_CNY, PER_HA)
FEATURE_UNITS = {
    PER_MW: "tCO2e/yr per MW",
    PER_10K_CNY: "tCO2e/yr per 10,000 CNY",
    PER_HA: "tCO2e/yr per ha",
}
FEATURE_FIELDS = {PER_MW: "capacity_mw", PER_10K_CNY: "capex_cny", PER_HA: "area_ha"}

_CAPACITY_TYPES = {
    ProjectType.WIND,
    ProjectType.SOLAR_PV,
    ProjectType.HYDRO,
    ProjectType.BIOMASS,
    ProjectType.GEOTHERMAL,
    ProjectType.WASTE_TO_ENERGY,
    ProjectType.WASTE_HEAT_POWER,
    ProjectType.ROOFTOP_PV,
}
_AREA_TYPES = {ProjectType.FORESTRY, ProjectType.WETLAND}
FEATURES_OF_TYPE: dict[ProjectType, tuple[str, ...]] = {
    t: (PER_MW, PER_10K_CNY)
    if t in _CAPACITY_TYPES
    else (PER_HA, PER_10K_CNY)
    if t in _AREA_TYPES
    else (PER_10K_CNY,)
    for t in ProjectType
}

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class IntensityRow:
    """What the model needs of one scored project (the service can store exactly this)."""

    type: ProjectType
    annual_tco2e: float
    capex_cny: Decimal
    capacity_mw: float | None = None
    area_ha: float | None = None

    @classmethod
    def of(cls, project: ProjectSpec, annual_tco2e: float) -> IntensityRow:
        """The row of a project and its computed annual reduction."""
        return cls(
            type=project.type,
            annual_tco2e=annual_tco2e,
            capex_cny=project.capex_cny,
            capacity_mw=project.activity.capacity_mw,
            area_ha=project.activity.area_ha,
        )


def raw_intensities(rows: list[IntensityRow] | tuple[IntensityRow, ...]) -> FloatArray:
    """n × 3 matrix of intensities (FEATURES order); NaN where a denominator is absent or 0."""
    annual = np.array([r.annual_tco2e for r in rows], dtype=np.float64)
    denominators = np.array(
        [
            (r.capacity_mw or np.nan, float(r.capex_cny) / 1e4 or np.nan, r.area_ha or np.nan)
            for r in rows
        ],
        dtype=np.float64,
    ).reshape(len(rows), len(FEATURES))
    with np.errstate(divide="ignore", invalid="ignore"):
        return annual[:, None] / denominators


def log_intensities(raw: FloatArray) -> FloatArray:
    """Natural logs; non-positive intensities (no reduction) become NaN, never −inf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(raw > 0, np.log(np.where(raw > 0, raw, 1.0)), np.nan)
