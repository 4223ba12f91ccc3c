"""Write events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from schemas.catalog import TOPIC_OF_EVENT
from schemas.envelope import Envelope, EventData
from servicekit.db import Connection, insert_rows
from servicekit.logs import trace_id_var

OUTBOX_CHANNEL_SUFFIX = "_outbox"
_COLUMNS = (
    "id",
    "aggregate_type",
    "aggregate_id",
    "type",
    "topic",
    "payload",
    "headers",
    "created_at",
)


def _row(event: EventData, source: str, trace_id: str | None) -> tuple[object, ...]:
    topic = TOPIC_OF_EVENT[event.event_type]
    envelope = Envelope.wrap(event, source=source, trace_id=trace_id or trace_id_var.get())
    key = str(getattr(event, topic.key))
    return (
        envelope.id,
        event.event_type.split(".", 1)[0],
        key,
        event.event_type,
        topic.name,
        envelope.to_bytes(),
        {"trace_id": envelope.trace_id},
        datetime.now(UTC),
    )


async def enqueue(
    con: Connection,
    events: Sequence[EventData],
    *,
    source: str,
    trace_id: str | None = None,
) -> list[uuid.UUID]:
    """Stage events for the relay; they leave only if the surrounding transaction commits."""
    if not events:
        return []
    rows = [_row(e, source, trace_id) for e in events]
    await insert_rows(con, "outbox", _COLUMNS, rows)
    await con.execute("SELECT pg_notify(current_schema() || $1, '')", OUTBOX_CHANNEL_SUFFIX)
    return [r[0] for r in rows]  # type: ignore[misc]
