"""Fixtures for scoring unit tests: the shipped factor sets and a compact project builder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from schemas.project import ProjectSpec
from schemas.vocabulary import City, Instrument, ProjectType, Province
from scoring.estimate.factors import FactorSet, default_factor_set, load_factor_sets

BuildProject = Callable[..., ProjectSpec]
CENT = Decimal("0.01")


def build_project(
    project_type: ProjectType,
    *,
    capex_cny: str = "100000000.00",
    lifetime_years: int = 20,
    city: City = City.CHANGSHA,
    declared: dict[str, Any] | None = None,
    evidence: bool = True,
    high_energy_high_emission: bool = False,
    province: Province = Province.HUNAN,
    **activity: Any,
) -> ProjectSpec:
    """A valid project of `project_type` with the given activity data."""
    return ProjectSpec.model_validate(
        {
            "province": province,
            "name": f"test {project_type.value}",
            "type": project_type,
            "city": city,
            "capex_cny": Decimal(capex_cny),
            "financing_need_cny": max((Decimal(capex_cny) / 2).quantize(CENT), CENT),
            "instruments": [Instrument.GREEN_LOAN],
            "tenor_months": 120,
            "lifetime_years": lifetime_years,
            "construction_start": date(2024, 1, 1),
            "operation_date": date(2025, 1, 1),
            "high_energy_high_emission": high_energy_high_emission,
            "activity": activity,
            "declared_factor": declared,
            "evidence": [{"title": "feasibility study", "reference": "FS-1"}] if evidence else [],
        }
    )


@pytest.fixture(scope="session")
def factors() -> FactorSet:
    """The active shipped factor set (Hunan 2023)."""
    return default_factor_set()


@pytest.fixture(scope="session")
def all_factor_sets() -> dict[str, FactorSet]:
    return load_factor_sets()


@pytest.fixture(scope="session")
def make_project() -> BuildProject:
    """`make_project(type, **activity)`: a valid project (options: capex_cny, declared, ...)."""
    return build_project
