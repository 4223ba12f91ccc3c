"""A throwaway consumer whose only effect is a row per event, to count effects exactly."""

from __future__ import annotations

import uuid
from pathlib import Path

from schemas.project import ProjectWithdrawn
from servicekit.consumers import Batch, HandlerTable, on
from servicekit.db import Connection

EFFECTS_SQL = """
CREATE TABLE effects (
    event_id   uuid NOT NULL,
    subject    text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    acting_as  text DEFAULT current_setting('app.role', true)  -- whom the handler acted for
);
"""


def probe_package(tmp: Path) -> Path:
    """A migrations folder for a probe schema: servicekit's plumbing plus an effects table."""
    (tmp / "migrations").mkdir(parents=True, exist_ok=True)
    (tmp / "migrations" / "0001_effects.sql").write_text(EFFECTS_SQL)
    return tmp


async def record_effects(con: Connection, events: Batch[ProjectWithdrawn]) -> None:
    """Deliberately not idempotent itself: only the inbox keeps effects single."""
    await con.executemany(
        "INSERT INTO effects (event_id, subject) VALUES ($1, $2)",
        [(e.envelope.id, e.envelope.subject) for e in events],
    )


def probe_handlers() -> HandlerTable:
    """The probe takes withdrawals, the one event type its tests publish."""
    return HandlerTable(on(ProjectWithdrawn, handle=record_effects))


def probe_schema() -> str:
    return f"probe_{uuid.uuid4().hex[:10]}"
