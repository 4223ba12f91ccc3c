"""A command on one aggregate its caller owns, written once: load it as the owner (404 when
missing or another tenant's), let the domain decide, save the change and enqueue the event in
the same transaction (servicekit.outbox), so nothing is saved unannounced or announced unsaved.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Concatenate, Generic, ParamSpec, TypeVar

import asyncpg

from schemas.envelope import EventData
from servicekit.auth import Role
from servicekit.db import Connection
from servicekit.outbox import enqueue
from servicekit.rls import acting_for

A = TypeVar("A")
E = TypeVar("E", bound=EventData)
P = ParamSpec("P")

Load = Callable[[Connection, uuid.UUID, uuid.UUID], Awaitable[A]]
"""(connection, aggregate id, owner) → the aggregate, locked; raises NotFound otherwise."""


@dataclass(frozen=True)
class OwnedAggregate(Generic[A]):
    """How a service loads one kind of aggregate for its owner (`role` acting for a tenant)
    and which source its events carry."""

    role: Role
    source: str
    load: Load[A]

    async def change(
        self,
        pool: asyncpg.Pool,
        aggregate_id: uuid.UUID,
        owner: uuid.UUID,
        decide: Callable[[A], E],
        save: Callable[[Connection, E], Awaitable[object]],
    ) -> E:
        """The event `decide` returned for the aggregate, committed with the change it saves."""
        async with acting_for(pool, self.role, owner) as con:
            event = decide(await self.load(con, aggregate_id, owner))
            await save(con, event)
            await enqueue(con, [event], source=self.source)
        return event

    def command(
        self,
        decide: Callable[Concatenate[A, datetime, P], E],
        save: Callable[[Connection, E], Awaitable[object]],
    ) -> Callable[Concatenate[asyncpg.Pool, uuid.UUID, uuid.UUID, P], Awaitable[E]]:
        """A command handler `(pool, aggregate id, owner, *arguments)`: `decide(aggregate,
        now, *arguments)` returns the event, `save` stores what it changed."""

        async def run(
            pool: asyncpg.Pool,
            aggregate_id: uuid.UUID,
            owner: uuid.UUID,
            /,
            *args: P.args,
            **kwargs: P.kwargs,
        ) -> E:
            at = datetime.now(UTC)
            return await self.change(
                pool, aggregate_id, owner, lambda a: decide(a, at, *args, **kwargs), save
            )

        return run
