"""Taxonomy tags: green finance catalogue (2025), carbon-reduction facility, ICMA, Hunan plan.

The mapping per project type lives in `taxonomy_2025.json` beside this module so reviewers can
correct it without touching code. Top-level categories are the nine of the Green Finance
Support Project Catalogue (2025 edition) in the catalogue's order; deeper code paths are the
platform's best mapping and carry `catalogue_code_status="indicative"` until checked.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from schemas.project import ProjectSpec
from schemas.scoring import CarbonReductionField, Taxonomy
from schemas.vocabulary import ProjectType
from scoring.families import carbon_peak_recognitions

TABLE_PATH = Path(__file__).with_name("taxonomy_2025.json")
HIGH_ENERGY_HIGH_EMISSION_NOTE = (
    "high-energy, high-emission project: not eligible for carbon-reduction-facility loans; "
    "green catalogue eligibility needs case review"
)


def _load(path: Path) -> dict[ProjectType, Taxonomy]:
    table: dict[str, Any] = orjson.loads(path.read_bytes())
    tags: dict[ProjectType, Taxonomy] = {}
    for project_type in ProjectType:
        row = table["types"][project_type.value]
        top = row["code_path"].split(".", 1)[0]
        tags[project_type] = Taxonomy(
            catalogue_version=table["catalogue_version"],
            catalogue_category_code=top,
            catalogue_category=table["categories"][top],
            catalogue_code_path=row["code_path"],
            catalogue_item=row["item"],
            carbon_reduction_facility_field=row["carbon_reduction_facility_field"],
            icma_category=row["icma_category"],
            plan_recognitions=tuple(row["plan_recognitions"]),
        )
    return tags


BASE_TAGS: MappingProxyType[ProjectType, Taxonomy] = MappingProxyType(_load(TABLE_PATH))


def tag(project: ProjectSpec) -> Taxonomy:
    """The type's tags plus plan targets the project meets; 两高 projects lose CERF eligibility."""
    base = BASE_TAGS[project.type]
    extra = carbon_peak_recognitions(project)
    if not extra and not project.high_energy_high_emission:
        return base
    update: dict[str, object] = {"plan_recognitions": base.plan_recognitions + extra}
    if project.high_energy_high_emission:
        update |= {
            "high_energy_high_emission": True,
            "carbon_reduction_facility_field": CarbonReductionField.NOT_ELIGIBLE,
            "notes": (*base.notes, HIGH_ENERGY_HIGH_EMISSION_NOTE),
        }
    return base.model_copy(update=update)
