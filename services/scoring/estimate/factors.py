"""Versioned emission-factor sets: every value carries its unit, source and status.

Sets live as JSON in `seeds/factor-sets/`; exactly one is `active` (the default for new
scores). A project may declare its own value for one factor; `scoring.estimate.workings`
applies it and `scoring.score.quality` lowers the data-quality tier for it.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas.provincial_grid import DEFAULT_PROVINCE, provincial_grid
from schemas.vocabulary import Province
from scoring.estimate.errors import FactorSetError, UnknownFactor

GRID = "grid_electricity_tco2_per_mwh"
DEFAULT_FACTOR_DIR = Path(__file__).resolve().parents[3] / "seeds" / "factor-sets"

_FROZEN = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class FactorValue(BaseModel):
    """One factor: `primary` was read in the official text, `secondary` awaits confirmation."""

    model_config = _FROZEN

    value: float
    unit: str = Field(min_length=1, max_length=60)
    source: str = Field(min_length=1, max_length=600)
    status: Literal["primary", "secondary"]
    note: str = Field(default="", max_length=600)
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="The year the value describes, when dated."
    )


class FactorSet(BaseModel):
    """A named, versioned, immutable table of factors; scores record which one they used."""

    model_config = _FROZEN

    id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: int = Field(ge=1)
    published: date
    active: bool = False
    description: str = Field(default="", max_length=1000)
    values: dict[str, FactorValue] = Field(min_length=1)

    def get(self, key: str) -> FactorValue:
        """The factor named `key`; UnknownFactor names both the key and this set."""
        try:
            return self.values[key]
        except KeyError:
            raise UnknownFactor(key, self.id) from None

    def value(self, key: str) -> float:
        """The numeric value of factor `key`."""
        return self.get(key).value

    @cached_property
    def cited_sources(self) -> dict[str, str]:
        """Each factor's source prefixed with this set's id and version, as traces cite it."""
        prefix = f"factor set {self.id} v{self.version}"
        return {key: f"{prefix}: {fv.source}" for key, fv in self.values.items()}


def load_factor_set(path: Path) -> FactorSet:
    """Parse one factor-set file; FactorSetError names the file and the problem."""
    try:
        return FactorSet.model_validate(orjson.loads(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError, ValidationError) as exc:
        raise FactorSetError(f"{path.name}: {exc}") from exc


def load_factor_sets(directory: Path = DEFAULT_FACTOR_DIR) -> dict[str, FactorSet]:
    """Every `*.json` factor set in `directory`, by id; ids must be unique."""
    sets: dict[str, FactorSet] = {}
    for path in sorted(directory.glob("*.json")):
        factor_set = load_factor_set(path)
        if factor_set.id in sets:
            raise FactorSetError(f"{path.name}: duplicate factor set id {factor_set.id!r}")
        sets[factor_set.id] = factor_set
    if not sets:
        raise FactorSetError(f"no factor sets in {directory}")
    return sets


def active_factor_set(sets: dict[str, FactorSet]) -> FactorSet:
    """The one set marked active; zero or several active sets is a configuration error."""
    active = [s for s in sets.values() if s.active]
    if len(active) != 1:
        names = ", ".join(sorted(s.id for s in active)) or "none"
        raise FactorSetError(f"exactly one factor set must be active, found: {names}")
    return active[0]


def default_factor_set(directory: Path = DEFAULT_FACTOR_DIR) -> FactorSet:
    """The active set of the seed directory (Hunan 2023 in the shipped seeds)."""
    return active_factor_set(load_factor_sets(directory))


def official_value(factors: FactorSet, key: str, province: Province) -> tuple[float, str] | None:
    """The published value a project in `province` is held to for factor `key`, and where it
    comes from: another province's grid factor from the provincial table (or its region's),
    else the set's value. None when neither has one (an unknown key)."""
    if key == GRID and province is not DEFAULT_PROVINCE:
        published = provincial_grid().published(province)
        return None if published is None else (published.row.value, published.label)
    known = factors.values.get(key)
    return None if known is None else (known.value, factors.id)
