"""Every console page and form × every caller's session → the expected status, and never
another tenant's data: zero cross-tenant reads (the marker), zero cross-tenant writes (the
owner re-reads the same state through the API after a refused form)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.security import console_matrix
from tests.security.console_matrix import ConsoleRow
from tests.security.matrix import Caller, SeedContext, World, fill, headers_for
from tests.support.console import browser, csrf_of

pytestmark = [pytest.mark.security, pytest.mark.integration]
CASES = [
    pytest.param(row, caller, id=f"console {row.method} {row.path} {caller}")
    for row in console_matrix.ROWS
    for caller in Caller
]
TENANT_OF = {
    Caller.ENTERPRISE_OWN: ("enterprise", "own"),
    Caller.ENTERPRISE_OTHER: ("enterprise", "other"),
    Caller.LENDER_OWN: ("lender", "own"),
    Caller.LENDER_OTHER: ("lender", "other"),
    Caller.REGULATOR: ("regulator", None),
    Caller.ADMIN: ("admin", None),
}


@pytest.fixture(scope="session")
def console_worlds() -> dict[str, World]:
    return {}


async def _world(row: ConsoleRow, ctx: SeedContext, cache: dict[str, World]) -> World:
    """One world per row that changes state, one shared by all the rows that only read."""
    key = f"{row.method} {row.path}" if row.fresh else "shared"
    if key not in cache:
        cache[key] = await console_matrix.seed(ctx)
    return cache[key]


async def _sign_in(client: httpx.AsyncClient, caller: Caller, world: World) -> str:
    """Sign the browser in as `caller` (anonymous: only visit the sign-in page); its CSRF token."""
    token = csrf_of((await client.get("/signin")).text)
    if caller is Caller.ANONYMOUS:
        return token
    role, side = TENANT_OF[caller]
    tenant = getattr(world, side) if side else None
    tenant_id = "" if tenant is None else str(getattr(tenant, f"{role}_id"))
    form = {"role": role, "tenant": tenant_id, "csrf_token": token}
    assert (await client.post("/signin/dev", data=form)).status_code == 303
    return csrf_of((await client.get("/signin")).text)


async def _owner_view(row: ConsoleRow, world: World, ctx: SeedContext) -> list[tuple[int, Any]]:
    headers = headers_for(row.owner, world, ctx.mint)
    answers = [
        await ctx.clients[service].get(fill(path, world), headers=headers)
        for service, path in row.state
    ]
    return [(a.status_code, a.json()) for a in answers]


@pytest.mark.parametrize(("row", "caller"), CASES)
async def test_each_console_caller_gets_what_the_matrix_says_and_nothing_of_another_tenant(
    row: ConsoleRow,
    caller: Caller,
    matrix_console: FastAPI,
    seed_context: SeedContext,
    console_worlds: dict[str, World],
) -> None:
    world = await _world(row, seed_context, console_worlds)
    async with browser(matrix_console) as client:
        token = await _sign_in(client, caller, world)
        before = await _owner_view(row, world, seed_context)
        if row.method == "GET":
            params = {k: fill(v, world) for k, v in row.query.items()}
            response = await client.get(row.url(world), params=params)
        else:
            assert row.form is not None
            form = row.form(world) | {"csrf_token": token}
            response = await client.post(row.url(world), data=form)

    assert response.status_code == row.expect[caller], response.text[:2000]
    if caller not in row.entitled():
        assert world.own.marker not in response.text, "another tenant's data leaked"
    if not 200 <= response.status_code < 400 or caller is not row.owner:
        assert await _owner_view(row, world, seed_context) == before


def test_the_console_matrix_covers_every_console_route_once() -> None:
    from tests.security.apps import api_routes, offline_app

    keys = [row.key for row in console_matrix.ROWS]
    assert len(keys) == len(set(keys)), "a route appears twice"
    assert set(keys) == api_routes(offline_app("console"))
