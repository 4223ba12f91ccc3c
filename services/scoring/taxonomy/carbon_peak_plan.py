"""Figures of the Hunan carbon-peak implementation plan that projects' own data can meet.

The plan (Hunan Provincial Department of Housing and Urban-Rural Development copy) asks that
new large data centres reach PUE ≤ 1.3 and those above 1.5 be retrofitted, that coal units
above 300 gce/kWh be upgraded, that coal give way to electricity and gas, and that the
Dongting Lake wetlands be protected. Each family whose types the plan names recognizes its
targets (`Family.carbon_peak_targets`); `ASKS` lists those types so the family table can be
checked against the plan.
"""

from __future__ import annotations

from types import MappingProxyType

from schemas.vocabulary import City, ProjectType

PUE_TARGET = 1.3
PUE_RETROFIT_ABOVE = 1.5
COAL_RATE_ABOVE = 300.0  # gce/kWh
DONGTING_LAKE_CITIES = frozenset({City.YUEYANG, City.CHANGDE, City.YIYANG})

ASKS: MappingProxyType[ProjectType, str] = MappingProxyType(
    {
        ProjectType.DATA_CENTRE_PUE: "PUE ≤ 1.3; retrofit data centres above PUE 1.5",
        ProjectType.COAL_POWER_UPGRADE: "upgrade coal units above 300 gce/kWh",
        ProjectType.FUEL_SWITCH: "coal gives way to electricity and gas",
        ProjectType.WETLAND: "protect the Dongting Lake wetlands",
    }
)
"""What the plan asks of each project type it names."""
