"""Published provincial grid factors: which province's power a project displaces, at what rate.

The values are MEE/NBS's provincial average electricity CO2 factors (`provincial_grid_factors.json`
beside this module, one row per province and year with its source and status). The registry
refuses a project naming a province without a sourced value, and scoring reads the same table,
so no province's factor is ever guessed. Hunan, the default, keeps the active factor set's own
grid factor (the newest Hunan value), so activating a set still changes Hunan scores.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

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


class ProvincialGridTable(BaseModel):
    """The whole table: every sourced province with its published years."""

    model_config = _FROZEN

    series: str
    unit: Literal["tCO2/MWh"]
    description: str = ""
    values: dict[Province, tuple[ProvincialFactor, ...]]

    def newest(self, province: Province) -> ProvincialFactor | None:
        """The province's most recent published factor, or None when none is sourced."""
        rows = self.values.get(province, ())
        return max(rows, key=lambda r: r.year) if rows else None


@cache
def provincial_grid() -> ProvincialGridTable:
    """The shipped table (read once per process)."""
    return ProvincialGridTable.model_validate(orjson.loads(TABLE_PATH.read_bytes()))


def unsourced_reason(province: Province) -> str | None:
    """Why `province` cannot be scored (no sourced factor), or None when it can."""
    if provincial_grid().newest(province) is not None:
        return None
    sourced = ", ".join(sorted(provincial_grid().values))
    return (
        f"province {province.value}: no published MEE provincial grid factor is sourced for it "
        f"yet, so it cannot be scored (sourced: {sourced})"
    )
