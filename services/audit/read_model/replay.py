"""Rebuild every read model from the ledger alone: same events, same order, same result."""

from __future__ import annotations

import asyncpg
from pydantic import ValidationError

from audit.handlers import apply_views
from audit.read_model.table_rows import Recorded
from audit.repository import ledger as ledger_store
from schemas.catalog import EVENT_MODELS
from schemas.envelope import Envelope, EventData
from servicekit.rls import SYSTEM, acting_as

READ_MODELS = ("projects", "project_scores", "lenders", "deals", "responses", "view_gaps")
MODELS: dict[str, type[EventData]] = dict(EVENT_MODELS)


def recorded_from(seq: int, body: bytes) -> Recorded | None:
    """The typed event a ledger body holds; None for a type no read model knows."""
    envelope = Envelope.from_bytes(body)
    model = MODELS.get(envelope.type)
    if model is None:
        return None
    try:
        return Recorded(seq, envelope.id, model.model_validate(envelope.data, extra="ignore"))
    except ValidationError:
        return None


async def rebuild_views(pool: asyncpg.Pool, batch_rows: int = 5000) -> int:
    """Empty the read models and apply every ledger entry again; returns entries replayed."""
    replayed = 0
    async with acting_as(pool, SYSTEM) as con:  # every tenant's rows, as the consumer writes them
        await con.execute(f"TRUNCATE {', '.join(READ_MODELS)}")
        after = 0
        while True:
            entries = await ledger_store.entries_after(con, after, None, batch_rows)
            if not entries:
                return replayed
            batch = [r for e in entries if (r := recorded_from(e.seq, e.body)) is not None]
            await apply_views(con, batch)
            replayed += len(entries)
            after = entries[-1].seq
