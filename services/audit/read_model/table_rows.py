"""Read-model table rows taken from events: what flows, disclosures and scorecards rest on.

Pure: each function maps one typed event to the tuple its table stores.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Generic

from typing_extensions import TypeVar

from schemas.deals import (
    DealMatched,
    DealOfferClosed,
    DealRepaid,
    DealResponded,
    Decline,
    Disbursement,
    Interest,
    Offer,
)
from schemas.envelope import EventData
from schemas.lending import LenderRegistered
from schemas.project import ProjectVersion, ProjectWithdrawn
from schemas.scoring import ProjectScored

E = TypeVar("E", bound=EventData, default=EventData)


@dataclass(frozen=True)
class Recorded(Generic[E]):
    """An event as the ledger sealed it: its seq, its id and its validated body."""

    seq: int
    event_id: uuid.UUID
    event: E


def project_row(v: ProjectVersion) -> tuple[Any, ...]:
    return (
        v.project_id,
        v.enterprise_id,
        v.version,
        v.name,
        str(v.type),
        str(v.family),
        str(v.city),
        v.county,
        v.capex_cny,
        v.financing_need_cny,
        v.recorded_at,
    )


def withdrawal_row(w: ProjectWithdrawn) -> tuple[Any, ...]:
    return (w.project_id, w.version, w.withdrawn_at)


def scored_project_row(s: ProjectScored) -> tuple[Any, ...]:
    """A project known only from its score (its registration not consumed yet)."""
    return (
        s.project_id,
        s.enterprise_id,
        s.project_version,
        s.project_name,
        str(s.type),
        str(s.family),
        str(s.city),
        s.county,
        s.capex_cny,
        s.financing_need_cny,
        s.scored_at,
    )


def score_row(s: ProjectScored) -> tuple[Any, ...]:
    t = s.taxonomy
    return (
        s.project_id,
        s.project_version,
        s.score,
        s.annual_tco2e,
        s.capex_cny,
        t.catalogue_category_code,
        t.catalogue_category,
        str(t.carbon_reduction_facility_field),
        str(t.icma_category) if t.icma_category else None,
        s.scored_at,
    )


def lender_row(e: LenderRegistered) -> tuple[Any, ...]:
    return (e.lender_id, e.name, str(e.kind), str(e.city), e.registered_at)


def deal_row(seq: int, d: DealMatched) -> tuple[Any, ...]:
    p = d.project
    return (
        d.deal_id,
        seq,
        d.lender_id,
        d.mandate_id,
        d.project_id,
        d.project_version,
        d.enterprise_id,
        str(p.city),
        p.county,
        str(p.family),
        p.capex_cny,
        p.annual_tco2e,
        p.taxonomy.catalogue_category_code,
        str(p.taxonomy.carbon_reduction_facility_field),
        d.fit_score,
        d.matched_at,
    )


def response_row(seq: int, event_id: uuid.UUID, r: DealResponded) -> tuple[Any, ...]:
    """One row per answer; a disbursement takes instrument, rate and tenor from its offer."""
    instrument = amount = rate = tenor = disbursed_on = reason = None
    answer = r.response
    if isinstance(answer, Offer):
        instrument, amount = str(answer.instrument), answer.amount_cny
        rate, tenor = answer.rate_percent, answer.tenor_months
    elif isinstance(answer, Disbursement):
        amount, disbursed_on = answer.amount_cny, answer.disbursed_on
        if r.offer_in_force is not None:
            offer = r.offer_in_force
            instrument, rate, tenor = str(offer.instrument), offer.rate_percent, offer.tenor_months
    elif isinstance(answer, Decline):
        reason = answer.reason
    elif isinstance(answer, Interest):
        reason = answer.note or None
    return (
        event_id,
        seq,
        r.deal_id,
        r.lender_id,
        r.mandate_id,
        r.project_id,
        r.enterprise_id,
        str(r.city),
        str(r.family),
        answer.kind,
        instrument,
        amount,
        rate,
        tenor,
        disbursed_on,
        reason,
        r.responded_at,
        None,
    )


def _loan_row(
    seq: int, event_id: uuid.UUID, e: DealRepaid | DealOfferClosed, kind: str
) -> list[Any]:
    offer = e.offer
    return [
        event_id,
        seq,
        e.deal_id,
        e.lender_id,
        e.mandate_id,
        e.project_id,
        e.enterprise_id,
        str(e.city),
        str(e.family),
        kind,
        str(offer.instrument),
        None,
        offer.rate_percent,
        offer.tenor_months,
        None,
        None,
        None,
        None,
    ]


def repayment_row(seq: int, event_id: uuid.UUID, e: DealRepaid) -> tuple[Any, ...]:
    """Principal repaid: counted in flows and disclosures against the loan's instrument."""
    row = _loan_row(seq, event_id, e, "repaid")
    row[11], row[16], row[17] = e.repayment.amount_cny, e.repaid_at, e.repayment.repaid_on
    return tuple(row)


def offer_closed_row(seq: int, event_id: uuid.UUID, e: DealOfferClosed) -> tuple[Any, ...]:
    """An offer that stopped holding capacity; `amount_cny` is what it released."""
    row = _loan_row(seq, event_id, e, "offer_closed")
    reason = e.cause + (f": {e.reason}" if e.reason else "")
    row[11], row[15], row[16] = e.released_cny, reason, e.closed_at
    return tuple(row)
