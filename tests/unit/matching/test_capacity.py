"""Offers reserve capacity and loans keep it; a mandate that cannot lend a minimum ticket stops
matching."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from matching.lending.errors import CapacityExceeded, ConcentrationExceeded, TermsOutsideMandate
from matching.lending.mandates import Mandate
from matching.lending.responses import respond
from matching.matching.matcher import MandateBook
from schemas.deals import Disbursement, Offer
from schemas.lending import ConcentrationLimits
from schemas.vocabulary import Instrument
from tests.support.matching_samples import (
    deal_of,
    example_mandate,
    example_project,
    example_spec,
    satisfies,
)

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def offer(amount: str) -> Offer:
    return Offer(
        instrument=Instrument.GREEN_LOAN,
        amount_cny=Decimal(amount),
        rate_percent=Decimal("3.1"),
        tenor_months=96,
    )


def disbursed(amount: str) -> Disbursement:
    return Disbursement(amount_cny=Decimal(amount), disbursed_on=date(2025, 6, 2))


def lend(mandate: Mandate, amount: str, **project_changes: object) -> None:
    deal = deal_of(MandateBook([mandate]).match([example_project(**project_changes)])[0])
    respond(deal, mandate, offer(amount), at=NOW)
    respond(deal, mandate, disbursed(amount), at=NOW)


def test_disbursements_consume_capacity_and_exposure() -> None:
    mandate = example_mandate()
    lend(mandate, "8000000.00")
    assert mandate.remaining_capacity_cny == Decimal("22000000.00")
    assert mandate.exposure.total_cny == Decimal("8000000.00")


def test_a_second_offer_beyond_what_live_offers_leave_is_refused_naming_the_remainder() -> None:
    mandate = example_mandate(example_spec(capacity_cny=Decimal("10000000.00")))
    first, second = (
        deal_of(MandateBook([mandate]).match([example_project()])[0]) for _ in range(2)
    )
    respond(first, mandate, offer("8000000.00"), at=NOW)
    with pytest.raises(CapacityExceeded, match=r"remaining capacity of 2,000,000\.00 CNY"):
        respond(second, mandate, offer("8000000.00"), at=NOW)
    assert mandate.exposure.total_cny == Decimal("8000000.00")
    assert second.state == "matched" and second.reserved_cny == 0


def test_an_offer_beyond_remaining_capacity_is_refused_up_front() -> None:
    mandate = example_mandate(example_spec(capacity_cny=Decimal("12000000.00")))
    lend(mandate, "8000000.00")
    deal = deal_of(MandateBook([mandate]).match([example_project()])[0])
    with pytest.raises(CapacityExceeded, match="exceeds the mandate's remaining capacity"):
        respond(deal, mandate, offer("5000000.00"), at=NOW)


def test_a_disbursement_past_the_enterprise_limit_is_refused() -> None:
    limits = ConcentrationLimits(per_enterprise_cny=Decimal("10000000.00"))
    mandate = example_mandate(example_spec(limits=limits))
    project = example_project()
    lend(mandate, "8000000.00", enterprise_id=project.enterprise_id)
    deal = deal_of(MandateBook([mandate]).match([example_project()])[0])
    deal.enterprise_id = project.enterprise_id
    with pytest.raises(ConcentrationExceeded, match="enterprise concentration limit"):
        respond(deal, mandate, offer("3000000.00"), at=NOW)


def test_an_exhausted_mandate_stops_matching() -> None:
    spec = example_spec(capacity_cny=Decimal("10000000.00"), ticket_min_cny=Decimal("3000000.00"))
    mandate = example_mandate(spec)
    book = MandateBook([mandate])
    lend(mandate, "8000000.00")
    book.refresh(mandate)
    assert mandate.at_capacity
    assert book.match([example_project()]) == []
    assert not satisfies(example_project(), mandate)


def test_a_mandate_with_room_for_one_more_minimum_ticket_still_matches() -> None:
    mandate = example_mandate(example_spec(capacity_cny=Decimal("10000000.00")))
    lend(mandate, "9000000.00", financing_need_cny=Decimal("9000000.00"))
    assert len(MandateBook([mandate]).match([example_project()])) == 1


def test_a_city_at_its_limit_stops_matching_there_only() -> None:
    limits = ConcentrationLimits(per_city_cny=Decimal("8000000.00"))
    spec = example_spec(limits=limits, cities=["changsha", "zhuzhou"])
    mandate = example_mandate(spec)
    lend(mandate, "8000000.00")
    book = MandateBook([mandate])
    assert book.match([example_project()]) == []
    assert len(book.match([example_project(city="zhuzhou")])) == 1


def test_capacity_cannot_be_cut_below_what_was_committed() -> None:
    mandate = example_mandate()
    lend(mandate, "8000000.00")
    smaller = example_spec(capacity_cny=Decimal("7000000.00"), ticket_max_cny=Decimal("5000000.00"))
    with pytest.raises(TermsOutsideMandate, match="already committed"):
        mandate.update(smaller, at=NOW)
    assert mandate.version == 1
