"""Lender and mandate contracts: who finances, what each mandate will finance, its versions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from schemas.envelope import EventData
from schemas.fields import LongText, MoneyCNY, PositiveMoneyCNY, Quantity, ShortText
from schemas.vocabulary import City, Instrument, ProjectFamily

_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
# Lists that must not repeat say so in the schema; the validator below names the repeat.
_UNIQUE: JsonDict = {"uniqueItems": True}


class LenderKind(StrEnum):
    """The kinds of institution that hold mandates."""

    BANK = "bank"
    GREEN_FUND = "green_fund"
    LEASING = "leasing"
    GUARANTEE = "guarantee"


class Exclusion(StrEnum):
    """Project traits a mandate refuses outright."""

    PLAUSIBILITY_FLAGGED = "plausibility_flagged"
    HIGH_ENERGY_HIGH_EMISSION = "high_energy_high_emission"


class LenderSpec(BaseModel):
    """What a lender says about itself when it registers."""

    model_config = _STRICT

    name: ShortText
    kind: LenderKind
    city: City
    description: LongText = ""


class ConcentrationLimits(BaseModel):
    """Most a mandate may have committed (live offers' undrawn reservations plus loans) to one
    enterprise, one city and one project family."""

    model_config = _STRICT

    per_enterprise_cny: PositiveMoneyCNY | None = None
    per_city_cny: PositiveMoneyCNY | None = None
    per_family_cny: PositiveMoneyCNY | None = None


class MandateSpec(BaseModel):
    """What one mandate finances; every matching hard constraint is stated here."""

    model_config = _STRICT

    name: ShortText
    instruments: list[Instrument] = Field(
        min_length=1, max_length=len(Instrument), json_schema_extra=_UNIQUE
    )
    families: list[ProjectFamily] = Field(
        min_length=1, max_length=len(ProjectFamily), json_schema_extra=_UNIQUE
    )
    cities: list[City] = Field(min_length=1, max_length=len(City), json_schema_extra=_UNIQUE)
    focus_cities: list[City] = Field(
        default_factory=list, max_length=len(City), json_schema_extra=_UNIQUE
    )
    ticket_min_cny: PositiveMoneyCNY
    ticket_max_cny: PositiveMoneyCNY
    max_tenor_months: int = Field(ge=1, le=360, strict=True)
    min_score: float = Field(default=0.0, ge=0, le=100, allow_inf_nan=False, strict=True)
    min_annual_tco2e: Quantity = 0.0
    max_abatement_cost_cny_per_tco2e: MoneyCNY | None = None
    exclusions: list[Exclusion] = Field(
        default_factory=list, max_length=len(Exclusion), json_schema_extra=_UNIQUE
    )
    capacity_cny: PositiveMoneyCNY
    limits: ConcentrationLimits = ConcentrationLimits()
    revolving: bool = Field(
        default=False,
        strict=True,
        description="Repaid principal returns to capacity (a revolving facility); otherwise "
        "capacity counts everything ever drawn.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        for name in ("instruments", "families", "cities", "focus_cities", "exclusions"):
            values: list[str] = getattr(self, name)
            if len(set(values)) != len(values):
                raise ValueError(f"{name} must not repeat")
        outside = sorted(set(self.focus_cities) - set(self.cities))
        if outside:
            raise ValueError(f"focus_cities must be among cities; not eligible: {outside}")
        if self.ticket_min_cny > self.ticket_max_cny:
            raise ValueError("ticket_min_cny must not exceed ticket_max_cny")
        if self.ticket_max_cny > self.capacity_cny:
            raise ValueError("ticket_max_cny must not exceed capacity_cny")
        for name, limit in self.limits:
            if limit is not None and not self.ticket_min_cny <= limit <= self.capacity_cny:
                raise ValueError(
                    f"limits.{name} must lie between ticket_min_cny and capacity_cny "
                    "(below it the mandate could never lend; above it the limit never binds)"
                )
        return self


class LenderRegistered(LenderSpec, EventData):
    """A lender joined the platform."""

    event_type: ClassVar[str] = "lender.registered.v1"
    subject_field: ClassVar[str] = "lender_id"

    lender_id: uuid.UUID
    registered_at: datetime


class MandateVersion(MandateSpec, EventData):
    """A full snapshot of one mandate version: consumers keep the latest as their read model."""

    subject_field: ClassVar[str] = "mandate_id"

    mandate_id: uuid.UUID
    lender_id: uuid.UUID
    version: int = Field(ge=1)
    recorded_at: datetime


class MandateRegistered(MandateVersion):
    """A lender opened a mandate (version 1)."""

    event_type: ClassVar[str] = "mandate.registered.v1"


class MandateUpdated(MandateVersion):
    """A mandate changed; the snapshot is the new version and open deals are re-matched."""

    event_type: ClassVar[str] = "mandate.updated.v1"


class MandateClosed(EventData):
    """A lender closed a mandate: it matches nothing more and its undisbursed deals close."""

    event_type: ClassVar[str] = "mandate.closed.v1"
    subject_field: ClassVar[str] = "mandate_id"

    mandate_id: uuid.UUID
    lender_id: uuid.UUID
    version: int = Field(ge=1)
    reason: LongText = ""
    closed_at: datetime
