"""A lender's mandates: what each finances, how much of its capacity is used and left."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from console.as_user import field_errors, read, send
from console.forms import choices_of, integers, number, text, texts
from console.pages import render
from console.session import CsrfChecked, Lender
from schemas.lending import Exclusion
from schemas.vocabulary import City, Instrument, ProjectFamily

router = APIRouter(prefix="/bank/mandates")
MONEY = ("ticket_min_cny", "ticket_max_cny", "capacity_cny", "max_abatement_cost_cny_per_tco2e")
LIMITS = ("per_enterprise_cny", "per_city_cny", "per_family_cny")
LISTS = ("instruments", "families", "cities", "focus_cities", "exclusions")


def choices() -> dict[str, list[str]]:
    return {
        "instruments": [i.value for i in Instrument],
        "families": [f.value for f in ProjectFamily],
        "cities": [c.value for c in City],
        "focus_cities": [c.value for c in City],
        "exclusions": [e.value for e in Exclusion],
    }


def parse(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The mandate form as MandateSpec JSON (money as text), and fields it cannot read."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"name": text(form, "name"), **texts(form, MONEY)}
    body |= {name: choices_of(form, name) for name in LISTS}
    body |= integers(form, ("max_tenor_months",), errors)
    for name in ("min_score", "min_annual_tco2e"):
        value = number(text(form, name), name, errors, integer=False)
        if value is not None:
            body[name] = float(value)
    body["limits"] = {k: v for k, v in texts(form, tuple(f"limits.{n}" for n in LIMITS)).items()}
    body["limits"] = {k.removeprefix("limits."): v for k, v in body["limits"].items()}
    body["revolving"] = text(form, "revolving") == "on"
    return body, errors


def values_of(terms: dict[str, Any]) -> dict[str, Any]:
    """A mandate's terms as the form shows them; a term left unset stays a blank field."""
    values = {k: v for k, v in terms.items() if k != "limits" and v is not None}
    values |= {f"limits.{k}": v for k, v in (terms.get("limits") or {}).items() if v is not None}
    values["revolving"] = "on" if terms.get("revolving") else ""
    return values


@router.get("")
async def mandates(request: Request, user: Lender) -> Response:
    """Every mandate with capacity used and left, and the form for a new one."""
    page = await read(request, user, "matching", "/v1/mandates", limit=100)
    detailed = await asyncio.gather(
        *(read(request, user, "matching", f"/v1/mandates/{m['mandate_id']}") for m in page["items"])
    )
    for m in detailed:
        left = m.get("remaining_capacity_cny")
        capacity = Decimal(m["terms"]["capacity_cny"])
        m["used_cny"] = None if left is None else capacity - Decimal(left)
    return render(
        request,
        "bank/mandates.html",
        {"mandates": detailed, "choices": choices(), "values": {}, "errors": {}},
    )


@router.post("", dependencies=[CsrfChecked])
async def create(request: Request, user: Lender) -> Response:
    """A new mandate; matching projects start arriving in the feed."""
    body, errors = parse(await request.form())
    if not errors:
        answer = await send(request, user, "matching", "POST", "/v1/mandates", json=body)
        if answer.ok:
            return RedirectResponse(f"/bank/mandates/{answer.body['mandate_id']}", 303)
        errors = field_errors(answer)
    return render(
        request,
        "bank/mandate.html",
        {"mandate": None, "choices": choices(), "values": values_of(body), "errors": errors},
        status_code=422 if errors else 200,
    )


@router.get("/{mandate_id}")
async def edit(request: Request, user: Lender, mandate_id: uuid.UUID) -> Response:
    """One mandate's terms to change, with its capacity reserved, lent and left."""
    mandate = await read(request, user, "matching", f"/v1/mandates/{mandate_id}")
    return render(
        request,
        "bank/mandate.html",
        {
            "mandate": mandate,
            "choices": choices(),
            "values": values_of(mandate["terms"]),
            "errors": {},
            "closing_errors": {},
        },
    )


@router.post("/{mandate_id}/close", dependencies=[CsrfChecked])
async def close(request: Request, user: Lender, mandate_id: uuid.UUID) -> Response:
    """Stop the mandate, saying why: its open deals are withdrawn, offers and loans stand."""
    mandate = await read(request, user, "matching", f"/v1/mandates/{mandate_id}")
    body = {"reason": text(await request.form(), "reason")}
    path = f"/v1/mandates/{mandate_id}/close"
    answer = await send(request, user, "matching", "POST", path, json=body)
    if answer.ok:
        return RedirectResponse(f"/bank/mandates/{mandate_id}", 303)
    return render(
        request,
        "bank/mandate.html",
        {
            "mandate": mandate,
            "choices": choices(),
            "values": values_of(mandate["terms"]),
            "errors": {},
            "closing_errors": field_errors(answer),
        },
        status_code=answer.status,
    )


@router.post("/{mandate_id}", dependencies=[CsrfChecked])
async def update(request: Request, user: Lender, mandate_id: uuid.UUID) -> Response:
    """New terms become the mandate's next version."""
    mandate = await read(request, user, "matching", f"/v1/mandates/{mandate_id}")
    body, errors = parse(await request.form())
    if not errors:
        path = f"/v1/mandates/{mandate_id}"
        answer = await send(request, user, "matching", "PUT", path, json=body)
        if answer.ok:
            return RedirectResponse(f"/bank/mandates/{mandate_id}", 303)
        errors = field_errors(answer)
    return render(
        request,
        "bank/mandate.html",
        {
            "mandate": mandate,
            "choices": choices(),
            "values": values_of(body),
            "errors": errors,
            "closing_errors": {},
        },
        status_code=422,
    )
