"""What a conservative credit replaces: one claimed input and the bound it is credited at.

A credit rule turns the flag a norm raised into the inputs the credited calculation uses
instead (`scoring.estimate.crediting`); families own the rules of their own norms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas.project import ProjectSpec
from scoring.estimate.factors import FactorSet
from scoring.estimate.workings import FIELD_UNITS


@dataclass(frozen=True, slots=True)
class Credit:
    """One claim credited below what was claimed: both values, the unit and the rule."""

    name: str
    claimed: float
    credited: float
    unit: str
    rule: str


@dataclass(frozen=True, slots=True)
class Override:
    """An input replaced for the credited calculation (`None`: the methodology's default)."""

    field: str
    value: float | None
    credit: Credit


CreditRule = Callable[[ProjectSpec, FactorSet], list[Override]]


def bound(field: str, claimed: float, credited: float, rule: str) -> list[Override]:
    """Credit activity field `field` at `credited` instead of the `claimed` value."""
    return [Override(field, credited, Credit(field, claimed, credited, FIELD_UNITS[field], rule))]
