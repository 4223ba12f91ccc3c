"""Lender evaluation HTTP API: the quarter's ranking for regulators, each lender its own row.

Shares are of all lenders' balance, so both endpoints evaluate the whole quarter through the
service's own connection once the policy has admitted the caller; a lender is answered with its
own row only (its rank among how many, never another lender's figures).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from audit.reports.cerf_disclosure import CENTS
from audit.reports.evaluation import evaluate
from audit.reports.evaluation_results import LenderEvaluationRow
from audit.reports.evaluation_views import (
    EvaluationFormula,
    EvaluationRanking,
    LenderEvaluation,
    QuarterFigures,
)
from audit.reports.periods import Quarter, parse_quarter
from audit.repository.evaluation_inputs import ledgered
from schemas.lending import LenderKind
from schemas.vocabulary import City
from servicekit.csv_export import CSV_RESPONSE, WantsCsv, csv_response
from servicekit.errors import NotFound, Unprocessable
from servicekit.http_deps import ServiceConnection
from servicekit.pagination import Cursor, Limit, decode_cursor
from servicekit.policies import LENDER_READ, LenderReader, Reader

router = APIRouter(prefix="/v1", tags=["evaluations"])
QuarterText = Annotated[
    str,
    Query(
        min_length=6, max_length=8, pattern=r"^(20[0-9]{2}|2100)-?[Qq][1-4]$", examples=["2026Q1"]
    ),
]
Band = Literal["A", "B", "C", "D"]


def _quarter(text: str) -> Quarter:
    try:
        return parse_quarter(text)
    except ValueError as exc:
        raise Unprocessable(str(exc), field="quarter") from None


def _figures(q: Quarter, done: list[LenderEvaluationRow]) -> QuarterFigures:
    return QuarterFigures(
        quarter=q.label,
        quarter_start=q.first_day,
        quarter_end=q.last_day,
        lenders_evaluated=len(done),
        platform_balance_cny=sum((e.green_loan_balance_cny for e in done), Decimal(0)).quantize(
            CENTS
        ),
    )


@router.get("/evaluations", response_model=EvaluationRanking, responses=CSV_RESPONSE)
async def lender_evaluations(
    as_csv: WantsCsv,
    principal: Reader,
    con: ServiceConnection,
    quarter: QuarterText,
    band: Band | None = None,
    kind: LenderKind | None = None,
    city: City | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> EvaluationRanking | Response:
    """Every lender's green-finance evaluation for the quarter, best first, with the formula;
    CSV holds every row the filters keep."""
    q = _quarter(quarter)
    done = evaluate(await ledgered(con), q)
    kept = [
        e
        for e in done
        if (band is None or e.band == band)
        and (kind is None or e.lender_kind == kind)
        and (city is None or e.lender_city == city)
    ]
    if as_csv:
        return csv_response(kept, f"lender-evaluation-{q.label}", model=LenderEvaluationRow)
    start = decode_cursor(cursor)
    page = kept[start : start + limit]
    more = start + limit < len(kept)
    return EvaluationRanking(
        **_figures(q, done).model_dump(),
        items=page,
        next_cursor=str(start + limit) if more else None,
        formula=EvaluationFormula(),
    )


@router.get(
    "/lenders/{lender_id}/evaluation", response_model=LenderEvaluation, responses=CSV_RESPONSE
)
async def lender_evaluation(
    as_csv: WantsCsv,
    lender_id: uuid.UUID,
    principal: LenderReader,
    con: ServiceConnection,
    quarter: QuarterText,
) -> LenderEvaluation | Response:
    """One lender's evaluation for the quarter: its rank, indicators and the formula."""
    LENDER_READ.reveal(principal, lender_id, f"lender {lender_id} not found", "lender_id")
    q = _quarter(quarter)
    done = evaluate(await ledgered(con), q)
    own = next((e for e in done if e.lender_id == lender_id), None)
    if own is None:
        raise NotFound(f"lender {lender_id} is not evaluated in {q.label}", field="lender_id")
    if as_csv:
        return csv_response([own], f"lender-evaluation-{q.label}-{lender_id}")
    return LenderEvaluation(
        **_figures(q, done).model_dump(), evaluation=own, formula=EvaluationFormula()
    )
