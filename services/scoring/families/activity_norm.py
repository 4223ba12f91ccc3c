"""A norm on one claimed activity value, alone or per unit of another, that real plants keep.

Several families check the same shape of claim: electricity per tonne captured or per tonne
of steel no lower than a floor, cycles per stored MWh or kilometres per vehicle no higher than
a ceiling. One `ActivityNorm` both flags a claim beyond it (`warn`) and credits that claim at
the norm's bound, so the check and its conservative credit cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.project import ActivityData, ProjectSpec
from schemas.scoring import Flag
from scoring.estimate.credit_rules import Override, bound
from scoring.estimate.factors import FactorSet
from scoring.plausibility.flags import warn


@dataclass(frozen=True)
class ActivityNorm:
    """`field` (per unit of `per`, when given) stays at or above `limit` if `floor`, else at
    or below it. `reason` and `rule` are format strings over `{value}` and `{limit}`."""

    code: str
    field: str
    per: str | None
    limit: float
    floor: bool
    reason: str
    rule: str

    def _claimed(self, a: ActivityData) -> tuple[float, float] | None:
        claimed: float | None = getattr(a, self.field)
        units: float | None = 1.0 if self.per is None else getattr(a, self.per)
        if claimed is None or not units:
            return None
        return claimed, units

    def check(self, p: ProjectSpec) -> list[Flag]:
        """A warn flag when the claim passes the norm."""
        claimed = self._claimed(p.activity)
        if claimed is None:
            return []
        value = claimed[0] / claimed[1]
        if (value >= self.limit) if self.floor else (value <= self.limit):
            return []
        return [warn(self.code, self.field, self.reason.format(value=value, limit=self.limit))]

    def credit(self, p: ProjectSpec, _: FactorSet) -> list[Override]:
        """The claim credited at the norm's bound (for as many units as the project has)."""
        claimed = self._claimed(p.activity)
        if claimed is None:
            return []
        rule = self.rule.format(limit=self.limit)
        return bound(self.field, claimed[0], self.limit * claimed[1], rule)
