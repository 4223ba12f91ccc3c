"""The deal entity: one project version offered to one mandate version, and its life."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from schemas.deals import DealWithdrawn, Offer
from schemas.scoring import CarbonReductionField
from schemas.vocabulary import City, Instrument, ProjectFamily

DEAL_NAMESPACE = uuid.UUID("6f1d3c1e-6a52-5b0e-9d8a-2a1f3e0c7b41")


def deal_id(
    project_id: uuid.UUID, project_version: int, mandate_id: uuid.UUID, mandate_version: int
) -> uuid.UUID:
    """The same project and mandate versions always give the same deal, so replays add none."""
    name = f"{project_id}/{project_version}/{mandate_id}/{mandate_version}"
    return uuid.uuid5(DEAL_NAMESPACE, name)


class DealState(StrEnum):
    """Where a deal stands; declined, disbursed and withdrawn are final."""

    MATCHED = "matched"
    INTERESTED = "interested"
    OFFERED = "offered"
    DECLINED = "declined"
    DISBURSED = "disbursed"
    WITHDRAWN = "withdrawn"

    @property
    def final(self) -> bool:
        return self in {DealState.DECLINED, DealState.DISBURSED, DealState.WITHDRAWN}

    @property
    def committed(self) -> bool:
        """The lender has put terms on the table (or paid): re-matching must not replace it."""
        return self in {DealState.OFFERED, DealState.DISBURSED}


@dataclass
class Deal:
    """A deal in a lender's feed with what its responses are checked against."""

    deal_id: uuid.UUID
    lender_id: uuid.UUID
    mandate_id: uuid.UUID
    mandate_version: int
    project_id: uuid.UUID
    project_version: int
    enterprise_id: uuid.UUID
    city: City
    family: ProjectFamily
    financing_need_cny: Decimal
    instruments: frozenset[Instrument]
    state: DealState = DealState.MATCHED
    offer: Offer | None = None
    disbursed_cny: Decimal | None = None
    carbon_reduction_facility_field: CarbonReductionField | None = None  # None: not known

    def withdraw(self, reason: str, *, at: datetime) -> DealWithdrawn | None:
        """Take an unfinished deal out of the feed; a final deal stays as it is (None)."""
        if self.state.final:
            return None
        self.state = DealState.WITHDRAWN
        return DealWithdrawn(
            deal_id=self.deal_id,
            lender_id=self.lender_id,
            mandate_id=self.mandate_id,
            mandate_version=self.mandate_version,
            project_id=self.project_id,
            project_version=self.project_version,
            reason=reason,
            withdrawn_at=at,
        )
