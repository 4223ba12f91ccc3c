"""Published provincial grid factors: which province's power a project displaces, at what rate.

The values are MEE/NBS's provincial average electricity CO2 factors (`provincial_grid_factors.json`
beside this module, one row per province and year with its source and status). The same notice
publishes one factor per regional grid; a province whose own value is not sourced yet is scored
at its region's, and the trace names the region, so every province can be scored and no value
is ever guessed. Hunan, the default, keeps the active factor set's own grid factor (the newest
Hunan value), so activating a set still changes Hunan scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.vocabulary import Province

TABLE_PATH = Path(__file__).with_name("provincial_grid_factors.json")
DEFAULT_PROVINCE = Province.HUNAN

_FROZEN = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ProvincialFactor(BaseModel):
    """One province's published factor for one year (tCO2/MWh)."""

    model_config = _FROZEN

    year: int = Field(ge=2000, le=2100)
    value: float = Field(gt=0, le=2)
    published: date
    source: str = Field(min_length=1, max_length=600)
    status: Literal["primary", "secondary"]
    note: str = Field(default="", max_length=600)


class RegionalGrid(BaseModel):
    """One regional grid of the notice: its member provinces and its published factors."""

    model_config = _FROZEN

    name: str = Field(min_length=1, max_length=80)
    provinces: tuple[Province, ...] = Field(min_length=1)
    values: tuple[ProvincialFactor, ...] = Field(min_length=1)


@dataclass(frozen=True)
class PublishedGridFactor:
    """The factor a province's projects are scored at: its own, or its region's standing in."""

    province: Province
    row: ProvincialFactor
    region: str | None = None  # the regional grid's name when its factor stands in

    @property
    def label(self) -> str:
        """Short: `guangdong 2022 (南方 China Southern Grid regional)`."""
        scope = f" ({self.region} regional)" if self.region else ""
        return f"{self.province.value} {self.row.year}{scope}"

    @property
    def citation(self) -> str:
        """Where the value comes from, as a score's trace cites it."""
        row = self.row
        if self.region is None:
            where = f"{self.province.value} {row.year} ({row.status})"
            return f"MEE provincial table, {where}: {row.source}"
        return (
            f"MEE regional table, {self.region} {row.year} ({row.status}), standing in for"
            f" {self.province.value}, whose provincial value is not sourced: {row.source}"
        )


def _newest(rows: tuple[ProvincialFactor, ...]) -> ProvincialFactor | None:
    return max(rows, key=lambda r: r.year) if rows else None


class ProvincialGridTable(BaseModel):
    """The whole table: every sourced province with its published years, and the regions."""

    model_config = _FROZEN

    series: str
    unit: Literal["tCO2/MWh"]
    description: str = ""
    values: dict[Province, tuple[ProvincialFactor, ...]]
    regions: dict[str, RegionalGrid] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _each_province_in_one_region_at_most(self) -> ProvincialGridTable:
        members = [p for region in self.regions.values() for p in region.provinces]
        twice = sorted({p.value for p in members if members.count(p) > 1})
        if twice:
            raise ValueError(f"provinces in more than one region: {', '.join(twice)}")
        return self

    def newest(self, province: Province) -> ProvincialFactor | None:
        """The province's most recent published factor, or None when none is sourced."""
        return _newest(self.values.get(province, ()))

    def published(self, province: Province) -> PublishedGridFactor | None:
        """The province's newest own factor, else its region's newest; None when neither is
        sourced."""
        if (own := self.newest(province)) is not None:
            return PublishedGridFactor(province, own)
        for region in self.regions.values():
            if province in region.provinces and (row := _newest(region.values)) is not None:
                return PublishedGridFactor(province, row, region.name)
        return None


@cache
def provincial_grid() -> ProvincialGridTable:
    """The shipped table (read once per process)."""
    return ProvincialGridTable.model_validate(orjson.loads(TABLE_PATH.read_bytes()))


def unsourced_reason(province: Province) -> str | None:
    """Why `province` cannot be scored (neither it nor its region has a sourced factor), or
    None when it can."""
    if provincial_grid().published(province) is not None:
        return None
    sourced = ", ".join(sorted(provincial_grid().values))
    return (
        f"province {province.value}: no published MEE provincial or regional grid factor is"
        f" sourced for it yet, so it cannot be scored (sourced: {sourced})"
    )
