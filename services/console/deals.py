"""A lender's deal: the project, why it fits, the loan so far, and every answer it can give."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from console.as_user import field_errors, read, read_or_none, send
from console.forms import integers, text, texts
from console.pages import render
from console.session import CsrfChecked, Lender

router = APIRouter(prefix="/bank/deals")
ANSWERS: dict[str, tuple[str, ...]] = {
    "interest": ("note",),
    "decline": ("reason",),
    "offer": ("instrument", "amount_cny", "rate_percent", "valid_until"),
    "disbursed": ("amount_cny", "disbursed_on"),
}


async def _page(
    request: Request,
    user: Lender,
    deal_id: uuid.UUID,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    deal, loan = await asyncio.gather(
        read(request, user, "matching", f"/v1/deals/{deal_id}"),
        read_or_none(request, user, "matching", f"/v1/deals/{deal_id}/loan"),
    )
    return render(
        request,
        "bank/deal.html",
        {"deal": deal, "loan": loan, "errors": errors or {}, "values": values or {}},
        status_code=status_code,
    )


@router.get("/{deal_id}")
async def deal_detail(request: Request, user: Lender, deal_id: uuid.UUID) -> Response:
    """The deal, its fit explanation, the loan's offer, tranches and repayments."""
    return await _page(request, user, deal_id)


async def _post(
    request: Request,
    user: Lender,
    deal_id: uuid.UUID,
    path: str,
    body: dict[str, Any],
    errors: dict[str, str],
    values: dict[str, Any],
) -> Response:
    if not errors:
        answer = await send(request, user, "matching", "POST", path, json=body)
        if answer.ok:
            return RedirectResponse(f"/bank/deals/{deal_id}", status_code=303)
        errors = field_errors(answer)
        status_code = answer.status
    else:
        status_code = 422
    # A refusal from a deal the lender cannot see must not render its page: read() says 404.
    return await _page(request, user, deal_id, errors, values, status_code)


@router.post("/{deal_id}/answer", dependencies=[CsrfChecked])
async def answer(request: Request, user: Lender, deal_id: uuid.UUID) -> Response:
    """Interest, a decline with its reason, an offer, or a disbursed tranche."""
    form = await request.form()
    kind = text(form, "kind")
    errors: dict[str, str] = {}
    if kind not in ANSWERS:
        errors["kind"] = "deal.error.kind"
        response: dict[str, Any] = {}
    else:
        response = {"kind": kind, **texts(form, ANSWERS[kind])}
        if kind == "offer":
            response |= integers(form, ("tenor_months",), errors)
    values = {"kind": kind, **{k: v for k, v in response.items() if k != "kind"}}
    body = {"response": response}
    return await _post(
        request, user, deal_id, f"/v1/deals/{deal_id}/responses", body, errors, values
    )


@router.post("/{deal_id}/repayments", dependencies=[CsrfChecked])
async def repayment(request: Request, user: Lender, deal_id: uuid.UUID) -> Response:
    """Principal the enterprise paid back."""
    body = texts(await request.form(), ("amount_cny", "repaid_on"))
    return await _post(request, user, deal_id, f"/v1/deals/{deal_id}/repayments", body, {}, body)


@router.post("/{deal_id}/offer/withdrawal", dependencies=[CsrfChecked])
async def withdraw_offer(request: Request, user: Lender, deal_id: uuid.UUID) -> Response:
    """Take the live offer back; its undrawn amount returns to the mandate."""
    body = {"reason": text(await request.form(), "reason")}
    return await _post(
        request, user, deal_id, f"/v1/deals/{deal_id}/offer/withdrawal", body, {}, body
    )
