"""The facts of one scored project version that matching and allocation test against mandates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from schemas.vocabulary import City, Instrument, ProjectFamily


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """One scored project version as matching sees it (mapped from `project.scored.v1`).

    `plausibility_flagged` is true when scoring raised a plausibility flag that a mandate
    excluding flagged projects should refuse; `abatement_cost_cny_per_tco2e` is None when
    scoring could not compute it (such a project fails any abatement-cost ceiling). Reductions
    may be negative: such a project fails any minimum and finances nothing in an allocation plan.
    """

    project_id: uuid.UUID
    project_version: int
    enterprise_id: uuid.UUID
    family: ProjectFamily
    city: City
    instruments: frozenset[Instrument]
    financing_need_cny: Decimal
    capex_cny: Decimal
    tenor_months: int
    score: float
    annual_tco2e: float
    tco2e_per_10k_cny: float
    abatement_cost_cny_per_tco2e: Decimal | None
    high_energy_high_emission: bool
    plausibility_flagged: bool

    @property
    def tco2e_per_cny(self) -> float:
        """Annual tCO2e financed per CNY lent (PCAF attribution amount / capex)."""
        return self.annual_tco2e / float(self.capex_cny)
