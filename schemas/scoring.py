"""Scoring contracts: taxonomy tags, plausibility flags and the `project.scored.v1` event."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.carbon_assets import ExpectedIssuance
from schemas.fields import PositiveMoneyCNY, ShortText
from schemas.project import ProjectEvent
from schemas.vocabulary import City, Instrument, ProjectFamily, ProjectType

_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

TonnesCO2e = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
CostCNYPerTonne = Annotated[
    Decimal, Field(ge=0, max_digits=30, decimal_places=2, allow_inf_nan=False)
]


class CarbonReductionField(StrEnum):
    """Fields of the central-bank carbon emission reduction facility (original three)."""

    CLEAN_ENERGY = "clean_energy"
    ENERGY_CONSERVATION_ENVIRONMENTAL_PROTECTION = "energy_conservation_environmental_protection"
    CARBON_REDUCTION_TECHNOLOGY = "carbon_reduction_technology"
    NOT_ELIGIBLE = "not_eligible"


class IcmaCategory(StrEnum):
    """ICMA Green Bond Principles eligible project categories used by the platform."""

    RENEWABLE_ENERGY = "renewable_energy"
    ENERGY_EFFICIENCY = "energy_efficiency"
    POLLUTION_PREVENTION_AND_CONTROL = "pollution_prevention_and_control"
    LIVING_NATURAL_RESOURCES_AND_LAND_USE = "living_natural_resources_and_land_use"
    BIODIVERSITY = "terrestrial_and_aquatic_biodiversity"
    CLEAN_TRANSPORTATION = "clean_transportation"
    CIRCULAR_ECONOMY = "circular_economy"
    GREEN_BUILDINGS = "green_buildings"


class FlagSeverity(StrEnum):
    """`reject`: physically impossible or no reduction; `warn`: needs a person's review."""

    REJECT = "reject"
    WARN = "warn"


class Flag(BaseModel):
    """One plausibility finding, with a reason a credit officer can read."""

    model_config = _STRICT

    code: ShortText
    field: ShortText
    severity: FlagSeverity
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class Taxonomy(BaseModel):
    """Where a project sits in the green catalogues and policy plans the lenders follow."""

    model_config = _STRICT

    catalogue_version: ShortText = "2025"
    catalogue_category_code: ShortText
    catalogue_category: ShortText
    catalogue_code_path: ShortText
    catalogue_item: ShortText
    catalogue_code_status: Literal["indicative", "verified"] = "indicative"
    carbon_reduction_facility_field: CarbonReductionField
    icma_category: IcmaCategory | None
    plan_recognitions: tuple[ShortText, ...] = ()
    high_energy_high_emission: bool = False
    notes: tuple[ShortText, ...] = ()


class ScoreComponents(BaseModel):
    """The parts of the 0-100 score, each in [0, 1] except the point penalty."""

    model_config = _STRICT

    reduction_intensity: float = Field(ge=0, le=1)
    cost_effectiveness: float = Field(ge=0, le=1)
    data_quality: float = Field(ge=0, le=1)
    flag_penalty_points: float = Field(ge=0, le=100)


class TraceItem(BaseModel):
    """One input, factor or intermediate value of a calculation, with unit and source."""

    model_config = _STRICT

    name: ShortText
    value: float | str
    unit: Annotated[str, Field(max_length=60)]
    source: Annotated[str, Field(min_length=1, max_length=600)]


class ProjectScored(ProjectEvent):
    """A project version was scored: everything a mandate filter and a lender's feed need."""

    event_type: ClassVar[str] = "project.scored.v1"

    project_version: int = Field(ge=1)
    project_name: ShortText
    type: ProjectType
    family: ProjectFamily
    city: City
    county: ShortText | None = None
    instruments: tuple[Instrument, ...] = Field(min_length=1, max_length=6)
    financing_need_cny: PositiveMoneyCNY
    capex_cny: PositiveMoneyCNY
    tenor_months: int = Field(ge=1, le=360)
    lifetime_years: int = Field(ge=1, le=60)
    high_energy_high_emission: bool
    annual_tco2e: TonnesCO2e
    lifetime_tco2e: TonnesCO2e
    tco2e_per_10k_cny: float = Field(ge=-1e20, le=1e20, allow_inf_nan=False)
    abatement_cost_cny_per_tco2e: CostCNYPerTonne | None
    data_quality_tier: int = Field(ge=1, le=5)
    score: float = Field(ge=0, le=100)
    score_components: ScoreComponents
    taxonomy: Taxonomy
    flags: tuple[Flag, ...] = ()
    methodology_id: ShortText
    methodology_version: ShortText
    factor_set_id: ShortText
    factor_set_version: int = Field(ge=1)
    trace: tuple[TraceItem, ...] = ()
    scored_at: datetime
    expected_issuance: ExpectedIssuance | None = None
