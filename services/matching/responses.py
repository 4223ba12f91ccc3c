"""The response state machine: interest → offer → disbursed, decline at any open step."""

from __future__ import annotations

from datetime import datetime

from matching.deals import Deal, DealState
from matching.eligibility import check_eligible
from matching.errors import InvalidTransition, TermsOutsideMandate
from matching.facts import cny
from matching.mandates import Mandate
from schemas.deals import DealResponded, DealResponse, Decline, Disbursement, Interest, Offer

_FROM: dict[type[DealResponse], frozenset[DealState]] = {
    Interest: frozenset({DealState.MATCHED}),
    Decline: frozenset({DealState.MATCHED, DealState.INTERESTED, DealState.OFFERED}),
    Offer: frozenset({DealState.MATCHED, DealState.INTERESTED, DealState.OFFERED}),
    Disbursement: frozenset({DealState.OFFERED}),
}
_TO: dict[type[DealResponse], DealState] = {
    Interest: DealState.INTERESTED,
    Decline: DealState.DECLINED,
    Offer: DealState.OFFERED,
    Disbursement: DealState.DISBURSED,
}


def respond(deal: Deal, mandate: Mandate, response: DealResponse, *, at: datetime) -> DealResponded:
    """Apply a lender's answer to its deal; a disbursement consumes the mandate's capacity.

    Raises InvalidTransition, TermsOutsideMandate, MandateClosedError, CapacityExceeded or
    ConcentrationExceeded, leaving deal and mandate unchanged.
    """
    if deal.mandate_id != mandate.mandate_id:
        raise ValueError(f"deal {deal.deal_id} belongs to mandate {deal.mandate_id}")
    allowed = _FROM[type(response)]
    if deal.state not in allowed:
        raise InvalidTransition(
            f"cannot record {response.kind!r} on a deal that is {deal.state}; "
            f"allowed from: {', '.join(sorted(allowed))}",
            field="kind",
        )
    check_eligible(deal, response)
    offer_in_force = None
    if isinstance(response, Interest | Offer):
        mandate.check_lending(
            mandate.spec.ticket_min_cny, deal.enterprise_id, deal.city, deal.family
        )
    if isinstance(response, Offer):
        _check_offer(deal, mandate, response)
    if isinstance(response, Disbursement):
        offer_in_force = deal.offer
        _lend(deal, mandate, response)
    deal.state = _TO[type(response)]
    if isinstance(response, Offer):
        deal.offer = response
    return DealResponded(
        deal_id=deal.deal_id,
        lender_id=deal.lender_id,
        mandate_id=deal.mandate_id,
        mandate_version=deal.mandate_version,
        project_id=deal.project_id,
        project_version=deal.project_version,
        enterprise_id=deal.enterprise_id,
        city=deal.city,
        family=deal.family,
        response=response,
        offer_in_force=offer_in_force,
        responded_at=at,
    )


def _check_offer(deal: Deal, mandate: Mandate, offer: Offer) -> None:
    terms = mandate.spec
    ceiling = min(terms.ticket_max_cny, deal.financing_need_cny)
    if not terms.ticket_min_cny <= offer.amount_cny <= ceiling:
        raise TermsOutsideMandate(
            f"offer of {cny(offer.amount_cny)} is outside the ticket range "
            f"{cny(terms.ticket_min_cny)} to {cny(ceiling)} (ticket maximum or financing need)",
            field="amount_cny",
        )
    if offer.tenor_months > terms.max_tenor_months:
        raise TermsOutsideMandate(
            f"tenor of {offer.tenor_months} months exceeds the mandate's {terms.max_tenor_months}",
            field="tenor_months",
        )
    if offer.instrument not in terms.instruments or offer.instrument not in deal.instruments:
        raise TermsOutsideMandate(
            f"instrument {offer.instrument} is not one both the mandate offers and the "
            "project asked for",
            field="instrument",
        )
    mandate.check_lending(offer.amount_cny, deal.enterprise_id, deal.city, deal.family)


def _lend(deal: Deal, mandate: Mandate, disbursement: Disbursement) -> None:
    assert deal.offer is not None
    if disbursement.amount_cny > deal.offer.amount_cny:
        raise TermsOutsideMandate(
            f"disbursement of {cny(disbursement.amount_cny)} exceeds the offer of "
            f"{cny(deal.offer.amount_cny)}",
            field="amount_cny",
        )
    mandate.lend(disbursement.amount_cny, deal.enterprise_id, deal.city, deal.family)
    deal.disbursed_cny = disbursement.amount_cny
