"""The lenders' quarterly green-finance evaluation: the regulator's ranking (and its CSV), and
a bank's own indicators. Both read audit's evaluation API with the user's own token."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from console import i18n
from console.as_user import detail_of, read, send
from console.pages import lang_of, render
from console.regulator import Quarter, audit_csv, this_quarter
from console.session import Lender, Reader

router = APIRouter()
RANKING_PAGE = 500


def percent_of(lang: i18n.Lang) -> Any:
    """A ratio written as a percentage ("0.2500" -> "25.0 %"); a missing value as a dash."""

    def percent(value: object) -> str:
        try:
            ratio = Decimal(str(value))
        except InvalidOperation:
            return "—"
        return f"{i18n.number(ratio * 100, lang, 1)} %"

    return percent


@router.get("/regulator/evaluation")
async def ranking(request: Request, user: Reader, quarter: Quarter = None) -> Response:
    """Every lender's evaluation for the quarter, best first, with the published formula."""
    chosen = quarter or this_quarter()
    table = await read(
        request, user, "audit", "/v1/evaluations", quarter=chosen, limit=RANKING_PAGE
    )
    context = {"quarter": chosen, "table": table, "percent": percent_of(lang_of(request))}
    return render(request, "regulator/evaluation.html", context)


@router.get("/regulator/evaluation.csv")
async def ranking_csv(request: Request, user: Reader, quarter: Quarter = None) -> Response:
    """The whole ranking as CSV, as the audit service writes it."""
    chosen = quarter or this_quarter()
    name = f"lender-evaluation-{chosen}"
    return await audit_csv(request, user, "/v1/evaluations", chosen, name)


@router.get("/bank/evaluation")
async def own_evaluation(request: Request, user: Lender, quarter: Quarter = None) -> Response:
    """The lender's own evaluation: its rank, total, band and each indicator's score."""
    chosen = quarter or this_quarter()
    path = f"/v1/lenders/{user.tenant}/evaluation"
    answer = await send(request, user, "audit", "GET", path, params={"quarter": chosen})
    if answer.status not in (200, 404):
        raise HTTPException(answer.status, detail_of(answer))
    own = answer.body if answer.ok else None  # 404: not evaluated in that quarter
    context = {"quarter": chosen, "own": own, "percent": percent_of(lang_of(request))}
    return render(request, "bank/evaluation.html", context)
