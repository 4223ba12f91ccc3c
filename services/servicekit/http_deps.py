"""Request dependencies for what every endpoint needs besides its caller: a connection scoped
to that caller's row-level-security settings, and the app's typed settings and state.

The connection's transaction ends when the endpoint function returns (`scope="function"`),
before the answer is sent, so a slow client never holds a pooled connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Annotated, TypeVar

import asyncpg
from fastapi import Depends, Query, Request

from servicekit.auth import CurrentPrincipal, Principal
from servicekit.db import Connection
from servicekit.http import Pool
from servicekit.rls import SYSTEM, acting_as

T = TypeVar("T")

# Optimistic concurrency on a replacing PUT: the version the caller last read, refused with 409
# when another change came first (the domain decides); absent means "whatever is current".
ExpectedVersion = Annotated[int | None, Query(ge=1, le=1_000_000)]


async def caller_connection(pool: Pool, principal: CurrentPrincipal) -> AsyncIterator[Connection]:
    """A transaction that sees only what the caller may see (servicekit.rls)."""
    async with acting_as(pool, principal) as con:
        yield con


async def service_connection(pool: Pool) -> AsyncIterator[Connection]:
    """A transaction acting as the service itself: only for work an endpoint's policy has
    already admitted, such as an admin's rescore of every tenant's projects."""
    async with acting_as(pool, SYSTEM) as con:
        yield con


@dataclass(frozen=True)
class CallerTransactions:
    """Short transactions acting as the caller, for an endpoint that must not hold one while
    it computes or streams (a live feed's polls, an optimizer's run)."""

    pool: asyncpg.Pool
    principal: Principal

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        return acting_as(self.pool, self.principal)


async def caller_transactions(pool: Pool, principal: CurrentPrincipal) -> CallerTransactions:
    return CallerTransactions(pool, principal)


CallerConnection = Annotated[Connection, Depends(caller_connection, scope="function")]
ServiceConnection = Annotated[Connection, Depends(service_connection, scope="function")]
AsCaller = Annotated[CallerTransactions, Depends(caller_transactions)]


def app_state(name: str, kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency reading `app.state.<name>`, checked to be a `kind` (the settings, a
    context the composition root built), so endpoints get a typed value."""

    async def read(request: Request) -> T:
        value = getattr(request.app.state, name)
        if not isinstance(value, kind):
            raise TypeError(f"app.state.{name} is {type(value).__name__}, not {kind.__name__}")
        return value

    read.__name__ = f"app_state_{name}"
    return read


def app_settings(kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """The service's own settings class, as the composition root gave it to the app."""
    return app_state("settings", kind)
