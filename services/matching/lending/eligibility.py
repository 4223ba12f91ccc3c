"""The instrument gate on a lender's answer: an offer or disbursement the taxonomy refuses."""

from __future__ import annotations

from matching.lending.deals import Deal
from matching.lending.errors import IneligibleInstrument
from schemas.deals import DealResponse, Disbursement, Offer
from schemas.eligibility import CERF_FIELD, ineligibility


def check_eligible(deal: Deal, response: DealResponse) -> None:
    """Refuse an offer, or a disbursement under an offer, in an instrument the project's
    taxonomy rules out (a CERF loan on a `not_eligible` project), naming the taxonomy field."""
    offer = response if isinstance(response, Offer) else None
    if isinstance(response, Disbursement):
        offer = deal.offer
    if offer is None or deal.carbon_reduction_facility_field is None:
        return
    why = ineligibility(offer.instrument, deal.carbon_reduction_facility_field)
    if why is not None:
        raise IneligibleInstrument(why, field=CERF_FIELD)
