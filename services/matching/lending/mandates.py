"""The mandate entity: its versioned terms, what it has committed, and the room it has left."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from matching.lending.errors import (
    CapacityExceeded,
    ConcentrationExceeded,
    MandateClosedError,
    TermsOutsideMandate,
    VersionConflict,
)
from matching.lending.exposure import ZERO, Exposure, LimitUse
from matching.lending.money import cny
from schemas.lending import (
    MandateClosed,
    MandateRegistered,
    MandateSpec,
    MandateUpdated,
    MandateVersion,
)
from schemas.vocabulary import City, ProjectFamily


@dataclass
class Mandate:
    """One lender mandate at its latest version; exposure survives version changes.

    Offers reserve capacity when made; a draw turns reservation into a loan; repayment gives
    capacity back only on a revolving mandate.
    """

    mandate_id: uuid.UUID
    lender_id: uuid.UUID
    version: int
    spec: MandateSpec
    closed: bool = False
    exposure: Exposure = field(default_factory=Exposure)

    @classmethod
    def register(
        cls,
        spec: MandateSpec,
        *,
        lender_id: uuid.UUID,
        at: datetime,
        mandate_id: uuid.UUID | None = None,
    ) -> tuple[Mandate, MandateRegistered]:
        """Open a mandate at version 1 and the event announcing it."""
        mandate = cls(mandate_id or uuid.uuid4(), lender_id, 1, spec)
        return mandate, MandateRegistered.model_validate(mandate._snapshot_fields(at))

    @classmethod
    def from_version(cls, event: MandateVersion, exposure: Exposure | None = None) -> Mandate:
        """Rebuild the entity from its latest snapshot event and its disbursed exposure."""
        spec = MandateSpec.model_validate(event.model_dump(include=set(MandateSpec.model_fields)))
        return cls(
            event.mandate_id, event.lender_id, event.version, spec, exposure=exposure or Exposure()
        )

    def update(
        self, spec: MandateSpec, *, at: datetime, expected_version: int | None = None
    ) -> MandateUpdated:
        """New terms as the next version; refuses stale edits and capacity below committed."""
        self._require_open()
        if expected_version is not None and expected_version != self.version:
            raise VersionConflict(
                f"mandate is at version {self.version}, the change was made to {expected_version}",
                field="version",
            )
        if spec.capacity_cny < self.exposure.total_cny:
            raise TermsOutsideMandate(
                f"capacity {cny(spec.capacity_cny)} is below the "
                f"{cny(self.exposure.total_cny)} already committed ({self._committed_parts})",
                field="capacity_cny",
            )
        self.spec, self.version = spec, self.version + 1
        return MandateUpdated.model_validate(self._snapshot_fields(at))

    def close(self, *, reason: str, at: datetime) -> MandateClosed:
        self._require_open()
        self.closed = True
        return MandateClosed(
            mandate_id=self.mandate_id,
            lender_id=self.lender_id,
            version=self.version,
            reason=reason,
            closed_at=at,
        )

    @property
    def remaining_capacity_cny(self) -> Decimal:
        return max(ZERO, self.spec.capacity_cny - self.exposure.total_cny)

    @property
    def at_capacity(self) -> bool:
        """True when not even a minimum ticket fits: the mandate stops matching."""
        return self.remaining_capacity_cny < self.spec.ticket_min_cny

    def limit_uses(
        self, enterprise_id: uuid.UUID, city: City, family: ProjectFamily
    ) -> list[LimitUse]:
        """The concentration limits this mandate sets that would apply to such a project."""
        limits, seen = self.spec.limits, self.exposure
        candidates = (
            ("enterprise", limits.per_enterprise_cny, seen.by_enterprise.get(enterprise_id, ZERO)),
            (f"city {city}", limits.per_city_cny, seen.by_city.get(city, ZERO)),
            (f"family {family}", limits.per_family_cny, seen.by_family.get(family, ZERO)),
        )
        return [
            LimitUse(axis, limit, used) for axis, limit, used in candidates if limit is not None
        ]

    def check_lending(
        self, amount: Decimal, enterprise_id: uuid.UUID, city: City, family: ProjectFamily
    ) -> None:
        """Refuse, naming the limit, an amount this mandate has no room for."""
        self._require_open()
        if amount > self.remaining_capacity_cny:
            raise CapacityExceeded(
                f"{cny(amount)} exceeds the mandate's remaining capacity of "
                f"{cny(self.remaining_capacity_cny)} (capacity {cny(self.spec.capacity_cny)}; "
                f"{self._committed_parts})",
                field="amount_cny",
            )
        for use in self.limit_uses(enterprise_id, city, family):
            if amount > use.headroom_cny:
                raise ConcentrationExceeded(
                    f"{cny(amount)} exceeds the {use.axis} concentration limit: "
                    f"{cny(use.used_cny)} of {cny(use.limit_cny)} already committed, "
                    f"{cny(use.headroom_cny)} left",
                    field="amount_cny",
                )

    def lend(
        self, amount: Decimal, enterprise_id: uuid.UUID, city: City, family: ProjectFamily
    ) -> None:
        """Count a loan made without a reservation, or refuse it without changing anything."""
        self.check_lending(amount, enterprise_id, city, family)
        self.exposure.add(amount, enterprise_id, city, family)

    def reserve(
        self, amount: Decimal, enterprise_id: uuid.UUID, city: City, family: ProjectFamily
    ) -> None:
        """Hold capacity for an offer, or refuse it (naming what remains) changing nothing."""
        self.check_lending(amount, enterprise_id, city, family)
        self.exposure.add(amount, enterprise_id, city, family, reserved=True)

    def release(
        self, amount: Decimal, enterprise_id: uuid.UUID, city: City, family: ProjectFamily
    ) -> None:
        """Give an offer's undrawn reservation back."""
        self.exposure.add(-amount, enterprise_id, city, family, reserved=True)

    def draw(
        self, amount: Decimal, enterprise_id: uuid.UUID, city: City, family: ProjectFamily
    ) -> None:
        """A tranche paid out of a reservation: the amount stays committed, now as a loan."""
        self.release(amount, enterprise_id, city, family)
        self.exposure.add(amount, enterprise_id, city, family)

    def repaid(
        self, amount: Decimal, enterprise_id: uuid.UUID, city: City, family: ProjectFamily
    ) -> bool:
        """Principal came back; True when that restores capacity (a revolving mandate)."""
        if not self.spec.revolving:
            return False
        self.exposure.add(-amount, enterprise_id, city, family)
        return True

    @property
    def _committed_parts(self) -> str:
        lent = "outstanding" if self.spec.revolving else "drawn"
        return (
            f"reserved by live offers {cny(self.exposure.reserved_cny)}, "
            f"{lent} {cny(self.exposure.lent_cny)}"
        )

    def _require_open(self) -> None:
        if self.closed:
            raise MandateClosedError(f"mandate {self.mandate_id} is closed")

    def _snapshot_fields(self, at: datetime) -> dict[str, object]:
        return {
            **self.spec.model_dump(),
            "mandate_id": self.mandate_id,
            "lender_id": self.lender_id,
            "version": self.version,
            "recorded_at": at,
        }
