"""Response shapes of the reports: flows, disclosures and scorecards, with money rounded."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from audit.reports.cerf_disclosure import CENTS, TONNE_PLACES, CerfFigures, CerfLoan
from audit.reports.flows import FlowTotals
from audit.reports.scorecard import ResponseTimes
from servicekit.row_views import object_view


class FlowFigures(BaseModel):
    """Money offered, disbursed and repaid in the window, and the balance outstanding at its
    end (all disbursed minus all repaid since inception)."""

    offered_cny: Decimal
    disbursed_cny: Decimal
    repaid_cny: Decimal
    outstanding_cny: Decimal
    offers: int
    disbursements: int
    repayments: int
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
            repaid_cny=t.repaid_cny.quantize(CENTS),
            outstanding_cny=t.outstanding_cny.quantize(CENTS),
            offers=t.offers,
            disbursements=t.disbursements,
            repayments=t.repayments,
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


class CerfRowView(BaseModel):
    """One lender and field; `loans`, `outstanding_cny` and the refinancing stand at the
    quarter's end (since inception)."""

    lender_id: uuid.UUID
    lender_name: str | None
    field: str
    quarter: CerfFigures
    year_to_date: CerfFigures
    since_inception: CerfFigures
    loans: int
    outstanding_cny: Decimal
    refinanced_cny: Decimal
    refinancing_rate_percent: Decimal | None


class CerfLoanView(BaseModel):
    """One facility loan: its balance and the refinancing rule of the day it was paid out."""

    deal_id: uuid.UUID
    lender_id: uuid.UUID
    project_id: uuid.UUID
    field: str
    first_disbursed_on: date
    disbursed_cny: Decimal
    repaid_cny: Decimal
    outstanding_cny: Decimal
    refinanced_cny: Decimal
    refinancing_share: Decimal | None
    refinancing_rate_percent: Decimal | None

    @classmethod
    def of(cls, loan: CerfLoan) -> CerfLoanView:
        return object_view(cls, loan)


class RefinancingRuleView(BaseModel):
    valid_from: date
    valid_to: date | None
    principal_share: Decimal
    rate_percent: Decimal
    source: str
    note: str


class CerfDisclosure(BaseModel):
    quarter: str
    quarter_start: date
    quarter_end: date
    instrument: str
    currency: str = "CNY"
    rows: list[CerfRowView]
    loans: list[CerfLoanView]
    facility: str
    refinancing_rules: list[RefinancingRuleView]


class DeclineReason(BaseModel):
    reason: str
    count: int


class ScorecardView(BaseModel):
    lender_id: uuid.UUID
    lender_name: str | None
    deals_matched: int
    deals_withdrawn: int
    answers_by_kind: dict[str, int]
    response_times: ResponseTimes
    decline_reasons: list[DeclineReason]
    green_financing: FlowFigures
