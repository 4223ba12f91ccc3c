"""Score a batch of projects: methodology, data quality, taxonomy, plausibility, 0-100 score.

Methodologies run per project (each is a handful of multiplications); everything comparative
(score components, penalties) is numpy over the whole batch. See `scoring.score.formula`
for the score formula. A project whose activity data cannot be scored comes back as
`Unscorable` in its place, so one bad record never sinks a batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from schemas.carbon_assets import ExpectedIssuance
from schemas.project import ProjectSpec
from schemas.scoring import Flag, FlagSeverity, ScoreComponents, Taxonomy
from scoring.estimate.catalogue import METHODOLOGY_OF_TYPE
from scoring.estimate.crediting import credit, side_by_side
from scoring.estimate.errors import ActivityDataError
from scoring.estimate.factors import FactorSet
from scoring.estimate.issuance import expected_issuance
from scoring.estimate.workings import MethodologyResult, TraceEntry
from scoring.plausibility.assessment import assess
from scoring.plausibility.peer_model import PlausibilityModel
from scoring.score.formula import score_components
from scoring.score.quality import data_quality_tier
from scoring.taxonomy.tags import tag

CENT = Decimal("0.01")
MIN_COSTED_TCO2E = 0.001


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    """Everything scoring says about one project version; `trace` holds every value used.

    `annual_tco2e` is what the project is credited with (`scoring.estimate.crediting`), at most
    `computed_annual_tco2e`, the methodology's result on the activity data as claimed.
    """

    methodology_id: str
    methodology_version: str
    factor_set_id: str
    factor_set_version: int
    annual_tco2e: float
    computed_annual_tco2e: float
    lifetime_tco2e: float
    baseline_tco2e: float
    project_tco2e: float
    tco2e_per_10k_cny: float
    abatement_cost_cny_per_tco2e: Decimal | None
    data_quality_tier: int
    taxonomy: Taxonomy
    flags: tuple[Flag, ...]
    score_0_100: float
    score_parts: tuple[float, float, float, float]
    trace: Mapping[str, TraceEntry]
    expected_issuance: ExpectedIssuance | None = None

    @property
    def components(self) -> ScoreComponents:
        """Intensity, cost-effectiveness and data-quality parts in [0, 1]; penalty points."""
        intensity, cost, quality, penalty = self.score_parts
        return ScoreComponents(
            reduction_intensity=intensity,
            cost_effectiveness=cost,
            data_quality=quality,
            flag_penalty_points=penalty,
        )

    @property
    def rejected(self) -> bool:
        """True when any flag says the claim is impossible or reduces nothing."""
        return any(f.severity is FlagSeverity.REJECT for f in self.flags)


@dataclass(frozen=True, slots=True)
class Unscorable:
    """A project of the batch whose activity data the methodology cannot use."""

    index: int
    error: ActivityDataError

    @property
    def field(self) -> str:
        return self.error.field


def abatement_cost(capex_cny: Decimal, lifetime_tco2e: float) -> Decimal | None:
    """CNY per lifetime tCO2e, two places; None below a kilogram of lifetime reduction."""
    if lifetime_tco2e < MIN_COSTED_TCO2E:
        return None
    tonnes = Decimal(repr(lifetime_tco2e))
    return (capex_cny / tonnes).quantize(CENT, rounding=ROUND_HALF_UP)


def _compute(p: ProjectSpec, factors: FactorSet) -> MethodologyResult | ActivityDataError:
    try:
        return METHODOLOGY_OF_TYPE[p.type].compute(
            p.activity, factors, p.declared_factor, p.province
        )
    except ActivityDataError as exc:
        return exc


def score_batch(
    projects: Sequence[ProjectSpec],
    factors: FactorSet,
    model: PlausibilityModel | None = None,
) -> list[ScoreRecord | Unscorable]:
    """Score every project of the batch, in order, with one factor set and peer model."""
    by_type = sorted(range(len(projects)), key=lambda i: projects[i].type)  # warm code paths
    computed = {i: _compute(projects[i], factors) for i in by_type}
    results = [computed[i] for i in range(len(projects))]
    pairs = [
        (p, r) for p, r in zip(projects, results, strict=True) if isinstance(r, MethodologyResult)
    ]
    records = iter(_records([p for p, _ in pairs], [r for _, r in pairs], factors, model))
    return [
        next(records) if isinstance(r, MethodologyResult) else Unscorable(i, r)
        for i, r in enumerate(results)
    ]


def _records(
    projects: list[ProjectSpec],
    results: list[MethodologyResult],
    factors: FactorSet,
    model: PlausibilityModel | None,
) -> list[ScoreRecord]:
    computed = [r.annual_tco2e for r in results]
    flags = assess(projects, computed, factors, model)
    credited = [
        credit(p, r, f, factors, model) for p, r, f in zip(projects, results, flags, strict=True)
    ]
    annual = np.array([c.annual_tco2e for c in credited], dtype=np.float64)
    lifetime = annual * np.array([p.lifetime_years for p in projects], dtype=np.float64)
    capex = np.array([float(p.capex_cny) for p in projects], dtype=np.float64)
    tiers = np.array(
        [
            data_quality_tier(c.result, has_evidence=bool(p.evidence))
            for p, c in zip(projects, credited, strict=True)
        ]
    )
    parts = score_components(annual, lifetime, capex, tiers, flags)
    records = []
    for k, (p, r) in enumerate(zip(projects, results, strict=True)):
        methodology = METHODOLOGY_OF_TYPE[p.type]
        issuance, issuance_trace = expected_issuance(p, float(annual[k]))
        records.append(
            ScoreRecord(
                methodology_id=methodology.id,
                methodology_version=methodology.version,
                factor_set_id=factors.id,
                factor_set_version=factors.version,
                annual_tco2e=float(annual[k]),
                computed_annual_tco2e=r.annual_tco2e,
                lifetime_tco2e=float(lifetime[k]),
                baseline_tco2e=r.baseline_tco2e,
                project_tco2e=r.project_tco2e,
                tco2e_per_10k_cny=float(parts.tco2e_per_10k_cny[k]),
                abatement_cost_cny_per_tco2e=abatement_cost(p.capex_cny, float(lifetime[k])),
                data_quality_tier=int(tiers[k]),
                taxonomy=tag(p),
                flags=tuple(flags[k]),
                score_0_100=float(parts.score[k]),
                score_parts=parts.components(k),
                trace={**side_by_side(r.trace, p, credited[k]), **issuance_trace},
                expected_issuance=issuance,
            )
        )
    return records


def score_one(
    project: ProjectSpec, factors: FactorSet, model: PlausibilityModel | None = None
) -> ScoreRecord:
    """Score a single project (`POST /v1/estimate`); ActivityDataError names a bad field."""
    (outcome,) = score_batch([project], factors, model)
    if isinstance(outcome, Unscorable):
        raise outcome.error
    return outcome
