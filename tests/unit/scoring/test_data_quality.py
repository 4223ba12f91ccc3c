"""PCAF-style tiers: evidence helps, secondary or declared factors and defaults cost a tier."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.project import ProjectSpec
from schemas.vocabulary import ProjectType
from scoring.estimate.catalogue import compute
from scoring.estimate.factors import FactorSet
from scoring.score.quality import data_quality_tier

pytestmark = pytest.mark.unit
BuildProject = Callable[..., ProjectSpec]


def _tier(
    factors: FactorSet, make_project: BuildProject, project_type: ProjectType, **kwargs: object
) -> int:
    evidence = bool(kwargs.pop("evidence", True))
    project = make_project(project_type, evidence=evidence, **kwargs)
    return data_quality_tier(compute(project, factors), has_evidence=evidence)


def test_primary_factors_with_evidence_reach_tier_2(
    factors: FactorSet, make_project: BuildProject
) -> None:
    assert _tier(factors, make_project, ProjectType.ENERGY_EFFICIENCY, energy_saved_tce=1_000) == 2


def test_missing_evidence_costs_a_tier(factors: FactorSet, make_project: BuildProject) -> None:
    assert (
        _tier(
            factors,
            make_project,
            ProjectType.ENERGY_EFFICIENCY,
            energy_saved_tce=1_000,
            evidence=False,
        )
        == 3
    )


def test_the_secondary_hunan_grid_factor_caps_quality_at_tier_3(
    factors: FactorSet, make_project: BuildProject
) -> None:
    assert _tier(factors, make_project, ProjectType.WIND, annual_generation_mwh=1_000) == 3


def test_a_declared_factor_is_tier_4_with_evidence(
    factors: FactorSet, make_project: BuildProject
) -> None:
    declared = {"value": 0.6, "source": "PDD"}
    assert (
        _tier(
            factors, make_project, ProjectType.WIND, annual_generation_mwh=1_000, declared=declared
        )
        == 4
    )


def test_defaults_in_place_of_project_data_cost_a_tier(
    factors: FactorSet, make_project: BuildProject
) -> None:
    measured = _tier(
        factors, make_project, ProjectType.FORESTRY, area_ha=100, sequestration_tco2e_per_ha=4
    )
    assumed = _tier(factors, make_project, ProjectType.FORESTRY, area_ha=100)
    assert (measured, assumed) == (2, 4)  # the default rate is also a secondary-status value


def test_tiers_never_exceed_5(factors: FactorSet, make_project: BuildProject) -> None:
    declared = {"factor": "sink.forest_default_tco2e_per_ha_yr", "value": 9, "source": "own survey"}
    assert (
        _tier(
            factors,
            make_project,
            ProjectType.FORESTRY,
            area_ha=100,
            declared=declared,
            evidence=False,
        )
        == 5
    )
