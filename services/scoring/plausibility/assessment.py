"""Plausibility: hard physical checks first, then the learned peer model when one exists.

`reject` means the claim is physically impossible or reduces nothing; `warn` means a person
should look (a capacity factor above the type's norm, a sink rate above ~20 tCO2e/ha/yr, a
declared factor far from the official one, an outlier among peers). Types with fewer than
`model.MIN_PEERS` peers get the hard checks only.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.project import ProjectSpec
from schemas.scoring import Flag
from scoring.estimate.factors import FactorSet
from scoring.plausibility.checks import hard_checks
from scoring.plausibility.intensity import IntensityRow
from scoring.plausibility.peer_model import MIN_PEERS, PlausibilityModel, train

__all__ = ["MIN_PEERS", "PlausibilityModel", "assess", "hard_checks", "train"]


def assess(
    projects: Sequence[ProjectSpec],
    annual_tco2e: Sequence[float],
    factors: FactorSet,
    model: PlausibilityModel | None = None,
) -> list[list[Flag]]:
    """Flags per project: hard checks, then peer outliers when a model covers the type."""
    flags = [hard_checks(p, e, factors) for p, e in zip(projects, annual_tco2e, strict=True)]
    if model is not None and model.peers:
        rows = [IntensityRow.of(p, e) for p, e in zip(projects, annual_tco2e, strict=True)]
        for mine, learned in zip(flags, model.assess(rows), strict=True):
            mine.extend(learned)
    return flags
