"""The family table: one module per project family, each owning all scoring knows of it.

A family module holds its methodologies, the norms its checks apply, how claims beyond them
are credited and the Hunan carbon-peak plan targets its projects can meet. Adding a family
means writing its module and listing its `FAMILY` here (plus its types in
`schemas.vocabulary` and its taxonomy row); every dispatch on project type reads this table.
"""

from __future__ import annotations

from types import MappingProxyType

from schemas.project import ProjectSpec
from schemas.vocabulary import ProjectType
from scoring.families import (
    carbon_sink,
    ccus,
    clean_transport,
    data_centre,
    energy_efficiency,
    energy_storage,
    fuel_switching,
    green_building,
    industrial_process,
    renewable_power,
)
from scoring.families.family import Family

FAMILIES: tuple[Family, ...] = (
    renewable_power.FAMILY,
    energy_efficiency.FAMILY,
    fuel_switching.FAMILY,
    green_building.FAMILY,
    data_centre.FAMILY,
    clean_transport.FAMILY,
    carbon_sink.FAMILY,
    industrial_process.FAMILY,
    energy_storage.FAMILY,
    ccus.FAMILY,
)
FAMILY_OF: MappingProxyType[ProjectType, Family] = MappingProxyType(
    {project_type: f for f in FAMILIES for project_type in f.types}
)
CAPACITY_FACTOR_NORMS: MappingProxyType[ProjectType, float] = MappingProxyType(
    {t: norm for f in FAMILIES for t, norm in f.capacity_factor_norms.items()}
)


def carbon_peak_recognitions(project: ProjectSpec) -> tuple[str, ...]:
    """Targets of the Hunan carbon-peak plan this project's activity data meets or serves."""
    targets = FAMILY_OF[project.type].carbon_peak_targets
    return () if targets is None else targets(project)


__all__ = ["CAPACITY_FACTOR_NORMS", "FAMILIES", "FAMILY_OF", "Family", "carbon_peak_recognitions"]
