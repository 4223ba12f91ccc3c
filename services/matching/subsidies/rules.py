"""Subsidy programmes as data: dated rule rows, each with its source, read from a JSON table.

A programme's rows are tried in order and the first that fits a loan's movement applies (so
tiers run from the richest down). The CERF programme names the central bank's sourced
refinancing table (`seeds/cerf-refinancing.json`, which audit's disclosure reads too) instead of
repeating its rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.subsidies import Claimant, ProgrammeKind
from schemas.vocabulary import Instrument

_RULES = ConfigDict(frozen=True, extra="forbid")


class Rule(BaseModel):
    """One dated row: which loans it covers and what share of the base it pays."""

    model_config = _RULES

    valid_from: date
    valid_to: date | None = None
    instruments: tuple[Instrument, ...] = Field(min_length=1)
    min_score: float = Field(default=0, ge=0, le=100)
    catalogue_category_codes: tuple[str, ...] = ()
    share: Decimal = Field(ge=0, le=1, max_digits=7, decimal_places=4)
    rate_percent: Decimal | None = Field(default=None, ge=0, le=36)
    fee_cap_percent: Decimal | None = Field(default=None, ge=0, le=36)
    source: str = Field(min_length=1)
    illustrative: bool
    note: str = ""

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class Programme(BaseModel):
    """A subsidy programme: who claims, its budget and period, and its rule rows."""

    model_config = _RULES

    programme_id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=200)
    name_zh: str = Field(min_length=1, max_length=200)
    kind: ProgrammeKind
    claimant: Claimant
    budget_cny: Decimal = Field(gt=0, le=Decimal("1e13"), max_digits=16, decimal_places=2)
    valid_from: date
    valid_to: date | None = None
    source: str = Field(min_length=1)
    illustrative: bool
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _dated_rows(self) -> Programme:
        for rule in self.rules:
            if rule.valid_to is not None and rule.valid_to < rule.valid_from:
                raise ValueError(f"{self.programme_id}: a rule ends before it starts")
            if self.kind is ProgrammeKind.GUARANTEE_FEE_SUBSIDY and rule.fee_cap_percent is None:
                raise ValueError(f"{self.programme_id}: a guarantee-fee rule needs fee_cap_percent")
        return self

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True)
class ProgrammeTable:
    """Every programme of one table file, in the order the file lists them."""

    programmes: tuple[Programme, ...]


def _cerf_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The central bank's refinancing rows as rules: the share of principal at the rate."""
    return [
        {
            "valid_from": row["valid_from"],
            "valid_to": row["valid_to"],
            "instruments": [table["instrument"]],
            "share": row["principal_share"],
            "rate_percent": row["rate_percent"],
            "source": row["source"],
            "illustrative": False,
            "note": row.get("note", ""),
        }
        for row in table["rules"]
    ]


def load_programmes(path: Path) -> ProgrammeTable:
    """Read and validate a programme table; `rules_from` names a CERF-format table beside it."""
    document = json.loads(path.read_text(encoding="utf-8"))
    programmes = []
    for raw in document["programmes"]:
        entry = dict(raw)
        if "rules_from" in entry:
            cerf = json.loads((path.parent / entry.pop("rules_from")).read_text(encoding="utf-8"))
            entry["rules"] = _cerf_rows(cerf)
        programmes.append(Programme.model_validate(entry))
    ids = [p.programme_id for p in programmes]
    if len(set(ids)) != len(ids):
        raise ValueError(f"programme ids repeat in {path}")
    return ProgrammeTable(tuple(programmes))
