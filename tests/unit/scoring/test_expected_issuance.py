"""Sink and CCER projects carry expected credit issuance per vintage, shown in the score trace:
declared vintages are bounded by the credited reduction, otherwise each vintage is derived."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from schemas.project import ProjectSpec
from schemas.vocabulary import ProjectType
from scoring.estimate.factors import FactorSet
from scoring.score.batch import score_one
from tests.unit.scoring.conftest import BuildProject

pytestmark = pytest.mark.unit


def _with_credits(p: ProjectSpec, **credits: Any) -> ProjectSpec:
    return ProjectSpec.model_validate({**p.model_dump(), "carbon_credits": credits})


def test_a_sink_without_a_registration_derives_issuance_per_vintage_from_its_credited_removals(
    make_project: BuildProject, factors: FactorSet
) -> None:
    forest = make_project(ProjectType.FORESTRY, lifetime_years=20, area_ha=1000.0)
    record = score_one(forest, factors)
    issuance = record.expected_issuance
    assert issuance is not None and issuance.basis == "derived"
    assert (issuance.crediting_start, issuance.crediting_end) == (
        date(2025, 1, 1),
        date(2044, 12, 31),
    )
    assert [v.vintage for v in issuance.vintages] == list(range(2025, 2045))
    assert {v.tco2e for v in issuance.vintages} == {int(record.annual_tco2e)}
    value, unit, source = record.trace["issuance_2030"]
    assert (value, unit) == (float(int(record.annual_tco2e)), "tCO2e")
    assert source.startswith("derived")


def test_a_declared_vintage_above_the_credited_reduction_is_bounded_and_the_trace_says_so(
    make_project: BuildProject, factors: FactorSet
) -> None:
    forest = make_project(ProjectType.FORESTRY, area_ha=1000.0)
    annual = int(score_one(forest, factors).annual_tco2e)
    declared = _with_credits(
        forest,
        registration_ref="CCER-14-001 demo",
        crediting_start="2026-07-01",
        crediting_years=20,
        issuance=[{"vintage": 2026, "tco2e": 1000}, {"vintage": 2027, "tco2e": annual * 10}],
    )
    record = score_one(declared, factors)
    issuance = record.expected_issuance
    assert issuance is not None and issuance.basis == "declared"
    by_year = {v.vintage: v.tco2e for v in issuance.vintages}
    # Half of 2026 lies in the crediting period: at most half a year's removals.
    assert by_year == {2026: min(1000, int(annual * 184 / 365)), 2027: annual}
    assert "bounded by the credited annual reduction" in record.trace["issuance_2027"][2]
    assert record.trace["issuance_2026"][2] == "declared by the project"


def test_a_declared_vintage_outside_the_crediting_period_is_refused_naming_it(
    make_project: BuildProject,
) -> None:
    forest = make_project(ProjectType.FORESTRY, area_ha=1000.0)
    with pytest.raises(ValidationError) as refused:
        _with_credits(
            forest,
            crediting_start="2026-01-01",
            crediting_years=10,
            issuance=[{"vintage": 2036, "tco2e": 10}],
        )
    assert "carbon_credits" in str(refused.value)
    assert "[2036] lie outside the crediting period 2026-01-01 to 2035-12-31" in str(refused.value)


def test_a_ccer_registered_project_of_another_family_carries_issuance_and_others_none(
    make_project: BuildProject, factors: FactorSet
) -> None:
    wind = make_project(ProjectType.WIND, capacity_mw=50.0, annual_generation_mwh=110000.0)
    assert score_one(wind, factors).expected_issuance is None
    registered = _with_credits(wind, crediting_start="2025-01-01", crediting_years=10)
    issuance = score_one(registered, factors).expected_issuance
    assert issuance is not None and len(issuance.vintages) == 10


@pytest.mark.parametrize("operation", [date(1900, 2, 28), date(2024, 2, 29), date(9999, 6, 1)])
def test_a_sink_s_issuance_is_stated_for_any_operation_date_the_registry_accepts(
    make_project: BuildProject, factors: FactorSet, operation: date
) -> None:
    forest = make_project(ProjectType.FORESTRY, lifetime_years=60, area_ha=10.0)
    dated = ProjectSpec.model_validate(
        {**forest.model_dump(), "construction_start": operation, "operation_date": operation}
    )
    issuance = score_one(dated, factors).expected_issuance
    assert issuance is not None and issuance.vintages[0].vintage == operation.year
    assert len(issuance.vintages) <= 61
    if operation == date(2024, 2, 29):
        assert issuance.crediting_end == date(2084, 2, 28)
