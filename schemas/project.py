"""Project contracts: a project's description, its versions and its withdrawal."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.carbon_assets import CarbonCredits
from schemas.envelope import EventData
from schemas.fields import (
    Flag,
    IsoDate,
    LongText,
    PositiveMoneyCNY,
    Pue,
    Quantity,
    Ratio,
    ShortText,
)
from schemas.vocabulary import (
    FAMILY_OF_TYPE,
    City,
    Fuel,
    Instrument,
    ProjectFamily,
    ProjectType,
    Province,
)

_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ActivityData(BaseModel):
    """Type-specific activity data; units are in the field names, every value annual."""

    model_config = _STRICT

    capacity_mw: Quantity | None = None
    annual_generation_mwh: Quantity | None = None
    reservoir_area_km2: Quantity | None = None
    energy_saved_tce: Quantity | None = None
    electricity_saved_mwh: Quantity | None = None
    coal_rate_before_gce_per_kwh: Quantity | None = None
    coal_rate_after_gce_per_kwh: Quantity | None = None
    baseline_fuel: Fuel | None = None
    baseline_fuel_t: Quantity | None = None
    baseline_fuel_gj: Quantity | None = None
    project_fuel: Fuel | None = None
    project_fuel_gj: Quantity | None = None
    project_electricity_mwh: Quantity | None = None
    floor_area_m2: Quantity | None = None
    it_load_kw: Quantity | None = None
    operating_hours_per_year: Quantity | None = None
    pue_before: Pue | None = None
    pue_after: Pue | None = None
    fleet_size: int | None = Field(default=None, ge=0, le=1_000_000, strict=True)
    annual_km_per_vehicle: Quantity | None = None
    baseline_fuel_l_per_100km: Quantity | None = None
    electricity_kwh_per_100km: Quantity | None = None
    area_ha: Quantity | None = None
    sequestration_tco2e_per_ha: Quantity | None = None
    steel_output_t: Quantity | None = None
    scrap_share: Ratio | None = None
    storage_energy_mwh: Quantity | None = None
    curtailment_avoided_mwh: Quantity | None = None
    co2_captured_t: Quantity | None = None
    capture_electricity_mwh: Quantity | None = None


class DeclaredFactor(BaseModel):
    """A project's own emission factor (e.g. from its design document) with its source."""

    model_config = _STRICT

    factor: ShortText = "grid_electricity_tco2_per_mwh"
    value: float = Field(gt=0, le=100, allow_inf_nan=False, strict=True)
    source: ShortText


class EvidenceRef(BaseModel):
    """A document that backs the project's claims (feasibility study, PDD, permit)."""

    model_config = _STRICT

    title: ShortText
    reference: ShortText


class ProjectSpec(BaseModel):
    """Everything an enterprise says about a low-carbon project; scoring and matching use it."""

    model_config = _STRICT

    name: ShortText
    description: LongText = ""
    type: ProjectType
    city: City
    county: ShortText | None = None
    province: Province = Field(
        default=Province.HUNAN,
        description="The province whose grid the project's power displaces or draws on; its"
        " published MEE provincial grid factor is used (Hunan by default).",
    )
    capex_cny: PositiveMoneyCNY
    financing_need_cny: PositiveMoneyCNY
    instruments: list[Instrument] = Field(min_length=1, max_length=6)
    tenor_months: int = Field(ge=1, le=360, strict=True)
    lifetime_years: int = Field(ge=1, le=60, strict=True)
    construction_start: IsoDate
    operation_date: IsoDate
    high_energy_high_emission: Flag = False
    activity: ActivityData
    declared_factor: DeclaredFactor | None = None
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=20)
    claimed_annual_tco2e: Quantity | None = Field(
        default=None,
        description="The enterprise's own figure for its annual reduction; scoring compares it"
        " with the computed value and never credits more than either.",
    )
    carbon_credits: CarbonCredits | None = Field(
        default=None,
        description="A CCER registration: crediting period and, optionally, expected issuance"
        " per vintage. Carbon sinks carry expected issuance without it.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.operation_date < self.construction_start:
            raise ValueError("operation_date must not be before construction_start")
        if self.financing_need_cny > self.capex_cny:
            raise ValueError("financing_need_cny must not exceed capex_cny")
        if len(set(self.instruments)) != len(self.instruments):
            raise ValueError("instruments must not repeat")
        return self


class ProjectVersion(ProjectSpec, EventData):
    """A full snapshot of one project version: consumers keep the latest as their read model."""

    subject_field: ClassVar[str] = "project_id"

    project_id: uuid.UUID
    enterprise_id: uuid.UUID
    version: int = Field(ge=1)
    family: ProjectFamily
    recorded_at: datetime

    @model_validator(mode="after")
    def _family_matches_type(self) -> Self:
        if FAMILY_OF_TYPE[self.type] != self.family:
            raise ValueError(f"family of type {self.type} is {FAMILY_OF_TYPE[self.type]}")
        return self


class ProjectRegistered(ProjectVersion):
    """A project entered the carbon-peaking project database (version 1)."""

    event_type: ClassVar[str] = "project.registered.v1"


class ProjectUpdated(ProjectVersion):
    """A project changed; the snapshot is the new version."""

    event_type: ClassVar[str] = "project.updated.v1"


class ProjectEvent(EventData):
    """An event about one project that names the project and its enterprise first (the full
    snapshots, `ProjectVersion`, keep the specification's fields first instead)."""

    subject_field: ClassVar[str] = "project_id"

    project_id: uuid.UUID
    enterprise_id: uuid.UUID


class ProjectWithdrawn(ProjectEvent):
    """An enterprise withdrew a project; open deals on it must close."""

    event_type: ClassVar[str] = "project.withdrawn.v1"

    version: int = Field(ge=1)
    reason: LongText = ""
    withdrawn_at: datetime
