"""The deal entity: one project version offered to one mandate version, and its life."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum

from schemas.carbon_assets import ExpectedIssuance
from schemas.deals import DealEvent, DealWithdrawn, LoanBalance, Offer
from schemas.scoring import CarbonReductionField
from schemas.vocabulary import City, Instrument, ProjectFamily

DEAL_NAMESPACE = uuid.UUID("6f1d3c1e-6a52-5b0e-9d8a-2a1f3e0c7b41")
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
ZERO = Decimal("0.00")


def china_date(at: datetime) -> date:
    """The calendar day in China: offers are valid through a day there."""
    return at.astimezone(CHINA_TZ).date()


def deal_id(
    project_id: uuid.UUID, project_version: int, mandate_id: uuid.UUID, mandate_version: int
) -> uuid.UUID:
    """The same project and mandate versions always give the same deal, so replays add none."""
    name = f"{project_id}/{project_version}/{mandate_id}/{mandate_version}"
    return uuid.uuid5(DEAL_NAMESPACE, name)


class DealState(StrEnum):
    """Where a deal stands. A disbursed deal is a live loan (more tranches, repayments) that
    no re-match or withdrawal touches; the other states after `offered` end the deal."""

    MATCHED = "matched"
    INTERESTED = "interested"
    OFFERED = "offered"
    DECLINED = "declined"
    DISBURSED = "disbursed"
    REPAID = "repaid"
    WITHDRAWN = "withdrawn"
    OFFER_WITHDRAWN = "offer_withdrawn"
    OFFER_DECLINED = "offer_declined"
    OFFER_EXPIRED = "offer_expired"

    @property
    def final(self) -> bool:
        """Out of the feed for good: nothing withdraws it any more."""
        return self not in {DealState.MATCHED, DealState.INTERESTED, DealState.OFFERED}

    @property
    def committed(self) -> bool:
        """The lender has put terms on the table (or paid): re-matching must not replace it."""
        return self in {DealState.OFFERED, DealState.DISBURSED, DealState.REPAID}


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
    repaid_cny: Decimal = ZERO
    offer_open: bool = False
    capacity_changed: bool = False  # set when what the deal holds of its mandate moved
    expected_issuance: ExpectedIssuance | None = None  # the credits a pledge loan can pledge

    def identity(self) -> dict[str, object]:
        """What every deal event names first (schemas.deals.DealEvent), from this deal."""
        return {name: getattr(self, name) for name in DealEvent.model_fields}

    def parties(self) -> dict[str, object]:
        """`identity` and the enterprise, city and family a response or loan event carries."""
        return {
            **self.identity(),
            "enterprise_id": self.enterprise_id,
            "city": self.city,
            "family": self.family,
        }

    @property
    def drawn_cny(self) -> Decimal:
        return self.disbursed_cny or ZERO

    @property
    def outstanding_cny(self) -> Decimal:
        return self.drawn_cny - self.repaid_cny

    @property
    def reserved_cny(self) -> Decimal:
        """The undrawn part of a live offer: capacity held for this deal."""
        if not self.offer_open or self.offer is None:
            return ZERO
        return max(ZERO, self.offer.amount_cny - self.drawn_cny)

    @property
    def balance(self) -> LoanBalance:
        return LoanBalance(
            offered_cny=self.offer.amount_cny if self.offer else ZERO,
            drawn_cny=self.drawn_cny,
            repaid_cny=self.repaid_cny,
            outstanding_cny=self.outstanding_cny,
            reserved_cny=self.reserved_cny,
            offer_valid_until=self.offer.valid_until if self.offer else None,
        )

    def withdraw(self, reason: str, *, at: datetime) -> DealWithdrawn | None:
        """Take an unfinished deal out of the feed; a final deal stays as it is (None).

        An offer on it stops holding capacity.
        """
        if self.state.final:
            return None
        if self.offer_open:
            self.offer_open, self.capacity_changed = False, True
        self.state = DealState.WITHDRAWN
        return DealWithdrawn(
            **self.identity(),
            reason=reason,
            withdrawn_at=at,
        )
