"""Response shapes of the reports: flows, disclosures and scorecards, with money rounded."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from audit.disclosure import CENTS, TONNE_PLACES, CrfFigures
from audit.flows import FlowTotals
from audit.scorecard import ResponseTimes


class FlowFigures(BaseModel):
    offered_cny: Decimal
    disbursed_cny: Decimal
    offers: int
    disbursements: int
    projects_offered: int
    projects_financed: int
    financed_annual_tco2e: Decimal
    projects_annual_tco2e: Decimal
    unattributed_disbursed_cny: Decimal

    @classmethod
    def of(cls, t: FlowTotals) -> FlowFigures:
        return cls(
            offered_cny=t.offered_cny.quantize(CENTS),
            disbursed_cny=t.disbursed_cny.quantize(CENTS),
            offers=t.offers,
            disbursements=t.disbursements,
            projects_offered=len(t.projects_offered),
            projects_financed=t.projects_financed,
            financed_annual_tco2e=t.financed_annual_tco2e.quantize(TONNE_PLACES),
            projects_annual_tco2e=t.projects_annual_tco2e.quantize(TONNE_PLACES),
            unattributed_disbursed_cny=t.unattributed_disbursed_cny.quantize(CENTS),
        )


class FlowGroupView(FlowFigures):
    key: dict[str, str]


class FlowReport(BaseModel):
    currency: str = "CNY"
    group_by: list[str]
    period: str
    date_from: date | None
    date_to: date | None
    groups: list[FlowGroupView]
    total: FlowFigures


class CrfFiguresView(BaseModel):
    projects: int
    loan_amount_cny: Decimal
    weighted_rate_percent: Decimal | None
    annual_tco2e_driven: Decimal

    @classmethod
    def of(cls, f: CrfFigures) -> CrfFiguresView:
        return cls(**f.__dict__)


class CrfRowView(BaseModel):
    lender_id: uuid.UUID
    lender_name: str | None
    field: str
    quarter: CrfFiguresView
    year_to_date: CrfFiguresView
    since_inception: CrfFiguresView


class CrfDisclosure(BaseModel):
    quarter: str
    quarter_start: date
    quarter_end: date
    instrument: str
    currency: str = "CNY"
    rows: list[CrfRowView]


class DeclineReason(BaseModel):
    reason: str
    count: int


class ResponseTimesView(BaseModel):
    answered: int
    unanswered_open: int
    median_hours: float | None
    mean_hours: float | None
    p90_hours: float | None
    max_hours: float | None

    @classmethod
    def of(cls, r: ResponseTimes) -> ResponseTimesView:
        return cls(**r.__dict__)


class ScorecardView(BaseModel):
    lender_id: uuid.UUID
    lender_name: str | None
    deals_matched: int
    deals_withdrawn: int
    answers_by_kind: dict[str, int]
    response_times: ResponseTimesView
    decline_reasons: list[DeclineReason]
    green_financing: FlowFigures
