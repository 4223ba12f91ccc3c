"""Write events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from schemas.catalog import TOPIC_OF_EVENT
from schemas.envelope import Envelope, EventData, new_traceparent
from servicekit.db import COPY_THRESHOLD, Connection, insert_rows
from servicekit.idempotency import record_effect
from servicekit.logs import traceparent_var
from servicekit.tracing import current_traceparent

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


# One round trip for the rows and the relay's wake-up: this sits on every request's path.
_INSERT_AND_NOTIFY = (
    "WITH staged AS (INSERT INTO outbox (id, aggregate_type, aggregate_id, type, topic, payload,"
    " headers, created_at) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],"
    " $5::text[], $6::bytea[], $7::jsonb[], $8::timestamptz[]) RETURNING 1)"
    " SELECT pg_notify(current_schema() || '_outbox', '') FROM (SELECT count(*) FROM staged) s"
)


def _row(event: EventData, source: str, traceparent: str | None) -> tuple[object, ...]:
    topic = TOPIC_OF_EVENT[event.event_type]
    traceparent = traceparent or current_traceparent() or traceparent_var.get()
    traceparent = traceparent or new_traceparent()
    event_id, now = uuid.uuid4(), datetime.now(UTC)
    wire = Envelope.wire(event, source=source, traceparent=traceparent, event_id=event_id, time=now)
    return (
        event_id,
        event.event_type.split(".", 1)[0],
        str(getattr(event, topic.key)),
        event.event_type,
        topic.name,
        wire,
        {"traceparent": traceparent},
        now,
    )


async def enqueue(
    con: Connection,
    events: Sequence[EventData],
    *,
    source: str,
    traceparent: str | None = None,
) -> list[uuid.UUID]:
    """Stage events for the relay; they leave only if the surrounding transaction commits.

    A request's Idempotency-Key commits with them (servicekit.idempotency)."""
    if not events:
        return []
    await record_effect(con)
    rows = [_row(e, source, traceparent) for e in events]
    if len(rows) >= COPY_THRESHOLD:
        await insert_rows(con, "outbox", _COLUMNS, rows)
        await con.execute("SELECT pg_notify(current_schema() || $1, '')", OUTBOX_CHANNEL_SUFFIX)
    else:
        await con.execute(_INSERT_AND_NOTIFY, *(list(c) for c in zip(*rows, strict=True)))
    return [r[0] for r in rows]  # type: ignore[misc]
