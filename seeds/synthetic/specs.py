"""Synthetic projects as validated `ProjectSpec`s, for scoring's benchmark and tests.

The same profiles (`PROFILES`, the one table of magnitudes per project type) and the same
builder as the demo and load files, so a benchmark scores what the platform would ingest.
"""

from __future__ import annotations

import random

from schemas.project import ProjectSpec
from schemas.vocabulary import ProjectType
from seeds.synthetic.geography import CITIES
from seeds.synthetic.profiles import CITY_CUM_WEIGHTS, TYPE_CUM_WEIGHTS, TYPES
from seeds.synthetic.projects import build_project


def synthetic_spec(r: random.Random, project_type: ProjectType | None = None) -> ProjectSpec:
    """One plausible project of `project_type` (types drawn by their weights when None)."""
    kind = project_type or r.choices(TYPES, cum_weights=TYPE_CUM_WEIGHTS)[0]
    city = r.choices(CITIES, cum_weights=CITY_CUM_WEIGHTS[kind])[0]
    return ProjectSpec.model_validate(build_project(r, kind, city))


def synthetic_specs(
    n: int, seed: int = 0, project_type: ProjectType | None = None
) -> list[ProjectSpec]:
    """`n` reproducible synthetic projects (mixed types unless one is given)."""
    r = random.Random(seed)
    return [synthetic_spec(r, project_type) for _ in range(n)]
