"""SQL for the mandate re-match queue: which mandates still have projects to be matched against,
and how far each has come."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from servicekit.db import Connection, Executor


@dataclass(frozen=True)
class Sweep:
    """A mandate still being matched against the stored projects, in project-id order."""

    mandate_id: uuid.UUID
    mandate_version: int
    after_project: uuid.UUID | None
    scanned: int
    opened: int


async def start(con: Connection, mandate_id: uuid.UUID, mandate_version: int) -> None:
    """Match the mandate against every project from the first on: a newer version restarts a
    sweep under way, and a replayed event of the version being swept changes nothing."""
    await con.execute(
        "INSERT INTO mandate_sweeps (mandate_id, mandate_version) VALUES ($1, $2)"
        " ON CONFLICT (mandate_id) DO UPDATE SET mandate_version = EXCLUDED.mandate_version,"
        " after_project = NULL, scanned = 0, opened = 0, started_at = now(), updated_at = now()"
        " WHERE mandate_sweeps.mandate_version < EXCLUDED.mandate_version",
        mandate_id,
        mandate_version,
    )


async def drop(con: Connection, mandate_id: uuid.UUID) -> None:
    await con.execute("DELETE FROM mandate_sweeps WHERE mandate_id = $1", mandate_id)


async def claim(con: Connection, mandate_id: uuid.UUID | None = None) -> Sweep | None:
    """The oldest sweep (or the mandate's) no other replica is working on, locked until
    commit."""
    row = await con.fetchrow(
        "SELECT mandate_id, mandate_version, after_project, scanned, opened FROM mandate_sweeps"
        " WHERE $1::uuid IS NULL OR mandate_id = $1"
        " ORDER BY started_at, mandate_id LIMIT 1 FOR UPDATE SKIP LOCKED",
        mandate_id,
    )
    return Sweep(**dict(row)) if row else None


async def waiting(con: Executor, mandate_id: uuid.UUID) -> bool:
    return bool(
        await con.fetchval(
            "SELECT EXISTS (SELECT 1 FROM mandate_sweeps WHERE mandate_id = $1)", mandate_id
        )
    )


async def advance(
    con: Connection, sweep: Sweep, through: uuid.UUID, scanned: int, opened: int
) -> None:
    await con.execute(
        "UPDATE mandate_sweeps SET after_project = $2, scanned = scanned + $3,"
        " opened = opened + $4, updated_at = now() WHERE mandate_id = $1",
        sweep.mandate_id,
        through,
        scanned,
        opened,
    )


async def pending(con: Executor) -> int:
    return int(await con.fetchval("SELECT count(*) FROM mandate_sweeps"))
