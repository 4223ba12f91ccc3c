"""A lender's answers move a deal interest → offer → disbursed; a decline ends it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from matching.lending.deals import Deal, DealState
from matching.lending.errors import (
    IneligibleInstrument,
    InvalidTransition,
    MandateClosedError,
    TermsOutsideMandate,
)
from matching.lending.mandates import Mandate
from matching.lending.responses import respond
from matching.matching.matcher import MandateBook
from schemas.deals import DealResponded, Decline, Disbursement, Interest, Offer
from schemas.envelope import Envelope
from schemas.scoring import CarbonReductionField
from schemas.vocabulary import Instrument
from tests.support.matching_samples import deal_of, example_mandate, example_project, example_spec

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, tzinfo=UTC)
OFFER = Offer(
    instrument=Instrument.GREEN_LOAN,
    amount_cny=Decimal("6000000.00"),
    rate_percent=Decimal("3.05"),
    tenor_months=96,
)
PAID = Disbursement(amount_cny=Decimal("6000000.00"), disbursed_on=date(2025, 6, 3))


def fresh() -> tuple[Deal, Mandate]:
    mandate = example_mandate()
    return deal_of(MandateBook([mandate]).match([example_project()])[0]), mandate


def test_interest_then_offer_then_disbursement_records_each_step() -> None:
    deal, mandate = fresh()
    events = [
        respond(deal, mandate, Interest(note="send the feasibility study"), at=NOW),
        respond(deal, mandate, OFFER, at=NOW),
        respond(deal, mandate, PAID, at=NOW),
    ]
    assert [e.response.kind for e in events] == ["interest", "offer", "disbursed"]
    assert deal.state == DealState.DISBURSED and deal.disbursed_cny == PAID.amount_cny
    assert events[-1].offer_in_force == deal.offer
    assert deal.offer is not None and deal.offer.valid_until == date(2025, 8, 30)
    assert all(e.lender_id == mandate.lender_id and e.deal_id == deal.deal_id for e in events)


def test_the_responded_event_round_trips_through_the_envelope() -> None:
    deal, mandate = fresh()
    respond(deal, mandate, OFFER, at=NOW)
    event = respond(deal, mandate, PAID, at=NOW)
    raw = Envelope.wrap(event, source="matching").to_bytes()
    again = DealResponded.model_validate(Envelope.from_bytes(raw).data)
    assert again == event and isinstance(again.response, Disbursement)


def test_an_offer_may_come_without_interest_first_and_be_revised() -> None:
    deal, mandate = fresh()
    respond(deal, mandate, OFFER, at=NOW)
    revised = OFFER.model_copy(
        update={"rate_percent": Decimal("2.95"), "valid_until": date(2025, 7, 1)}
    )
    respond(deal, mandate, revised, at=NOW)
    assert deal.offer == revised


def test_a_decline_is_final() -> None:
    deal, mandate = fresh()
    respond(deal, mandate, Decline(reason="outside our sector appetite this year"), at=NOW)
    for answer in (Interest(), OFFER, PAID, Decline(reason="again")):
        with pytest.raises(InvalidTransition, match="deal that is declined"):
            respond(deal, mandate, answer, at=NOW)


def test_a_disbursement_needs_an_offer_first() -> None:
    deal, mandate = fresh()
    respond(deal, mandate, Interest(), at=NOW)
    with pytest.raises(InvalidTransition, match="allowed from: disbursed, offered"):
        respond(deal, mandate, PAID, at=NOW)
    assert mandate.exposure.total_cny == 0


def test_a_disbursement_above_the_offer_is_refused() -> None:
    deal, mandate = fresh()
    respond(deal, mandate, OFFER, at=NOW)
    with pytest.raises(TermsOutsideMandate, match="exceeds the offer"):
        respond(
            deal, mandate, PAID.model_copy(update={"amount_cny": Decimal("7000000.00")}), at=NOW
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount_cny": Decimal("500000.00")}, "outside the ticket range"),
        ({"amount_cny": Decimal("9000000.00")}, "outside the ticket range"),
        ({"tenor_months": 180}, "exceeds the mandate's 120"),
        ({"instrument": Instrument.GREEN_BOND}, "instrument green_bond"),
    ],
)
def test_an_offer_outside_the_mandate_terms_is_refused(
    change: dict[str, object], message: str
) -> None:
    deal, mandate = fresh()
    with pytest.raises(TermsOutsideMandate, match=message):
        respond(deal, mandate, OFFER.model_copy(update=change), at=NOW)
    assert deal.state == DealState.MATCHED


def test_a_closed_mandate_accepts_only_declines() -> None:
    deal, mandate = fresh()
    mandate.close(reason="programme ended", at=NOW)
    with pytest.raises(MandateClosedError):
        respond(deal, mandate, OFFER, at=NOW)
    respond(deal, mandate, Decline(reason="programme ended"), at=NOW)
    assert deal.state == DealState.DECLINED


def test_a_withdrawn_deal_takes_no_answer_and_is_withdrawn_once() -> None:
    deal, mandate = fresh()
    event = deal.withdraw("project withdrawn by the enterprise", at=NOW)
    assert event is not None and event.lender_id == mandate.lender_id
    assert deal.withdraw("again", at=NOW) is None
    with pytest.raises(InvalidTransition):
        respond(deal, mandate, Interest(), at=NOW)


def test_a_disbursement_event_must_name_the_offer_it_draws_on() -> None:
    deal, mandate = fresh()
    respond(deal, mandate, OFFER, at=NOW)
    event = respond(deal, mandate, PAID, at=NOW)
    with pytest.raises(ValidationError, match="offer_in_force"):
        DealResponded.model_validate({**event.model_dump(), "offer_in_force": None})
    with pytest.raises(ValidationError, match="must not be blank"):
        Decline(reason="   ")


def test_a_cerf_offer_or_disbursement_on_a_project_not_cerf_eligible_names_the_taxonomy_field() -> (
    None
):
    spec = example_spec(
        instruments=[Instrument.GREEN_LOAN, Instrument.CARBON_REDUCTION_FACILITY_LOAN]
    )
    cerf = OFFER.model_copy(update={"instrument": Instrument.CARBON_REDUCTION_FACILITY_LOAN})
    project = example_project(instruments=frozenset({Instrument.GREEN_LOAN, cerf.instrument}))
    mandate = example_mandate(spec)
    deal = deal_of(MandateBook([mandate]).match([project])[0])
    deal.carbon_reduction_facility_field = CarbonReductionField.NOT_ELIGIBLE
    with pytest.raises(IneligibleInstrument, match="not_eligible") as refused:
        respond(deal, mandate, cerf, at=NOW)
    assert refused.value.field == "taxonomy.carbon_reduction_facility_field"
    assert (deal.state, deal.offer) == (DealState.MATCHED, None)
    respond(deal, mandate, OFFER, at=NOW)  # a green loan is fine

    deal.offer = cerf  # an offer recorded before the gate existed is not disbursed either
    with pytest.raises(IneligibleInstrument, match="carbon_reduction_facility_field"):
        respond(deal, mandate, PAID, at=NOW)
    assert (deal.state, mandate.exposure.lent_cny) == (DealState.OFFERED, Decimal(0))

    deal.carbon_reduction_facility_field = CarbonReductionField.CLEAN_ENERGY
    assert respond(deal, mandate, PAID, at=NOW).response == PAID
