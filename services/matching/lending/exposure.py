"""What a mandate has committed, along every axis its concentration limits watch.

Committed means the undrawn part of every live offer (reserved) plus the loans it counts: the
outstanding balance for a revolving mandate, everything ever drawn otherwise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from schemas.vocabulary import City, ProjectFamily

ZERO = Decimal("0.00")


@dataclass
class Exposure:
    """What a mandate has committed, in total and along each axis its limits watch."""

    total_cny: Decimal = ZERO
    reserved_cny: Decimal = ZERO
    by_enterprise: dict[uuid.UUID, Decimal] = field(default_factory=dict)
    by_city: dict[City, Decimal] = field(default_factory=dict)
    by_family: dict[ProjectFamily, Decimal] = field(default_factory=dict)

    @property
    def lent_cny(self) -> Decimal:
        return self.total_cny - self.reserved_cny

    def add(
        self,
        amount: Decimal,
        enterprise_id: uuid.UUID,
        city: City,
        family: ProjectFamily,
        *,
        reserved: bool = False,
    ) -> None:
        """Count `amount` (negative to give it back) as lent, or as reserved by an offer."""
        self.total_cny += amount
        if reserved:
            self.reserved_cny += amount
        self.by_enterprise[enterprise_id] = self.by_enterprise.get(enterprise_id, ZERO) + amount
        self.by_city[city] = self.by_city.get(city, ZERO) + amount
        self.by_family[family] = self.by_family.get(family, ZERO) + amount


@dataclass(frozen=True)
class LimitUse:
    """One concentration limit as it applies to one project: the cap and what is used."""

    axis: str
    limit_cny: Decimal
    used_cny: Decimal

    @property
    def headroom_cny(self) -> Decimal:
        return max(ZERO, self.limit_cny - self.used_cny)
