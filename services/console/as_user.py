"""Calls to the services as the signed-in user, with their refusals turned into pages."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from console.backends import Answer, Backends, Service
from console.session import SignInRequired, User, sign_out


def backends(request: Request) -> Backends:
    found: Backends = request.app.state.backends
    return found


async def send(
    request: Request, user: User, service: Service, method: str, path: str, **kwargs: Any
) -> Answer:
    """The service's answer; an expired or refused token ends the session (sign in again)."""
    answer = await backends(request).call(service, method, path, user.token, **kwargs)
    if answer.status == 401:
        sign_out(request)
        raise SignInRequired
    return answer


async def read(request: Request, user: User, service: Service, path: str, **params: Any) -> Any:
    """A GET whose refusal (403, 404, 4xx) becomes the same status on the console's page."""
    clean = {k: v for k, v in params.items() if v is not None and v != ""}
    answer = await send(request, user, service, "GET", path, params=clean)
    if not answer.ok:
        raise HTTPException(answer.status, detail_of(answer))
    return answer.body


async def read_or_none(request: Request, user: User, service: Service, path: str) -> Any:
    """A GET where 404 means "not there yet" (a score before scoring, a profile before it
    is registered); other refusals still become the page's status."""
    answer = await send(request, user, service, "GET", path)
    if answer.status == 404:
        return None
    if not answer.ok:
        raise HTTPException(answer.status, detail_of(answer))
    return answer.body


def detail_of(answer: Answer) -> str:
    body = answer.body
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, str):
            return detail
    return str(body)[:500]


def field_errors(answer: Answer) -> dict[str, str]:
    """A service's 422 (an RFC 9457 problem) as {dotted field: message}, for errors beside
    their inputs: one per entry of its `errors`, else its `field` with its `detail`."""
    body = answer.body if isinstance(answer.body, dict) else {}
    errors: dict[str, str] = {}
    detail = body.get("detail")
    invalid = body.get("errors")
    if isinstance(invalid, list) and invalid:
        for item in invalid:
            if not isinstance(item, dict):
                continue
            loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path")]
            name = item.get("field") or ".".join(loc) or "_form"
            errors.setdefault(str(name), str(item.get("detail", "")))
    elif isinstance(body.get("field"), str):
        errors[body["field"]] = str(detail)
    elif detail:
        errors["_form"] = str(detail)
    return errors
