"""Tell PostgreSQL's row-level security who a transaction acts for.

Policies read `app.tenant` and `app.role` (see docs/security.md). Both are set with
`set_config(..., true)`, so they end with the transaction and never leak to the next user of
a pooled connection.

`system` is the service acting as itself: background work (relays, consumers, job resumption),
and work a request sets off only after its own role checks have passed, such as an admin's
rescore, or a rank whose cross-tenant counts are all that leave the transaction. A caller's
own rows are always read and written as the caller.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Literal

import asyncpg

from servicekit.auth import Principal, Role
from servicekit.db import Connection

SYSTEM: Literal["system"] = "system"
Actor = Principal | Literal["system"]

_SET = "SELECT set_config('app.tenant', $1, true), set_config('app.role', $2, true)"


async def act_for(
    con: Connection, role: Role | Literal["system"], tenant: uuid.UUID | None
) -> None:
    """Scope the open transaction to `role` acting for `tenant` (None: no tenant)."""
    if not con.is_in_transaction():
        raise RuntimeError("act_for needs an open transaction: the setting lasts only for it")
    await con.execute(_SET, str(tenant) if tenant else "", str(role))


async def act_as(con: Connection, who: Actor) -> None:
    """Scope the open transaction to a caller, or to the service itself (`SYSTEM`)."""
    if isinstance(who, Principal):
        await act_for(con, who.role, who.tenant)
    else:
        await act_for(con, SYSTEM, None)


@asynccontextmanager
async def acting_for(
    pool: asyncpg.Pool, role: Role | Literal["system"], tenant: uuid.UUID | None
) -> AsyncIterator[Connection]:
    """A connection in a transaction that sees only what `role` acting for `tenant` may see."""
    async with pool.acquire() as con, con.transaction():
        await act_for(con, role, tenant)
        yield con


def acting_as(pool: asyncpg.Pool, who: Actor) -> AbstractAsyncContextManager[Connection]:
    """A connection in a transaction that sees only what the caller (or `SYSTEM`) may see."""
    if isinstance(who, Principal):
        return acting_for(pool, who.role, who.tenant)
    return acting_for(pool, SYSTEM, None)


async def insert_many(
    con: Connection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    on_conflict: str = "",
) -> None:
    """Bulk INSERT from arrays: COPY is refused on tables under row-level security.

    `columns` pairs each column with its SQL type; one statement carries any number of rows,
    and every row still passes the table's WITH CHECK policies. `on_conflict` is the
    statement's ON CONFLICT clause, if any; a DO UPDATE one needs rows with distinct keys.
    """
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    arrays = ", ".join(f"${i}::{sql_type}[]" for i, (_, sql_type) in enumerate(columns, 1))
    await con.execute(
        f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {on_conflict}",
        *(list(column) for column in zip(*rows, strict=True)),
    )
