"""Driving the console over HTTP as a browser would: cookies kept, forms posted with CSRF."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


@asynccontextmanager
async def console_app(clients: Mapping[str, httpx.AsyncClient]) -> AsyncIterator[FastAPI]:
    """The console in this process, calling the services' in-process apps."""
    from console.app import build_app
    from console.config import ConsoleSettings

    app = build_app(ConsoleSettings(), clients)
    async with app.router.lifespan_context(app):
        yield app


def browser(app: FastAPI) -> httpx.AsyncClient:
    """A cookie-keeping client, as one person's browser."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console")


async def submitted(
    client: httpx.AsyncClient,
    page: str,
    action: str,
    data: Mapping[str, Any] | None = None,
    **request: Any,
) -> httpx.Response:
    """A form posted as a browser posts it: from the page that shows it, with its CSRF token."""
    shown = await client.get(page)
    form = {**(data or {}), "csrf_token": csrf_of(shown.text)}
    return await client.post(action, data=form, **request)


async def reason_form_posts(
    client: httpx.AsyncClient, page_html: str, action: str, reason: str
) -> tuple[httpx.Response, httpx.Response, httpx.Response]:
    """A reason form on the page posted three ways: as a forger would (no CSRF token), with a
    NUL in the reason, then as its user would with `reason`. The three answers, in order."""
    token = csrf_of(page_html)
    forged = await client.post(action, data={"reason": "x"})
    refused = await client.post(action, data={"reason": "bad\x00reason", "csrf_token": token})
    answer = await client.post(action, data={"reason": reason, "csrf_token": token})
    return forged, refused, answer


@asynccontextmanager
async def signed_in(
    app: FastAPI, role: str, tenant: uuid.UUID | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser that went through the development sign-in page as `role` (and `tenant`)."""
    async with browser(app) as client:
        form = {"role": role, "tenant": str(tenant or "")}
        answer = await submitted(client, "/signin", "/signin/dev", form)
        assert answer.status_code == 303, answer.text
        yield client


def project_form(body: Mapping[str, Any]) -> dict[str, Any]:
    """A project body (tests.support.samples) as the new-project form posts it."""
    form: dict[str, Any] = {}
    for name, value in body.items():
        if name == "activity":
            form |= {f"activity.{k}": str(v) for k, v in value.items()}
        elif name == "instruments":
            form["instruments"] = list(value)
        elif name in ("declared_factor", "carbon_credits"):
            form |= {f"{name}.{k}": str(v) for k, v in value.items()}
        elif isinstance(value, bool):
            if value:
                form[name] = "on"
        elif not isinstance(value, list):
            form[name] = str(value)
    return form


def mandate_form(body: Mapping[str, Any]) -> dict[str, Any]:
    """A mandate body (tests.support.samples) as the mandate form posts it."""
    form: dict[str, Any] = {}
    for name, value in body.items():
        if name == "limits":
            form |= {f"limits.{k}": str(v) for k, v in value.items() if v is not None}
        elif isinstance(value, list):
            form[name] = list(value)
        elif isinstance(value, bool):
            if value:
                form[name] = "on"
        elif value is not None:
            form[name] = str(value)
    return form
