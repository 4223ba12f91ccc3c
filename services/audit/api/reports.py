"""Report HTTP API: financing flows, carbon-reduction-facility disclosures, lender scorecards."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from audit.api import access
from audit.api.deps import Settings
from audit.reports.cerf_disclosure import CERF_INSTRUMENT, cerf_loans, cerf_table
from audit.reports.cerf_refinancing import refinancing_table
from audit.reports.flows import Dimension, FlowQuery, flow_groups, flow_total
from audit.reports.periods import Period, parse_quarter
from audit.reports.scorecard import scorecard
from audit.reports.views import (
    CerfDisclosure,
    CerfLoanView,
    CerfRowView,
    DeclineReason,
    FlowFigures,
    FlowGroupView,
    FlowReport,
    RefinancingRuleView,
    ScorecardView,
)
from audit.repository import queries
from audit.repository.queries import FinancingFilter
from schemas.fields import IsoDate
from schemas.vocabulary import City, Instrument, ProjectFamily
from servicekit.csv_export import CSV_RESPONSE, WantsCsv, csv_response
from servicekit.errors import NotFound, Unprocessable
from servicekit.http_deps import CallerConnection
from servicekit.policies import LENDER_READ, EachLender, LenderReader, Reader
from servicekit.row_views import object_view

router = APIRouter(prefix="/v1", tags=["reports"])
Text = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]


def _dimensions(text: str | None) -> tuple[Dimension, ...]:
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    try:
        dims = tuple(dict.fromkeys(Dimension(n) for n in names))
    except ValueError:
        allowed = ", ".join(d.value for d in Dimension)
        raise Unprocessable(
            f"group_by takes a comma-separated list of: {allowed}", field="group_by"
        ) from None
    return dims


@router.get("/flows", response_model=FlowReport, responses=CSV_RESPONSE)
async def financing_flows(
    as_csv: WantsCsv,
    principal: Reader,
    con: CallerConnection,
    group_by: Annotated[str | None, Query(max_length=100, description="e.g. city,period")] = None,
    period: Period = Period.QUARTER,
    date_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    date_to: Annotated[IsoDate | None, Query(alias="to", description="inclusive")] = None,
    city: City | None = None,
    county: Text = None,
    family: ProjectFamily | None = None,
    category: Text = None,
    instrument: Instrument | None = None,
    lender_id: uuid.UUID | None = None,
) -> FlowReport | Response:
    """Offered, disbursed and repaid CNY, the balance outstanding, projects and financed tCO2e,
    grouped as asked."""
    if date_from and date_to and date_to < date_from:
        raise Unprocessable("`to` must not be before `from`", field="to")
    query = FlowQuery(_dimensions(group_by), period, date_from, date_to, instrument)
    where = FinancingFilter(lender_id, city, family, county, category)
    rows = await queries.financing_rows(con, where)
    groups = [
        FlowGroupView(key={d.value: v for d, v in g.key}, **FlowFigures.of(g.totals).model_dump())
        for g in flow_groups(rows, query)
    ]
    report = FlowReport(
        group_by=[d.value for d in query.group_by],
        period=period,
        date_from=date_from,
        date_to=date_to,
        groups=groups,
        total=FlowFigures.of(flow_total(rows, query)),
    )
    if as_csv:
        lines: list[dict[str, Any]] = [
            {"row": "group", **g.model_dump(mode="json")} for g in report.groups
        ]
        lines.append({"row": "total", **report.total.model_dump(mode="json")})
        return csv_response(lines, "flows")
    return report


@router.get("/disclosures/cerf", response_model=CerfDisclosure, responses=CSV_RESPONSE)
async def cerf_disclosure(
    as_csv: WantsCsv,
    principal: EachLender,
    con: CallerConnection,
    settings: Settings,
    quarter: Annotated[
        str,
        Query(
            min_length=6,
            max_length=8,
            pattern=r"^(20[0-9]{2}|2100)-?[Qq][1-4]$",
            examples=["2026Q1"],
        ),
    ],
    lender_id: uuid.UUID | None = None,
) -> CerfDisclosure | Response:
    """Carbon-reduction-facility loans per lender and field: quarter, year to date, inception;
    each loan's outstanding balance and the central bank's refinancing from the rule table."""
    scope = access.lender_scope(principal, lender_id)
    try:
        q = parse_quarter(quarter)
    except ValueError as exc:
        raise Unprocessable(str(exc), field="quarter") from None
    where = FinancingFilter(lender_id=scope, instrument=CERF_INSTRUMENT)
    financing = await queries.financing_rows(con, where)
    rules = refinancing_table(settings.cerf_refinancing_path)
    table = cerf_table(financing, q, rules)
    names = await queries.lender_names(con, sorted({r.lender_id for r in table}))
    disclosure = CerfDisclosure(
        quarter=q.label,
        quarter_start=q.first_day,
        quarter_end=q.last_day,
        instrument=CERF_INSTRUMENT,
        rows=[object_view(CerfRowView, r, lender_name=names.get(r.lender_id)) for r in table],
        loans=[CerfLoanView.of(loan) for loan in cerf_loans(financing, q.last_day, rules)],
        facility=rules.facility,
        refinancing_rules=[RefinancingRuleView(**rule.model_dump()) for rule in rules.rules],
    )
    if as_csv:
        return csv_response(disclosure.rows, f"cerf-{q.label}", model=CerfRowView)
    return disclosure


@router.get("/lenders/{lender_id}/scorecard", response_model=ScorecardView, responses=CSV_RESPONSE)
async def lender_scorecard(
    as_csv: WantsCsv,
    lender_id: uuid.UUID,
    principal: LenderReader,
    con: CallerConnection,
) -> ScorecardView | Response:
    """How a lender answers its deals and the green financing it has provided."""
    LENDER_READ.reveal(principal, lender_id, f"lender {lender_id} not found", "lender_id")
    deals = await queries.lender_deals(con, lender_id)
    answers = await queries.lender_answers(con, lender_id)
    names = await queries.lender_names(con, [lender_id])
    if not deals and not answers and lender_id not in names and LENDER_READ.sees_all(principal):
        raise NotFound(f"the ledger holds nothing about lender {lender_id}", field="lender_id")
    rows = await queries.financing_rows(con, FinancingFilter(lender_id=lender_id))
    card = scorecard(deals, answers, rows)
    view = ScorecardView(
        lender_id=lender_id,
        lender_name=names.get(lender_id),
        deals_matched=card.deals_matched,
        deals_withdrawn=card.deals_withdrawn,
        answers_by_kind=card.answers_by_kind,
        response_times=card.response_times,
        decline_reasons=[DeclineReason(reason=r, count=n) for r, n in card.decline_reasons],
        green_financing=FlowFigures.of(card.volume),
    )
    return csv_response([view], f"scorecard-{lender_id}") if as_csv else view
