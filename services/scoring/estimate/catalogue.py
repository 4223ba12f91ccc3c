"""Which methodology scores each project type, and the catalogue `GET /v1/methodologies` lists.

Methodologies live in their family's module (`scoring.families`); this is their index.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from schemas.project import ProjectSpec
from schemas.vocabulary import ProjectType
from scoring.estimate.factors import FactorSet
from scoring.estimate.methodology import Methodology
from scoring.estimate.workings import MethodologyResult
from scoring.families import FAMILIES
from servicekit.row_views import object_view

METHODOLOGIES: tuple[Methodology, ...] = tuple(m for f in FAMILIES for m in f.methodologies)
METHODOLOGY_OF_TYPE: dict[ProjectType, Methodology] = {
    project_type: m for m in METHODOLOGIES for project_type in m.applicable_types
}


class MethodologyInfo(BaseModel):
    """One catalogue entry: what a methodology computes, from which source, with which data."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    version: str
    formula: str
    source: str
    applicable_types: tuple[ProjectType, ...]
    required_activity_fields: tuple[str, ...]


def catalogue() -> list[MethodologyInfo]:
    """Every methodology, in registry order, ready to serialize."""
    return [
        object_view(MethodologyInfo, m, required_activity_fields=m.required_fields)
        for m in METHODOLOGIES
    ]


def compute(project: ProjectSpec, factors: FactorSet) -> MethodologyResult:
    """Annual reduction of one project under its type's methodology and `factors`."""
    methodology = METHODOLOGY_OF_TYPE[project.type]
    return methodology.compute(project.activity, factors, project.declared_factor, project.province)
