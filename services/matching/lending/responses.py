"""The response state machine: interest → offer → tranches → repayments, with exits.

An offer reserves its amount of the mandate's capacity when made; the reservation goes back
when the lender withdraws the offer, the enterprise declines it, or it expires. Tranches draw
on it up to the offer's amount; repayments lower the outstanding balance and, on a revolving
mandate, give capacity back.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from matching.lending.collateral import PLEDGE, check_pledge
from matching.lending.deals import Deal, DealState, china_date
from matching.lending.eligibility import check_eligible
from matching.lending.errors import InvalidTransition, TermsOutsideMandate
from matching.lending.mandates import Mandate
from matching.lending.money import cny
from schemas.carbon_assets import CarbonCollateral
from schemas.deals import (
    DealOfferClosed,
    DealRepaid,
    DealResponded,
    DealResponse,
    Decline,
    Disbursement,
    Interest,
    Offer,
    OfferEnd,
    Repayment,
)

DEFAULT_OFFER_VALIDITY = timedelta(days=90)

_FROM: dict[type[DealResponse], frozenset[DealState]] = {
    Interest: frozenset({DealState.MATCHED}),
    Decline: frozenset({DealState.MATCHED, DealState.INTERESTED, DealState.OFFERED}),
    Offer: frozenset({DealState.MATCHED, DealState.INTERESTED, DealState.OFFERED}),
    Disbursement: frozenset({DealState.OFFERED, DealState.DISBURSED}),
}
_TO: dict[type[DealResponse], DealState] = {
    Interest: DealState.INTERESTED,
    Decline: DealState.DECLINED,
    Offer: DealState.OFFERED,
    Disbursement: DealState.DISBURSED,
}
_CLOSED_TO: dict[OfferEnd, DealState] = {
    "withdrawn_by_lender": DealState.OFFER_WITHDRAWN,
    "declined_by_enterprise": DealState.OFFER_DECLINED,
    "expired": DealState.OFFER_EXPIRED,
}


def _require(deal: Deal, mandate: Mandate, what: str, allowed: frozenset[DealState]) -> None:
    if deal.mandate_id != mandate.mandate_id:
        raise ValueError(f"deal {deal.deal_id} belongs to mandate {deal.mandate_id}")
    if deal.state not in allowed:
        raise InvalidTransition(
            f"cannot record {what!r} on a deal that is {deal.state}; "
            f"allowed from: {', '.join(sorted(allowed))}",
            field="kind",
        )


def respond(
    deal: Deal,
    mandate: Mandate,
    response: DealResponse,
    *,
    at: datetime,
    offer_validity: timedelta = DEFAULT_OFFER_VALIDITY,
    collateral: CarbonCollateral | None = None,
) -> DealResponded:
    """Apply a lender's answer to its deal; an offer reserves capacity, a tranche draws on it.

    `collateral` is the project's pledged carbon credits valued today: a carbon-asset pledge
    loan's offer may lend at most its lendable value.

    Raises InvalidTransition, TermsOutsideMandate, MandateClosedError, CapacityExceeded or
    ConcentrationExceeded, leaving deal and mandate unchanged.
    """
    _require(deal, mandate, response.kind, _FROM[type(response)])
    check_eligible(deal, response)
    offer_in_force = None
    if isinstance(response, Interest):
        mandate.check_lending(
            mandate.spec.ticket_min_cny, deal.enterprise_id, deal.city, deal.family
        )
    if isinstance(response, Offer):
        response = _dated(response, china_date(at), offer_validity)
        _check_offer(deal, mandate, response)
        check_pledge(response, collateral)
        _reserve(deal, mandate, response)
    if isinstance(response, Disbursement):
        offer_in_force = deal.offer
        _draw(deal, mandate, response, today=china_date(at))
    deal.state = _TO[type(response)]
    return DealResponded(
        **deal.parties(),
        response=response,
        offer_in_force=offer_in_force,
        balance=deal.balance if isinstance(response, Offer | Disbursement) else None,
        responded_at=at,
        collateral=collateral if _pledge_offer(response) else None,
    )


def _pledge_offer(response: DealResponse) -> bool:
    return isinstance(response, Offer) and response.instrument is PLEDGE


def _dated(offer: Offer, today: date, validity: timedelta) -> Offer:
    if offer.valid_until is None:
        return offer.model_copy(update={"valid_until": today + validity})
    if offer.valid_until < today:
        raise TermsOutsideMandate(
            f"valid_until {offer.valid_until} is already past (today is {today} in China)",
            field="valid_until",
        )
    return offer


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


def _reserve(deal: Deal, mandate: Mandate, offer: Offer) -> None:
    """Hold the offer's amount; a revised offer first gives back what the old one held."""
    axes = (deal.enterprise_id, deal.city, deal.family)
    held = deal.reserved_cny
    mandate.release(held, *axes)
    try:
        mandate.reserve(offer.amount_cny, *axes)
    except Exception:
        mandate.exposure.add(held, *axes, reserved=True)
        raise
    deal.offer, deal.offer_open, deal.capacity_changed = offer, True, True


def _draw(deal: Deal, mandate: Mandate, disbursement: Disbursement, *, today: date) -> None:
    offer = deal.offer
    assert offer is not None
    if not deal.offer_open:
        raise InvalidTransition(
            "the offer is closed: nothing more may be drawn on it", field="kind"
        )
    if offer.valid_until is not None and today > offer.valid_until:
        raise InvalidTransition(
            f"the offer expired after {offer.valid_until}: nothing more may be drawn on it",
            field="kind",
        )
    undrawn = deal.reserved_cny
    if disbursement.amount_cny > undrawn:
        raise TermsOutsideMandate(
            f"disbursement of {cny(disbursement.amount_cny)} exceeds the offer's undrawn "
            f"{cny(undrawn)} (offer {cny(offer.amount_cny)}, drawn {cny(deal.drawn_cny)})",
            field="amount_cny",
        )
    mandate.draw(disbursement.amount_cny, deal.enterprise_id, deal.city, deal.family)
    deal.disbursed_cny = deal.drawn_cny + disbursement.amount_cny
    deal.capacity_changed = True


def close_offer(
    deal: Deal, mandate: Mandate, cause: OfferEnd, *, at: datetime, reason: str = ""
) -> DealOfferClosed:
    """End a live offer: its undrawn part returns to the mandate. A deal with nothing drawn
    ends; a loan already drawn stays, with no more tranches."""
    allowed = frozenset({DealState.OFFERED, DealState.DISBURSED})
    _require(deal, mandate, f"offer {cause.replace('_', ' ')}", allowed)
    offer = deal.offer
    if offer is None or not deal.offer_open:
        raise InvalidTransition("the deal has no live offer", field="offer")
    released = deal.reserved_cny
    mandate.release(released, deal.enterprise_id, deal.city, deal.family)
    deal.offer_open, deal.capacity_changed = False, True
    if deal.drawn_cny == 0:
        deal.state = _CLOSED_TO[cause]
    elif deal.outstanding_cny == 0:
        deal.state = DealState.REPAID
    return DealOfferClosed(
        **deal.parties(),
        offer=offer,
        balance=deal.balance,
        cause=cause,
        reason=reason,
        released_cny=released,
        closed_at=at,
    )


def repay(deal: Deal, mandate: Mandate, repayment: Repayment, *, at: datetime) -> DealRepaid:
    """Lower the outstanding balance; a revolving mandate gets the principal back."""
    _require(deal, mandate, "repayment", frozenset({DealState.DISBURSED}))
    assert deal.offer is not None
    if repayment.amount_cny > deal.outstanding_cny:
        raise TermsOutsideMandate(
            f"repayment of {cny(repayment.amount_cny)} exceeds the outstanding balance of "
            f"{cny(deal.outstanding_cny)}",
            field="amount_cny",
        )
    restores = mandate.repaid(repayment.amount_cny, deal.enterprise_id, deal.city, deal.family)
    deal.repaid_cny += repayment.amount_cny
    deal.capacity_changed = deal.capacity_changed or restores
    if deal.outstanding_cny == 0 and deal.reserved_cny == 0:
        deal.state = DealState.REPAID
    return DealRepaid(
        **deal.parties(),
        offer=deal.offer,
        balance=deal.balance,
        repayment=repayment,
        restores_capacity=restores,
        repaid_at=at,
    )
