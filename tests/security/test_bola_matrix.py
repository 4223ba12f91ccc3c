"""Every object endpoint × every caller × own and other tenant's object → the expected status.

Zero cross-tenant reads: a stranger never gets tenant A's data (its marker never appears in
the answer). Zero cross-tenant writes: after a refused write the owner re-reads the same state.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.security import (
    audit_matrix,
    console_matrix,
    matching_matrix,
    registry_matrix,
    scoring_matrix,
)
from tests.security.apps import api_routes, offline_app, present_services
from tests.security.matrix import (
    Caller,
    Endpoint,
    SeedContext,
    ServiceMatrix,
    World,
    fill,
    headers_for,
)

pytestmark = pytest.mark.security

MATRICES: dict[str, ServiceMatrix] = {
    m.service: m
    for m in (
        registry_matrix.MATRIX,
        audit_matrix.MATRIX,
        scoring_matrix.MATRIX,
        matching_matrix.MATRIX,
    )
}
# Services whose API exists but whose matrix is still to be written; each must leave this set
# in the change that gives it rows and a seed.
PENDING: frozenset[str] = frozenset()
# Clients whose pages join the matrix through sessions rather than bearer tokens.
SESSION_MATRICES = {"console": console_matrix.ROWS}
CASES = [
    pytest.param(matrix, row, caller, id=f"{matrix.service} {row.method} {row.path} {caller}")
    for matrix in MATRICES.values()
    for row in matrix.rows
    for caller in Caller
]


@pytest.fixture(scope="session")
def shared_worlds() -> dict[str, World]:
    return {}


async def _world(
    matrix: ServiceMatrix, row: Endpoint, ctx: SeedContext, cache: dict[str, World]
) -> World:
    """A fresh world for rows that change state; otherwise one per service and session."""
    if row.fresh:
        return await matrix.seed(ctx)
    if matrix.service not in cache:
        cache[matrix.service] = await (matrix.shared_seed or matrix.seed)(ctx)
    return cache[matrix.service]


async def _owner_view(
    client: httpx.AsyncClient, row: Endpoint, world: World, ctx: SeedContext
) -> list[tuple[int, Any]]:
    headers = headers_for(row.owner, world, ctx.mint)
    answers = [await client.get(fill(path, world), headers=headers) for path in row.state]
    return [(a.status_code, a.json()) for a in answers]


@pytest.mark.integration
@pytest.mark.parametrize(("matrix", "row", "caller"), CASES)
async def test_each_caller_gets_what_the_matrix_says_and_nothing_of_another_tenant(
    matrix: ServiceMatrix,
    row: Endpoint,
    caller: Caller,
    seed_context: SeedContext,
    shared_worlds: dict[str, World],
) -> None:
    world = await _world(matrix, row, seed_context, shared_worlds)
    client = seed_context.clients[matrix.service]
    before = await _owner_view(client, row, world, seed_context)
    kwargs = row.request_kwargs(world)
    headers = headers_for(caller, world, seed_context.mint) | kwargs.pop("headers", {})

    response = await client.request(row.method, row.url(world), headers=headers, **kwargs)

    assert response.status_code == row.expect[caller], response.text
    if caller not in row.entitled():
        assert world.own.marker not in response.text, "another tenant's data leaked"
    if not response.is_success:
        assert await _owner_view(client, row, world, seed_context) == before


def test_no_row_lets_a_stranger_read_or_write_an_object() -> None:
    """The table itself: on an object path, callers other than owner and readers get 403/404."""
    for matrix in MATRICES.values():
        for row in matrix.rows:
            if "{" not in row.path:
                continue
            strangers = set(Caller) - row.entitled() - {Caller.ANONYMOUS}
            wrong = {c: row.expect[c] for c in strangers if row.expect[c] not in (403, 404)}
            assert not wrong, f"{matrix.service} {row.method} {row.path}: {wrong}"


@pytest.mark.parametrize("service", present_services())
def test_every_api_route_has_a_matrix_row(service: str) -> None:
    """A new endpoint must join the matrix in the same change that adds it."""
    if service in SESSION_MATRICES:
        rows = {row.key for row in SESSION_MATRICES[service]}
        assert rows == api_routes(offline_app(service)), "console routes and rows differ"
        return
    if service not in MATRICES:
        if service in PENDING:
            pytest.xfail(f"{service} has no BOLA matrix yet")
        pytest.fail(f"{service} has an API but no BOLA matrix in tests/security")
    routes = api_routes(offline_app(service))
    rows = {row.key for row in MATRICES[service].rows}
    assert routes - rows == set(), "routes without a matrix row"
    assert rows - routes == set(), "matrix rows for routes that no longer exist"


COUNTERPART = {
    Caller.ENTERPRISE_OWN: Caller.ENTERPRISE_OTHER,
    Caller.LENDER_OWN: Caller.LENDER_OTHER,
    Caller.REGULATOR: Caller.ADMIN,
    Caller.ADMIN: Caller.REGULATOR,
}


async def _post(
    client: httpx.AsyncClient,
    row: Endpoint,
    world: World,
    headers: dict[str, str],
    kwargs: dict[str, Any],
) -> httpx.Response:
    sent = dict(kwargs)
    headers = headers | sent.pop("headers", {})
    return await client.request(row.method, row.url(world), headers=headers, **sent)


@pytest.mark.integration
@pytest.mark.parametrize("matrix", list(MATRICES.values()), ids=list(MATRICES))
async def test_an_idempotency_key_replays_only_to_the_caller_that_used_it(
    matrix: ServiceMatrix, seed_context: SeedContext
) -> None:
    """Every POST row: the caller it serves sends it with a key, and its retry replays the
    answer; the same role of the other tenant (or the other reader) sends the very same request
    with the very same key and is served afresh, never the first caller's answer
    (servicekit.http_idempotency scopes keys to the tenant)."""
    world = await matrix.seed(seed_context)
    client = seed_context.clients[matrix.service]
    stored = 0
    for row in (r for r in matrix.rows if r.method == "POST"):
        user = next((c for c in COUNTERPART if row.expect[c] < 300), row.owner)
        key, kwargs = {"Idempotency-Key": str(uuid.uuid4())}, row.request_kwargs(world)
        own = headers_for(user, world, seed_context.mint) | key
        first = await _post(client, row, world, own, kwargs)
        if first.is_success:
            stored += 1
            retry = await _post(client, row, world, own, kwargs)
            assert retry.headers.get("idempotent-replayed") == "true", (row.path, retry.text)
            assert (retry.status_code, retry.content) == (first.status_code, first.content)
        stranger = COUNTERPART[user]
        theirs = headers_for(stranger, world, seed_context.mint) | key
        answer = await _post(client, row, world, theirs, kwargs)
        assert "idempotent-replayed" not in answer.headers, (row.path, answer.text)
        if stranger not in row.entitled():
            assert world.own.marker not in answer.text, (row.path, "another tenant's data leaked")
    assert stored, f"no POST of {matrix.service} succeeded for the caller it serves"
