"""Offers hold capacity until drawn, withdrawn, declined or expired; tranches draw on them up to
the offer; repayments lower the balance and give capacity back only on a revolving mandate."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from matching.lending.deals import Deal, DealState
from matching.lending.errors import CapacityExceeded, InvalidTransition, TermsOutsideMandate
from matching.lending.mandates import Mandate
from matching.lending.responses import close_offer, repay, respond
from matching.matching.matcher import MandateBook
from schemas.deals import Disbursement, Offer, OfferEnd, Repayment
from schemas.vocabulary import Instrument
from tests.support.matching_samples import deal_of, example_mandate, example_project, example_spec

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 1, 4, tzinfo=UTC)


def offer(amount: str, **changes: object) -> Offer:
    terms = Offer(
        instrument=Instrument.GREEN_LOAN,
        amount_cny=Decimal(amount),
        rate_percent=Decimal("3.1"),
        tenor_months=96,
    )
    return terms.model_copy(update=changes)


def tranche(amount: str) -> Disbursement:
    return Disbursement(amount_cny=Decimal(amount), disbursed_on=date(2026, 3, 2))


def repayment(amount: str) -> Repayment:
    return Repayment(amount_cny=Decimal(amount), repaid_on=date(2026, 9, 1))


def deal_on(mandate: Mandate) -> Deal:
    return deal_of(MandateBook([mandate]).match([example_project()])[0])


def mandate_of(capacity: str, *, revolving: bool = False) -> Mandate:
    return example_mandate(example_spec(capacity_cny=Decimal(capacity), revolving=revolving))


def test_an_offer_reserves_its_amount_and_a_revised_offer_replaces_the_reservation() -> None:
    mandate = mandate_of("10000000.00")
    deal = deal_on(mandate)
    event = respond(deal, mandate, offer("8000000.00"), at=NOW)
    assert mandate.remaining_capacity_cny == Decimal("2000000.00")
    assert event.balance is not None and event.balance.reserved_cny == Decimal("8000000.00")
    respond(deal, mandate, offer("6000000.00"), at=NOW)
    assert mandate.remaining_capacity_cny == Decimal("4000000.00")


@pytest.mark.parametrize("cause", ["withdrawn_by_lender", "declined_by_enterprise", "expired"])
def test_a_closed_offer_releases_its_reservation(cause: OfferEnd) -> None:
    mandate = mandate_of("10000000.00")
    first, second = deal_on(mandate), deal_on(mandate)
    respond(first, mandate, offer("8000000.00"), at=NOW)
    with pytest.raises(CapacityExceeded, match=r"remaining capacity of 2,000,000\.00 CNY"):
        respond(second, mandate, offer("8000000.00"), at=NOW)
    event = close_offer(first, mandate, cause, at=NOW)
    assert event.released_cny == Decimal("8000000.00") and event.cause == cause
    assert first.state.final and first.reserved_cny == 0
    respond(second, mandate, offer("8000000.00"), at=NOW)
    with pytest.raises(InvalidTransition):
        close_offer(first, mandate, cause, at=NOW)


def test_tranches_draw_up_to_the_offer_and_no_further() -> None:
    mandate = mandate_of("10000000.00")
    deal = deal_on(mandate)
    respond(deal, mandate, offer("8000000.00"), at=NOW)
    respond(deal, mandate, tranche("3000000.00"), at=NOW)
    paid = respond(deal, mandate, tranche("4000000.00"), at=NOW)
    assert paid.balance is not None
    assert (paid.balance.drawn_cny, paid.balance.reserved_cny) == (
        Decimal("7000000.00"),
        Decimal("1000000.00"),
    )
    assert mandate.remaining_capacity_cny == Decimal("2000000.00")
    with pytest.raises(TermsOutsideMandate, match=r"exceeds the offer's undrawn 1,000,000\.00"):
        respond(deal, mandate, tranche("2000000.00"), at=NOW)
    closed = close_offer(deal, mandate, "withdrawn_by_lender", at=NOW)
    assert closed.released_cny == Decimal("1000000.00") and deal.state == DealState.DISBURSED
    with pytest.raises(InvalidTransition, match="offer is closed"):
        respond(deal, mandate, tranche("1000000.00"), at=NOW)


def test_no_tranche_is_drawn_after_the_offer_expired() -> None:
    mandate = mandate_of("10000000.00")
    deal = deal_on(mandate)
    respond(deal, mandate, offer("8000000.00", valid_until=date(2026, 3, 31)), at=NOW)
    with pytest.raises(InvalidTransition, match="expired after 2026-03-31"):
        respond(deal, mandate, tranche("1000000.00"), at=datetime(2026, 4, 2, tzinfo=UTC))


def test_an_offer_already_past_its_validity_is_refused() -> None:
    mandate = mandate_of("10000000.00")
    with pytest.raises(TermsOutsideMandate, match="valid_until 2026-02-01 is already past"):
        respond(
            deal_on(mandate), mandate, offer("1000000.00", valid_until=date(2026, 2, 1)), at=NOW
        )


@pytest.mark.parametrize(("revolving", "room_after"), [(True, "7000000.00"), (False, "2000000.00")])
def test_repayments_lower_the_balance_and_restore_capacity_only_when_revolving(
    revolving: bool, room_after: str
) -> None:
    mandate = mandate_of("10000000.00", revolving=revolving)
    deal = deal_on(mandate)
    respond(deal, mandate, offer("8000000.00"), at=NOW)
    respond(deal, mandate, tranche("8000000.00"), at=NOW)
    event = repay(deal, mandate, repayment("5000000.00"), at=NOW)
    assert event.balance.outstanding_cny == Decimal("3000000.00")
    assert event.restores_capacity is revolving
    assert mandate.remaining_capacity_cny == Decimal(room_after)
    with pytest.raises(TermsOutsideMandate, match=r"outstanding balance of 3,000,000\.00"):
        repay(deal, mandate, repayment("4000000.00"), at=NOW)
    repay(deal, mandate, repayment("3000000.00"), at=NOW)
    assert deal.state == DealState.REPAID and deal.outstanding_cny == 0


def test_a_repayment_needs_a_drawn_loan() -> None:
    mandate = mandate_of("10000000.00")
    deal = deal_on(mandate)
    respond(deal, mandate, offer("8000000.00"), at=NOW)
    with pytest.raises(InvalidTransition, match="allowed from: disbursed"):
        repay(deal, mandate, repayment("1000000.00"), at=NOW)


def test_withdrawing_an_offered_deal_gives_its_reservation_up() -> None:
    mandate = mandate_of("10000000.00")
    deal = deal_on(mandate)
    respond(deal, mandate, offer("8000000.00"), at=NOW)
    assert deal.withdraw("project withdrawn", at=NOW) is not None
    assert deal.reserved_cny == 0 and deal.capacity_changed
