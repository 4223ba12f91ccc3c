"""The `project.scored.v1` event of a score: project facts a mandate filter needs + the score."""

from __future__ import annotations

from datetime import datetime

from schemas.project import ProjectVersion
from schemas.scoring import ProjectScored, TraceItem
from scoring.score.batch import ScoreRecord


def scored_event(
    project: ProjectVersion, record: ScoreRecord, scored_at: datetime
) -> ProjectScored:
    """Build the event announcing `record` for this project version."""
    return ProjectScored(
        project_id=project.project_id,
        enterprise_id=project.enterprise_id,
        project_version=project.version,
        project_name=project.name,
        type=project.type,
        family=project.family,
        city=project.city,
        county=project.county,
        instruments=tuple(project.instruments),
        financing_need_cny=project.financing_need_cny,
        capex_cny=project.capex_cny,
        tenor_months=project.tenor_months,
        lifetime_years=project.lifetime_years,
        high_energy_high_emission=project.high_energy_high_emission,
        annual_tco2e=round(record.annual_tco2e, 3),
        lifetime_tco2e=round(record.lifetime_tco2e, 3),
        tco2e_per_10k_cny=record.tco2e_per_10k_cny,
        abatement_cost_cny_per_tco2e=record.abatement_cost_cny_per_tco2e,
        data_quality_tier=record.data_quality_tier,
        score=record.score_0_100,
        score_components=record.components,
        taxonomy=record.taxonomy,
        flags=record.flags,
        methodology_id=record.methodology_id,
        methodology_version=record.methodology_version,
        factor_set_id=record.factor_set_id,
        factor_set_version=record.factor_set_version,
        trace=tuple(
            TraceItem(name=name, value=_finite(value), unit=unit, source=source)
            for name, (value, unit, source) in record.trace.items()
        ),
        scored_at=scored_at,
        expected_issuance=record.expected_issuance,
    )


def _finite(value: float | str) -> float | str:
    """JSON has no infinity: an infinite power density (no reservoir) travels as text."""
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return value
