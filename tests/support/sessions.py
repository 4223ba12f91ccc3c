"""PostgreSQL sessions of a service, found while they wait, so a test can end one mid-transaction
as a crash or a failover would."""

from __future__ import annotations

import asyncio

import asyncpg


async def waiting_for_a_lock(con: asyncpg.Connection, statement: str) -> int:
    """The pid of the session whose current statement contains `statement` and waits for a lock.

    `con` must be of the same role as that session (PostgreSQL shows, and lets end, only the
    sessions of one's own role to a role that is not a superuser)."""
    for _ in range(400):
        pid = await con.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND strpos(query, $1) > 0 AND pid <> pg_backend_pid()",
            statement,
        )
        if pid is not None:
            return int(pid)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no session waited for a lock in {statement!r}")


async def ended(con: asyncpg.Connection, pid: int) -> None:
    """Terminate the session, as PostgreSQL does to every session when it stops or fails over."""
    assert await con.fetchval("SELECT pg_terminate_backend($1)", pid)
